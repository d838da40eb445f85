// The extension tokens a server's metrics are labelled with: one slot per
// token a loaded plugin provides, assigned on first sight and never reused
// (a token dropped by a reload keeps its slot, so its counters stay
// monotonic). Slot 0 is "other": tokens no plugin provides (what a client
// offers is unbounded; a label set must not be), and tokens past capacity.
//
// Threading: slot_of() takes a lock and is called when an I/O thread binds
// its factories (startup, reload), never per handshake or frame; names() is
// called by the metrics reader.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/thread_metrics.hpp"

namespace wsx::metrics {

class TokenTable {
 public:
  TokenTable();

  // The slot of `token` (compared ASCII case-insensitively, RFC 6455
  // section 9.1), assigning the next free one; 0 when the table is full.
  [[nodiscard]] std::size_t slot_of(std::string_view token);
  // Every slot's name, slot 0 ("other") first.
  [[nodiscard]] std::vector<std::string> names() const;

 private:
  mutable std::mutex lock_;
  std::vector<std::string> names_;
};

}  // namespace wsx::metrics
