// The example plugin (sdk/examples/byte_rotate) and the plain-C test plugin,
// loaded from their built .so files the way the host loads them (dlopen with
// RTLD_LOCAL, one entry symbol) and driven only through the C ABI.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <wsx/extension.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "host_double.hpp"

namespace {

using wsx::test::bytes_of;
using wsx::test::ErrorSlot;
using wsx::test::ExtensionHandle;
using wsx::test::HostDouble;
using wsx::test::InstanceHandle;
using wsx::test::ParamArray;

// One loaded library with its negotiated descriptor (RAII: dlclose).
class LoadedPlugin {
 public:
  LoadedPlugin(const char* path, const HostDouble& host) {
    handle_ = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle_ == nullptr) {
      error_ = dlerror();
      return;
    }
    const auto entry = reinterpret_cast<wsx_negotiate_fn>(dlsym(handle_, WSX_PLUGIN_ENTRY_SYMBOL));
    if (entry == nullptr) {
      error_ = "no entry symbol";
      return;
    }
    const wsx_host_info info = host.info(WSX_ABI_VERSION_1, WSX_ABI_VERSION_CURRENT);
    ErrorSlot error;
    if (entry(&info, &abi_, &descriptor_, &error.error) != WSX_OK) error_ = error.text();
  }
  ~LoadedPlugin() {
    if (handle_ != nullptr) dlclose(handle_);
  }
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;

  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] std::uint32_t abi() const { return abi_; }
  [[nodiscard]] const wsx_plugin_descriptor& descriptor() const { return *descriptor_; }

 private:
  void* handle_ = nullptr;
  std::uint32_t abi_ = 0;
  const wsx_plugin_descriptor* descriptor_ = nullptr;
  std::string error_;
};

// --- byte_rotate -------------------------------------------------------------

class ByteRotate : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(plugin.error(), "") << WSX_BYTE_ROTATE_PATH; }

  // A server-side extension of an instance configured with `params`.
  std::unique_ptr<ExtensionHandle> server_extension(const InstanceHandle& instance) {
    auto result = wsx::test::negotiate(def(), instance.get(), "x-byte-rotate", {});
    EXPECT_EQ(result.status, WSX_OK) << result.message;
    EXPECT_TRUE(result.response.params.empty());
    return std::make_unique<ExtensionHandle>(&def(), result.extension);
  }

  [[nodiscard]] const wsx_extension_def& def() const { return *plugin.descriptor().extensions[0]; }

  HostDouble host;
  LoadedPlugin plugin{WSX_BYTE_ROTATE_PATH, host};
};

TEST_F(ByteRotate, DeclaresItselfThroughTheEntrySymbol) {
  EXPECT_EQ(plugin.abi(), WSX_ABI_VERSION_1);
  const wsx_plugin_descriptor& d = plugin.descriptor();
  EXPECT_STREQ(d.name, "x-byte-rotate");
  ASSERT_EQ(d.param_count, 1u);
  EXPECT_STREQ(d.params[0].name, "shift");
  EXPECT_EQ(d.params[0].type, WSX_PARAM_INTEGER);
  ASSERT_EQ(d.extension_count, 1u);
  EXPECT_STREQ(def().token, "x-byte-rotate");
  EXPECT_EQ(def().roles, std::uint32_t{WSX_ROLE_SERVER | WSX_ROLE_CLIENT});
  EXPECT_EQ(def().rsv_bits, WSX_RSV2);
}

TEST_F(ByteRotate, ShiftMustBeBetween1And255) {
  for (const std::int64_t bad : {0, -1, 256}) {
    const InstanceHandle instance(plugin.descriptor(), host,
                                  {wsx::test::integer_param("shift", bad)});
    EXPECT_EQ(instance.status(), WSX_FAIL) << bad;
    EXPECT_EQ(instance.error(),
              "parameter 'shift' = " + std::to_string(bad) + " is out of range [1, 255]");
  }
  for (const std::int64_t good : {1, 255}) {
    const InstanceHandle instance(plugin.descriptor(), host,
                                  {wsx::test::integer_param("shift", good)});
    EXPECT_EQ(instance.status(), WSX_OK) << instance.error();
  }
}

