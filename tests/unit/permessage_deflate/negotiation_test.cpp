// RFC 7692 §7.1 row by row, on the pure negotiation functions: parsing,
// the server's answer, the client's check of the response.
#include "permessage_deflate/negotiation.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "test_host.hpp"

namespace wsx::pmd::test {
namespace {

std::variant<DeflateParams, Rejection> parse(std::string_view text, ParamSource source) {
  const std::vector<core::ExtensionParam> list = params(text);
  const std::vector<wsx_param> c_params = core::to_c_params(list);
  return parse_params(c_params, source);
}

DeflateParams parsed(std::string_view text, ParamSource source = ParamSource::offer) {
  auto result = parse(text, source);
  if (const auto* rejection = std::get_if<Rejection>(&result)) {
    ADD_FAILURE() << "\"" << text << "\" rejected: " << rejection->reason;
    return {};
  }
  return std::get<DeflateParams>(result);
}

std::string rejection_of(std::string_view text, ParamSource source = ParamSource::offer) {
  auto result = parse(text, source);
  if (const auto* rejection = std::get_if<Rejection>(&result)) return rejection->reason;
  return "(accepted)";
}

std::string wire(const DeflateParams& params) {
  std::string out;
  for (const WireParam& param : to_wire(params)) {
    if (!out.empty()) out += "; ";
    out += std::string(param.name);
    if (param.value) out += "=" + *param.value;
  }
  return out;
}

TEST(ParseParams, EmptyMeansNothingAsked) {
  EXPECT_EQ(parsed(""), DeflateParams{});
}

TEST(ParseParams, EachParameterInItsValidForms) {
  EXPECT_TRUE(parsed("server_no_context_takeover").server_no_context_takeover);
  EXPECT_TRUE(parsed("client_no_context_takeover").client_no_context_takeover);
  EXPECT_EQ(parsed("server_max_window_bits=8").server_max_window_bits, 8);
  EXPECT_EQ(parsed("server_max_window_bits=15").server_max_window_bits, 15);
  const DeflateParams bare = parsed("client_max_window_bits");
  EXPECT_TRUE(bare.client_max_window_bits_present);
  EXPECT_EQ(bare.client_max_window_bits, std::nullopt);
  const DeflateParams valued = parsed("client_max_window_bits=12");
  EXPECT_TRUE(valued.client_max_window_bits_present);
  EXPECT_EQ(valued.client_max_window_bits, 12);
}

TEST(ParseParams, NamesIgnoreAsciiCase) {
  EXPECT_TRUE(parsed("Server_No_Context_Takeover").server_no_context_takeover);
  EXPECT_EQ(parsed("SERVER_MAX_WINDOW_BITS=9").server_max_window_bits, 9);
}

TEST(ParseParams, FlagsTakeNoValue) {
  EXPECT_EQ(rejection_of("server_no_context_takeover=x"),
            "invalid parameter server_no_context_takeover=x: this parameter takes no value");
  EXPECT_EQ(rejection_of("client_no_context_takeover=1"),
            "invalid parameter client_no_context_takeover=1: this parameter takes no value");
}

TEST(ParseParams, DuplicatesAreInvalid) {
  for (const char* name : {"server_no_context_takeover", "client_no_context_takeover",
                           "server_max_window_bits=10", "client_max_window_bits"}) {
    const std::string text = std::string(name) + "; " + name;
    EXPECT_NE(rejection_of(text).find("duplicate parameter"), std::string::npos) << text;
  }
  EXPECT_EQ(rejection_of("client_max_window_bits; client_max_window_bits=10"),
            "duplicate parameter client_max_window_bits");
}

TEST(ParseParams, ServerMaxWindowBitsNeedsAValue) {
  EXPECT_EQ(rejection_of("server_max_window_bits"),
            "invalid parameter server_max_window_bits: a value is required");
}

TEST(ParseParams, WindowBitsMustBeDecimal8To15WithoutLeadingZero) {
  for (const char* value : {"7", "16", "08", "015", "+9", "9a", "1 0", "-9", "0", "100"}) {
    for (const char* name : {"server_max_window_bits", "client_max_window_bits"}) {
      const std::string text = std::string(name) + "=" + value;
      EXPECT_NE(rejection_of(text).find("a window size must be an integer from 8 to 15"),
                std::string::npos)
          << text;
    }
  }
  const std::vector<core::ExtensionParam> empty_value{{"server_max_window_bits", std::string()}};
  const std::vector<wsx_param> c_params = core::to_c_params(empty_value);
  EXPECT_TRUE(std::holds_alternative<Rejection>(parse_params(c_params, ParamSource::offer)));
}

TEST(ParseParams, BareClientMaxWindowBitsOnlyInAnOffer) {
  EXPECT_EQ(rejection_of("client_max_window_bits", ParamSource::response),
            "invalid parameter client_max_window_bits: a value is required in a response");
  EXPECT_EQ(parsed("client_max_window_bits=9", ParamSource::response).client_max_window_bits, 9);
}

TEST(ParseParams, UnknownParametersAreInvalid) {
  EXPECT_EQ(rejection_of("foo"), "unknown parameter foo");
  EXPECT_EQ(rejection_of("server_no_context_takeover; x=1"), "unknown parameter x=1");
}

TEST(ToWire, OrderAndValues) {
  EXPECT_EQ(wire(parsed("client_max_window_bits; server_max_window_bits=10; "
                        "client_no_context_takeover; server_no_context_takeover")),
            "server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; "
            "client_max_window_bits");
}

// --- The server's answer (§7.1.1, §7.1.2) ------------------------------------

struct ServerRow {
  const char* name;
  DeflateConfig config;
  const char* offer;
  const char* response;  // nullptr: declined
  const char* decline_reason = "";
};

DeflateConfig config_with(int server_bits, int client_bits, bool server_nct = false,
                          bool client_nct = false) {
  DeflateConfig config;
  config.server_max_window_bits = server_bits;
  config.client_max_window_bits = client_bits;
  config.server_no_context_takeover = server_nct;
  config.client_no_context_takeover = client_nct;
  return config;
}

DeflateConfig requiring(DeflateConfig config) {
  config.require_client_max_window_bits = true;
  return config;
}

// Named rows print as their name (gtest would print the raw bytes, pointers
// included, into every ctest test name).
void PrintTo(const ServerRow& row, std::ostream* out) {
  *out << row.name;
}

class ServerAnswerRows : public testing::TestWithParam<ServerRow> {};

TEST_P(ServerAnswerRows, Response) {
  const ServerRow& row = GetParam();
  const auto answer = answer_offer(row.config, parsed(row.offer));
  if (row.response == nullptr) {
    ASSERT_TRUE(std::holds_alternative<Rejection>(answer)) << row.offer;
    EXPECT_EQ(std::get<Rejection>(answer).reason, row.decline_reason);
    return;
  }
  ASSERT_TRUE(std::holds_alternative<ServerAnswer>(answer)) << std::get<Rejection>(answer).reason;
  EXPECT_EQ(wire(std::get<ServerAnswer>(answer).response), row.response);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc7692, ServerAnswerRows,
    testing::Values(
        // Default configuration: the minimal response.
        ServerRow{"nothing_offered", config_with(15, 15), "", ""},
        ServerRow{"bare_client_bits_unanswered", config_with(15, 15), "client_max_window_bits", ""},
        ServerRow{"client_bits_value_echoed", config_with(15, 15), "client_max_window_bits=10",
                  "client_max_window_bits=10"},
        ServerRow{"server_bits_accepted", config_with(15, 15), "server_max_window_bits=10",
                  "server_max_window_bits=10"},
        ServerRow{"server_bits_8_accepted", config_with(15, 15), "server_max_window_bits=8",
                  "server_max_window_bits=8"},
        ServerRow{"server_nct_accepted", config_with(15, 15), "server_no_context_takeover",
                  "server_no_context_takeover"},
        ServerRow{"client_nct_echoed", config_with(15, 15), "client_no_context_takeover",
                  "client_no_context_takeover"},
        // Our own server window limit.
        ServerRow{"own_limit_announced", config_with(12, 15), "", "server_max_window_bits=12"},
        ServerRow{"smaller_offer_kept", config_with(12, 15), "server_max_window_bits=10",
                  "server_max_window_bits=10"},
        ServerRow{"larger_offer_lowered", config_with(12, 15), "server_max_window_bits=14",
                  "server_max_window_bits=12"},
        // A limit on the client's window.
        ServerRow{"client_limit_requires_the_offer", requiring(config_with(15, 10)), "", nullptr,
                  "client_max_window_bits=10 is required, and the offer cannot limit the "
                  "client's window"},
        // Only requested: a client that cannot be limited keeps 15 bits.
        ServerRow{"client_limit_requested_without_offer", config_with(15, 10), "", ""},
        ServerRow{"client_limit_answers_bare", config_with(15, 10), "client_max_window_bits",
                  "client_max_window_bits=10"},
        ServerRow{"client_limit_lowers_value", config_with(15, 10), "client_max_window_bits=12",
                  "client_max_window_bits=10"},
        ServerRow{"client_smaller_value_kept", config_with(15, 10), "client_max_window_bits=9",
                  "client_max_window_bits=9"},
        // Context takeover required by the configuration.
        ServerRow{"server_nct_configured", config_with(15, 15, true, false), "",
                  "server_no_context_takeover"},
        ServerRow{"client_nct_configured", config_with(15, 15, false, true), "",
                  "client_no_context_takeover"},
        ServerRow{"everything", config_with(15, 15),
                  "client_max_window_bits=8; server_max_window_bits=9; "
                  "client_no_context_takeover; server_no_context_takeover",
                  "server_no_context_takeover; client_no_context_takeover; "
                  "server_max_window_bits=9; client_max_window_bits=8"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ServerAnswer, AgreementMatchesTheResponse) {
  const auto answer = answer_offer(config_with(12, 10),
                                   parsed("client_max_window_bits; client_no_context_takeover"));
  ASSERT_TRUE(std::holds_alternative<ServerAnswer>(answer));
  const Agreement& agreed = std::get<ServerAnswer>(answer).agreement;
  EXPECT_EQ(agreed, (Agreement{false, true, 12, 10}));
  const ConnectionSettings server = settings_for(Role::server, agreed);
  EXPECT_EQ(server.outgoing, (DirectionSettings{12, false}));
  EXPECT_EQ(server.incoming, (DirectionSettings{10, true}));
  const ConnectionSettings client = settings_for(Role::client, agreed);
  EXPECT_EQ(client.outgoing, (DirectionSettings{10, true}));
  EXPECT_EQ(client.incoming, (DirectionSettings{12, false}));
}

// --- The client's offer and its check of the response (§7.1) -----------------

TEST(ClientOffer, FromConfiguration) {
  EXPECT_EQ(wire(make_client_offer(config_with(15, 15))), "client_max_window_bits");
  EXPECT_EQ(wire(make_client_offer(config_with(10, 12, true, true))),
            "server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; "
            "client_max_window_bits=12");
}

struct ClientRow {
  const char* name;
  const char* offer;
  const char* response;
  std::optional<Agreement> agreement;  // nullopt: the connection fails
  const char* failure = "";
};

void PrintTo(const ClientRow& row, std::ostream* out) {
  *out << row.name;
}

class ClientAcceptRows : public testing::TestWithParam<ClientRow> {};

TEST_P(ClientAcceptRows, Outcome) {
  const ClientRow& row = GetParam();
  const auto result =
      accept_response(parsed(row.offer), parsed(row.response, ParamSource::response));
  if (!row.agreement) {
    ASSERT_TRUE(std::holds_alternative<Rejection>(result)) << row.response;
    EXPECT_EQ(std::get<Rejection>(result).reason, row.failure);
    return;
  }
  ASSERT_TRUE(std::holds_alternative<Agreement>(result)) << std::get<Rejection>(result).reason;
  EXPECT_EQ(std::get<Agreement>(result), *row.agreement);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc7692, ClientAcceptRows,
    testing::Values(
        ClientRow{"plain", "client_max_window_bits", "", Agreement{false, false, 15, 15}},
        ClientRow{"client_bits_from_response", "client_max_window_bits",
                  "client_max_window_bits=10", Agreement{false, false, 15, 10}},
        ClientRow{"client_bits_unoffered", "", "client_max_window_bits=10", std::nullopt,
                  "the response has client_max_window_bits, which the offer did not have"},
        ClientRow{"offered_client_bits_bind_us", "client_max_window_bits=10", "",
                  Agreement{false, false, 15, 10}},
        ClientRow{"client_bits_larger_than_offered", "client_max_window_bits=10",
                  "client_max_window_bits=12", std::nullopt,
                  "the response's client_max_window_bits=12 is larger than the offered 10"},
        ClientRow{"server_bits_missing", "server_max_window_bits=10", "", std::nullopt,
                  "the response lacks server_max_window_bits, which the offer required"},
        ClientRow{"server_bits_larger", "server_max_window_bits=10", "server_max_window_bits=12",
                  std::nullopt,
                  "the response's server_max_window_bits=12 is larger than the offered 10"},
        ClientRow{"server_bits_smaller", "server_max_window_bits=10", "server_max_window_bits=9",
                  Agreement{false, false, 9, 15}},
        ClientRow{"server_bits_unasked", "", "server_max_window_bits=11",
                  Agreement{false, false, 11, 15}},
        ClientRow{"server_nct_missing", "server_no_context_takeover", "", std::nullopt,
                  "the response lacks server_no_context_takeover, which the offer required"},
        ClientRow{"server_nct_unasked", "", "server_no_context_takeover",
                  Agreement{true, false, 15, 15}},
        ClientRow{"client_nct_kept_unanswered", "client_no_context_takeover", "",
                  Agreement{false, true, 15, 15}},
        ClientRow{"client_nct_unasked", "", "client_no_context_takeover",
                  Agreement{false, true, 15, 15}}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace wsx::pmd::test
