// The checker's output: one PASS/FAIL/INFO line per check, with the reason
// and, for a failure, the fix; the exit status follows the failures.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace wsx::plugin_check {

class Report {
 public:
  void pass(std::string_view check, std::string_view detail = {}) {
    line("PASS", check, detail);
    ++passed_;
  }
  // `fix`: what the author changes, in one sentence.
  void fail(std::string_view check, std::string_view reason, std::string_view fix) {
    line("FAIL", check, std::string(reason) + "; fix: " + std::string(fix));
    ++failed_;
  }
  void info(std::string_view check, std::string_view detail) { line("INFO", check, detail); }
  // PASS when `ok`, else FAIL with `reason` and `fix`.
  void expect(bool ok, std::string_view check, std::string_view reason, std::string_view fix) {
    if (ok) {
      pass(check);
    } else {
      fail(check, reason, fix);
    }
  }

  // Counts reported by a child process (isolated.hpp).
  void add(int passed, int failed) noexcept {
    passed_ += passed;
    failed_ += failed;
  }

  [[nodiscard]] int passed() const noexcept { return passed_; }
  [[nodiscard]] int failed() const noexcept { return failed_; }

 private:
  static void line(const char* verdict, std::string_view check, std::string_view detail) {
    std::printf("%s  %.*s", verdict, static_cast<int>(check.size()), check.data());
    if (!detail.empty()) std::printf(": %.*s", static_cast<int>(detail.size()), detail.data());
    std::printf("\n");
    std::fflush(stdout);
  }

  int passed_ = 0;
  int failed_ = 0;
};

}  // namespace wsx::plugin_check
