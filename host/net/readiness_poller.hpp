// Edge-triggered readiness for the sockets of one I/O thread, through an
// epoll instance of the thread's own that its io_context watches as a single
// descriptor.
//
// Why: Asio 1.74's reactor re-arms each wait on a socket with an
// epoll_ctl(EPOLL_CTL_MOD), a system call per message received (about a
// tenth of wsx-host's CPU per small echoed message). Here each socket is
// registered once, for input and output, edge-triggered; a batch of ready
// sockets costs one epoll_wait and one re-arm of the io_context's wait on
// the epoll descriptor, however many sockets it holds. Timers, posted work
// and the acceptor stay on the io_context as before.
//
// Edge-triggered means: after an event, the owner reads (or writes) until
// the socket would block or a short read shows it empty; the next byte
// raises a new event. Events for a socket nobody waits on are simply
// dropped by the owner; whoever stops reading early must read again later
// without waiting for an event (Session::resume_reading).
//
// Threading: the owning I/O thread only. Not copyable.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/basic_stream_descriptor.hpp>

#include <sys/epoll.h>

#include <array>
#include <cstdint>

#include "log/log.hpp"

namespace wsx::net {

class ReadinessPoller {
 public:
  // What a registration is known by in its events (a session's key).
  using Token = std::uint64_t;

  // Receives the events of each ready socket, on the I/O thread.
  class Sink {
   public:
    // `events`: EPOLLIN, EPOLLOUT, EPOLLRDHUP, EPOLLERR, EPOLLHUP bits. Must
    // not throw: an exception is logged and the batch goes on.
    virtual void on_ready(Token token, std::uint32_t events) = 0;

   protected:
    ~Sink() = default;
  };

  // Throws boost::system::system_error if the epoll instance cannot be made.
  ReadinessPoller(boost::asio::io_context& io, Sink& sink, const Logger& logger);
  ReadinessPoller(const ReadinessPoller&) = delete;
  ReadinessPoller& operator=(const ReadinessPoller&) = delete;

  // Registers a connected non-blocking socket, edge-triggered for input,
  // output, the peer's FIN and errors. An event is raised at once for
  // readiness that is already there. False if the kernel refuses (ENOMEM,
  // ENOSPC: max_user_watches).
  [[nodiscard]] bool add(int fd, Token token) noexcept;
  // Before the descriptor is closed: no event for it after this returns.
  void remove(int fd) noexcept;

  // Starts watching (from the I/O thread, or before it runs). A watch keeps
  // the io_context busy: stop() it to let run() return. Both may be called
  // again later, in any order.
  void start();
  void stop() noexcept;

 private:
  void wait();
  // Delivers one batch of events; re-arms the wait (or posts the next batch
  // when this one filled the array, so timers and posted work get a turn).
  void deliver();

  using Descriptor =
      boost::asio::posix::basic_stream_descriptor<boost::asio::io_context::executor_type>;

  Sink& sink_;
  const Logger& logger_;
  // Owns the epoll descriptor (closes it on destruction).
  Descriptor epoll_;
  bool stopped_ = true;
  // A wait on the epoll descriptor is outstanding, or a batch is posted.
  bool armed_ = false;
  std::array<epoll_event, 128> events_{};
};

}  // namespace wsx::net
