// The client factory through the C ABI: the offer it makes and the responses
// it must fail (a client cannot decline, RFC 7692 §5).
#include <gtest/gtest.h>

#include "test_host.hpp"

namespace wsx::pmd::test {
namespace {

TEST(ClientFactory, DefaultOfferSaysWeCanLimitOurWindow) {
  TestPlugin plugin;
  const ClientOffer offer = client_offer(plugin);
  ASSERT_EQ(offer.status, WSX_OK);
  EXPECT_EQ(to_string(offer.params), "client_max_window_bits=11");
}

TEST(ClientFactory, OfferCarriesTheConfiguredRequests) {
  TestPlugin plugin({{"server_max_window_bits", std::int64_t{10}},
                     {"client_max_window_bits", std::int64_t{11}},
                     {"server_no_context_takeover", true},
                     {"client_no_context_takeover", true}});
  const ClientOffer offer = client_offer(plugin);
  ASSERT_EQ(offer.status, WSX_OK);
  EXPECT_EQ(to_string(offer.params),
            "server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; "
            "client_max_window_bits=11");
}

TEST(ClientFactory, InvalidResponsesFailTheConnection) {
  TestPlugin plugin({{"server_max_window_bits", std::int64_t{10}},
                     {"client_max_window_bits", std::int64_t{11}},
                     {"server_no_context_takeover", true}});
  const std::vector<std::pair<std::string, std::string>> rows{
      {"server_no_context_takeover; server_max_window_bits=10; x=1", "unknown parameter x=1"},
      {"server_no_context_takeover; server_no_context_takeover; server_max_window_bits=10",
       "duplicate parameter"},
      {"server_no_context_takeover=1; server_max_window_bits=10", "takes no value"},
      {"server_no_context_takeover; server_max_window_bits=10; client_max_window_bits",
       "a value is required in a response"},
      {"server_no_context_takeover; server_max_window_bits=08", "from 8 to 15"},
      {"server_no_context_takeover; server_max_window_bits=12", "larger than the offered 10"},
      {"server_no_context_takeover", "lacks server_max_window_bits"},
      {"server_max_window_bits=10", "lacks server_no_context_takeover"},
      {"server_no_context_takeover; server_max_window_bits=10; client_max_window_bits=12",
       "larger than the offered 11"},
  };
  for (const auto& [response, reason] : rows) {
    const Negotiation result = client_accept(plugin, response);
    EXPECT_EQ(result.status, WSX_FAIL) << response;
    EXPECT_NE(result.message.find(reason), std::string::npos) << response << ": " << result.message;
  }
}

TEST(ClientFactory, AcceptedResponseSetsBothDirections) {
  TestPlugin plugin({{"server_max_window_bits", std::int64_t{10}},
                     {"client_max_window_bits", std::int64_t{11}},
                     {"compress_window_bits", std::int64_t{15}}});
  Negotiation result =
      client_accept(plugin, "server_max_window_bits=9; client_no_context_takeover");
  ASSERT_EQ(result.status, WSX_OK) << result.message;
  const ConnectionSettings& settings = result.extension->get().settings();
  // We send what the client sends: our offered 11-bit window, no takeover.
  EXPECT_EQ(settings.outgoing, (DirectionSettings{11, true}));
  EXPECT_EQ(settings.incoming, (DirectionSettings{9, false}));
}

TEST(ClientFactory, FailsWhenAnotherExtensionOwnsRsv1) {
  TestPlugin plugin;
  const Negotiation result = client_accept(plugin, "", {{"x-other", WSX_RSV1}});
  EXPECT_EQ(result.status, WSX_FAIL);
  EXPECT_NE(result.message.find("x-other already uses RSV1"), std::string::npos);
}

TEST(ClientFactory, ServerAndClientOfThisPluginAgree) {
  TestPlugin server(
      {{"server_max_window_bits", std::int64_t{12}}, {"compress_window_bits", std::int64_t{15}}});
  TestPlugin client({{"client_max_window_bits", std::int64_t{10}},
                     {"server_no_context_takeover", true},
                     {"compress_window_bits", std::int64_t{15}}});
  Pair pair = negotiate_pair(server, client);
  ASSERT_TRUE(pair.server && pair.client);
  EXPECT_EQ(pair.server->get().settings().outgoing, pair.client->get().settings().incoming);
  EXPECT_EQ(pair.server->get().settings().incoming, pair.client->get().settings().outgoing);
  EXPECT_EQ(pair.server->get().settings().outgoing, (DirectionSettings{12, true}));
  EXPECT_EQ(pair.server->get().settings().incoming, (DirectionSettings{10, false}));
}

}  // namespace
}  // namespace wsx::pmd::test
