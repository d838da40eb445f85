// Interop: wsx's CLIENT role (host/core handshake_client + Connection in the
// client role, extensions from plugins loaded by host/plugins' PluginSet) against
// a server nobody here wrote. core_client_interop.py runs it against
// python-websockets' server; any RFC 6455 echo server will do:
//
//   wsx_core_client_interop --port 9001 --plugin wsx_permessage_deflate.so
//       [--param client_max_window_bits=10 ...]
//       (--expect-extensions "permessage-deflate; ..." | --expect-no-extensions)
//
// --param values are the plugin's [plugin.params] (true/false = boolean,
// digits = integer, else string); they decide what the client offers.
// Without --plugin nothing is offered. One connection: the offer and the
// server's Sec-WebSocket-Extensions are printed and the response checked;
// every message of the size matrix, text and binary, must come back byte for
// byte with its type; 300 JSON messages pipelined (RFC 7692 section 7.1.1
// context takeover); a ping gets its pong (RFC 6455 section 5.5.3); close with
// 1000 and the server closes TCP (section 7.1.1). Exit 0 when all holds, 1
// on a failure, 2 on a usage error. Every wait is bounded.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/connection/connection.hpp"
#include "core/handshake/handshake_client.hpp"
#include "core/handshake/http_head.hpp"
#include "loader/plugin_set.hpp"
#include "log/log.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kStepTimeout = 10s;  // any single wait
constexpr std::size_t kJsonMessages = 300;

// A failed expectation: the program reports it and exits 1.
struct CheckFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void check(bool condition, const std::string& message) {
  if (!condition) throw CheckFailure(message);
}

// --- Command line ------------------------------------------------------------

struct Options {
  std::uint16_t port = 0;
  std::optional<std::filesystem::path> plugin;
  std::vector<wsx::config::PluginParam> params;
  // nullopt: --expect-no-extensions (the response must carry none).
  std::optional<std::string> expected_extensions;
  bool expectation_given = false;
};

wsx::config::PluginParamValue param_value(const std::string& text) {
  if (text == "true") return true;
  if (text == "false") return false;
  if (!text.empty() &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return static_cast<std::int64_t>(std::stoll(text));
  return text;
}

Options parse_options(int argc, char** argv) {
  Options options;
  const std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw std::invalid_argument(arg + " needs a value");
      return args[++i];
    };
    if (arg == "--port") {
      const int port = std::stoi(value());
      if (port <= 0 || port > 65535) throw std::invalid_argument("--port out of range");
      options.port = static_cast<std::uint16_t>(port);
    } else if (arg == "--plugin") {
      options.plugin = std::filesystem::absolute(value());
    } else if (arg == "--param") {
      const std::string& text = value();
      const auto equals = text.find('=');
      if (equals == std::string::npos) throw std::invalid_argument("--param wants key=value");
      options.params.push_back(
          {text.substr(0, equals), param_value(text.substr(equals + 1)), {"--param", 0, 0}});
    } else if (arg == "--expect-extensions") {
      options.expected_extensions = value();
      options.expectation_given = true;
    } else if (arg == "--expect-no-extensions") {
      options.expected_extensions.reset();
      options.expectation_given = true;
    } else {
      throw std::invalid_argument("unknown argument " + arg);
    }
  }
  if (options.port == 0) throw std::invalid_argument("--port is required");
  if (!options.expectation_given)
    throw std::invalid_argument("--expect-extensions or --expect-no-extensions is required");
  if (!options.plugin && !options.params.empty())
    throw std::invalid_argument("--param needs --plugin");
  return options;
}

// --- Payloads (deterministic) ---------------------------------------------------

// xorshift32: the same bytes on every run, no global state.
class Prng {
 public:
  explicit Prng(std::uint32_t seed) : state_(seed == 0 ? 1 : seed) {}
  std::uint32_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return state_;
  }

 private:
  std::uint32_t state_;
};

constexpr std::string_view kWords[] = {"wsx",  "deflate", "frame", "käse", "naïve",
                                       "€uro", "日本語",  "😀",     "rsv1", "window"};

