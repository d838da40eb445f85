// wsx-bench: the load tool. Drives a WebSocket server (wsx-host or a peer)
// with wsx's own client role -- core handshake, core::Connection, the
// permessage-deflate plugin and any --extension-plugin loaded through
// host/plugins -- on one Asio thread, and prints ONE line of JSON on stdout
// at the end (bench_result.hpp).
//
//   wsx-bench --host 127.0.0.1 --port P [--path /]
//             --scenario echo|pipeline|large|storm|idle|raw-echo|zlib-limit
//             [--connections 64] [--duration 5] [--max-messages 10000000]
//             [--depth 16] [--size 1048576] [--payload text|large] [--hold 10]
//             [--timeout 10] [--tls [--ca FILE]]
//             [--deflate] [--deflate-params "client_max_window_bits"]
//             [--plugin PATH] [--extension-plugin PATH]...
//             [--seed 1] [--level 6 --window-bits 15 --mem-level 8]
//
// Exit codes: 0 the run completed and every echo matched; 1 the run failed
// (a mismatch, a refused or broken connection, a timeout; the reason is on
// stderr, the JSON line is still printed with errors > 0); 2 bad usage.
#include <sys/resource.h>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bench_options.hpp"
#include "bench_result.hpp"
#include "client_extensions.hpp"
#include "deflate_offer.hpp"
#include "echo_scenario.hpp"
#include "idle_scenario.hpp"
#include "raw_echo_scenario.hpp"
#include "run_context.hpp"
#include "storm_scenario.hpp"
#include "tls_client.hpp"
#include "workload.hpp"
#include "zlib_limit.hpp"

namespace {

using namespace wsx::bench;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// 10,000 idle connections need 10,000 descriptors: take what the hard limit
// allows.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
    std::fprintf(stderr, "wsx-bench: warning: cannot raise RLIMIT_NOFILE\n");
}

// Runs a network scenario; returns false if it failed.
// The extensions to offer: permessage-deflate (--deflate) first, then every
// --extension-plugin in the order given. Null when there are none.
std::unique_ptr<ClientExtensions> load_extensions(const BenchOptions& options) {
  std::vector<wsx::config::PluginEntry> entries;
  if (options.deflate)
    entries.push_back(deflate_plugin_entry(
        options.plugin.empty() ? default_plugin_path() : options.plugin, options.deflate_params));
  for (const std::string& file : options.extension_plugins)
    entries.push_back(extension_plugin_entry(file));
  if (entries.empty()) return nullptr;
  return std::make_unique<ClientExtensions>(std::move(entries));
}

// Runs a network scenario; returns false if it failed.
bool run_network(const BenchOptions& options, BenchResult& result) {
  const std::unique_ptr<ClientExtensions> extensions = load_extensions(options);
  const std::size_t required = extensions ? extensions->offered_count() : 0;
  if (extensions) result.offered = extensions->offer_header();
  const wsx::core::FactoryList no_factories;
  const SessionSetup setup =
      make_session_setup(options, extensions ? extensions->factories() : no_factories);
  const Workload workload = make_workload(options);

  boost::asio::io_context io(1);
  RunContext run(io, std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(options.timeout_s)));
  if (options.tls) run.set_tls(make_client_tls_context(options.ca, options.host));
  switch (options.scenario) {
    case Scenario::echo:
    case Scenario::pipeline:
    case Scenario::large: {
      EchoPlan plan;
      plan.connections = options.connections;
      plan.depth = options.scenario == Scenario::pipeline ? options.depth : 1;
      plan.duration_s = options.duration_s;
      plan.max_messages = options.max_messages;
      plan.seed = options.seed;
      plan.required_extensions = required;
      EchoScenario(run, setup, workload.set, plan).run(result);
      break;
    }
    case Scenario::idle: {
      IdlePlan plan;
      plan.connections = options.connections;
      plan.hold_s = options.hold_s;
      plan.seed = options.seed;
      plan.required_extensions = required;
      IdleScenario(run, setup, workload.set, plan).run(result);
      break;
    }
    case Scenario::storm: {
      StormPlan plan;
      plan.connections = options.connections;
      plan.duration_s = options.duration_s;
      plan.max_handshakes = options.max_messages;
      plan.seed = options.seed;
      plan.required_extensions = required;
      StormScenario(run, setup, plan).run(result);
      break;
    }
    case Scenario::raw_echo: {
      RawEchoPlan plan;
      plan.connections = options.connections;
      plan.duration_s = options.duration_s;
      plan.max_messages = options.max_messages;
      plan.seed = options.seed;
      if (extensions) {
        std::string response;
        (void)extensions->accept_own_offer(&response);  // fails early if it cannot
        result.negotiated = response;
        plan.make_chain = [&extensions] { return extensions->accept_own_offer(nullptr); };
      }
      RawEchoScenario(run, setup, workload.set, plan).run(result);
      break;
    }
    case Scenario::zlib_limit:
      break;
  }
  result.errors = run.errors();
  result.tls = run.tls_negotiated();
  return !run.failed();
}

}  // namespace

int main(int argc, char** argv) {
  std::string help;
  const ParsedOptions parsed = parse_options(argc, argv, help);
  if (parsed.error) {
    std::fprintf(stderr, "wsx-bench: %s (see --help)\n", parsed.error->c_str());
    return kExitUsage;
  }
  if (!parsed.options) {
    std::fputs(help.c_str(), stdout);
    return kExitOk;
  }
  const BenchOptions& options = *parsed.options;
  raise_descriptor_limit();

  BenchResult result;
  result.scenario = options.scenario;
  result.deflate = options.deflate;
  bool ok = false;
  try {
    if (options.scenario == Scenario::zlib_limit)
      ok = run_zlib_limit(options, result);
    else
      ok = run_network(options, result);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "wsx-bench: error: %s\n", error.what());
    ok = false;
  }
  if (!ok && result.errors == 0) result.errors = 1;
  std::printf("%s\n", to_json_line(result).c_str());
  std::fflush(stdout);
  return ok ? kExitOk : kExitFailure;
}
