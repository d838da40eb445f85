// Many connections and a client that does not read: the host's single I/O
// thread keeps serving everyone, and a backlog (back-pressure, bounded by
// max_send_queue) is delivered whole and in order once the client reads.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/host_test.hpp"

namespace wsx::integration {
namespace {

using FlowControlTest = PlainHostTest;

// Message `index` of a backlog: its index in the first 4 bytes, then a
// pattern that depends on it.
Bytes numbered_message(std::uint32_t index, std::size_t size) {
  Bytes bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(i * 13 + index);
  for (std::size_t i = 0; i < 4; ++i) bytes[i] = static_cast<std::uint8_t>(index >> (8 * i));
  return bytes;
}

TEST_F(FlowControlTest, ClientThatDoesNotReadDoesNotStallOthers) {
  WsClient good = open();
  WsClient slow = open();
  // 800 x 60 KiB = 48 MiB of echoes: far more than the kernel buffers and
  // the host's 4 MiB send queue hold, so the host must stop reading from
  // this client until it reads.
  constexpr std::uint32_t kMessages = 800;
  constexpr std::size_t kSize = 60 * 1024;
  Bytes wire;
  for (std::uint32_t i = 0; i < kMessages; ++i) {
    const Bytes frame =
        encode_frame({.opcode = opcode::binary, .payload = numbered_message(i, kSize)});
    wire.insert(wire.end(), frame.begin(), frame.end());
  }
  const std::optional<long> hwm_before = host().status_kib("VmHWM");
  ASSERT_TRUE(hwm_before);
  bool sent = false;
  std::thread sender([&] { sent = slow.send_raw(wire); });

  // While the slow client's backlog sits in buffers, the same I/O thread
  // answers another client at once.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(echoes_text(good, "not stalled " + std::to_string(i)));
  }

  // Now the slow client reads: every echo arrives, whole and in order.
  std::uint32_t received = 0;
  for (; received < kMessages; ++received) {
    const auto message = slow.read_message();
    if (!message) break;
    if (message->payload != numbered_message(received, kSize)) break;
  }
  sender.join();
  EXPECT_TRUE(sent) << "the host stopped reading for good";
  EXPECT_EQ(received, kMessages) << slow.history();
  EXPECT_TRUE(echoes_text(slow, "caught up"));
  // The backlog waited in the client's socket, not in the host's memory:
  // the host holds at most max_send_queue (4 MiB) of it plus its buffers.
  const std::optional<long> hwm_after = host().status_kib("VmHWM");
  ASSERT_TRUE(hwm_after);
#ifdef WSX_SANITIZED
  constexpr long kMaxGrowthKib = 256 * 1024;  // ASan keeps freed memory in quarantine
#else
  constexpr long kMaxGrowthKib = 24 * 1024;
#endif
  EXPECT_LT(*hwm_after - *hwm_before, kMaxGrowthKib)
      << "VmHWM " << *hwm_before << " KiB -> " << *hwm_after << " KiB";
  std::cout << "[ metric ] 48 MiB backlog: host VmHWM " << *hwm_before << " -> " << *hwm_after
            << " KiB\n";
}

TEST_F(FlowControlTest, HundredConnectionsEchoAtOnce) {
  constexpr int kClients = 100;
  std::vector<WsClient> clients;
  clients.reserve(kClients);
  for (int i = 0; i < kClients; ++i) clients.push_back(open());
  // Every client sends first, then every client reads: the host serves
  // them all from one I/O thread.
  for (int i = 0; i < kClients; ++i) {
    ASSERT_TRUE(clients[static_cast<std::size_t>(i)].send_text("client " + std::to_string(i)));
  }
  for (int i = 0; i < kClients; ++i) {
    WsClient& client = clients[static_cast<std::size_t>(i)];
    const auto message = client.read_message();
    ASSERT_TRUE(message) << "client " << i << ": " << client.history();
    EXPECT_EQ(to_string(message->payload), "client " + std::to_string(i));
  }
}

}  // namespace
}  // namespace wsx::integration
