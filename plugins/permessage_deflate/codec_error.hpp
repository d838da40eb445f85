// How a codec (Deflater, Inflater) reports a failure: the close code the
// connection ends with (RFC 6455 §7.4.1) and a message for the log.
#pragma once

#include <cstdint>
#include <string>

namespace wsx::pmd {

struct CodecError {
  std::uint32_t close_code;
  std::string message;
};

}  // namespace wsx::pmd
