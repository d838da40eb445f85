// One plugin at a time: every refusal LoadedPlugin::load must make, each
// provoked by a real shared library with exactly that defect, and the good
// plugin's manifest and params.
#include <gtest/gtest.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "loader/loaded_plugin.hpp"
#include "loader/plugin_error.hpp"
#include "test_support.hpp"

namespace wsx::loader {
namespace {

using test::expect_contains;

class LoaderTest : public ::testing::Test {
 protected:
  std::shared_ptr<const LoadedPlugin> load(const std::filesystem::path& file,
                                           const std::vector<config::PluginParam>& params = {}) {
    PluginLoadRequest request;
    request.file = file;
    request.params = params;
    request.config_file = "test.toml";
    return LoadedPlugin::load(request, log_.logger());
  }

  // Loads `file`, expects a PluginError, and returns its message.
  std::string refusal(const std::filesystem::path& file,
                      const std::vector<config::PluginParam>& params = {}) {
    try {
      (void)load(file, params);
    } catch (const PluginError& error) {
      return error.what();
    }
    ADD_FAILURE() << file << " loaded, but a refusal was expected";
    return {};
  }

  test::RecordingLog log_;
};

config::PluginParam param(std::string key, config::PluginParamValue value, std::uint32_t line) {
  return {std::move(key), std::move(value), {"test.toml", line, 1}};
}

TEST_F(LoaderTest, GoodPluginManifestDescribesEverythingItDeclared) {
  const auto plugin = load(WSX_TEST_PLUGIN_PASS);
  const PluginManifest& manifest = plugin->manifest();
  EXPECT_EQ(manifest.file, std::filesystem::path(WSX_TEST_PLUGIN_PASS));
  EXPECT_EQ(manifest.name, "test-pass");
  EXPECT_EQ(manifest.version, "1.2.3");
  EXPECT_EQ(manifest.description, "passes frames through unchanged");
  EXPECT_EQ(manifest.abi_version, 1u);
  EXPECT_EQ(manifest.host_abi_min, 1u);
  EXPECT_EQ(manifest.host_abi_max, 1u);
  ASSERT_EQ(manifest.tokens.size(), 1u);
  EXPECT_EQ(manifest.tokens[0].token, "x-test-pass");
  EXPECT_EQ(manifest.tokens[0].roles, std::uint32_t{WSX_ROLE_SERVER | WSX_ROLE_CLIENT});
  EXPECT_EQ(manifest.tokens[0].rsv_bits, 0u);
  ASSERT_EQ(manifest.params.size(), 3u);
  EXPECT_EQ(manifest.params[0].name, "greeting");
  EXPECT_EQ(manifest.params[0].type, WSX_PARAM_STRING);
  EXPECT_EQ(manifest.params[1].name, "level");
  EXPECT_EQ(manifest.params[1].type, WSX_PARAM_INTEGER);
  EXPECT_EQ(manifest.params[2].name, "verbose");
  EXPECT_EQ(manifest.params[2].type, WSX_PARAM_BOOLEAN);

  ASSERT_EQ(plugin->definitions().size(), 1u);
  const wsx_extension_def& def = plugin->definitions()[0];
  EXPECT_EQ(def.struct_size, sizeof(wsx_extension_def));
  EXPECT_NE(def.server_negotiate, nullptr);
  EXPECT_NE(def.encode, nullptr);
  EXPECT_NE(plugin->instance(), nullptr);
}

TEST_F(LoaderTest, ParamsReachCreateWithTheirTypesAndLogLinesAreTagged) {
  const auto plugin =
      load(WSX_TEST_PLUGIN_PASS, {param("greeting", std::string("hello"), 2),
                                  param("level", std::int64_t{3}, 3), param("verbose", true, 4)});
  EXPECT_TRUE(
      log_.contains("[test-pass] params: greeting=string:hello level=integer:3 verbose=boolean:1"))
      << ::testing::PrintToString(log_.lines());
}

TEST_F(LoaderTest, DestroyRunsWhileTheHostTableIsStillValid) {
  (void)load(WSX_TEST_PLUGIN_PASS);
  // The plugin logs from destroy() through its host table: the line proves
  // destroy ran, and ran before the table was freed (ASan would see a use
  // after free otherwise).
  EXPECT_TRUE(log_.contains("[test-pass] destroyed"));
}

TEST_F(LoaderTest, RefusesAMissingFile) {
  const std::string message = refusal("/nonexistent/wsx_nothing.so");
  expect_contains(message, "plugin \"/nonexistent/wsx_nothing.so\"");
  expect_contains(message, "file does not exist");
}

TEST_F(LoaderTest, RefusesATextFileNamedSo) {
  test::TempDir dir;
  const auto fake = dir.write("fake.so", "this is not an ELF file\n");
  const std::string message = refusal(fake);
  expect_contains(message, fake.string());
  expect_contains(message, "cannot be loaded as a shared library");
  expect_contains(message, "wsx_add_plugin()");
}

TEST_F(LoaderTest, RefusesADirectory) {
  test::TempDir dir;
  expect_contains(refusal(dir.path()), "is a directory");
}

TEST_F(LoaderTest, RefusesALibraryWithoutTheEntrySymbol) {
  const std::string message = refusal(WSX_TEST_PLUGIN_NO_ENTRY);
  expect_contains(message, WSX_TEST_PLUGIN_NO_ENTRY);
  expect_contains(message, "does not export the entry symbol \"wsx_negotiate_plugin_abi\"");
}

TEST_F(LoaderTest, RefusesAPluginThatRefusesTheAbi) {
  const std::string message = refusal(WSX_TEST_PLUGIN_REFUSE_ABI);
  expect_contains(message, WSX_TEST_PLUGIN_REFUSE_ABI);
  expect_contains(message, "refused ABI negotiation");
  expect_contains(message, "host speaks ABI versions [1, 1]");
  expect_contains(message, "\"this plugin implements ABI version 7 only\"");
}

TEST_F(LoaderTest, RefusesAPluginThatPicksAVersionOutsideTheHostRange) {
  const std::string message = refusal(WSX_TEST_PLUGIN_ABI_V2);
  expect_contains(message, "chose ABI version 2, outside the host's range [1, 1]");
}

TEST_F(LoaderTest, RefusesAPluginThatChoosesAbiZero) {
  const std::string message = refusal(WSX_TEST_PLUGIN_ABI_V0);
  expect_contains(message, "chose ABI version 0, which does not exist");
  EXPECT_EQ(message.find("speaks ABI 0"), std::string::npos) << message;
}

TEST_F(LoaderTest, RefusesADescriptorSmallerThanV1) {
  const std::string message = refusal(WSX_TEST_PLUGIN_SMALL_DESCRIPTOR);
  expect_contains(message, "descriptor struct_size is " +
                               std::to_string(sizeof(size_t) + sizeof(const char*)) + " bytes");
  expect_contains(message, "smaller than the ABI v1 wsx_plugin_descriptor (" +
                               std::to_string(offsetof(wsx_plugin_descriptor, destroy) +
                                              sizeof(wsx_plugin_descriptor::destroy)) +
                               " bytes)");
}

TEST_F(LoaderTest, RefusesAnEmptyName) {
  expect_contains(refusal(WSX_TEST_PLUGIN_EMPTY_NAME), "descriptor has no name");
}

TEST_F(LoaderTest, RefusesANullVersion) {
  expect_contains(refusal(WSX_TEST_PLUGIN_NULL_VERSION), "descriptor has no version");
}

TEST_F(LoaderTest, RefusesZeroExtensions) {
  expect_contains(refusal(WSX_TEST_PLUGIN_NO_EXTENSIONS), "declares no extensions");
}

TEST_F(LoaderTest, RefusesANullExtensionDefinition) {
  expect_contains(refusal(WSX_TEST_PLUGIN_NULL_EXTENSION), "extension #1 is NULL");
}

TEST_F(LoaderTest, RefusesATokenWithASpace) {
  const std::string message = refusal(WSX_TEST_PLUGIN_TOKEN_SPACE);
  expect_contains(message, "token \"bad token\" is not an RFC 7230 token");
}

TEST_F(LoaderTest, RefusesATokenWithAComma) {
  expect_contains(refusal(WSX_TEST_PLUGIN_TOKEN_COMMA), "token \"x,y\" is not an RFC 7230 token");
}

TEST_F(LoaderTest, RefusesNoRoles) {
  expect_contains(refusal(WSX_TEST_PLUGIN_NO_ROLES), "declares roles 0x0");
}

TEST_F(LoaderTest, RefusesUnknownRoleBits) {
  expect_contains(refusal(WSX_TEST_PLUGIN_UNKNOWN_ROLE), "declares roles 0x5");
}

TEST_F(LoaderTest, RefusesRsvBitsOutsideTheHeader) {
  const std::string message = refusal(WSX_TEST_PLUGIN_BAD_RSV);
  expect_contains(message, "declares rsv_bits 0x80");
  expect_contains(message, "RFC 6455 section 5.2");
}

TEST_F(LoaderTest, RefusesAServerRoleWithoutServerNegotiate) {
  expect_contains(refusal(WSX_TEST_PLUGIN_NO_SERVER_NEGOTIATE),
                  "declares the server role but server_negotiate is NULL");
}

TEST_F(LoaderTest, RefusesAClientRoleWithoutClientAccept) {
  expect_contains(refusal(WSX_TEST_PLUGIN_NO_CLIENT_ACCEPT),
                  "declares the client role but client_accept is NULL");
}

TEST_F(LoaderTest, RefusesAnExtensionWithoutEncode) {
  expect_contains(refusal(WSX_TEST_PLUGIN_NO_ENCODE), "has no encode function");
}

TEST_F(LoaderTest, RefusesADescriptorWithoutCreate) {
  expect_contains(refusal(WSX_TEST_PLUGIN_NO_CREATE), "descriptor has no create function");
}

TEST_F(LoaderTest, RefusesAnUnknownParamListingTheAcceptedOnes) {
  const std::string message = refusal(WSX_TEST_PLUGIN_PASS, {param("levle", std::int64_t{3}, 7)});
  EXPECT_EQ(message.rfind("test.toml:7:1: plugin \"", 0), 0u) << message;
  expect_contains(message, "unknown parameter \"levle\"");
  expect_contains(message, "accepted: greeting (string), level (integer), verbose (boolean)");
}

TEST_F(LoaderTest, RefusesAnIllTypedParamNamingTheExpectedType) {
  const std::string message = refusal(WSX_TEST_PLUGIN_PASS, {param("level", std::string("9"), 5)});
  EXPECT_EQ(message.rfind("test.toml:5:1: ", 0), 0u) << message;
  expect_contains(message, "parameter \"level\" must be an integer, got a string (\"9\")");
  // The number the user wrote, unquoted: ABI 1 declares no range, so the
  // host must not invent an example value.
  expect_contains(message, "write level = 9 (no quotes)");
  const std::string flag = refusal(WSX_TEST_PLUGIN_PASS, {param("level", true, 6)});
  expect_contains(flag, "write level = <integer> (a number without quotes");
}

TEST_F(LoaderTest, ShowsThePluginsMessageWhenCreateFails) {
  const std::string message = refusal(WSX_TEST_PLUGIN_PASS, {param("level", std::int64_t{42}, 3)});
  expect_contains(message, "test-pass 1.2.3");
  expect_contains(message, "create() failed: \"level must be 0-9, got 42\"");
}

TEST_F(LoaderTest, ValidVariantLoads) {
  const auto plugin = load(WSX_TEST_PLUGIN_VALID);
  EXPECT_EQ(plugin->manifest().name, "test-variant");
  ASSERT_EQ(plugin->manifest().tokens.size(), 1u);
  EXPECT_EQ(plugin->manifest().tokens[0].roles, std::uint32_t{WSX_ROLE_SERVER});
}

TEST_F(LoaderTest, ResolvesARelativePathAgainstTheCurrentDirectory) {
  const std::filesystem::path absolute = WSX_TEST_PLUGIN_PASS;
  const auto saved = std::filesystem::current_path();
  std::filesystem::current_path(absolute.parent_path());
  std::shared_ptr<const LoadedPlugin> plugin;
  EXPECT_NO_THROW(plugin = load(absolute.filename()));
  std::filesystem::current_path(saved);
  ASSERT_NE(plugin, nullptr);
  EXPECT_EQ(plugin->manifest().file, absolute);
}

}  // namespace
}  // namespace wsx::loader
