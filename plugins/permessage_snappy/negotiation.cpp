#include "negotiation.hpp"

#include <optional>
#include <string_view>

namespace wsx::snappy_framing {
namespace {

constexpr std::string_view kClientNoTakeover = "client_no_context_takeover";
constexpr std::string_view kServerNoTakeover = "server_no_context_takeover";

// The first parameter that is unknown, repeated or has a value; or nullopt.
std::optional<std::string> invalid(const sdk::ParamList& params) {
  for (const sdk::ParamView param : params) {
    if (param.name != kClientNoTakeover && param.name != kServerNoTakeover) {
      return "unknown parameter '" + std::string(param.name) + "'";
    }
    if (params.count(param.name) > 1) {
      return "parameter '" + std::string(param.name) + "' appears more than once";
    }
    if (param.value) return "parameter '" + std::string(param.name) + "' takes no value";
  }
  return std::nullopt;
}

}  // namespace

std::variant<Agreement, std::string> answer_offer(const Settings& settings,
                                                  const sdk::ParamList& offer) {
  if (auto problem = invalid(offer)) return *problem;
  Agreement agreement;
  agreement.send_new_stream_per_message =
      settings.no_context_takeover || offer.find(kServerNoTakeover).has_value();
  if (agreement.send_new_stream_per_message) {
    agreement.response.emplace_back(std::string(kServerNoTakeover));
  }
  if (settings.request_no_context_takeover && offer.find(kClientNoTakeover)) {
    agreement.receive_new_stream_per_message = true;
    agreement.response.emplace_back(std::string(kClientNoTakeover));
  }
  return agreement;
}

std::vector<sdk::Param> make_offer(const Settings& settings) {
  // Like Autobahn's default offer, we let the server ask for new streams.
  std::vector<sdk::Param> offer{sdk::Param{std::string(kClientNoTakeover)}};
  if (settings.request_no_context_takeover) offer.emplace_back(std::string(kServerNoTakeover));
  return offer;
}

std::variant<Agreement, std::string> accept_response(const Settings& settings,
                                                     const sdk::ParamList& response) {
  if (auto problem = invalid(response)) return "the server's response has " + *problem;
  Agreement agreement;
  agreement.receive_new_stream_per_message = response.find(kServerNoTakeover).has_value();
  agreement.send_new_stream_per_message =
      settings.no_context_takeover || response.find(kClientNoTakeover).has_value();
  return agreement;
}

}  // namespace wsx::snappy_framing