TEST_F(ByteRotate, EncodeAddsTheDefaultShiftOfOneAndSetsRsv2) {
  const InstanceHandle instance(plugin.descriptor(), host);
  ASSERT_EQ(instance.status(), WSX_OK) << instance.error();
  const auto extension = server_extension(instance);
  const auto call = extension->encode(WSX_OPCODE_TEXT, 0, bytes_of("HAL"));
  EXPECT_EQ(call.status, WSX_OK);
  EXPECT_EQ(call.payload, bytes_of("IBM"));
  EXPECT_EQ(call.rsv, WSX_RSV2);
  EXPECT_EQ(call.opcode, WSX_OPCODE_TEXT);
}

TEST_F(ByteRotate, EncodeWrapsModulo256OnEveryDataFrame) {
  const InstanceHandle instance(plugin.descriptor(), host, {wsx::test::integer_param("shift", 3)});
  const auto extension = server_extension(instance);
  for (const std::uint8_t opcode : {WSX_OPCODE_TEXT, WSX_OPCODE_BINARY, WSX_OPCODE_CONTINUATION}) {
    const auto call = extension->encode(opcode, 0, {0x00, 0x7f, 0xfd, 0xfe, 0xff}, false);
    EXPECT_EQ(call.status, WSX_OK) << int{opcode};
    EXPECT_EQ(call.payload, (std::vector<std::uint8_t>{0x03, 0x82, 0x00, 0x01, 0x02}));
    EXPECT_EQ(call.rsv, WSX_RSV2);
    EXPECT_EQ(call.fin, 0);
  }
  const auto empty = extension->encode(WSX_OPCODE_BINARY, 0, {});
  EXPECT_EQ(empty.status, WSX_OK);
  EXPECT_TRUE(empty.payload.empty());
  EXPECT_EQ(empty.rsv, WSX_RSV2);
}

TEST_F(ByteRotate, ControlFramesPassUnchanged) {
  const InstanceHandle instance(plugin.descriptor(), host, {wsx::test::integer_param("shift", 3)});
  const auto extension = server_extension(instance);
  for (const std::uint8_t opcode : {WSX_OPCODE_PING, WSX_OPCODE_PONG, WSX_OPCODE_CLOSE}) {
    const auto encoded = extension->encode(opcode, 0, bytes_of("ping"));
    EXPECT_EQ(encoded.status, WSX_UNCHANGED);
    EXPECT_EQ(encoded.rsv, 0);
    const auto decoded = extension->decode(opcode, 0, bytes_of("ping"), 100);
    EXPECT_EQ(decoded.status, WSX_UNCHANGED);
    EXPECT_EQ(decoded.rsv, 0);
  }
}

TEST_F(ByteRotate, DecodeUndoesEncodeForEveryByteValue) {
  const InstanceHandle instance(plugin.descriptor(), host,
                                {wsx::test::integer_param("shift", 255)});
  const auto extension = server_extension(instance);
  std::vector<std::uint8_t> all(256);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint8_t>(i);
  const auto encoded = extension->encode(WSX_OPCODE_BINARY, 0, all);
  ASSERT_EQ(encoded.status, WSX_OK);
  EXPECT_NE(encoded.payload, all);
  const auto decoded = extension->decode(WSX_OPCODE_BINARY, encoded.rsv, encoded.payload, 256);
  EXPECT_EQ(decoded.status, WSX_OK);
  EXPECT_EQ(decoded.payload, all);
  EXPECT_EQ(decoded.rsv, 0);
}

TEST_F(ByteRotate, DecodeLeavesFramesWithoutRsv2Unchanged) {
  const InstanceHandle instance(plugin.descriptor(), host, {wsx::test::integer_param("shift", 3)});
  const auto extension = server_extension(instance);
  const auto call = extension->decode(WSX_OPCODE_TEXT, WSX_RSV1, bytes_of("plain"), 100);
  EXPECT_EQ(call.status, WSX_UNCHANGED);
  EXPECT_EQ(call.rsv, WSX_RSV1);
}

TEST_F(ByteRotate, Rsv2OnAControlFrameIsAProtocolError) {
  const InstanceHandle instance(plugin.descriptor(), host);
  const auto extension = server_extension(instance);
  const auto call = extension->decode(WSX_OPCODE_PING, WSX_RSV2, bytes_of("x"), 100);
  EXPECT_EQ(call.status, WSX_FAIL);
  EXPECT_EQ(call.close_code, WSX_CLOSE_PROTOCOL_ERROR);
  EXPECT_EQ(call.message, "RSV2 set on a control frame");
}

