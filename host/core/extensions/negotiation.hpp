// Extension negotiation (RFC 6455 section 9.1, RFC 7692 section 5; DESIGN.md
// "Negotiation"), both roles, over the factories of loaded plugins.
//
// Server: the client's offers are walked in the client's order. An offer is
// skipped when no factory provides its token, when its token was already
// accepted, or when its RSV bits clash with an accepted extension; otherwise
// the factory decides: OK accepts (the extension joins the chain), DECLINE
// lets a later offer of the same token act as a fallback, FAIL fails the
// handshake. The response lists accepted extensions in acceptance order.
//
// Client: each factory may make one offer; the server's response may only
// name offered tokens, each at most once, with disjoint RSV bits, and every
// factory must accept the response it gets (a client cannot decline).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/extensions/extension_chain.hpp"
#include "core/extensions/extension_factory.hpp"
#include "core/extensions/extension_params.hpp"

namespace wsx::core {

// What happened to one client offer.
enum class OfferOutcome {
  accepted,           // the factory accepted it; it is in the chain
  declined,           // the factory declined it (not an error)
  failed,             // the factory failed it, or answered nonsense: the handshake fails
  skipped_duplicate,  // its token was already accepted from an earlier offer
  skipped_rsv_clash,  // its RSV bits are owned by an extension accepted earlier
  no_factory,         // no loaded plugin provides its token
};

[[nodiscard]] std::string_view to_string(OfferOutcome outcome) noexcept;

// One line of the negotiation trace, in offer order.
struct NegotiationTraceEntry {
  std::string token;   // as the client spelled it
  std::string params;  // the offer's parameters as header text, e.g. "a; b=1"
  std::string plugin;  // the plugin asked, empty for no_factory
  OfferOutcome outcome = OfferOutcome::no_factory;
  // accepted: the response parameters; declined/failed: the plugin's
  // reason; skipped/no_factory: why.
  std::string detail;
};

// "permessage-deflate; client_max_window_bits -> accepted by pmd: ..." for logs.
[[nodiscard]] std::string describe(const NegotiationTraceEntry& entry);

struct ServerNegotiation {
  // The accepted extensions, in acceptance order. Empty when `error` is set
  // (every extension created before the failure is destroyed).
  ExtensionChain chain;
  // The Sec-WebSocket-Extensions response value; empty when none accepted.
  std::string response_header;
  std::vector<NegotiationTraceEntry> trace;
  // Why the handshake must fail (400), if it must.
  std::optional<std::string> error;
  [[nodiscard]] bool ok() const noexcept { return !error.has_value(); }
};

// `factories` are the server-role factories in config order; the first one
// whose token matches an offer (ASCII case-insensitively) is asked.
[[nodiscard]] ServerNegotiation negotiate_server(std::span<const ExtensionItem> offers,
                                                 const FactoryList& factories);

struct ClientOffers {
  // One item per factory that made an offer, in factory order.
  std::vector<ExtensionItem> offers;
  std::optional<std::string> error;
  [[nodiscard]] bool ok() const noexcept { return !error.has_value(); }
};

// Asks every client-role factory for its offer; a DECLINE means "do not offer".
[[nodiscard]] ClientOffers build_client_offers(const FactoryList& factories);

struct ClientNegotiation {
  ExtensionChain chain;  // empty when `error` is set
  std::optional<std::string> error;
  [[nodiscard]] bool ok() const noexcept { return !error.has_value(); }
};

// Accepts the server's Sec-WebSocket-Extensions items against what was offered.
[[nodiscard]] ClientNegotiation accept_client_response(std::span<const ExtensionItem> response,
                                                       const FactoryList& factories,
                                                       std::span<const ExtensionItem> offered);

}  // namespace wsx::core
