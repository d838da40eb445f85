// The host services this plugin uses (wsx_host_api), behind names that say
// what they do. Everything the plugin hands to the host -- payloads, response
// parameters, error messages, log lines -- goes through here (ABI rule 4).
#pragma once

#include <wsx/extension.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace wsx::pmd {

class HostServices {
 public:
  HostServices() = default;
  // Keeps a normalised copy of the table (ABI rule 2); the functions and the
  // log context it points to stay valid until the plugin instance dies.
  explicit HostServices(const wsx_host_api* api) noexcept;

  // True if every function this plugin calls is present.
  [[nodiscard]] bool complete() const noexcept;

  // Room for at least `min_bytes` more bytes at the end of `buffer`;
  // `available` receives how many may be written. nullptr when out of memory.
  [[nodiscard]] std::uint8_t* reserve(wsx_buffer* buffer, std::size_t min_bytes,
                                      std::size_t& available) const noexcept;
  void commit(wsx_buffer* buffer, std::size_t bytes) const noexcept;
  [[nodiscard]] bool append(wsx_buffer* buffer, std::string_view text) const noexcept;

  // Appends `name` or `name=value` to an offer or a response.
  [[nodiscard]] bool add_param(wsx_params_out* list, std::string_view name,
                               std::optional<std::string_view> value) const noexcept;

  void log(wsx_log_level level, std::string_view message) const noexcept;

  // Fill `error` and return the status that carries it. During negotiation
  // the host ignores close_code, so `fail` is used with any code there.
  wsx_status fail(wsx_error* error, std::uint32_t close_code,
                  std::string_view message) const noexcept;
  wsx_status decline(wsx_error* error, std::string_view reason) const noexcept;

 private:
  wsx_host_api api_{};
};

// Where a codec writes its output: the end of one host-owned buffer, through
// reserve/commit, so zlib writes straight into the frame the host will send
// or deliver (no intermediate copy).
class HostBuffer {
 public:
  HostBuffer(const HostServices& host, wsx_buffer* buffer) noexcept
      : host_(&host), buffer_(buffer) {}

  [[nodiscard]] std::uint8_t* reserve(std::size_t min_bytes, std::size_t& available) noexcept {
    return host_->reserve(buffer_, min_bytes, available);
  }
  void commit(std::size_t bytes) noexcept { host_->commit(buffer_, bytes); }

 private:
  const HostServices* host_;
  wsx_buffer* buffer_;
};

}  // namespace wsx::pmd
