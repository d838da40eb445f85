// The WebSocket protocol object of one connection after the opening
// handshake (RFC 6455 sections 5-7), sans I/O in the style of
// python-websockets: bytes go in through receive() and come back as events on
// a ConnectionHandler; send_*() and close() produce bytes that the I/O layer
// picks up with pending_output() and confirms with consume_output().
//
// Hot path (DESIGN.md): frames complete in the caller's read buffer are
// unmasked and handled in place; an unfragmented message is handed to the
// application without a copy; nothing allocates per frame once the buffers
// have grown to the connection's working size.
//
// Typical I/O loop:
//
//   n = read(socket, buffer);
//   connection.receive({buffer, n}, handler);        // events fire here
//   std::array<std::span<const std::uint8_t>, 2> segments;
//   while (auto n = connection.gather_output(segments)) {  // one writev
//     connection.consume_output(writev(socket, segments, n));
//   }
//   if (connection.should_close_transport() && !connection.has_pending_output())
//     close(socket);
//
// Not thread-safe: one connection is driven by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/close/close_status.hpp"
#include "core/connection/connection_handler.hpp"
#include "core/connection/connection_output.hpp"
#include "core/extensions/byte_buffer.hpp"
#include "core/extensions/extension_chain.hpp"
#include "core/framing/frame.hpp"
#include "core/framing/mask_key.hpp"
#include "core/messages/message_assembler.hpp"
#include "core/messages/utf8_validator.hpp"

namespace wsx::core {

// Which end of the connection we are. It decides masking (section 5.1: a
// client masks every frame, a server none) and who closes TCP (7.1.1).
enum class Role : std::uint8_t { server, client };

struct ConnectionLimits {
  // Largest message (after extensions decoded it) we accept; a bigger one
  // fails with 1009 (7.4.1). Also bounds a single incoming frame's payload,
  // checked from its header before the payload is read.
  std::uint64_t max_message_size = 16u << 20;
  // Outgoing messages are cut into fragments of at most this payload (5.4)
  // after the extension chain encoded the whole message (RFC 7692 section
  // 6: compress, then fragment). 0 means never fragment.
  std::uint64_t max_frame_size = 1u << 20;
};

// Section 4 and 7: OPEN after the handshake; CLOSING once we sent a Close
// frame and wait for the peer's; CLOSED once the closing handshake is done,
// the connection failed, or the transport ended.
enum class State : std::uint8_t { open, closing, closed };

// Why the connection failed (on_protocol_error reports the same).
struct ProtocolError {
  std::uint16_t code = close_code::protocol_error;
  std::string reason;
};

class Connection {
 public:
  // `chain` holds the extensions the handshake accepted (may be empty).
  // `mask_keys` is used by the client role only; empty means a generator
  // seeded from std::random_device (see mask_key.hpp).
  Connection(Role role, ExtensionChain chain = {}, ConnectionLimits limits = {},
             MaskKeySource mask_keys = {});
  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // --- Input ----------------------------------------------------------------

  // From now on data frames are delivered one by one through
  // ConnectionHandler::on_fragment instead of on_message, never assembled:
  // a proxy forwards a message of any size in bounded memory. Limits and
  // UTF-8 checks still apply to the whole message. Call before receive().
  void stream_messages() noexcept { assembler_.stream_frames(); }

  // Feeds bytes read from the socket; events fire on `handler` before this
  // returns. The bytes are MODIFIED: masked payloads are unmasked in place.
  // Frames wholly inside `bytes` are processed there without a copy, so the
  // caller may reuse its buffer as soon as this returns. An incomplete frame
  // at the end is copied into the connection and completed by the bytes of
  // later calls (only that tail is ever copied). Once the connection is
  // CLOSED further bytes are ignored (section 5.5.1: nothing after a Close).
  // Must not be called from inside a handler callback.
  void receive(std::span<std::uint8_t> bytes, ConnectionHandler& handler);

  // Called from a handler callback: stop after the current frame. The
  // frames behind it in the bytes given to receive() are held (copied, at
  // most one read's worth) and processed first by the next receive(), which
  // may be given no new bytes at all. A proxy uses it so that one read of
  // small compressed frames cannot queue their whole inflated size for the
  // other side before back-pressure applies.
  void pause_input() noexcept { pause_requested_ = true; }
  // True while input held by pause_input() waits for the next receive().
  [[nodiscard]] bool has_held_input() const noexcept { return !held_.empty(); }

