#include "core/extensions/extension_chain.hpp"

#include <chrono>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "core/extensions/plugin_call_site.hpp"
#include "core/framing/frame.hpp"

namespace wsx::core {

// --- Extension ---------------------------------------------------------------

Extension::Extension(std::shared_ptr<const ExtensionFactory> factory, void* instance,
                     std::vector<ExtensionParam> params) noexcept
    : factory_(std::move(factory)), instance_(instance), params_(std::move(params)) {}

Extension::~Extension() {
  // ABI: destroy_extension is called once per extension, when its connection
  // ends; the factory (and so the library) is still alive here because we
  // hold it.
  if (instance_ != nullptr && factory_ && factory_->def.destroy_extension != nullptr) {
    const PluginCallScope call(*factory_, "destroy_extension");
    factory_->def.destroy_extension(instance_);
  }
}

Extension::Extension(Extension&& other) noexcept
    : factory_(std::move(other.factory_)),
      instance_(std::exchange(other.instance_, nullptr)),
      params_(std::move(other.params_)),
      meter_(other.meter_) {}

Extension& Extension::operator=(Extension&& other) noexcept {
  if (this != &other) {
    Extension old(std::move(*this));  // destroys our current instance on exit
    factory_ = std::move(other.factory_);
    instance_ = std::exchange(other.instance_, nullptr);
    params_ = std::move(other.params_);
    meter_ = other.meter_;
  }
  return *this;
}

// --- ExtensionChain -----------------------------------------------------------

namespace {

constexpr std::uint8_t all_rsv = WSX_RSV1 | WSX_RSV2 | WSX_RSV3;

// The close codes an extension may fail with (wsx/extension.h); anything else
// becomes 1011, the code for "the server hit an unexpected condition" (7.4.1).
std::uint16_t extension_close_code(std::uint32_t code) noexcept {
  switch (code) {
    case WSX_CLOSE_PROTOCOL_ERROR:
    case WSX_CLOSE_INVALID_PAYLOAD:
    case WSX_CLOSE_MESSAGE_TOO_BIG:
    case WSX_CLOSE_MANDATORY_EXTENSION:
    case WSX_CLOSE_INTERNAL_ERROR:
      return static_cast<std::uint16_t>(code);
    default:
      return WSX_CLOSE_INTERNAL_ERROR;
  }
}

ChainError make_error(std::uint16_t code, const Extension& extension, std::string_view message) {
  ChainError error;
  error.close_code = code;
  error.reason = extension.factory().token;
  error.reason += ": ";
  error.reason += message;
  return error;
}

enum class Direction { encode, decode };

// Runs one extension's encode or decode on `frame`. `scratch` receives the
// new payload if the extension rewrites it; `frame` then points into it and
// `rewrote` is set.
std::optional<ChainError> run_one(Direction direction, const Extension& extension, FrameView& frame,
                                  ByteBuffer& scratch, ByteBuffer& message,
                                  std::uint64_t max_payload_size, bool& rewrote) {
  rewrote = false;
  const wsx_extension_def& def = extension.factory().def;
  const auto encode_fn = def.encode;
  const auto decode_fn = def.decode;
  if ((direction == Direction::encode ? encode_fn == nullptr : decode_fn == nullptr))
    return std::nullopt;  // an extension without this hook leaves frames as they are

  scratch.clear();
  message.clear();
  const std::uint8_t fin = frame.fin ? 1 : 0;
  const wsx_frame in{sizeof(wsx_frame), frame.opcode, fin, frame.rsv,
                     wsx_bytes{frame.payload.data(), frame.payload.size()}};
  wsx_frame_out out{sizeof(wsx_frame_out), frame.opcode, fin, frame.rsv, scratch.handle()};
  wsx_error error{sizeof(wsx_error), WSX_CLOSE_INTERNAL_ERROR, message.handle()};

  const PluginCallScope call(extension.factory(),
                             direction == Direction::encode ? "encode" : "decode");
  ExtensionMeter* const meter = extension.meter();
  ExtensionDirectionMeter* const counts = meter == nullptr                 ? nullptr
                                          : direction == Direction::encode ? &meter->encode
                                                                           : &meter->decode;
  // One frame in kTimingSampleEvery is timed: two clock reads per frame
  // would cost more than the 2% the metrics may take from small messages.
  const bool timed =
      counts != nullptr && (counts->frames.get() & (ExtensionMeter::kTimingSampleEvery - 1)) == 0;
  const auto started =
      timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
  const wsx_status status =
      direction == Direction::encode
          ? encode_fn(extension.instance(), &in, &out, &error)
          : decode_fn(extension.instance(), &in, &out, max_payload_size, &error);
  if (counts != nullptr) {
    if (timed) {
      const auto elapsed = std::chrono::steady_clock::now() - started;
      counts->sampled_nanoseconds.add(static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count()));
      counts->samples.add();
    }
    counts->frames.add();
    counts->bytes_in.add(frame.payload.size());
  }

  // The status comes from foreign code, and a C plugin may return any int.
  // Read its bytes as an int: reading a C++ enum object that holds a value
  // outside its range would itself be undefined behaviour.
  static_assert(sizeof(wsx_status) == sizeof(int));
  int status_value = 0;
  std::memcpy(&status_value, &status, sizeof status_value);
  if (status_value == WSX_FAIL) {
    const std::string_view text =
        message.empty() ? std::string_view{"extension failed"} : message.text();
    const std::uint16_t code = extension_close_code(error.close_code);
    if (code == error.close_code) return make_error(code, extension, text);
    // Not a code an extension may ask for: close with 1011, and say so, so
    // that the log names the plugin that broke the rule (extension.h).
    return make_error(
        code, extension,
        "invalid close code " + std::to_string(error.close_code) + " (" + std::string(text) + ")");
  }
  if (status_value != WSX_OK && status_value != WSX_UNCHANGED)
    return make_error(WSX_CLOSE_INTERNAL_ERROR, extension,
                      direction == Direction::encode ? "invalid status from encode"
                                                     : "invalid status from decode");
  // The frame's kind must survive: the connection's framing rules (control
  // frames, continuation) depend on it.
  if (!is_defined_opcode(out.opcode) ||
      is_control_opcode(out.opcode) != is_control_opcode(frame.opcode))
    return make_error(WSX_CLOSE_INTERNAL_ERROR, extension, "extension changed the frame's kind");

