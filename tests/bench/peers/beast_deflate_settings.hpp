// The permessage-deflate settings both Beast peers (beast-echo,
// beast-wss-echo) run with: the wsx plugin's defaults, read at compile time.
#pragma once

// <utility> first: Boost 1.74's asio/awaitable.hpp uses std::exchange
// without including it, which g++ 12 does not forgive.
#include <utility>

#include <boost/beast/websocket.hpp>

#include <algorithm>

#include "permessage_deflate/config.hpp"

namespace wsx::bench {

// RFC 7692 settings taken from the wsx permessage-deflate plugin's defaults
// (plugins/permessage_deflate/config.hpp, read at compile time so the two
// cannot drift apart), so "echo deflate" compares two implementations and not
// two configurations:
//  - the client's window: Beast answers an offered client_max_window_bits
//    with client_max_window_bits=N for N < 15, as wsx does;
//  - the server's window: wsx compresses with compress_window_bits when that
//    is below the agreed window, without announcing it (RFC 7692 section
//    7.1.2.1 only caps the sender). Beast compresses with the window it
//    agrees, so beast-echo asks for that window with server_max_window_bits:
//    the same compression work, one more parameter in the response;
//  - wsx's keep_compression_context = false (a fresh compressor per message,
//    unannounced, section 7.1.1.1) becomes server_no_context_takeover, for
//    the same reason;
//  - compLevel = compress_level (Beast's default is 8) and memLevel =
//    mem_level (Beast's default is 4);
//  - wsx's min_size (shorter messages go out uncompressed) has no
//    counterpart: Beast 1.74 has no msg_size_threshold (added in 1.76), so
//    beast-echo compresses every message whatever its size.
// Beast 1.74 compresses with its own C++ port of zlib (boost/beast/zlib),
// not with the system zlib wsx links.
// `beast_defaults`: Beast 1.74's own defaults instead: windows 15 both ways,
// compLevel 8, memLevel 4, context takeover announced (yet every message
// ends in a full flush, so no message refers back to an earlier one).
inline boost::beast::websocket::permessage_deflate beast_deflate_settings(
    bool beast_defaults = false) {
  if (beast_defaults) {
    boost::beast::websocket::permessage_deflate settings;
    settings.server_enable = true;
    return settings;
  }
  const wsx::pmd::DeflateConfig wsx_defaults;
  boost::beast::websocket::permessage_deflate settings;
  settings.server_enable = true;
  settings.server_max_window_bits =
      std::min(wsx_defaults.server_max_window_bits, wsx_defaults.compress_window_bits);
  settings.client_max_window_bits = wsx_defaults.client_max_window_bits;
  settings.server_no_context_takeover =
      wsx_defaults.server_no_context_takeover || !wsx_defaults.keep_compression_context;
  settings.client_no_context_takeover = wsx_defaults.client_no_context_takeover;
  settings.compLevel = wsx_defaults.compress_level;
  settings.memLevel = wsx_defaults.mem_level;
  return settings;
}

}  // namespace wsx::bench
