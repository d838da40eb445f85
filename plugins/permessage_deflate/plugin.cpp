#include "plugin.hpp"

#include <algorithm>
#include <optional>
#include <span>
#include <string_view>

#include "abi_struct.hpp"
#include "compressor_pool.hpp"
#include "deflater.hpp"
#include "inflater.hpp"
#include "per_message_deflate.hpp"

namespace wsx::pmd {
namespace {

std::string_view view(wsx_str text) noexcept {
  return text.size == 0 ? std::string_view{} : std::string_view{text.data, text.size};
}

std::span<const wsx_param> view(const wsx_param* params, std::size_t count) noexcept {
  return params == nullptr ? std::span<const wsx_param>{} : std::span{params, count};
}

// RFC 7692 §5 (and RFC 6455 §9.1): two extensions must not both use RSV1.
// Returns the token of an accepted extension that already owns it.
std::optional<std::string> rsv1_owner(const wsx_accepted_extension* const* accepted,
                                      std::size_t count) {
  if (accepted == nullptr) return std::nullopt;
  for (std::size_t i = 0; i < count; ++i) {
    const wsx_accepted_extension other = read_abi_struct(accepted[i]);
    if ((other.rsv_bits & WSX_RSV1) != 0) return std::string(view(other.token));
  }
  return std::nullopt;
}

bool write_params(const HostServices& host, wsx_params_out* list, const DeflateParams& params) {
  for (const WireParam& param : to_wire(params)) {
    std::optional<std::string_view> value;
    if (param.value) value = *param.value;
    if (!host.add_param(list, param.name, value)) return false;
  }
  return true;
}

std::string budget_message(const MemoryBudget& budget) {
  return "compression memory budget exhausted (used " + std::to_string(budget.reserved()) + " of " +
         std::to_string(budget.limit()) + " bytes)";
}

}  // namespace

Plugin::Plugin(const HostServices& host, const DeflateConfig& config) noexcept
    : host_(host), config_(config), budget_(config.max_memory) {}

std::string Plugin::check_zlib() const {
  for (const int window_bits : {8, 15}) {
    if (!Deflater::zlib_accepts({window_bits, false, config_.compress_level, config_.mem_level})) {
      return "zlib " + std::string(zlibVersion()) +
             " refuses compress_level=" + std::to_string(config_.compress_level) +
             " mem_level=" + std::to_string(config_.mem_level);
    }
    if (!Inflater::zlib_accepts({window_bits, false})) {
      return "zlib " + std::string(zlibVersion()) + " cannot inflate raw DEFLATE";
    }
  }
  return {};
}

ConnectionSettings Plugin::effective_settings(Role role, const Agreement& agreement) const {
  ConnectionSettings settings = settings_for(role, agreement);
  // See DeflateConfig::keep_compression_context and compress_window_bits:
  // dropping our own context or using a smaller window needs no agreement
  // (RFC 7692 §7.1.1.1, §7.1.2.1).
  if (!config_.keep_compression_context) settings.outgoing.no_context_takeover = true;
  settings.outgoing.window_bits =
      std::min(settings.outgoing.window_bits, config_.compress_window_bits);
  return settings;
}

std::uint64_t Plugin::connection_reservation(const ConnectionSettings& settings,
                                             bool pooled) const {
  std::uint64_t bytes = Inflater::memory_bound(
      {settings.incoming.window_bits, settings.incoming.no_context_takeover});
  if (!pooled && !settings.outgoing.no_context_takeover) {
    bytes += Deflater::memory_bound(
        {settings.outgoing.window_bits, false, config_.compress_level, config_.mem_level});
  }
  return bytes;
}

std::uint64_t Plugin::configured_connection_reservation() const {
  const Agreement as_configured{config_.server_no_context_takeover,
                                config_.client_no_context_takeover, config_.server_max_window_bits,
                                config_.client_max_window_bits};
  return connection_reservation(effective_settings(Role::server, as_configured));
}

std::unique_ptr<CompressorPool> Plugin::make_pool(const wsx_thread_info& thread) {
  if (config_.compressor_pool_memory == 0) return nullptr;
  host_.log(WSX_LOG_DEBUG, "I/O thread " + std::to_string(thread.thread_index) + " of " +
                               std::to_string(thread.thread_count) + ": compressor pool of " +
                               std::to_string(config_.compressor_pool_memory) + " bytes");
  return std::make_unique<CompressorPool>(config_.compressor_pool_memory, config_.compress_level,
                                          config_.mem_level, gauge_, budget_);
}

std::variant<std::unique_ptr<PerMessageDeflate>, std::string> Plugin::make_extension(
    Role role, const Agreement& agreement, void* thread_context) {
  const ConnectionSettings settings = effective_settings(role, agreement);
  // The context is the pool thread_create made (entry.cpp), or NULL: no
  // pool on this thread (pool off, an older host, a client without I/O
  // threads), and the connection keeps a compressor of its own.
  auto* pool = static_cast<CompressorPool*>(thread_context);
  BudgetReservation reservation(budget_, connection_reservation(settings, pool != nullptr));
  if (!reservation.held()) return budget_message(budget_);
  host_.log(WSX_LOG_DEBUG,
            "reserved " + std::to_string(reservation.bytes()) +
                " bytes of zlib memory (budget: " + std::to_string(budget_.reserved()) + " of " +
                (budget_.unlimited() ? std::string("unlimited") : std::to_string(budget_.limit())) +
                " bytes in use)");
  return std::make_unique<PerMessageDeflate>(*this, settings, std::move(reservation), pool);
}

wsx_status Plugin::server_negotiate(const wsx_server_offer& offer, void** out_extension,
                                    wsx_error* error) {
  if (const auto owner = rsv1_owner(offer.accepted, offer.accepted_count)) {
    return host_.decline(error, "RSV1 is already used by " + *owner);
  }
  // RFC 7692 §5: a server declines an offer it cannot accept, so that the
  // client's next offer (a fallback) can be tried.
  const auto parsed = parse_params(view(offer.params, offer.param_count), ParamSource::offer);
  if (const auto* rejection = std::get_if<Rejection>(&parsed)) {
    return host_.decline(error, rejection->reason);
  }
  const auto answered = answer_offer(config_, std::get<DeflateParams>(parsed));
  if (const auto* rejection = std::get_if<Rejection>(&answered)) {
    return host_.decline(error, rejection->reason);
  }
  const ServerAnswer& answer = std::get<ServerAnswer>(answered);

  auto made = make_extension(Role::server, answer.agreement, offer.thread_context);
  if (const auto* why = std::get_if<std::string>(&made)) {
    // Not an error: the connection proceeds without compression.
    host_.log(WSX_LOG_INFO, "declined an offer: " + *why);
    return host_.decline(error, *why);
  }
  if (!write_params(host_, offer.response, answer.response)) {
    return host_.fail(error, WSX_CLOSE_INTERNAL_ERROR, "cannot write the response parameters");
  }
  *out_extension = std::get<std::unique_ptr<PerMessageDeflate>>(made).release();
  return WSX_OK;
}

wsx_status Plugin::client_offer(wsx_params_out* offer, wsx_error* error) {
  const DeflateParams params = make_client_offer(config_);
  // Offer only what we could accept: a client cannot decline a response, so
  // a spent budget is noticed here, before anything is offered. (Another
  // connection may still take the rest first; client_accept then fails.)
  Agreement as_offered;
  as_offered.server_no_context_takeover = params.server_no_context_takeover;
  as_offered.client_no_context_takeover = params.client_no_context_takeover;
  as_offered.server_max_window_bits = params.server_max_window_bits.value_or(15);
  as_offered.client_max_window_bits = params.client_max_window_bits.value_or(15);
  const std::uint64_t needed = connection_reservation(effective_settings(Role::client, as_offered));
  if (!budget_.would_fit(needed)) {
    host_.log(WSX_LOG_INFO, "not offering permessage-deflate: " + budget_message(budget_));
    return host_.decline(error, budget_message(budget_));
  }
  if (!write_params(host_, offer, params)) {
    return host_.fail(error, WSX_CLOSE_INTERNAL_ERROR, "cannot write the offer parameters");
  }
  return WSX_OK;
}

wsx_status Plugin::client_accept(const wsx_client_response& response, void** out_extension,
                                 wsx_error* error) {
  // RFC 7692 §7.1: a client fails the connection on a response it cannot
  // accept; it has no other offer to fall back on.
  if (const auto owner = rsv1_owner(response.accepted, response.accepted_count)) {
    return host_.fail(
        error, WSX_CLOSE_PROTOCOL_ERROR,
        "the server accepted permessage-deflate while " + *owner + " already uses RSV1");
  }
  const auto parsed =
      parse_params(view(response.params, response.param_count), ParamSource::response);
  if (const auto* rejection = std::get_if<Rejection>(&parsed)) {
    return host_.fail(error, WSX_CLOSE_PROTOCOL_ERROR, rejection->reason);
  }
  const auto accepted =
      accept_response(make_client_offer(config_), std::get<DeflateParams>(parsed));
  if (const auto* rejection = std::get_if<Rejection>(&accepted)) {
    return host_.fail(error, WSX_CLOSE_PROTOCOL_ERROR, rejection->reason);
  }
  auto made = make_extension(Role::client, std::get<Agreement>(accepted), response.thread_context);
  if (const auto* why = std::get_if<std::string>(&made)) {
    return host_.fail(error, WSX_CLOSE_INTERNAL_ERROR, *why);
  }
  *out_extension = std::get<std::unique_ptr<PerMessageDeflate>>(made).release();
  return WSX_OK;
}

}  // namespace wsx::pmd
