// One configured permessage-deflate instance (a [[plugin]] entry of the
// host's config): its settings, its host services and the memory budget its
// connections share. Its factory functions run on several I/O threads at
// once (ABI rule 6); everything here is either immutable after creation or
// atomic.
#pragma once

#include <wsx/extension.h>

#include <cstdint>
#include <memory>
#include <string>
#include <variant>

#include "config.hpp"
#include "host_services.hpp"
#include "memory_budget.hpp"
#include "negotiation.hpp"
#include "zlib_allocator.hpp"

namespace wsx::pmd {

class PerMessageDeflate;
class CompressorPool;

class Plugin {
 public:
  Plugin(const HostServices& host, const DeflateConfig& config) noexcept;
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  // Checks that the linked zlib takes the configured settings, so that no
  // setting can fail after a handshake. An error message, or an empty one.
  [[nodiscard]] std::string check_zlib() const;

  // Server factory: answer one client offer (RFC 7692 §5, §7.1).
  wsx_status server_negotiate(const wsx_server_offer& offer, void** out_extension,
                              wsx_error* error);
  // Client factory: make an offer, then take the server's response.
  wsx_status client_offer(wsx_params_out* offer, wsx_error* error);
  wsx_status client_accept(const wsx_client_response& response, void** out_extension,
                           wsx_error* error);

  // The budget a connection reserves when it is accepted: the worst case of
  // every zlib stream it keeps between messages. A compressor that lives
  // only during a message (no context takeover) is reserved per message.
  // A pooled compressor (`pooled`) is reserved by the pool, per stream.
  [[nodiscard]] std::uint64_t connection_reservation(const ConnectionSettings& settings,
                                                     bool pooled = false) const;
  // What a connection runs with for `agreement`: the agreed settings, plus
  // keep_compression_context applied to what we send.
  [[nodiscard]] ConnectionSettings effective_settings(Role role, const Agreement& agreement) const;
  // The same for a server connection that gets exactly the configured
  // windows and takeover settings.
  [[nodiscard]] std::uint64_t configured_connection_reservation() const;

  // The thread context (ABI rule 7): this thread's compressor pool, or
  // nullptr when the pool is off (compressor_pool_memory = 0). Called on
  // the I/O thread it is for; the result is destroyed by destroy_pool.
  [[nodiscard]] std::unique_ptr<CompressorPool> make_pool(const wsx_thread_info& thread);

  [[nodiscard]] const HostServices& host() const noexcept { return host_; }
  [[nodiscard]] const DeflateConfig& config() const noexcept { return config_; }
  [[nodiscard]] MemoryBudget& budget() noexcept { return budget_; }
  [[nodiscard]] const MemoryBudget& budget() const noexcept { return budget_; }
  [[nodiscard]] MemoryGauge& gauge() noexcept { return gauge_; }
  [[nodiscard]] const MemoryGauge& gauge() const noexcept { return gauge_; }

 private:
  // Reserves the connection's budget and creates its extension, or explains
  // why not.
  std::variant<std::unique_ptr<PerMessageDeflate>, std::string> make_extension(
      Role role, const Agreement& agreement, void* thread_context);

  HostServices host_;
  DeflateConfig config_;
  MemoryBudget budget_;
  MemoryGauge gauge_;
};

}  // namespace wsx::pmd
