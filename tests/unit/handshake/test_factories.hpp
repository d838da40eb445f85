// In-process extension factories for negotiation and handshake tests. Each
// TestPlugin is the `plugin` pointer of its factories: it decides what the
// C functions answer and records what they were given, so a test can check
// both what the host passed across the C ABI and what it did with the answer.
#pragma once

#include <wsx/extension.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/extensions/extension_factory.hpp"
#include "core/extensions/extension_params.hpp"

namespace wsx::test {

// What a factory function answers.
struct Decision {
  wsx_status status = WSX_OK;
  // Parameters appended to the response (server) or offer (client).
  std::vector<core::ExtensionParam> params;
  // Written to wsx_error.message.
  std::string message;
};

// What a server or client factory function was given.
struct SeenCall {
  std::string token;
  std::vector<core::ExtensionParam> params;
  std::vector<std::string> accepted_tokens;
  std::vector<std::uint8_t> accepted_rsv;
  std::vector<std::vector<core::ExtensionParam>> accepted_params;
};

struct TestPlugin {
  explicit TestPlugin(std::string plugin_name) : name(std::move(plugin_name)) {}
  std::string name;
  // Default: accept every offer/response with no parameters.
  std::function<Decision(const SeenCall&)> on_server_offer;
  std::function<Decision()> on_client_offer;
  std::function<Decision(const SeenCall&)> on_client_response;

  std::vector<SeenCall> server_calls;
  std::vector<SeenCall> client_accept_calls;
  int client_offer_calls = 0;
  int extensions_created = 0;
  int extensions_destroyed = 0;
};

// The extension instance the test factories create.
struct TestExtension {
  TestPlugin* plugin;
  int serial;  // 1 for the first extension the plugin created, ...
};

enum Roles : std::uint32_t {
  kServer = WSX_ROLE_SERVER,
  kClient = WSX_ROLE_CLIENT,
  kBoth = WSX_ROLE_SERVER | WSX_ROLE_CLIENT,
};

// A factory for `token` bound to `plugin` (which must outlive the factory
// and every extension it makes).
std::shared_ptr<const core::ExtensionFactory> make_factory(TestPlugin& plugin, std::string token,
                                                           std::uint8_t rsv_bits = 0,
                                                           std::uint32_t roles = kBoth);

// A factory whose functions are written in C and return the status value
// `status` as a plain int, which may be outside wsx_status (legal in C).
std::shared_ptr<const core::ExtensionFactory> make_raw_status_factory(std::string token,
                                                                      int status);

}  // namespace wsx::test
