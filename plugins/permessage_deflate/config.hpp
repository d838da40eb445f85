// The plugin's configuration: the [plugin.params] table of a
// permessage-deflate [[plugin]] entry, declared, parsed and range-checked.
#pragma once

#include <wsx/extension.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <variant>

namespace wsx::pmd {

// Parameter names follow RFC 7692 and python-websockets: "server_*" is about
// what the server sends, "client_*" about what the client sends, whichever
// role this plugin plays.
struct DeflateConfig {
  // RFC 7692 §7.1.2.1. The largest LZ77 window (as a power of two) the
  // server compresses with. As a server: never compress with more; 15 means
  // "no limit of our own". As a client: ask the server for at most this.
  int server_max_window_bits = 15;
  // RFC 7692 §7.1.2.2. The largest window asked of the client. As a server:
  // with 15 we take whatever window the client offers; below 15 the server
  // answers a client that offered client_max_window_bits with this limit and
  // declines an offer that did not (such a client cannot be limited). As a
  // client: the window we offer to use.
  int client_max_window_bits = 15;
  // RFC 7692 §7.1.1.1. True: the server compresses every message on its own
  // (and, as a server, frees its compressor between messages). As a client:
  // ask for it, and fail a response that does not grant it.
  bool server_no_context_takeover = false;
  // RFC 7692 §7.1.1.2. True: the client must compress every message on its
  // own, so the server frees its decompressor between messages.
  bool client_no_context_takeover = false;
  // zlib level 0-9. 3 compressed our samples 1.4-2.4x faster than zlib's
  // default 6 for 4-11% more bytes (zlib 1.2.13; 230-byte JSON messages,
  // 4 KiB JSON and 1-16 KiB English text, with context takeover): the
  // better trade for a server that compresses every message it sends.
  int compress_level = 3;
  // zlib memLevel 1-9: the size of the compressor's hash table and symbol
  // buffer. 5 needs 150 KiB per compressor instead of 262 KiB at zlib's
  // default 8 (15-bit window) and compressed our samples to the same size
  // within 1%; python-websockets picks 5 for the same reason.
  int mem_level = 5;
  // Messages shorter than this go out uncompressed with RSV1 clear (RFC 7692
  // §6: compression is chosen per message). Below ~64 bytes deflate seldom
  // saves more than a few bytes and still costs a deflate call.
  std::uint64_t min_size = 64;
  // The zlib memory all connections of this instance may hold together, in
  // bytes; 0 means unlimited. A connection that would not fit goes on
  // without compression (its offer is declined).
  std::uint64_t max_memory = 0;
};

// What the host shows for --check-plugin and checks [plugin.params] against.
inline constexpr std::array<wsx_param_spec, 8> kConfigParamSpecs{{
    {"server_max_window_bits", WSX_PARAM_INTEGER,
     "8-15 (default 15): largest LZ77 window the server compresses with"},
    {"client_max_window_bits", WSX_PARAM_INTEGER,
     "8-15 (default 15): largest LZ77 window asked of the client"},
    {"server_no_context_takeover", WSX_PARAM_BOOLEAN,
     "default false: the server compresses each message on its own"},
    {"client_no_context_takeover", WSX_PARAM_BOOLEAN,
     "default false: ask the client to compress each message on its own"},
    {"compress_level", WSX_PARAM_INTEGER, "0-9 (default 3): zlib compression level"},
    {"mem_level", WSX_PARAM_INTEGER, "1-9 (default 5): zlib memLevel of the compressor"},
    {"min_size", WSX_PARAM_INTEGER, "bytes (default 64): shorter messages are sent uncompressed"},
    {"max_memory", WSX_PARAM_STRING,
     "size such as \"256 MiB\" (default \"0\" = unlimited): zlib memory budget of all "
     "connections"},
}};

struct ConfigError {
  std::string message;
};

// Builds the configuration from the host's checked table; an out-of-range
// value yields an error naming the parameter and the valid range.
[[nodiscard]] std::variant<DeflateConfig, ConfigError> parse_config(
    std::span<const wsx_config_param> params);

}  // namespace wsx::pmd
