// The proxy's non-blocking upstream connect, completed through a real
// ReadinessPoller over real loopback sockets; every run bounded by run_for.
#include <gtest/gtest.h>

#include <sys/epoll.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <optional>

#include "log/log.hpp"
#include "net/readiness_poller.hpp"
#include "net/upstream_connect.hpp"

namespace wsx::net {
namespace {

using namespace std::chrono_literals;
using boost::asio::ip::tcp;

// Stops the poller at the first event, keeping it.
class FirstEventSink final : public ReadinessPoller::Sink {
 public:
  void on_ready(ReadinessPoller::Token, std::uint32_t got) override {
    if (!events) events = got;
    if (poller != nullptr) poller->stop();
  }
  std::optional<std::uint32_t> events;
  ReadinessPoller* poller = nullptr;
};

struct ConnectFixture : ::testing::Test {
  // Connects to `endpoint` and waits (at most 5 s) for the poller's event.
  boost::system::error_code connect_and_wait(const tcp::endpoint& endpoint) {
    boost::system::error_code error;
    socket = start_connect(endpoint, error);
    if (error) return error;
    EXPECT_TRUE(poller.add(socket.fd(), 1));
    sink.poller = &poller;
    poller.start();
    io.run_for(5s);
    EXPECT_TRUE(sink.events.has_value()) << "no readiness event within 5 s";
    return connect_result(socket);
  }

  boost::asio::io_context io;
  const Logger logger;
  FirstEventSink sink;
  ReadinessPoller poller{io, sink, logger};
  NativeSocket socket;
};

TEST_F(ConnectFixture, ListeningUpstreamBecomesWritableAndConnected) {
  boost::asio::io_context accept_io;
  tcp::acceptor listener(accept_io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const boost::system::error_code result = connect_and_wait(listener.local_endpoint());
  EXPECT_FALSE(result) << result.message();
  ASSERT_TRUE(sink.events.has_value());
  EXPECT_NE(*sink.events & EPOLLOUT, 0u);
  // The connection really is there: a byte sent on it reaches the listener.
  tcp::socket accepted(accept_io);
  listener.accept(accepted);
  const std::uint8_t byte = 'x';
  boost::system::error_code send_error;
  EXPECT_EQ(socket.send({&byte, 1}, 0, send_error), 1u) << send_error.message();
  std::uint8_t received = 0;
  EXPECT_EQ(accepted.read_some(boost::asio::buffer(&received, 1)), 1u);
  EXPECT_EQ(received, 'x');
}

TEST_F(ConnectFixture, NobodyListeningIsConnectionRefused) {
  // A port that was free a moment ago: bind one, note it, close it.
  tcp::endpoint closed;
  {
    boost::asio::io_context probe_io;
    tcp::acceptor probe(probe_io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    closed = probe.local_endpoint();
  }
  const boost::system::error_code result = connect_and_wait(closed);
  EXPECT_EQ(result, boost::asio::error::connection_refused) << result.message();
}

}  // namespace
}  // namespace wsx::net
