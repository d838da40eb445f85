// The listening socket. It lives on I/O thread 0 and hands each accepted
// socket to the next I/O thread in turn (round robin): the socket is
// registered with that thread's io_context from the start, and its session
// is created there, so a connection never changes threads.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <string>

#include "net/session.hpp"

namespace wsx::net {

class ServerContext;

class Acceptor {
 public:
  explicit Acceptor(ServerContext& server);
  Acceptor(const Acceptor&) = delete;
  Acceptor& operator=(const Acceptor&) = delete;

  // Resolves `address` (IP literal or host name), binds and listens.
  // Throws boost::system::system_error when that fails.
  boost::asio::ip::tcp::endpoint listen(const std::string& address, std::uint16_t port);
  // Begins accepting (handlers run on thread 0 once it runs).
  void start();
  // Stops accepting; sockets already accepted go on. Call on thread 0.
  void close() noexcept;

  [[nodiscard]] boost::asio::ip::tcp::endpoint local_endpoint() const;

 private:
  using TcpAcceptor = boost::asio::basic_socket_acceptor<boost::asio::ip::tcp,
                                                         boost::asio::io_context::executor_type>;

  void accept_next();
  // Runs on the chosen thread: creates the session (or refuses the socket
  // while stopping).
  static void adopt(ServerContext& server, IoThread& thread, Socket socket, bool over_limit);

  ServerContext& server_;
  TcpAcceptor acceptor_;
  // Backs off after errors such as EMFILE instead of spinning on them.
  boost::asio::steady_timer retry_timer_;
  std::uint32_t next_thread_ = 0;
  bool closed_ = false;
};

}  // namespace wsx::net
