// wsx::Server's life: graceful stop, reload, several I/O threads, calls from
// other threads.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <set>
#include <vector>

#include "recording_handlers.hpp"
#include "server_fixture.hpp"
#include "test_client.hpp"
#include "xor_extension.hpp"

namespace wsx::test {
namespace {

using Clock = std::chrono::steady_clock;

RunningServer::MakeHandlers echo_into(EventLog& events) {
  return [&events](Server& server) { return recording_echo(server, events); };
}

TEST(ServerLifecycle, StopSendsGoingAwayToEveryClientAndRunReturns) {
  EventLog events;
  ServerOptions options = test_options();
  options.io_threads = 2;
  RunningServer running(options, {}, echo_into(events));
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < 3; ++i) clients.push_back(TestClient::connect(running.endpoint()));
  ASSERT_TRUE(events.wait_for_count("open ", 3));

  running.server().stop();
  for (auto& client : clients) {
    auto close = client->wait_for_close(3s);  // the client echoes the Close
    ASSERT_TRUE(close);
    ASSERT_EQ(close->kind, ClientEvent::Kind::close);
    EXPECT_EQ(close->code, 1001);  // RFC 6455 7.4.1: going away
    EXPECT_EQ(close->reason, "going away");
    EXPECT_TRUE(client->wait_for_eof(3s));
  }
  EXPECT_TRUE(running.wait_until_stopped(5s));
  EXPECT_EQ(events.count("close code=1001 reason=going away"), 3u);
  // The listening socket is closed: nobody else gets in.
  EXPECT_THROW(TestClient::connect(running.endpoint()), std::runtime_error);
}

TEST(ServerLifecycle, StopIsBoundedByCloseTimeoutWhenAPeerNeverAnswers) {
  EventLog events;
  ServerOptions options = test_options();
  options.limits.close_timeout = 300ms;
  RunningServer running(options, {}, echo_into(events));
  auto mute = TestClient::connect(running.endpoint());  // never reads again
  RawSocket handshaking(running.endpoint());            // never sends a request
  ASSERT_TRUE(events.wait_for("open "));
  const auto start = Clock::now();
  running.server().stop();
  ASSERT_TRUE(running.wait_until_stopped(5s));
  EXPECT_GE(Clock::now() - start, 250ms);
  EXPECT_LT(Clock::now() - start, 3s);
  EXPECT_TRUE(events.wait_for("close code=1001"));
}

TEST(ServerLifecycle, ASecondStopDropsEverythingAtOnce) {
  EventLog events;
  ServerOptions options = test_options();
  options.limits.close_timeout = 30s;
  RunningServer running(options, {}, echo_into(events));
  auto mute = TestClient::connect(running.endpoint());
  ASSERT_TRUE(events.wait_for("open "));
  running.server().stop();
  // The first stop has begun draining once its Close 1001 reaches the
  // client (RFC 6455 section 7.4.1: going away); the client does not answer.
  const auto going_away = mute->wait_for_close(3s);
  ASSERT_TRUE(going_away);
  ASSERT_EQ(going_away->kind, ClientEvent::Kind::close);
  const auto start = Clock::now();
  running.server().stop();
  ASSERT_TRUE(running.wait_until_stopped(5s));
  EXPECT_LT(Clock::now() - start, 3s);
  EXPECT_EQ(events.count("close code="), 1u);
}

TEST(ServerLifecycle, ReloadGivesNewConnectionsTheNewFactoriesAndKeepsTheOld) {
  EventLog events;
  XorFactories first = make_xor_factories(17);
  const std::weak_ptr<const void> first_alive = first.alive;
  RunningServer running(test_options(), first.server, echo_into(events));

  ClientOptions old_options;
  old_options.factories = first.client;
  auto old_client = TestClient::connect(running.endpoint(), old_options);
  EXPECT_EQ(old_client->extensions_header(), "x-xor; key=17");

  XorFactories second = make_xor_factories(34);
  running.server().reload(second.server, test_options().limits);
  first.server.clear();  // only the server's open connection holds it now

  ClientOptions new_options;
  new_options.factories = second.client;
  std::unique_ptr<TestClient> new_client;
  // The reload is posted to the I/O thread; it is in effect by the time a
  // connection made after it is served.
  new_client = TestClient::connect(running.endpoint(), new_options);
  EXPECT_EQ(new_client->extensions_header(), "x-xor; key=34");

  // Both chains work, each with its own key.
  old_client->send_text("old");
  new_client->send_text("new");
  auto old_echo = old_client->next_message();
  auto new_echo = new_client->next_message();
  ASSERT_TRUE(old_echo);
  ASSERT_TRUE(new_echo);
  EXPECT_EQ(old_echo->text(), "old");
  EXPECT_EQ(new_echo->text(), "new");
  EXPECT_FALSE(first_alive.expired()) << "the old factory went away under an open connection";

  // When the last connection using it ends, the old "library" is released.
  old_client->close();
  ASSERT_TRUE(old_client->wait_for_eof(3s));
  ASSERT_TRUE(events.wait_for("close code=1000"));
  for (int i = 0; i < 100 && !first_alive.expired(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(first_alive.expired());
}

// Which thread takes a connection is up to the threads' readiness (the first
// free one accepts it: server_accept_test.cpp); each serves what it took.
TEST(ServerLifecycle, EveryIoThreadServesTheConnectionsItAccepted) {
  EventLog events;
  ServerOptions options = test_options();
  options.io_threads = 2;
  RunningServer running(options, {}, echo_into(events));
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < 4; ++i) clients.push_back(TestClient::connect(running.endpoint()));
  ASSERT_TRUE(events.wait_for_count("open ", 4));
  EXPECT_EQ(events.count("open thread=0 ") + events.count("open thread=1 "), 4u);
  for (auto& client : clients) {
    client->send_text("x");
    auto echo = client->next_message();
    ASSERT_TRUE(echo);
    EXPECT_EQ(echo->text(), "x");
  }
  EXPECT_TRUE(running.log().contains("(2 I/O threads"));
}

TEST(ServerLifecycle, SendFromAnotherThreadIsPostedToTheOwner) {
  EventLog events;
  std::atomic<std::uint64_t> packed{0};
  RunningServer running(test_options(), {}, [&](Server& server) {
    ServerHandlers handlers = recording_echo(server, events);
    handlers.on_open = [&events, &packed, &server](ConnectionHandle c, const ConnectionInfo&) {
      EXPECT_EQ(server.current_thread(), c.thread);
      packed = (std::uint64_t{c.slot} << 32) | c.generation;
      events.add("open ");
    };
    return handlers;
  });
  auto client = TestClient::connect(running.endpoint());
  ASSERT_TRUE(events.wait_for("open "));
  const ConnectionHandle handle{0, static_cast<std::uint32_t>(packed >> 32),
                                static_cast<std::uint32_t>(packed & 0xffffffffu)};
  EXPECT_FALSE(running.server().current_thread());
  EXPECT_EQ(running.server().send_text(handle, "from outside"), SendResult::posted);
  auto message = client->next_message();
  ASSERT_TRUE(message);
  EXPECT_EQ(message->text(), "from outside");
  // A handle whose connection is gone is harmless.
  client->close();
  ASSERT_TRUE(client->wait_for_eof(3s));
  ASSERT_TRUE(events.wait_for("close code=1000"));
  EXPECT_EQ(running.server().send_text(handle, "nobody"), SendResult::posted);
  std::atomic<bool> checked{false};
  running.server().post(0, [&] {
    EXPECT_EQ(running.server().send_text(handle, "nobody"), SendResult::not_open);
    checked = true;
  });
  for (int i = 0; i < 200 && !checked; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_TRUE(checked);
}

TEST(ServerLifecycle, OnCloseComesExactlyOnceForEveryOpenedConnection) {
  EventLog events;
  RunningServer running(test_options(), {}, echo_into(events));
  {
    auto a = TestClient::connect(running.endpoint());
    auto b = TestClient::connect(running.endpoint());
    a->close();
    ASSERT_TRUE(a->wait_for_eof(3s));
    // b just vanishes (TCP closed without a closing handshake).
  }
  ASSERT_TRUE(events.wait_for_count("close code=", 2));
  EXPECT_EQ(events.count("close code=1000"), 1u);
  EXPECT_EQ(events.count("close code=1006 reason=connection lost"), 1u);
  // Once the server has stopped no callback can come any more: still two.
  running.server().stop();
  ASSERT_TRUE(running.wait_until_stopped(5s));
  EXPECT_EQ(events.count("close code="), 2u);
}

TEST(ServerLifecycle, AnApplicationExceptionClosesOnlyThatConnectionWith1011) {
  EventLog events;
  RunningServer running(test_options(), {}, [&](Server& server) {
    ServerHandlers handlers = recording_echo(server, events);
    handlers.on_message_here = [](CurrentConnection&, MessageType, std::span<const std::uint8_t>) {
      throw std::runtime_error("boom");
    };
    return handlers;
  });
  auto client = TestClient::connect(running.endpoint());
  client->send_text("trigger");
  auto close = client->wait_for_close();
  ASSERT_TRUE(close);
  ASSERT_EQ(close->kind, ClientEvent::Kind::close);
  EXPECT_EQ(close->code, 1011);
  EXPECT_TRUE(running.log().wait_for("application error in on_message"));
  auto next = TestClient::connect(running.endpoint());  // the server goes on
  EXPECT_EQ(next->handshake().status, 101u);
}

}  // namespace
}  // namespace wsx::test
