// Server-side negotiation: RFC 6455 section 9.1 and DESIGN.md "Negotiation".
#include <string>
#include <utility>

#include "core/extensions/extensions_header.hpp"
#include "core/extensions/negotiation.hpp"
#include "core/extensions/negotiation_support.hpp"
#include "core/extensions/plugin_call_site.hpp"

namespace wsx::core {

using namespace negotiation_support;

std::string_view to_string(OfferOutcome outcome) noexcept {
  switch (outcome) {
    case OfferOutcome::accepted:
      return "accepted";
    case OfferOutcome::declined:
      return "declined";
    case OfferOutcome::failed:
      return "failed";
    case OfferOutcome::skipped_duplicate:
      return "skipped-duplicate";
    case OfferOutcome::skipped_rsv_clash:
      return "skipped-rsv-clash";
    case OfferOutcome::no_factory:
      return "no-factory";
  }
  return "unknown";
}

std::string describe(const NegotiationTraceEntry& entry) {
  std::string text = entry.token;
  if (!entry.params.empty()) text += "; " + entry.params;
  text += " -> ";
  text += to_string(entry.outcome);
  if (!entry.plugin.empty()) text += " (plugin " + entry.plugin + ")";
  if (!entry.detail.empty()) text += ": " + entry.detail;
  return text;
}

namespace {

// One negotiation in progress. Extensions accepted so far live in `chain_`
// from the moment the plugin hands them over, so a later failure (or an
// exception) destroys them with the chain: RAII, no cleanup paths.
class ServerNegotiator {
 public:
  explicit ServerNegotiator(const FactoryList& factories) : factories_(factories) {}

  ServerNegotiation run(std::span<const ExtensionItem> offers) {
    ServerNegotiation result;
    for (const ExtensionItem& offer : offers) {
      NegotiationTraceEntry entry;
      entry.token = offer.token;
      entry.params = params_text(offer.params);
      std::optional<std::string> error = consider(offer, entry);
      result.trace.push_back(std::move(entry));
      if (error) {
        result.error = std::move(error);
        return result;  // chain_ (and every extension in it) dies here
      }
    }
    std::string why;
    auto header = serialize_extensions(response_items_, &why);
    if (!header) {
      result.error = "cannot write the Sec-WebSocket-Extensions response: " + why;
      return result;
    }
    result.response_header = std::move(*header);
    result.chain = std::move(chain_);
    return result;
  }

 private:
  // Decides one offer and fills its trace entry; an error fails the handshake.
  std::optional<std::string> consider(const ExtensionItem& offer, NegotiationTraceEntry& entry) {
    auto factory = find_factory(factories_, offer.token, FactoryRole::server);
    if (!factory) {
      entry.outcome = OfferOutcome::no_factory;
      entry.detail = "no plugin provides it";
      return std::nullopt;
    }
    entry.plugin = factory->plugin_name;
    // RFC 6455 section 9.1: one extension per token; later offers of an
    // accepted token were only fallbacks (RFC 7692 section 5).
    if (accepted_.has_token(offer.token)) {
      entry.outcome = OfferOutcome::skipped_duplicate;
      entry.detail = "already accepted from an earlier offer";
      return std::nullopt;
    }
    // RFC 6455 section 5.2: an RSV bit has one meaning on a connection.
    if (auto owner = accepted_.rsv_owner(factory->rsv_bits)) {
      entry.outcome = OfferOutcome::skipped_rsv_clash;
      entry.detail = rsv_names(factory->rsv_bits & owned_rsv_bits_) + " already used by " +
                     std::string(*owner);
      return std::nullopt;
    }
    return ask_factory(offer, factory, entry);
  }

  std::optional<std::string> ask_factory(const ExtensionItem& offer,
                                         const std::shared_ptr<const ExtensionFactory>& factory,
                                         NegotiationTraceEntry& entry) {
    const std::vector<wsx_param> c_params = to_c_params(offer.params);
    wsx_params_out response;
    wsx_server_offer c_offer{};
    c_offer.struct_size = sizeof(wsx_server_offer);
    c_offer.token = view_of(offer.token);
    c_offer.params = c_params.data();
    c_offer.param_count = c_params.size();
    c_offer.accepted = accepted_.views();
    c_offer.accepted_count = accepted_.count();
    c_offer.response = &response;
    c_offer.thread_context = factory->thread_context;
    wsx_error error = make_error(message_);
    void* instance = nullptr;

    // Kept as an integer straight away: a C plugin may return a value outside
    // the enum, which a C++ wsx_status variable could not hold.
    const PluginCallScope call(*factory, "server_negotiate");
    const int status = static_cast<int>(
        factory->def.server_negotiate(factory->plugin, &c_offer, &instance, &error));
    switch (status) {
      case WSX_OK:
        return accept(offer, factory, Extension(factory, instance, std::move(response.params)),
                      entry);
      case WSX_DECLINE:
        entry.outcome = OfferOutcome::declined;
        entry.detail = plugin_message(message_, "declined without a reason");
        return std::nullopt;
      case WSX_FAIL:
        entry.outcome = OfferOutcome::failed;
        entry.detail = plugin_message(message_, "failed without a reason");
        return "extension " + offer.token + " (plugin " + factory->plugin_name +
               ") rejected the offer: " + entry.detail;
      default:
        entry.outcome = OfferOutcome::failed;
        entry.detail =
            "returned status " + std::to_string(status) + ", which is not a negotiation result";
        return "extension " + offer.token + " (plugin " + factory->plugin_name + ") " +
               entry.detail;
    }
  }

  std::optional<std::string> accept(const ExtensionItem& offer,
                                    const std::shared_ptr<const ExtensionFactory>& factory,
                                    Extension extension, NegotiationTraceEntry& entry) {
    // The extension is owned from here on: returning early destroys it.
    if (auto bad = check_params_are_tokens(extension.params())) {
      entry.outcome = OfferOutcome::failed;
      entry.detail = "accepted with a response that cannot be sent: " + *bad;
      return "extension " + offer.token + " (plugin " + factory->plugin_name + ") " + entry.detail;
    }
    entry.outcome = OfferOutcome::accepted;
    entry.detail = params_text(extension.params());
    // The response echoes the client's spelling of the token: it is the one
    // the client will look for.
    response_items_.push_back(ExtensionItem{offer.token, extension.params()});
    accepted_.add(factory->token, factory->rsv_bits, extension.params());
    owned_rsv_bits_ = static_cast<std::uint8_t>(owned_rsv_bits_ | factory->rsv_bits);
    chain_.add(std::move(extension));
    return std::nullopt;
  }

  const FactoryList& factories_;
  ExtensionChain chain_;
  AcceptedSoFar accepted_;
  std::vector<ExtensionItem> response_items_;
  std::uint8_t owned_rsv_bits_ = 0;
  ByteBuffer message_;
};

}  // namespace

ServerNegotiation negotiate_server(std::span<const ExtensionItem> offers,
                                   const FactoryList& factories) {
  return ServerNegotiator(factories).run(offers);
}

}  // namespace wsx::core
