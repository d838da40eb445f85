// x-byte-rotate: a complete, deliberately tiny wsx extension plugin.
//
// It adds `shift` (mod 256) to every payload byte of outgoing data frames and
// marks them with RSV2; incoming frames carrying RSV2 get the shift taken off.
// It is no real protection -- it exists to show every part of a plugin:
// a config parameter, a server and a client factory, an extension with
// per-frame encode/decode, an RSV bit, and the close codes of RFC 6455 7.4.1.
#include <wsx/extension.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <tuple>

namespace {

namespace sdk = wsx::sdk;

constexpr const char* kToken = "x-byte-rotate";

// Writes `in` with `shift` added to every byte (mod 256) into `out`.
void rotate(std::span<const std::uint8_t> in, sdk::BufferWriter& out, std::uint8_t shift) {
  out.write(in.size(), [&](std::span<std::uint8_t> room) {
    std::ranges::transform(in, room.begin(), [shift](std::uint8_t byte) {
      return static_cast<std::uint8_t>(byte + shift);  // unsigned wrap-around is the mod 256
    });
  });
}

// One per connection. Per-frame, stateless: each data frame is rotated on
// its own, so fragmented messages need no bookkeeping.
class ByteRotate final : public sdk::Extension {
 public:
  explicit ByteRotate(std::uint8_t shift) : shift_(shift) {}

  sdk::FrameResult encode(const sdk::Frame& in, sdk::FrameOut& out) override {
    if (in.is_control()) return sdk::FrameResult::unchanged();  // RFC 6455 5.5: left alone
    rotate(in.payload(), out.payload(), shift_);
    out.add_rsv(WSX_RSV2);
    return sdk::FrameResult::written();
  }

  sdk::FrameResult decode(const sdk::Frame& in, sdk::FrameOut& out,
                          std::uint64_t max_payload_size) override {
    if (!in.has_rsv(WSX_RSV2)) return sdk::FrameResult::unchanged();  // not ours
    if (in.is_control()) {
      // RFC 6455 5.2: an RSV bit whose meaning was not negotiated for this
      // frame is a protocol error; we only ever set RSV2 on data frames.
      return sdk::FrameResult::fail(WSX_CLOSE_PROTOCOL_ERROR, "RSV2 set on a control frame");
    }
    if (in.payload().size() > max_payload_size) {
      return sdk::FrameResult::fail(WSX_CLOSE_MESSAGE_TOO_BIG, "frame exceeds max_payload_size");
    }
    rotate(in.payload(), out.payload(), static_cast<std::uint8_t>(256 - shift_));
    out.clear_rsv(WSX_RSV2);
    return sdk::FrameResult::written();
  }

 private:
  std::uint8_t shift_;
};

// Negotiates the token. It has no negotiation parameters, so any parameter
// is one it does not know: the server declines such an offer (RFC 7692 7
// style, so the client's next offer can be tried) and the client fails on
// such a response (RFC 6455 9.1).
class ByteRotateFactory {
 public:
  static constexpr sdk::ExtensionInfo info{
      .token = kToken, .roles = WSX_ROLE_SERVER | WSX_ROLE_CLIENT, .rsv_bits = WSX_RSV2};

  explicit ByteRotateFactory(std::uint8_t shift) : shift_(shift) {}

  sdk::Negotiation negotiate(const sdk::ServerOffer& offer) const {
    if (!offer.params().empty()) {
      return sdk::Negotiation::decline(std::string(kToken) + " has no parameter '" +
                                       std::string(offer.params()[0].name) + "'");
    }
    return sdk::Negotiation::accept(std::make_unique<ByteRotate>(shift_));
  }

  sdk::OfferResult offer() const { return sdk::OfferResult::offer(); }

  sdk::Negotiation accept(const sdk::ClientResponse& response) const {
    if (!response.params().empty()) {
      return sdk::Negotiation::fail("server answered " + std::string(kToken) +
                                    " with unknown parameter '" +
                                    std::string(response.params()[0].name) + "'");
    }
    return sdk::Negotiation::accept(std::make_unique<ByteRotate>(shift_));
  }

 private:
  std::uint8_t shift_;  // both peers must be configured with the same value
};

// One per [[plugin]] entry of the config: reads [plugin.params].
class ByteRotatePlugin {
 public:
  static constexpr sdk::PluginInfo info{
      .name = kToken,
      .version = "1.0.0",
      .description = "example: rotates data frame bytes by `shift`, marks them with RSV2"};

  static constexpr sdk::ParamSpec params[]{
      {.name = "shift",
       .type = WSX_PARAM_INTEGER,
       .description = "amount added to each byte, 1..255 (default 1)"}};

  explicit ByteRotatePlugin(const sdk::CreateArgs& args)
      : factory_(
            static_cast<std::uint8_t>(args.params().integer("shift", 1, {.min = 1, .max = 255}))) {}

  auto factories() const { return std::tie(factory_); }

 private:
  ByteRotateFactory factory_;
};

}  // namespace

WSX_EXPORT_PLUGIN(ByteRotatePlugin);
