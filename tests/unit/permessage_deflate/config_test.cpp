// The [plugin.params] table: defaults, every parameter, every range check,
// and the descriptor the host reads.
#include <gtest/gtest.h>

#include <string>

#include "permessage_deflate/byte_size.hpp"
#include "permessage_deflate/config.hpp"
#include "test_host.hpp"

extern "C" wsx_status wsx_negotiate_plugin_abi(const wsx_host_info*, uint32_t*,
                                               const wsx_plugin_descriptor**, wsx_error*);

namespace wsx::pmd::test {
namespace {

TEST(Config, DefaultsWhenTheTableIsEmpty) {
  TestPlugin plugin;
  const DeflateConfig& config = plugin.plugin().config();
  EXPECT_EQ(config.server_max_window_bits, 15);
  EXPECT_EQ(config.client_max_window_bits, 11);
  EXPECT_FALSE(config.require_client_max_window_bits);
  EXPECT_FALSE(config.server_no_context_takeover);
  EXPECT_FALSE(config.client_no_context_takeover);
  EXPECT_TRUE(config.keep_compression_context);
  EXPECT_EQ(config.compress_window_bits, 10);
  EXPECT_EQ(config.compress_level, 3);
  EXPECT_EQ(config.mem_level, 2);
  EXPECT_EQ(config.min_size, 64u);
  EXPECT_TRUE(config.skip_incompressible);
  EXPECT_EQ(config.max_memory, 0u);
}

TEST(Config, EveryParameterIsApplied) {
  TestPlugin plugin({{"server_max_window_bits", std::int64_t{10}},
                     {"client_max_window_bits", std::int64_t{9}},
                     {"server_no_context_takeover", true},
                     {"client_no_context_takeover", true},
                     {"compress_level", std::int64_t{9}},
                     {"mem_level", std::int64_t{1}},
                     {"min_size", std::int64_t{0}},
                     {"skip_incompressible", false},
                     {"max_memory", std::string("16 MiB")}});
  const DeflateConfig& config = plugin.plugin().config();
  EXPECT_EQ(config.server_max_window_bits, 10);
  EXPECT_EQ(config.client_max_window_bits, 9);
  EXPECT_TRUE(config.server_no_context_takeover);
  EXPECT_TRUE(config.client_no_context_takeover);
  EXPECT_EQ(config.compress_level, 9);
  EXPECT_EQ(config.mem_level, 1);
  EXPECT_EQ(config.min_size, 0u);
  EXPECT_FALSE(config.skip_incompressible);
  EXPECT_EQ(config.max_memory, 16u << 20);
}

struct RangeCase {
  std::string key;
  std::int64_t low;
  std::int64_t high;
};

class ConfigRange : public testing::TestWithParam<RangeCase> {};

TEST_P(ConfigRange, BothEndsAcceptedAndOneBeyondRejectedWithNameAndRange) {
  const RangeCase& range = GetParam();
  EXPECT_EQ(TestPlugin::create_error({{range.key, range.low}}), std::nullopt);
  EXPECT_EQ(TestPlugin::create_error({{range.key, range.high}}), std::nullopt);
  const std::string expected_range =
      "from " + std::to_string(range.low) + " to " + std::to_string(range.high);
  for (const std::int64_t bad : {range.low - 1, range.high + 1}) {
    const std::optional<std::string> error = TestPlugin::create_error({{range.key, bad}});
    ASSERT_TRUE(error.has_value()) << range.key << "=" << bad;
    EXPECT_NE(error->find(range.key + " = " + std::to_string(bad)), std::string::npos) << *error;
    EXPECT_NE(error->find(expected_range), std::string::npos) << *error;
  }
}

INSTANTIATE_TEST_SUITE_P(Integers, ConfigRange,
                         testing::Values(RangeCase{"server_max_window_bits", 8, 15},
                                         RangeCase{"client_max_window_bits", 8, 15},
                                         RangeCase{"compress_level", 0, 9},
                                         RangeCase{"mem_level", 1, 9}),
                         [](const auto& info) { return info.param.key; });

TEST(Config, NegativeMinSizeIsRejected) {
  const auto error = TestPlugin::create_error({{"min_size", std::int64_t{-1}}});
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("min_size = -1 is out of range"), std::string::npos) << *error;
}

TEST(Config, MaxMemoryTakesSizesAsDeclaredAString) {
  TestPlugin with_unit({{"max_memory", std::string("256 MiB")}});
  EXPECT_EQ(with_unit.plugin().config().max_memory, 256u << 20);
  TestPlugin zero({{"max_memory", std::string("0")}});
  EXPECT_EQ(zero.plugin().config().max_memory, 0u);
  TestPlugin bytes({{"max_memory", std::string("1000000")}});
  EXPECT_EQ(bytes.plugin().config().max_memory, 1'000'000u);
  // Declared a string: wsx-host refuses a TOML integer before create, so
  // the plugin refuses it too (wsx-plugin-check found it took one).
  const auto integer = TestPlugin::create_error({{"max_memory", std::int64_t{1'000'000}}});
  ASSERT_TRUE(integer);
  EXPECT_NE(integer->find("max_memory"), std::string::npos) << *integer;

  const auto error = TestPlugin::create_error({{"max_memory", std::string("lots")}});
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("max_memory = \"lots\" is not a size"), std::string::npos) << *error;
}

