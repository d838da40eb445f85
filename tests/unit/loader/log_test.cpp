// The logger of host/core/log: levels, the injected sink, line format, and
// concurrent use.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "log/log.hpp"
#include "test_support.hpp"

namespace wsx {
namespace {

TEST(LogTest, ParsesEveryLevelName) {
  EXPECT_EQ(parse_log_level("debug"), LogLevel::debug);
  EXPECT_EQ(parse_log_level("info"), LogLevel::info);
  EXPECT_EQ(parse_log_level("warning"), LogLevel::warning);
  EXPECT_EQ(parse_log_level("error"), LogLevel::error);
  EXPECT_EQ(parse_log_level("off"), LogLevel::off);
  EXPECT_EQ(parse_log_level("INFO"), std::nullopt);
  EXPECT_EQ(parse_log_level("warn"), std::nullopt);
  for (LogLevel level :
       {LogLevel::debug, LogLevel::info, LogLevel::warning, LogLevel::error, LogLevel::off}) {
    EXPECT_EQ(parse_log_level(to_string(level)), level);
  }
}

TEST(LogTest, ThresholdFiltersLowerLevels) {
  test::RecordingLog log;
  Logger& logger = log.logger();
  logger.set_level(LogLevel::warning);
  EXPECT_FALSE(logger.enabled(LogLevel::info));
  EXPECT_TRUE(logger.enabled(LogLevel::warning));
  logger.info("dropped");
  logger.warning("kept warning");
  logger.error("kept error");
  EXPECT_EQ(log.lines(), (std::vector<std::string>{"kept warning", "kept error"}));

  logger.set_level(LogLevel::off);
  EXPECT_FALSE(logger.enabled(LogLevel::error));
  logger.error("dropped too");
  EXPECT_EQ(log.lines().size(), 2u);
}

TEST(LogTest, LazyMessagesAreBuiltOnlyWhenEnabled) {
  test::RecordingLog log;
  log.logger().set_level(LogLevel::info);
  int built = 0;
  log.logger().write_lazy(LogLevel::debug, [&] {
    ++built;
    return std::string("debug");
  });
  log.logger().write_lazy(LogLevel::info, [&] {
    ++built;
    return std::string("info");
  });
  EXPECT_EQ(built, 1);
  EXPECT_EQ(log.lines(), std::vector<std::string>{"info"});
}

TEST(LogTest, WithoutASinkNothingIsEnabled) {
  const Logger logger(LogLevel::debug);
  EXPECT_FALSE(logger.enabled(LogLevel::error));
  logger.error("goes nowhere");
}

TEST(LogTest, AThrowingSinkDoesNotThrowIntoTheCaller) {
  const Logger logger(LogLevel::debug,
                      [](LogLevel, std::string_view) { throw std::runtime_error("full"); });
  EXPECT_NO_THROW(logger.error("x"));
}

TEST(LogTest, FormatsUtcTimestampWithMillisecondsAndPaddedLevel) {
  using namespace std::chrono;
  const sys_days day = year{2026} / November / 22;
  const auto when =
      system_clock::time_point(day + hours{10} + minutes{0} + seconds{0} + milliseconds{123});
  EXPECT_EQ(format_log_line(when, LogLevel::info, "message"),
            "2026-11-22T10:00:00.123Z INFO  message\n");
  EXPECT_EQ(format_log_line(when, LogLevel::warning, "w"), "2026-11-22T10:00:00.123Z WARN  w\n");
  EXPECT_EQ(format_log_line(when, LogLevel::error, "e"), "2026-11-22T10:00:00.123Z ERROR e\n");
  EXPECT_EQ(format_log_line(when + milliseconds{5}, LogLevel::debug, "d"),
            "2026-11-22T10:00:00.128Z DEBUG d\n");
}

TEST(LogTest, JsonLinesCarryTheMessageAndItsKeyValueFields) {
  using namespace std::chrono;
  const sys_days day = year{2026} / November / 22;
  const auto when = system_clock::time_point(day + hours{10} + milliseconds{123});
  EXPECT_EQ(
      format_log_line_json(
          when, LogLevel::info,
          R"(close peer=127.0.0.1:5000 code=1000 reason="say \"bye\"" bytes_in=12)"),
      R"({"time":"2026-11-22T10:00:00.123Z","level":"info",)"
      R"("message":"close peer=127.0.0.1:5000 code=1000 reason=\"say \\\"bye\\\"\" bytes_in=12",)"
      R"("event":"close","peer":"127.0.0.1:5000","code":"1000","reason":"say \"bye\"",)"
      R"("bytes_in":"12"})"
      "\n");
  // Not of the key=value shape: the message alone, control bytes escaped.
  EXPECT_EQ(format_log_line_json(when, LogLevel::warning, "listening on 1.2.3.4:5 (x)\t\x01"),
            R"({"time":"2026-11-22T10:00:00.123Z","level":"warning",)"
            R"("message":"listening on 1.2.3.4:5 (x)\u0009\u0001"})"
            "\n");
  // A field named like a top-level key does not replace it.
  EXPECT_EQ(format_log_line_json(when, LogLevel::error, "oops level=x"),
            R"({"time":"2026-11-22T10:00:00.123Z","level":"error","message":"oops level=x",)"
            R"("event":"oops","field_level":"x"})"
            "\n");
}

TEST(LogTest, ConcurrentWritersEachDeliverWholeLines) {
  test::RecordingLog log;
  constexpr int kThreads = 4;
  constexpr int kLines = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kLines; ++i) log.logger().info("thread " + std::to_string(t));
    });
  }
  for (auto& thread : threads) thread.join();
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kLines));
  for (const auto& line : lines) EXPECT_EQ(line.rfind("thread ", 0), 0u);
}

}  // namespace
}  // namespace wsx
