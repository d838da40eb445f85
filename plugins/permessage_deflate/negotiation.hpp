// Negotiating permessage-deflate (RFC 7692 §5 and §7.1): parsing an offer or
// a response, answering an offer as a server, building an offer and checking
// the response as a client. Pure functions of their inputs, no zlib, no host:
// every rule of the RFC can be tested row by row.
#pragma once

#include <wsx/extension.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config.hpp"

namespace wsx::pmd {

// The four parameters of RFC 7692 §7.1 as written in one offer or response.
struct DeflateParams {
  bool server_no_context_takeover = false;    // §7.1.1.1
  bool client_no_context_takeover = false;    // §7.1.1.2
  std::optional<int> server_max_window_bits;  // §7.1.2.1
  // §7.1.2.2: an offer may carry client_max_window_bits without a value
  // ("I can limit my window; tell me how far"), so presence and value are
  // separate.
  bool client_max_window_bits_present = false;
  std::optional<int> client_max_window_bits;

  friend bool operator==(const DeflateParams&, const DeflateParams&) = default;
};

// Why an offer was declined or a response failed, for the negotiation trace.
struct Rejection {
  std::string reason;
};

// Who wrote the parameters: only an offer may carry a bare
// client_max_window_bits (§7.1.2.2).
enum class ParamSource { offer, response };

// RFC 7692 §7.1: an unknown parameter, a duplicate, a value on a flag or a
// bad window size makes the whole offer or response invalid.
[[nodiscard]] std::variant<DeflateParams, Rejection> parse_params(std::span<const wsx_param> params,
                                                                  ParamSource source);

// One parameter as it is written back into a header.
struct WireParam {
  std::string_view name;
  std::optional<std::string> value;
};

// The parameters in the order python-websockets and browsers write them.
[[nodiscard]] std::vector<WireParam> to_wire(const DeflateParams& params);

// What both ends agreed on. Window sizes are 15 when not limited.
struct Agreement {
  bool server_no_context_takeover = false;
  bool client_no_context_takeover = false;
  int server_max_window_bits = 15;
  int client_max_window_bits = 15;

  friend bool operator==(const Agreement&, const Agreement&) = default;
};

struct ServerAnswer {
  DeflateParams response;
  Agreement agreement;
};

// Server side (§7.1): the response to one well-formed offer, or why this
// offer is declined (the client's next offer may still be accepted, §5).
[[nodiscard]] std::variant<ServerAnswer, Rejection> answer_offer(const DeflateConfig& config,
                                                                 const DeflateParams& offer);

// Client side: the offer this configuration makes.
[[nodiscard]] DeflateParams make_client_offer(const DeflateConfig& config);

// Client side (§7.1): what the server's response means, or why the client
// must fail the connection (a client cannot decline a response, §5).
[[nodiscard]] std::variant<Agreement, Rejection> accept_response(const DeflateParams& offer,
                                                                 const DeflateParams& response);

enum class Role { server, client };

// One direction of the connection.
struct DirectionSettings {
  // The LZ77 window both ends agreed on for this direction (8-15).
  int window_bits = 15;
  // RFC 7692 §7.1.1: every message of this direction stands alone.
  bool no_context_takeover = false;

  friend bool operator==(const DirectionSettings&, const DirectionSettings&) = default;
};

struct ConnectionSettings {
  DirectionSettings outgoing;  // what we compress
  DirectionSettings incoming;  // what we decompress
};

// The server sends with the server_* parameters and the client with the
// client_* ones, whichever side we are.
[[nodiscard]] ConnectionSettings settings_for(Role role, const Agreement& agreement) noexcept;

}  // namespace wsx::pmd
