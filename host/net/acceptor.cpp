#include "net/acceptor.hpp"

#include <unistd.h>

#include <boost/system/system_error.hpp>

#include <cerrno>
#include <chrono>
#include <utility>

#include "net/io_thread.hpp"
#include "net/server_context.hpp"

namespace wsx::net {

namespace {
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
}  // namespace

// One I/O thread's view of the listening socket.
struct Acceptor::ThreadListener {
  using TcpAcceptor = boost::asio::basic_socket_acceptor<boost::asio::ip::tcp,
                                                         boost::asio::io_context::executor_type>;

  explicit ThreadListener(IoThread& owner)
      : thread(owner), acceptor(owner.io().get_executor()), retry_timer(owner.io()) {}

  IoThread& thread;
  TcpAcceptor acceptor;
  // Backs off after errors such as EMFILE instead of spinning on them.
  boost::asio::steady_timer retry_timer;
  bool closed = false;
};

Acceptor::Acceptor(ServerContext& server) : server_(server) {
  listeners_.reserve(server.thread_count());
  for (std::uint32_t i = 0; i < server.thread_count(); ++i)
    listeners_.push_back(std::make_unique<ThreadListener>(server.thread(i)));
}

Acceptor::~Acceptor() = default;

boost::asio::ip::tcp::endpoint Acceptor::listen(const std::string& address, std::uint16_t port) {
  using boost::asio::ip::tcp;
  tcp::resolver resolver(server_.thread(0).io());
  const auto results = resolver.resolve(address, std::to_string(port),
                                        tcp::resolver::passive | tcp::resolver::numeric_service);
  const tcp::endpoint endpoint = results.begin()->endpoint();
  ThreadListener::TcpAcceptor& first = listeners_.front()->acceptor;
  first.open(endpoint.protocol());
  // A restarted server may bind while old connections sit in TIME_WAIT.
  first.set_option(tcp::acceptor::reuse_address(true));
  first.bind(endpoint);
  first.listen(boost::asio::socket_base::max_listen_connections);
  // The other threads get their own descriptor of the same socket (one
  // accept queue), each registered with its own thread's reactor.
  for (std::size_t i = 1; i < listeners_.size(); ++i) {
    const int fd = ::dup(first.native_handle());
    if (fd < 0) {
      throw boost::system::system_error(errno, boost::system::system_category(),
                                        "dup of the listening socket");
    }
    boost::system::error_code error;
    listeners_[i]->acceptor.assign(endpoint.protocol(), fd, error);
    if (error) {
      ::close(fd);
      throw boost::system::system_error(error, "listening socket for an I/O thread");
    }
  }
  endpoint_ = first.local_endpoint();
  return endpoint_;
}

void Acceptor::start() {
  for (const auto& listener : listeners_) accept_next(*listener);
}

void Acceptor::close(std::uint32_t thread) noexcept {
  if (thread >= listeners_.size()) return;
  ThreadListener& listener = *listeners_[thread];
  listener.closed = true;
  boost::system::error_code ignored;
  listener.acceptor.close(ignored);
  listener.retry_timer.cancel();
}

void Acceptor::accept_next(ThreadListener& listener) {
  if (listener.closed) return;
  // The socket is created on this thread's io_context; its session then
  // hands the descriptor to this thread's ReadinessPoller (session.cpp).
  listener.acceptor.async_accept(
      listener.thread.io(),
      [this, &listener](const boost::system::error_code& error, Socket socket) {
        if (listener.closed || error == boost::asio::error::operation_aborted) return;
        if (error) {
          // EMFILE, ENFILE, ENOBUFS...: the listening socket is fine; try
          // again shortly rather than spin.
          server_.logger().warning("accept failed: " + error.message());
          listener.retry_timer.expires_after(kAcceptRetryDelay);
          listener.retry_timer.async_wait(
              [this, &listener](const boost::system::error_code& timer_error) {
                if (!timer_error) accept_next(listener);
              });
          return;
        }
        adopt(listener.thread, std::move(socket));
        accept_next(listener);
      });
}

void Acceptor::adopt(IoThread& thread, Socket socket) {
  const bool admitted = server_.admit_connection(thread.settings()->limits.max_connections);
  try {
    Session& session = thread.sessions().emplace([&](Session::Key key) {
      return std::make_unique<Session>(server_, thread, key, std::move(socket), !admitted);
    });
    session.start();
  } catch (const std::exception& error) {
    server_.release_connection();
    server_.logger().error(std::string("cannot set up a connection: ") + error.what());
  }
}

}  // namespace wsx::net
