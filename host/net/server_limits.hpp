// The resource limits a wsx::Server enforces. Part of the public embedding
// API: plain data, filled by wsx-host from its [server.limits] table
// (host/app) or by an embedding program by hand. Sizes are bytes.
#pragma once

#include <chrono>
#include <cstdint>

namespace wsx {

struct ServerLimits {
  // Largest message accepted after the extension chain decoded it (RFC 6455
  // section 10.4); a bigger one closes the connection with 1009 (7.4.1).
  std::uint64_t max_message_size = 16ull << 20;
  // Outgoing messages are fragmented into frames of at most this payload
  // (section 5.4), after the extension chain encoded them.
  std::uint64_t max_frame_size = 1ull << 20;
  // Open sockets beyond this get HTTP 503 instead of the upgrade.
  std::uint64_t max_connections = 10000;
  // Bytes queued for a peer that does not read. From half of it the peer's
  // input is not read (back-pressure); a send that finds it full, or a peer
  // that takes nothing for close_timeout once half is queued, gets Close
  // 1008 ahead of the queue, which is dropped.
  std::uint64_t max_send_queue = 4ull << 20;
  // Server-wide: bytes of incomplete messages held across every connection
  // (the start of frames not fully arrived, fragments of messages in
  // progress), checked after each read. The connection whose read takes the
  // total past it is closed with 1013 (try again later); the others go on.
  std::uint64_t max_buffered_input = 256ull << 20;
  // Time allowed to complete the opening handshake.
  std::chrono::milliseconds handshake_timeout{5000};
  // A connection with no input for this long is closed; 0 = never.
  std::chrono::milliseconds idle_timeout{60000};
  // A Ping after this much idleness (keepalive, section 5.5.2); 0 = never.
  std::chrono::milliseconds ping_interval{0};
  // Time to wait for the peer's Close and its TCP close (section 7.1.1).
  std::chrono::milliseconds close_timeout{5000};
};

}  // namespace wsx
