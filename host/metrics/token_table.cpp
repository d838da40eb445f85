#include "metrics/token_table.hpp"

#include <algorithm>
#include <cctype>

namespace wsx::metrics {

namespace {

bool same_token(std::string_view a, std::string_view b) noexcept {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

TokenTable::TokenTable() : names_{"other"} {
  names_.reserve(kMaxTokens);
}

std::size_t TokenTable::slot_of(std::string_view token) {
  const std::lock_guard guard(lock_);
  for (std::size_t slot = 1; slot < names_.size(); ++slot) {
    if (same_token(names_[slot], token)) return slot;
  }
  if (names_.size() == kMaxTokens) return 0;
  names_.emplace_back(token);
  return names_.size() - 1;
}

std::vector<std::string> TokenTable::names() const {
  const std::lock_guard guard(lock_);
  return names_;
}

}  // namespace wsx::metrics
