// The metrics listener ([server.metrics] listen = "127.0.0.1:9102"): a
// small HTTP server of its own, on its own thread and io_context, apart
// from the WebSocket listener, so a scrape never runs on (or waits for) an
// I/O thread, and a flood of WebSocket connections never delays a probe.
// What it serves is metrics/metrics_http.hpp.
//
// Bounded: at most `max_connections` at once (more are answered 503 and
// closed), request heads up to metrics::kMaxRequestHeadBytes (else 431),
// each connection closed after one response or after `request_timeout`.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "log/log.hpp"
#include "metrics/metrics_http.hpp"

namespace wsx::net {

struct MetricsListenerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 9102;  // 0 picks a free port
  std::size_t max_connections = 16;
  std::chrono::milliseconds request_timeout{5000};
};

class MetricsListener {
 public:
  MetricsListener(MetricsListenerOptions options, metrics::MetricsSource source,
                  const Logger& logger);
  // Stops and joins the thread.
  ~MetricsListener();
  MetricsListener(const MetricsListener&) = delete;
  MetricsListener& operator=(const MetricsListener&) = delete;

  // Binds and listens, logs "metrics: serving http://ADDR:PORT/", starts the
  // thread; returns the bound endpoint. Throws boost::system::system_error
  // if the address cannot be bound.
  boost::asio::ip::tcp::endpoint start();
  [[nodiscard]] bool listening() const noexcept { return started_; }
  void stop() noexcept;

  class Connection;

 private:
  void accept_next();
  void refuse(boost::asio::ip::tcp::socket socket) noexcept;

  MetricsListenerOptions options_;
  metrics::MetricsSource source_;
  const Logger& logger_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  // Connections open now (touched on the listener's thread only).
  std::shared_ptr<std::size_t> open_;
  std::thread thread_;
  bool started_ = false;
};

}  // namespace wsx::net
