#include "elf_exports.hpp"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <iterator>

namespace wsx::plugin_check {

namespace {

template <class T>
bool read_at(const std::vector<char>& file, std::size_t offset, T& out) {
  if (offset > file.size() || file.size() - offset < sizeof(T)) return false;
  std::memcpy(&out, file.data() + offset, sizeof(T));
  return true;
}

}  // namespace

std::optional<std::vector<std::string>> exported_symbols(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  const std::vector<char> file{std::istreambuf_iterator<char>(in), {}};
  Elf64_Ehdr header{};
  if (!read_at(file, 0, header) || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 ||
      header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_ident[EI_DATA] != ELFDATA2LSB) {
    return std::nullopt;
  }
  std::vector<Elf64_Shdr> sections(header.e_shnum);
  for (std::size_t i = 0; i < sections.size(); ++i) {
    if (!read_at(file, header.e_shoff + i * sizeof(Elf64_Shdr), sections[i])) return std::nullopt;
  }
  std::vector<std::string> names;
  for (const Elf64_Shdr& section : sections) {
    if (section.sh_type != SHT_DYNSYM || section.sh_link >= sections.size()) continue;
    const Elf64_Shdr& strings = sections[section.sh_link];
    const std::size_t count = section.sh_entsize == 0 ? 0 : section.sh_size / section.sh_entsize;
    for (std::size_t i = 1; i < count; ++i) {  // entry 0 is the null symbol
      Elf64_Sym symbol{};
      if (!read_at(file, section.sh_offset + i * section.sh_entsize, symbol)) return std::nullopt;
      const unsigned binding = ELF64_ST_BIND(symbol.st_info);
      const unsigned visibility = ELF64_ST_VISIBILITY(symbol.st_other);
      if (symbol.st_shndx == SHN_UNDEF || (binding != STB_GLOBAL && binding != STB_WEAK) ||
          visibility == STV_HIDDEN || visibility == STV_INTERNAL) {
        continue;
      }
      const std::size_t at = strings.sh_offset + symbol.st_name;
      if (at >= file.size()) return std::nullopt;
      names.emplace_back(file.data() + at, strnlen(file.data() + at, file.size() - at));
    }
  }
  return names;
}

}  // namespace wsx::plugin_check
