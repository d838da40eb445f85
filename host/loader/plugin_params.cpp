#include "plugin_params.hpp"

#include <algorithm>
#include <string_view>
#include <variant>

#include "plugin_error.hpp"
#include "plugin_manifest.hpp"

namespace wsx::loader {

namespace {

std::int32_t type_of(const config::PluginParamValue& value) noexcept {
  if (std::holds_alternative<std::string>(value)) return WSX_PARAM_STRING;
  if (std::holds_alternative<std::int64_t>(value)) return WSX_PARAM_INTEGER;
  return WSX_PARAM_BOOLEAN;
}

std::string shown(const config::PluginParamValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return "\"" + *text + "\"";
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return std::to_string(*integer);
  return std::get<bool>(value) ? "true" : "false";
}

// How to write a value of `type` in TOML, for the fix in a message. ABI 1
// declares no range, so an integer example uses the number the user wrote
// when it was one in quotes ("15" -> 15), never an invented one.
std::string example(std::string_view key, std::int32_t type,
                    const config::PluginParamValue& given) {
  switch (type) {
    case WSX_PARAM_STRING:
      return std::string(key) + " = \"" +
             (std::holds_alternative<std::string>(given) ? "..." : shown(given)) + "\"";
    case WSX_PARAM_INTEGER: {
      if (const auto* text = std::get_if<std::string>(&given)) {
        const bool digits =
            !text->empty() && text->size() < 19 &&
            std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; });
        if (digits) return std::string(key) + " = " + *text + " (no quotes)";
      }
      return std::string(key) +
             " = <integer> (a number without quotes; the plugin's README gives "
             "its range)";
    }
    default:
      return std::string(key) + " = true (or false, no quotes)";
  }
}

std::string with_article(std::int32_t type) {
  const std::string name = param_type_name(type);
  return (type == WSX_PARAM_INTEGER ? "an " : "a ") + name;
}

std::string accepted_list(std::span<const wsx_param_spec> specs) {
  if (specs.empty()) return "this plugin accepts no parameters; remove its params table";
  std::string out = "accepted: ";
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (i != 0) out += ", ";
    out += std::string(specs[i].name) + " (" + param_type_name(specs[i].type) + ")";
  }
  return out;
}

}  // namespace

std::vector<wsx_config_param> check_params(std::span<const config::PluginParam> params,
                                           std::span<const wsx_param_spec> specs,
                                           const std::string& who) {
  std::vector<wsx_config_param> out;
  out.reserve(params.size());
  for (const config::PluginParam& param : params) {
    const std::string where = param.where.to_string() + ": " + who;
    const auto spec = std::find_if(specs.begin(), specs.end(),
                                   [&](const wsx_param_spec& s) { return param.key == s.name; });
    if (spec == specs.end()) {
      throw PluginError(where + ": unknown parameter \"" + param.key + "\"; " +
                        accepted_list(specs));
    }
    const std::int32_t type = type_of(param.value);
    if (type != spec->type) {
      throw PluginError(where + ": parameter \"" + param.key + "\" must be " +
                        with_article(spec->type) + ", got " + with_article(type) + " (" +
                        shown(param.value) + "); write " +
                        example(param.key, spec->type, param.value));
    }
    wsx_config_param c{};
    c.key = {param.key.data(), param.key.size()};
    c.type = type;
    if (const auto* text = std::get_if<std::string>(&param.value)) {
      c.string_value = {text->data(), text->size()};
    } else if (const auto* integer = std::get_if<std::int64_t>(&param.value)) {
      c.integer_value = *integer;
    } else {
      c.boolean_value = std::get<bool>(param.value) ? 1 : 0;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace wsx::loader
