#include "log/log.hpp"

#include <cstdio>

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

std::string format_log_line(std::chrono::system_clock::time_point when, LogLevel level,
                            std::string_view message) {
  using namespace std::chrono;
  const auto millis = floor<milliseconds>(when);
  const auto day = floor<days>(millis);
  const year_month_day date{day};
  const hh_mm_ss time{millis - day};

  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()),
                static_cast<int>(time.subseconds().count()));

  std::string line;
  line.reserve(32 + message.size());
  line += stamp;
  line += level_label(level);
  line += ' ';
  line += message;
  line += '\n';
  return line;
}

}  // namespace wsx
