#include "byte_size.hpp"

#include <array>
#include <limits>
#include <utility>

namespace wsx::pmd {
namespace {

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t';
}
bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::optional<std::uint64_t> unit_multiplier(std::string_view unit) noexcept {
  constexpr std::array<std::pair<std::string_view, std::uint64_t>, 8> kUnits{{
      {"", 1},
      {"B", 1},
      {"KiB", 1ULL << 10},
      {"MiB", 1ULL << 20},
      {"GiB", 1ULL << 30},
      {"KB", 1000ULL},
      {"MB", 1000ULL * 1000},
      {"GB", 1000ULL * 1000 * 1000},
  }};
  for (const auto& [name, multiplier] : kUnits) {
    if (equals_ignoring_case(unit, name)) return multiplier;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::uint64_t> parse_byte_size(std::string_view text) noexcept {
  text = trim(text);
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t number = 0;
  std::size_t digits = 0;
  while (digits < text.size() && is_digit(text[digits])) {
    const auto digit = static_cast<std::uint64_t>(text[digits] - '0');
    if (number > (kMax - digit) / 10) return std::nullopt;
    number = number * 10 + digit;
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  const std::optional<std::uint64_t> multiplier = unit_multiplier(trim(text.substr(digits)));
  if (!multiplier) return std::nullopt;
  if (number > kMax / *multiplier) return std::nullopt;
  return number * *multiplier;
}

}  // namespace wsx::pmd
