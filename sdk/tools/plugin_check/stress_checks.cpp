// Hostile input, threads and cost.
#include <malloc.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "checks.hpp"
#include "corpus.hpp"

namespace wsx::plugin_check {

namespace wt = sdk::testing;

namespace {

bool is_extension_close_code(std::uint32_t code) {
  // The codes extension.h lets an extension fail with (RFC 6455 7.4.1).
  return code == 1002 || code == 1007 || code == 1009 || code == 1010 || code == 1011;
}

// What a peer would send to `token`'s server extension: the plugin's own
// client encodings of a few corpus messages when it has a client role, else
// the corpus itself, with and without the extension's RSV bits.
struct HostileSeed {
  std::string token;
  std::string offer;
  std::vector<wt::Frame> samples;
};

std::vector<HostileSeed> hostile_seeds(const wt::Plugin& plugin) {
  std::vector<HostileSeed> out;
  const std::vector<Configuration> configurations = accepted_configurations(plugin);
  for (const wsx_extension_def& def : plugin.definitions()) {
    if ((def.roles & WSX_ROLE_SERVER) == 0) continue;
    HostileSeed seed{def.token, def.token, {}};
    for (const Configuration& config : configurations) {
      if (!wt::detail::iequals(config.server.token(), def.token)) continue;
      seed.offer = config.offer;
      for (const CorpusMessage& message : corpus()) {
        if (message.payload.size() > 70000) continue;
        const wt::FrameResult encoded =
            config.client.encode({message.opcode, true, 0, message.payload});
        if (encoded.ok()) seed.samples.push_back(encoded.frame);
      }
      break;
    }
    if (seed.samples.empty()) {
      for (const CorpusMessage& message : corpus()) {
        if (message.payload.size() > 70000) continue;
        seed.samples.push_back({message.opcode, true, def.rsv_bits, message.payload});
        seed.samples.push_back({message.opcode, true, 0, message.payload});
      }
    }
    out.push_back(std::move(seed));
  }
  return out;
}

}  // namespace

void check_hostile_input(const Target& target, Report& report) {
  const wt::Plugin plugin = wt::Plugin::load(target.path, target.params);
  for (const HostileSeed& seed : hostile_seeds(plugin)) {
    const std::vector<wt::Frame>& samples = seed.samples;
    if (samples.empty()) continue;
    std::mt19937_64 random(7);
    std::uint64_t decoded = 0;
    std::uint64_t refused = 0;
    std::string defect;
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::duration<double>(target.seconds);
    // A receiving extension per sample: after a failure the host would have
    // closed the connection, so state is never reused past one.
    while (defect.empty() && std::chrono::steady_clock::now() < deadline) {
      const auto accepted = plugin.negotiate_server(seed.offer);
      if (accepted.empty()) break;
      const wt::Extension& receiver = accepted.front();
      wt::Frame frame = samples[random() % samples.size()];
      switch (random() % 3) {
        case 0:  // truncated
          frame.payload.resize(frame.payload.empty() ? 0 : random() % frame.payload.size());
          break;
        case 1:  // bit flips
          for (int i = 0; i < 4 && !frame.payload.empty(); ++i) {
            frame.payload[random() % frame.payload.size()] ^=
                static_cast<std::uint8_t>(1u << (random() % 8));
          }
          break;
        default:  // random bytes carrying the extension's bits
          frame.payload.resize(random() % 4096);
          for (auto& byte : frame.payload) byte = static_cast<std::uint8_t>(random());
          frame.rsv = receiver.rsv_bits();
          break;
      }
      const std::uint64_t max = 1 + random() % 100000;
      const wt::FrameResult result = receiver.decode(frame, max);
      ++decoded;
      if (result.exceeded_max && result.written > max + frame.payload.size() + 65536) {
        defect = "decode wrote " + std::to_string(result.written) + " bytes for max_payload_size " +
                 std::to_string(max) + ": a bomb would inflate without bound";
      } else if (result.status == WSX_FAIL && !result.exceeded_max) {
        ++refused;
        if (!is_extension_close_code(result.close_code)) {
          defect = "failed with close code " + std::to_string(result.close_code);
        }
      } else if (result.status != WSX_OK && result.status != WSX_UNCHANGED &&
                 result.status != WSX_FAIL) {
        defect = "returned status " + std::to_string(result.status) + ", not a wsx_status";
      }
    }
    report.info("hostile: " + seed.token, std::to_string(decoded) + " mutated frames decoded, " +
                                              std::to_string(refused) + " refused, in " +
                                              std::to_string(target.seconds) + " s");
    report.expect(defect.empty(), "hostile: " + seed.token + " survives mutated input", defect,
                  "stop producing output at max_payload_size and fail with 1009; fail bad input "
                  "with 1007 or 1002");
  }
}

void check_threads(const Target& target, Report& report) {
  const wt::Plugin plugin = wt::Plugin::load(target.path, target.params);
  const std::vector<Configuration> configurations = accepted_configurations(plugin);
  if (configurations.empty()) return;
  // wsx-host calls one plugin instance's factories from every I/O thread.
  constexpr int kThreads = 4;
  constexpr int kRounds = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      const std::vector<std::uint8_t> message = wt::bytes("{\"thread\":true,\"n\":1234567890}");
      for (int round = 0; round < kRounds; ++round) {
        try {
          const Configuration& config =
              configurations[static_cast<std::size_t>(round) % configurations.size()];
          const auto server = plugin.negotiate_server(config.offer);
          if (server.empty()) throw std::runtime_error("declined in a thread");
          const wt::Extension client = plugin.accept_response(server.front().response_header());
          if (wt::round_trip(client, server.front(), message) != message) ++failures;
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  report.expect(failures == 0,
                "threads: factories and extensions used from " + std::to_string(kThreads) +
                    " threads at once",
                std::to_string(failures.load()) + " of " + std::to_string(kThreads * kRounds) +
                    " rounds failed",
                "keep per-connection state in the extension object; guard state shared through "
                "the plugin instance");
}

void report_cost(const Target& target, Report& report) {
  const wt::Plugin plugin = wt::Plugin::load(target.path, target.params);
  for (const Configuration& config : accepted_configurations(plugin)) {
    // Memory: 100 warm server extensions (one message each), heap delta.
    constexpr int kInstances = 100;
    const std::vector<std::uint8_t> message(1024, 'a');
    const std::size_t before = mallinfo2().uordblks;
    std::vector<wt::Extension> held;
    for (int i = 0; i < kInstances; ++i) {
      auto accepted = plugin.negotiate_server(config.offer);
      if (accepted.empty()) break;
      (void)accepted.front().encode({WSX_OPCODE_TEXT, true, 0, message});
      held.push_back(accepted.front());
    }
    const std::size_t after = mallinfo2().uordblks;
    const std::size_t per = held.empty() || after < before ? 0 : (after - before) / held.size();
    // Time: encode on one side and decode on the other, a 1 KiB message.
    constexpr int kFrames = 2000;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kFrames; ++i) (void)wt::round_trip(config.server, config.client, message);
    const auto elapsed =
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
    report.info("cost: " + config.server.response_header(),
                std::to_string(per) + " bytes of heap per extension after one message; " +
                    std::to_string(static_cast<long long>(elapsed / kFrames)) +
                    " ns per 1 KiB message encoded and decoded (test-host overhead included)");
  }
}

}  // namespace wsx::plugin_check
