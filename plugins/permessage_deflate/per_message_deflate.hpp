// One negotiated permessage-deflate extension: what a connection runs on
// every frame (RFC 7692 §6 and §7.2). Belongs to one connection; never
// called concurrently (ABI rule 6).
#pragma once

#include <wsx/extension.h>

#include <cstddef>
#include <cstdint>
#include <optional>

#include "compressor_pool.hpp"
#include "deflater.hpp"
#include "host_services.hpp"
#include "inflater.hpp"
#include "memory_budget.hpp"
#include "negotiation.hpp"

namespace wsx::pmd {

class Plugin;

class PerMessageDeflate {
 public:
  // `reservation` is this connection's share of the memory budget; it is
  // given back when the extension is destroyed. With `pool` (this I/O
  // thread's, which outlives the extension: ABI rule 7) the compressor
  // comes from the pool message by message; without, it is our own.
  PerMessageDeflate(Plugin& plugin, const ConnectionSettings& settings,
                    BudgetReservation reservation, CompressorPool* pool) noexcept;
  PerMessageDeflate(const PerMessageDeflate&) = delete;
  PerMessageDeflate& operator=(const PerMessageDeflate&) = delete;

  wsx_status encode(const wsx_frame& in, wsx_frame_out& out, wsx_error* error);
  wsx_status decode(const wsx_frame& in, wsx_frame_out& out, std::uint64_t max_payload_size,
                    wsx_error* error);

  // The host services of the instance that made this extension.
  [[nodiscard]] const HostServices& host() const noexcept;
  [[nodiscard]] const ConnectionSettings& settings() const noexcept { return settings_; }
  // zlib bytes this connection holds now (both directions).
  [[nodiscard]] std::size_t zlib_bytes_held() const noexcept {
    return (pooled_ ? pooled_->bytes_held() : deflater_.bytes_held()) + inflater_.bytes_held();
  }
  // Whether the compressor comes from a thread's pool.
  [[nodiscard]] bool pooled() const noexcept { return pooled_.has_value(); }
  // Budget bytes held for the whole connection, and for a compressor
  // without context takeover once it was first used.
  [[nodiscard]] std::uint64_t reserved_bytes() const noexcept {
    return reservation_.bytes() + compressor_reservation_.bytes();
  }

 private:
  enum class Outgoing { between_messages, compressing, sending_plain };

  [[nodiscard]] bool should_compress(const wsx_frame& first_frame);

  Plugin& plugin_;
  ConnectionSettings settings_;
  BudgetReservation reservation_;
  BudgetReservation compressor_reservation_;
  // Our own compressor (unused, and never opened, when pooled).
  Deflater deflater_;
  std::optional<PooledCompressor> pooled_;
  // The compressor of the message being sent (one of the two above).
  Deflater* compressing_with_ = nullptr;
  Inflater inflater_;
  Outgoing outgoing_ = Outgoing::between_messages;
  bool incoming_compressed_ = false;
};

}  // namespace wsx::pmd
