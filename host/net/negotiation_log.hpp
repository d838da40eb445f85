// The negotiation trace at debug level: one line per extension offer, in the
// client's order (RFC 6455 section 9.1), saying what became of it, e.g.
//   negotiate offer[0] "permessage-deflate; client_max_window_bits" -> plugin
//     permessage-deflate: accepted "permessage-deflate; client_max_window_bits=15"
// (one line) so an operator can see why a client did or did not get an
// extension. The "open peer=..." line that follows names the connection.
#pragma once

#include <span>
#include <string>

#include "core/extensions/negotiation.hpp"
#include "log/log.hpp"

namespace wsx::net {

// One trace line without the "negotiate " prefix.
[[nodiscard]] std::string describe_offer(std::size_t index,
                                         const core::NegotiationTraceEntry& entry);

// Writes every line of `trace` at debug level (nothing is built otherwise).
void log_negotiation_trace(const Logger& logger,
                           std::span<const core::NegotiationTraceEntry> trace);

}  // namespace wsx::net
