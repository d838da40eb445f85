// Round trips and RSV ownership through every accepted configuration.
#include "checks.hpp"
#include "corpus.hpp"

namespace wsx::plugin_check {

namespace wt = sdk::testing;

namespace {

// One message cut into 16 KiB frames, with a Ping between the first two
// (RFC 6455 section 5.4: control frames may be injected mid-message), sent
// through encode and decode. Returns an error text, or "" if it came back.
std::string interleaved_round_trip(const wt::Extension& sender, const wt::Extension& receiver,
                                   const CorpusMessage& message) {
  constexpr std::size_t kFrame = 16384;
  std::vector<std::uint8_t> delivered;
  std::size_t at = 0;
  bool first = true;
  do {
    const std::size_t n = std::min(kFrame, message.payload.size() - at);
    wt::Frame frame{first ? message.opcode : std::uint8_t{WSX_OPCODE_CONTINUATION},
                    at + n == message.payload.size(),
                    0,
                    {message.payload.begin() + static_cast<std::ptrdiff_t>(at),
                     message.payload.begin() + static_cast<std::ptrdiff_t>(at + n)}};
    at += n;
    const wt::FrameResult encoded = sender.encode(frame);
    if (!encoded.ok()) return "encode failed: " + encoded.message;
    const wt::FrameResult decoded = receiver.decode(encoded.frame, (64u << 20) - delivered.size());
    if (!decoded.ok()) return "decode failed: " + decoded.message;
    delivered.insert(delivered.end(), decoded.frame.payload.begin(), decoded.frame.payload.end());
    if (first) {
      const wt::Frame ping{WSX_OPCODE_PING, true, 0, wt::bytes("wsx-check")};
      const wt::FrameResult ping_out = sender.encode(ping);
      if (!ping_out.ok() || ping_out.frame.opcode != WSX_OPCODE_PING) {
        return "a Ping between fragments did not pass encode as a Ping";
      }
      const wt::FrameResult ping_in = receiver.decode(ping_out.frame, 125);
      if (!ping_in.ok() || ping_in.frame.payload != ping.payload) {
        return "a Ping between fragments did not come back through decode";
      }
    }
    first = false;
  } while (at < message.payload.size());
  return delivered == message.payload ? "" : "the bytes delivered differ from the bytes sent";
}

}  // namespace

void check_round_trips(const Target& target, Report& report) {
  const wt::Plugin plugin = wt::Plugin::load(target.path, target.params);
  const std::vector<Configuration> configurations = accepted_configurations(plugin);
  if (configurations.empty()) {
    report.info("round trip", "no token with both roles: nothing to round-trip");
    return;
  }
  for (const Configuration& config : configurations) {
    for (const bool to_server : {true, false}) {
      const wt::Extension& sender = to_server ? config.client : config.server;
      const wt::Extension& receiver = to_server ? config.server : config.client;
      std::string failure;
      for (const CorpusMessage& message : corpus()) {
        try {
          if (wt::round_trip(sender, receiver, message.payload, message.opcode) !=
              message.payload) {
            failure = message.name + " whole: bytes differ";
          }
        } catch (const std::exception& error) {
          failure = message.name + " whole: " + error.what();
        }
        if (failure.empty()) {
          const std::string error = interleaved_round_trip(sender, receiver, message);
          if (!error.empty()) failure = message.name + " fragmented: " + error;
        }
        if (!failure.empty()) break;
      }
      report.expect(failure.empty(),
                    "round trip: " + config.server.response_header() +
                        (to_server ? " client->server" : " server->client"),
                    failure, "decode must give back exactly what encode was given");
    }
  }
}

void check_rsv(const Target& target, Report& report) {
  const wt::Plugin plugin = wt::Plugin::load(target.path, target.params);
  for (const Configuration& config : accepted_configurations(plugin)) {
    const std::uint8_t declared = config.server.rsv_bits();
    std::string stray;
    for (const CorpusMessage& message : corpus()) {
      const wt::FrameResult encoded =
          config.server.encode({message.opcode, true, 0, message.payload});
      if (encoded.ok() && (encoded.frame.rsv & ~declared) != 0) {
        stray = message.name + " got RSV " + std::to_string(encoded.frame.rsv);
        break;
      }
    }
    const std::string name = "rsv: " + config.server.token();
    report.expect(stray.empty(), name + " sets only the RSV bits it declared", stray,
                  "declare every RSV bit you set in wsx_extension_def.rsv_bits");
    // A frame without the extension's bits is not its business (RFC 7692
    // section 6: a message without RSV1 is not compressed).
    const wt::Frame plain{WSX_OPCODE_TEXT, true, 0, wt::bytes("not mine")};
    const wt::FrameResult decoded = config.server.decode(plain, 1000);
    report.expect(decoded.ok() && decoded.frame.payload == plain.payload && decoded.frame.rsv == 0,
                  name + " passes frames it does not own unchanged",
                  decoded.ok() ? "the payload or header changed" : decoded.message,
                  "leave frames without your RSV bits alone");
  }
}

}  // namespace wsx::plugin_check
