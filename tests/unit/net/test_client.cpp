#include "test_client.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>

#include "core/close/close_status.hpp"

namespace wsx::test {

namespace {

int poll_for(int fd, short events, std::chrono::milliseconds timeout) {
  pollfd entry{fd, events, 0};
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int ready = ::poll(&entry, 1, static_cast<int>(timeout.count()));
    if (ready >= 0 || errno != EINTR) return ready;
  }
  return -1;
}

class Recorder final : public core::ConnectionHandler {
 public:
  explicit Recorder(std::deque<ClientEvent>& events) : events_(events) {}
  void on_message(std::uint8_t opcode, std::span<const std::uint8_t> payload) override {
    events_.push_back(
        {ClientEvent::Kind::message, opcode, {payload.begin(), payload.end()}, 0, {}});
  }
  void on_ping(std::span<const std::uint8_t> payload) override {
    events_.push_back({ClientEvent::Kind::ping, 0x9, {payload.begin(), payload.end()}, 0, {}});
  }
  void on_pong(std::span<const std::uint8_t> payload) override {
    events_.push_back({ClientEvent::Kind::pong, 0xA, {payload.begin(), payload.end()}, 0, {}});
  }
  void on_close(std::uint16_t code, std::string_view reason) override {
    events_.push_back({ClientEvent::Kind::close, 0x8, {}, code, std::string(reason)});
  }
  void on_protocol_error(std::uint16_t code, std::string_view reason) override {
    events_.push_back({ClientEvent::Kind::protocol_error, 0, {}, code, std::string(reason)});
  }

 private:
  std::deque<ClientEvent>& events_;
};

}  // namespace

// --- RawSocket ------------------------------------------------------------------

RawSocket::RawSocket(const boost::asio::ip::tcp::endpoint& endpoint) {
  fd_ = ::socket(endpoint.protocol().family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  if (::connect(fd_, endpoint.data(), static_cast<socklen_t>(endpoint.size())) != 0) {
    const int error = errno;
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error(std::string("connect: ") + std::strerror(error));
  }
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

RawSocket::~RawSocket() {
  if (fd_ >= 0) ::close(fd_);
}

void RawSocket::set_receive_buffer(int bytes) {
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
}

void RawSocket::write_all(std::span<const std::uint8_t> bytes) {
  std::size_t done = 0;
  // Bounded: each pass either writes or waits up to 5 s for room.
  for (int pass = 0; done < bytes.size() && pass < 100000; ++pass) {
    const ssize_t n =
        ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (poll_for(fd_, POLLOUT, std::chrono::milliseconds(5000)) <= 0)
        throw std::runtime_error("write timed out");
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    throw std::runtime_error(std::string("send: ") + std::strerror(errno));
  }
  if (done < bytes.size()) throw std::runtime_error("write did not finish");
}

std::vector<std::uint8_t> RawSocket::read_some(std::chrono::milliseconds timeout) {
  std::vector<std::uint8_t> out;
  if (eof_) return out;
  if (poll_for(fd_, POLLIN, timeout) <= 0) return out;
  out.resize(64 * 1024);
  const ssize_t n = ::recv(fd_, out.data(), out.size(), MSG_DONTWAIT);
  if (n <= 0) {
    if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      eof_ = true;
      // Like any client: once the server closed TCP, close our side too
      // (RFC 6455 section 7.1.1), so the server's lingering close ends.
      ::shutdown(fd_, SHUT_WR);
    }
    out.clear();
    return out;
  }
  out.resize(static_cast<std::size_t>(n));
  return out;
}

bool RawSocket::wait_for_eof(std::chrono::milliseconds timeout, std::string* received) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!eof_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    const auto bytes = read_some(left);
    if (received != nullptr) received->append(bytes.begin(), bytes.end());
  }
  return true;
}

// --- TestClient -----------------------------------------------------------------

