// wsx/extension.hpp seen from the host: a probe plugin written with the C++
// wrapper is driven only through the C descriptor, and every rule the wrapper
// promises (exceptions -> WSX_FAIL 1011, struct_size reads, host buffers,
// declines, role-dependent function pointers) is checked at that boundary.
#include <gtest/gtest.h>
#include <wsx/extension.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "host_double.hpp"

namespace {

namespace sdk = wsx::sdk;
using wsx::test::bytes_of;
using wsx::test::ErrorSlot;
using wsx::test::ExtensionHandle;
using wsx::test::HostDouble;
using wsx::test::InstanceHandle;
using wsx::test::ParamArray;

// Encode behaviour is chosen by the payload text, so one extension covers
// every outcome.
class ProbeExtension final : public sdk::Extension {
 public:
  ~ProbeExtension() override { host().log(WSX_LOG_DEBUG, "probe extension destroyed"); }

  sdk::FrameResult encode(const sdk::Frame& in, sdk::FrameOut& out) override {
    host().log(WSX_LOG_INFO, "encode " + std::to_string(in.payload().size()));
    const std::string command(in.payload().begin(), in.payload().end());
    if (command == "throw") throw std::runtime_error("encode threw");
    if (command == "oom") throw std::bad_alloc();
    if (command == "int") throw 42;
    if (command == "fail1007") return sdk::FrameResult::fail(WSX_CLOSE_INVALID_PAYLOAD, "bad data");
    if (command == "badcode") return sdk::FrameResult::fail(4000, "weird");
    if (command == "unchanged") {
      out.add_rsv(WSX_RSV3);
      return sdk::FrameResult::unchanged();
    }
    // Default: the payload reversed, marked with RSV3.
    out.payload().write(in.payload().size(), [&](std::span<std::uint8_t> room) {
      std::copy(in.payload().rbegin(), in.payload().rend(), room.begin());
    });
    out.add_rsv(WSX_RSV3);
    return sdk::FrameResult::written();
  }

  sdk::FrameResult decode(const sdk::Frame& in, sdk::FrameOut& out,
                          std::uint64_t max_payload_size) override {
    if (in.payload().size() > max_payload_size) {
      return sdk::FrameResult::fail(WSX_CLOSE_MESSAGE_TOO_BIG, "too big");
    }
    out.clear_rsv(WSX_RSV3);
    out.payload().append(in.payload());
    out.payload().append(std::string_view{"!"});
    return sdk::FrameResult::written();
  }
};

// Negotiation behaviour is chosen by the offer's first parameter.
class ProbeFactory {
 public:
  static constexpr sdk::ExtensionInfo info{
      .token = "x-probe", .roles = WSX_ROLE_SERVER | WSX_ROLE_CLIENT, .rsv_bits = WSX_RSV3};

  sdk::Negotiation negotiate(const sdk::ServerOffer& offer) const {
    const std::string first = offer.params().empty() ? "" : std::string(offer.params()[0].name);
    if (first == "decline") return sdk::Negotiation::decline("asked to decline");
    if (first == "fail") return sdk::Negotiation::fail("asked to fail");
    if (first == "throw") throw std::runtime_error("negotiate threw");
    if (first == "null") return sdk::Negotiation::accept(nullptr);
    if (first == "bad-response") {
      return sdk::Negotiation::accept(std::make_unique<ProbeExtension>(),
                                      {sdk::Param{"not a token"}});
    }
    std::vector<sdk::Param> response;
    if (first == "list-accepted") {
      for (const sdk::AcceptedExtension accepted : offer.accepted()) {
        response.emplace_back(
            std::string(accepted.token()),
            std::to_string(accepted.rsv_bits()) + "/" + std::to_string(accepted.params().size()));
      }
    } else {
      // Echo the offer: shows ParamView reaches the response intact.
      for (const sdk::ParamView param : offer.params()) {
        if (param.value) {
          response.emplace_back(std::string(param.name), std::string(*param.value));
        } else {
          response.emplace_back(std::string(param.name));
        }
      }
    }
    return sdk::Negotiation::accept(std::make_unique<ProbeExtension>(), std::move(response));
  }

