// wsx-client after the handshake: stdin lines become messages, messages
// become stdout lines, until the closing handshake (RFC 6455 section 7).
// One thread, poll(2) on stdin and the transport; every frame goes through
// core::Connection in the client role (masking, section 5.3; extensions).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "client/client_options.hpp"
#include "client/transport.hpp"
#include "core/connection/connection.hpp"

namespace wsx::client {

struct SessionOutcome {
  // The peer's close code (1005: none in its Close; 1006: no Close at all).
  std::uint16_t close_code = 1006;
  std::string close_reason;
  bool count_reached = false;
  bool timed_out = false;
  // Set when the connection failed (a protocol error, either side).
  std::optional<std::string> failure;
  // Exit status per wsx-client --help: 0 on 1000/1001 or --count reached.
  [[nodiscard]] int exit_status() const noexcept;
};

struct SessionIo {
  int input_fd = 0;            // stdin: one message per line
  int output_fd = 1;           // stdout: one line per message
  std::uint64_t messages = 0;  // received so far
};

// Runs until the connection is closed (and the server closed TCP, 7.1.1,
// or a short grace period passed), --count messages arrived, or `deadline`.
SessionOutcome run_session(Transport& transport, core::Connection& connection,
                           std::span<std::uint8_t> leftover, const ClientOptions& options,
                           SessionIo& io, std::chrono::steady_clock::time_point deadline);

}  // namespace wsx::client
