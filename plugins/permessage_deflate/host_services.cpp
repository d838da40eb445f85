#include "host_services.hpp"

#include "abi_struct.hpp"

namespace wsx::pmd {
namespace {

wsx_str to_wsx_str(std::string_view text) noexcept {
  return {text.data(), text.size()};
}

}  // namespace

HostServices::HostServices(const wsx_host_api* api) noexcept : api_(read_abi_struct(api)) {}

bool HostServices::complete() const noexcept {
  return api_.buffer_reserve != nullptr && api_.buffer_commit != nullptr &&
         api_.buffer_append != nullptr && api_.params_add != nullptr && api_.log != nullptr;
}

std::uint8_t* HostServices::reserve(wsx_buffer* buffer, std::size_t min_bytes,
                                    std::size_t& available) const noexcept {
  available = 0;
  std::uint8_t* room = api_.buffer_reserve(buffer, min_bytes, &available);
  if (room == nullptr || available < min_bytes) return nullptr;
  return room;
}

void HostServices::commit(wsx_buffer* buffer, std::size_t bytes) const noexcept {
  api_.buffer_commit(buffer, bytes);
}

bool HostServices::append(wsx_buffer* buffer, std::string_view text) const noexcept {
  return api_.buffer_append(buffer, text.data(), text.size()) == 0;
}

bool HostServices::add_param(wsx_params_out* list, std::string_view name,
                             std::optional<std::string_view> value) const noexcept {
  const std::string_view value_text = value.value_or(std::string_view{});
  return api_.params_add(list, to_wsx_str(name), to_wsx_str(value_text),
                         value.has_value() ? 1 : 0) == 0;
}

void HostServices::log(wsx_log_level level, std::string_view message) const noexcept {
  if (api_.log != nullptr) api_.log(api_.log_context, level, to_wsx_str(message));
}

wsx_status HostServices::fail(wsx_error* error, std::uint32_t close_code,
                              std::string_view message) const noexcept {
  if (error != nullptr) {
    error->close_code = close_code;
    if (error->message != nullptr && api_.buffer_append != nullptr) {
      // Nothing more can be done if even the message cannot be stored: the
      // status and close code still reach the host.
      static_cast<void>(append(error->message, message));
    }
  }
  return WSX_FAIL;
}

wsx_status HostServices::decline(wsx_error* error, std::string_view reason) const noexcept {
  if (error != nullptr && error->message != nullptr && api_.buffer_append != nullptr) {
    static_cast<void>(append(error->message, reason));
  }
  return WSX_DECLINE;
}

}  // namespace wsx::pmd
