// Fuzzes the Sec-WebSocket-Extensions grammar (RFC 6455 section 9.1): any
// bytes, as one field and as several fields (split at '\n'), must parse or
// fail with an error inside the input; whatever parses must serialize, and
// the serialized text must parse back to the same items.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>
#include <vector>

#include "core/extensions/extensions_header.hpp"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

void check_round_trip(const wsx::core::ParsedExtensions& parsed,
                      std::span<const std::string_view> fields) {
  if (!parsed.ok()) {
    check(parsed.items.empty());
    check(parsed.error->field < fields.size() || fields.empty());
    if (!fields.empty()) check(parsed.error->position <= fields[parsed.error->field].size());
    check(!parsed.error->message().empty());
    return;
  }
  check(!parsed.items.empty());
  const auto written = wsx::core::serialize_extensions(parsed.items);
  check(written.has_value());
  const wsx::core::ParsedExtensions again = wsx::core::parse_extensions_header(*written);
  check(again.ok());
  check(again.items == parsed.items);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_round_trip(wsx::core::parse_extensions_header(input), std::span(&input, 1));

  std::vector<std::string_view> fields;
  std::string_view rest = input;
  for (std::size_t guard = 0; guard <= size; ++guard) {
    const std::size_t newline = rest.find('\n');
    fields.push_back(rest.substr(0, newline));
    if (newline == std::string_view::npos) break;
    rest.remove_prefix(newline + 1);
  }
  check_round_trip(wsx::core::parse_extensions_headers(fields), fields);
  return 0;
}
