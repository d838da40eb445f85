#include "negotiation.hpp"

#include <algorithm>

namespace wsx::pmd {
namespace {

constexpr int kMinWindowBits = 8;
constexpr int kMaxWindowBits = 15;

std::string_view view(wsx_str text) noexcept {
  return text.size == 0 ? std::string_view{} : std::string_view{text.data, text.size};
}

// Parameter names are compared without regard to ASCII case, like the
// extension token itself (RFC 6455 §9.1 names are HTTP tokens).
bool same_name(std::string_view a, std::string_view b) noexcept {
  return std::ranges::equal(a, b, [](char x, char y) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return lower(x) == lower(y);
  });
}

// RFC 7692 §7.1.2.1/§7.1.2.2: a window size is `1*DIGIT`, a decimal integer
// without leading zeroes from 8 to 15. "08" and "+9" are not.
std::optional<int> parse_window_bits(std::string_view text) noexcept {
  if (text.empty() || text.size() > 2 || text.front() == '0') return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value < kMinWindowBits || value > kMaxWindowBits) return std::nullopt;
  return value;
}

std::string describe(const wsx_param& param) {
  std::string text(view(param.name));
  if (param.has_value != 0) text += "=" + std::string(view(param.value));
  return text;
}

Rejection duplicate(const wsx_param& param) {
  return {"duplicate parameter " + std::string(view(param.name))};
}

Rejection invalid(const wsx_param& param, std::string_view why) {
  return {"invalid parameter " + describe(param) + ": " + std::string(why)};
}

constexpr std::string_view kWindowRange = "a window size must be an integer from 8 to 15";

}  // namespace

std::variant<DeflateParams, Rejection> parse_params(std::span<const wsx_param> params,
                                                    ParamSource source) {
  DeflateParams parsed;
  for (const wsx_param& param : params) {
    const std::string_view name = view(param.name);
    const bool has_value = param.has_value != 0;
    if (same_name(name, "server_no_context_takeover")) {
      // §7.1.1.1: this parameter has no value.
      if (parsed.server_no_context_takeover) return duplicate(param);
      if (has_value) return invalid(param, "this parameter takes no value");
      parsed.server_no_context_takeover = true;
    } else if (same_name(name, "client_no_context_takeover")) {
      // §7.1.1.2: this parameter has no value.
      if (parsed.client_no_context_takeover) return duplicate(param);
      if (has_value) return invalid(param, "this parameter takes no value");
      parsed.client_no_context_takeover = true;
    } else if (same_name(name, "server_max_window_bits")) {
      // §7.1.2.1: always with a value.
      if (parsed.server_max_window_bits) return duplicate(param);
      if (!has_value) return invalid(param, "a value is required");
      parsed.server_max_window_bits = parse_window_bits(view(param.value));
      if (!parsed.server_max_window_bits) return invalid(param, kWindowRange);
    } else if (same_name(name, "client_max_window_bits")) {
      // §7.1.2.2: the value is optional in an offer, required in a response.
      if (parsed.client_max_window_bits_present) return duplicate(param);
      parsed.client_max_window_bits_present = true;
      if (has_value) {
        parsed.client_max_window_bits = parse_window_bits(view(param.value));
        if (!parsed.client_max_window_bits) return invalid(param, kWindowRange);
      } else if (source == ParamSource::response) {
        return invalid(param, "a value is required in a response");
      }
    } else {
      return Rejection{"unknown parameter " + describe(param)};
    }
  }
  return parsed;
}

std::vector<WireParam> to_wire(const DeflateParams& params) {
  std::vector<WireParam> wire;
  if (params.server_no_context_takeover) wire.push_back({"server_no_context_takeover", {}});
  if (params.client_no_context_takeover) wire.push_back({"client_no_context_takeover", {}});
  if (params.server_max_window_bits) {
    wire.push_back({"server_max_window_bits", std::to_string(*params.server_max_window_bits)});
  }
  if (params.client_max_window_bits_present) {
    std::optional<std::string> value;
    if (params.client_max_window_bits) value = std::to_string(*params.client_max_window_bits);
    wire.push_back({"client_max_window_bits", std::move(value)});
  }
  return wire;
}

