// Fuzzes the protocol core's input path: arbitrary bytes into a server-role
// and a client-role Connection (1 MiB message limit), in reads of varying
// size, with a handler that echoes messages back. Any crash, sanitizer report
// or leak is a bug; protocol errors are expected and fine.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/connection/connection.hpp"

namespace {

using wsx::core::Connection;
using wsx::core::ConnectionHandler;
using wsx::core::ConnectionLimits;
using wsx::core::Role;

class EchoHandler : public ConnectionHandler {
 public:
  explicit EchoHandler(Connection& connection) : connection_(connection) {}
  void on_message(std::uint8_t opcode, std::span<const std::uint8_t> payload) override {
    if (opcode == 0x1)
      connection_.send_text(payload);
    else
      connection_.send_binary(payload);
  }
  void on_ping(std::span<const std::uint8_t> payload) override { connection_.send_pong(payload); }

 private:
  Connection& connection_;
};

void drain(Connection& connection) {
  for (int guard = 0; guard < 64; ++guard) {
    const auto out = connection.pending_output();
    if (out.empty()) return;
    // Read every byte, so sanitizers see any uninitialised or freed memory.
    volatile std::uint8_t sink = 0;
    for (std::uint8_t byte : out) sink = sink ^ byte;
    connection.consume_output(out.size() / 2 + 1);
  }
}

void run(Role role, const std::uint8_t* data, std::size_t size, std::size_t chunk) {
  ConnectionLimits limits;
  limits.max_message_size = 1u << 20;
  limits.max_frame_size = 1000;
  Connection connection(role, {}, limits, [] { return 0x01020304u; });
  EchoHandler handler(connection);
  std::vector<std::uint8_t> buffer;
  for (std::size_t at = 0; at < size; at += chunk) {
    const std::size_t piece = size - at < chunk ? size - at : chunk;
    // A fresh buffer per read, as a socket read would fill, so a view kept
    // past its read is caught by ASan.
    buffer.assign(data + at, data + at + piece);
    connection.receive(buffer, handler);
    drain(connection);
  }
  connection.receive_eof();
  connection.shrink_when_idle();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the read size, so partial frames get exercised.
  const std::size_t chunk = 1 + (data[0] % 64) * 17;
  run(Role::server, data + 1, size - 1, chunk);
  run(Role::client, data + 1, size - 1, chunk);
  run(Role::server, data + 1, size - 1, size);
  return 0;
}
