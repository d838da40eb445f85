// The built module, as the host loads it: one exported symbol that works.
#include <dlfcn.h>
#include <elf.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "test_host.hpp"

namespace wsx::pmd::test {
namespace {

// The names of the defined, default-visibility symbols in the module's
// dynamic symbol table (what RTLD_LOCAL + dlsym can reach).
std::set<std::string> exported_symbols(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  const std::string image((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::set<std::string> names;
  if (image.size() < sizeof(Elf64_Ehdr)) return names;
  const auto* header = reinterpret_cast<const Elf64_Ehdr*>(image.data());
  const auto* sections = reinterpret_cast<const Elf64_Shdr*>(image.data() + header->e_shoff);
  for (int i = 0; i < header->e_shnum; ++i) {
    if (sections[i].sh_type != SHT_DYNSYM) continue;
    const Elf64_Shdr& strings = sections[sections[i].sh_link];
    const auto* symbols = reinterpret_cast<const Elf64_Sym*>(image.data() + sections[i].sh_offset);
    const std::size_t count = sections[i].sh_size / sizeof(Elf64_Sym);
    for (std::size_t s = 0; s < count; ++s) {
      const Elf64_Sym& symbol = symbols[s];
      if (symbol.st_shndx == SHN_UNDEF || ELF64_ST_VISIBILITY(symbol.st_other) != STV_DEFAULT) {
        continue;
      }
      const int binding = ELF64_ST_BIND(symbol.st_info);
      if (binding != STB_GLOBAL && binding != STB_WEAK) continue;
      names.insert(image.data() + strings.sh_offset + symbol.st_name);
    }
  }
  return names;
}

TEST(Module, ExportsOnlyTheEntrySymbolOfOurOwn) {
  const std::set<std::string> names = exported_symbols(WSX_PMD_MODULE_PATH);
  EXPECT_TRUE(names.count(WSX_PLUGIN_ENTRY_SYMBOL)) << WSX_PMD_MODULE_PATH;
  for (const std::string& name : names) {
    // Sanitizer runtimes may add their own hooks; nothing of ours but the
    // entry symbol may show.
    EXPECT_TRUE(name == WSX_PLUGIN_ENTRY_SYMBOL ||
                (name.find("wsx") == std::string::npos && name.find("pmd") == std::string::npos))
        << name;
  }
}

TEST(Module, LoadsLocallyAndNegotiates) {
  void* library = dlopen(WSX_PMD_MODULE_PATH, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(library, nullptr) << dlerror();
  auto* entry = reinterpret_cast<wsx_negotiate_fn>(dlsym(library, WSX_PLUGIN_ENTRY_SYMBOL));
  ASSERT_NE(entry, nullptr);
  TestHost host;
  const wsx_host_info info{sizeof(wsx_host_info), 1, 1, host.api(), {"t", 1}};
  std::uint32_t abi = 0;
  const wsx_plugin_descriptor* descriptor = nullptr;
  core::ByteBuffer message;
  wsx_error error{sizeof(wsx_error), WSX_CLOSE_INTERNAL_ERROR, message.handle()};
  ASSERT_EQ(entry(&info, &abi, &descriptor, &error), WSX_OK);
  EXPECT_STREQ(descriptor->name, "permessage-deflate");

  // A full create/negotiate/encode/destroy cycle inside the module.
  const wsx_plugin_create_args args{
      sizeof(wsx_plugin_create_args), nullptr, 0, host.api(), {"t", 1}};
  void* instance = nullptr;
  ASSERT_EQ(descriptor->create(&args, &instance, &error), WSX_OK);
  const wsx_extension_def& def = *descriptor->extensions[0];
  wsx_params_out response;
  const wsx_server_offer offer{sizeof(wsx_server_offer),
                               {"permessage-deflate", 18},
                               nullptr,
                               0,
                               nullptr,
                               0,
                               &response,
                               nullptr};
  void* extension = nullptr;
  ASSERT_EQ(def.server_negotiate(instance, &offer, &extension, &error), WSX_OK);
  const Bytes hello = bytes(std::string(100, 'h'));
  const wsx_frame in{sizeof(wsx_frame), WSX_OPCODE_TEXT, 1, 0, {hello.data(), hello.size()}};
  core::ByteBuffer payload;
  wsx_frame_out out{sizeof(wsx_frame_out), WSX_OPCODE_TEXT, 1, 0, payload.handle()};
  EXPECT_EQ(def.encode(extension, &in, &out, &error), WSX_OK);
  EXPECT_EQ(out.rsv, WSX_RSV1);
  EXPECT_LT(payload.size(), hello.size());
  def.destroy_extension(extension);
  descriptor->destroy(instance);
  dlclose(library);
}

}  // namespace
}  // namespace wsx::pmd::test