// Exactly `size` bytes of valid UTF-8 mixing 1- to 4-byte characters: whole
// words only, padded with ASCII.
std::string text_of_size(std::size_t size, std::uint32_t seed) {
  Prng prng(seed);
  std::string text;
  text.reserve(size);
  for (;;) {
    const std::string_view word = kWords[prng.next() % std::size(kWords)];
    if (text.size() + word.size() + 1 > size) break;
    text.append(word).push_back(' ');
  }
  text.append(size - text.size(), 'a');
  return text;
}

std::vector<std::uint8_t> binary_of_size(std::size_t size, std::uint32_t seed) {
  Prng prng(seed);
  std::vector<std::uint8_t> bytes(size);
  for (auto& byte : bytes) byte = static_cast<std::uint8_t>(prng.next());
  return bytes;
}

std::string json_message(std::size_t seq, Prng& prng) {
  static constexpr std::string_view kTypes[] = {"update", "insert", "delete", "snapshot"};
  std::string note;
  for (std::uint32_t words = prng.next() % 150; words > 0; --words) {
    if (!note.empty()) note.push_back(' ');
    note.append(kWords[prng.next() % std::size(kWords)]);
  }
  return R"({"seq": )" + std::to_string(seq) + R"(, "type": ")" +
         std::string(kTypes[prng.next() % 4]) + R"(", "user": "user-)" + std::to_string(seq % 17) +
         R"(", "room": "interop", "position": {"x": )" + std::to_string(prng.next() % 2001) +
         R"(, "y": )" + std::to_string(prng.next() % 2001) + R"(}, "note": ")" + note + R"("})";
}

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// --- Socket ------------------------------------------------------------------------

class Socket {
 public:
  explicit Socket(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
      const int error = errno;
      ::close(fd_);
      throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + ": " +
                               std::strerror(error));
    }
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~Socket() { ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  [[nodiscard]] int fd() const noexcept { return fd_; }

 private:
  int fd_;
};

// Waits for `events` on `fd` until `deadline`; returns the revents (0 on timeout).
short wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return 0;
    pollfd entry{fd, events, 0};
    const int ready = ::poll(&entry, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    if (ready > 0) return entry.revents;
  }
}

// --- The WebSocket client ---------------------------------------------------------

struct Message {
  std::uint8_t opcode = 0;
  std::vector<std::uint8_t> payload;
};

class RecordingHandler final : public wsx::core::ConnectionHandler {
 public:
  void on_message(std::uint8_t opcode, std::span<const std::uint8_t> payload) override {
    messages.push_back({opcode, {payload.begin(), payload.end()}});
  }
  void on_pong(std::span<const std::uint8_t> payload) override {
    pongs.emplace_back(payload.begin(), payload.end());
  }
  void on_close(std::uint16_t code, std::string_view reason) override {
    close_code = code;
    close_reason = reason;
  }
  void on_protocol_error(std::uint16_t code, std::string_view reason) override {
    error = std::to_string(code) + " " + std::string(reason);
  }

  std::deque<Message> messages;
  std::deque<std::vector<std::uint8_t>> pongs;
  std::optional<std::uint16_t> close_code;
  std::string close_reason;
  std::optional<std::string> error;
};

class Client {
 public:
  Client(Socket& socket, wsx::core::Connection connection)
      : socket_(socket), connection_(std::move(connection)) {}

  wsx::core::Connection& connection() noexcept { return connection_; }
  RecordingHandler& events() noexcept { return handler_; }
  [[nodiscard]] std::uint64_t bytes_received() const noexcept { return bytes_received_; }
  [[nodiscard]] std::uint64_t bytes_sent() const noexcept { return bytes_sent_; }
  [[nodiscard]] bool eof() const noexcept { return eof_; }

  void feed(std::span<std::uint8_t> bytes) {
    bytes_received_ += bytes.size();
    connection_.receive(bytes, handler_);
  }

