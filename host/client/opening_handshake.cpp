#include "client/opening_handshake.hpp"

#include <poll.h>

#include <random>

#include "client/tcp_transport.hpp"
#include "core/extensions/extensions_header.hpp"

namespace wsx::client {

namespace {

// RFC 6455 section 4.1 item 7 and 10.3: an unpredictable key.
void fill_nonce(std::span<std::uint8_t, 16> nonce) {
  std::random_device entropy;
  for (auto& byte : nonce) byte = static_cast<std::uint8_t>(entropy());
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

}  // namespace

core::ClientRequest make_request(const ClientOptions& options, const core::FactoryList& factories) {
  core::ClientHandshakeOptions handshake;
  handshake.host = options.url.host_header();
  handshake.target = options.url.target;
  handshake.origin = options.origin;
  handshake.subprotocols = options.subprotocols;
  handshake.extra_headers = options.headers;
  if (options.offers.empty()) {
    core::ClientRequest request = core::build_client_request(handshake, factories, fill_nonce);
    if (!request.ok()) throw UsageError("cannot build the request: " + *request.error);
    return request;
  }
  // Hand-written offers: parsed like a server would parse them, sent as
  // written, and recorded as what was offered so the response is checked
  // against them (RFC 6455 section 9.1).
  const std::string offer = join(options.offers);
  core::ParsedExtensions parsed = core::parse_extensions_header(offer);
  if (!parsed.ok()) throw UsageError("bad --offer \"" + offer + "\": " + parsed.error->message());
  handshake.extra_headers.push_back({"Sec-WebSocket-Extensions", offer});
  core::ClientRequest request = core::build_client_request(handshake, {}, fill_nonce);
  if (!request.ok()) throw UsageError("cannot build the request: " + *request.error);
  request.extension_offers = std::move(parsed.items);
  return request;
}

OpenedConnection open_connection(Transport& transport, const core::ClientRequest& request,
                                 const core::FactoryList& factories,
                                 std::chrono::steady_clock::time_point deadline) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(request.bytes.data());
  for (std::span<const std::uint8_t> rest(bytes, request.bytes.size()); !rest.empty();) {
    const IoResult sent = transport.write(rest);
    if (sent.status == IoResult::Status::done) {
      rest = rest.subspan(sent.bytes);
    } else if (wait_fd(transport.fd(), transport.write_events(), deadline) == 0) {
      throw HandshakeError("timed out sending the opening handshake");
    }
  }

  OpenedConnection opened;
  opened.offer = core::serialize_extensions(request.extension_offers).value_or("");
  std::vector<std::uint8_t> received;
  std::vector<std::uint8_t> chunk(16 * 1024);
  for (;;) {
    const IoResult got = transport.read(chunk);
    if (got.status == IoResult::Status::eof)
      throw HandshakeError("the server closed the connection before answering the handshake");
    if (got.status == IoResult::Status::would_block) {
      if (wait_fd(transport.fd(), transport.read_events(), deadline) == 0)
        throw HandshakeError("timed out waiting for the handshake response");
      continue;
    }
    received.insert(received.end(), chunk.begin(),
                    chunk.begin() + static_cast<std::ptrdiff_t>(got.bytes));
    opened.handshake =
        core::client_handshake(std::span<const std::uint8_t>(received), request, factories);
    if (opened.handshake.state == core::HandshakeState::need_more) continue;
    if (opened.handshake.state != core::HandshakeState::accepted)
      throw HandshakeError("handshake failed: " + opened.handshake.reason);
    opened.leftover.assign(
        received.begin() + static_cast<std::ptrdiff_t>(opened.handshake.consumed), received.end());
    return opened;
  }
}

}  // namespace wsx::client
