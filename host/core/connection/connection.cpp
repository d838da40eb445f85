#include "core/connection/connection.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

namespace wsx::core {

namespace {
// An incomplete-frame buffer grown past this by a big frame is freed once the
// frame is handled, as the output and assembly buffers are. Anything up to
// it is kept until the session's idle shrink (shrink_when_idle), so a stream
// of 1 MiB frames reuses one buffer instead of paying an allocation and a
// fresh page fault per 4 KiB for every frame.
constexpr std::size_t retained_partial_capacity = 2 * 1024 * 1024;
// The most reserved at once for a frame whose header announced its length:
// one allocation instead of a doubling series of copies, without letting a
// header alone commit the whole max_message_size.
constexpr std::uint64_t upfront_partial_capacity = 2 * 1024 * 1024;
}  // namespace

Connection::Connection(Role role, ExtensionChain chain, ConnectionLimits limits,
                       MaskKeySource mask_keys)
    : chain_(std::move(chain)), limits_(limits), mask_keys_(std::move(mask_keys)), role_(role) {
  // Only a client masks (5.1), so only a client pays for seeding.
  if (role_ == Role::client && !mask_keys_) mask_keys_ = make_default_mask_key_source();
}

// --- Input --------------------------------------------------------------------

void Connection::receive(std::span<std::uint8_t> bytes, ConnectionHandler& handler) {
  if (input_done()) return;
  pause_requested_ = false;
  if (held_.empty()) {
    receive_frames(bytes, handler);
  } else {
    // Bytes held back by pause_input() come first. They start at a frame
    // boundary (partial_ is empty), so the new bytes simply follow them.
    ByteBuffer held = std::move(held_);
    held_ = ByteBuffer();
    if (!bytes.empty()) held.append(bytes.data(), bytes.size());
    receive_frames({held.data(), held.size()}, handler);
  }
  // Every handler call has returned, so no view into these buffers is left.
  if (input_done()) {
    partial_checked_ = 0;
    partial_.release();
    held_.release();
    assembler_.reset();
  }
}

void Connection::receive_frames(std::span<std::uint8_t> bytes, ConnectionHandler& handler) {
  if (!partial_.empty() && !complete_partial_frame(bytes, handler)) return;
  // Each iteration consumes one whole frame or leaves the loop.
  while (!bytes.empty()) {
    if (pause_requested_) {
      held_.append(bytes.data(), bytes.size());
      return;
    }
    const HeaderParse parse = parse_frame_header(bytes, header_rules());
    if (parse.status == HeaderStatus::invalid) {
      fail(close_code::protocol_error, parse.reason, &handler);
      return;
    }
    if (parse.status == HeaderStatus::incomplete) break;
    if (!admit_frame(parse.header, handler)) return;
    const std::uint64_t payload_length = parse.header.payload_length;
    if (bytes.size() - parse.header_size < payload_length) break;
    const auto payload = bytes.subspan(parse.header_size, static_cast<std::size_t>(payload_length));
    bytes = bytes.subspan(parse.header_size + payload.size());
    process_frame(parse.header, payload, handler);
    if (input_done()) return;
  }
  // Keep the incomplete tail: it is the start of the next frame.
  if (!bytes.empty()) partial_.append(bytes.data(), bytes.size());
}

bool Connection::complete_partial_frame(std::span<std::uint8_t>& bytes,
                                        ConnectionHandler& handler) {
  // Every pass either moves at least one byte from `bytes` into partial_ or
  // returns, so the loop ends.
  for (;;) {
    const HeaderParse parse = parse_frame_header(partial_.bytes(), header_rules());
    if (parse.status == HeaderStatus::invalid) {
      fail(close_code::protocol_error, parse.reason, &handler);
      return false;
    }
    std::uint64_t target = parse.header_size;
    if (parse.status == HeaderStatus::complete) {
      if (!admit_frame(parse.header, handler)) return false;
      target += parse.header.payload_length;
      const std::uint64_t wanted = std::min(target, upfront_partial_capacity);
      if (wanted > partial_.capacity()) {
        partial_.reserve(static_cast<std::size_t>(wanted) - partial_.size());
      }
      if (partial_.size() == target) {
        const std::span<std::uint8_t> payload{
            partial_.data() + parse.header_size,
            static_cast<std::size_t>(parse.header.payload_length)};
        process_frame(parse.header, payload, handler, std::exchange(partial_checked_, 0));
        partial_.clear();
        if (partial_.capacity() > retained_partial_capacity) partial_.release();
        return !input_done();
      }
    }
    if (bytes.empty()) return false;
    const auto take =
        static_cast<std::size_t>(std::min<std::uint64_t>(target - partial_.size(), bytes.size()));
    partial_.append(bytes.data(), take);
    bytes = bytes.subspan(take);
    if (parse.status == HeaderStatus::complete &&
        !check_arriving_text(parse.header, parse.header_size, handler))
      return false;
  }
}

bool Connection::check_arriving_text(const FrameHeader& header, std::size_t header_size,
                                     ConnectionHandler& handler) {
  // 8.1 asks to fail at the first invalid byte. A big text frame arrives over
  // many reads; validate what is there so far instead of waiting for the end
  // of the frame. Only without extensions: with a chain the bytes on the wire
  // are not the text until the chain decoded the frame, and the assembler
  // validates them then.
  if (!chain_.empty()) return true;
  const bool text = header.opcode == opcode::text ||
                    (header.opcode == opcode::continuation && assembler_.text_in_progress());
  if (!text) return true;
  const std::size_t present = partial_.size() - header_size;
  if (partial_checked_ == 0) {
    arriving_utf8_ = header.opcode == opcode::text ? Utf8Validator{} : assembler_.text_state();
  }
  const std::span<std::uint8_t> fresh{partial_.data() + header_size + partial_checked_,
                                      present - partial_checked_};
  // Unmasked here once; process_frame skips these bytes (5.3).
  if (header.masked) apply_mask(fresh, header.mask_key, partial_checked_);
  partial_checked_ = present;
  if (arriving_utf8_.feed(fresh)) return true;
  fail(close_code::invalid_payload, "invalid UTF-8 in a text message", &handler);
  return false;
}

bool Connection::admit_frame(const FrameHeader& header, ConnectionHandler& handler) {
  if (is_control_opcode(header.opcode)) return true;  // 5.5 limits checked by the parser
  const bool continuation = header.opcode == opcode::continuation;
  // 5.4: fragments of one message are not interleaved with another message,
  // and a continuation frame only continues a message that was started.
  if (continuation && !assembler_.in_progress()) {
    fail(close_code::protocol_error, "continuation frame without a message to continue", &handler);
    return false;
  }
  if (!continuation && assembler_.in_progress()) {
    fail(close_code::protocol_error, "new message inside a fragmented message", &handler);
    return false;
  }
  // 7.4.1 (1009): refuse from the header, before reading a payload we would
  // not accept. With extensions the decoded size is unknown here, so the wire
  // size is compared with the whole limit (as python-websockets does); the
  // chain enforces the exact limit while decoding. Without extensions the
  // wire size is the decoded size and the message so far counts too.
  const std::uint64_t limit = limits_.max_message_size;
  const std::uint64_t already = chain_.empty() ? assembler_.size() : 0;
  if (header.payload_length > limit || already > limit - header.payload_length) {
    fail(close_code::message_too_big, "message too big", &handler);
    return false;
  }
  return true;
}

void Connection::process_frame(const FrameHeader& header, std::span<std::uint8_t> payload,
                               ConnectionHandler& handler, std::size_t unmasked) {
  // 5.3: the client's masking key was applied to the payload; XOR again
  // (the first `unmasked` bytes were already, by check_arriving_text).
  if (header.masked) apply_mask(payload.subspan(unmasked), header.mask_key, unmasked);
  if (is_control_opcode(header.opcode))
    handle_control_frame(header, payload, handler);
  else
    handle_data_frame(header, payload, handler);
}

void Connection::handle_data_frame(const FrameHeader& header, std::span<const std::uint8_t> payload,
                                   ConnectionHandler& handler) {
  // The chain sees every frame, fragments included, and decodes in reverse
  // acceptance order; it may not produce more than the message has room for.
  // Framing follows the header as received: a chain cannot re-fragment.
  FrameView frame{header.opcode, header.fin, header.rsv, payload};
  const std::uint64_t room = limits_.max_message_size - assembler_.size();
  if (auto error = chain_.decode(frame, room)) {
    // An extension only knows the room left for this frame, which is 0 for
    // the last fragments of a bomb split into many: the limit to name is the
    // message's (7.4.1, 1009).
    if (error->close_code == close_code::message_too_big)
      error->reason = "decompressed message exceeds the limit of " +
                      std::to_string(limits_.max_message_size) + " bytes";
    fail(error->close_code, error->reason, &handler);
    return;
  }
  switch (assembler_.add(header.opcode, header.fin, frame.payload, limits_.max_message_size)) {
    case MessageAssembler::Status::partial:
      return;
    case MessageAssembler::Status::invalid_utf8:
      // 8.1: "the endpoint MUST _Fail the WebSocket Connection_" with 1007.
      fail(close_code::invalid_payload, "invalid UTF-8 in a text message", &handler);
      return;
    case MessageAssembler::Status::too_big:
      fail(close_code::message_too_big, "message too big", &handler);
      return;
    case MessageAssembler::Status::complete:
      handler.on_message(assembler_.message_opcode(), assembler_.message());
      assembler_.finish();
      return;
    case MessageAssembler::Status::fragment:
      handler.on_fragment(assembler_.message_opcode(), header.opcode != opcode::continuation,
                          header.fin, assembler_.message());
      assembler_.finish();
      return;
  }
}

void Connection::handle_control_frame(const FrameHeader& header,
                                      std::span<const std::uint8_t> payload,
                                      ConnectionHandler& handler) {
  // Control frames go through the chain too, so an extension can refuse RSV
  // bits on them (e.g. RFC 7692 section 6.1); a decoded control payload must
  // still fit a control frame, since a Ping's comes back in our Pong.
  FrameView frame{header.opcode, true, header.rsv, payload};
  if (auto error = chain_.decode(frame, max_control_payload)) {
    fail(error->close_code, error->reason, &handler);
    return;
  }
  switch (header.opcode) {
    case opcode::ping:
      // 5.5.2: "Upon receipt of a Ping frame, an endpoint MUST send a Pong
      // frame in response, unless it already received a Close frame" -- and
      // after our own Close we send no more frames at all. 5.5.3: "A Pong
      // frame sent in response to a Ping frame must have identical
      // Application data"; it goes ahead of queued data so a backlog does
      // not look like a dead peer, and only the most recent Ping's Pong is
      // kept ("MAY elect to send a Pong frame for only the most recently
      // processed Ping frame").
      if (!close_sent_) send_control(opcode::pong, frame.payload, true);
      handler.on_ping(frame.payload);
      return;
    case opcode::pong:
      handler.on_pong(frame.payload);
      return;
    case opcode::close: {
      const CloseParse parsed = parse_close_payload(frame.payload);
      if (!parsed.ok) {
        fail(parsed.error_code, parsed.error, &handler);
        return;
      }
      close_received_ = true;
      peer_close_code_ = parsed.info.code;
      // 5.5.1: "If an endpoint receives a Close frame and did not previously
      // send a Close frame, the endpoint MUST send a Close frame in
      // response. (When sending a Close frame in response, the endpoint
      // typically echos the status code it received.)" We echo the reason
      // too, as python-websockets does: clients report what they get back.
      if (!close_sent_) queue_close(parsed.info.code, parsed.info.reason);
      handler.on_close(parsed.info.code, parsed.info.reason);
      return;
    }
    default:
      return;  // the parser admits no other control opcode
  }
}

void Connection::receive_eof() noexcept {
  eof_ = true;
  partial_checked_ = 0;
  partial_.release();
  held_.release();
  assembler_.reset();
}

void Connection::fail_input(std::uint16_t code, std::string_view reason) {
  fail(code, reason, nullptr);
  partial_checked_ = 0;
  partial_.release();
  held_.release();
  assembler_.reset();
}

// --- Output -------------------------------------------------------------------

bool Connection::send_text(std::span<const std::uint8_t> payload) {
  return send_message(opcode::text, payload);
}

bool Connection::send_binary(std::span<const std::uint8_t> payload) {
  return send_message(opcode::binary, payload);
}

bool Connection::send_message(std::uint8_t message_opcode, std::span<const std::uint8_t> payload) {
  return send_data_frame(message_opcode, true, payload);
}

bool Connection::send_fragment(std::uint8_t message_opcode, bool first, bool fin,
                               std::span<const std::uint8_t> payload) {
  return send_data_frame(first ? message_opcode : opcode::continuation, fin, payload);
}

bool Connection::send_data_frame(std::uint8_t frame_opcode, bool fin,
                                 std::span<const std::uint8_t> payload) {
  // 5.5.1: "After sending a Close frame, the endpoint MUST NOT send any
  // further data frames."
  if (close_sent_ || failure_ || eof_) return false;
  // The chain encodes the whole message (or, when forwarding, the frame's
  // share of it) as one frame, and only then is it cut into fragments: RFC
  // 7692 section 6 (compress, then fragment), so a compressed message is
  // framed by its compressed size and never as a run of empty fragments
  // while the compressor holds its output back.
  FrameView frame{frame_opcode, fin, 0, payload};
  if (auto error = chain_.encode(frame)) {
    fail(error->close_code, error->reason, nullptr);
    return false;
  }
  const std::span<const std::uint8_t> encoded = frame.payload;
  const bool first_of_message = frame_opcode != opcode::continuation;
  // A compressor that held a continuation's bytes back leaves nothing to
  // send yet: an empty non-final continuation frame would say nothing.
  if (encoded.empty() && !fin && !first_of_message) return true;
  const std::uint64_t fragment =
      limits_.max_frame_size == 0 ? encoded.size() : limits_.max_frame_size;
  std::size_t offset = 0;
  // 5.4: the first fragment carries the opcode and the RSV bits the chain set
  // (RFC 7692 section 6.1: RSV1 on the first frame only), the others are
  // CONTINUATION frames with RSV clear, the last has FIN if the input did.
  // No fragment but a lone empty frame is empty.
  do {
    const auto size =
        static_cast<std::size_t>(std::min<std::uint64_t>(fragment, encoded.size() - offset));
    const bool first = offset == 0;
    const FrameView piece{first ? frame.opcode : opcode::continuation,
                          fin && offset + size == encoded.size(),
                          first ? frame.rsv : std::uint8_t{0}, encoded.subspan(offset, size)};
    queue_frame(piece, false);
    offset += size;
  } while (offset < encoded.size());
  return true;
}

bool Connection::send_ping(std::span<const std::uint8_t> payload) {
  return send_control(opcode::ping, payload, false);
}

bool Connection::send_pong(std::span<const std::uint8_t> payload) {
  return send_control(opcode::pong, payload, false);
}

bool Connection::send_control(std::uint8_t control_opcode, std::span<const std::uint8_t> payload,
                              bool priority) {
  if (payload.size() > max_control_payload)
    throw std::invalid_argument("control frame payload exceeds 125 bytes (RFC 6455 5.5)");
  if (close_sent_ || failure_ || eof_) return false;
  FrameView frame{control_opcode, true, 0, payload};
  if (auto error = chain_.encode(frame)) {
    fail(error->close_code, error->reason, nullptr);
    return false;
  }
  queue_frame(frame, priority);
  return true;
}

bool Connection::close(std::uint16_t code, std::string_view reason) {
  if (!is_sendable_close_code(code) && code != close_code::no_status_received)
    throw std::invalid_argument("close code may not be sent (RFC 6455 7.4)");
  if (close_sent_ || failure_ || eof_) return false;
  queue_close(code, reason);
  return true;
}

void Connection::queue_close(std::uint16_t code, std::string_view reason) {
  std::uint8_t payload[max_control_payload];
  const std::size_t size = write_close_payload(code, reason, payload);
  FrameView frame{opcode::close, true, 0, {payload, size}};
  // A chain that cannot encode a Close frame must not stop us from closing:
  // fall back to the frame as is (extensions leave Close frames unchanged).
  FrameView encoded = frame;
  if (chain_.encode(encoded)) encoded = frame;
  queue_frame(encoded, false);
  close_sent_ = true;
}

void Connection::queue_frame(const FrameView& frame, bool priority) {
  FrameHeader header;
  header.fin = frame.fin;
  header.rsv = frame.rsv;
  header.opcode = frame.opcode;
  header.payload_length = frame.payload.size();
  // 5.3: a client masks every frame with a fresh key; a server never masks.
  header.masked = role_ == Role::client;
  if (header.masked) header.mask_key = to_mask_key(mask_keys_());
  const std::size_t header_size = frame_header_size(header.payload_length, header.masked);
  const std::size_t total = header_size + frame.payload.size();
  // The owed Pong (priority) waits in its own slot: a newer one replaces it
  // (5.5.3), so a flood of Pings behind a backlog costs O(1) each.
  std::uint8_t* out = priority && total <= ConnectionOutput::max_pong_frame
                          ? output_.set_pending_pong(total)
                          : output_.append(total);
  write_frame_header(header, out);
  if (frame.payload.empty()) return;
  if (header.masked)
    mask_copy(out + header_size, frame.payload.data(), frame.payload.size(), header.mask_key);
  else
    std::memcpy(out + header_size, frame.payload.data(), frame.payload.size());
}

void Connection::fail(std::uint16_t code, std::string_view reason, ConnectionHandler* handler) {
  if (failure_) return;
  failure_ = ProtocolError{code, std::string(reason)};
  // 7.1.7: "the endpoint MAY send a Close frame" before closing; we do, with
  // the reason, so the peer learns what went wrong.
  if (!close_sent_) queue_close(code, reason);
  // Buffers are released by the caller, after every view into them is gone
  // (a handler may still hold a payload while a send fails).
  if (handler != nullptr) handler->on_protocol_error(code, failure_->reason);
}

// --- State --------------------------------------------------------------------

State Connection::state() const noexcept {
  if (input_done()) return State::closed;
  return close_sent_ ? State::closing : State::open;
}

bool Connection::should_close_transport() const noexcept {
  if (failure_ || eof_) return true;
  return role_ == Role::server && close_received_ && close_sent_;
}

std::optional<std::uint16_t> Connection::peer_close_code() const noexcept {
  if (state() != State::closed) return std::nullopt;
  return close_received_ ? peer_close_code_ : close_code::abnormal_closure;
}

std::size_t Connection::memory_bytes() const noexcept {
  return sizeof(*this) + partial_.capacity() + held_.capacity() + assembler_.capacity_bytes() +
         output_.capacity_bytes() + chain_.scratch_bytes() +
         (failure_ ? failure_->reason.capacity() : 0);
}

void Connection::shrink_when_idle() noexcept {
  if (partial_.empty()) partial_.release();
  if (held_.empty()) held_.release();
  assembler_.shrink_when_idle();
  output_.shrink_when_idle();
  chain_.release_scratch();
}

}  // namespace wsx::core
