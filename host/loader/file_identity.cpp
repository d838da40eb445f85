#include "file_identity.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cinttypes>
#include <cstdio>
#include <memory>

namespace wsx::loader {

std::optional<FileIdentity> identity_of_file(const std::filesystem::path& file) {
  struct stat status {};
  if (::stat(file.c_str(), &status) != 0) return std::nullopt;
  return FileIdentity{major(status.st_dev), minor(status.st_dev),
                      static_cast<std::uint64_t>(status.st_ino)};
}

std::optional<FileIdentity> identity_of_mapping(std::uintptr_t address) {
  // proc(5): "start-end perms offset major:minor inode path", numbers in hex
  // except the inode.
  const auto closer = [](std::FILE* file) { std::fclose(file); };
  const std::unique_ptr<std::FILE, decltype(closer)> maps(std::fopen("/proc/self/maps", "re"),
                                                          closer);
  if (!maps) return std::nullopt;
  const std::uintptr_t wanted = address;
  char line[4096];
  while (std::fgets(line, sizeof line, maps.get()) != nullptr) {
    std::uintptr_t start = 0;
    std::uintptr_t end = 0;
    unsigned major_number = 0;
    unsigned minor_number = 0;
    std::uint64_t inode = 0;
    if (std::sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %*s %*s %x:%x %" SCNu64, &start, &end,
                    &major_number, &minor_number, &inode) != 5) {
      continue;
    }
    if (wanted < start || wanted >= end) continue;
    if (inode == 0) return std::nullopt;  // anonymous memory, not a file
    return FileIdentity{major_number, minor_number, inode};
  }
  return std::nullopt;
}

}  // namespace wsx::loader