  sdk::OfferResult offer() const {
    return sdk::OfferResult::offer({sdk::Param{"bare"}, sdk::Param{"level", "3"}});
  }

  sdk::Negotiation accept(const sdk::ClientResponse& response) const {
    if (response.params().find("refuse")) return sdk::Negotiation::decline("refused response");
    return sdk::Negotiation::accept(std::make_unique<ProbeExtension>());
  }
};

class ServerOnlyFactory {
 public:
  static constexpr sdk::ExtensionInfo info{.token = "x-server-only", .roles = WSX_ROLE_SERVER};
  sdk::Negotiation negotiate(const sdk::ServerOffer&) const {
    return sdk::Negotiation::decline("never");
  }
};

class ClientOnlyFactory {
 public:
  static constexpr sdk::ExtensionInfo info{.token = "x-client-only", .roles = WSX_ROLE_CLIENT};
  sdk::OfferResult offer() const { return sdk::OfferResult::decline("not today"); }
  sdk::Negotiation accept(const sdk::ClientResponse&) const {
    return sdk::Negotiation::fail("never");
  }
};

class ProbePlugin {
 public:
  static constexpr sdk::PluginInfo info{
      .name = "probe", .version = "9.8.7", .description = "exercises the SDK wrapper"};
  static constexpr sdk::ParamSpec params[]{
      {.name = "mode", .type = WSX_PARAM_STRING, .description = "what create does"},
      {.name = "limit", .type = WSX_PARAM_INTEGER, .description = "0..100"},
      {.name = "flag", .type = WSX_PARAM_BOOLEAN, .description = nullptr}};

  explicit ProbePlugin(const sdk::CreateArgs& args) {
    const std::string_view mode = args.params().string("mode", "normal");
    if (mode == "throw-runtime") throw std::runtime_error("boom at create");
    if (mode == "throw-bad-alloc") throw std::bad_alloc();
    if (mode == "throw-int") throw 42;
    limit_ = args.params().integer("limit", 7, {.min = 0, .max = 100});
    args.host().log(WSX_LOG_INFO, "created from " + std::string(args.config_path()) + " limit " +
                                      std::to_string(limit_));
  }

  auto factories() const { return std::tie(probe_, server_only_, client_only_); }

 private:
  std::int64_t limit_ = 0;
  ProbeFactory probe_;
  ServerOnlyFactory server_only_;
  ClientOnlyFactory client_only_;
};

// A plugin without params and with a default constructor.
class MinimalPlugin {
 public:
  static constexpr sdk::PluginInfo info{.name = "minimal", .version = "1"};
  auto factories() const { return std::tie(factory_); }

