// permessage-snappy: per-message snappy compression in the snappy framing
// format, wire-compatible with Autobahn|Python 22.x (compress_snappy.py,
// python-snappy's StreamCompressor/StreamDecompressor). Framing as RFC 7692
// section 6 (RSV1 on a message's first frame); parameters in
// negotiation.hpp, the byte format in snappy_codec.hpp.
#include <wsx/extension.hpp>

#include <memory>
#include <string>
#include <tuple>
#include <variant>

#include "negotiation.hpp"
#include "per_message_codec.hpp"
#include "snappy_codec.hpp"

namespace {

namespace sdk = wsx::sdk;
namespace framing = wsx::snappy_framing;
using framing::Agreement;
using framing::Settings;

constexpr const char* kToken = "permessage-snappy";

using SnappyExtension = wsx::codec::PerMessageCodec<framing::Encoder, framing::Decoder>;

sdk::Negotiation accept_with(Agreement agreement) {
  return sdk::Negotiation::accept(
      std::make_unique<SnappyExtension>(kToken,
                                        framing::Encoder{agreement.send_new_stream_per_message},
                                        framing::Decoder{agreement.receive_new_stream_per_message}),
      std::move(agreement.response));
}

class SnappyFactory {
 public:
  // RSV1, as Autobahn's snappy uses it: the host accepts only one of
  // permessage-deflate/-bzip2/-snappy per connection.
  static constexpr sdk::ExtensionInfo info{
      .token = kToken, .roles = WSX_ROLE_SERVER | WSX_ROLE_CLIENT, .rsv_bits = WSX_RSV1};

  explicit SnappyFactory(Settings settings) noexcept : settings_(settings) {}

  sdk::Negotiation negotiate(const sdk::ServerOffer& offer) const {
    auto answer = framing::answer_offer(settings_, offer.params());
    if (auto* reason = std::get_if<std::string>(&answer)) {
      return sdk::Negotiation::decline(std::move(*reason));
    }
    return accept_with(std::get<Agreement>(std::move(answer)));
  }

  sdk::OfferResult offer() const { return sdk::OfferResult::offer(framing::make_offer(settings_)); }

  sdk::Negotiation accept(const sdk::ClientResponse& response) const {
    auto answer = framing::accept_response(settings_, response.params());
    if (auto* reason = std::get_if<std::string>(&answer)) {
      return sdk::Negotiation::fail(std::move(*reason));
    }
    return accept_with(std::get<Agreement>(std::move(answer)));
  }

 private:
  Settings settings_;
};

class SnappyPlugin {
 public:
  static constexpr sdk::PluginInfo info{
      .name = kToken,
      .version = "1.0.0",
      .description = "permessage-snappy (Autobahn|Python compatible), snappy framing format"};

  static constexpr sdk::ParamSpec params[]{
      {.name = "no_context_takeover",
       .type = WSX_PARAM_BOOLEAN,
       .description = "start a new snappy stream (with its identifier) in every message we "
                      "send, announced as server_no_context_takeover (default false)"},
      {.name = "request_no_context_takeover",
       .type = WSX_PARAM_BOOLEAN,
       .description = "ask the peer to start a new stream in every message it sends "
                      "(server: client_no_context_takeover when offered; client: "
                      "server_no_context_takeover) (default false)"}};

  explicit SnappyPlugin(const sdk::CreateArgs& args)
      : factory_(Settings{args.params().boolean("no_context_takeover", false),
                          args.params().boolean("request_no_context_takeover", false)}) {}

  auto factories() const { return std::tie(factory_); }

 private:
  SnappyFactory factory_;
};

}  // namespace

WSX_EXPORT_PLUGIN(SnappyPlugin);
