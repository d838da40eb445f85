// Server::enable_signal_handling: SIGHUP reloads (keeping the old set on
// error), SIGTERM stops gracefully. Signals are raised in-process; Asio's
// handler turns them into ordinary completions on I/O thread 0.
#include <gtest/gtest.h>

#include <csignal>
#include <stdexcept>

#include "recording_handlers.hpp"
#include "server_fixture.hpp"
#include "test_client.hpp"
#include "xor_extension.hpp"

namespace wsx::test {
namespace {

TEST(SignalHandling, SighupReloadsAndSigtermStopsGracefully) {
  EventLog events;
  XorFactories first = make_xor_factories(17);
  XorFactories second = make_xor_factories(34);
  int reloads = 0;  // only touched on I/O thread 0, read after run() returned
  RunningServer running(
      test_options(), first.server,
      [&events](Server& server) { return recording_echo(server, events); }, LogLevel::info,
      [&](Server& server) {
        server.enable_signal_handling([&]() -> ReloadResult {
          if (++reloads == 2) throw std::runtime_error("wsx.toml:3:1: broken on purpose");
          ReloadResult result;
          result.ok = true;
          result.factories = second.server;
          result.limits = test_options().limits;
          result.summary = "plugins: xor-test";
          return result;
        });
      });
  ClientOptions options;
  options.factories = first.client;
  auto before = TestClient::connect(running.endpoint(), options);
  EXPECT_EQ(before->extensions_header(), "x-xor; key=17");

  ASSERT_EQ(std::raise(SIGHUP), 0);
  ASSERT_TRUE(running.log().wait_for("reloaded: plugins: xor-test"));
  options.factories = second.client;
  auto after = TestClient::connect(running.endpoint(), options);
  EXPECT_EQ(after->extensions_header(), "x-xor; key=34");

  // A failing reload is logged; the server keeps what it has.
  ASSERT_EQ(std::raise(SIGHUP), 0);
  ASSERT_TRUE(
      running.log().wait_for("reload failed, keeping the current configuration: "
                             "wsx.toml:3:1: broken on purpose"));
  auto still = TestClient::connect(running.endpoint(), options);
  EXPECT_EQ(still->extensions_header(), "x-xor; key=34");

  ASSERT_EQ(std::raise(SIGTERM), 0);
  for (auto* client : {before.get(), after.get(), still.get()}) {
    auto close = client->wait_for_close(3s);
    ASSERT_TRUE(close);
    EXPECT_EQ(close->code, 1001);
  }
  EXPECT_TRUE(running.wait_until_stopped(5s));
  EXPECT_EQ(reloads, 2);
}

}  // namespace
}  // namespace wsx::test