TEST_F(ByteRotate, DecodeRespectsMaxPayloadSize) {
  const InstanceHandle instance(plugin.descriptor(), host);
  const auto extension = server_extension(instance);
  const auto fits = extension->decode(WSX_OPCODE_TEXT, WSX_RSV2, bytes_of("bcd"), 3);
  EXPECT_EQ(fits.status, WSX_OK);
  EXPECT_EQ(fits.payload, bytes_of("abc"));
  const auto too_big = extension->decode(WSX_OPCODE_TEXT, WSX_RSV2, bytes_of("bcde"), 3);
  EXPECT_EQ(too_big.status, WSX_FAIL);
  EXPECT_EQ(too_big.close_code, WSX_CLOSE_MESSAGE_TOO_BIG);
  EXPECT_TRUE(too_big.payload.empty());
}

TEST_F(ByteRotate, ServerDeclinesAnOfferWithAnyParameter) {
  const InstanceHandle instance(plugin.descriptor(), host);
  const ParamArray offer{{"shift", "3"}};
  const auto result = wsx::test::negotiate(def(), instance.get(), "x-byte-rotate", offer);
  EXPECT_EQ(result.status, WSX_DECLINE);
  EXPECT_EQ(result.extension, nullptr);
  EXPECT_EQ(result.message, "x-byte-rotate has no parameter 'shift'");
}

TEST_F(ByteRotate, ClientOffersWithoutParamsAndRejectsUnknownResponseParams) {
  const InstanceHandle instance(plugin.descriptor(), host);
  wsx_params_out offer;
  ErrorSlot offer_error;
  ASSERT_EQ(def().client_offer(instance.get(), &offer, &offer_error.error), WSX_OK);
  EXPECT_TRUE(offer.params.empty());

  wsx_client_response response{};
  response.struct_size = sizeof(wsx_client_response);
  response.token = {"x-byte-rotate", 13};
  void* made = nullptr;
  ErrorSlot accept_error;
  ASSERT_EQ(def().client_accept(instance.get(), &response, &made, &accept_error.error), WSX_OK);
  const ExtensionHandle extension(&def(), made);
  EXPECT_EQ(extension.encode(WSX_OPCODE_TEXT, 0, bytes_of("a")).payload, bytes_of("b"));

  const ParamArray unknown{{"mystery", std::nullopt}};
  response.params = unknown.data();
  response.param_count = unknown.size();
  void* none = nullptr;
  ErrorSlot refused;
  EXPECT_EQ(def().client_accept(instance.get(), &response, &none, &refused.error), WSX_FAIL);
  EXPECT_EQ(none, nullptr);
  EXPECT_EQ(refused.text(), "server answered x-byte-rotate with unknown parameter 'mystery'");
}

// --- The plain C plugin --------------------------------------------------------

TEST(CPlugin, LoadsNegotiatesAndLeavesFramesUnchanged) {
  HostDouble host;
  const LoadedPlugin plugin(WSX_C_PLUGIN_PATH, host);
  ASSERT_EQ(plugin.error(), "");
  EXPECT_STREQ(plugin.descriptor().name, "x-c-identity");
  const InstanceHandle instance(plugin.descriptor(), host);
  ASSERT_EQ(instance.status(), WSX_OK);
  const wsx_extension_def& def = *plugin.descriptor().extensions[0];
  EXPECT_EQ(def.client_offer, nullptr);

  const ParamArray with_param{{"x", std::nullopt}};
  const auto declined = wsx::test::negotiate(def, instance.get(), "x-c-identity", with_param);
  EXPECT_EQ(declined.status, WSX_DECLINE);
  EXPECT_EQ(declined.message, "x-c-identity takes no parameters");

  auto accepted = wsx::test::negotiate(def, instance.get(), "x-c-identity", {});
  ASSERT_EQ(accepted.status, WSX_OK);
  const ExtensionHandle extension(&def, accepted.extension);
  EXPECT_EQ(extension.encode(WSX_OPCODE_TEXT, 0, bytes_of("hi")).status, WSX_UNCHANGED);
  EXPECT_EQ(extension.decode(WSX_OPCODE_TEXT, 0, bytes_of("hi"), 10).status, WSX_UNCHANGED);
}

}  // namespace
