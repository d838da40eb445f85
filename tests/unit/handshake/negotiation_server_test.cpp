// Server-side negotiation (RFC 6455 section 9.1, RFC 7692 section 5,
// DESIGN.md "Negotiation") against in-process factories.
#include <gtest/gtest.h>

#include "core/extensions/extensions_header.hpp"
#include "core/extensions/negotiation.hpp"
#include "test_factories.hpp"

namespace wsx::core {
namespace {

using test::Decision;
using test::SeenCall;
using test::TestExtension;
using test::TestPlugin;

std::vector<ExtensionItem> offers(std::string_view header) {
  ParsedExtensions parsed = parse_extensions_header(header);
  EXPECT_TRUE(parsed.ok()) << parsed.error->message();
  return parsed.items;
}

std::vector<std::string> tokens_of(const ExtensionChain& chain) {
  std::vector<std::string> tokens;
  for (const Extension& extension : chain.extensions()) tokens.push_back(extension.factory().token);
  return tokens;
}

std::vector<OfferOutcome> outcomes_of(const ServerNegotiation& result) {
  std::vector<OfferOutcome> outcomes;
  for (const auto& entry : result.trace) outcomes.push_back(entry.outcome);
  return outcomes;
}

TEST(NegotiateServer, ClientOrderIsRespected) {
  TestPlugin plugin("p");
  // Config order a, b; the client offers b first.
  const FactoryList factories{test::make_factory(plugin, "a"), test::make_factory(plugin, "b")};
  const ServerNegotiation result = negotiate_server(offers("b, a"), factories);
  ASSERT_TRUE(result.ok()) << *result.error;
  EXPECT_EQ(tokens_of(result.chain), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(result.response_header, "b, a");
  ASSERT_EQ(plugin.server_calls.size(), 2u);
  EXPECT_EQ(plugin.server_calls[0].token, "b");
  EXPECT_EQ(plugin.server_calls[1].token, "a");
}

TEST(NegotiateServer, DeclinedOfferFallsBackToTheNextOne) {
  TestPlugin plugin("deflate-like");
  plugin.on_server_offer = [](const SeenCall& call) {
    if (call.params.at(0).value == "8") return Decision{WSX_DECLINE, {}, "window 8 unsupported"};
    return Decision{WSX_OK, {{"server_max_window_bits", call.params.at(0).value}}, ""};
  };
  const FactoryList factories{test::make_factory(plugin, "permessage-deflate", WSX_RSV1)};
  const ServerNegotiation result =
      negotiate_server(offers("permessage-deflate; server_max_window_bits=8, "
                              "permessage-deflate; server_max_window_bits=10"),
                       factories);
  ASSERT_TRUE(result.ok()) << *result.error;
  EXPECT_EQ(result.response_header, "permessage-deflate; server_max_window_bits=10");
  EXPECT_EQ(outcomes_of(result),
            (std::vector<OfferOutcome>{OfferOutcome::declined, OfferOutcome::accepted}));
  EXPECT_EQ(result.trace[0].detail, "window 8 unsupported");
  EXPECT_EQ(result.trace[1].detail, "server_max_window_bits=10");
  EXPECT_EQ(plugin.extensions_created, 1);
}

TEST(NegotiateServer, LaterOfferOfAnAcceptedTokenIsSkipped) {
  TestPlugin plugin("p");
  const FactoryList factories{test::make_factory(plugin, "x")};
  const ServerNegotiation result = negotiate_server(offers("x; a, x; b"), factories);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.response_header, "x");
  EXPECT_EQ(outcomes_of(result),
            (std::vector<OfferOutcome>{OfferOutcome::accepted, OfferOutcome::skipped_duplicate}));
  EXPECT_EQ(plugin.server_calls.size(), 1u);  // the fallback was never asked
  EXPECT_EQ(result.trace[1].params, "b");
}

TEST(NegotiateServer, RsvClashIsSkipped) {
  TestPlugin first("first-plugin");
  TestPlugin second("second-plugin");
  const FactoryList factories{test::make_factory(first, "a", WSX_RSV1),
                              test::make_factory(second, "b", WSX_RSV1 | WSX_RSV2),
                              test::make_factory(second, "c", WSX_RSV2)};
  const ServerNegotiation result = negotiate_server(offers("a, b, c"), factories);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(tokens_of(result.chain), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(result.chain.rsv_mask(), WSX_RSV1 | WSX_RSV2);
  ASSERT_EQ(result.trace.size(), 3u);
  EXPECT_EQ(result.trace[1].outcome, OfferOutcome::skipped_rsv_clash);
  EXPECT_EQ(result.trace[1].plugin, "second-plugin");
  EXPECT_EQ(result.trace[1].detail, "RSV1 already used by a");
  ASSERT_EQ(second.server_calls.size(), 1u);
  EXPECT_EQ(second.server_calls[0].token, "c");
}

TEST(NegotiateServer, FailFailsTheHandshake) {
  TestPlugin plugin("strict");
  plugin.on_server_offer = [](const SeenCall&) {
    return Decision{WSX_FAIL, {}, "server_max_window_bits=99 is out of range"};
  };
  const FactoryList factories{test::make_factory(plugin, "x")};
  const ServerNegotiation result =
      negotiate_server(offers("x; server_max_window_bits=99, x"), factories);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(
      *result.error,
      "extension x (plugin strict) rejected the offer: server_max_window_bits=99 is out of range");
  EXPECT_TRUE(result.chain.empty());
  EXPECT_TRUE(result.response_header.empty());
  EXPECT_EQ(result.trace.size(), 1u);  // the second offer is never considered
  EXPECT_EQ(result.trace[0].outcome, OfferOutcome::failed);
}

TEST(NegotiateServer, StatusOutsideTheEnumFails) {
  const FactoryList factories{test::make_raw_status_factory("x", 42)};
  const ServerNegotiation result = negotiate_server(offers("x"), factories);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(
      *result.error,
      "extension x (plugin raw-status) returned status 42, which is not a negotiation result");
  EXPECT_EQ(result.trace.at(0).outcome, OfferOutcome::failed);
}

TEST(NegotiateServer, UnchangedIsNotANegotiationResult) {
  const FactoryList factories{test::make_raw_status_factory("x", WSX_UNCHANGED)};
  const ServerNegotiation result = negotiate_server(offers("x"), factories);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error->find("returned status 1"), std::string::npos);
}

TEST(NegotiateServer, ExtensionsAcceptedBeforeAFailureAreDestroyed) {
  TestPlugin accepting("accepting");
  TestPlugin failing("failing");
  failing.on_server_offer = [](const SeenCall&) { return Decision{WSX_FAIL, {}, ""}; };
  const FactoryList factories{test::make_factory(accepting, "a", WSX_RSV1),
                              test::make_factory(accepting, "b", WSX_RSV2),
                              test::make_factory(failing, "c")};
  const ServerNegotiation result = negotiate_server(offers("a, b, c"), factories);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(*result.error,
            "extension c (plugin failing) rejected the offer: failed without a reason");
  EXPECT_EQ(accepting.extensions_created, 2);
  EXPECT_EQ(accepting.extensions_destroyed, 2);
}

TEST(NegotiateServer, ResponseThatIsNotATokenFailsAndDestroysTheExtension) {
  TestPlugin plugin("sloppy");
  plugin.on_server_offer = [](const SeenCall&) {
    return Decision{WSX_OK, {{"note", "two words"}}, ""};
  };
  const FactoryList factories{test::make_factory(plugin, "x")};
  const ServerNegotiation result = negotiate_server(offers("x"), factories);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(*result.error,
            "extension x (plugin sloppy) accepted with a response that cannot be sent: value "
            "\"two words\" of parameter note is not a token (RFC 6455 section 9.1)");
  EXPECT_EQ(plugin.extensions_created, 1);
  EXPECT_EQ(plugin.extensions_destroyed, 1);
}

TEST(NegotiateServer, ResponseHeaderListsAcceptanceOrderWithParams) {
  TestPlugin plugin("p");
  plugin.on_server_offer = [](const SeenCall& call) {
    if (call.token == "b") return Decision{WSX_DECLINE, {}, "no"};
    return Decision{WSX_OK, {{"t", call.token}, {"flag", std::nullopt}}, ""};
  };
  const FactoryList factories{test::make_factory(plugin, "a", WSX_RSV1),
                              test::make_factory(plugin, "b", WSX_RSV2),
                              test::make_factory(plugin, "c", WSX_RSV3)};
  const ServerNegotiation result = negotiate_server(offers("c, b, a"), factories);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.response_header, "c; t=c; flag, a; t=a; flag");
  ASSERT_EQ(result.chain.size(), 2u);
  EXPECT_EQ(result.chain.extensions()[0].params(),
            (std::vector<ExtensionParam>{{"t", "c"}, {"flag", std::nullopt}}));
  EXPECT_EQ(static_cast<TestExtension*>(result.chain.extensions()[0].instance())->serial, 1);
  EXPECT_EQ(static_cast<TestExtension*>(result.chain.extensions()[1].instance())->serial, 2);
}

TEST(NegotiateServer, TraceDescribesEveryOffer) {
  TestPlugin deflate("pmd");
  deflate.on_server_offer = [](const SeenCall& call) {
    if (!call.params.empty()) return Decision{WSX_DECLINE, {}, "unknown parameter foo"};
    return Decision{WSX_OK, {{"client_no_context_takeover", std::nullopt}}, ""};
  };
  const FactoryList factories{test::make_factory(deflate, "permessage-deflate", WSX_RSV1)};
  const ServerNegotiation result = negotiate_server(
      offers("x-unknown; a=1, permessage-deflate; foo=\"bar\", permessage-deflate, "
             "permessage-deflate"),
      factories);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.trace.size(), 4u);

