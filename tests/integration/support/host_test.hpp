// The fixture every integration test uses: one wsx-host process per test,
// started in SetUp with the fixture's config and stopped in TearDown, plus
// the assertions the tests share.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "support/host_config.hpp"
#include "support/host_process.hpp"
#include "support/ws_client.hpp"

namespace wsx::integration {

class HostTest : public ::testing::Test {
 protected:
  // The config of this fixture's host; the default is the host's defaults
  // with no plugin.
  [[nodiscard]] virtual HostConfig host_config() const { return {}; }

  void SetUp() override;
  void TearDown() override;

  [[nodiscard]] HostProcess& host() { return *host_; }
  [[nodiscard]] std::uint16_t port() const { return host_->port(); }
  // A WebSocket after a correct handshake (throws if the host refuses it).
  [[nodiscard]] WsClient open(std::string_view extensions = {}) {
    return WsClient::open(port(), extensions);
  }

 private:
  std::unique_ptr<HostProcess> host_;
};

// A host without plugins and with a small message limit, for the tests of
// RFC 6455 itself.
inline constexpr std::size_t kPlainHostMaxMessageSize = 64 * 1024;

class PlainHostTest : public HostTest {
 protected:
  static constexpr std::size_t kMaxMessageSize = kPlainHostMaxMessageSize;

  [[nodiscard]] HostConfig host_config() const override {
    HostConfig config;
    config.max_message_size = "64 KiB";
    return config;
  }
};

// Waits (polling, bounded by `timeout`) until the host's log holds
// `fragment`; true if it did.
bool wait_for_log(HostProcess& host, std::string_view fragment,
                  std::chrono::milliseconds timeout = std::chrono::seconds(5));

// The server failed the connection (RFC 6455 section 7.1.7): its Close frame
// carries `code`, and it then closes TCP.
::testing::AssertionResult fails_with(WsClient& client, std::uint16_t code);

// A text message comes back unchanged, in frames without RSV bits.
::testing::AssertionResult echoes_text(WsClient& client, std::string_view text);

// The response has this status, and the server then closes TCP.
::testing::AssertionResult refused_with(WsClient& client, int status);

}  // namespace wsx::integration
