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
  // answers a client that offered client_max_window_bits with this limit. As
  // a client: the window we offer to use. 11 keeps the decompressor of an
  // idle connection at 9 KiB instead of 39 KiB (zlib's 7 KiB inflate state
  // plus the window) and still compressed our JSON-like messages to 0.30.
  int client_max_window_bits = 11;
  // As a server, for an offer without client_max_window_bits (such a client
  // cannot be limited, §7.1.2.2): true declines it (the connection goes on
  // uncompressed), false accepts it with the client's full 15-bit window.
  bool require_client_max_window_bits = false;
  // RFC 7692 §7.1.1.1. True: the server compresses every message on its own
  // (and, as a server, frees its compressor between messages). As a client:
  // ask for it, and fail a response that does not grant it.
  bool server_no_context_takeover = false;
  // RFC 7692 §7.1.1.2. True: the client must compress every message on its
  // own, so the server frees its decompressor between messages.
  bool client_no_context_takeover = false;
  // Whether our compressor survives between the messages we send. True
  // (the default): context takeover for what we send, which on small
  // similar messages is both smaller (0.23-0.35 of the input on our JSON
  // samples, against 0.71 without) and faster. False: every message is
  // compressed on its own and the compressor is freed after it, so an idle
  // connection holds none. A sender may always do that without announcing
  // *_no_context_takeover: the peer's decompressor just keeps a window it
  // does not need (RFC 7692 §7.1.1.1), so the response stays minimal.
  // Ignored when no_context_takeover was agreed for what we send.
  bool keep_compression_context = true;
  // The LZ77 window our compressor uses (8-15), when the agreed window for
  // what we send is larger. Like dropping the context, compressing with a
  // smaller window than agreed needs no announcement (RFC 7692 §7.1.2.1
  // only caps the sender), so the response stays minimal. 10 with
  // mem_level 2 makes a kept compressor 12 KiB instead of 150 KiB; on our
  // 230-byte JSON samples it compressed to 0.35 against 0.23 at 15.
  int compress_window_bits = 10;
  // zlib level 0-9. 3 compressed our samples 1.4-2.4x faster than zlib's
  // default 6 for 4-11% more bytes (zlib 1.2.13; 230-byte JSON messages,
  // 4 KiB JSON and 1-16 KiB English text, with context takeover): the
  // better trade for a server that compresses every message it sends.
  int compress_level = 3;
  // zlib memLevel 1-9: the size of the compressor's hash table and symbol
  // buffer. With the 10-bit default window, 2 keeps the hash table (512
  // entries) no larger than the window needs, and the compressor at 12 KiB;
  // at a 15-bit window 5 is the better choice (150 KiB instead of 262 KiB at
  // zlib's default 8, same size within 1%, as python-websockets picks).
  int mem_level = 2;
  // Messages shorter than this go out uncompressed with RSV1 clear (RFC 7692
  // §6: compression is chosen per message). Below ~64 bytes deflate seldom
  // saves more than a few bytes and still costs a deflate call.
  std::uint64_t min_size = 64;
  // Whether a message whose sampled bytes look like noise (random or already
  // compressed data, see incompressible.hpp) goes out uncompressed with RSV1
  // clear (RFC 7692 §6). Deflating such data costs a full compression pass
  // for no saving (it comes out ~0.03% larger); the guess costs a histogram
  // of at most 1 KiB. The decision is made before deflate sees the message,
  // so with context takeover our history stays exactly what the peer saw.
  bool skip_incompressible = true;
  // The zlib memory all connections of this instance may hold together, in
  // bytes; 0 means unlimited. A connection that would not fit goes on
  // without compression (its offer is declined).
  std::uint64_t max_memory = 0;
  // The deflate streams the connections of ONE I/O thread share, in bytes
  // (compressor_pool.hpp); 0 turns the pool off (every connection keeps a
  // compressor of its own, as before). With the pool, a connection holds a
  // compressor only while it sends a message; after it, the stream goes
  // back to the pool and its history stays usable by that connection until
  // another one needs the stream, so while the pool is big enough nothing
  // changes on the wire. When it is not, the least recently active
  // connection's stream is reset for the newcomer (RFC 7692 §7.1.1.1: a
  // sender may drop its context at a message boundary) and, with no stream
  // left at all, a message goes out uncompressed. 4 MiB holds 341 streams
  // at the default window 10 / mem_level 2 (12 KiB each), 27 at window
  // 15 / mem_level 5 and 15 at 15 / 8; an idle connection then costs its
  // decompressor only. Needs a host with per-thread contexts (ABI rule 7);
  // without one every connection keeps its own compressor.
  std::uint64_t compressor_pool_memory = std::uint64_t{4} << 20;
};

// What the host shows for --check-plugin and checks [plugin.params] against.
inline constexpr std::array<wsx_param_spec, 13> kConfigParamSpecs{{
    {"server_max_window_bits", WSX_PARAM_INTEGER,
     "8-15 (default 15): largest LZ77 window the server compresses with"},
    {"client_max_window_bits", WSX_PARAM_INTEGER,
     "8-15 (default 11): largest LZ77 window asked of the client"},
    {"require_client_max_window_bits", WSX_PARAM_BOOLEAN,
     "default false: decline offers that cannot limit the client's window"},
    {"server_no_context_takeover", WSX_PARAM_BOOLEAN,
     "default false: the server compresses each message on its own"},
    {"client_no_context_takeover", WSX_PARAM_BOOLEAN,
     "default false: ask the client to compress each message on its own"},
    {"keep_compression_context", WSX_PARAM_BOOLEAN,
     "default true: keep our compressor between messages (context takeover)"},
    {"compress_window_bits", WSX_PARAM_INTEGER,
     "8-15 (default 10): LZ77 window our compressor uses, if the agreed one is larger"},
    {"compress_level", WSX_PARAM_INTEGER, "0-9 (default 3): zlib compression level"},
    {"mem_level", WSX_PARAM_INTEGER, "1-9 (default 2): zlib memLevel of the compressor"},
    {"min_size", WSX_PARAM_INTEGER, "bytes (default 64): shorter messages are sent uncompressed"},
    {"skip_incompressible", WSX_PARAM_BOOLEAN,
     "default true: send messages that look like random or compressed data uncompressed"},
    {"max_memory", WSX_PARAM_STRING,
     "size such as \"256 MiB\" (default \"0\" = unlimited): zlib memory budget of all "
     "connections"},
    {"compressor_pool_memory", WSX_PARAM_STRING,
     "size (default \"4 MiB\", \"0\" = off): deflate streams shared by the connections of one "
     "I/O thread"},
}};

struct ConfigError {
  std::string message;
};

// Builds the configuration from the host's checked table; an out-of-range
// value yields an error naming the parameter and the valid range.
[[nodiscard]] std::variant<DeflateConfig, ConfigError> parse_config(
    std::span<const wsx_config_param> params);

}  // namespace wsx::pmd
