#include "net/acceptor.hpp"

#include <boost/asio/post.hpp>

#include <chrono>
#include <utility>

#include "net/io_thread.hpp"
#include "net/server_context.hpp"

namespace wsx::net {

namespace {
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
}  // namespace

Acceptor::Acceptor(ServerContext& server)
    : server_(server),
      acceptor_(server.thread(0).io().get_executor()),
      retry_timer_(server.thread(0).io()) {}

boost::asio::ip::tcp::endpoint Acceptor::listen(const std::string& address, std::uint16_t port) {
  using boost::asio::ip::tcp;
  tcp::resolver resolver(server_.thread(0).io());
  const auto results = resolver.resolve(address, std::to_string(port),
                                        tcp::resolver::passive | tcp::resolver::numeric_service);
  const tcp::endpoint endpoint = results.begin()->endpoint();
  acceptor_.open(endpoint.protocol());
  // A restarted server may bind while old connections sit in TIME_WAIT.
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(boost::asio::socket_base::max_listen_connections);
  return acceptor_.local_endpoint();
}

void Acceptor::start() {
  accept_next();
}

void Acceptor::close() noexcept {
  closed_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel();
}

boost::asio::ip::tcp::endpoint Acceptor::local_endpoint() const {
  boost::system::error_code ignored;
  return acceptor_.local_endpoint(ignored);
}

void Acceptor::accept_next() {
  if (closed_) return;
  IoThread& target = server_.thread(next_thread_);
  next_thread_ = (next_thread_ + 1) % server_.thread_count();
  // The socket is created on the target's io_context; its session then
  // hands the descriptor to that thread's ReadinessPoller (session.cpp).
  acceptor_.async_accept(
      target.io(), [this, &target](const boost::system::error_code& error, Socket socket) {
        if (closed_ || error == boost::asio::error::operation_aborted) return;
        if (error) {
          // EMFILE, ENFILE, ENOBUFS...: the listening socket is fine; try again
          // shortly rather than spin.
          server_.logger().warning("accept failed: " + error.message());
          retry_timer_.expires_after(kAcceptRetryDelay);
          retry_timer_.async_wait([this](const boost::system::error_code& timer_error) {
            if (!timer_error) accept_next();
          });
          return;
        }
        const bool admitted =
            server_.admit_connection(server_.thread(0).settings()->limits.max_connections);
        boost::asio::post(target.io(), [server = &server_, thread = &target,
                                        socket = std::move(socket), admitted]() mutable {
          adopt(*server, *thread, std::move(socket), !admitted);
        });
        accept_next();
      });
}

void Acceptor::adopt(ServerContext& server, IoThread& thread, Socket socket, bool over_limit) {
  if (server.stopping() && thread.finished()) {
    server.release_connection();
    return;  // the socket closes as it goes out of scope
  }
  try {
    Session& session = thread.sessions().emplace([&](Session::Key key) {
      return std::make_unique<Session>(server, thread, key, std::move(socket), over_limit);
    });
    session.start();
  } catch (const std::exception& error) {
    server.release_connection();
    server.logger().error(std::string("cannot set up a connection: ") + error.what());
  }
}

}  // namespace wsx::net
