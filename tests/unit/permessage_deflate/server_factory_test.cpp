// The server factory through the C ABI, as the host calls it: decline
// versus accept for every kind of offer, fallback offers, RSV1 ownership and
// the examples of RFC 7692 §7.1.3.
#include <gtest/gtest.h>

#include "test_host.hpp"

namespace wsx::pmd::test {
namespace {

// What the host does with the client's offers for our token (RFC 7692 §5):
// try them in order, take the first one the factory accepts.
struct Outcome {
  int accepted_index = -1;
  Negotiation negotiation;
  std::vector<std::string> decline_reasons;
};

Outcome negotiate_offers(TestPlugin& plugin, const std::vector<std::string>& offers) {
  Outcome outcome;
  for (std::size_t i = 0; i < offers.size(); ++i) {
    Negotiation result = server_negotiate(plugin, offers[i]);
    if (result.status == WSX_OK) {
      outcome.accepted_index = static_cast<int>(i);
      outcome.negotiation = std::move(result);
      return outcome;
    }
    EXPECT_EQ(result.status, WSX_DECLINE) << offers[i];
    outcome.decline_reasons.push_back(result.message);
  }
  return outcome;
}

TEST(ServerFactory, InvalidOffersAreDeclinedNotFailed) {
  TestPlugin plugin;
  const std::vector<std::pair<std::string, std::string>> rows{
      {"x_unknown", "unknown parameter x_unknown"},
      {"server_no_context_takeover; server_no_context_takeover", "duplicate parameter"},
      {"client_max_window_bits=9; client_max_window_bits=9", "duplicate parameter"},
      {"server_no_context_takeover=x", "takes no value"},
      {"client_no_context_takeover=x", "takes no value"},
      {"server_max_window_bits", "a value is required"},
      {"server_max_window_bits=08", "from 8 to 15"},
      {"server_max_window_bits=16", "from 8 to 15"},
      {"server_max_window_bits=7", "from 8 to 15"},
      {"server_max_window_bits=ten", "from 8 to 15"},
      {"client_max_window_bits=7", "from 8 to 15"},
      {"client_max_window_bits=16", "from 8 to 15"},
      {"client_max_window_bits=09", "from 8 to 15"},
  };
  for (const auto& [offer, reason] : rows) {
    const Negotiation result = server_negotiate(plugin, offer);
    EXPECT_EQ(result.status, WSX_DECLINE) << offer;
    EXPECT_NE(result.message.find(reason), std::string::npos) << offer << ": " << result.message;
    EXPECT_TRUE(result.response.empty());
  }
  EXPECT_EQ(plugin.plugin().budget().reserved(), 0u);
}

TEST(ServerFactory, DeclinesWhenAnotherExtensionOwnsRsv1) {
  TestPlugin plugin;
  const Negotiation clash = server_negotiate(plugin, "", {{"x-other", WSX_RSV1}});
  EXPECT_EQ(clash.status, WSX_DECLINE);
  EXPECT_EQ(clash.message, "RSV1 is already used by x-other");

  const Negotiation no_clash =
      server_negotiate(plugin, "", {{"x-rsv2", WSX_RSV2}, {"x-rsv3", WSX_RSV3}});
  EXPECT_EQ(no_clash.status, WSX_OK) << no_clash.message;
}

TEST(ServerFactory, FallbackOffersAreTriedInOrder) {
  TestPlugin plugin(
      {{"client_max_window_bits", std::int64_t{10}}, {"require_client_max_window_bits", true}});
  const Outcome outcome = negotiate_offers(
      plugin, {"x_unknown", "server_max_window_bits=08", "server_no_context_takeover",
               "client_max_window_bits", "client_max_window_bits=12"});
  // The third offer is well-formed but cannot limit the client's window.
  EXPECT_EQ(outcome.accepted_index, 3);
  ASSERT_EQ(outcome.decline_reasons.size(), 3u);
  EXPECT_NE(outcome.decline_reasons[2].find("client_max_window_bits=10 is required"),
            std::string::npos);
  EXPECT_EQ(to_string(outcome.negotiation.response), "client_max_window_bits=10");
}

// python-websockets' require_client_max_window_bits=False: a client that
// cannot be limited keeps its 15-bit window, and the response stays silent.
TEST(ServerFactory, AnOfferThatCannotLimitTheClientIsAcceptedUnlessRequired) {
  TestPlugin requesting({{"client_max_window_bits", std::int64_t{10}}});
  Negotiation result = server_negotiate(requesting, "");
  ASSERT_EQ(result.status, WSX_OK) << result.message;
  EXPECT_EQ(to_string(result.response), "");
  EXPECT_EQ(result.extension->get().settings().incoming, (DirectionSettings{15, false}));

  TestPlugin requiring(
      {{"client_max_window_bits", std::int64_t{10}}, {"require_client_max_window_bits", true}});
  EXPECT_EQ(server_negotiate(requiring, "").status, WSX_DECLINE);
  const Negotiation limited = server_negotiate(requiring, "client_max_window_bits");
  ASSERT_EQ(limited.status, WSX_OK) << limited.message;
  EXPECT_EQ(to_string(limited.response), "client_max_window_bits=10");
}

// By default the server keeps its compressor but compresses with a 10-bit
// window without saying so (RFC 7692 §7.1.2.1 only caps a sender);
// keep_compression_context=false drops the context after every message, also
// unannounced (§7.1.1.1). Either way the response stays minimal.
TEST(ServerFactory, SmallerWindowAndDroppedContextAreSilent) {
  TestPlugin defaults;
  Negotiation kept = server_negotiate(defaults, "");
  ASSERT_EQ(kept.status, WSX_OK) << kept.message;
  EXPECT_EQ(to_string(kept.response), "");
  EXPECT_EQ(kept.extension->get().settings().outgoing, (DirectionSettings{10, false}));

  TestPlugin dropping({{"keep_compression_context", false}});
  Negotiation dropped = server_negotiate(dropping, "");
  ASSERT_EQ(dropped.status, WSX_OK) << dropped.message;
  EXPECT_EQ(to_string(dropped.response), "");
  EXPECT_EQ(dropped.extension->get().settings().outgoing, (DirectionSettings{10, true}));

  TestPlugin wide({{"compress_window_bits", std::int64_t{15}}});
  Negotiation full = server_negotiate(wide, "server_max_window_bits=13");
  ASSERT_EQ(full.status, WSX_OK) << full.message;
  EXPECT_EQ(to_string(full.response), "server_max_window_bits=13");
  EXPECT_EQ(full.extension->get().settings().outgoing, (DirectionSettings{13, false}));
}

TEST(ServerFactory, ResponseAndExtensionSettingsAgree) {
  TestPlugin plugin(
      {{"server_max_window_bits", std::int64_t{12}}, {"compress_window_bits", std::int64_t{15}}});
  Negotiation result = server_negotiate(
      plugin, "server_max_window_bits=14; client_max_window_bits=11; client_no_context_takeover");
  ASSERT_EQ(result.status, WSX_OK) << result.message;
  EXPECT_EQ(to_string(result.response),
            "client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=11");
  const ConnectionSettings& settings = result.extension->get().settings();
  EXPECT_EQ(settings.outgoing, (DirectionSettings{12, false}));
  EXPECT_EQ(settings.incoming, (DirectionSettings{11, true}));
}

// RFC 7692 §7.1.3, "Examples", with a server in its default configuration.
TEST(ServerFactory, Rfc7692Section713Examples) {
  TestPlugin plugin;
  {
    // "permessage-deflate": accepted as offered, nothing to add.
    const Negotiation result = server_negotiate(plugin, "");
    ASSERT_EQ(result.status, WSX_OK);
    EXPECT_EQ(to_string(result.response), "");
  }
  {
    // "permessage-deflate; client_max_window_bits": the server may answer
    // with a limit; ours asks for its default 11 bits.
    const Negotiation result = server_negotiate(plugin, "client_max_window_bits");
    ASSERT_EQ(result.status, WSX_OK);
    EXPECT_EQ(to_string(result.response), "client_max_window_bits=11");
  }
  {
    // "permessage-deflate; client_max_window_bits; server_max_window_bits=10,
    //  permessage-deflate; client_max_window_bits": the first is taken,
    // answered with server_max_window_bits=10 (and our client window).
    const Outcome outcome = negotiate_offers(
        plugin, {"client_max_window_bits; server_max_window_bits=10", "client_max_window_bits"});
    EXPECT_EQ(outcome.accepted_index, 0);
    EXPECT_EQ(to_string(outcome.negotiation.response),
              "server_max_window_bits=10; client_max_window_bits=11");
  }
  {
    // A server that requires a 10-bit client window answers the bare
    // parameter with the value.
    TestPlugin limiting({{"client_max_window_bits", std::int64_t{10}}});
    const Negotiation result = server_negotiate(limiting, "client_max_window_bits");
    ASSERT_EQ(result.status, WSX_OK);
    EXPECT_EQ(to_string(result.response), "client_max_window_bits=10");
  }
}

TEST(ServerFactory, ConfiguredNoContextTakeoverIsAddedToTheResponse) {
  TestPlugin plugin({{"server_no_context_takeover", true}, {"client_no_context_takeover", true}});
  Negotiation result = server_negotiate(plugin, "");
  ASSERT_EQ(result.status, WSX_OK);
  EXPECT_EQ(to_string(result.response), "server_no_context_takeover; client_no_context_takeover");
  EXPECT_TRUE(result.extension->get().settings().outgoing.no_context_takeover);
  EXPECT_TRUE(result.extension->get().settings().incoming.no_context_takeover);
}

}  // namespace
}  // namespace wsx::pmd::test
