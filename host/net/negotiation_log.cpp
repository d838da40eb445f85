#include "net/negotiation_log.hpp"

namespace wsx::net {

namespace {

std::string with_params(const std::string& token, const std::string& params) {
  return params.empty() ? token : token + "; " + params;
}

}  // namespace

std::string describe_offer(std::size_t index, const core::NegotiationTraceEntry& entry) {
  std::string line =
      "offer[" + std::to_string(index) + "] \"" + with_params(entry.token, entry.params) + "\" -> ";
  using core::OfferOutcome;
  if (entry.outcome == OfferOutcome::no_factory) return line + "no plugin provides it";
  line += "plugin " + entry.plugin + ": ";
  switch (entry.outcome) {
    case OfferOutcome::accepted:
      return line + "accepted \"" + with_params(entry.token, entry.detail) + "\"";
    case OfferOutcome::declined:
      return line + "declined: " + entry.detail;
    case OfferOutcome::failed:
      return line + "failed the handshake: " + entry.detail;
    case OfferOutcome::skipped_duplicate:
      return line + "skipped: token already accepted";
    case OfferOutcome::skipped_rsv_clash:
      return line + "skipped: " + entry.detail;
    case OfferOutcome::no_factory:
      break;
  }
  return line;
}

void log_negotiation_trace(const Logger& logger,
                           std::span<const core::NegotiationTraceEntry> trace) {
  for (std::size_t i = 0; i < trace.size(); ++i) {
    logger.write_lazy(LogLevel::debug, [&] { return "negotiate " + describe_offer(i, trace[i]); });
  }
}

}  // namespace wsx::net
