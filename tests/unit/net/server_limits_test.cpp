// Limits and timeouts of wsx::Server: max_connections, handshake_timeout,
// idle_timeout, ping_interval and the send queue (back-pressure).
#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "recording_handlers.hpp"
#include "server_fixture.hpp"
#include "test_client.hpp"

namespace wsx::test {
namespace {

using Clock = std::chrono::steady_clock;

RunningServer::MakeHandlers echo_into(EventLog& events) {
  return [&events](Server& server) { return recording_echo(server, events); };
}

TEST(ServerLimits, BeyondMaxConnectionsTheRequestIsAnswered503) {
  EventLog events;
  ServerOptions options = test_options();
  options.limits.max_connections = 2;
  RunningServer running(options, {}, echo_into(events));
  auto first = TestClient::connect(running.endpoint());
  auto second = TestClient::connect(running.endpoint());
  try {
    auto third = TestClient::connect(running.endpoint());
    FAIL() << "a third connection was accepted";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("status 503"), std::string::npos) << error.what();
  }
  EXPECT_TRUE(running.log().wait_for("status=503"));
  // Room again once one leaves.
  first->close();
  ASSERT_TRUE(first->wait_for_eof(3s));
  ASSERT_TRUE(events.wait_for("close code=1000"));
  // The refused socket may still be lingering; allow it to go.
  std::unique_ptr<TestClient> fourth;
  for (int attempt = 0; attempt < 50 && !fourth; ++attempt) {
    try {
      fourth = TestClient::connect(running.endpoint());
    } catch (const std::runtime_error&) {
      std::this_thread::sleep_for(50ms);
    }
  }
  ASSERT_TRUE(fourth);
  fourth->send_text("in");
  auto echo = fourth->next_message();
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->text(), "in");
}

// Open descriptors of this process (the server runs in it, on its own
// thread): its sockets among them.
std::size_t open_descriptors() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd"))
    ++count;
  return count;
}

