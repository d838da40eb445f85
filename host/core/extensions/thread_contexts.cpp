#include "core/extensions/thread_contexts.hpp"

#include <memory>
#include <utility>

#include "core/extensions/byte_buffer.hpp"
#include "core/extensions/negotiation_support.hpp"

namespace wsx::core {
namespace {

using negotiation_support::make_error;
using negotiation_support::plugin_message;

// Owns one plugin context for one thread; destroying it calls
// thread_destroy, then lets go of the plugin (declaration order).
class ThreadContextOwner {
 public:
  ThreadContextOwner(std::shared_ptr<const void> plugin_keepalive, const ExtensionFactory& factory,
                     void* context) noexcept
      : plugin_keepalive_(std::move(plugin_keepalive)),
        plugin_(factory.plugin),
        destroy_(factory.thread_destroy),
        context_(context) {}
  ~ThreadContextOwner() {
    if (context_ != nullptr && destroy_ != nullptr) destroy_(plugin_, context_);
  }
  ThreadContextOwner(const ThreadContextOwner&) = delete;
  ThreadContextOwner& operator=(const ThreadContextOwner&) = delete;

  [[nodiscard]] void* context() const noexcept { return context_; }
  [[nodiscard]] const std::shared_ptr<const void>& plugin_keepalive() const noexcept {
    return plugin_keepalive_;
  }

 private:
  std::shared_ptr<const void> plugin_keepalive_;
  void* plugin_;
  void (*destroy_)(void*, void*);
  void* context_;
};

struct Bound {
  void* plugin;
  std::shared_ptr<const ThreadContextOwner> owner;
};

// A context bound earlier for the same plugin instance, if any.
std::shared_ptr<const ThreadContextOwner> find_owner(const std::vector<Bound>& bound,
                                                     const void* plugin) {
  for (const Bound& entry : bound)
    if (entry.plugin == plugin) return entry.owner;
  return nullptr;
}

std::vector<Bound> owners_of(const FactoryList& previous) {
  std::vector<Bound> out;
  for (const auto& factory : previous) {
    if (factory->thread_context == nullptr) continue;
    out.push_back(
        {factory->plugin, std::static_pointer_cast<const ThreadContextOwner>(factory->keepalive)});
  }
  return out;
}

}  // namespace

ThreadBinding bind_thread_contexts(const FactoryList& factories, std::uint32_t thread_index,
                                   std::uint32_t thread_count, const FactoryList& previous) {
  ThreadBinding result;
  const std::vector<Bound> reusable = owners_of(previous);
  std::vector<Bound> bound;
  std::vector<const void*> failed;
  for (const auto& factory : factories) {
    if (factory->thread_create == nullptr || factory->thread_destroy == nullptr) {
      result.factories.push_back(factory);
      continue;
    }
    std::shared_ptr<const ThreadContextOwner> owner = find_owner(bound, factory->plugin);
    if (!owner) owner = find_owner(reusable, factory->plugin);
    bool already_failed = false;
    for (const void* plugin : failed) already_failed = already_failed || plugin == factory->plugin;
    if (!owner && !already_failed) {
      wsx_thread_info info{};
      info.struct_size = sizeof info;
      info.thread_index = thread_index;
      info.thread_count = thread_count;
      ByteBuffer message;
      wsx_error error = make_error(message);
      void* context = nullptr;
      const int status =
          static_cast<int>(factory->thread_create(factory->plugin, &info, &context, &error));
      if (status == WSX_OK && context != nullptr) {
        owner = std::make_shared<const ThreadContextOwner>(factory->keepalive, *factory, context);
      } else if (status != WSX_OK) {
        failed.push_back(factory->plugin);
        result.problems.push_back("plugin " + factory->plugin_name +
                                  ": thread_create for I/O thread " + std::to_string(thread_index) +
                                  " failed (" + plugin_message(message, "no reason given") +
                                  "); its connections on this thread run without a context");
      }
    }
    if (!owner) {
      result.factories.push_back(factory);
      continue;
    }
    bound.push_back({factory->plugin, owner});
    auto copy = std::make_shared<ExtensionFactory>(*factory);
    copy->thread_context = owner->context();
    copy->keepalive = owner;
    result.factories.push_back(std::move(copy));
  }
  return result;
}

}  // namespace wsx::core
