// Session: the opening handshake (RFC 6455 section 4.2), from the request
// bytes to the 101 (or an HTTP error) and on_open.
#include "net/session_internal.hpp"

#include <string>
#include <utility>

#include "core/handshake/http_head.hpp"
#include "core/handshake/http_response.hpp"
#include "net/io_thread.hpp"
#include "net/negotiation_log.hpp"

namespace wsx::net {

void Session::handle_handshake_bytes(std::span<const std::uint8_t> bytes) {
  HandshakeData& hs = *handshake_;
  hs.received.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  const ServerSettings& settings = *thread_.settings();

  if (hs.over_limit || server_.stopping()) {
    // Read the whole head before answering, so the client sees a clean HTTP
    // response rather than a reset (RFC 6455 section 4.2.2 allows any HTTP
    // error status in place of the 101).
    const auto head = core::parse_request_head(
        {reinterpret_cast<const std::uint8_t*>(hs.received.data()), hs.received.size()},
        settings.handshake.max_head_bytes);
    if (head.status == core::HeadStatus::need_more) return;
    const std::string_view reason =
        hs.over_limit ? "too many connections" : "the server is shutting down";
    reject_handshake(503, reason, core::build_error_response(503, reason));
    return;
  }

  core::ServerHandshake result = core::server_handshake(std::string_view(hs.received),
                                                        thread_.factories(), settings.handshake);
  if (result.state == core::HandshakeState::need_more) return;
  log_negotiation_trace(server_.logger(), result.negotiation_trace);
  count_offers(result.negotiation_trace);
  if (result.state == core::HandshakeState::rejected) {
    reject_handshake(result.status, result.reason, std::move(result.response));
    return;
  }

  // Accepted. Bytes after the head are the client's first frames.
  std::string leftover = hs.received.substr(result.consumed);
  hs.received = std::string();
  if (server_.proxy() != nullptr) {
    begin_upstream(std::move(result), std::move(leftover));
    return;
  }
  std::string response = std::move(result.response);
  open_connection(result, std::move(response), std::move(leftover));
}

void Session::open_connection(core::ServerHandshake& accepted, std::string response,
                              std::string leftover) {
  HandshakeData& hs = *handshake_;
  hs.response = std::move(response);
  hs.written = 0;
  const ServerLimits& limits = thread_.settings()->limits;
  metrics::ThreadMetrics& metrics = thread_.metrics();
  metrics.count_handshake(metrics::HandshakeOutcome::switched);
  metrics.connections_opened.add();
  // Each extension counts its frames in this thread's meter for its token
  // (set once here, so the frame path only follows a pointer).
  for (std::size_t i = 0; i < accepted.extensions.size(); ++i) {
    const std::string& token = accepted.extensions.extensions()[i].factory().token;
    accepted.extensions.set_meter(i, &metrics.tokens[thread_.token_slot(token)].meter);
  }
  connection_.emplace(core::Role::server, std::move(accepted.extensions),
                      core::ConnectionLimits{limits.max_message_size, limits.max_frame_size});
  connection_->share_chain_scratch(thread_.chain_scratch());
  // Proxy: frames go on to the upstream one by one, never assembled.
  if (upstream_) connection_->stream_messages();
  enter(SessionEvent::accepted);
  notice_ = CloseNotice::owed;
  const std::string peer = peer_text();
  const std::string extensions = connection_->extensions().header_value();
  const ConnectionInfo info{peer, accepted.request.target, accepted.request.path(),
                            accepted.subprotocol ? std::string_view(*accepted.subprotocol) : "",
                            extensions};
  log_open(info);
  schedule_next_timeout();
  // on_open runs before the 101 is written, so the application knows the
  // connection before the client can use it; whatever on_open sends goes
  // out behind the response (flush writes the response first, then frames).
  call_application("on_open", [&] {
    if (server_.handlers().on_open) server_.handlers().on_open(handle(), info);
  });
  flush();
  if (leftover.empty() || !carries_frames(phase_)) return;
  handle_input({reinterpret_cast<std::uint8_t*>(leftover.data()), leftover.size()});
}

void Session::count_offers(std::span<const core::NegotiationTraceEntry> trace) noexcept {
  static_assert(static_cast<std::size_t>(core::OfferOutcome::no_factory) + 1 ==
                metrics::kOfferOutcomes);
  metrics::ThreadMetrics& metrics = thread_.metrics();
  for (const core::NegotiationTraceEntry& entry : trace) {
    // A token no plugin provides is the client's choice: "other", so that
    // clients cannot grow the label set.
    const std::size_t slot =
        entry.outcome == core::OfferOutcome::no_factory ? 0 : thread_.token_slot(entry.token);
    metrics.tokens[slot].offers[static_cast<std::size_t>(entry.outcome)].add();
  }
}

void Session::reject_handshake(unsigned status, std::string_view reason, std::string response) {
  thread_.metrics().count_handshake(metrics::outcome_of_status(status));
  server_.logger().write_lazy(LogLevel::warning, [&] {
    return "handshake rejected peer=" + peer_text() + " status=" + std::to_string(status) +
           " reason=" + log_quoted(reason);
  });
  enter(SessionEvent::rejected);
  handshake_->received = std::string();
  handshake_->response = std::move(response);
  handshake_->written = 0;
  flush();
}

void Session::log_open(const ConnectionInfo& info) const {
  server_.logger().write_lazy(LogLevel::info, [&] {
    return "open peer=" + std::string(info.peer) + " path=" + std::string(info.target) +
           " extensions=" + log_quoted(info.extensions) +
           " subprotocol=" + log_quoted(info.subprotocol);
  });
}

}  // namespace wsx::net