  EXPECT_EQ(result.trace[0].token, "x-unknown");
  EXPECT_EQ(result.trace[0].params, "a=1");
  EXPECT_EQ(result.trace[0].plugin, "");
  EXPECT_EQ(result.trace[0].outcome, OfferOutcome::no_factory);
  EXPECT_EQ(result.trace[0].detail, "no plugin provides it");

  EXPECT_EQ(result.trace[1].params, "foo=bar");
  EXPECT_EQ(result.trace[1].plugin, "pmd");
  EXPECT_EQ(result.trace[1].outcome, OfferOutcome::declined);
  EXPECT_EQ(result.trace[1].detail, "unknown parameter foo");

  EXPECT_EQ(result.trace[2].outcome, OfferOutcome::accepted);
  EXPECT_EQ(result.trace[2].detail, "client_no_context_takeover");
  EXPECT_EQ(result.trace[3].outcome, OfferOutcome::skipped_duplicate);

  EXPECT_EQ(describe(result.trace[1]),
            "permessage-deflate; foo=bar -> declined (plugin pmd): unknown parameter foo");
  EXPECT_EQ(describe(result.trace[0]), "x-unknown; a=1 -> no-factory: no plugin provides it");
}

TEST(NegotiateServer, TokensMatchCaseInsensitivelyAndTheClientSpellingIsEchoed) {
  TestPlugin plugin("p");
  const FactoryList factories{test::make_factory(plugin, "permessage-deflate")};
  const ServerNegotiation result =
      negotiate_server(offers("PerMessage-Deflate, permessage-DEFLATE"), factories);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.response_header, "PerMessage-Deflate");
  EXPECT_EQ(outcomes_of(result),
            (std::vector<OfferOutcome>{OfferOutcome::accepted, OfferOutcome::skipped_duplicate}));
  EXPECT_EQ(result.chain.extensions().at(0).factory().token, "permessage-deflate");
}

