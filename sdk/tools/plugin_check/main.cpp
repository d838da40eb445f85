// wsx-plugin-check PATH [--params FILE.toml] [--seconds N]
//
// Loads one wsx extension plugin and runs a battery of checks against it
// through the real C ABI (wsx/extension.h): ABI and manifest, params,
// negotiation, round trips, RSV ownership, hostile input, threads, and what
// it costs. One PASS/FAIL/INFO line per check; exit status 0 when nothing
// failed, 1 when something did, 2 for a bad command line.
#include <toml++/toml.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "checks.hpp"
#include "isolated.hpp"

namespace {

namespace pc = wsx::plugin_check;
namespace wt = wsx::sdk::testing;

constexpr const char* kUsage =
    "usage: wsx-plugin-check PATH [--params FILE.toml] [--seconds N]\n"
    "  PATH         the plugin's shared library\n"
    "  --params     a TOML file of the plugin's params (the keys of a [plugin.params] table)\n"
    "  --seconds    how long the hostile-input phase runs (default 2)\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "wsx-plugin-check: %s\n%s", message.c_str(), kUsage);
  return 2;
}

// The keys of FILE.toml (or of its [plugin.params] table, if it has one).
std::vector<wt::Param> read_params(const std::string& file) {
  const toml::table root = toml::parse_file(file);
  const toml::table* table = &root;
  if (const auto* nested = root["plugin"]["params"].as_table()) table = nested;
  std::vector<wt::Param> params;
  for (const auto& [key, node] : *table) {
    const std::string name(key.str());
    if (const auto* text = node.as_string()) {
      params.emplace_back(name, text->get());
    } else if (const auto* integer = node.as_integer()) {
      params.emplace_back(name, integer->get());
    } else if (const auto* flag = node.as_boolean()) {
      params.emplace_back(name, flag->get());
    } else {
      const auto& where = node.source().begin;
      throw std::runtime_error(file + ":" + std::to_string(where.line) + ":" +
                               std::to_string(where.column) + ": param \"" + name +
                               "\" must be a string, an integer or a boolean");
    }
  }
  return params;
}

}  // namespace

int main(int argc, char** argv) {
  pc::Target target;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::printf("%s", kUsage);
      return 0;
    }
    if (arg == "--params" || arg == "--seconds") {
      if (i + 1 == argc) return usage_error(std::string(arg) + " needs a value");
      const std::string value = argv[++i];
      if (arg == "--params") {
        try {
          target.params = read_params(value);
        } catch (const std::exception& error) {
          return usage_error(std::string("--params: ") + error.what());
        }
      } else {
        char* end = nullptr;
        target.seconds = std::strtod(value.c_str(), &end);
        if (end == value.c_str() || *end != '\0' || target.seconds < 0 || target.seconds > 3600) {
          return usage_error("--seconds \"" + value + "\": give seconds from 0 to 3600");
        }
      }
    } else if (!arg.empty() && arg[0] == '-') {
      return usage_error("unknown option " + std::string(arg));
    } else if (target.path.empty()) {
      target.path = std::string(arg);
    } else {
      return usage_error("give one plugin path");
    }
  }
  if (target.path.empty()) return usage_error("no plugin path given");
  // dlopen() searches the library path for a bare name; the user means a file.
  if (target.path.find('/') == std::string::npos) target.path = "./" + target.path;

  std::printf("wsx-plugin-check %s\n", target.path.c_str());
  pc::Report report;
  const int hostile_limit = static_cast<int>(target.seconds) + 60;
  pc::run_isolated("abi", 60, report, [&](pc::Report& r) { pc::check_abi(target, r); });
  if (report.failed() == 0) {
    pc::run_isolated("params", 60, report, [&](pc::Report& r) { pc::check_params(target, r); });
    pc::run_isolated("negotiation", 60, report,
                     [&](pc::Report& r) { pc::check_negotiation(target, r); });
    pc::run_isolated("round trip", 120, report,
                     [&](pc::Report& r) { pc::check_round_trips(target, r); });
    pc::run_isolated("rsv", 60, report, [&](pc::Report& r) { pc::check_rsv(target, r); });
    pc::run_isolated("hostile", hostile_limit, report,
                     [&](pc::Report& r) { pc::check_hostile_input(target, r); });
    pc::run_isolated("threads", 120, report, [&](pc::Report& r) { pc::check_threads(target, r); });
    pc::run_isolated("cost", 120, report, [&](pc::Report& r) { pc::report_cost(target, r); });
  } else {
    std::printf("INFO  the ABI checks failed; the rest needs a loadable plugin\n");
  }
  std::printf("%s: %d passed, %d failed\n", report.failed() == 0 ? "OK" : "FAILED", report.passed(),
              report.failed());
  return report.failed() == 0 ? 0 : 1;
}
