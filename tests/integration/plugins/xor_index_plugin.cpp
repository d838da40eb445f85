// x-xor-index: a test-only extension for the two-plugin chain test.
//
// It XORs byte i of every outgoing data frame's payload with (i mod 256) and
// marks the frame with RSV3; incoming frames carrying RSV3 get the same XOR
// (its own inverse). The transform is position-dependent, so it does NOT
// commute with x-byte-rotate's per-byte addition: applying the two in the
// wrong order gives different bytes, which is what lets the integration test
// prove the order of the chain (RFC 6455 section 9: extensions are applied in
// the order they were negotiated).
#include <wsx/extension.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <tuple>

namespace {

namespace sdk = wsx::sdk;

constexpr const char* kToken = "x-xor-index";

void xor_with_index(std::span<const std::uint8_t> in, sdk::BufferWriter& out) {
  out.write(in.size(), [&](std::span<std::uint8_t> room) {
    for (std::size_t i = 0; i < in.size(); ++i) {
      room[i] = static_cast<std::uint8_t>(in[i] ^ static_cast<std::uint8_t>(i & 0xffu));
    }
  });
}

// Per frame and stateless, like x-byte-rotate: each frame is transformed on
// its own, so fragmented messages need no bookkeeping.
class XorIndex final : public sdk::Extension {
 public:
  sdk::FrameResult encode(const sdk::Frame& in, sdk::FrameOut& out) override {
    if (in.is_control()) return sdk::FrameResult::unchanged();
    xor_with_index(in.payload(), out.payload());
    out.add_rsv(WSX_RSV3);
    return sdk::FrameResult::written();
  }

  sdk::FrameResult decode(const sdk::Frame& in, sdk::FrameOut& out,
                          std::uint64_t max_payload_size) override {
    if (!in.has_rsv(WSX_RSV3)) return sdk::FrameResult::unchanged();
    // RFC 6455 section 5.2: RSV3 means nothing on a control frame here.
    if (in.is_control()) {
      return sdk::FrameResult::fail(WSX_CLOSE_PROTOCOL_ERROR, "RSV3 set on a control frame");
    }
    if (in.payload().size() > max_payload_size) {
      return sdk::FrameResult::fail(WSX_CLOSE_MESSAGE_TOO_BIG, "frame exceeds max_payload_size");
    }
    xor_with_index(in.payload(), out.payload());
    out.clear_rsv(WSX_RSV3);
    return sdk::FrameResult::written();
  }
};

class XorIndexFactory {
 public:
  static constexpr sdk::ExtensionInfo info{
      .token = kToken, .roles = WSX_ROLE_SERVER, .rsv_bits = WSX_RSV3};

  sdk::Negotiation negotiate(const sdk::ServerOffer& offer) const {
    // No negotiation parameters: decline an offer with any (RFC 7692
    // section 7 style), so a client's fallback offer can still be tried.
    if (!offer.params().empty()) {
      return sdk::Negotiation::decline(std::string(kToken) + " has no parameter '" +
                                       std::string(offer.params()[0].name) + "'");
    }
    return sdk::Negotiation::accept(std::make_unique<XorIndex>());
  }
};

class XorIndexPlugin {
 public:
  static constexpr sdk::PluginInfo info{
      .name = kToken,
      .version = "1.0.0",
      .description = "test: XORs data frame byte i with i mod 256, marks them with RSV3"};

  explicit XorIndexPlugin(const sdk::CreateArgs& /*args*/) {}

  auto factories() const { return std::tie(factory_); }

 private:
  XorIndexFactory factory_;
};

}  // namespace

WSX_EXPORT_PLUGIN(XorIndexPlugin);