  // Input bytes this connection holds between calls: the start of a frame
  // that has not fully arrived, the fragments of a message in progress, and
  // frames held by pause_input(). What a server-wide bound on buffered
  // input counts (ServerLimits::max_buffered_input).
  [[nodiscard]] std::size_t buffered_input_size() const noexcept {
    return partial_.size() + held_.size() + assembler_.buffered_bytes();
  }
  // The host gives up on the input (a server-wide limit, not the peer's
  // protocol error): fails the connection as section 7.1.7 says, Close
  // with `code` queued unless one was sent, CLOSED, and every input buffer
  // released. No handler is called. Not from inside a handler callback.
  void fail_input(std::uint16_t code, std::string_view reason);

  // The transport reached end of stream. The connection becomes CLOSED; if
  // no Close frame had been received, the closure was abnormal (1006, 7.1.5).
  void receive_eof() noexcept;

  // --- Output ---------------------------------------------------------------

  // Queues a text (the caller guarantees UTF-8) or binary message. An
  // encoded message longer than max_frame_size is fragmented (5.4). Returns false, queueing
  // nothing, once we have sent a Close frame (5.5.1: no data after Close), or
  // if an extension failed to encode (the connection then fails: see
  // failure()).
  bool send_text(std::span<const std::uint8_t> payload);
  bool send_text(std::string_view payload) {
    return send_text({reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()});
  }
  bool send_binary(std::span<const std::uint8_t> payload);

  // Queues one frame's share of a message being forwarded (the counterpart
  // of ConnectionHandler::on_fragment): `message_opcode` TEXT or BINARY,
  // `first`/`fin` as received. Each share goes through this connection's own
  // chain with its fin flag (RFC 7692 section 6: the first frame carries
  // RSV1, continuations none) and is cut at max_frame_size. No other data
  // message may be sent until the fin share was (5.4); control frames may.
  // Returns false as send_text does.
  bool send_fragment(std::uint8_t message_opcode, bool first, bool fin,
                     std::span<const std::uint8_t> payload);

  // Control frames carry at most 125 bytes (5.5): a longer payload throws
  // std::invalid_argument (a caller bug, never a peer's doing).
  bool send_ping(std::span<const std::uint8_t> payload = {});
  bool send_pong(std::span<const std::uint8_t> payload = {});

  // Starts the closing handshake (7.1.2): queues a Close frame and moves to
  // CLOSING; the connection is CLOSED when the peer's Close arrives. `code`
  // must be sendable (close_status.hpp) or no_status_received (1005) for an
  // empty Close frame, else std::invalid_argument is thrown. The reason is cut
  // to 123 bytes on a UTF-8 character boundary. Returns false if a Close
  // frame was already sent.
  bool close(std::uint16_t code = close_code::normal, std::string_view reason = {});

  // Bytes to write to the socket, whole frames in order. The span stays
  // valid and its content unchanged until consume_output() covered it, even
  // if more frames are queued meanwhile. Call again after consuming it to get
  // what was queued since.
  [[nodiscard]] std::span<const std::uint8_t> pending_output() { return output_.front(); }
  // Every pending byte as up to ConnectionOutput::max_segments spans, in
  // order, for one gathered write; returns how many. Valid until the next
  // consume_output() or send.
  std::size_t gather_output(
      std::span<std::span<const std::uint8_t>, ConnectionOutput::max_segments> segments) {
    return output_.gather(segments);
  }
  // `bytes` of pending_output() / gather_output() were written.
  void consume_output(std::size_t bytes) noexcept { output_.consume(bytes); }
  [[nodiscard]] bool has_pending_output() const noexcept { return !output_.empty(); }
  // Bytes queued and not yet consumed (for back-pressure decisions).
  [[nodiscard]] std::size_t pending_output_size() const noexcept { return output_.size(); }
  // Drops what is queued for a peer that does not read, keeping the rest of
  // the frame already being written (ConnectionOutput::discard_unsent), so
  // that a Close sent next goes out ahead of the backlog.
  void discard_unsent_output() noexcept { output_.discard_unsent(); }

  // --- State ----------------------------------------------------------------

  [[nodiscard]] State state() const noexcept;
  [[nodiscard]] Role role() const noexcept { return role_; }
  // True when the I/O layer should close the socket once pending output is
  // flushed: after a failure (7.1.7), after end of stream, and for a server
  // once the closing handshake is complete ("the server MUST close the
  // underlying TCP connection", 7.1.1). A client in CLOSED waits for the
  // server to close TCP first and only gives up after a timeout of its own.
  [[nodiscard]] bool should_close_transport() const noexcept;
  // Set once the connection failed; the code is the one sent in our Close.
  [[nodiscard]] const std::optional<ProtocolError>& failure() const noexcept { return failure_; }
  // The code of the peer's Close frame: 1005 if it had none, 1006 if the
  // transport ended (or the connection failed) without one. Empty while the
  // connection is not CLOSED.
  [[nodiscard]] std::optional<std::uint16_t> peer_close_code() const noexcept;

