// A small leveled logger. The core does no I/O: every line goes to a sink the
// caller injects (main installs one that writes to stderr). The logger is an
// ordinary object passed by reference, never a global, so tests capture what
// a component logs by giving it their own sink.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace wsx {

// Numbered like wsx_log_level in wsx/extension.h so a plugin's level maps
// onto the host's without a table. `off` is a threshold only, never a line.
enum class LogLevel : int { debug = 10, info = 20, warning = 30, error = 40, off = 100 };

// "debug", "info", "warning", "error" or "off" (exact, lower case).
[[nodiscard]] constexpr std::optional<LogLevel> parse_log_level(std::string_view text) noexcept {
  if (text == "debug") return LogLevel::debug;
  if (text == "info") return LogLevel::info;
  if (text == "warning") return LogLevel::warning;
  if (text == "error") return LogLevel::error;
  if (text == "off") return LogLevel::off;
  return std::nullopt;
}

// The name parse_log_level() accepts for `level`.
[[nodiscard]] constexpr std::string_view to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warning:
      return "warning";
    case LogLevel::error:
      return "error";
    case LogLevel::off:
      return "off";
  }
  return "off";
}

// What a sink receives: the level and the message (no timestamp, no newline).
// A sink may be called from several threads at once and must keep each line
// whole (see format_log_line for the conventional rendering).
using LogSink = std::function<void(LogLevel, std::string_view message)>;

class Logger {
 public:
  // A logger without a sink drops every line (useful in tests and tools).
  explicit Logger(LogLevel threshold = LogLevel::info, LogSink sink = {})
      : threshold_(static_cast<int>(threshold)), sink_(std::move(sink)) {}
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // One relaxed atomic load: callers test this before building a message so a
  // disabled level costs nothing on the hot path.
  [[nodiscard]] bool enabled(LogLevel level) const noexcept {
    return level != LogLevel::off && sink_ &&
           static_cast<int>(level) >= threshold_.load(std::memory_order_relaxed);
  }

  // May be called while other threads log (e.g. on a config reload).
  void set_level(LogLevel threshold) noexcept {
    threshold_.store(static_cast<int>(threshold), std::memory_order_relaxed);
  }
  [[nodiscard]] LogLevel level() const noexcept {
    return static_cast<LogLevel>(threshold_.load(std::memory_order_relaxed));
  }

  // Hands `message` to the sink if `level` is enabled. Never throws: a
  // failing sink loses the line rather than the caller's work.
  void write(LogLevel level, std::string_view message) const noexcept;

  // Builds the message only when the level is enabled:
  //   logger.write_lazy(LogLevel::debug, [&] { return "frame " + describe(f); });
  template <class MakeMessage>
  void write_lazy(LogLevel level, MakeMessage&& make_message) const noexcept {
    if (!enabled(level)) return;
    try {
      write(level, std::forward<MakeMessage>(make_message)());
    } catch (...) {
      // Building the message failed (out of memory): drop the line.
    }
  }

  void debug(std::string_view message) const noexcept { write(LogLevel::debug, message); }
  void info(std::string_view message) const noexcept { write(LogLevel::info, message); }
  void warning(std::string_view message) const noexcept { write(LogLevel::warning, message); }
  void error(std::string_view message) const noexcept { write(LogLevel::error, message); }

 private:
  std::atomic<int> threshold_;
  LogSink sink_;
};

// Renders one log line, newline included, in UTC with milliseconds:
//   "2026-11-22T10:00:00.123Z INFO  message\n"
// Pure formatting; the caller decides where the line goes.
[[nodiscard]] std::string format_log_line(std::chrono::system_clock::time_point when,
                                          LogLevel level, std::string_view message);

// The same line as one JSON object (RFC 8259) and a newline, for log
// shippers (wsx-host --log-format json):
//   {"time":"2026-11-22T10:00:00.123Z","level":"info","message":"close peer=...",
//    "event":"close","peer":"127.0.0.1:5000","code":"1000",...}
// "event" and the other fields are added when the message has the shape of
// wsx's connection lines, a word then key=value pairs (values bare or
// "quoted" with \" and \\ escapes, as net/log_fields.hpp writes them);
// field values stay strings. "message" is always the whole text.
[[nodiscard]] std::string format_log_line_json(std::chrono::system_clock::time_point when,
                                               LogLevel level, std::string_view message);

}  // namespace wsx
