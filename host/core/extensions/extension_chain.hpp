// The per-connection chain of negotiated extensions (RFC 6455 section 9).
// Outgoing frames pass through the extensions in acceptance order, incoming
// frames in reverse order (python-websockets semantics, DESIGN.md data path).
#pragma once

#include <wsx/extension.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/extensions/byte_buffer.hpp"
#include "core/extensions/extension_factory.hpp"
#include "core/extensions/extension_meter.hpp"
#include "core/extensions/extension_params.hpp"

namespace wsx::core {

// A frame as it moves through the chain. `payload` is borrowed: from the
// caller's buffer, or from chain-owned scratch memory valid until the next
// encode()/decode() call in the same direction.
struct FrameView {
  std::uint8_t opcode = WSX_OPCODE_BINARY;
  bool fin = true;
  std::uint8_t rsv = 0;  // WSX_RSV* bits
  std::span<const std::uint8_t> payload;
};

// Why the chain refused a frame: the connection closes with this code.
struct ChainError {
  std::uint16_t close_code = 1011;
  std::string reason;
};

// One negotiated extension instance of one connection. Owns the plugin's
// extension pointer and destroys it exactly once (RAII); holds the factory
// (and through it the plugin library) alive until then.
class Extension {
 public:
  Extension(std::shared_ptr<const ExtensionFactory> factory, void* instance,
            std::vector<ExtensionParam> params) noexcept;
  ~Extension();
  Extension(Extension&& other) noexcept;
  Extension& operator=(Extension&& other) noexcept;
  Extension(const Extension&) = delete;
  Extension& operator=(const Extension&) = delete;

  [[nodiscard]] const ExtensionFactory& factory() const noexcept { return *factory_; }
  [[nodiscard]] void* instance() const noexcept { return instance_; }
  // Parameters of the accepted response (server) / response received (client).
  [[nodiscard]] const std::vector<ExtensionParam>& params() const noexcept { return params_; }
  // Where this extension's frames are counted (its I/O thread's meter for
  // its token); null: not counted. Not owned; outlives the extension.
  [[nodiscard]] ExtensionMeter* meter() const noexcept { return meter_; }
  void set_meter(ExtensionMeter* meter) noexcept { meter_ = meter; }

 private:
  std::shared_ptr<const ExtensionFactory> factory_;
  void* instance_ = nullptr;
  std::vector<ExtensionParam> params_;
  ExtensionMeter* meter_ = nullptr;
};

// The buffers an extension chain writes into while it encodes or decodes
// one frame. Two per direction: extension i reads one and writes the other,
// so a chain of any length needs no per-frame allocation once warm. What a
// chain leaves in them is consumed (copied into the output queue or the
// message assembly, or handed to the application) before the chain runs
// again, so all the connections of one I/O thread can share one set: an idle
// connection then holds none.
struct ChainScratch {
  ByteBuffer encode[2];
  ByteBuffer decode[2];
  ByteBuffer error_message;

  [[nodiscard]] std::size_t bytes() const noexcept;
  void release() noexcept;
};

class ExtensionChain {
 public:
  ExtensionChain() = default;
  ExtensionChain(ExtensionChain&&) noexcept = default;
  ExtensionChain& operator=(ExtensionChain&&) noexcept = default;

  void add(Extension extension);
  // Counts extension `index`'s frames in `meter` (see Extension::meter).
  void set_meter(std::size_t index, ExtensionMeter* meter) noexcept {
    extensions_[index].set_meter(meter);
  }

  [[nodiscard]] bool empty() const noexcept { return extensions_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return extensions_.size(); }
  [[nodiscard]] const std::vector<Extension>& extensions() const noexcept { return extensions_; }
  // Union of the RSV bits owned by accepted extensions: any other RSV bit on
  // an incoming frame is a protocol error (RFC 6455 section 5.2).
  [[nodiscard]] std::uint8_t rsv_mask() const noexcept { return rsv_mask_; }

  // Runs `frame` through every extension in acceptance order. On success the
  // frame's header fields and payload are updated in place.
  std::optional<ChainError> encode(FrameView& frame);

  // Runs `frame` through every extension in reverse acceptance order. No
  // decoded payload may exceed `max_payload_size` bytes (close code 1009).
  std::optional<ChainError> decode(FrameView& frame, std::uint64_t max_payload_size);

  // The Sec-WebSocket-Extensions value listing the accepted extensions in
  // acceptance order, e.g. "permessage-deflate; client_max_window_bits=15".
  [[nodiscard]] std::string header_value() const;

  // Makes the chain use `shared` (owned by the caller, e.g. one per I/O
  // thread, outliving the chain) instead of scratch buffers of its own. Only
  // for chains that never run while another chain sharing it is mid-frame:
  // the connections of one thread, driven one event at a time.
  void share_scratch(ChainScratch& shared) noexcept;

  // Bytes of heap held by the chain's own scratch buffers (for memory
  // accounting; shared ones are not this chain's).
  [[nodiscard]] std::size_t scratch_bytes() const noexcept;
  // Frees the chain's own scratch buffers (an idle connection gives its
  // memory back).
  void release_scratch() noexcept;

 private:
  std::vector<Extension> extensions_;
  std::uint8_t rsv_mask_ = 0;
  [[nodiscard]] ChainScratch& scratch();

  // Created on first use unless a shared set was given.
  std::unique_ptr<ChainScratch> own_scratch_;
  ChainScratch* shared_scratch_ = nullptr;
};

}  // namespace wsx::core
