// raw-tcp-echo: the socket limit for the benchmarks. One thread, plain
// edge-triggered epoll and no framework at all: every byte goes back as soon
// as it arrives, with no framing. Per echoed message it makes the fewest
// system calls a TCP server can make on Linux (one recv, one send, a share of
// one epoll_wait; nothing is re-armed), so its CPU per message is the floor
// under any WebSocket server on this kernel, and whatever wsx or Beast spend
// on top of it is protocol, extension and event-loop work.
//
//   raw-tcp-echo [--port P]     prints "listening on 127.0.0.1:PORT"
//
// A peer that does not read its echoes is not buffered without limit: past
// kPendingCap unsent bytes the connection stops reading until they drain
// (back-pressure, as wsx's max_send_queue). SIGINT/SIGTERM stop it.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <iostream>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "peer_options.hpp"

namespace {

// 64 KiB: one read drains what a loopback segment train usually carries.
constexpr std::size_t kReadChunk = 64 * 1024;
// Unsent bytes a connection may hold before it stops reading: room for a
// whole 1 MiB message of the "large" scenario and then some, so that
// reading and writing overlap as they do in a WebSocket server.
constexpr std::size_t kPendingCap = 4 * 1024 * 1024;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

// Owns one file descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd& operator=(Fd&&) = delete;
  [[nodiscard]] int get() const noexcept { return fd_; }

 private:
  int fd_;
};

// Bytes received and not yet echoed: [begin, end) of one block that is
// reused (never zero-filled) and grows only for a peer that reads slowly.
class EchoQueue {
 public:
  [[nodiscard]] std::size_t size() const noexcept { return end_ - begin_; }
  [[nodiscard]] const std::byte* data() const noexcept { return block_.get() + begin_; }
  // Room for at least `bytes` more at the tail.
  std::span<std::byte> tail(std::size_t bytes) {
    if (capacity_ - end_ < bytes) {
      const std::size_t needed = size() + bytes;
      if (capacity_ < needed) {
        auto bigger = std::make_unique_for_overwrite<std::byte[]>(needed);
        if (size() != 0) std::memcpy(bigger.get(), data(), size());
        block_ = std::move(bigger);
        capacity_ = needed;
      } else if (size() != 0) {
        std::memmove(block_.get(), data(), size());
      }
      end_ = size();
      begin_ = 0;
    }
    return {block_.get() + end_, capacity_ - end_};
  }
  void appended(std::size_t bytes) noexcept { end_ += bytes; }
  void consumed(std::size_t bytes) noexcept {
    begin_ += bytes;
    if (begin_ == end_) begin_ = end_ = 0;
  }

