// Command line shared by the comparison peers (beast-echo, beast-wss-echo,
// raw-tcp-echo): `--port P` (0 picks a free port); for the Beast peers
// `--deflate` (the wsx plugin's settings) or `--deflate-beast-defaults`
// (Beast's own); for beast-wss-echo `--cert FILE --key FILE` (PEM) and
// `--beast-defaults` (Asio's TLS and Beast's deflate defaults). The
// benchmark scripts read the chosen port from the "listening on" line.
#pragma once

#include <charconv>
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

namespace wsx::bench {

struct PeerOptions {
  std::uint16_t port = 0;
  bool deflate = false;
  std::string certificate;  // beast-wss-echo: PEM chain
  std::string private_key;  // beast-wss-echo: PEM key
  // Beast's own defaults instead of wsx's settings: its permessage_deflate
  // defaults and, for beast-wss-echo, Asio's TLS context.
  bool beast_defaults = false;
};

enum class PeerKind { raw, beast, beast_tls };

// Returns nullopt (after printing why and the usage) on a bad command line.
inline std::optional<PeerOptions> parse_peer_options(int argc, char** argv, PeerKind kind) {
  const bool accepts_deflate = kind != PeerKind::raw;
  const bool tls = kind == PeerKind::beast_tls;
  const std::string_view usage =
      tls ? " --cert FILE --key FILE [--port P] [--deflate] [--beast-defaults]"
          : (accepts_deflate ? " [--port P] [--deflate | --deflate-beast-defaults]"
                             : " [--port P]");
  PeerOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--port" && i + 1 < argc) {
      const std::string_view value = argv[++i];
      unsigned port = 0;
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), port);
      if (error != std::errc{} || end != value.data() + value.size() || port > 65535) {
        std::cerr << argv[0] << ": bad port '" << value << "'\n";
        return std::nullopt;
      }
      options.port = static_cast<std::uint16_t>(port);
    } else if (arg == "--deflate" && accepts_deflate) {
      options.deflate = true;
    } else if (arg == "--deflate-beast-defaults" && accepts_deflate) {
      options.deflate = true;
      options.beast_defaults = true;
    } else if (arg == "--cert" && tls && i + 1 < argc) {
      options.certificate = argv[++i];
    } else if (arg == "--key" && tls && i + 1 < argc) {
      options.private_key = argv[++i];
    } else if (arg == "--beast-defaults" && tls) {
      options.beast_defaults = true;
    } else {
      std::cerr << "usage: " << argv[0] << usage << "\n";
      return std::nullopt;
    }
  }
  if (tls && (options.certificate.empty() || options.private_key.empty())) {
    std::cerr << "usage: " << argv[0] << usage << "\n";
    return std::nullopt;
  }
  return options;
}

}  // namespace wsx::bench
