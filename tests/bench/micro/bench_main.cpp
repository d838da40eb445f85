// main() of wsx-micro-bench: Google Benchmark's usual main, except that a
// benchmark whose own correctness check failed (SkipWithError: the plugin's
// output differs from zlib's, a chain refused a frame, ...) makes the binary
// exit with status 1. Google Benchmark itself exits 0 in that case, and the
// CI smoke run (tests/bench/smoke.sh) judges by exit status only.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <string_view>
#include <vector>

namespace {

// A reporter that counts the runs reporting an error, then prints as `Base`.
template <class Base>
class ErrorCounting : public Base {
 public:
  using Base::Base;
  void ReportRuns(const std::vector<benchmark::BenchmarkReporter::Run>& runs) override {
    for (const auto& run : runs)
      if (run.error_occurred) ++errors_;
    Base::ReportRuns(runs);
  }
  [[nodiscard]] std::size_t errors() const noexcept { return errors_; }

 private:
  std::size_t errors_ = 0;
};

// True if the command line asks for JSON on stdout (--benchmark_format=json).
bool json_requested(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]) == "--benchmark_format=json") return true;
  return false;
}

int report(std::size_t errors) {
  if (errors == 0) return 0;
  std::fprintf(stderr, "wsx-micro-bench: %zu benchmark(s) failed their checks (ERROR OCCURRED)\n",
               errors);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const bool json = json_requested(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  std::size_t errors = 0;
  if (json) {
    ErrorCounting<benchmark::JSONReporter> reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    errors = reporter.errors();
  } else {
    ErrorCounting<benchmark::ConsoleReporter> reporter(isatty(STDOUT_FILENO) != 0
                                                           ? benchmark::ConsoleReporter::OO_Color
                                                           : benchmark::ConsoleReporter::OO_None);
    benchmark::RunSpecifiedBenchmarks(&reporter);
    errors = reporter.errors();
  }
  benchmark::Shutdown();
  return report(errors);
}
