// Which file a path names now, and which file a loaded library was mapped
// from: SIGHUP must notice a plugin replaced at the same path (issue: reload
// of a replaced plugin). The dynamic loader answers dlopen() of a path it
// already has open with the library it already has, even when the path now
// names another file (a new build moved over the old one), so the loader
// compares the two identities after every dlopen.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

namespace wsx::loader {

// A file as the kernel knows it. Device and inode are what the dynamic
// loader itself compares; a new build moved over the old file gets a new
// inode. (Rewriting a mapped library in place, which keeps the inode, is
// never safe: the running code changes under it.)
struct FileIdentity {
  std::uint64_t device_major = 0;
  std::uint64_t device_minor = 0;
  std::uint64_t inode = 0;

  friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

// stat(2) of `file` (symlinks followed, as dlopen follows them); nullopt if
// it cannot be read.
[[nodiscard]] std::optional<FileIdentity> identity_of_file(const std::filesystem::path& file);

// The file mapped at `address` in this process, from /proc/self/maps;
// nullopt if no file mapping contains it (or /proc is not mounted).
[[nodiscard]] std::optional<FileIdentity> identity_of_mapping(std::uintptr_t address);

}  // namespace wsx::loader
