// Fuzzes the server's opening handshake: arbitrary bytes as the request
// received so far, parsed, validated and negotiated (RFC 6455 section 4.2).
// Besides "never crash, never leak", it checks the invariants the network
// layer relies on: need_more writes nothing, an answer is always a complete
// HTTP/1.1 response, and `consumed` never exceeds the input.
#include <wsx/extension.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "core/extensions/extension_factory.hpp"
#include "core/handshake/handshake_server.hpp"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

// A factory that accepts every offer of "x-fuzz" without parameters and
// makes no instance, so negotiation's accept path and the response header
// are exercised too. Stateless: the core may call it from any thread.
wsx_status accept_everything(void*, const wsx_server_offer*, void** out_extension, wsx_error*) {
  *out_extension = nullptr;
  return WSX_OK;
}

wsx::core::FactoryList make_factories() {
  auto factory = std::make_shared<wsx::core::ExtensionFactory>();
  factory->token = "x-fuzz";
  factory->plugin_name = "fuzz";
  factory->rsv_bits = WSX_RSV1;
  factory->def.struct_size = sizeof(wsx_extension_def);
  factory->def.roles = WSX_ROLE_SERVER;
  factory->def.rsv_bits = WSX_RSV1;
  factory->def.server_negotiate = &accept_everything;
  return {factory};
}

void run(std::string_view input, const wsx::core::FactoryList& factories, std::size_t limit) {
  using wsx::core::HandshakeState;
  wsx::core::ServerHandshakeOptions options;
  options.subprotocols = {"chat", "superchat"};
  options.max_head_bytes = limit;
  const wsx::core::ServerHandshake hs = wsx::core::server_handshake(input, factories, options);
  switch (hs.state) {
    case HandshakeState::need_more:
      check(hs.response.empty() && hs.consumed == 0 && hs.status == 0);
      break;
    case HandshakeState::accepted:
      check(hs.status == 101 && hs.consumed <= input.size() && hs.consumed <= limit);
      check(hs.response.starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
      check(hs.response.ends_with("\r\n\r\n"));
      break;
    case HandshakeState::rejected:
      check(hs.status >= 400 && hs.status < 600 && hs.consumed <= input.size());
      check(hs.response.starts_with("HTTP/1.1 4") && !hs.reason.empty());
      check(hs.extensions.empty());
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  run(input, {}, wsx::core::kDefaultMaxHeadBytes);
  run(input, make_factories(), wsx::core::kDefaultMaxHeadBytes);
  // A small limit reaches the 431 paths with short inputs.
  run(input, {}, 128);
  return 0;
}
