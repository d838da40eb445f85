// Which plugin call is running on this thread, for the host's fatal-signal
// handler (plugins run unisolated in the host process: a plugin that
// crashes takes the host down, and the report must name it).
//
// This is the one piece of mutable state outside an object: a signal handler
// can reach nothing else. It is thread_local, so each I/O thread writes only
// its own copy (no sharing, no atomics on the per-frame path), and a
// synchronous signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL) runs its handler on the
// thread that faulted, which therefore reads the record of the failing call.
// Every field is a plain pointer written before the call and cleared after,
// so the handler sees either null or a complete pointer.
#pragma once

#include <cstddef>

#include "extension_factory.hpp"

namespace wsx::core {

struct PluginCallRecord {
  // NUL-terminated texts owned by the running ExtensionFactory (alive for the
  // whole call); null when no plugin call is running.
  const char* plugin = nullptr;
  const char* version = nullptr;
  // The C ABI function being called: "decode", "server_negotiate", ...
  const char* function = nullptr;
  // The connection's peer as a socket address (struct sockaddr, opaque to
  // the core, which knows no sockets), set by the network layer around the
  // work it does for one connection; null when unknown.
  const void* peer_address = nullptr;
  std::size_t peer_address_size = 0;
};

// This thread's record (see above for why it is thread_local).
[[nodiscard]] PluginCallRecord& this_thread_plugin_call() noexcept;

// Marks one plugin call for the duration of a scope.
class PluginCallScope {
 public:
  PluginCallScope(const ExtensionFactory& factory, const char* function) noexcept
      : record_(this_thread_plugin_call()) {
    record_.plugin = factory.plugin_name.c_str();
    record_.version = factory.plugin_version.c_str();
    record_.function = function;
  }
  ~PluginCallScope() { record_.function = nullptr; }
  PluginCallScope(const PluginCallScope&) = delete;
  PluginCallScope& operator=(const PluginCallScope&) = delete;

 private:
  PluginCallRecord& record_;
};

// Marks which connection the thread works for, restoring the previous one on
// exit (a broadcast sends to other connections while handling one).
class PeerScope {
 public:
  PeerScope(const void* address, std::size_t size) noexcept
      : record_(this_thread_plugin_call()),
        previous_(record_.peer_address),
        previous_size_(record_.peer_address_size) {
    record_.peer_address = address;
    record_.peer_address_size = size;
  }
  ~PeerScope() {
    record_.peer_address = previous_;
    record_.peer_address_size = previous_size_;
  }
  PeerScope(const PeerScope&) = delete;
  PeerScope& operator=(const PeerScope&) = delete;

 private:
  PluginCallRecord& record_;
  const void* previous_;
  std::size_t previous_size_;
};

}  // namespace wsx::core
