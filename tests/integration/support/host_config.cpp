#include "support/host_config.hpp"

namespace wsx::integration {

namespace {

// A TOML basic string. Test paths hold no quote or control character, but
// backslashes and quotes are escaped anyway so a path cannot break the file.
std::string toml_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string HostConfig::to_toml() const {
  // The address and port are overridden by --listen 127.0.0.1:0.
  std::string text =
      "[server]\n"
      "address = \"127.0.0.1\"\n"
      "port = 0\n"
      "app = \"echo\"\n"
      "log_level = \"info\"\n";
  text += "io_threads = " + std::to_string(io_threads) + "\n\n";
  text += "[server.limits]\n";
  text += "max_message_size = " + toml_string(max_message_size) + "\n";
  text += "max_frame_size = " + toml_string(max_frame_size) + "\n";
  text += "max_send_queue = " + toml_string(max_send_queue) + "\n";
  text += "max_buffered_input = " + toml_string(max_buffered_input) + "\n";
  text += "handshake_timeout = " + toml_string(handshake_timeout) + "\n";
  text += "idle_timeout = " + toml_string(idle_timeout) + "\n";
  text += "close_timeout = " + toml_string(close_timeout) + "\n";
  for (const PluginEntry& plugin : plugins) {
    text += "\n[[plugin]]\npath = " + toml_string(plugin.path) + "\n";
    if (plugin.params.empty()) continue;
    text += "\n[plugin.params]\n";
    for (const auto& [key, value] : plugin.params) text += key + " = " + value + "\n";
  }
  return text;
}

}  // namespace wsx::integration