  // Writes pending output and reads (feeding the connection) until `done`
  // holds and nothing is left to write. Reading while writing keeps a large
  // echo from dead-locking against our own large send.
  void pump_until(const std::function<bool()>& done, const std::string& what) {
    const auto deadline = Clock::now() + kStepTimeout;
    for (;;) {
      if (handler_.error) throw CheckFailure(what + ": protocol error " + *handler_.error);
      if (done() && !connection_.has_pending_output()) return;
      const bool writing = connection_.has_pending_output();
      if (eof_ && !writing) throw CheckFailure(what + ": the server closed the connection");
      const short ready =
          wait_for(socket_.fd(), static_cast<short>((eof_ ? 0 : POLLIN) | (writing ? POLLOUT : 0)),
                   deadline);
      if (ready == 0) throw CheckFailure(what + ": timed out");
      if ((ready & POLLOUT) != 0 && writing) write_some();
      if ((ready & (POLLIN | POLLHUP | POLLERR)) != 0 && !eof_) read_some();
    }
  }

 private:
  void write_some() {
    const auto out = connection_.pending_output();
    const ssize_t written = ::send(socket_.fd(), out.data(), out.size(), MSG_NOSIGNAL);
    if (written < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (written < 0) throw CheckFailure(std::string("send: ") + std::strerror(errno));
    bytes_sent_ += static_cast<std::uint64_t>(written);
    connection_.consume_output(static_cast<std::size_t>(written));
  }

  void read_some() {
    const ssize_t got = ::recv(socket_.fd(), buffer_.data(), buffer_.size(), 0);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (got < 0) throw CheckFailure(std::string("recv: ") + std::strerror(errno));
    if (got == 0) {
      eof_ = true;
      connection_.receive_eof();
      return;
    }
    feed({buffer_.data(), static_cast<std::size_t>(got)});
  }

  Socket& socket_;
  wsx::core::Connection connection_;
  RecordingHandler handler_;
  std::vector<std::uint8_t> buffer_ = std::vector<std::uint8_t>(64 * 1024);
  std::uint64_t bytes_received_ = 0;
  std::uint64_t bytes_sent_ = 0;
  bool eof_ = false;
};

// --- Opening handshake ------------------------------------------------------------

std::string header_line(std::string_view request, std::string_view name) {
  // The offer exactly as written on the wire.
  for (std::size_t start = 0; start < request.size();) {
    const std::size_t end = request.find("\r\n", start);
    if (end == std::string_view::npos || end == start) break;
    const std::string_view line = request.substr(start, end - start);
    if (line.size() > name.size() && line[name.size()] == ':' &&
        std::equal(name.begin(), name.end(), line.begin(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return std::string(line.substr(name.size() + 2));
    }
    start = end + 2;
  }
  return "(none)";
}

struct Opened {
  wsx::core::ClientHandshake handshake;
  std::vector<std::uint8_t> received;  // the response head and what followed it
};

Opened open_handshake(Socket& socket, std::uint16_t port, const wsx::core::FactoryList& factories) {
  wsx::core::ClientHandshakeOptions options;
  options.host = "127.0.0.1:" + std::to_string(port);
  std::random_device entropy;
  const auto request = wsx::core::build_client_request(
      options, factories, [&entropy](std::span<std::uint8_t, 16> nonce) {
        for (auto& byte : nonce) byte = static_cast<std::uint8_t>(entropy());
      });
  check(request.ok(), "no request: " + request.error.value_or(""));
  std::cout << "  request  Sec-WebSocket-Extensions: "
            << header_line(request.bytes, "Sec-WebSocket-Extensions") << "\n";

  const auto deadline = Clock::now() + kStepTimeout;
  for (std::string_view rest = request.bytes; !rest.empty();) {
    check(wait_for(socket.fd(), POLLOUT, deadline) != 0, "handshake: cannot write the request");
    const ssize_t written = ::send(socket.fd(), rest.data(), rest.size(), MSG_NOSIGNAL);
    if (written < 0 && errno == EINTR) continue;
    check(written > 0, std::string("send: ") + std::strerror(errno));
    rest.remove_prefix(static_cast<std::size_t>(written));
  }

  Opened opened;
  std::vector<std::uint8_t> chunk(16 * 1024);
  for (;;) {
    check(wait_for(socket.fd(), POLLIN, deadline) != 0, "handshake: no response");
    const ssize_t got = ::recv(socket.fd(), chunk.data(), chunk.size(), 0);
    if (got < 0 && errno == EINTR) continue;
    check(got > 0, "handshake: the server closed the connection before responding");
    opened.received.insert(opened.received.end(), chunk.begin(), chunk.begin() + got);
    opened.handshake = wsx::core::client_handshake(std::span<const std::uint8_t>(opened.received),
                                                   request, factories);
    if (opened.handshake.state == wsx::core::HandshakeState::need_more) continue;
    check(opened.handshake.state == wsx::core::HandshakeState::accepted,
          "handshake rejected (status " + std::to_string(opened.handshake.status) +
              "): " + opened.handshake.reason);
    return opened;
  }
}

std::optional<std::string> response_extensions(const wsx::core::HttpHeaders& headers) {
  const auto values = wsx::core::header_values(headers, "Sec-WebSocket-Extensions");
  if (values.empty()) return std::nullopt;
  std::string joined;
  for (const auto value : values) {
    if (!joined.empty()) joined += ", ";
    joined += value;
  }
  return joined;
}

// --- The checks ---------------------------------------------------------------------

Message next_message(Client& client, const std::string& label) {
  auto& messages = client.events().messages;
  client.pump_until([&] { return !messages.empty(); }, label);
  Message message = std::move(messages.front());
  messages.pop_front();
  return message;
}

void check_echo(const std::string& label, std::uint8_t opcode, std::span<const std::uint8_t> sent,
                const Message& echo) {
  check(echo.opcode == opcode, label + ": sent opcode " + std::to_string(opcode) + ", got " +
                                   std::to_string(echo.opcode) + " back");
  if (std::equal(sent.begin(), sent.end(), echo.payload.begin(), echo.payload.end())) return;
  const auto [a, b] =
      std::mismatch(sent.begin(), sent.end(), echo.payload.begin(), echo.payload.end());
  throw CheckFailure(label + ": echo differs (sent " + std::to_string(sent.size()) + ", got " +
                     std::to_string(echo.payload.size()) + "; first difference at " +
                     std::to_string(a - sent.begin()) + ")");
}

void check_matrix(Client& client, bool compressed) {
  // RFC 6455 section 5.2 length encodings: 7-bit, 16-bit and 64-bit. With
  // max_frame_size 256 KiB the 1 MiB messages leave as 4 fragments (5.4),
  // each through the extension chain (RFC 7692 section 6.1).
  constexpr std::size_t kSizes[] = {0, 1, 125, 126, 65535, 65536, 1u << 20};
  for (const std::size_t size : kSizes) {
    const std::string text = text_of_size(size, static_cast<std::uint32_t>(size));
    const std::uint64_t before = client.bytes_received();
    check(client.connection().send_text(text), "send_text failed");
    check_echo("text " + std::to_string(size) + " B", WSX_OPCODE_TEXT, bytes_of(text),
               next_message(client, "text echo"));
    if (size == (1u << 20)) {
      // A small vocabulary compresses well: the server must have sent it
      // compressed iff the extension was negotiated.
      const std::uint64_t wire = client.bytes_received() - before;
      std::cout << "  1 MiB text echo: " << wire << " bytes on the wire\n";
      check(compressed ? wire < size / 2 : wire > size,
            "1 MiB text: " + std::to_string(wire) + " B on the wire");
    }
    const auto binary = binary_of_size(size, static_cast<std::uint32_t>(size + 1));
    check(client.connection().send_binary(binary), "send_binary failed");
    check_echo("binary " + std::to_string(size) + " B", WSX_OPCODE_BINARY, binary,
               next_message(client, "binary echo"));
  }
}

void check_json_stream(Client& client) {
  // Pipelined: all sent before the first echo is read, so both ends'
  // compression contexts carry over (or reset) message after message.
  Prng prng(7692);
  std::vector<std::string> messages;
  std::uint64_t raw = 0;
  for (std::size_t seq = 0; seq < kJsonMessages; ++seq) {
    messages.push_back(json_message(seq, prng));
    raw += messages.back().size();
  }
  const std::uint64_t before = client.bytes_received();
  const std::uint64_t sent_before = client.bytes_sent();
  for (const auto& message : messages)
    check(client.connection().send_text(message), "send_text failed");
  for (std::size_t i = 0; i < messages.size(); ++i) {
    check_echo("json #" + std::to_string(i), WSX_OPCODE_TEXT, bytes_of(messages[i]),
               next_message(client, "json echo"));
  }
  const std::uint64_t wire = client.bytes_received() - before;
  const std::uint64_t sent = client.bytes_sent() - sent_before;
  // "json-sent-ratio=" is read by core_client_interop.py: it compares how
  // well wsx's compressor did with and without context takeover.
  std::printf(
      "  %zu JSON messages: %llu B of payload, %llu B received (%.2f), %llu B sent "
      "(json-sent-ratio=%.3f)\n",
      kJsonMessages, static_cast<unsigned long long>(raw), static_cast<unsigned long long>(wire),
      static_cast<double>(wire) / static_cast<double>(raw), static_cast<unsigned long long>(sent),
      static_cast<double>(sent) / static_cast<double>(raw));
  std::fflush(stdout);
}

void check_ping_and_close(Client& client) {
  const std::string ping = "interop-ping";
  check(client.connection().send_ping(bytes_of(ping)), "send_ping failed");
  auto& pongs = client.events().pongs;
  client.pump_until([&] { return !pongs.empty(); }, "pong");
  check(std::string(pongs.front().begin(), pongs.front().end()) == ping,
        "the pong's payload differs");

  check(client.connection().close(1000, "interop done"), "close failed");
  client.pump_until([&] { return client.events().close_code.has_value(); }, "close");
  check(*client.events().close_code == 1000,
        "the server's close code is " + std::to_string(*client.events().close_code));
  // RFC 6455 section 7.1.1: the server closes TCP first.
  client.pump_until([&] { return client.eof(); }, "the server's TCP close");
  check(client.connection().state() == wsx::core::State::closed, "the connection is not CLOSED");
  check(client.connection().peer_close_code() == 1000, "peer_close_code is not 1000");
  check(client.events().messages.empty(), "unexpected messages left");
  std::cout << "  close: server answered " << *client.events().close_code << " \""
            << client.events().close_reason << "\", then closed TCP\n";
}

int run(const Options& options) {
  // The logger outlives the plugin set and every extension made from it.
  const wsx::Logger logger(wsx::LogLevel::warning, [](wsx::LogLevel, std::string_view line) {
    std::cerr << "  [plugin log] " << line << "\n";
  });
  wsx::loader::PluginSet plugins;
  if (options.plugin) {
    wsx::config::Config config;
    config.file = "(core_client_interop)";
    wsx::config::PluginEntry entry;
    entry.path = *options.plugin;
    entry.params = options.params;
    entry.where = {"--plugin", 0, 0};
    config.plugins.push_back(std::move(entry));
    plugins = wsx::loader::PluginSet::load(config, logger);
  }

  Socket socket(options.port);
  Opened opened = open_handshake(socket, options.port, plugins.client_factories());
  const auto response = response_extensions(opened.handshake.headers);
  std::cout << "  response Sec-WebSocket-Extensions: " << response.value_or("(none)") << "\n"
            << "  wsx client chain: "
            << (opened.handshake.extensions.empty() ? "(empty)"
                                                    : opened.handshake.extensions.header_value())
            << "\n";
  check(response == options.expected_extensions,
        "response extensions " + response.value_or("(none)") + ", expected " +
            options.expected_extensions.value_or("(none)"));
  check(
      opened.handshake.extensions.size() == (options.expected_extensions ? 1u : 0u),
      "the client chain has " + std::to_string(opened.handshake.extensions.size()) + " extensions");
  const bool compressed = !opened.handshake.extensions.empty();

  wsx::core::ConnectionLimits limits;
  limits.max_message_size = 16u << 20;
  limits.max_frame_size = 256u << 10;
  Client client(socket, wsx::core::Connection(wsx::core::Role::client,
                                              std::move(opened.handshake.extensions), limits));
  std::span<std::uint8_t> after_head(opened.received);
  client.feed(after_head.subspan(opened.handshake.consumed));

  check_matrix(client, compressed);
  check_json_stream(client);
  check_ping_and_close(client);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  try {
    options = parse_options(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << "core_client_interop: " << error.what() << "\n";
    return 2;
  }
  try {
    return run(options);
  } catch (const std::exception& error) {
    std::cout << "  FAILED: " << error.what() << std::endl;
    return 1;
  }
}
