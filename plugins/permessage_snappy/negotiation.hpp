// permessage-snappy parameters, as Autobahn|Python 22.x defines them
// (autobahn/websocket/compress_snappy.py). All bare, each at most once.
//
//  offer (client to server):
//    client_no_context_takeover   the client lets the server ask it to start
//                                 a new snappy stream with every message
//    server_no_context_takeover   the client asks the server to do so
//  response (server to client):
//    server_no_context_takeover   the server starts every message with a
//                                 new stream (echoed, or its own choice)
//    client_no_context_takeover   the server asks the client to (only if
//                                 the offer allowed it)
#pragma once

#include <wsx/extension.hpp>

#include <string>
#include <variant>
#include <vector>

namespace wsx::snappy_framing {

/// The plugin's [plugin.params].
struct Settings {
  /// Start a new snappy stream with every message we send.
  bool no_context_takeover = false;
  /// Ask the peer to start a new stream with every message it sends.
  bool request_no_context_takeover = false;
};

/// One negotiated connection.
struct Agreement {
  /// Our messages each start a new stream.
  bool send_new_stream_per_message = false;
  /// The peer's messages each start a new stream (so each must start with
  /// the stream identifier).
  bool receive_new_stream_per_message = false;
  /// The server's response parameters.
  std::vector<sdk::Param> response;
};

/// The server's answer to an offer: an Agreement, or why it declines.
std::variant<Agreement, std::string> answer_offer(const Settings& settings,
                                                  const sdk::ParamList& offer);

/// The client's offer.
std::vector<sdk::Param> make_offer(const Settings& settings);

/// The client's reading of the server's response: an Agreement, or why the
/// connection must fail (RFC 6455 section 9.1).
std::variant<Agreement, std::string> accept_response(const Settings& settings,
                                                     const sdk::ParamList& response);

}  // namespace wsx::snappy_framing
