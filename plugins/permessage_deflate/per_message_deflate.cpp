#include "per_message_deflate.hpp"

#include <utility>

#include "incompressible.hpp"
#include "plugin.hpp"

namespace wsx::pmd {
namespace {

bool is_control(std::uint8_t opcode) noexcept {
  return (opcode & 0x8u) != 0;
}
bool starts_message(std::uint8_t opcode) noexcept {
  return opcode == WSX_OPCODE_TEXT || opcode == WSX_OPCODE_BINARY;
}
bool has_rsv1(std::uint8_t rsv) noexcept {
  return (rsv & WSX_RSV1) != 0;
}
std::uint8_t without_rsv1(std::uint8_t rsv) noexcept {
  return static_cast<std::uint8_t>(rsv & ~WSX_RSV1);
}

DeflaterSettings deflater_settings(const ConnectionSettings& settings,
                                   const DeflateConfig& config) noexcept {
  return {settings.outgoing.window_bits, settings.outgoing.no_context_takeover,
          config.compress_level, config.mem_level};
}

InflaterSettings inflater_settings(const ConnectionSettings& settings) noexcept {
  return {settings.incoming.window_bits, settings.incoming.no_context_takeover};
}

}  // namespace

PerMessageDeflate::PerMessageDeflate(Plugin& plugin, const ConnectionSettings& settings,
                                     BudgetReservation reservation, CompressorPool* pool) noexcept
    : plugin_(plugin),
      settings_(settings),
      reservation_(std::move(reservation)),
      deflater_(deflater_settings(settings, plugin.config()), plugin.gauge()),
      inflater_(inflater_settings(settings), plugin.gauge()) {
  if (pool != nullptr) pooled_.emplace(*pool, deflater_settings(settings, plugin.config()));
}

const HostServices& PerMessageDeflate::host() const noexcept {
  return plugin_.host();
}

bool PerMessageDeflate::should_compress(const wsx_frame& first_frame) {
  // RFC 7692 §6: compression is chosen per message. A short message whose
  // size is known (a single frame) is not worth it; a fragmented one is
  // compressed, since its size is not known yet.
  if (first_frame.fin != 0 && first_frame.payload.size < plugin_.config().min_size) return false;
  // Noise (random or already compressed data) would not shrink: send it as
  // it is, decided from a sample of the first frame BEFORE deflate sees any
  // of it. That order is what keeps context takeover correct: a message
  // sent uncompressed never enters the peer's LZ77 window (it is not
  // inflated), so it must never enter our compressor's history either.
  // Bailing out after feeding deflate would leave bytes in our window that
  // the peer does not have, and later back-references into them would
  // decode to garbage; it would need a deflateReset, i.e. losing the
  // context, and is only safe without context takeover.
  if (plugin_.config().skip_incompressible && looks_incompressible(first_frame.payload)) {
    return false;
  }
  // Pooled: a stream for this message only, or none left (the message goes
  // out uncompressed). Decided here, before any byte is compressed, and
  // kept until the final frame: no other connection touches it meanwhile.
  if (pooled_) {
    compressing_with_ = pooled_->begin_message();
    return compressing_with_ != nullptr;
  }
  compressing_with_ = &deflater_;
  // Without context takeover the connection's reservation leaves the
  // compressor out; its memory is taken from the budget when the first
  // compressed message needs it and kept with the stream (which is reset,
  // not freed, between messages). While the budget is spent, messages
  // simply go out uncompressed (§6: compression is chosen per message).
  if (settings_.outgoing.no_context_takeover && !compressor_reservation_.held()) {
    compressor_reservation_ = BudgetReservation(
        plugin_.budget(), Deflater::memory_bound(deflater_settings(settings_, plugin_.config())));
    return compressor_reservation_.held();
  }
  return true;
}

wsx_status PerMessageDeflate::encode(const wsx_frame& in, wsx_frame_out& out, wsx_error* error) {
  const HostServices& host = plugin_.host();
  // RFC 7692 §6: control frames are never compressed.
  if (is_control(in.opcode)) return WSX_UNCHANGED;

  bool first_frame = false;
  if (starts_message(in.opcode)) {
    outgoing_ = should_compress(in) ? Outgoing::compressing : Outgoing::sending_plain;
    first_frame = true;
  } else if (in.opcode != WSX_OPCODE_CONTINUATION) {
    return WSX_UNCHANGED;  // not a data frame we know; the host rejects it
  }

  if (outgoing_ != Outgoing::compressing) {
    out.rsv = without_rsv1(out.rsv);
    if (in.fin != 0) outgoing_ = Outgoing::between_messages;
    return WSX_UNCHANGED;
  }

  HostBuffer payload(host, out.payload);
  if (auto failure = compressing_with_->compress(in.payload, in.fin != 0, payload)) {
    return host.fail(error, failure->close_code, failure->message);
  }
  // RFC 7692 §6: RSV1 ("Per-Message Compressed") marks the first frame of a
  // compressed message and no other.
  out.rsv = first_frame ? static_cast<std::uint8_t>(out.rsv | WSX_RSV1) : without_rsv1(out.rsv);
  if (in.fin != 0) {
    // Pooled: the stream goes back, our history with it (compressor_pool.hpp).
    if (pooled_) {
      pooled_->end_message();
    } else {
      deflater_.end_message();
    }
    compressing_with_ = nullptr;
    outgoing_ = Outgoing::between_messages;
  }
  return WSX_OK;
}

wsx_status PerMessageDeflate::decode(const wsx_frame& in, wsx_frame_out& out,
                                     std::uint64_t max_payload_size, wsx_error* error) {
  const HostServices& host = plugin_.host();
  // RFC 7692 §6: "An endpoint MUST NOT set the 'Per-Message Compressed' bit
  // of control frames and non-first fragments of a data message. An endpoint
  // receiving such a frame MUST _Fail the WebSocket Connection_."
  if (is_control(in.opcode)) {
    if (has_rsv1(in.rsv)) {
      return host.fail(error, WSX_CLOSE_PROTOCOL_ERROR, "RSV1 set on a control frame");
    }
    return WSX_UNCHANGED;
  }
  if (in.opcode == WSX_OPCODE_CONTINUATION) {
    if (has_rsv1(in.rsv)) {
      return host.fail(error, WSX_CLOSE_PROTOCOL_ERROR, "RSV1 set on a continuation frame");
    }
    if (!incoming_compressed_) return WSX_UNCHANGED;
  } else if (starts_message(in.opcode)) {
    // RSV1 on the first frame says whether this message is compressed.
    incoming_compressed_ = has_rsv1(in.rsv);
    if (!incoming_compressed_) return WSX_UNCHANGED;
  } else {
    if (has_rsv1(in.rsv)) {
      return host.fail(error, WSX_CLOSE_PROTOCOL_ERROR, "RSV1 set on a frame of unknown opcode");
    }
    return WSX_UNCHANGED;
  }

  out.rsv = without_rsv1(out.rsv);
  HostBuffer payload(host, out.payload);
  if (auto failure = inflater_.decompress(in.payload, in.fin != 0, max_payload_size, payload)) {
    return host.fail(error, failure->close_code, failure->message);
  }
  if (in.fin != 0) {
    inflater_.end_message();
    incoming_compressed_ = false;
  }
  return WSX_OK;
}

}  // namespace wsx::pmd
