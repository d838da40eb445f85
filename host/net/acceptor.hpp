// The listening socket, accepted from on every I/O thread. Each thread waits
// for connections on its own descriptor of the one listening socket (a dup,
// registered with that thread's io_context), and a connection it accepts
// stays on it for life: its session is created there at once.
//
// Why every thread, and why one shared socket: a new connection wakes every
// thread's poll, and the first thread free to call accept() takes it, so a
// thread that is busy (in zlib, say, during a broadcast storm) takes no new
// handshakes while another is idle (issue 14: with thread 0 alone accepting,
// handshakes waited 39 s for a busy thread 0). One SO_REUSEPORT listener per
// thread would not do this: the kernel hashes each connection to one
// listener's queue whatever that thread is doing, so a busy thread's share
// would wait for it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "net/session.hpp"

namespace wsx::net {

class ServerContext;

class Acceptor {
 public:
  explicit Acceptor(ServerContext& server);
  ~Acceptor();
  Acceptor(const Acceptor&) = delete;
  Acceptor& operator=(const Acceptor&) = delete;

  // Resolves `address` (IP literal or host name), binds and listens, and
  // gives every I/O thread its descriptor of the socket. Call before the
  // threads run. Throws boost::system::system_error when that fails.
  boost::asio::ip::tcp::endpoint listen(const std::string& address, std::uint16_t port);
  // Begins accepting on every thread (handlers run once the threads run).
  // Call before the threads run.
  void start();
  // Stops accepting on I/O thread `thread`; sockets already accepted go on.
  // Call on that thread (or once the threads have stopped).
  void close(std::uint32_t thread) noexcept;

  // The bound address (any thread).
  [[nodiscard]] boost::asio::ip::tcp::endpoint local_endpoint() const { return endpoint_; }

 private:
  struct ThreadListener;

  void accept_next(ThreadListener& listener);
  // On the accepting thread: counts the socket and creates its session (a
  // 503 answer beyond max_connections).
  void adopt(IoThread& thread, Socket socket);

  ServerContext& server_;
  // One per I/O thread, in thread order; each touched only on its thread.
  std::vector<std::unique_ptr<ThreadListener>> listeners_;
  boost::asio::ip::tcp::endpoint endpoint_;
};

}  // namespace wsx::net
