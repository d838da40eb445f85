#include "net/metrics_listener.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <exception>
#include <utility>

#include "net/endpoint_text.hpp"

namespace wsx::net {

namespace asio = boost::asio;
using asio::ip::tcp;

// One HTTP connection: read the head (bounded in size and time), answer
// once, close.
class MetricsListener::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, const metrics::MetricsSource& source,
             std::shared_ptr<std::size_t> open, std::chrono::milliseconds timeout)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        source_(source),
        open_(std::move(open)),
        timeout_(timeout) {
    ++*open_;
  }
  ~Connection() { --*open_; }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start() {
    timer_.expires_after(timeout_);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (!error) self->close();  // too slow: no answer owed
    });
    read();
  }

 private:
  void read() {
    socket_.async_read_some(
        asio::buffer(chunk_),
        [self = shared_from_this()](const boost::system::error_code& error, std::size_t n) {
          if (error) {
            self->close();
            return;
          }
          self->received_.append(self->chunk_.data(), n);
          const metrics::ParsedRequest request = metrics::parse_request(self->received_);
          if (request.state == metrics::RequestState::need_more) {
            self->read();
            return;
          }
          self->answer(request);
        });
  }

  void answer(const metrics::ParsedRequest& request) {
    try {
      response_ = metrics::respond(request, source_);
    } catch (const std::exception&) {
      response_ = metrics::error_response(500, "internal error");
    }
    received_ = std::string();
    asio::async_write(socket_, asio::buffer(response_),
                      [self = shared_from_this()](const boost::system::error_code&, std::size_t) {
                        boost::system::error_code ignored;
                        self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
                        self->close();
                      });
  }

  void close() noexcept {
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.close(ignored);
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  const metrics::MetricsSource& source_;
  std::shared_ptr<std::size_t> open_;
  std::chrono::milliseconds timeout_;
  std::array<char, 1024> chunk_{};
  std::string received_;
  std::string response_;
};

MetricsListener::MetricsListener(MetricsListenerOptions options, metrics::MetricsSource source,
                                 const Logger& logger)
    : options_(std::move(options)),
      source_(std::move(source)),
      logger_(logger),
      io_(1),
      acceptor_(io_),
      open_(std::make_shared<std::size_t>(0)) {}

MetricsListener::~MetricsListener() {
  stop();
}

tcp::endpoint MetricsListener::start() {
  tcp::resolver resolver(io_);
  const auto results = resolver.resolve(options_.address, std::to_string(options_.port),
                                        tcp::resolver::numeric_service);
  const tcp::endpoint wanted = results.begin()->endpoint();
  acceptor_.open(wanted.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(wanted);
  acceptor_.listen();
  const tcp::endpoint bound = acceptor_.local_endpoint();
  // Not "listening on ...": tools find the WebSocket port by that phrase.
  logger_.info("metrics: serving http://" + endpoint_text(bound) +
               "/ (GET /metrics, /healthz, /readyz, /status.json, /)");
  accept_next();
  started_ = true;
  thread_ = std::thread([this] {
    for (;;) {
      try {
        io_.run();
        return;
      } catch (const std::exception& error) {
        logger_.error(std::string("metrics listener: ") + error.what());
      }
    }
  });
  return bound;
}

void MetricsListener::stop() noexcept {
  if (!thread_.joinable()) return;
  asio::post(io_, [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    io_.stop();
  });
  thread_.join();
}

void MetricsListener::accept_next() {
  acceptor_.async_accept([this](const boost::system::error_code& error, tcp::socket socket) {
    if (error == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!error) {
      if (*open_ >= options_.max_connections) {
        refuse(std::move(socket));
      } else {
        std::make_shared<Connection>(std::move(socket), source_, open_, options_.request_timeout)
            ->start();
      }
    }
    accept_next();
  });
}

void MetricsListener::refuse(tcp::socket socket) noexcept {
  // Over the cap: one best-effort non-blocking write of a 503, then close
  // (the kernel's buffer of a fresh socket takes these few bytes).
  try {
    static const std::string response =
        metrics::error_response(503, "too many metrics connections");
    boost::system::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.write_some(asio::buffer(response), ignored);
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    socket.close(ignored);
  } catch (...) {
  }
}

}  // namespace wsx::net
