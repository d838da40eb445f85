#include "metrics/thread_metrics.hpp"

namespace wsx::metrics {

std::string_view close_code_label(std::size_t slot) noexcept {
  static constexpr std::array<std::string_view, kCloseCodeSlots> kLabels{
      "1000", "1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008",
      "1009", "1010", "1011", "1012", "1013", "1014", "1015", "3xxx", "4xxx"};
  return slot < kLabels.size() ? kLabels[slot] : "4xxx";
}

}  // namespace wsx::metrics
