// permessage-bzip2 parameters, as Autobahn|Python 22.x defines them
// (autobahn/websocket/compress_bzip2.py). Each appears at most once.
//
//  offer (client to server):
//    client_max_compress_level          bare: the client lets the server cap
//                                       the level the client compresses with
//    server_max_compress_level=N        1..9: the client asks the server to
//                                       compress with level <= N
//  response (server to client):
//    server_max_compress_level=N        1..9: echoes the client's request
//    client_max_compress_level=N        1..9: caps the client's level (only
//                                       if the offer allowed it)
//
// bzip2 streams carry their block size in their header, so a decoder never
// needs to know the peer's level: the parameters only bound what each side
// spends compressing.
#pragma once

#include <wsx/extension.hpp>

#include <string>
#include <variant>
#include <vector>

namespace wsx::bzip2 {

/// The plugin's [plugin.params], checked.
struct Settings {
  /// Level we compress with (lowered to what the peer allows).
  int compress_level = 9;
  /// 0, or the level the peer is asked to stay at or below.
  int request_max_compress_level = 0;
};

/// One negotiated connection: the level our Encoder uses, and the
/// parameters of the server's response.
struct Agreement {
  int compress_level = 9;
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

}  // namespace wsx::bzip2
