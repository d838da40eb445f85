#include "client/client_session.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <utility>
#include <vector>

#include "core/close/close_status.hpp"
#include "core/messages/utf8_validator.hpp"

namespace wsx::client {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// After our Close (or the peer's), how long we wait for the rest of the
// closing handshake and for the server to close TCP (RFC 6455 section 7.1.1:
// the client waits for the server to close first, then gives up).
constexpr auto kCloseGrace = 5s;
// Stop reading stdin while this much output is queued (back-pressure).
constexpr std::size_t kMaxQueuedOutput = 4u << 20;
// Reads per readiness round: a TLS transport may hold decrypted bytes that
// poll(2) cannot see, so we read until would_block, but not for ever.
constexpr int kReadsPerRound = 64;

void write_all(int fd, std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) throw TransportError(std::string("writing stdout: ") + std::strerror(errno));
    bytes = bytes.subspan(static_cast<std::size_t>(written));
  }
}

// Prints each message as one line; records the close and any failure.
class PrintingHandler final : public core::ConnectionHandler {
 public:
  PrintingHandler(SessionIo& io, std::optional<std::uint64_t> limit) : io_(io), limit_(limit) {}

  void on_message(std::uint8_t /*opcode*/, std::span<const std::uint8_t> payload) override {
    // One read may hold more messages than --count asked for; the rest are
    // not printed (the session sends Close 1000 right after this read).
    if (limit_ && io_.messages >= *limit_) return;
    // Text and binary alike: the payload as it is, then a newline.
    write_all(io_.output_fd, payload);
    static constexpr std::uint8_t kNewline[] = {'\n'};
    write_all(io_.output_fd, kNewline);
    ++io_.messages;
  }
  void on_close(std::uint16_t code, std::string_view reason) override {
    close_code = code;
    close_reason = reason;
  }
  void on_protocol_error(std::uint16_t code, std::string_view reason) override {
    failure = std::to_string(code) + " " + std::string(reason);
  }

  std::optional<std::uint16_t> close_code;
  std::string close_reason;
  std::optional<std::string> failure;

 private:
  SessionIo& io_;
  std::optional<std::uint64_t> limit_;
};

// stdin, split into lines ("\n" ends one; it is not part of the message).
class LineInput {
 public:
  // Reads once (poll said readable); false at end of input.
  bool read(int fd) {
    char chunk[64 * 1024];
    for (;;) {
      const ssize_t got = ::read(fd, chunk, sizeof chunk);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw TransportError(std::string("reading stdin: ") + std::strerror(errno));
      if (got == 0) return false;
      buffer_.append(chunk, static_cast<std::size_t>(got));
      return true;
    }
  }
  // The next complete line, if any.
  bool next(std::string& line) {
    const std::size_t end = buffer_.find('\n', scanned_);
    if (end == std::string::npos) {
      scanned_ = buffer_.size();
      return false;
    }
    line.assign(buffer_, 0, end);
    buffer_.erase(0, end + 1);
    scanned_ = 0;
    return true;
  }
  // What is left after the last newline (sent at end of input if not empty).
  std::string rest() { return std::exchange(buffer_, {}); }

 private:
  std::string buffer_;
  std::size_t scanned_ = 0;
};

bool send_line(core::Connection& connection, const std::string& line, bool binary) {
  const std::span bytes(reinterpret_cast<const std::uint8_t*>(line.data()), line.size());
  if (binary) return connection.send_binary(bytes);
  if (!core::is_valid_utf8(bytes)) {
    // A text message must be UTF-8 (RFC 6455 section 5.6); the server would
    // fail the connection with 1007.
    std::cerr << "wsx-client: a line of stdin is not valid UTF-8; not sent (use --binary)\n";
    return true;
  }
  return connection.send_text(bytes);
}

}  // namespace

