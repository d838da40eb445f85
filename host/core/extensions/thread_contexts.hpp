// Per-thread plugin contexts (wsx/extension.h, ABI rule 7): the factories of
// one I/O thread, each bound to its plugin's context for that thread.
//
// Why here and not in net/: it is plain data plus two plugin calls, no I/O,
// so it stays unit-testable; net/ only decides when a thread binds (once,
// on the thread itself, before its first handshake after a (re)load).
//
// Lifetime: a bound factory's keepalive owns the context, and holds the
// plugin's own keepalive, so thread_destroy runs once, after the thread's
// list and every extension made through it are gone, and before the
// plugin instance can be destroyed.
#pragma once

#include <wsx/extension.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/extensions/extension_factory.hpp"

namespace wsx::core {

struct ThreadBinding {
  // The factories, in the same order, with thread_context set where the
  // plugin has a context. Factories of plugins without hooks are shared,
  // not copied.
  FactoryList factories;
  // One line per failed thread_create ("plugin x: ..."): that plugin's
  // factories run with thread_context NULL on this thread.
  std::vector<std::string> problems;
};

// Binds `factories` to I/O thread `thread_index` of `thread_count`. One
// context per plugin instance, whatever the number of its tokens. Contexts
// already bound in `previous` (the thread's list before a reload) are reused
// for the same instance, so a plugin sees thread_create once per thread and
// instance.
[[nodiscard]] ThreadBinding bind_thread_contexts(const FactoryList& factories,
                                                 std::uint32_t thread_index,
                                                 std::uint32_t thread_count,
                                                 const FactoryList& previous = {});

}  // namespace wsx::core
