// Params: what wsx-host hands create() from [plugin.params].
#include <algorithm>

#include "checks.hpp"

namespace wsx::plugin_check {

namespace wt = sdk::testing;

namespace {

// Creates an instance with `params`; the error text, or nullopt on success.
std::optional<std::string> create_error(const std::string& path,
                                        const std::vector<wt::Param>& params) {
  try {
    (void)wt::Plugin::load(path, params);
    return std::nullopt;
  } catch (const std::runtime_error& error) {
    return std::string(error.what());
  }
}

std::optional<wt::Param> given(const Target& target, std::string_view key) {
  for (const wt::Param& param : target.params) {
    if (param.key == key) return param;
  }
  return std::nullopt;
}

// A value of another type than `type`, for the wrong-type check.
wt::Param wrong_type(const char* key, std::int32_t type) {
  if (type == WSX_PARAM_STRING) return {key, std::int64_t{1}};
  if (type == WSX_PARAM_INTEGER) return {key, "1"};
  return {key, "true"};
}

}  // namespace

void check_params(const Target& target, Report& report) {
  const std::optional<std::string> plain = create_error(target.path, {});
  report.expect(!plain, "params: created with no params (every param has a default)",
                plain.value_or(""),
                "give every param a default: wsx-host creates the plugin with none when the "
                "config has no [plugin.params]");
  if (!target.params.empty()) {
    const std::optional<std::string> with = create_error(target.path, target.params);
    report.expect(!with, "params: created with the --params values", with.value_or(""),
                  "accept the values of the params file, or correct the file");
  }

  const wt::Plugin plugin = wt::Plugin::load(target.path, target.params);
  const wsx_plugin_descriptor& descriptor = plugin.descriptor();
  for (std::size_t i = 0; i < descriptor.param_count; ++i) {
    const wsx_param_spec& spec = descriptor.params[i];
    const std::string name = std::string("params: \"") + spec.name + "\"";
    std::vector<wt::Param> candidates;
    if (const auto value = given(target, spec.name)) {
      candidates.push_back(*value);
    } else if (spec.type == WSX_PARAM_BOOLEAN) {
      candidates = {{spec.name, true}, {spec.name, false}};
    }
    if (candidates.empty()) {
      report.info(name + " accepts a valid value",
                  "ABI 1 declares no range or default to try; give a value with --params");
    }
    for (const wt::Param& candidate : candidates) {
      const std::optional<std::string> error = create_error(target.path, {candidate});
      report.expect(!error, name + " accepts a valid value", error.value_or(""),
                    "accept every value your README documents");
    }
    const std::optional<std::string> refused =
        create_error(target.path, {wrong_type(spec.name, spec.type)});
    report.expect(refused && refused->find("create() failed: ") != std::string::npos &&
                      refused->size() > std::string("create() failed: ").size(),
                  name + " of the wrong type refused with a message",
                  refused ? "refused without a message" : "accepted",
                  "check each param's type in create() and write why into error->message");
  }
  const std::optional<std::string> unknown =
      create_error(target.path, {{"x_wsx_check_unknown", std::int64_t{1}}});
  report.expect(unknown.has_value(), "params: an unknown key is refused with a message", "accepted",
                "refuse keys you do not declare, naming the ones you accept");
}

}  // namespace wsx::plugin_check
