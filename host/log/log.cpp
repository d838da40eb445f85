#include "log/log.hpp"

#include <cstdio>
#include <utility>
#include <vector>

namespace wsx {

void Logger::write(LogLevel level, std::string_view message) const noexcept {
  if (!enabled(level)) return;
  try {
    sink_(level, message);
  } catch (...) {
    // A sink that cannot write (out of memory, closed stream) must not take
    // the connection or the server down with it.
  }
}

namespace {

// Fixed width keeps messages aligned in a terminal.
constexpr std::string_view level_label(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::debug:
      return "DEBUG";
    case LogLevel::info:
      return "INFO ";
    case LogLevel::warning:
      return "WARN ";
    case LogLevel::error:
      return "ERROR";
    case LogLevel::off:
      break;
  }
  return "?    ";
}

}  // namespace

namespace {

// "2026-11-22T10:00:00.123Z".
std::string timestamp(std::chrono::system_clock::time_point when) {
  using namespace std::chrono;
  const auto millis = floor<milliseconds>(when);
  const auto day = floor<days>(millis);
  const year_month_day date{day};
  const hh_mm_ss time{millis - day};

  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()),
                static_cast<int>(time.subseconds().count()));
  return stamp;
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (byte < 0x20) {
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
}

bool is_key_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// "close peer=a code=1 reason="x \"y\"""  ->  event "close" and the pairs;
// nullopt-like empty event when the message has another shape.
bool split_fields(std::string_view message, std::string& event,
                  std::vector<std::pair<std::string, std::string>>& fields) {
  std::size_t i = 0;
  while (i < message.size() && is_key_char(message[i])) ++i;
  if (i == 0 || i == message.size() || message[i] != ' ') return false;
  event = message.substr(0, i);
  while (i < message.size()) {
    if (message[i] != ' ') return false;
    ++i;
    const std::size_t key_start = i;
    while (i < message.size() && is_key_char(message[i])) ++i;
    if (i == key_start || i == message.size() || message[i] != '=') return false;
    std::string key(message.substr(key_start, i - key_start));
    ++i;
    std::string value;
    if (i < message.size() && message[i] == '"') {
      ++i;
      bool closed = false;
      while (i < message.size()) {
        const char c = message[i++];
        if (c == '\\' && i < message.size()) {
          value += message[i++];
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          value += c;
        }
      }
      if (!closed) return false;
    } else {
      while (i < message.size() && message[i] != ' ') value += message[i++];
    }
    if (key == "time" || key == "level" || key == "message" || key == "event") key = "field_" + key;
    fields.emplace_back(std::move(key), std::move(value));
  }
  return !fields.empty();
}

}  // namespace

std::string format_log_line_json(std::chrono::system_clock::time_point when, LogLevel level,
                                 std::string_view message) {
  std::string line;
  line.reserve(64 + 2 * message.size());
  line += "{\"time\":\"";
  line += timestamp(when);
  line += "\",\"level\":\"";
  line += to_string(level);
  line += "\",\"message\":";
  append_json_string(line, message);
  std::string event;
  std::vector<std::pair<std::string, std::string>> fields;
  if (split_fields(message, event, fields)) {
    line += ",\"event\":";
    append_json_string(line, event);
    for (const auto& [key, value] : fields) {
      line += ',';
      append_json_string(line, key);
      line += ':';
      append_json_string(line, value);
    }
  }
  line += "}\n";
  return line;
}

std::string format_log_line(std::chrono::system_clock::time_point when, LogLevel level,
                            std::string_view message) {
  std::string line;
  line.reserve(32 + message.size());
  line += timestamp(when);
  line += ' ';
  line += level_label(level);
  line += ' ';
  line += message;
  line += '\n';
  return line;
}

}  // namespace wsx
