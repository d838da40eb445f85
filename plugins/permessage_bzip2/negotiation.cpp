#include "negotiation.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>

namespace wsx::bzip2 {
namespace {

constexpr std::string_view kClientMax = "client_max_compress_level";
constexpr std::string_view kServerMax = "server_max_compress_level";

// A level 1..9 written as Autobahn writes it (one digit), or nullopt.
std::optional<int> parse_level(const std::optional<std::string_view>& value) {
  if (!value || value->empty()) return std::nullopt;
  int level = 0;
  const auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), level);
  if (error != std::errc{} || end != value->data() + value->size()) return std::nullopt;
  if (level < 1 || level > 9) return std::nullopt;
  return level;
}

// The first parameter that is unknown or repeated, described; or nullopt.
std::optional<std::string> unknown_or_repeated(const sdk::ParamList& params) {
  for (const sdk::ParamView param : params) {
    if (param.name != kClientMax && param.name != kServerMax) {
      return "unknown parameter '" + std::string(param.name) + "'";
    }
    if (params.count(param.name) > 1) {
      return "parameter '" + std::string(param.name) + "' appears more than once";
    }
  }
  return std::nullopt;
}

}  // namespace

std::variant<Agreement, std::string> answer_offer(const Settings& settings,
                                                  const sdk::ParamList& offer) {
  if (auto problem = unknown_or_repeated(offer)) return *problem;
  Agreement agreement{settings.compress_level, {}};
  bool may_cap_client = false;
  if (const auto param = offer.find(kClientMax)) {
    if (param->value) return std::string(kClientMax) + " takes no value in an offer";
    may_cap_client = true;
  }
  if (const auto param = offer.find(kServerMax)) {
    const std::optional<int> level = parse_level(param->value);
    if (!level) return std::string(kServerMax) + " must be 1..9";
    agreement.compress_level = std::min(agreement.compress_level, *level);
    // Autobahn's server echoes the request; so do we.
    agreement.response.push_back({std::string(kServerMax), std::to_string(*level)});
  }
  if (settings.request_max_compress_level != 0 && may_cap_client) {
    agreement.response.push_back(
        {std::string(kClientMax), std::to_string(settings.request_max_compress_level)});
  }
  return agreement;
}

std::vector<sdk::Param> make_offer(const Settings& settings) {
  // Like Autobahn's default offer, we let the server cap our level.
  std::vector<sdk::Param> offer{sdk::Param{std::string(kClientMax)}};
  if (settings.request_max_compress_level != 0) {
    offer.push_back({std::string(kServerMax), std::to_string(settings.request_max_compress_level)});
  }
  return offer;
}

std::variant<Agreement, std::string> accept_response(const Settings& settings,
                                                     const sdk::ParamList& response) {
  if (auto problem = unknown_or_repeated(response)) return "the server's response has " + *problem;
  Agreement agreement{settings.compress_level, {}};
  if (const auto param = response.find(kServerMax)) {
    const std::optional<int> level = parse_level(param->value);
    if (!level) return "the server's " + std::string(kServerMax) + " must be 1..9";
    if (settings.request_max_compress_level == 0) {
      return "the server answered " + std::string(kServerMax) + ", which we did not offer";
    }
  }
  if (const auto param = response.find(kClientMax)) {
    const std::optional<int> level = parse_level(param->value);
    if (!level) return "the server's " + std::string(kClientMax) + " must be 1..9";
    agreement.compress_level = std::min(agreement.compress_level, *level);
  }
  return agreement;
}

}  // namespace wsx::bzip2
