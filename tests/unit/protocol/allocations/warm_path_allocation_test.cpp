// DESIGN.md: "nothing on this path allocates per frame once a connection is
// warm". This binary links tests/support's allocation counter, which
// replaces the global operator new (that is why it is a separate
// executable), and exchanges frames between a client and a server
// connection, both running an extension chain that rewrites payloads, after
// a warm-up.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "../test_extensions.hpp"
#include "allocation_counter.hpp"
#include "core/connection/connection.hpp"

namespace wsx::core {
namespace {

using test::Behaviour;
using test::TestExtension;

// Echoes every message without allocating.
class EchoHandler : public ConnectionHandler {
 public:
  explicit EchoHandler(Connection& connection) : connection_(connection) {}
  void on_message(std::uint8_t opcode, std::span<const std::uint8_t> payload) override {
    ++messages;
    if (opcode == WSX_OPCODE_TEXT)
      connection_.send_text(payload);
    else
      connection_.send_binary(payload);
  }
  void on_pong(std::span<const std::uint8_t>) override { ++pongs; }
  void on_protocol_error(std::uint16_t, std::string_view) override { ++errors; }
  std::size_t messages = 0, pongs = 0, errors = 0;

 private:
  Connection& connection_;
};

class CountingHandler : public ConnectionHandler {
 public:
  void on_message(std::uint8_t, std::span<const std::uint8_t> payload) override {
    ++messages;
    bytes += payload.size();
  }
  void on_pong(std::span<const std::uint8_t>) override { ++pongs; }
  void on_protocol_error(std::uint16_t, std::string_view) override { ++errors; }
  std::size_t messages = 0, bytes = 0, pongs = 0, errors = 0;
};

// Moves everything `from` has queued into `to`, as two socket reads (so
// frames straddle reads and go through the partial-frame path).
void transfer(Connection& from, Connection& to, ConnectionHandler& handler, std::uint8_t* buffer,
              std::size_t capacity) {
  for (int guard = 0; guard < 16; ++guard) {
    const auto out = from.pending_output();
    if (out.empty()) return;
    ASSERT_LE(out.size(), capacity);
    std::memcpy(buffer, out.data(), out.size());
    const std::size_t size = out.size();
    from.consume_output(size);
    const std::size_t half = size / 2 + 1;
    to.receive({buffer, std::min(half, size)}, handler);
    if (half < size) to.receive({buffer + half, size - half}, handler);
  }
}

TEST(WarmPath, NoAllocationPerFrameOnceWarm) {
  TestExtension client_ext;
  client_ext.name = "tag";
  // A pass-through extension: the chain runs on every frame. (A frame-level
  // tagger cannot be fragmented after encoding, RFC 7692 section 6.)
  client_ext.behaviour = Behaviour::unchanged;
  TestExtension server_ext = client_ext;
  ExtensionChain client_chain;
  client_chain.add(test::make_test_extension(client_ext));
  ExtensionChain server_chain;
  server_chain.add(test::make_test_extension(server_ext));

  ConnectionLimits limits;
  limits.max_frame_size = 64;  // messages of 150 bytes become 3 fragments
  Connection client(Role::client, std::move(client_chain), limits);
  Connection server(Role::server, std::move(server_chain), limits);
  EchoHandler server_handler(server);
  CountingHandler client_handler;

  std::uint8_t small[20];
  std::memset(small, 'x', sizeof small);
  std::uint8_t fragmented[150];
  std::memset(fragmented, 'y', sizeof fragmented);
  const std::uint8_t ping[] = {'k', 'a'};
  std::vector<std::uint8_t> wire(1 << 16);

  const auto round = [&](int i) {
    client.send_binary(small);
    client.send_text(std::span<const std::uint8_t>(small, 5 + i % 10));
    if (i % 10 == 0) client.send_binary(fragmented);
    if (i % 7 == 0) client.send_ping(ping);
    transfer(client, server, server_handler, wire.data(), wire.size());
    transfer(server, client, client_handler, wire.data(), wire.size());
  };

  for (int i = 0; i < 200; ++i) round(i);  // warm-up: buffers reach their working size
  const std::size_t warm_messages = client_handler.messages;
  std::size_t allocations = 0;
  {
    const wsx::test::AllocationCount count;
    for (int i = 0; i < 1000; ++i) round(i);
    allocations = count.count();
  }

  EXPECT_EQ(allocations, 0u);
  EXPECT_EQ(server_handler.errors + client_handler.errors, 0u);
  EXPECT_EQ(client_handler.messages - warm_messages, 2000u + 100u);
  EXPECT_GE(client_handler.pongs, 1000u / 7);
}

}  // namespace
}  // namespace wsx::core
