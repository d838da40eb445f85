// A library stays mapped while any extension it made is alive, even after
// the PluginSet that loaded it is destroyed (a config reload), and is
// unmapped once the last one is gone.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/extensions/byte_buffer.hpp"
#include "core/extensions/extension_params.hpp"
#include "loader/plugin_set.hpp"
#include "test_support.hpp"

namespace wsx::loader {
namespace {

// True if the dynamic loader has `library` mapped into this process.
bool is_mapped(const std::filesystem::path& library) {
  const std::string wanted = std::filesystem::canonical(library).string();
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    if (line.size() >= wanted.size() &&
        line.compare(line.size() - wanted.size(), wanted.size(), wanted) == 0) {
      return true;
    }
  }
  return false;
}

// What a connection holds for one negotiated extension: the factory (which
// keeps the plugin alive) and the plugin's extension pointer.
struct HeldExtension {
  std::shared_ptr<const core::ExtensionFactory> factory;
  void* instance = nullptr;

  ~HeldExtension() {
    if (instance != nullptr) factory->def.destroy_extension(instance);
  }
};

std::unique_ptr<HeldExtension> negotiate(std::shared_ptr<const core::ExtensionFactory> factory) {
  auto held = std::make_unique<HeldExtension>();
  held->factory = std::move(factory);
  wsx_params_out response;
  wsx_server_offer offer{};
  offer.struct_size = sizeof offer;
  offer.response = &response;
  core::ByteBuffer message;
  wsx_error error{sizeof(wsx_error), WSX_CLOSE_INTERNAL_ERROR, message.handle()};
  const auto& def = held->factory->def;
  EXPECT_EQ(def.server_negotiate(held->factory->plugin, &offer, &held->instance, &error), WSX_OK);
  return held;
}

// Runs one frame through the plugin's encode: the pass plugin copies the
// payload through the host's buffer services.
std::string encode(const HeldExtension& held, std::string_view text) {
  wsx_frame in{};
  in.struct_size = sizeof in;
  in.opcode = WSX_OPCODE_TEXT;
  in.fin = 1;
  in.payload = {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
  core::ByteBuffer payload;
  wsx_frame_out out{sizeof(wsx_frame_out), in.opcode, in.fin, 0, payload.handle()};
  core::ByteBuffer message;
  wsx_error error{sizeof(wsx_error), WSX_CLOSE_INTERNAL_ERROR, message.handle()};
  EXPECT_EQ(held.factory->def.encode(held.instance, &in, &out, &error), WSX_OK);
  return std::string(payload.text());
}

config::Config pass_config() {
  config::Config config;
  config::PluginEntry entry;
  entry.path = WSX_TEST_PLUGIN_PASS;
  entry.where = {"wsx.toml", 1, 1};
  config.plugins.push_back(entry);
  return config;
}

TEST(LifetimeTest, LibraryOutlivesTheSetWhileAnExtensionLives) {
  test::RecordingLog log;
  ASSERT_FALSE(is_mapped(WSX_TEST_PLUGIN_PASS)) << "another test leaked the library";

  auto set = std::make_unique<PluginSet>(PluginSet::load(pass_config(), log.logger()));
  EXPECT_TRUE(is_mapped(WSX_TEST_PLUGIN_PASS));
  auto held = negotiate(set->server_factories().at(0));
  ASSERT_NE(held->instance, nullptr);

  // A reload drops the old set: the connection's extension must keep working.
  set.reset();
  EXPECT_TRUE(is_mapped(WSX_TEST_PLUGIN_PASS));
  EXPECT_FALSE(log.contains("[test-pass] destroyed"));
  EXPECT_EQ(encode(*held, "still here"), "still here");

  // The connection ends: destroy_extension, then the instance, then unmap.
  held.reset();
  EXPECT_TRUE(log.contains("[test-pass] destroyed"));
  EXPECT_FALSE(is_mapped(WSX_TEST_PLUGIN_PASS));
}

TEST(LifetimeTest, LibraryIsUnmappedWithTheSetWhenNoExtensionLives) {
  test::RecordingLog log;
  {
    const PluginSet set = PluginSet::load(pass_config(), log.logger());
    EXPECT_TRUE(is_mapped(WSX_TEST_PLUGIN_PASS));
  }
  EXPECT_FALSE(is_mapped(WSX_TEST_PLUGIN_PASS));
}

TEST(LifetimeTest, ARefusedPluginIsNotLeftMapped) {
  test::RecordingLog log;
  PluginLoadRequest request;
  request.file = WSX_TEST_PLUGIN_TOKEN_SPACE;
  EXPECT_ANY_THROW((void)LoadedPlugin::load(request, log.logger()));
  EXPECT_FALSE(is_mapped(WSX_TEST_PLUGIN_TOKEN_SPACE));
}

}  // namespace
}  // namespace wsx::loader
