// permessage-bzip2: per-message bzip2 compression, wire-compatible with
// Autobahn|Python 22.x (compress_bzip2.py). Framing as RFC 7692 section 6
// (RSV1 on a message's first frame); the parameters in negotiation.hpp.
#include <wsx/extension.hpp>

#include <memory>
#include <string>
#include <tuple>
#include <variant>

#include "bzip2_codec.hpp"
#include "negotiation.hpp"
#include "per_message_codec.hpp"

namespace {

namespace sdk = wsx::sdk;
using wsx::bzip2::Agreement;
using wsx::bzip2::Settings;

constexpr const char* kToken = "permessage-bzip2";

using Bzip2Extension = wsx::codec::PerMessageCodec<wsx::bzip2::Encoder, wsx::bzip2::Decoder>;

sdk::Negotiation accept_with(Agreement agreement) {
  return sdk::Negotiation::accept(
      std::make_unique<Bzip2Extension>(kToken, wsx::bzip2::Encoder{agreement.compress_level},
                                       wsx::bzip2::Decoder{}),
      std::move(agreement.response));
}

class Bzip2Factory {
 public:
  // RSV1, as Autobahn's bzip2 uses it: the host accepts only one of
  // permessage-deflate/-bzip2/-snappy per connection.
  static constexpr sdk::ExtensionInfo info{
      .token = kToken, .roles = WSX_ROLE_SERVER | WSX_ROLE_CLIENT, .rsv_bits = WSX_RSV1};

  explicit Bzip2Factory(Settings settings) noexcept : settings_(settings) {}

  sdk::Negotiation negotiate(const sdk::ServerOffer& offer) const {
    auto answer = wsx::bzip2::answer_offer(settings_, offer.params());
    if (auto* reason = std::get_if<std::string>(&answer)) {
      return sdk::Negotiation::decline(std::move(*reason));
    }
    return accept_with(std::get<Agreement>(std::move(answer)));
  }

  sdk::OfferResult offer() const {
    return sdk::OfferResult::offer(wsx::bzip2::make_offer(settings_));
  }

  sdk::Negotiation accept(const sdk::ClientResponse& response) const {
    auto answer = wsx::bzip2::accept_response(settings_, response.params());
    if (auto* reason = std::get_if<std::string>(&answer)) {
      return sdk::Negotiation::fail(std::move(*reason));
    }
    return accept_with(std::get<Agreement>(std::move(answer)));
  }

 private:
  Settings settings_;
};

class Bzip2Plugin {
 public:
  static constexpr sdk::PluginInfo info{
      .name = kToken,
      .version = "1.0.0",
      .description = "permessage-bzip2 (Autobahn|Python compatible), one bzip2 stream per message"};

  static constexpr sdk::ParamSpec params[]{
      {.name = "compress_level",
       .type = WSX_PARAM_INTEGER,
       .description = "bzip2 level 1..9 we compress with, lowered to what the peer allows; "
                      "level N allocates about 400 kB + N x 800 kB per message being "
                      "compressed (default 9: ~7.6 MB)"},
      {.name = "request_max_compress_level",
       .type = WSX_PARAM_INTEGER,
       .description = "0 (default) or 1..9: ask the peer to compress with at most this level "
                      "(server: client_max_compress_level=N when offered; client: "
                      "server_max_compress_level=N)"}};

  explicit Bzip2Plugin(const sdk::CreateArgs& args) : factory_(settings(args.params())) {}

  auto factories() const { return std::tie(factory_); }

 private:
  static Settings settings(const sdk::Params& params) {
    Settings settings;
    settings.compress_level =
        static_cast<int>(params.integer("compress_level", 9, {.min = 1, .max = 9}));
    settings.request_max_compress_level =
        static_cast<int>(params.integer("request_max_compress_level", 0, {.min = 0, .max = 9}));
    return settings;
  }

  Bzip2Factory factory_;
};

}  // namespace

WSX_EXPORT_PLUGIN(Bzip2Plugin);
