// What an idle WebSocket connection costs the server process: VmRSS (from
// /proc/self/status) before and after a client PROCESS opened 10,000
// connections and completed their handshakes, and again after each of them
// echoed one message. The client is another process so that only the
// server's memory is counted. Budget: 1 KiB per idle connection without
// compression (socket, session, core::Connection, Asio's per-descriptor
// state, slot table; buffers are given back when idle). Measured: about
// 690 B after the handshake and 800 B after one message, so a regression of
// a few hundred bytes per connection fails here. Kernel socket buffers are
// not part of VmRSS.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "app/echo_app.hpp"
#include "server_fixture.hpp"
#include "test_client.hpp"

namespace wsx::test {
namespace {

#ifdef WSX_SANITIZED
constexpr long kBudgetBytes = 64 * 1024;  // redzones + quarantine
#else
constexpr long kBudgetBytes = 1024;
#endif

long vm_rss_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6)) * 1024;
  }
  return -1;
}

// --- The client process (plain POSIX; no gtest, no threads) -----------------

constexpr const char* kRequest =
    "GET /idle HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

bool read_response(int fd) {
  std::string head;
  char buffer[512];
  for (int reads = 0; reads < 100 && head.find("\r\n\r\n") == std::string::npos; ++reads) {
    pollfd entry{fd, POLLIN, 0};
    if (::poll(&entry, 1, 10000) <= 0) return false;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    head.append(buffer, static_cast<std::size_t>(n));
  }
  return head.rfind("HTTP/1.1 101", 0) == 0;
}

// RFC 6455 section 5.3: a client frame is masked. The echo comes back
// unmasked as 0x81 0x05 "hello".
bool echo_one_message(int fd) {
  const unsigned char mask[4] = {0x11, 0x22, 0x33, 0x44};
  const char* text = "hello";
  unsigned char frame[2 + 4 + 5] = {0x81, 0x85, mask[0], mask[1], mask[2], mask[3]};
  for (int i = 0; i < 5; ++i) frame[6 + i] = static_cast<unsigned char>(text[i] ^ mask[i % 4]);
  if (::send(fd, frame, sizeof frame, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof frame))
    return false;
  unsigned char reply[7];
  std::size_t got = 0;
  for (int reads = 0; reads < 10 && got < sizeof reply; ++reads) {
    pollfd entry{fd, POLLIN, 0};
    if (::poll(&entry, 1, 10000) <= 0) return false;
    const ssize_t n = ::recv(fd, reply + got, sizeof reply - got, 0);
    if (n <= 0) return false;
    got += static_cast<std::size_t>(n);
  }
  return got == sizeof reply && reply[0] == 0x81 && reply[1] == 0x05 &&
         std::memcmp(reply + 2, text, 5) == 0;
}

[[noreturn]] void client_process(int port_pipe, int ready_pipe, int count) {
  std::uint16_t port = 0;
  if (::read(port_pipe, &port, sizeof port) != sizeof port) ::_exit(2);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::vector<int> sockets;
  sockets.reserve(static_cast<std::size_t>(count));
  constexpr int kBatch = 500;
  for (int start = 0; start < count; start += kBatch) {
    const int end = std::min(count, start + kBatch);
    for (int i = start; i < end; ++i) {
      const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
        ::_exit(3);
      if (::send(fd, kRequest, std::strlen(kRequest), MSG_NOSIGNAL) < 0) ::_exit(4);
      sockets.push_back(fd);
    }
    for (int i = start; i < end; ++i)
      if (!read_response(sockets[static_cast<std::size_t>(i)])) ::_exit(5);
  }
  const char ready = 'R';
  if (::write(ready_pipe, &ready, 1) != 1) ::_exit(6);
  // Second phase: every connection echoes one masked 5-byte text message.
  char go = 0;
  if (::read(port_pipe, &go, 1) != 1 || go != 'M') ::_exit(7);
  for (int fd : sockets)
    if (!echo_one_message(fd)) ::_exit(8);
  if (::write(ready_pipe, &ready, 1) != 1) ::_exit(6);
  // Hold the connections until the parent closes the pipe.
  char ignored;
  while (::read(port_pipe, &ignored, 1) > 0) {
  }
  for (int fd : sockets) ::close(fd);
  ::_exit(0);
}

TEST(IdleMemory, TenThousandIdleConnectionsStayWithinTheBudget) {
  // Each side needs one descriptor per connection.
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  const int count = static_cast<int>(std::min<rlim_t>(10000, limit.rlim_cur - 200));
  ASSERT_GE(count, 1000) << "the descriptor limit is too low to measure";

  // Fork before any thread exists (the server's come later).
  int to_child[2];
  int from_child[2];
  ASSERT_EQ(::pipe(to_child), 0);
  ASSERT_EQ(::pipe(from_child), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(to_child[1]);
    ::close(from_child[0]);
    client_process(to_child[0], from_child[1], count);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);

  {
    ServerOptions options = test_options();
    options.limits.max_connections = 100000;
    options.limits.idle_timeout = std::chrono::milliseconds{0};
    RunningServer running(
        options, {}, [](Server&) { return app::make_echo_handlers(); }, LogLevel::warning);
    // Warm up: the thread's read buffer, the allocator's arenas.
    for (int i = 0; i < 20; ++i) {
      auto warm = TestClient::connect(running.endpoint());
      warm->send_text("warm");
      warm->close();
      warm->wait_for_eof(3s);
    }
    for (int i = 0; i < 200 && running.server().connection_count() != 0; ++i)
      std::this_thread::sleep_for(10ms);
    const long before = vm_rss_bytes();

    const std::uint16_t port = running.endpoint().port();
    ASSERT_EQ(::write(to_child[1], &port, sizeof port), static_cast<ssize_t>(sizeof port));
    pollfd entry{from_child[0], POLLIN, 0};
    ASSERT_EQ(::poll(&entry, 1, 120000), 1) << "the client process did not finish its handshakes";
    char ready = 0;
    ASSERT_EQ(::read(from_child[0], &ready, 1), 1) << "the client process failed";
    EXPECT_EQ(running.server().connection_count(), static_cast<std::uint64_t>(count));
    // Past the shrink delay, idle connections have given back their buffers.
    std::this_thread::sleep_for(1500ms);
    const long after_handshake = vm_rss_bytes();
    const long per_connection = (after_handshake - before) / count;
    std::printf(
        "idle connections: %d, VmRSS before %ld KiB, after the handshakes %ld KiB: %ld bytes per "
        "connection\n",
        count, before / 1024, after_handshake / 1024, per_connection);
    RecordProperty("bytes_per_idle_connection", static_cast<int>(per_connection));
    EXPECT_LE(per_connection, kBudgetBytes);

    const char go = 'M';
    ASSERT_EQ(::write(to_child[1], &go, 1), 1);
    ASSERT_EQ(::poll(&entry, 1, 120000), 1) << "the client process did not finish its echoes";
    ASSERT_EQ(::read(from_child[0], &ready, 1), 1) << "an echo failed in the client process";
    std::this_thread::sleep_for(1500ms);
    const long after_message = vm_rss_bytes();
    const long per_connection_used = (after_message - before) / count;
    std::printf("after one echoed message each: VmRSS %ld KiB: %ld bytes per connection\n",
                after_message / 1024, per_connection_used);
    RecordProperty("bytes_per_idle_connection_after_a_message",
                   static_cast<int>(per_connection_used));
    EXPECT_LE(per_connection_used, kBudgetBytes);

    ::close(to_child[1]);  // the client lets go
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  ::close(from_child[0]);
}

}  // namespace
}  // namespace wsx::test
