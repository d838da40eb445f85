// Per-thread plugin contexts (wsx/extension.h rule 7) through the real
// loader: an old plugin still loads without them, a half-declared pair is
// refused, and a plugin with them gets one context per thread, reused on a
// rebind and destroyed once.
#include <gtest/gtest.h>

#include "core/extensions/thread_contexts.hpp"
#include "loader/loaded_plugin.hpp"
#include "loader/plugin_error.hpp"
#include "loader/plugin_set.hpp"
#include "test_support.hpp"

namespace wsx::loader {
namespace {

std::size_t count(const test::RecordingLog& log, std::string_view text) {
  std::size_t n = 0;
  for (const std::string& line : log.lines()) n += line.find(text) != std::string::npos ? 1 : 0;
  return n;
}

std::shared_ptr<const LoadedPlugin> load(const char* file, const Logger& logger) {
  PluginLoadRequest request;
  request.file = file;
  return LoadedPlugin::load(request, logger);
}

TEST(ThreadContexts, PluginBuiltAgainstTheV1HeaderLoadsAndBindsWithoutAContext) {
  test::RecordingLog log;
  const auto plugin = load(WSX_TEST_PLUGIN_PASS_V1, log.logger());
  EXPECT_EQ(plugin->descriptor().thread_create, nullptr);
  const core::FactoryList factories = make_factories(plugin, WSX_ROLE_SERVER);
  const core::ThreadBinding bound = core::bind_thread_contexts(factories, 0, 2);
  ASSERT_EQ(bound.factories.size(), 1u);
  EXPECT_EQ(bound.factories[0], factories[0]);  // shared, not copied
  EXPECT_EQ(bound.factories[0]->thread_context, nullptr);
  EXPECT_TRUE(bound.problems.empty());
}

TEST(ThreadContexts, ThreadCreateWithoutThreadDestroyIsRefused) {
  test::RecordingLog log;
  try {
    (void)load(WSX_TEST_PLUGIN_THREAD_CREATE_ONLY, log.logger());
    ADD_FAILURE() << "loaded";
  } catch (const PluginError& error) {
    test::expect_contains(error.what(), "sets thread_create without thread_destroy");
  }
}

TEST(ThreadContexts, OneContextPerThreadReusedOnRebindAndDestroyedOnce) {
  test::RecordingLog log;
  {
    const auto plugin = load(WSX_TEST_PLUGIN_THREAD_CONTEXT, log.logger());
    const core::FactoryList factories = make_factories(plugin, WSX_ROLE_SERVER);
    const core::ThreadBinding first = core::bind_thread_contexts(factories, 0, 2);
    const core::ThreadBinding second = core::bind_thread_contexts(factories, 1, 2);
    ASSERT_NE(first.factories[0]->thread_context, nullptr);
    ASSERT_NE(second.factories[0]->thread_context, nullptr);
    EXPECT_NE(first.factories[0]->thread_context, second.factories[0]->thread_context);
    const core::ThreadBinding again = core::bind_thread_contexts(factories, 0, 2, first.factories);
    EXPECT_EQ(again.factories[0]->thread_context, first.factories[0]->thread_context);
    EXPECT_EQ(count(log, "created"), 2u);
    EXPECT_EQ(count(log, "destroyed"), 0u);
  }
  EXPECT_EQ(count(log, "destroyed"), 2u);
}

}  // namespace
}  // namespace wsx::loader
