// [server.proxy] extensions resolved against the loaded client factories.
#include <gtest/gtest.h>

#include <memory>

#include "app/proxy_upstream_factories.hpp"
#include "config/config_error.hpp"

namespace wsx::app {
namespace {

std::shared_ptr<const core::ExtensionFactory> factory(std::string token, std::string plugin) {
  auto made = std::make_shared<core::ExtensionFactory>();
  made->token = std::move(token);
  made->plugin_name = std::move(plugin);
  return made;
}

config::Proxy proxy_offering(std::vector<std::string> names) {
  config::Proxy proxy;
  proxy.extensions = std::move(names);
  for (std::uint32_t i = 0; i < proxy.extensions.size(); ++i)
    proxy.extension_positions.push_back({"wsx.toml", 7, 15 + 24 * i});
  return proxy;
}

TEST(ProxyUpstreamFactoriesTest, PicksTheListedTokensInTheListedOrder) {
  const core::FactoryList loaded{factory("permessage-deflate", "pmd"), factory("x-a", "a"),
                                 factory("x-b", "b")};
  const auto chosen =
      upstream_offer_factories(proxy_offering({"X-B", "permessage-deflate"}), loaded);
  ASSERT_EQ(chosen.size(), 2u);
  EXPECT_EQ(chosen[0], loaded[2]);
  EXPECT_EQ(chosen[1], loaded[0]);
  EXPECT_TRUE(upstream_offer_factories(proxy_offering({}), loaded).empty());
}

TEST(ProxyUpstreamFactoriesTest, AnUnloadedNameIsAConfigErrorAtItsPosition) {
  const core::FactoryList loaded{factory("permessage-deflate", "pmd")};
  try {
    (void)upstream_offer_factories(proxy_offering({"permessage-deflate", "x-snappy"}), loaded);
    FAIL() << "accepted an extension no plugin provides";
  } catch (const config::ConfigError& error) {
    const std::string what = error.what();
    EXPECT_EQ(what.rfind("wsx.toml:7:39: server.proxy.extensions[1]: no loaded plugin provides "
                         "\"x-snappy\"",
                         0),
              0u)
        << what;
    EXPECT_NE(what.find("loaded client extensions: permessage-deflate (pmd)"), std::string::npos)
        << what;
  }
  try {
    (void)upstream_offer_factories(proxy_offering({"permessage-deflate"}), {});
    FAIL() << "accepted an extension with no plugins loaded";
  } catch (const config::ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("use extensions = []"), std::string::npos);
  }
}

}  // namespace
}  // namespace wsx::app