 private:
  std::unique_ptr<std::byte[]> block_;
  std::size_t capacity_ = 0;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

// One accepted socket and the echo it still owes.
struct Connection {
  explicit Connection(int fd) : socket(fd) {}
  Fd socket;
  EchoQueue unsent;
};

class EchoServer {
 public:
  explicit EchoServer(std::uint16_t port)
      : listener_(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)),
        epoll_(::epoll_create1(EPOLL_CLOEXEC)),
        signals_(make_signal_fd()) {
    if (listener_.get() < 0) fail("socket");
    if (epoll_.get() < 0) fail("epoll_create1");
    const int one = 1;
    ::setsockopt(listener_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener_.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
      fail("bind 127.0.0.1:" + std::to_string(port));
    if (::listen(listener_.get(), SOMAXCONN) != 0) fail("listen");
    watch(listener_.get(), EPOLLIN);  // level-triggered: accept until EAGAIN anyway
    watch(signals_.get(), EPOLLIN);
  }

  [[nodiscard]] std::uint16_t port() const {
    sockaddr_in address{};
    socklen_t size = sizeof address;
    if (::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&address), &size) != 0)
      fail("getsockname");
    return ntohs(address.sin_port);
  }

  // Serves until SIGINT or SIGTERM.
  void run() {
    std::array<epoll_event, 256> events{};
    for (;;) {
      const int ready = ::epoll_wait(epoll_.get(), events.data(), events.size(), -1);
      if (ready < 0) {
        if (errno == EINTR) continue;
        fail("epoll_wait");
      }
      for (int i = 0; i < ready; ++i) {
        const int fd = events[i].data.fd;
        if (fd == signals_.get()) return;
        if (fd == listener_.get()) {
          accept_all();
          continue;
        }
        const auto found = connections_.find(fd);
        if (found == connections_.end()) continue;
        Connection& connection = *found->second;
        const std::uint32_t what = events[i].events;
        bool alive = true;
        if (what & (EPOLLOUT | EPOLLERR | EPOLLHUP)) alive = flush(connection, /*then_read=*/true);
        if (alive && (what & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)))
          alive = read_and_echo(connection);
        if (!alive) connections_.erase(found);
      }
    }
  }

 private:
  static Fd make_signal_fd() {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    if (::sigprocmask(SIG_BLOCK, &mask, nullptr) != 0) fail("sigprocmask");
    Fd fd(::signalfd(-1, &mask, SFD_CLOEXEC));
    if (fd.get() < 0) fail("signalfd");
    return fd;
  }

  void watch(int fd, std::uint32_t events) {
    epoll_event event{};
    event.events = events;
    event.data.fd = fd;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0) fail("epoll_ctl");
  }

  void accept_all() {
    for (;;) {
      const int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN, or EMFILE and friends: serve what we have
      auto connection = std::make_unique<Connection>(fd);
      const int one = 1;
      // Same as wsx and beast-echo: small echoes must not wait for Nagle.
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      // Edge-triggered, registered once for both directions: no epoll_ctl
      // per message, unlike a reactor that re-arms each wait.
      epoll_event event{};
      event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
      event.data.fd = fd;
      if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0) continue;  // closes it
      connections_[fd] = std::move(connection);
    }
  }

  // Reads until the socket is empty (edge-triggered) or the connection owes
  // kPendingCap bytes, then echoes all of it with one send: as a WebSocket
  // server writes a whole message at once, not each read as it comes.
  // False once the connection is gone.
  bool read_and_echo(Connection& connection) {
    bool drained = false;
    while (!drained && connection.unsent.size() < kPendingCap) {
      const std::span<std::byte> room = connection.unsent.tail(kReadChunk);
      const ssize_t n = ::recv(connection.socket.get(), room.data(), room.size(), 0);
      if (n == 0) return false;  // end of stream
      if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
        break;
      }
      connection.unsent.appended(static_cast<std::size_t>(n));
      // A short read emptied the socket: the next byte raises a new edge.
      drained = static_cast<std::size_t>(n) < room.size();
    }
    return flush(connection, /*then_read=*/false);
  }

  // Writes what the connection owes. If it was holding off reading (at
  // kPendingCap) and that made room, reads on: input may have arrived
  // without a new edge for us.
  bool flush(Connection& connection, bool then_read) {
    const bool was_paused = connection.unsent.size() >= kPendingCap;
    while (connection.unsent.size() > 0) {
      const ssize_t written = ::send(connection.socket.get(), connection.unsent.data(),
                                     connection.unsent.size(), MSG_NOSIGNAL);
      if (written < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;  // the next EPOLLOUT edge
        return false;
      }
      connection.unsent.consumed(static_cast<std::size_t>(written));
    }
    if (then_read && was_paused && connection.unsent.size() < kPendingCap)
      return read_and_echo(connection);
    return true;
  }

  Fd listener_;
  Fd epoll_;
  Fd signals_;
  std::unordered_map<int, std::unique_ptr<Connection>> connections_;
};

}  // namespace

int main(int argc, char** argv) {
  const auto options = wsx::bench::parse_peer_options(argc, argv, wsx::bench::PeerKind::raw);
  if (!options) return 2;
  try {
    EchoServer server(options->port);
    std::cout << "listening on 127.0.0.1:" << server.port() << std::endl;
    server.run();
  } catch (const std::exception& error) {
    std::cerr << "raw-tcp-echo: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
