#include "core/extensions/extension_params.hpp"

#include <new>

#include "core/handshake/http_tokens.hpp"

namespace wsx::core {

bool is_token(std::string_view text) noexcept {
  if (text.empty()) return false;
  for (const char c : text)
    if (!is_tchar(c)) return false;
  return true;
}

std::vector<wsx_param> to_c_params(const std::vector<ExtensionParam>& params) {
  std::vector<wsx_param> out;
  out.reserve(params.size());
  for (const auto& p : params) {
    wsx_param c{};
    c.name = {p.name.data(), p.name.size()};
    if (p.value) {
      c.value = {p.value->data(), p.value->size()};
      c.has_value = 1;
    }
    out.push_back(c);
  }
  return out;
}

std::int32_t params_out_add(wsx_params_out* list, wsx_str name, wsx_str value,
                            std::int32_t has_value) {
  if (list == nullptr || name.data == nullptr) return -1;
  std::string_view name_view(name.data, name.size);
  if (!is_token(name_view)) return -1;
  try {
    ExtensionParam param{std::string(name_view), std::nullopt};
    if (has_value != 0)
      param.value =
          std::string(value.data == nullptr ? "" : std::string_view(value.data, value.size));
    list->params.push_back(std::move(param));
    return 0;
  } catch (const std::bad_alloc&) {
    return -1;
  }
}

}  // namespace wsx::core
