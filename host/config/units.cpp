#include "units.hpp"

#include <array>
#include <cctype>
#include <limits>
#include <utility>

namespace wsx::config {

namespace {

struct Unit {
  std::string_view name;
  std::uint64_t factor;
};

constexpr std::array<Unit, 8> kSizeUnits{{
    {"", 1},
    {"b", 1},
    {"kib", 1ull << 10},
    {"mib", 1ull << 20},
    {"gib", 1ull << 30},
    {"kb", 1000ull},
    {"mb", 1000ull * 1000},
    {"gb", 1000ull * 1000 * 1000},
}};

// Bare numbers are seconds: the same meaning a TOML integer has for a duration.
constexpr std::array<Unit, 5> kDurationUnits{{
    {"", 1000},
    {"ms", 1},
    {"s", 1000},
    {"m", 60 * 1000},
    {"h", 60 * 60 * 1000},
}};

constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return true;
}

// "<digits> [spaces] <unit>" -> (number, unit text). nullopt without digits
// or when the number does not fit 64 bits.
std::optional<std::pair<std::uint64_t, std::string_view>> split_number(
    std::string_view text) noexcept {
  text = trim(text);
  std::uint64_t number = 0;
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    const auto digit = static_cast<std::uint64_t>(text[digits] - '0');
    if (number > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
    number = number * 10 + digit;
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  return std::pair{number, trim(text.substr(digits))};
}

template <std::size_t N>
std::optional<std::uint64_t> scale(std::string_view text,
                                   const std::array<Unit, N>& units) noexcept {
  const auto parts = split_number(text);
  if (!parts) return std::nullopt;
  const auto [number, unit_text] = *parts;
  for (const Unit& unit : units) {
    if (!equals_ignoring_case(unit_text, unit.name)) continue;
    if (number > std::numeric_limits<std::uint64_t>::max() / unit.factor) return std::nullopt;
    return number * unit.factor;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::uint64_t> parse_size(std::string_view text) noexcept {
  return scale(text, kSizeUnits);
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) noexcept {
  const auto millis = scale(text, kDurationUnits);
  using Rep = std::chrono::milliseconds::rep;
  if (!millis || *millis > static_cast<std::uint64_t>(std::numeric_limits<Rep>::max())) {
    return std::nullopt;
  }
  return std::chrono::milliseconds{static_cast<Rep>(*millis)};
}

}  // namespace wsx::config
