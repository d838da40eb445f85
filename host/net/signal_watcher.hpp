// Turns process signals into server actions, on an I/O thread (Asio's
// signal_set runs the handler as an ordinary completion, so the actions may
// do anything, unlike a raw async-signal handler):
//   SIGINT, SIGTERM  -> stop (graceful shutdown); a second one while stopping
//                       -> stop again, which the server treats as "now".
//   SIGHUP           -> reload (re-read the config and plugins).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <functional>

namespace wsx::net {

class SignalWatcher {
 public:
  struct Actions {
    std::function<void()> stop;
    std::function<void()> reload;
  };

  SignalWatcher(boost::asio::io_context& io, Actions actions);
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // Stops watching and restores default handling when the signal_set is
  // destroyed; lets the io_context run out of work.
  void cancel() noexcept;

 private:
  void wait();

  boost::asio::signal_set signals_;
  Actions actions_;
  bool cancelled_ = false;
};

}  // namespace wsx::net
