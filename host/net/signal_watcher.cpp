#include "net/signal_watcher.hpp"

#include <csignal>
#include <utility>

namespace wsx::net {

SignalWatcher::SignalWatcher(boost::asio::io_context& io, Actions actions)
    : signals_(io, SIGINT, SIGTERM, SIGHUP), actions_(std::move(actions)) {
  wait();
}

void SignalWatcher::wait() {
  signals_.async_wait([this](const boost::system::error_code& error, int signal_number) {
    if (error || cancelled_) return;
    if (signal_number == SIGHUP) {
      if (actions_.reload) actions_.reload();
    } else if (actions_.stop) {
      actions_.stop();
    }
    // Keep listening: a reload may come many times, and a second Ctrl-C
    // must still reach us while a graceful shutdown is waiting on peers.
    if (!cancelled_) wait();
  });
}

void SignalWatcher::cancel() noexcept {
  cancelled_ = true;
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  signals_.clear(ignored);
}

}  // namespace wsx::net
