#include "support/host_test.hpp"

#include <exception>
#include <iostream>
#include <string>
#include <thread>

namespace wsx::integration {

void HostTest::SetUp() {
  try {
    host_ = std::make_unique<HostProcess>(host_config());
  } catch (const std::exception& error) {
    FAIL() << error.what();
  }
}

void HostTest::TearDown() {
  if (!host_) return;
  // Whatever the test did, the host must still be serving: a crash or an
  // exit is a failure even if every assertion before held.
  EXPECT_TRUE(host_->running() || host_->stop_requested()) << "wsx-host is gone; its output:\n"
                                                           << host_->log();
  const bool stopped_by_test = host_->stop_requested();
  const ExitStatus status = host_->stop();
  if (!stopped_by_test) {
    // SIGTERM is a graceful shutdown (exit 0, in time); under the
    // sanitizers this is also where a leak or a late error would show.
    EXPECT_TRUE(status.exited && status.code == 0 && !status.needed_sigkill)
        << "wsx-host did not exit cleanly on SIGTERM: "
        << (status.exited ? "exit code " : "signal ") << status.code
        << (status.needed_sigkill ? " (needed SIGKILL)" : "");
  }
  if (HasFailure()) {
    const std::string log = host_->log();
    constexpr std::size_t tail = 4000;
    std::cerr << "--- wsx-host output (last " << tail << " bytes) ---\n"
              << (log.size() > tail ? log.substr(log.size() - tail) : log) << "\n";
  }
}

bool wait_for_log(HostProcess& host, std::string_view fragment, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  // Bounded: one read of the log file every 10 ms until the deadline.
  for (;;) {
    if (host.log().find(fragment) != std::string::npos) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

::testing::AssertionResult fails_with(WsClient& client, std::uint16_t code) {
  const auto close = client.read_close();
  if (!close) {
    return ::testing::AssertionFailure()
           << "no Close frame from the server; received: " << client.history();
  }
  const auto got = close_code(*close);
  if (got != code) {
    return ::testing::AssertionFailure() << "expected close code " << code << ", got "
                                         << (got ? std::to_string(*got) : std::string("none"))
                                         << "; received " << client.history();
  }
  // 7.1.7: after failing the connection the server closes TCP too.
  if (!client.wait_for_eof()) {
    return ::testing::AssertionFailure()
           << "close code " << code << " arrived but the server did not close TCP";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult echoes_text(WsClient& client, std::string_view text) {
  if (!client.send_text(text)) return ::testing::AssertionFailure() << "could not send";
  const auto message = client.read_message();
  if (!message) {
    return ::testing::AssertionFailure() << "no echo; received: " << client.history();
  }
  if (message->opcode != opcode::text || message->first_rsv != 0) {
    return ::testing::AssertionFailure()
           << "echo has opcode " << int{message->opcode} << " rsv " << int{message->first_rsv};
  }
  if (to_string(message->payload) != text) {
    return ::testing::AssertionFailure()
           << "echo differs: \"" << to_string(message->payload) << "\" != \"" << text << "\"";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult refused_with(WsClient& client, int status) {
  const HttpResponse& response = client.response();
  if (response.status != status) {
    return ::testing::AssertionFailure() << "expected HTTP " << status << ", got response:\n"
                                         << response.head;
  }
  if (!client.wait_for_eof()) {
    return ::testing::AssertionFailure() << "HTTP " << status << " but the connection stayed open";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace wsx::integration
