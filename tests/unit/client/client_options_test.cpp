#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/client_options.hpp"
#include "client/client_session.hpp"

namespace {

using wsx::client::ClientOptions;
using wsx::client::ParseResult;
using wsx::client::UsageError;

// argv from words; the strings live as long as the Argv.
struct Argv {
  explicit Argv(std::vector<std::string> words) : words_(std::move(words)) {
    pointers_.push_back(program_.data());
    for (auto& word : words_) pointers_.push_back(word.data());
  }
  int argc() const { return static_cast<int>(pointers_.size()); }
  char** argv() { return pointers_.data(); }

 private:
  std::string program_ = "wsx-client";
  std::vector<std::string> words_;
  std::vector<char*> pointers_;
};

ParseResult parse(std::vector<std::string> words, ClientOptions& options) {
  Argv args(std::move(words));
  std::string text;
  return wsx::client::parse_client_options(args.argc(), args.argv(), options, text);
}

TEST(ClientOptions, ReadsEveryOption) {
  ClientOptions options;
  ASSERT_EQ(parse({"--plugin", "a.so", "--offer", "x-one", "--offer", "x-two; p=1", "--subprotocol",
                   "chat", "--header", "X-Key:  v 1 ", "--binary", "--count", "3", "--timeout",
                   "1.5", "--ca", "ca.pem", "wss://example.com:8443/chat?room=1"},
                  options),
            ParseResult::run);
  EXPECT_TRUE(options.url.secure);
  EXPECT_EQ(options.url.host, "example.com");
  EXPECT_EQ(options.url.port, 8443);
  EXPECT_EQ(options.url.target, "/chat?room=1");
  ASSERT_EQ(options.plugins.size(), 1u);
  EXPECT_EQ(options.offers, (std::vector<std::string>{"x-one", "x-two; p=1"}));
  EXPECT_EQ(options.subprotocols, std::vector<std::string>{"chat"});
  ASSERT_EQ(options.headers.size(), 1u);
  EXPECT_EQ(options.headers[0].name, "X-Key");
  EXPECT_EQ(options.headers[0].value, "v 1");
  EXPECT_TRUE(options.binary);
  EXPECT_EQ(options.count, 3u);
  EXPECT_EQ(options.timeout, std::chrono::milliseconds(1500));
  ASSERT_TRUE(options.ca_file.has_value());
}

TEST(ClientOptions, RefusesBadCommandLines) {
  const std::vector<std::vector<std::string>> bad = {
      {},                                           // no URL
      {"http://127.0.0.1/"},                        // not ws/wss
      {"ws://127.0.0.1:99999/"},                    // port out of range
      {"--count", "0", "ws://127.0.0.1/"},          // nothing to wait for
      {"--timeout", "-1", "ws://127.0.0.1/"},       // negative time
      {"--header", "no colon", "ws://127.0.0.1/"},  // not Name: value
      {"--ca", "ca.pem", "ws://127.0.0.1/"},        // --ca without TLS
      {"--no-such-option", "ws://127.0.0.1/"},
  };
  for (const auto& words : bad) {
    ClientOptions options;
    EXPECT_THROW(parse(words, options), UsageError) << (words.empty() ? "" : words.front());
  }
}

TEST(ClientOptions, HelpListsTheOptions) {
  ClientOptions options;
  Argv args({"--help"});
  std::string text;
  ASSERT_EQ(wsx::client::parse_client_options(args.argc(), args.argv(), options, text),
            ParseResult::help);
  for (const char* option : {"--config", "--offer", "--binary", "--count", "--timeout", "--header",
                             "--subprotocol", "--ca", "Exit status"})
    EXPECT_NE(text.find(option), std::string::npos) << option;
}

TEST(SessionOutcome, ExitStatusFollowsTheCloseCode) {
  wsx::client::SessionOutcome outcome;
  outcome.close_code = 1000;
  EXPECT_EQ(outcome.exit_status(), 0);
  outcome.close_code = 1001;
  EXPECT_EQ(outcome.exit_status(), 0);
  outcome.close_code = 4001;
  EXPECT_EQ(outcome.exit_status(), 1);
  outcome.close_code = 1006;
  EXPECT_EQ(outcome.exit_status(), 1);
  outcome.count_reached = true;  // --count reached: success whatever came back
  EXPECT_EQ(outcome.exit_status(), 0);
  outcome.timed_out = true;
  EXPECT_EQ(outcome.exit_status(), 1);
  outcome.timed_out = false;
  outcome.failure = "1002 bad frame";
  EXPECT_EQ(outcome.exit_status(), 1);
}

}  // namespace
