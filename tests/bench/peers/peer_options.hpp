// Command line shared by the comparison peers (beast-echo, raw-tcp-echo):
// `--port P` (0 picks a free port) and, for beast-echo, `--deflate` (the
// wsx plugin's settings) or `--deflate-beast-defaults` (Beast's own). The
// benchmark scripts read the chosen port from the "listening on" line.
#pragma once

#include <charconv>
#include <cstdint>
#include <iostream>
#include <optional>
#include <string_view>

namespace wsx::bench {

struct PeerOptions {
  std::uint16_t port = 0;
  bool deflate = false;
  // With deflate: Beast's own permessage_deflate defaults instead of the
  // wsx plugin's settings.
  bool beast_defaults = false;
};

// Returns nullopt (after printing why and the usage) on a bad command line.
// `accepts_deflate` is false for peers that have no extension to turn on.
inline std::optional<PeerOptions> parse_peer_options(int argc, char** argv, bool accepts_deflate) {
  const std::string_view usage =
      accepts_deflate ? " [--port P] [--deflate | --deflate-beast-defaults]" : " [--port P]";
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
    } else {
      std::cerr << "usage: " << argv[0] << usage << "\n";
      return std::nullopt;
    }
  }
  return options;
}

}  // namespace wsx::bench
