// The broadcast app (host/app/broadcast_app.hpp) on a real server.
#include "app/broadcast_app.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "server_fixture.hpp"
#include "test_client.hpp"

namespace wsx::test {
namespace {

class BroadcastTest : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(BroadcastTest, ReachesEveryConnectionOnTheSamePathIncludingTheSenderAndNoOther) {
  ServerOptions options = test_options();
  options.io_threads = GetParam();
  std::unique_ptr<app::BroadcastApp> broadcast;
  RunningServer running(options, {}, [&broadcast](Server& server) {
    broadcast = std::make_unique<app::BroadcastApp>(server);
    return broadcast->handlers();
  });
  ClientOptions room;
  room.target = "/room?who=x";  // the query does not matter, the path does
  ClientOptions other;
  other.target = "/other";
  std::vector<std::unique_ptr<TestClient>> members;
  for (int i = 0; i < 3; ++i) members.push_back(TestClient::connect(running.endpoint(), room));
  auto outsider = TestClient::connect(running.endpoint(), other);

  members[1]->send_text("hello room");
  for (std::size_t i = 0; i < members.size(); ++i) {
    auto message = members[i]->next_message();
    ASSERT_TRUE(message) << "member " << i;
    EXPECT_EQ(message->text(), "hello room");
  }
  EXPECT_FALSE(outsider->next_message(300ms));

  const std::vector<std::uint8_t> bytes{9, 8, 7};
  outsider->send_binary(bytes);
  auto own = outsider->next_message();
  ASSERT_TRUE(own);
  EXPECT_EQ(own->opcode, WSX_OPCODE_BINARY);
  EXPECT_EQ(own->data, bytes);
  for (auto& member : members) EXPECT_FALSE(member->next_message(100ms));
}

TEST_P(BroadcastTest, AClosedMemberLeavesTheRoom) {
  ServerOptions options = test_options();
  options.io_threads = GetParam();
  std::unique_ptr<app::BroadcastApp> broadcast;
  EventLog closes;
  RunningServer running(options, {}, [&](Server& server) {
    broadcast = std::make_unique<app::BroadcastApp>(server);
    ServerHandlers handlers = broadcast->handlers();
    handlers.on_close = [&closes, leave = handlers.on_close](ConnectionHandle c, std::uint16_t code,
                                                             std::string_view reason) {
      leave(c, code, reason);
      closes.add("closed");
    };
    return handlers;
  });
  auto first = TestClient::connect(running.endpoint());
  auto second = TestClient::connect(running.endpoint());
  second->close();
  ASSERT_TRUE(second->wait_for_eof(3s));
  ASSERT_TRUE(closes.wait_for("closed"));
  first->send_text("anyone?");
  auto echo = first->next_message();
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->text(), "anyone?");
}

INSTANTIATE_TEST_SUITE_P(IoThreads, BroadcastTest, ::testing::Values(1u, 3u));

}  // namespace
}  // namespace wsx::test
