// Plugins that must NOT compile: ctest builds this file once per WSX_CASE and
// expects the compiler to refuse it with the SDK's own static_assert message
// (PASS_REGULAR_EXPRESSION), so the checks in extension.hpp are proven to fire.
#include <wsx/extension.hpp>

#include <memory>
#include <tuple>

namespace sdk = wsx::sdk;

class Nothing final : public sdk::Extension {
 public:
  sdk::FrameResult encode(const sdk::Frame&, sdk::FrameOut&) override {
    return sdk::FrameResult::unchanged();
  }
  sdk::FrameResult decode(const sdk::Frame&, sdk::FrameOut&, std::uint64_t) override {
    return sdk::FrameResult::unchanged();
  }
};

#if WSX_CASE == 1
#define TOKEN "x bad token"  // a space is not a tchar
#else
#define TOKEN "x-good"
#endif

class Factory {
 public:
  static constexpr sdk::ExtensionInfo info{.token = TOKEN, .roles = WSX_ROLE_SERVER};
#if WSX_CASE == 2
  // Not const: the host calls factories from several threads at once.
  sdk::Negotiation negotiate(const sdk::ServerOffer&){
#else
  sdk::Negotiation negotiate(const sdk::ServerOffer&) const {
#endif
      return sdk::Negotiation::accept(std::make_unique<Nothing>());
}
}
;

class Other {
 public:
  static constexpr sdk::ExtensionInfo info{.token = "X-GOOD", .roles = WSX_ROLE_SERVER};
  sdk::Negotiation negotiate(const sdk::ServerOffer&) const {
    return sdk::Negotiation::decline("no");
  }
};

class Plugin {
 public:
  static constexpr sdk::PluginInfo info{.name = "bad", .version = "0"};
#if WSX_CASE == 3
  static constexpr sdk::ParamSpec params[]{
      {.name = "a", .type = WSX_PARAM_STRING, .description = nullptr},
      {.name = "a", .type = WSX_PARAM_INTEGER, .description = nullptr}};
#endif
#if WSX_CASE == 4
  auto factories() const {
    return std::tuple<Factory>(factory_);
  }  // copies, not references
#elif WSX_CASE == 5
  auto factories() const {
    return std::tie(factory_, other_);
  }  // same token, other case
#else
  auto factories() const {
    return std::tie(factory_);
  }
#endif

 private:
  Factory factory_;
#if WSX_CASE == 5
  Other other_;
#endif
};

WSX_EXPORT_PLUGIN(Plugin);
