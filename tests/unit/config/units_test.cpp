#include <gtest/gtest.h>

#include "config/units.hpp"

namespace wsx::config {
namespace {

using namespace std::chrono_literals;

TEST(ParseSizeTest, AcceptsBytesAndBinaryAndDecimalUnits) {
  EXPECT_EQ(parse_size("512"), 512u);
  EXPECT_EQ(parse_size("512 B"), 512u);
  EXPECT_EQ(parse_size("16 KiB"), 16u * 1024);
  EXPECT_EQ(parse_size("16KiB"), 16u * 1024);
  EXPECT_EQ(parse_size("1 MiB"), 1u << 20);
  EXPECT_EQ(parse_size("2 GiB"), 2ull << 30);
  EXPECT_EQ(parse_size("10 KB"), 10'000u);
  EXPECT_EQ(parse_size("1 MB"), 1'000'000u);
  EXPECT_EQ(parse_size("3 GB"), 3'000'000'000u);
  EXPECT_EQ(parse_size(" 4 mib "), 4u << 20);
  EXPECT_EQ(parse_size("0"), 0u);
}

TEST(ParseSizeTest, RejectsEverythingElse) {
  for (const char* bad : {"", " ", "MiB", "16 MiX", "1.5 MiB", "-1", "16 M", "16 Mi", "16 MiB x",
                          "1 TiB", "0x10", "1 000"}) {
    EXPECT_EQ(parse_size(bad), std::nullopt) << bad;
  }
}

TEST(ParseSizeTest, RejectsOverflow) {
  EXPECT_EQ(parse_size("18446744073709551615"), 18446744073709551615ull);
  EXPECT_EQ(parse_size("18446744073709551616"), std::nullopt);
  EXPECT_EQ(parse_size("17179869184 GiB"), std::nullopt);
}

TEST(ParseDurationTest, AcceptsUnitsAndBareSeconds) {
  EXPECT_EQ(parse_duration("250ms"), 250ms);
  EXPECT_EQ(parse_duration("5s"), 5s);
  EXPECT_EQ(parse_duration("2m"), 2min);
  EXPECT_EQ(parse_duration("1h"), 1h);
  EXPECT_EQ(parse_duration("30"), 30s);
  EXPECT_EQ(parse_duration("0s"), 0ms);
  EXPECT_EQ(parse_duration(" 5 s "), 5s);
}

TEST(ParseDurationTest, RejectsEverythingElse) {
  for (const char* bad :
       {"", "s", "5 sec", "1.5s", "-5s", "5d", "5 ms s", "99999999999999999999s"}) {
    EXPECT_EQ(parse_duration(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace wsx::config
