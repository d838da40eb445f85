#include "net/readiness_poller.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/system_error.hpp>

#include <cerrno>
#include <exception>
#include <string>

namespace wsx::net {

namespace {

int make_epoll() {
  const int fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0)
    throw boost::system::system_error(errno, boost::system::system_category(), "epoll_create1");
  return fd;
}

}  // namespace

ReadinessPoller::ReadinessPoller(boost::asio::io_context& io, Sink& sink, const Logger& logger)
    : sink_(sink), logger_(logger), epoll_(io.get_executor(), make_epoll()) {}

bool ReadinessPoller::add(int fd, Token token) noexcept {
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  event.data.u64 = token;
  return ::epoll_ctl(epoll_.native_handle(), EPOLL_CTL_ADD, fd, &event) == 0;
}

void ReadinessPoller::remove(int fd) noexcept {
  // Closing the descriptor would unregister it too, but only once no other
  // process or descriptor shares the socket (a fork, a dup): say it now.
  epoll_event ignored{};
  ::epoll_ctl(epoll_.native_handle(), EPOLL_CTL_DEL, fd, &ignored);
}

void ReadinessPoller::start() {
  stopped_ = false;
  if (!armed_) wait();
}

void ReadinessPoller::stop() noexcept {
  stopped_ = true;
  boost::system::error_code ignored;
  epoll_.cancel(ignored);
}

void ReadinessPoller::wait() {
  armed_ = true;
  epoll_.async_wait(Descriptor::wait_read, [this](const boost::system::error_code& error) {
    armed_ = false;
    if (stopped_) return;
    if (error == boost::asio::error::operation_aborted) {
      wait();  // stop() and start() again since this wait began
      return;
    }
    if (error) {
      logger_.error("readiness poller stopped: " + error.message());
      return;
    }
    deliver();
  });
}

void ReadinessPoller::deliver() {
  const int ready =
      ::epoll_wait(epoll_.native_handle(), events_.data(), static_cast<int>(events_.size()), 0);
  for (int i = 0; i < ready; ++i) {
    try {
      sink_.on_ready(events_[i].data.u64, events_[i].events);
    } catch (const std::exception& failure) {
      logger_.error(std::string("readiness event: ") + failure.what());
    } catch (...) {
      logger_.error("readiness event: unknown exception");
    }
  }
  if (stopped_) return;
  if (ready == static_cast<int>(events_.size())) {
    // More may be waiting: take them after whatever else is queued.
    armed_ = true;
    boost::asio::post(epoll_.get_executor(), [this] {
      armed_ = false;
      if (!stopped_) deliver();
    });
    return;
  }
  wait();
}

}  // namespace wsx::net
