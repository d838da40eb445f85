// The battery of wsx-plugin-check, one function per group of checks. Each
// runs in a child process (see isolated.hpp), so a plugin that crashes is a
// FAIL line, not the end of the report.
#pragma once

#include <wsx/testing/host.hpp>

#include <string>
#include <vector>

#include "report.hpp"

namespace wsx::plugin_check {

struct Target {
  std::string path;
  // Values for the plugin's params (--params FILE.toml), used wherever the
  // checker creates an instance.
  std::vector<sdk::testing::Param> params;
  // How long the hostile-input phase runs.
  double seconds = 2.0;
};

// Entry symbol, the only export, ABI version ranges, descriptor and
// definition sizes, a complete manifest.
void check_abi(const Target& target, Report& report);
// Declared params accepted, unknown keys and wrong types refused.
void check_params(const Target& target, Report& report);
// Generated offers for each token: accepted or declined, never failed; each
// accepted response is one the plugin's own client factory accepts.
void check_negotiation(const Target& target, Report& report);
// Every accepted configuration round-trips the corpus both ways, whole and
// fragmented, with control frames interleaved.
void check_round_trips(const Target& target, Report& report);
// The RSV bits set are the declared ones; frames not owned pass unchanged.
void check_rsv(const Target& target, Report& report);
// Truncated, random and bit-flipped encodings: no crash, no unbounded output.
void check_hostile_input(const Target& target, Report& report);
// Factories and extensions used from several threads at once.
void check_threads(const Target& target, Report& report);
// Memory per extension instance and time per frame, as information.
void report_cost(const Target& target, Report& report);

// The configurations the plugin accepts: for each server token, the
// plugin's own client offer and a bare offer, negotiated in both roles.
struct Configuration {
  std::string offer;
  sdk::testing::Extension server;
  sdk::testing::Extension client;
};
[[nodiscard]] std::vector<Configuration> accepted_configurations(
    const sdk::testing::Plugin& plugin);

}  // namespace wsx::plugin_check