// RFC 6455 section 7.1.1: after a clean closing handshake the server closes
// TCP first. It need not wait for the client's FIN to do so: a client that
// keeps its socket open (or is slow to close it) must not hold a server
// socket (and a wake-up, a read and a close) for up to close_timeout.
TEST(ServerLimits, AfterACleanClosingHandshakeTheServerSocketIsClosedWithoutWaitingForTheFin) {
  EventLog events;
  ServerOptions options = test_options();
  options.limits.close_timeout = 30s;
  RunningServer running(options, {}, echo_into(events));
  // A raw socket: it reads the server's FIN and keeps its own end open.
  RawSocket client(running.endpoint());
  client.write_all(
      "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  ASSERT_TRUE(events.wait_for("open "));  // the server's socket is surely open
  const std::size_t open_before = open_descriptors();
  // A masked Close frame, code 1000 (RFC 6455 sections 5.5.1 and 7.4.1).
  const std::uint8_t mask[4] = {9, 8, 7, 6};
  client.write_all(std::vector<std::uint8_t>{0x88, 0x82, mask[0], mask[1], mask[2], mask[3],
                                             static_cast<std::uint8_t>(0x03 ^ mask[0]),
                                             static_cast<std::uint8_t>(0xe8 ^ mask[1])});
  // Read up to the server's Close, but not its FIN: RawSocket answers end
  // of stream with a FIN of its own, and this client must not send one.
  std::string received;
  const Clock::time_point close_deadline = Clock::now() + 3s;
  while (received.find("\x88\x02\x03\xe8") == std::string::npos && !client.eof() &&
         Clock::now() < close_deadline) {
    const std::vector<std::uint8_t> bytes = client.read_some(100ms);
    received.append(bytes.begin(), bytes.end());
  }
  ASSERT_NE(received.find("\x88\x02\x03\xe8"), std::string::npos) << "no Close 1000";
  ASSERT_FALSE(client.eof());
  ASSERT_TRUE(events.wait_for("close code=1000"));
  // `client` keeps its end open: no FIN. The server's socket goes anyway,
  // far sooner than close_timeout (a lingering session would keep it 30 s).
  const Clock::time_point deadline = Clock::now() + 2s;
  while (open_descriptors() >= open_before && Clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(open_descriptors(), open_before - 1);
}

TEST(ServerLimits, HandshakeTimeoutClosesASilentSocket) {
  EventLog events;
  ServerOptions options = test_options();
  options.limits.handshake_timeout = 200ms;
  RunningServer running(options, {}, echo_into(events));
  RawSocket silent(running.endpoint());
  RawSocket slow(running.endpoint());
  slow.write_all("GET / HTTP/1.1\r\nHost: x\r\n");  // never finishes its head
  const auto start = Clock::now();
  EXPECT_TRUE(silent.wait_for_eof(3s));
  EXPECT_TRUE(slow.wait_for_eof(3s));
  EXPECT_GE(Clock::now() - start, 150ms);
  EXPECT_TRUE(running.log().wait_for("handshake timeout peer=127.0.0.1:"));
  EXPECT_FALSE(events.contains("open "));
  // Every socket is released.
  for (int i = 0; i < 100 && running.server().connection_count() != 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(running.server().connection_count(), 0u);
}

TEST(ServerLimits, IdleTimeoutClosesAQuietConnectionAndTrafficKeepsItOpen) {
  EventLog events;
  ServerOptions options = test_options();
  options.limits.idle_timeout = 400ms;
  RunningServer running(options, {}, echo_into(events));
  auto busy = TestClient::connect(running.endpoint());
  auto quiet = TestClient::connect(running.endpoint());
  const auto start = Clock::now();
  // `busy` talks every 100 ms for 800 ms: twice the idle timeout.
  for (int i = 0; i < 8; ++i) {
    busy->send_text("tick");
    ASSERT_TRUE(busy->next_message());
    std::this_thread::sleep_for(100ms);
  }
  auto close = quiet->wait_for_close(3s);
  ASSERT_TRUE(close);
  ASSERT_EQ(close->kind, ClientEvent::Kind::close);
  EXPECT_EQ(close->code, 1000);
  EXPECT_EQ(close->reason, "idle timeout");
  EXPECT_GE(Clock::now() - start, 350ms);
  EXPECT_TRUE(quiet->wait_for_eof(3s));
  // The busy one is still served.
  busy->send_text("still here");
  auto echo = busy->next_message();
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->text(), "still here");
}

TEST(ServerLimits, PingIntervalKeepsAnsweringPeersAliveAndDropsSilentOnes) {
  EventLog events;
  ServerOptions options = test_options();
  options.limits.ping_interval = 100ms;
  options.limits.idle_timeout = 500ms;
  RunningServer running(options, {}, echo_into(events));
  auto client = TestClient::connect(running.endpoint());
  // Reading answers each Ping with a Pong (the client's pump), which counts
  // as traffic: the connection outlives the idle timeout.
  int pings = 0;
  const auto until = Clock::now() + 1200ms;
  while (Clock::now() < until) {
    auto event = client->next_event(100ms);
    if (!event) continue;
    ASSERT_NE(event->kind, ClientEvent::Kind::close) << "closed while answering pings";
    if (event->kind == ClientEvent::Kind::ping) ++pings;
  }
  EXPECT_GE(pings, 2);
  // Stop answering: the missing Pongs are counted by idle_timeout.
  std::this_thread::sleep_for(900ms);
  auto close = client->wait_for_close(3s);
  ASSERT_TRUE(close);
  ASSERT_EQ(close->kind, ClientEvent::Kind::close);
  EXPECT_EQ(close->reason, "idle timeout");
}

// A sender that is not in the connection's own receive batch (a broadcast,
// a timer) may not queue past max_send_queue: the peer gets Close 1008 at
// once, ahead of the backlog, which is dropped (the frame being written is
// finished, so the stream stays well formed).
TEST(ServerLimits, ASlowReaderIsClosedWith1008InsteadOfBufferedWithoutLimit) {
  EventLog events;
  ServerOptions options = test_options();
  options.limits.max_send_queue = 256 * 1024;
  // The client reads only once the server has given up on it; the closing
  // handshake then must not race the close_timeout of a loaded machine.
  options.limits.close_timeout = 10s;
  std::atomic<int> sent{0};
  std::atomic<int> result{-1};
  RunningServer running(options, {}, [&](Server& server) {
    ServerHandlers handlers = recording_echo(server, events);
    handlers.on_open = [&server, &sent, &result](ConnectionHandle c, const ConnectionInfo&) {
      // From a posted task: outside any receive batch.
      server.post(c.thread, [&server, &sent, &result, c] {
        const std::vector<std::uint8_t> chunk(64 * 1024, 0x42);
        // 64 MiB if nothing stopped it.
        for (int i = 0; i < 1024; ++i) {
          const SendResult r = server.send_binary(c, chunk);
          if (r != SendResult::sent) {
            result = static_cast<int>(r);
            return;
          }
          ++sent;
        }
      });
    };
    return handlers;
  });
  auto client = TestClient::connect(running.endpoint());
  // Larger than loopback's 64 KiB segment, so the window never shrinks
  // below one segment and delivery needs no persist-timer probes (which
  // back off to seconds on a loaded machine).
  client->socket().set_receive_buffer(256 * 1024);
  ASSERT_TRUE(running.log().wait_for("slow peer peer=127.0.0.1:", 10s));
  // The line is written inside the send that then returns too_slow.
  for (int i = 0; i < 200 && result.load() == -1; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(result.load(), static_cast<int>(SendResult::too_slow));
  // Bounded: the queue limit plus what the kernel buffers took, far from 64 MiB.
  EXPECT_LT(sent.load() * 64 * 1024, 16 * 1024 * 1024) << sent.load() << " chunks were accepted";
  // Now the client reads: whole messages, then the Close; the queue behind
  // the frame in flight was dropped, so fewer than were accepted.
  int received = 0;
  std::optional<ClientEvent> close;
  for (int i = 0; i <= sent.load() && !close; ++i) {
    auto event = client->next_event(10s);
    ASSERT_TRUE(event) << "nothing after " << received << " messages";
    ASSERT_NE(event->kind, ClientEvent::Kind::protocol_error) << event->reason;
    ASSERT_NE(event->kind, ClientEvent::Kind::eof) << "no Close after " << received;
    if (event->kind == ClientEvent::Kind::close) close = event;
    if (event->kind == ClientEvent::Kind::message) {
      ASSERT_EQ(event->data.size(), 64u * 1024);
      ++received;
    }
  }
  ASSERT_TRUE(close);
  EXPECT_EQ(close->code, 1008);
  EXPECT_EQ(close->reason, "send queue full");
  EXPECT_LT(received, sent.load());
  // The client answered the Close (its pump does): the server closes TCP.
  EXPECT_TRUE(client->wait_for_eof(10s));
  EXPECT_TRUE(events.wait_for("close code=1008 reason=send queue full", 10s));
}

// Echo: a peer that sends without reading makes the server stop reading from
// it (the kernel then pushes back on the peer); nothing is lost, and once
// the peer reads again everything comes back in order.
TEST(ServerLimits, EchoToAPeerThatDoesNotReadPausesInsteadOfBuffering) {
  EventLog events;
  ServerOptions options = test_options();
  options.limits.max_send_queue = 128 * 1024;
  // The peer does read again, well within this: no slow-reader Close.
  options.limits.close_timeout = 10s;
  RunningServer running(options, {}, echo_into(events));
  auto client = TestClient::connect(running.endpoint());
  client->socket().set_receive_buffer(32 * 1024);
  const int fd = client->socket().fd();
  int buffered = 0;
  // Write 16 KiB messages without reading until the socket refuses more
  // for a while (or 32 MiB went out, which would mean no back-pressure).
  const std::string payload(16 * 1024, 'x');
  std::vector<std::uint8_t> pending;
  auto stalled_since = Clock::now();
  for (int sent = 0; sent < 2048;) {
    if (pending.empty()) {
      client->connection().send_text(payload);
      const auto out = client->connection().pending_output();
      pending.assign(out.begin(), out.end());
      client->connection().consume_output(out.size());
      ++sent;
      buffered = sent;
    }
    const ssize_t n = ::send(fd, pending.data(), pending.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      pending.erase(pending.begin(), pending.begin() + n);
      stalled_since = Clock::now();
      continue;
    }
    ASSERT_TRUE(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) << "send failed";
    if (Clock::now() - stalled_since > 500ms) break;
    pollfd entry{fd, POLLOUT, 0};
    ::poll(&entry, 1, 20);
  }
  EXPECT_LT(buffered, 2048) << "the server never stopped reading";
  // Now read: every message comes back, and the server resumes reading the
  // rest of what we had queued.
  int received = 0;
  const auto deadline = Clock::now() + 20s;
  while (received < buffered && Clock::now() < deadline) {
    if (!pending.empty()) {
      const ssize_t n = ::send(fd, pending.data(), pending.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n > 0) pending.erase(pending.begin(), pending.begin() + n);
    }
    auto message = client->next_message(200ms);
    if (!message) continue;
    ASSERT_EQ(message->data.size(), payload.size());
    ++received;
  }
  EXPECT_EQ(received, buffered);
  EXPECT_FALSE(events.contains("close code="));
}

// A peer that stops reading for good, with idle_timeout off: reading from
// it stays paused, and once it has taken nothing for close_timeout it gets
// Close 1008 (the slow-reader rule, session_timeout_policy.hpp).
TEST(ServerLimits, APeerThatStopsReadingIsClosedWith1008AfterCloseTimeoutWithoutIdleTimeout) {
  EventLog events;
  ServerOptions options = test_options();
  options.limits.max_send_queue = 256 * 1024;
  options.limits.idle_timeout = 0ms;
  options.limits.close_timeout = 300ms;
  RunningServer running(options, {}, echo_into(events));
  auto client = TestClient::connect(running.endpoint());
  // The kernel's default receive buffer: a tiny one gets collapsed under
  // memory pressure, which opens the window by a few bytes now and then,
  // and any byte taken is progress (it restarts the stall clock, as
  // nginx's send_timeout does).
  const int fd = client->socket().fd();
  const std::string payload(16 * 1024, 'y');
  std::vector<std::uint8_t> pending;
  const auto start = Clock::now();
  // Keep sending (never reading) until the server gives up or 10 s pass.
  const auto deadline = Clock::now() + 10s;
  while (!running.log().contains("slow peer peer=") && Clock::now() < deadline) {
    if (pending.empty()) {
      client->connection().send_text(payload);
      const auto out = client->connection().pending_output();
      pending.assign(out.begin(), out.end());
      client->connection().consume_output(out.size());
    }
    const ssize_t n = ::send(fd, pending.data(), pending.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      pending.erase(pending.begin(), pending.begin() + n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd entry{fd, POLLOUT, 0};
      ::poll(&entry, 1, 20);
    } else {
      break;  // the server is gone
    }
  }
  ASSERT_TRUE(running.log().wait_for("slow peer peer=127.0.0.1:", 1s));
  EXPECT_GE(Clock::now() - start, 300ms) << "closed before close_timeout";
  // The server's Close is what ends it (not a reset): 1008 reaches on_close.
  ASSERT_TRUE(events.wait_for("close code=1008 reason=send queue full", 5s));
}

}  // namespace
}  // namespace wsx::test