int SessionOutcome::exit_status() const noexcept {
  if (timed_out || failure) return 1;
  if (count_reached) return 0;
  return close_code == core::close_code::normal || close_code == core::close_code::going_away ? 0
                                                                                              : 1;
}

SessionOutcome run_session(Transport& transport, core::Connection& connection,
                           std::span<std::uint8_t> leftover, const ClientOptions& options,
                           SessionIo& io, Clock::time_point deadline) {
  PrintingHandler handler(io, options.count);
  SessionOutcome outcome;
  if (!leftover.empty()) connection.receive(leftover, handler);

  LineInput input;
  bool input_open = true;
  bool transport_eof = false;
  std::optional<Clock::time_point> grace;  // set once closing started
  std::vector<std::uint8_t> buffer(64 * 1024);
  bool read_again = false;

  const auto start_grace = [&] {
    if (!grace) grace = Clock::now() + kCloseGrace;
  };

  for (;;) {
    if (options.count && io.messages >= *options.count && !outcome.count_reached) {
      outcome.count_reached = true;
      input_open = false;
      connection.close(core::close_code::normal);  // false if one was sent already
    }
    if (connection.state() != core::State::open) start_grace();
    if (transport_eof) break;
    if (connection.state() == core::State::closed && !connection.has_pending_output() &&
        connection.should_close_transport())
      break;  // failed, or the transport ended (7.1.7)

    const auto now = Clock::now();
    if (now >= deadline) {
      outcome.timed_out = true;
      break;
    }
    if (grace && now >= *grace) break;  // no Close reply or no TCP close from the server

    pollfd fds[2]{};
    fds[0].fd = transport.fd();
    fds[0].events = transport.read_events();
    if (connection.has_pending_output()) fds[0].events |= transport.write_events();
    const bool want_input = input_open && connection.state() == core::State::open &&
                            connection.pending_output_size() < kMaxQueuedOutput;
    fds[1].fd = want_input ? io.input_fd : -1;
    fds[1].events = POLLIN;

    auto until = grace ? std::min(deadline, *grace) : deadline;
    int wait_ms = -1;
    if (read_again) {
      wait_ms = 0;
    } else if (until != Clock::time_point::max()) {
      wait_ms = static_cast<int>(std::clamp<std::int64_t>(
          std::chrono::ceil<std::chrono::milliseconds>(until - now).count(), 0, 1 << 30));
    }
    const int ready = ::poll(fds, 2, wait_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) throw TransportError(std::string("poll: ") + std::strerror(errno));

    // Write what is queued, then read: each is a no-op when it would block.
    while (connection.has_pending_output()) {
      const IoResult sent = transport.write(connection.pending_output());
      if (sent.status != IoResult::Status::done) break;
      connection.consume_output(sent.bytes);
    }
    read_again = false;
    if (fds[0].revents != 0 || ready == 0) {
      for (int round = 0; round < kReadsPerRound; ++round) {
        const IoResult got = transport.read(buffer);
        if (got.status == IoResult::Status::would_block) break;
        if (got.status == IoResult::Status::eof) {
          connection.receive_eof();
          transport_eof = true;
          break;
        }
        connection.receive(std::span(buffer).first(got.bytes), handler);
        read_again = round + 1 == kReadsPerRound;
      }
    }

    if ((fds[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      const bool more = input.read(io.input_fd);
      std::string line;
      while (connection.state() == core::State::open && input.next(line))
        send_line(connection, line, options.binary);
      if (!more) {
        input_open = false;
        if (std::string rest = input.rest();
            !rest.empty() && connection.state() == core::State::open)
          send_line(connection, rest, options.binary);
        // End of input ends the session unless --count says how many
        // messages to wait for.
        if (!options.count) connection.close(core::close_code::normal);
      }
    }
  }

  outcome.failure = handler.failure;
  if (handler.close_code) {
    outcome.close_code = *handler.close_code;
    outcome.close_reason = handler.close_reason;
  }
  transport.shutdown();
  return outcome;
}

}  // namespace wsx::client