std::variant<ServerAnswer, Rejection> answer_offer(const DeflateConfig& config,
                                                   const DeflateParams& offer) {
  ServerAnswer answer;
  DeflateParams& response = answer.response;
  Agreement& agreed = answer.agreement;

  // §7.1.1.1: the client may ask the server not to take over context; the
  // server may also choose so itself, and then says so in the response.
  response.server_no_context_takeover =
      offer.server_no_context_takeover || config.server_no_context_takeover;

  // §7.1.1.2: a client that offers client_no_context_takeover will not take
  // over context even if the response leaves it out; echoing it (as
  // python-websockets does) states what both ends will do. A server that
  // wants it adds it on its own.
  response.client_no_context_takeover =
      offer.client_no_context_takeover || config.client_no_context_takeover;

  // §7.1.2.1: an offered server_max_window_bits is accepted by answering it
  // with the same or a smaller value. When the offer has none, the server
  // may still announce a smaller window of its own (15 goes unsaid).
  if (offer.server_max_window_bits) {
    response.server_max_window_bits =
        std::min(*offer.server_max_window_bits, config.server_max_window_bits);
  } else if (config.server_max_window_bits < kMaxWindowBits) {
    response.server_max_window_bits = config.server_max_window_bits;
  }

  // §7.1.2.2: the response MUST NOT carry client_max_window_bits unless the
  // offer did. So a server that requires a smaller client window declines an
  // offer without it; otherwise the client keeps its 15 bits. An offered
  // value is the most the client will use; answering min(value, ours) makes
  // the agreed window explicit. A bare offer is answered only when we want
  // less than the default 15.
  if (!offer.client_max_window_bits_present) {
    if (config.client_max_window_bits < kMaxWindowBits && config.require_client_max_window_bits) {
      return Rejection{"client_max_window_bits=" + std::to_string(config.client_max_window_bits) +
                       " is required, and the offer cannot limit the client's window"};
    }
  } else if (offer.client_max_window_bits) {
    response.client_max_window_bits_present = true;
    response.client_max_window_bits =
        std::min(*offer.client_max_window_bits, config.client_max_window_bits);
  } else if (config.client_max_window_bits < kMaxWindowBits) {
    response.client_max_window_bits_present = true;
    response.client_max_window_bits = config.client_max_window_bits;
  }

  agreed.server_no_context_takeover = response.server_no_context_takeover;
  agreed.client_no_context_takeover = response.client_no_context_takeover;
  agreed.server_max_window_bits = response.server_max_window_bits.value_or(kMaxWindowBits);
  agreed.client_max_window_bits = response.client_max_window_bits.value_or(kMaxWindowBits);
  return answer;
}

DeflateParams make_client_offer(const DeflateConfig& config) {
  DeflateParams offer;
  offer.server_no_context_takeover = config.server_no_context_takeover;
  offer.client_no_context_takeover = config.client_no_context_takeover;
  if (config.server_max_window_bits < kMaxWindowBits) {
    offer.server_max_window_bits = config.server_max_window_bits;
  }
  // §7.1.2.2: always say we can limit our window, so a server that wants a
  // small client window can still accept us; with a value below 15 it is
  // also the most we will use.
  offer.client_max_window_bits_present = true;
  if (config.client_max_window_bits < kMaxWindowBits) {
    offer.client_max_window_bits = config.client_max_window_bits;
  }
  return offer;
}

std::variant<Agreement, Rejection> accept_response(const DeflateParams& offer,
                                                   const DeflateParams& response) {
  Agreement agreed;

  // §7.1.1.1: a server that accepts an offer with server_no_context_takeover
  // must include it; it may include it unasked.
  if (offer.server_no_context_takeover && !response.server_no_context_takeover) {
    return Rejection{"the response lacks server_no_context_takeover, which the offer required"};
  }
  agreed.server_no_context_takeover = response.server_no_context_takeover;

  // §7.1.1.2: having offered it, we keep our word even if the response
  // leaves it out.
  agreed.client_no_context_takeover =
      offer.client_no_context_takeover || response.client_no_context_takeover;

  // §7.1.2.1: the server accepts our limit by answering the same or a
  // smaller value; unasked, it may announce a smaller window of its own.
  if (offer.server_max_window_bits) {
    if (!response.server_max_window_bits) {
      return Rejection{"the response lacks server_max_window_bits, which the offer required"};
    }
    if (*response.server_max_window_bits > *offer.server_max_window_bits) {
      return Rejection{"the response's server_max_window_bits=" +
                       std::to_string(*response.server_max_window_bits) +
                       " is larger than the offered " +
                       std::to_string(*offer.server_max_window_bits)};
    }
  }
  agreed.server_max_window_bits = response.server_max_window_bits.value_or(kMaxWindowBits);

  // §7.1.2.2: the response may carry client_max_window_bits only if the
  // offer did, and never larger than an offered value; a value we offered
  // binds us even if the response leaves it out.
  if (response.client_max_window_bits_present) {
    if (!offer.client_max_window_bits_present) {
      return Rejection{"the response has client_max_window_bits, which the offer did not have"};
    }
    if (!response.client_max_window_bits) {
      return Rejection{"the response's client_max_window_bits has no value"};
    }
    if (offer.client_max_window_bits &&
        *response.client_max_window_bits > *offer.client_max_window_bits) {
      return Rejection{"the response's client_max_window_bits=" +
                       std::to_string(*response.client_max_window_bits) +
                       " is larger than the offered " +
                       std::to_string(*offer.client_max_window_bits)};
    }
    agreed.client_max_window_bits = *response.client_max_window_bits;
  } else {
    agreed.client_max_window_bits = offer.client_max_window_bits.value_or(kMaxWindowBits);
  }
  return agreed;
}

ConnectionSettings settings_for(Role role, const Agreement& agreement) noexcept {
  const DirectionSettings from_server{agreement.server_max_window_bits,
                                      agreement.server_no_context_takeover};
  const DirectionSettings from_client{agreement.client_max_window_bits,
                                      agreement.client_no_context_takeover};
  if (role == Role::server) return {from_server, from_client};
  return {from_client, from_server};
}

}  // namespace wsx::pmd
