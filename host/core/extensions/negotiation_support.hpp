// Internal helpers shared by the server and client halves of negotiation
// (negotiation_server.cpp, negotiation_client.cpp). Not part of the core API.
#pragma once

#include <wsx/extension.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/extensions/byte_buffer.hpp"
#include "core/extensions/extension_factory.hpp"
#include "core/extensions/extension_params.hpp"

namespace wsx::core::negotiation_support {

// The extensions accepted so far in one negotiation, with the C views that
// wsx_server_offer.accepted / wsx_client_response.accepted point to. Each
// record lives on the heap so the views stay valid while more are added.
class AcceptedSoFar {
 public:
  void add(std::string token, std::uint8_t rsv_bits, std::vector<ExtensionParam> params);

  [[nodiscard]] bool has_token(std::string_view token) const noexcept;
  // Token of an accepted extension that owns any of `rsv_bits`, if one does.
  [[nodiscard]] std::optional<std::string_view> rsv_owner(std::uint8_t rsv_bits) const noexcept;
  [[nodiscard]] const wsx_accepted_extension* const* views() const noexcept {
    return pointers_.data();
  }
  [[nodiscard]] std::size_t count() const noexcept { return pointers_.size(); }

 private:
  struct Record {
    std::string token;
    std::vector<ExtensionParam> params;
    std::vector<wsx_param> c_params;
    wsx_accepted_extension view{};
  };
  std::vector<std::unique_ptr<Record>> records_;
  std::vector<const wsx_accepted_extension*> pointers_;
};

// A wsx_error for one plugin call: the host's size, close code preset to
// 1011 (wsx/extension.h), message going to `message` (cleared first).
[[nodiscard]] wsx_error make_error(ByteBuffer& message) noexcept;

// The plugin's message made printable, or `fallback` when it wrote none.
[[nodiscard]] std::string plugin_message(const ByteBuffer& message, std::string_view fallback);

// "RSV1", "RSV1+RSV3", ... for messages.
[[nodiscard]] std::string rsv_names(std::uint8_t rsv_bits);

// Parameters as header text for the trace ("a; b=1"); never fails.
[[nodiscard]] std::string params_text(std::span<const ExtensionParam> params);

// RFC 6455 section 9.1: every name and value a peer will read must be a
// token. The reason when one is not.
[[nodiscard]] std::optional<std::string> check_params_are_tokens(
    std::span<const ExtensionParam> params);

// The first factory for `token` (case-insensitive) whose definition declares
// the role and has its functions; nullptr if none.
enum class FactoryRole { server, client };
[[nodiscard]] std::shared_ptr<const ExtensionFactory> find_factory(const FactoryList& factories,
                                                                   std::string_view token,
                                                                   FactoryRole role) noexcept;

[[nodiscard]] inline wsx_str view_of(std::string_view text) noexcept {
  return {text.data(), text.size()};
}

}  // namespace wsx::core::negotiation_support
