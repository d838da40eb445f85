// Client-side negotiation: offers from the client factories and acceptance
// of the server's response (RFC 6455 sections 4.1 and 9.1).
#include <gtest/gtest.h>

#include "core/extensions/extensions_header.hpp"
#include "core/extensions/negotiation.hpp"
#include "test_factories.hpp"

namespace wsx::core {
namespace {

using test::Decision;
using test::SeenCall;
using test::TestPlugin;

std::vector<ExtensionItem> items(std::string_view header) {
  ParsedExtensions parsed = parse_extensions_header(header);
  EXPECT_TRUE(parsed.ok()) << parsed.error->message();
  return parsed.items;
}

TEST(BuildClientOffers, EachFactoryOffersOnceUnlessItDeclines) {
  TestPlugin a("a-plugin");
  a.on_client_offer = [] { return Decision{WSX_OK, {{"p", "1"}, {"q", std::nullopt}}, ""}; };
  TestPlugin b("b-plugin");
  b.on_client_offer = [] { return Decision{WSX_DECLINE, {}, ""}; };
  TestPlugin c("c-plugin");
  TestPlugin server_only("server-only");
  const FactoryList factories{test::make_factory(a, "a"), test::make_factory(b, "b"),
                              test::make_factory(c, "c"),
                              test::make_factory(server_only, "d", 0, test::kServer)};
  const ClientOffers offers = build_client_offers(factories);
  ASSERT_TRUE(offers.ok()) << *offers.error;
  EXPECT_EQ(offers.offers, items("a; p=1; q, c"));
  EXPECT_EQ(server_only.client_offer_calls, 0);
}

TEST(BuildClientOffers, FailureOrUnknownStatusIsAnError) {
  TestPlugin broken("broken");
  broken.on_client_offer = [] { return Decision{WSX_FAIL, {}, "out of memory"}; };
  const ClientOffers failed = build_client_offers({test::make_factory(broken, "x")});
  EXPECT_EQ(failed.error, "extension x (plugin broken) could not make an offer: out of memory");
  EXPECT_TRUE(failed.offers.empty());

  const ClientOffers odd = build_client_offers({test::make_raw_status_factory("y", 7)});
  EXPECT_EQ(odd.error, "extension y (plugin raw-status) could not make an offer: status 7");
}

TEST(BuildClientOffers, OfferValuesMustBeTokens) {
  TestPlugin plugin("p");
  plugin.on_client_offer = [] { return Decision{WSX_OK, {{"v", "a b"}}, ""}; };
  const ClientOffers offers = build_client_offers({test::make_factory(plugin, "x")});
  ASSERT_FALSE(offers.ok());
  EXPECT_NE(offers.error->find("is not a token"), std::string::npos) << *offers.error;
}

TEST(AcceptClientResponse, AcceptsWhatWasOffered) {
  TestPlugin a("a-plugin");
  TestPlugin b("b-plugin");
  const FactoryList factories{test::make_factory(a, "a", WSX_RSV1),
                              test::make_factory(b, "b", WSX_RSV2)};
  const auto offered = items("a, b");
  const ClientNegotiation result = accept_client_response(items("B; x=1, a"), factories, offered);
  ASSERT_TRUE(result.ok()) << *result.error;
  ASSERT_EQ(result.chain.size(), 2u);
  EXPECT_EQ(result.chain.extensions()[0].factory().token, "b");
  EXPECT_EQ(result.chain.extensions()[0].params(), (std::vector<ExtensionParam>{{"x", "1"}}));
  ASSERT_EQ(b.client_accept_calls.size(), 1u);
  EXPECT_EQ(b.client_accept_calls[0].token, "B");
  ASSERT_EQ(a.client_accept_calls.size(), 1u);
  EXPECT_EQ(a.client_accept_calls[0].accepted_tokens, (std::vector<std::string>{"b"}));
  EXPECT_EQ(a.client_accept_calls[0].accepted_rsv, (std::vector<std::uint8_t>{WSX_RSV2}));
}

TEST(AcceptClientResponse, EmptyResponseMeansNoExtensions) {
  TestPlugin a("a");
  const ClientNegotiation result =
      accept_client_response({}, {test::make_factory(a, "a")}, items("a"));
  EXPECT_TRUE(result.ok());
  EXPECT_TRUE(result.chain.empty());
}

TEST(AcceptClientResponse, UnofferedExtensionFails) {
  TestPlugin a("a");
  const FactoryList factories{test::make_factory(a, "a"), test::make_factory(a, "b")};
  const ClientNegotiation result = accept_client_response(items("b"), factories, items("a"));
  EXPECT_EQ(result.error, "the server accepted extension b, which was not offered");
  EXPECT_TRUE(a.client_accept_calls.empty());
}

TEST(AcceptClientResponse, DuplicateTokenFails) {
  TestPlugin a("a");
  const FactoryList factories{test::make_factory(a, "a")};
  const ClientNegotiation result = accept_client_response(items("a, A"), factories, items("a"));
  EXPECT_EQ(result.error, "the server accepted extension A twice");
  EXPECT_EQ(a.extensions_created, 1);
  EXPECT_EQ(a.extensions_destroyed, 1);  // the first one died with the failure
}

TEST(AcceptClientResponse, RsvClashFails) {
  TestPlugin plugin("p");
  const FactoryList factories{test::make_factory(plugin, "a", WSX_RSV1),
                              test::make_factory(plugin, "b", WSX_RSV1)};
  const ClientNegotiation result = accept_client_response(items("a, b"), factories, items("a, b"));
  EXPECT_EQ(result.error, "the server accepted b and a, which both use RSV1");
  EXPECT_EQ(plugin.extensions_destroyed, plugin.extensions_created);
}

TEST(AcceptClientResponse, ClientCannotDeclineOrFail) {
  TestPlugin picky("picky");
  picky.on_client_response = [](const SeenCall&) {
    return Decision{WSX_DECLINE, {}, "server_max_window_bits missing"};
  };
  const FactoryList factories{test::make_factory(picky, "x")};
  const ClientNegotiation declined = accept_client_response(items("x"), factories, items("x"));
  EXPECT_EQ(
      declined.error,
      "extension x (plugin picky) refused the server's response: server_max_window_bits missing");
  picky.on_client_response = [](const SeenCall&) { return Decision{WSX_FAIL, {}, ""}; };
  const ClientNegotiation failed = accept_client_response(items("x"), factories, items("x"));
  EXPECT_EQ(failed.error, "extension x (plugin picky) refused the server's response: status 3");
  EXPECT_EQ(picky.extensions_created, 0);
}

TEST(AcceptClientResponse, ExtensionsAcceptedBeforeAFailureAreDestroyed) {
  TestPlugin good("good");
  TestPlugin bad("bad");
  bad.on_client_response = [](const SeenCall&) { return Decision{WSX_FAIL, {}, "nope"}; };
  const FactoryList factories{test::make_factory(good, "a", WSX_RSV1),
                              test::make_factory(bad, "b", WSX_RSV2)};
  const ClientNegotiation result = accept_client_response(items("a, b"), factories, items("a, b"));
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.chain.empty());
  EXPECT_EQ(good.extensions_created, 1);
  EXPECT_EQ(good.extensions_destroyed, 1);
}

}  // namespace
}  // namespace wsx::core