  if (status_value == WSX_OK) {
    if (direction == Direction::decode && scratch.size() > max_payload_size)
      return make_error(WSX_CLOSE_MESSAGE_TOO_BIG, extension, "decoded payload too big");
    frame.payload = scratch.bytes();
    rewrote = true;
  }
  if (counts != nullptr) counts->bytes_out.add(frame.payload.size());
  // WSX_UNCHANGED: the payload is forwarded as is (no copy); header changes
  // apply in both cases.
  frame.opcode = out.opcode;
  frame.fin = out.fin != 0;
  frame.rsv = out.rsv & all_rsv;
  return std::nullopt;
}

}  // namespace

void ExtensionChain::add(Extension extension) {
  rsv_mask_ |= extension.factory().rsv_bits & all_rsv;
  extensions_.push_back(std::move(extension));
}

ChainScratch& ExtensionChain::scratch() {
  if (shared_scratch_ != nullptr) return *shared_scratch_;
  if (!own_scratch_) own_scratch_ = std::make_unique<ChainScratch>();
  return *own_scratch_;
}

void ExtensionChain::share_scratch(ChainScratch& shared) noexcept {
  shared_scratch_ = &shared;
  own_scratch_.reset();
}

std::optional<ChainError> ExtensionChain::encode(FrameView& frame) {
  // RFC 6455 section 9: extensions apply in the order they were accepted.
  // Extension i reads what i-1 wrote and writes into the other scratch
  // buffer, so the two buffers alternate whatever the chain's length.
  if (extensions_.empty()) return std::nullopt;
  ChainScratch& buffers = scratch();
  std::size_t next = 0;
  for (const Extension& extension : extensions_) {
    bool rewrote = false;
    if (auto error = run_one(Direction::encode, extension, frame, buffers.encode[next],
                             buffers.error_message, 0, rewrote)) {
      if (extension.meter() != nullptr) extension.meter()->count_error(error->close_code);
      return error;
    }
    if (rewrote) next ^= 1;
  }
  return std::nullopt;
}

std::optional<ChainError> ExtensionChain::decode(FrameView& frame, std::uint64_t max_payload_size) {
  // Incoming frames unwind the chain: the last accepted extension decodes first.
  ChainScratch* buffers = extensions_.empty() ? nullptr : &scratch();
  std::size_t next = 0;
  for (auto it = extensions_.rbegin(); it != extensions_.rend(); ++it) {
    bool rewrote = false;
    if (auto error = run_one(Direction::decode, *it, frame, buffers->decode[next],
                             buffers->error_message, max_payload_size, rewrote)) {
      if (it->meter() != nullptr) it->meter()->count_error(error->close_code);
      return error;
    }
    if (rewrote) next ^= 1;
  }
  // RFC 6455 section 5.2: an RSV bit no extension gave meaning to fails the
  // connection. The extension owning a bit clears it when decoding; a bit
  // still set here was not consumed.
  if (frame.rsv != 0) {
    ChainError error;
    error.close_code = WSX_CLOSE_PROTOCOL_ERROR;
    error.reason = "RSV bit not consumed by any extension";
    // Name the owner when there is one: its decode forgot to clear the bit
    // (a plugin defect, extension.h), which a plugin author must be told.
    for (const Extension& extension : extensions_) {
      if ((extension.factory().rsv_bits & frame.rsv) != 0) {
        error.reason = "RSV bit not cleared by its owner " + extension.factory().token;
        break;
      }
    }
    return error;
  }
  if (frame.payload.size() > max_payload_size) {
    ChainError error;
    error.close_code = WSX_CLOSE_MESSAGE_TOO_BIG;
    error.reason = "message too big";
    return error;
  }
  return std::nullopt;
}

namespace {

// RFC 7230 section 3.2.6: quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE.
void append_param_value(std::string& out, const std::string& value) {
  if (is_token(value)) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace

std::string ExtensionChain::header_value() const {
  std::string out;
  for (const Extension& extension : extensions_) {
    if (!out.empty()) out += ", ";
    out += extension.factory().token;
    for (const ExtensionParam& param : extension.params()) {
      out += "; ";
      out += param.name;
      if (param.value) {
        out += '=';
        append_param_value(out, *param.value);
      }
    }
  }
  return out;
}

std::size_t ChainScratch::bytes() const noexcept {
  return encode[0].capacity() + encode[1].capacity() + decode[0].capacity() + decode[1].capacity() +
         error_message.capacity();
}

void ChainScratch::release() noexcept {
  for (ByteBuffer& buffer : encode) buffer.release();
  for (ByteBuffer& buffer : decode) buffer.release();
  error_message.release();
}

std::size_t ExtensionChain::scratch_bytes() const noexcept {
  // The buffers' storage; the small ChainScratch itself is left out, as a
  // vector's control block is.
  return own_scratch_ ? own_scratch_->bytes() : 0;
}

void ExtensionChain::release_scratch() noexcept {
  own_scratch_.reset();
}

}  // namespace wsx::core