TEST(Config, WrongTypesAreRejected) {
  const auto boolean_for_integer = TestPlugin::create_error({{"mem_level", true}});
  ASSERT_TRUE(boolean_for_integer);
  EXPECT_NE(boolean_for_integer->find("mem_level must be an integer, not a boolean"),
            std::string::npos);
  const auto integer_for_boolean =
      TestPlugin::create_error({{"server_no_context_takeover", std::int64_t{1}}});
  ASSERT_TRUE(integer_for_boolean);
  EXPECT_NE(integer_for_boolean->find("must be a boolean"), std::string::npos);
}

TEST(Config, UnknownKeyIsRejectedEvenIfTheHostDidNotCheck) {
  const auto error = TestPlugin::create_error({{"window", std::int64_t{1}}});
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("unknown parameter \"window\""), std::string::npos);
}

TEST(Config, BudgetSmallerThanOneConnectionIsWarnedAbout) {
  TestPlugin plugin({{"max_memory", std::string("1 KiB")}});
  EXPECT_TRUE(plugin.host().logged(WSX_LOG_WARNING, "every offer will be declined"));
}

TEST(ByteSize, Grammar) {
  EXPECT_EQ(parse_byte_size("512"), 512u);
  EXPECT_EQ(parse_byte_size(" 512 B "), 512u);
  EXPECT_EQ(parse_byte_size("16 KiB"), 16u << 10);
  EXPECT_EQ(parse_byte_size("1mib"), 1u << 20);
  EXPECT_EQ(parse_byte_size("2 GiB"), 2ULL << 30);
  EXPECT_EQ(parse_byte_size("10 KB"), 10'000u);
  EXPECT_EQ(parse_byte_size("1 MB"), 1'000'000u);
  EXPECT_EQ(parse_byte_size("1 GB"), 1'000'000'000u);
  EXPECT_EQ(parse_byte_size(""), std::nullopt);
  EXPECT_EQ(parse_byte_size("MiB"), std::nullopt);
  EXPECT_EQ(parse_byte_size("-1"), std::nullopt);
  EXPECT_EQ(parse_byte_size("1.5 MiB"), std::nullopt);
  EXPECT_EQ(parse_byte_size("12 parsecs"), std::nullopt);
  EXPECT_EQ(parse_byte_size("18446744073709551615"), 18446744073709551615ULL);
  EXPECT_EQ(parse_byte_size("18446744073709551616"), std::nullopt);
  EXPECT_EQ(parse_byte_size("17179869184 GiB"), std::nullopt);
}

TEST(Descriptor, DeclaresTheExtensionAndItsParameters) {
  TestHost host;
  wsx_host_info info{sizeof(wsx_host_info), 1, 1, host.api(), {"t", 1}};
  std::uint32_t abi = 0;
  const wsx_plugin_descriptor* descriptor = nullptr;
  core::ByteBuffer message;
  wsx_error error{sizeof(wsx_error), WSX_CLOSE_INTERNAL_ERROR, message.handle()};
  ASSERT_EQ(wsx_negotiate_plugin_abi(&info, &abi, &descriptor, &error), WSX_OK);
  EXPECT_EQ(abi, 1u);
  EXPECT_STREQ(descriptor->name, "permessage-deflate");
  EXPECT_STREQ(descriptor->version, "1.0.0");
  ASSERT_EQ(descriptor->extension_count, 1u);
  const wsx_extension_def& def = *descriptor->extensions[0];
  EXPECT_EQ(def.struct_size, sizeof(wsx_extension_def));
  EXPECT_STREQ(def.token, "permessage-deflate");
  EXPECT_EQ(def.roles, static_cast<std::uint32_t>(WSX_ROLE_SERVER | WSX_ROLE_CLIENT));
  EXPECT_EQ(def.rsv_bits, WSX_RSV1);
  for (auto* function :
       {reinterpret_cast<const void*>(def.server_negotiate),
        reinterpret_cast<const void*>(def.client_offer),
        reinterpret_cast<const void*>(def.client_accept), reinterpret_cast<const void*>(def.encode),
        reinterpret_cast<const void*>(def.decode),
        reinterpret_cast<const void*>(def.destroy_extension)}) {
    EXPECT_NE(function, nullptr);
  }
  ASSERT_EQ(descriptor->param_count, 12u);
  const std::vector<std::pair<std::string, int>> expected{
      {"server_max_window_bits", WSX_PARAM_INTEGER},
      {"client_max_window_bits", WSX_PARAM_INTEGER},
      {"require_client_max_window_bits", WSX_PARAM_BOOLEAN},
      {"server_no_context_takeover", WSX_PARAM_BOOLEAN},
      {"client_no_context_takeover", WSX_PARAM_BOOLEAN},
      {"keep_compression_context", WSX_PARAM_BOOLEAN},
      {"compress_window_bits", WSX_PARAM_INTEGER},
      {"compress_level", WSX_PARAM_INTEGER},
      {"mem_level", WSX_PARAM_INTEGER},
      {"min_size", WSX_PARAM_INTEGER},
      {"skip_incompressible", WSX_PARAM_BOOLEAN},
      {"max_memory", WSX_PARAM_STRING}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(descriptor->params[i].name, expected[i].first);
    EXPECT_EQ(descriptor->params[i].type, expected[i].second);
    EXPECT_NE(descriptor->params[i].description, nullptr);
  }
}

TEST(Descriptor, RefusesAHostThatDoesNotSpeakAbi1) {
  TestHost host;
  wsx_host_info info{sizeof(wsx_host_info), 2, 3, host.api(), {"t", 1}};
  std::uint32_t abi = 0;
  const wsx_plugin_descriptor* descriptor = nullptr;
  core::ByteBuffer message;
  wsx_error error{sizeof(wsx_error), WSX_CLOSE_INTERNAL_ERROR, message.handle()};
  EXPECT_EQ(wsx_negotiate_plugin_abi(&info, &abi, &descriptor, &error), WSX_FAIL);
  EXPECT_EQ(descriptor, nullptr);
  EXPECT_EQ(message.text(),
            "permessage-deflate implements wsx plugin ABI 1 only; the host speaks 2 to 3");
}

TEST(Descriptor, AcceptsAHostWithARangeAroundAbi1AndAnOlderSmallerStruct) {
  TestHost host;
  // A host built against an older header: its wsx_host_info ends before
  // host_version. The plugin reads only what is there (ABI rule 2).
  wsx_host_info info{offsetof(wsx_host_info, host_version), 0, 7, host.api(), {"ignored", 7}};
  std::uint32_t abi = 0;
  const wsx_plugin_descriptor* descriptor = nullptr;
  core::ByteBuffer message;
  wsx_error error{sizeof(wsx_error), WSX_CLOSE_INTERNAL_ERROR, message.handle()};
  EXPECT_EQ(wsx_negotiate_plugin_abi(&info, &abi, &descriptor, &error), WSX_OK);
  EXPECT_EQ(abi, 1u);
}

}  // namespace
}  // namespace wsx::pmd::test
