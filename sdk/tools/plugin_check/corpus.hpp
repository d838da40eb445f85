// Messages the frame checks send: sizes at the frame-length boundaries of
// RFC 6455 section 5.2 (125/126, 65535/65536) and 1 MiB, text that
// compresses and binary that does not.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace wsx::plugin_check {

struct CorpusMessage {
  std::string name;
  std::uint8_t opcode;
  std::vector<std::uint8_t> payload;
};

inline std::vector<CorpusMessage> corpus() {
  std::vector<CorpusMessage> out;
  std::mt19937 random(20261204);
  for (const std::size_t size : {0u, 1u, 125u, 126u, 65535u, 65536u, 1u << 20}) {
    std::vector<std::uint8_t> text(size);
    const std::string words = "{\"user\":\"ada\",\"event\":\"message\",\"seq\":12345} ";
    for (std::size_t i = 0; i < size; ++i)
      text[i] = static_cast<std::uint8_t>(words[i % words.size()]);
    out.push_back({"text " + std::to_string(size), 0x1, text});
    std::vector<std::uint8_t> binary(size);
    for (auto& byte : binary) byte = static_cast<std::uint8_t>(random());
    out.push_back({"binary " + std::to_string(size), 0x2, binary});
  }
  return out;
}

}  // namespace wsx::plugin_check
