#include "plugin_call_site.hpp"

namespace wsx::core {

PluginCallRecord& this_thread_plugin_call() noexcept {
  // Initial-exec TLS in the executable: reading it from a signal handler
  // allocates nothing and takes no lock.
  static thread_local PluginCallRecord record;
  return record;
}

}  // namespace wsx::core