 private:
  ServerOnlyFactory factory_;
};

const wsx_plugin_descriptor& probe = sdk::plugin_descriptor<ProbePlugin>;
const wsx_extension_def& probe_def = *probe.extensions[0];

// --- Descriptor --------------------------------------------------------------

TEST(SdkDescriptor, DescribesThePluginClass) {
  EXPECT_EQ(probe.struct_size, sizeof(wsx_plugin_descriptor));
  EXPECT_STREQ(probe.name, "probe");
  EXPECT_STREQ(probe.version, "9.8.7");
  EXPECT_STREQ(probe.description, "exercises the SDK wrapper");
  ASSERT_EQ(probe.param_count, 3u);
  EXPECT_STREQ(probe.params[0].name, "mode");
  EXPECT_EQ(probe.params[0].type, WSX_PARAM_STRING);
  EXPECT_STREQ(probe.params[1].name, "limit");
  EXPECT_EQ(probe.params[1].type, WSX_PARAM_INTEGER);
  EXPECT_EQ(probe.params[2].type, WSX_PARAM_BOOLEAN);
  EXPECT_NE(probe.create, nullptr);
  EXPECT_NE(probe.destroy, nullptr);
}

TEST(SdkDescriptor, OneDefinitionPerFactoryWithRoleFunctionsOnly) {
  ASSERT_EQ(probe.extension_count, 3u);
  const wsx_extension_def& both = *probe.extensions[0];
  EXPECT_EQ(both.struct_size, sizeof(wsx_extension_def));
  EXPECT_STREQ(both.token, "x-probe");
  EXPECT_EQ(both.roles, std::uint32_t{WSX_ROLE_SERVER | WSX_ROLE_CLIENT});
  EXPECT_EQ(both.rsv_bits, WSX_RSV3);
  EXPECT_NE(both.server_negotiate, nullptr);
  EXPECT_NE(both.client_offer, nullptr);
  EXPECT_NE(both.client_accept, nullptr);
  EXPECT_NE(both.encode, nullptr);
  EXPECT_NE(both.decode, nullptr);
  EXPECT_NE(both.destroy_extension, nullptr);

  const wsx_extension_def& server = *probe.extensions[1];
  EXPECT_STREQ(server.token, "x-server-only");
  EXPECT_EQ(server.roles, std::uint32_t{WSX_ROLE_SERVER});
  EXPECT_EQ(server.rsv_bits, 0u);
  EXPECT_NE(server.server_negotiate, nullptr);
  EXPECT_EQ(server.client_offer, nullptr);
  EXPECT_EQ(server.client_accept, nullptr);

  const wsx_extension_def& client = *probe.extensions[2];
  EXPECT_STREQ(client.token, "x-client-only");
  EXPECT_EQ(client.server_negotiate, nullptr);
  EXPECT_NE(client.client_offer, nullptr);
  EXPECT_NE(client.client_accept, nullptr);
}

TEST(SdkDescriptor, PluginWithoutParamsHasNoSpecs) {
  const wsx_plugin_descriptor& minimal = sdk::plugin_descriptor<MinimalPlugin>;
  EXPECT_EQ(minimal.params, nullptr);
  EXPECT_EQ(minimal.param_count, 0u);
  EXPECT_EQ(minimal.description, nullptr);
  HostDouble host;
  const InstanceHandle instance(minimal, host);
  EXPECT_EQ(instance.status(), WSX_OK);
  EXPECT_NE(instance.get(), nullptr);
}

// --- ABI negotiation (entry symbol body) -------------------------------------

TEST(SdkAbi, PicksVersionOneInsideTheHostRange) {
  HostDouble host;
  for (const auto& [min, max] : {std::pair{1u, 1u}, std::pair{0u, 5u}}) {
    const wsx_host_info info = host.info(min, max);
    std::uint32_t chosen = 0;
    const wsx_plugin_descriptor* descriptor = nullptr;
    ErrorSlot error;
    EXPECT_EQ(sdk::negotiate_abi<ProbePlugin>(&info, &chosen, &descriptor, &error.error), WSX_OK);
    EXPECT_EQ(chosen, WSX_ABI_VERSION_1);
    EXPECT_EQ(descriptor, &probe);
    EXPECT_EQ(error.text(), "");
  }
}

TEST(SdkAbi, RefusesAHostWithoutVersionOneNamingBothSides) {
  HostDouble host;
  const wsx_host_info info = host.info(2, 3);
  std::uint32_t chosen = 0;
  const wsx_plugin_descriptor* descriptor = nullptr;
  ErrorSlot error;
  EXPECT_EQ(sdk::negotiate_abi<ProbePlugin>(&info, &chosen, &descriptor, &error.error), WSX_FAIL);
  EXPECT_EQ(descriptor, nullptr);
  EXPECT_EQ(error.text(),
            "plugin 'probe' implements wsx plugin ABI version 1 only; the host speaks versions 2 "
            "to 3");
}

TEST(SdkAbi, ReadsHostInfoOfAnyStructSize) {
  HostDouble host;
  // A newer host appended a field: the plugin reads the prefix it knows.
  struct NewerHostInfo {
    wsx_host_info v1;
    std::uint64_t appended;
  } newer{host.info(1, 2), 0xdeadbeef};
  newer.v1.struct_size = sizeof(NewerHostInfo);
  std::uint32_t chosen = 0;
  const wsx_plugin_descriptor* descriptor = nullptr;
  ErrorSlot error;
  EXPECT_EQ(sdk::negotiate_abi<ProbePlugin>(&newer.v1, &chosen, &descriptor, &error.error), WSX_OK);
  EXPECT_EQ(chosen, 1u);

  // An older host whose struct stops before `api`: the fields past its size
  // are not read (they hold garbage here), so it has no services -- the
  // negotiation still works, and a refusal simply carries no message.
  wsx_host_info older = host.info(1, 1);
  older.struct_size = offsetof(wsx_host_info, api);
  older.api = reinterpret_cast<const wsx_host_api*>(std::uintptr_t{0x1});
  EXPECT_EQ(sdk::negotiate_abi<ProbePlugin>(&older, &chosen, &descriptor, &error.error), WSX_OK);
  older.abi_min = older.abi_max = 3;
  ErrorSlot refused;
  EXPECT_EQ(sdk::negotiate_abi<ProbePlugin>(&older, &chosen, &descriptor, &refused.error),
            WSX_FAIL);
  EXPECT_EQ(refused.text(), "");
}

// --- create ------------------------------------------------------------------

TEST(SdkCreate, ConstructsThePluginWithTypedParamsAndHost) {
  HostDouble host;
  const InstanceHandle instance(probe, host, {wsx::test::integer_param("limit", 42)});
  ASSERT_EQ(instance.status(), WSX_OK) << instance.error();
  ASSERT_EQ(host.logs.size(), 1u);
  EXPECT_EQ(host.logs[0].first, WSX_LOG_INFO);
  EXPECT_EQ(host.logs[0].second, "created from test.toml limit 42");
}

TEST(SdkCreate, ConfigErrorsFailWithTheirMessage) {
  HostDouble host;
  const InstanceHandle out_of_range(probe, host, {wsx::test::integer_param("limit", 101)});
  EXPECT_EQ(out_of_range.status(), WSX_FAIL);
  EXPECT_EQ(out_of_range.get(), nullptr);
  EXPECT_EQ(out_of_range.error(), "parameter 'limit' = 101 is out of range [0, 100]");

  const InstanceHandle wrong_type(probe, host, {wsx::test::string_param("limit", "7")});
  EXPECT_EQ(wrong_type.status(), WSX_FAIL);
  EXPECT_EQ(wrong_type.error(), "parameter 'limit' must be an integer");
}

TEST(SdkCreate, EveryExceptionBecomesFail1011WithItsMessage) {
  HostDouble host;
  const InstanceHandle runtime(probe, host, {wsx::test::string_param("mode", "throw-runtime")});
  EXPECT_EQ(runtime.status(), WSX_FAIL);
  EXPECT_EQ(runtime.close_code(), WSX_CLOSE_INTERNAL_ERROR);
  EXPECT_EQ(runtime.error(), "boom at create");

  const InstanceHandle oom(probe, host, {wsx::test::string_param("mode", "throw-bad-alloc")});
  EXPECT_EQ(oom.status(), WSX_FAIL);
  EXPECT_EQ(oom.close_code(), WSX_CLOSE_INTERNAL_ERROR);
  EXPECT_EQ(oom.error(), "out of memory: std::bad_alloc");

  const InstanceHandle other(probe, host, {wsx::test::string_param("mode", "throw-int")});
  EXPECT_EQ(other.status(), WSX_FAIL);
  EXPECT_EQ(other.close_code(), WSX_CLOSE_INTERNAL_ERROR);
  EXPECT_EQ(other.error(), "unknown exception (not a std::exception)");
}

TEST(SdkCreate, ReadsCreateArgsOfAnOlderHost) {
  HostDouble host;
  const wsx_config_param limit = wsx::test::integer_param("limit", 5);
  wsx_plugin_create_args args{};
  args.struct_size = offsetof(wsx_plugin_create_args, config_path);  // no config_path yet
  args.params = &limit;
  args.param_count = 1;
  args.api = host.api();
  args.config_path = {reinterpret_cast<const char*>(std::uintptr_t{0x1}), 99};  // not to be read
  void* instance = nullptr;
  ErrorSlot error;
  ASSERT_EQ(probe.create(&args, &instance, &error.error), WSX_OK) << error.text();
  ASSERT_NE(instance, nullptr);
  probe.destroy(instance);
  ASSERT_EQ(host.logs.size(), 1u);
  EXPECT_EQ(host.logs[0].second, "created from  limit 5");
}

// --- Server negotiation ------------------------------------------------------

class SdkNegotiation : public ::testing::Test {
 protected:
  HostDouble host;
  InstanceHandle instance{probe, host};
};

TEST_F(SdkNegotiation, AcceptHandsTheExtensionAndResponseToTheHost) {
  const ParamArray offer{{"alpha", std::nullopt}, {"beta", "x y"}};
  auto result = wsx::test::negotiate(probe_def, instance.get(), "x-probe", offer);
  const ExtensionHandle extension(&probe_def, result.extension);
  ASSERT_EQ(result.status, WSX_OK) << result.message;
  ASSERT_NE(result.extension, nullptr);
  ASSERT_EQ(result.response.params.size(), 2u);
  EXPECT_EQ(result.response.params[0].first, "alpha");
  EXPECT_EQ(result.response.params[0].second, std::nullopt);
  EXPECT_EQ(result.response.params[1].first, "beta");
  EXPECT_EQ(result.response.params[1].second, "x y");
}

TEST_F(SdkNegotiation, DeclineAndFailCarryTheirReasonAndNoExtension) {
  auto declined = wsx::test::negotiate(probe_def, instance.get(), "x-probe", {{"decline", {}}});
  EXPECT_EQ(declined.status, WSX_DECLINE);
  EXPECT_EQ(declined.extension, nullptr);
  EXPECT_EQ(declined.message, "asked to decline");

  auto failed = wsx::test::negotiate(probe_def, instance.get(), "x-probe", {{"fail", {}}});
  EXPECT_EQ(failed.status, WSX_FAIL);
  EXPECT_EQ(failed.extension, nullptr);
  EXPECT_EQ(failed.message, "asked to fail");
}

TEST_F(SdkNegotiation, ExceptionsAndBrokenAcceptsFailTheHandshake) {
  auto thrown = wsx::test::negotiate(probe_def, instance.get(), "x-probe", {{"throw", {}}});
  EXPECT_EQ(thrown.status, WSX_FAIL);
  EXPECT_EQ(thrown.message, "negotiate threw");

  auto null = wsx::test::negotiate(probe_def, instance.get(), "x-probe", {{"null", {}}});
  EXPECT_EQ(null.status, WSX_FAIL);
  EXPECT_EQ(null.extension, nullptr);
  EXPECT_EQ(null.message, "the factory accepted without an extension");

  // The extension was made, but the response cannot be sent: nothing leaks
  // (ASan checks) and no extension reaches the host.
  auto bad = wsx::test::negotiate(probe_def, instance.get(), "x-probe", {{"bad-response", {}}});
  EXPECT_EQ(bad.status, WSX_FAIL);
  EXPECT_EQ(bad.extension, nullptr);
  EXPECT_EQ(bad.message, "the host refused response parameter not a token");
}

TEST_F(SdkNegotiation, FactorySeesEarlierAcceptedExtensions) {
  const ParamArray deflate_params{{"server_no_context_takeover", std::nullopt}};
  wsx_accepted_extension deflate{};
  deflate.struct_size = sizeof(wsx_accepted_extension);
  deflate.token = {"permessage-deflate", 18};
  deflate.rsv_bits = WSX_RSV1;
  deflate.params = deflate_params.data();
  deflate.param_count = deflate_params.size();
  wsx_accepted_extension other{};
  other.struct_size = offsetof(wsx_accepted_extension, params);  // older writer: no params
  other.token = {"x-other", 7};
  other.rsv_bits = WSX_RSV2;
  other.param_count = 5;  // past struct_size: must read as 0

  auto result = wsx::test::negotiate(probe_def, instance.get(), "x-probe", {{"list-accepted", {}}},
                                     {&deflate, &other});
  const ExtensionHandle extension(&probe_def, result.extension);
  ASSERT_EQ(result.status, WSX_OK) << result.message;
  ASSERT_EQ(result.response.params.size(), 2u);
  EXPECT_EQ(result.response.params[0].first, "permessage-deflate");
  EXPECT_EQ(result.response.params[0].second, std::to_string(WSX_RSV1) + "/1");
  EXPECT_EQ(result.response.params[1].first, "x-other");
  EXPECT_EQ(result.response.params[1].second, std::to_string(WSX_RSV2) + "/0");
}

// --- Client factory ----------------------------------------------------------

TEST_F(SdkNegotiation, ClientOfferAppendsParamsAndAcceptMakesAnExtension) {
  wsx_params_out offer;
  ErrorSlot error;
  ASSERT_EQ(probe_def.client_offer(instance.get(), &offer, &error.error), WSX_OK);
  ASSERT_EQ(offer.params.size(), 2u);
  EXPECT_EQ(offer.params[0].first, "bare");
  EXPECT_EQ(offer.params[0].second, std::nullopt);
  EXPECT_EQ(offer.params[1].first, "level");
  EXPECT_EQ(offer.params[1].second, "3");

  wsx_client_response response{};
  response.struct_size = sizeof(wsx_client_response);
  response.token = {"x-probe", 7};
  void* made = nullptr;
  EXPECT_EQ(probe_def.client_accept(instance.get(), &response, &made, &error.error), WSX_OK);
  const ExtensionHandle extension(&probe_def, made);
  EXPECT_NE(made, nullptr);

  const ParamArray refuse{{"refuse", std::nullopt}};
  response.params = refuse.data();
  response.param_count = refuse.size();
  void* none = nullptr;
  ErrorSlot refused;
  EXPECT_EQ(probe_def.client_accept(instance.get(), &response, &none, &refused.error), WSX_DECLINE);
  EXPECT_EQ(none, nullptr);
  EXPECT_EQ(refused.text(), "refused response");
}

TEST_F(SdkNegotiation, ClientOfferDeclineSaysWhy) {
  const wsx_extension_def& client_only = *probe.extensions[2];
  wsx_params_out offer;
  ErrorSlot error;
  EXPECT_EQ(client_only.client_offer(instance.get(), &offer, &error.error), WSX_DECLINE);
  EXPECT_TRUE(offer.params.empty());
  EXPECT_EQ(error.text(), "not today");
}

// --- Frames ------------------------------------------------------------------

class SdkFrames : public SdkNegotiation {
 protected:
  void SetUp() override {
    auto result = wsx::test::negotiate(probe_def, instance.get(), "x-probe", {});
    ASSERT_EQ(result.status, WSX_OK) << result.message;
    extension = std::make_unique<ExtensionHandle>(&probe_def, result.extension);
  }
  std::unique_ptr<ExtensionHandle> extension;
};

TEST_F(SdkFrames, WrittenPayloadGoesToTheHostBufferWithHeaderChanges) {
  const auto call = extension->encode(WSX_OPCODE_TEXT, 0, bytes_of("abc"), false);
  EXPECT_EQ(call.status, WSX_OK);
  EXPECT_EQ(call.payload, bytes_of("cba"));
  EXPECT_EQ(call.rsv, WSX_RSV3);
  EXPECT_EQ(call.opcode, WSX_OPCODE_TEXT);
  EXPECT_EQ(call.fin, 0);
  // The extension logs through the host it was bound to at negotiation.
  ASSERT_FALSE(host.logs.empty());
  EXPECT_EQ(host.logs.back().second, "encode 3");
}

TEST_F(SdkFrames, UnchangedKeepsHeaderEdits) {
  const auto call = extension->encode(WSX_OPCODE_BINARY, WSX_RSV1, bytes_of("unchanged"));
  EXPECT_EQ(call.status, WSX_UNCHANGED);
  EXPECT_EQ(call.rsv, WSX_RSV1 | WSX_RSV3);
  EXPECT_TRUE(call.payload.empty());
}

TEST_F(SdkFrames, ExceptionsBecomeFail1011WithTheirMessage) {
  const auto runtime = extension->encode(WSX_OPCODE_TEXT, 0, bytes_of("throw"));
  EXPECT_EQ(runtime.status, WSX_FAIL);
  EXPECT_EQ(runtime.close_code, WSX_CLOSE_INTERNAL_ERROR);
  EXPECT_EQ(runtime.message, "encode threw");

  const auto oom = extension->encode(WSX_OPCODE_TEXT, 0, bytes_of("oom"));
  EXPECT_EQ(oom.status, WSX_FAIL);
  EXPECT_EQ(oom.close_code, WSX_CLOSE_INTERNAL_ERROR);
  EXPECT_EQ(oom.message, "out of memory: std::bad_alloc");

  const auto other = extension->encode(WSX_OPCODE_TEXT, 0, bytes_of("int"));
  EXPECT_EQ(other.status, WSX_FAIL);
  EXPECT_EQ(other.close_code, WSX_CLOSE_INTERNAL_ERROR);
  EXPECT_EQ(other.message, "unknown exception (not a std::exception)");
}

TEST_F(SdkFrames, FailuresCarryTheirCloseCodeAndUnknownCodesBecome1011) {
  const auto invalid = extension->encode(WSX_OPCODE_TEXT, 0, bytes_of("fail1007"));
  EXPECT_EQ(invalid.status, WSX_FAIL);
  EXPECT_EQ(invalid.close_code, WSX_CLOSE_INVALID_PAYLOAD);
  EXPECT_EQ(invalid.message, "bad data");

  const auto weird = extension->encode(WSX_OPCODE_TEXT, 0, bytes_of("badcode"));
  EXPECT_EQ(weird.status, WSX_FAIL);
  EXPECT_EQ(weird.close_code, WSX_CLOSE_INTERNAL_ERROR);
  EXPECT_EQ(weird.message, "(invalid close code from the plugin) weird");
}

TEST_F(SdkFrames, DecodeGetsTheMaxPayloadSize) {
  const auto fits = extension->decode(WSX_OPCODE_BINARY, WSX_RSV3, bytes_of("12345"), 5);
  EXPECT_EQ(fits.status, WSX_OK);
  EXPECT_EQ(fits.payload, bytes_of("12345!"));
  EXPECT_EQ(fits.rsv, 0);

  const auto too_big = extension->decode(WSX_OPCODE_BINARY, WSX_RSV3, bytes_of("123456"), 5);
  EXPECT_EQ(too_big.status, WSX_FAIL);
  EXPECT_EQ(too_big.close_code, WSX_CLOSE_MESSAGE_TOO_BIG);
}

TEST_F(SdkFrames, HostOutOfMemoryBecomesFail1011) {
  const std::vector<std::uint8_t> payload = bytes_of("abc");
  wsx_frame in{sizeof(wsx_frame), WSX_OPCODE_TEXT, 1, 0, {payload.data(), payload.size()}};
  wsx_buffer refusing;
  refusing.refuse_memory = true;
  wsx_frame_out out{sizeof(wsx_frame_out), WSX_OPCODE_TEXT, 1, 0, &refusing};
  ErrorSlot error;
  EXPECT_EQ(probe_def.encode(extension->get(), &in, &out, &error.error), WSX_FAIL);
  EXPECT_EQ(error.error.close_code, WSX_CLOSE_INTERNAL_ERROR);
  EXPECT_EQ(error.text(), "out of memory: std::bad_alloc");
}

TEST_F(SdkFrames, FrameStructSizesAreHonoured) {
  const std::vector<std::uint8_t> payload = bytes_of("abc");
  // An input written by an older host without the payload field: it reads as
  // empty, never as the garbage behind struct_size.
  wsx_frame short_in{
      offsetof(wsx_frame, payload), WSX_OPCODE_TEXT, 1, 0, {payload.data(), payload.size()}};
  wsx_buffer written;
  wsx_frame_out out{sizeof(wsx_frame_out), WSX_OPCODE_TEXT, 1, 0, &written};
  ErrorSlot error;
  EXPECT_EQ(probe_def.encode(extension->get(), &short_in, &out, &error.error), WSX_OK);
  EXPECT_EQ(written.size, 0u);

  // An output the SDK cannot fully write is refused, not overrun.
  wsx_frame full_in{sizeof(wsx_frame), WSX_OPCODE_TEXT, 1, 0, {payload.data(), payload.size()}};
  wsx_frame_out short_out{offsetof(wsx_frame_out, payload), WSX_OPCODE_TEXT, 1, 0, &written};
  ErrorSlot refused;
  EXPECT_EQ(probe_def.encode(extension->get(), &full_in, &short_out, &refused.error), WSX_FAIL);
  EXPECT_EQ(refused.error.close_code, WSX_CLOSE_INTERNAL_ERROR);
  EXPECT_EQ(refused.text(), "the host passed a truncated wsx_frame_out");
}

TEST_F(SdkFrames, DestroyRunsTheDestructorWithTheHostStillBound) {
  extension.reset();
  ASSERT_FALSE(host.logs.empty());
  EXPECT_EQ(host.logs.back().first, WSX_LOG_DEBUG);
  EXPECT_EQ(host.logs.back().second, "probe extension destroyed");
}

// --- Value types used directly -----------------------------------------------

TEST(SdkParams, TypedAccessFallbacksAndErrors) {
  const std::vector<wsx_config_param> raw{wsx::test::integer_param("n", 12),
                                          wsx::test::boolean_param("b", true),
                                          wsx::test::string_param("s", "text")};
  const sdk::Params params(raw);
  EXPECT_EQ(params.size(), 3u);
  EXPECT_TRUE(params.contains("n"));
  EXPECT_FALSE(params.contains("missing"));
  EXPECT_EQ(params.integer("n"), 12);
  EXPECT_EQ(params.integer("missing"), std::nullopt);
  EXPECT_EQ(params.integer("missing", 5), 5);
  EXPECT_EQ(params.integer("n", 5, {.min = 12, .max = 12}), 12);
  EXPECT_THROW((void)params.integer("n", 5, {.min = 13, .max = 20}), sdk::ConfigError);
  EXPECT_EQ(params.boolean("b"), true);
  EXPECT_EQ(params.boolean("missing", false), false);
  EXPECT_EQ(params.string("s"), "text");
  EXPECT_EQ(params.string("missing", "dflt"), "dflt");
  EXPECT_THROW((void)params.integer("s"), sdk::ConfigError);
  EXPECT_THROW((void)params.boolean("n"), sdk::ConfigError);
  EXPECT_THROW((void)params.string("b"), sdk::ConfigError);
}

TEST(SdkParamList, ViewsFindsCountsAndIterates) {
  const ParamArray raw{{"a", std::nullopt}, {"b", "1"}, {"a", "2"}};
  const sdk::ParamList list(raw.data(), raw.size());
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].name, "a");
  EXPECT_EQ(list[0].value, std::nullopt);
  EXPECT_EQ(list.count("a"), 2u);
  EXPECT_EQ(list.count("z"), 0u);
  ASSERT_TRUE(list.find("b"));
  EXPECT_EQ(list.find("b")->value, "1");
  EXPECT_FALSE(list.find("z"));
  std::string seen;
  for (const sdk::ParamView param : list) {
    seen += std::string(param.name) + "=" + std::string(param.value.value_or("-")) + ";";
  }
  EXPECT_EQ(seen, "a=-;b=1;a=2;");
  EXPECT_TRUE(sdk::ParamList(nullptr, 4).empty());
}

TEST(SdkBufferWriter, ReserveCommitWriteAppend) {
  HostDouble host_double;
  const sdk::Host host(host_double.api());
  wsx_buffer buffer;
  sdk::BufferWriter writer(host, &buffer);
  EXPECT_TRUE(writer.reserve(0).empty());  // no storage yet is no failure
  const std::span<std::uint8_t> room = writer.reserve(4);
  ASSERT_GE(room.size(), 4u);
  room[0] = 'x';
  room[1] = 'y';
  writer.commit(2);
  writer.append(std::string_view{"z"});
  writer.write(2, [](std::span<std::uint8_t> bytes) {
    ASSERT_EQ(bytes.size(), 2u);
    bytes[0] = '1';
    bytes[1] = '2';
  });
  EXPECT_EQ(writer.size(), 5u);
  EXPECT_EQ(buffer.text(), "xyz12");

  buffer.refuse_memory = true;
  EXPECT_THROW(writer.reserve(1), std::bad_alloc);
  const sdk::Host no_services;
  sdk::BufferWriter orphan(no_services, &buffer);
  EXPECT_THROW(orphan.append(std::string_view{"a"}), std::bad_alloc);
  EXPECT_EQ(orphan.size(), 0u);
}

}  // namespace
