// Owned forms of Sec-WebSocket-Extensions items (RFC 6455 section 9.1) and the
// host side of the SDK's opaque `wsx_params_out`.
#pragma once

#include <wsx/extension.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wsx::core {

// `name` or `name=value`; a quoted-string value is stored unquoted.
struct ExtensionParam {
  std::string name;
  std::optional<std::string> value;
  friend bool operator==(const ExtensionParam&, const ExtensionParam&) = default;
};

// One extension item: `token *( ";" param )`.
struct ExtensionItem {
  std::string token;
  std::vector<ExtensionParam> params;
  friend bool operator==(const ExtensionItem&, const ExtensionItem&) = default;
};

// Borrowed C views of owned params, valid while `params` lives unchanged.
std::vector<wsx_param> to_c_params(const std::vector<ExtensionParam>& params);

// True if `text` is an RFC 7230 token (1*tchar).
bool is_token(std::string_view text) noexcept;

// C entry point behind wsx_host_api.params_add.
std::int32_t params_out_add(wsx_params_out* list, wsx_str name, wsx_str value,
                            std::int32_t has_value);

}  // namespace wsx::core

// The C ABI declares `struct wsx_params_out` opaque; the host defines it here.
struct wsx_params_out {
  std::vector<wsx::core::ExtensionParam> params;
};
