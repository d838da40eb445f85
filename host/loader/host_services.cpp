#include "host_services.hpp"

#include "core/extensions/byte_buffer.hpp"
#include "plugin_text.hpp"

namespace wsx::loader {

LogLevel to_log_level(std::int32_t plugin_level) noexcept {
  // Rounds an unknown level down to the nearest known one, so a newer
  // plugin's extra levels still land somewhere sensible.
  if (plugin_level >= WSX_LOG_ERROR) return LogLevel::error;
  if (plugin_level >= WSX_LOG_WARNING) return LogLevel::warning;
  if (plugin_level >= WSX_LOG_INFO) return LogLevel::info;
  return LogLevel::debug;
}

HostServices::HostServices(const Logger& logger, std::string_view plugin_name) : logger_(logger) {
  rename(plugin_name);
  api_.struct_size = sizeof(wsx_host_api);
  core::fill_buffer_services(api_);
  api_.log = &HostServices::log;
  api_.log_context = this;
}

void HostServices::rename(std::string_view plugin_name) {
  tag_ = "[" + printable(plugin_name, 64) + "] ";
}

void HostServices::log(void* context, std::int32_t level, wsx_str message) {
  // Called from plugin code through a C pointer: nothing may escape.
  const auto* self = static_cast<const HostServices*>(context);
  if (self == nullptr) return;
  const LogLevel host_level = to_log_level(level);
  self->logger_.write_lazy(host_level, [&] {
    const std::string_view text =
        message.data == nullptr ? std::string_view{} : std::string_view(message.data, message.size);
    return self->tag_ + printable(text, 4096);
  });
}

}  // namespace wsx::loader