  [[nodiscard]] const ExtensionChain& extensions() const noexcept { return chain_; }
  // See ExtensionChain::share_scratch: the connections of one I/O thread may
  // share the chain's scratch buffers.
  void share_chain_scratch(ChainScratch& shared) noexcept { chain_.share_scratch(shared); }
  [[nodiscard]] const ConnectionLimits& limits() const noexcept { return limits_; }

  // --- Memory ---------------------------------------------------------------

  // Heap and object bytes this connection holds (buffers at their capacity).
  [[nodiscard]] std::size_t memory_bytes() const noexcept;
  // Gives back every buffer that holds nothing right now (read tail,
  // assembly, output, extension scratch). Call when the socket goes idle.
  void shrink_when_idle() noexcept;

 private:
  [[nodiscard]] bool input_done() const noexcept {
    return close_received_ || eof_ || failure_.has_value();
  }
  [[nodiscard]] HeaderRules header_rules() const noexcept {
    return {role_ == Role::server, chain_.rsv_mask()};
  }

  void receive_frames(std::span<std::uint8_t> bytes, ConnectionHandler& handler);
  // Completes the frame held in partial_ from the front of `bytes`; returns
  // false when input should stop (all bytes taken, or the connection failed).
  bool complete_partial_frame(std::span<std::uint8_t>& bytes, ConnectionHandler& handler);
  // Checks that depend on the connection, made as soon as a header is known.
  bool admit_frame(const FrameHeader& header, ConnectionHandler& handler);
  // Validates the UTF-8 of a text frame's payload that has arrived so far
  // (partial_), unmasking it in place; false once the connection failed.
  bool check_arriving_text(const FrameHeader& header, std::size_t header_size,
                           ConnectionHandler& handler);
  // `unmasked`: leading payload bytes already unmasked (check_arriving_text).
  void process_frame(const FrameHeader& header, std::span<std::uint8_t> payload,
                     ConnectionHandler& handler, std::size_t unmasked = 0);
  void handle_data_frame(const FrameHeader& header, std::span<const std::uint8_t> payload,
                         ConnectionHandler& handler);
  void handle_control_frame(const FrameHeader& header, std::span<const std::uint8_t> payload,
                            ConnectionHandler& handler);

  bool send_message(std::uint8_t message_opcode, std::span<const std::uint8_t> payload);
  // Encodes one data frame (`frame_opcode` CONTINUATION unless first) and
  // queues it cut into fragments of at most max_frame_size.
  bool send_data_frame(std::uint8_t frame_opcode, bool fin, std::span<const std::uint8_t> payload);
  bool send_control(std::uint8_t control_opcode, std::span<const std::uint8_t> payload,
                    bool priority);
  // Queues our Close frame (through the chain when it can) and marks it sent.
  void queue_close(std::uint16_t code, std::string_view reason);
  // Serialises one frame that went through the chain (masking it as a client).
  void queue_frame(const FrameView& frame, bool priority);
  // "Fail the WebSocket Connection" (7.1.7): Close with `code` if none was
  // sent, CLOSED, report once. `handler` is null when sending failed.
  void fail(std::uint16_t code, std::string_view reason, ConnectionHandler* handler);

  ExtensionChain chain_;
  ConnectionLimits limits_;
  MaskKeySource mask_keys_;
  // The start of a frame that has not fully arrived yet.
  ByteBuffer partial_;
  // Whole frames (and a tail) left unprocessed by pause_input().
  ByteBuffer held_;
  bool pause_requested_ = false;
  // Payload bytes of partial_ already unmasked and UTF-8 checked, and the
  // validator's state after them (check_arriving_text).
  std::size_t partial_checked_ = 0;
  Utf8Validator arriving_utf8_;
  MessageAssembler assembler_;
  ConnectionOutput output_;
  std::optional<ProtocolError> failure_;
  std::uint16_t peer_close_code_ = close_code::abnormal_closure;
  Role role_;
  bool close_sent_ = false;
  bool close_received_ = false;
  bool eof_ = false;
};

}  // namespace wsx::core
