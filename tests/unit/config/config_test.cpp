// Valid config files: defaults, every key, sizes and durations, plugin
// entries, and the shipped config/wsx.toml.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "config/config_loader.hpp"

namespace wsx::config {
namespace {

using namespace std::chrono_literals;

Config parse(std::string_view text, const char* file = "/etc/wsx/wsx.toml") {
  return parse_config(text, file);
}

TEST(ConfigTest, EmptyFileGivesTheDefaults) {
  const Config config = parse("");
  EXPECT_EQ(config.file, "/etc/wsx/wsx.toml");
  const Server& server = config.server;
  EXPECT_EQ(server.address, "127.0.0.1");
  EXPECT_EQ(server.port, 9001);
  EXPECT_EQ(server.io_threads, 1u);
  EXPECT_EQ(server.app, App::echo);
  EXPECT_TRUE(server.subprotocols.empty());
  EXPECT_EQ(server.log_level, LogLevel::info);
  const Limits& limits = server.limits;
  EXPECT_EQ(limits.max_message_size, 16u << 20);
  EXPECT_EQ(limits.max_frame_size, 1u << 20);
  EXPECT_EQ(limits.max_connections, 10000u);
  EXPECT_EQ(limits.max_send_queue, 4u << 20);
  EXPECT_EQ(limits.max_buffered_input, 256u << 20);
  EXPECT_EQ(limits.handshake_timeout, 5s);
  EXPECT_EQ(limits.idle_timeout, 60s);
  EXPECT_EQ(limits.ping_interval, 0s);
  EXPECT_EQ(limits.close_timeout, 5s);
  EXPECT_TRUE(config.plugins.empty());
}

TEST(ConfigTest, ReadsEveryServerKey) {
  const Config config = parse(R"(
[server]
address = "::1"
port = 0
io_threads = 4
app = "broadcast"
subprotocols = ["chat.v2", "chat"]
log_level = "debug"

[server.limits]
max_message_size = "64 KiB"
max_frame_size = 4096
max_connections = 5
max_send_queue = "2 MB"
max_buffered_input = "1 GiB"
handshake_timeout = "250ms"
idle_timeout = 0
ping_interval = "2m"
close_timeout = 3
)");
  const Server& server = config.server;
  EXPECT_EQ(server.address, "::1");
  EXPECT_EQ(server.port, 0);
  EXPECT_EQ(server.io_threads, 4u);
  EXPECT_EQ(server.app, App::broadcast);
  EXPECT_EQ(server.subprotocols, (std::vector<std::string>{"chat.v2", "chat"}));
  EXPECT_EQ(server.log_level, LogLevel::debug);
  const Limits& limits = server.limits;
  EXPECT_EQ(limits.max_message_size, 64u * 1024);
  EXPECT_EQ(limits.max_frame_size, 4096u);
  EXPECT_EQ(limits.max_connections, 5u);
  EXPECT_EQ(limits.max_send_queue, 2'000'000u);
  EXPECT_EQ(limits.max_buffered_input, 1u << 30);
  EXPECT_EQ(limits.handshake_timeout, 250ms);
  EXPECT_EQ(limits.idle_timeout, 0ms);
  EXPECT_EQ(limits.ping_interval, 2min);
  // A TOML integer duration is seconds.
  EXPECT_EQ(limits.close_timeout, 3s);
}

TEST(ConfigTest, KeysLeftOutKeepTheirDefaults) {
  const Config config = parse("[server]\nport = 8080\n[server.limits]\nidle_timeout = \"1h\"\n");
  EXPECT_EQ(config.server.port, 8080);
  EXPECT_EQ(config.server.address, "127.0.0.1");
  EXPECT_EQ(config.server.limits.idle_timeout, 1h);
  EXPECT_EQ(config.server.limits.close_timeout, 5s);
}

TEST(ConfigTest, PortBoundsAreInclusive) {
  EXPECT_EQ(parse("[server]\nport = 65535\n").server.port, 65535);
  EXPECT_EQ(parse("[server]\nport = 0\n").server.port, 0);
}

TEST(ConfigTest, PluginPathsResolveAgainstTheConfigFolder) {
  const Config config = parse(R"(
[[plugin]]
path = "../build/lib/a.so"

[[plugin]]
path = "/opt/wsx/b.so"
enabled = false

[[plugin]]
path = "./c.so"
)");
  ASSERT_EQ(config.plugins.size(), 3u);
  EXPECT_EQ(config.plugins[0].path, std::filesystem::path("/etc/build/lib/a.so"));
  EXPECT_TRUE(config.plugins[0].enabled);
  EXPECT_EQ(config.plugins[1].path, std::filesystem::path("/opt/wsx/b.so"));
  EXPECT_FALSE(config.plugins[1].enabled);
  EXPECT_EQ(config.plugins[2].path, std::filesystem::path("/etc/wsx/c.so"));
  // The position of each path value, for plugin error messages.
  EXPECT_EQ(config.plugins[0].where.to_string(), "/etc/wsx/wsx.toml:3:8");
  EXPECT_EQ(config.plugins[2].where.line, 10u);
}

TEST(ConfigTest, RelativeConfigFileAnchorsAtTheCurrentDirectory) {
  const Config config = parse_config("[[plugin]]\npath = \"p.so\"\n", "conf/wsx.toml");
  EXPECT_EQ(config.file, "conf/wsx.toml");
  EXPECT_EQ(config.plugins.at(0).path, std::filesystem::current_path() / "conf" / "p.so");
}

TEST(ConfigTest, PluginParamsKeepTypeValueAndPositionInFileOrder) {
  const Config config = parse(R"([[plugin]]
path = "x.so"
[plugin.params]
zeta = "text"
alpha = 15
middle = true
)");
  const auto& params = config.plugins.at(0).params;
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(params[0].key, "zeta");
  EXPECT_EQ(std::get<std::string>(params[0].value), "text");
  EXPECT_EQ(params[0].where.to_string(), "/etc/wsx/wsx.toml:4:1");
  EXPECT_EQ(params[1].key, "alpha");
  EXPECT_EQ(std::get<std::int64_t>(params[1].value), 15);
  EXPECT_EQ(type_name(params[1].value), "integer");
  EXPECT_EQ(params[2].key, "middle");
  EXPECT_EQ(std::get<bool>(params[2].value), true);
  EXPECT_EQ(params[2].where.line, 6u);
}

TEST(ConfigTest, EmptyPluginArrayMeansNoPlugins) {
  EXPECT_TRUE(parse("plugin = []\n").plugins.empty());
}

TEST(ConfigTest, InlineParamsTableWorksToo) {
  const Config config = parse("[[plugin]]\npath = \"x.so\"\nparams = { level = 3 }\n");
  ASSERT_EQ(config.plugins.at(0).params.size(), 1u);
  EXPECT_EQ(std::get<std::int64_t>(config.plugins[0].params[0].value), 3);
}

TEST(ConfigTest, LoadsAFileFromDisk) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("wsx-config-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "my.toml";
  std::ofstream(file) << "[server]\nport = 1234\n[[plugin]]\npath = \"plugins/x.so\"\n";
  const Config config = load_config(file);
  std::filesystem::remove_all(dir);
  EXPECT_EQ(config.file, file.string());
  EXPECT_EQ(config.server.port, 1234);
  EXPECT_EQ(config.plugins.at(0).path, dir / "plugins" / "x.so");
}

TEST(ConfigTest, ShippedConfigLoadsWithItsDocumentedValues) {
  const Config config = load_config(WSX_SHIPPED_CONFIG);
  EXPECT_EQ(config.server.address, "127.0.0.1");
  EXPECT_EQ(config.server.port, 9001);
  EXPECT_EQ(config.server.app, App::echo);
  EXPECT_EQ(config.server.limits.max_message_size, 16u << 20);
  EXPECT_EQ(config.server.limits.max_frame_size, 1u << 20);
  EXPECT_EQ(config.server.limits.max_send_queue, 4u << 20);
  EXPECT_EQ(config.server.limits.idle_timeout, 60s);
  EXPECT_EQ(config.server.limits.ping_interval, 0s);
  // permessage-deflate loaded; permessage-bzip2 and -snappy listed, disabled.
  ASSERT_EQ(config.plugins.size(), 3u);
  const auto source_root = std::filesystem::path(WSX_SHIPPED_CONFIG).parent_path().parent_path();
  const char* const files[] = {"wsx_permessage_deflate.so", "wsx_permessage_bzip2.so",
                               "wsx_permessage_snappy.so"};
  for (std::size_t i = 0; i < config.plugins.size(); ++i) {
    EXPECT_EQ(config.plugins[i].path,
              (source_root / "build/release/lib/wsx/plugins" / files[i]).lexically_normal());
    EXPECT_EQ(config.plugins[i].enabled, i == 0) << files[i];
    // The plugins' params are documented but left to the plugins' defaults.
    EXPECT_TRUE(config.plugins[i].params.empty()) << files[i];
  }
}

}  // namespace
}  // namespace wsx::config