std::unique_ptr<TestClient> TestClient::connect(const boost::asio::ip::tcp::endpoint& endpoint,
                                                ClientOptions options) {
  auto socket = std::make_unique<RawSocket>(endpoint);
  core::ClientHandshakeOptions request_options;
  request_options.host = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  request_options.target = options.target;
  request_options.subprotocols = options.subprotocols;
  request_options.extra_headers = options.extra_headers;
  std::mt19937 random(std::random_device{}());
  const core::ClientRequest request = core::build_client_request(
      request_options, options.factories, [&](std::span<std::uint8_t, 16> nonce) {
        for (auto& byte : nonce) byte = static_cast<std::uint8_t>(random());
      });
  if (!request.ok()) throw std::runtime_error("cannot build request: " + *request.error);
  socket->write_all(request.bytes);

  std::vector<std::uint8_t> received;
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  for (int reads = 0; reads < 10000; ++reads) {
    core::ClientHandshake handshake = core::client_handshake(received, request, options.factories);
    if (handshake.state == core::HandshakeState::rejected)
      throw std::runtime_error("handshake rejected: status " + std::to_string(handshake.status) +
                               ": " + handshake.reason);
    if (handshake.state == core::HandshakeState::accepted) {
      std::vector<std::uint8_t> leftover(
          received.begin() + static_cast<std::ptrdiff_t>(handshake.consumed), received.end());
      auto client =
          std::make_unique<TestClient>(std::move(socket), std::move(handshake), options.timeout);
      if (!leftover.empty()) {
        Recorder recorder(client->events_);
        client->connection_->receive(leftover, recorder);
      }
      return client;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    const auto bytes = socket->read_some(left);
    if (bytes.empty() && socket->eof())
      throw std::runtime_error("server closed during the handshake");
    received.insert(received.end(), bytes.begin(), bytes.end());
  }
  throw std::runtime_error("handshake timed out");
}

TestClient::TestClient(std::unique_ptr<RawSocket> socket, core::ClientHandshake handshake,
                       std::chrono::milliseconds timeout)
    : socket_(std::move(socket)), handshake_(std::move(handshake)), timeout_(timeout) {
  connection_.emplace(core::Role::client, std::move(handshake_.extensions));
}

std::string TestClient::extensions_header() const {
  const auto value = core::single_header(handshake_.headers, "Sec-WebSocket-Extensions");
  return value ? std::string(*value) : std::string();
}

void TestClient::flush() {
  while (connection_->has_pending_output()) {
    const auto out = connection_->pending_output();
    socket_->write_all(out);
    connection_->consume_output(out.size());
  }
}

void TestClient::send_text(std::string_view text) {
  connection_->send_text(text);
  flush();
}

void TestClient::send_binary(std::span<const std::uint8_t> bytes) {
  connection_->send_binary(bytes);
  flush();
}

void TestClient::send_ping(std::string_view payload) {
  connection_->send_ping({reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()});
  flush();
}

void TestClient::close(std::uint16_t code, std::string_view reason) {
  connection_->close(code, reason);
  flush();
}

bool TestClient::pump(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  auto bytes = socket_->read_some(left);
  if (bytes.empty()) {
    if (socket_->eof() && !eof_reported_) {
      eof_reported_ = true;
      connection_->receive_eof();
      events_.push_back({ClientEvent::Kind::eof, 0, {}, 0, {}});
      return true;
    }
    return false;
  }
  Recorder recorder(events_);
  connection_->receive(bytes, recorder);
  // Answer pings and echo a Close like any client would.
  if (!socket_->eof()) {
    try {
      flush();
    } catch (const std::runtime_error&) {
      // The server may already have closed; the events tell the story.
    }
  }
  return true;
}

std::optional<ClientEvent> TestClient::next_event(
    std::optional<std::chrono::milliseconds> timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout.value_or(timeout_);
  while (events_.empty()) {
    if (!pump(deadline)) return std::nullopt;
  }
  ClientEvent event = std::move(events_.front());
  events_.pop_front();
  return event;
}

std::optional<ClientEvent> TestClient::next_message(
    std::optional<std::chrono::milliseconds> timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout.value_or(timeout_);
  for (int skipped = 0; skipped < 100000; ++skipped) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto event = next_event(std::max(left, std::chrono::milliseconds{0}));
    if (!event) return std::nullopt;
    if (event->kind == ClientEvent::Kind::message) return event;
    if (event->kind != ClientEvent::Kind::ping && event->kind != ClientEvent::Kind::pong) {
      events_.push_front(std::move(*event));
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<ClientEvent> TestClient::wait_for_close(
    std::optional<std::chrono::milliseconds> timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout.value_or(timeout_);
  for (int skipped = 0; skipped < 100000; ++skipped) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto event = next_event(std::max(left, std::chrono::milliseconds{0}));
    if (!event) return std::nullopt;
    if (event->kind == ClientEvent::Kind::close || event->kind == ClientEvent::Kind::eof ||
        event->kind == ClientEvent::Kind::protocol_error)
      return event;
  }
  return std::nullopt;
}

bool TestClient::wait_for_eof(std::optional<std::chrono::milliseconds> timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout.value_or(timeout_);
  for (int events = 0; events < 100000; ++events) {
    if (eof_reported_) return true;
    if (!pump(deadline)) return eof_reported_;
  }
  return eof_reported_;
}

}  // namespace wsx::test