TEST(NegotiateServer, FactoryGetsTheOfferAndWhatWasAcceptedBefore) {
  TestPlugin plugin("p");
  plugin.on_server_offer = [](const SeenCall& call) {
    return Decision{WSX_OK, {{"n", std::to_string(call.accepted_tokens.size())}}, ""};
  };
  const FactoryList factories{test::make_factory(plugin, "a", WSX_RSV1),
                              test::make_factory(plugin, "b", WSX_RSV2)};
  const ServerNegotiation result = negotiate_server(offers("A; x; y=\"1\", b; z=2"), factories);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(plugin.server_calls.size(), 2u);
  const SeenCall& first = plugin.server_calls[0];
  EXPECT_EQ(first.token, "A");
  EXPECT_EQ(first.params, (std::vector<ExtensionParam>{{"x", std::nullopt}, {"y", "1"}}));
  EXPECT_TRUE(first.accepted_tokens.empty());
  const SeenCall& second = plugin.server_calls[1];
  EXPECT_EQ(second.params, (std::vector<ExtensionParam>{{"z", "2"}}));
  // The accepted list names the factory's token, its RSV bits and response.
  EXPECT_EQ(second.accepted_tokens, (std::vector<std::string>{"a"}));
  EXPECT_EQ(second.accepted_rsv, (std::vector<std::uint8_t>{WSX_RSV1}));
  EXPECT_EQ(second.accepted_params, (std::vector<std::vector<ExtensionParam>>{{{"n", "0"}}}));
  EXPECT_EQ(result.response_header, "A; n=0, b; n=1");
}

TEST(NegotiateServer, FactoriesWithoutTheServerRoleAreIgnored) {
  TestPlugin plugin("client-only");
  const FactoryList factories{test::make_factory(plugin, "x", 0, test::kClient)};
  const ServerNegotiation result = negotiate_server(offers("x"), factories);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.trace.at(0).outcome, OfferOutcome::no_factory);
  EXPECT_TRUE(plugin.server_calls.empty());
}

TEST(NegotiateServer, NoOffersOrNoFactories) {
  const ServerNegotiation none = negotiate_server({}, {});
  EXPECT_TRUE(none.ok());
  EXPECT_TRUE(none.chain.empty());
  EXPECT_TRUE(none.response_header.empty());
  const ServerNegotiation unknown = negotiate_server(offers("a, b"), {});
  EXPECT_TRUE(unknown.ok());
  EXPECT_EQ(outcomes_of(unknown),
            (std::vector<OfferOutcome>{OfferOutcome::no_factory, OfferOutcome::no_factory}));
}

TEST(NegotiateServer, AcceptedExtensionsAreDestroyedWithTheChain) {
  TestPlugin plugin("p");
  const FactoryList factories{test::make_factory(plugin, "a", WSX_RSV1),
                              test::make_factory(plugin, "b", WSX_RSV2)};
  {
    ServerNegotiation result = negotiate_server(offers("a, b"), factories);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(plugin.extensions_destroyed, 0);
  }
  EXPECT_EQ(plugin.extensions_created, 2);
  EXPECT_EQ(plugin.extensions_destroyed, 2);
}

}  // namespace
}  // namespace wsx::core
