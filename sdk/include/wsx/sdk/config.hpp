// wsx/sdk/config.hpp -- a plugin's [plugin.params] TOML table: declaring the
// keys (ParamSpec) and reading them typed (Params, CreateArgs).
// Part of wsx/extension.hpp; include that.
#pragma once

#include <wsx/extension.h>
#include <wsx/sdk/c_interop.hpp>
#include <wsx/sdk/host.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace wsx::sdk {

/// Declares one key a plugin accepts in its [plugin.params] TOML table:
/// `{.name = "shift", .type = WSX_PARAM_INTEGER, .description = "..."}`.
/// The host rejects undeclared keys and wrong TOML types before create.
using ParamSpec = wsx_param_spec;

/// Thrown by Params for a value the plugin cannot use. Thrown from a plugin
/// constructor, it fails create with its message (and the host names the
/// config file).
class ConfigError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Inclusive bounds for Params::integer.
struct IntegerRange {
  /// Smallest accepted value.
  std::int64_t min;
  /// Largest accepted value.
  std::int64_t max;
};

/// Typed, read-only access to the plugin's [plugin.params] table
/// (a borrowed list of wsx_config_param, valid during the constructor only:
/// copy what you keep).
///
/// Accessors return std::nullopt (or the fallback) for an absent key and
/// throw ConfigError for a present key of another type or out of range.
class Params {
 public:
  /// An empty table.
  Params() noexcept = default;

  /// Views `items` (borrowed).
  explicit Params(std::span<const wsx_config_param> items) noexcept : items_(items) {}

  /// Number of keys given.
  [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }

  /// True if no key was given.
  [[nodiscard]] bool empty() const noexcept { return items_.empty(); }

  /// True if `key` was given.
  [[nodiscard]] bool contains(std::string_view key) const noexcept { return find(key) != nullptr; }

  /// The integer value of `key`, if given.
  [[nodiscard]] std::optional<std::int64_t> integer(std::string_view key) const {
    const wsx_config_param* item = find_typed(key, WSX_PARAM_INTEGER);
    return item == nullptr ? std::nullopt : std::optional{item->integer_value};
  }

  /// The integer value of `key`, or `fallback` if not given.
  [[nodiscard]] std::int64_t integer(std::string_view key, std::int64_t fallback) const {
    return integer(key).value_or(fallback);
  }

  /// The integer value of `key`, or `fallback` if not given; throws
  /// ConfigError if a given value lies outside `range`.
  [[nodiscard]] std::int64_t integer(std::string_view key, std::int64_t fallback,
                                     IntegerRange range) const {
    const std::optional<std::int64_t> value = integer(key);
    if (!value) return fallback;
    if (*value < range.min || *value > range.max) {
      throw ConfigError("parameter '" + std::string(key) + "' = " + std::to_string(*value) +
                        " is out of range [" + std::to_string(range.min) + ", " +
                        std::to_string(range.max) + "]");
    }
    return *value;
  }

  /// The boolean value of `key`, if given.
  [[nodiscard]] std::optional<bool> boolean(std::string_view key) const {
    const wsx_config_param* item = find_typed(key, WSX_PARAM_BOOLEAN);
    return item == nullptr ? std::nullopt : std::optional{item->boolean_value != 0};
  }

  /// The boolean value of `key`, or `fallback` if not given.
  [[nodiscard]] bool boolean(std::string_view key, bool fallback) const {
    return boolean(key).value_or(fallback);
  }

  /// The string value of `key`, if given. Borrowed: copy it to keep it.
  [[nodiscard]] std::optional<std::string_view> string(std::string_view key) const {
    const wsx_config_param* item = find_typed(key, WSX_PARAM_STRING);
    return item == nullptr ? std::nullopt : std::optional{detail::view(item->string_value)};
  }

  /// The string value of `key`, or `fallback` if not given. Borrowed.
  [[nodiscard]] std::string_view string(std::string_view key, std::string_view fallback) const {
    return string(key).value_or(fallback);
  }

  /// The raw list.
  [[nodiscard]] std::span<const wsx_config_param> raw() const noexcept { return items_; }

 private:
  [[nodiscard]] const wsx_config_param* find(std::string_view key) const noexcept {
    for (const wsx_config_param& item : items_) {
      if (detail::view(item.key) == key) return &item;
    }
    return nullptr;
  }

  // The host type-checks against the specs already; checking again keeps a
  // buggy or older host from making us read the wrong union member.
  [[nodiscard]] const wsx_config_param* find_typed(std::string_view key,
                                                   wsx_param_type type) const {
    const wsx_config_param* item = find(key);
    if (item != nullptr && item->type != type) {
      throw ConfigError("parameter '" + std::string(key) + "' must be " + type_name(type));
    }
    return item;
  }

  [[nodiscard]] static const char* type_name(wsx_param_type type) noexcept {
    switch (type) {
      case WSX_PARAM_STRING:
        return "a string";
      case WSX_PARAM_INTEGER:
        return "an integer";
      case WSX_PARAM_BOOLEAN:
        return "a boolean";
    }
    return "of another type";
  }

  std::span<const wsx_config_param> items_;
};

/// What a plugin constructor receives (wsx_plugin_create_args, read per ABI
/// rule 2). Everything is borrowed for the constructor call, except host(),
/// which stays valid for the lifetime of the plugin instance.
class CreateArgs {
 public:
  /// Views `raw` (already size-normalised) with the instance's `host`.
  CreateArgs(const wsx_plugin_create_args& raw, const Host& host) noexcept
      : params_({raw.params, raw.params == nullptr ? 0 : raw.param_count}),
        host_(&host),
        config_path_(detail::view(raw.config_path)) {}

  /// The [plugin.params] table, checked by the host against the plugin's specs.
  [[nodiscard]] const Params& params() const noexcept { return params_; }

  /// Host services; the reference stays valid until the instance is destroyed.
  [[nodiscard]] const Host& host() const noexcept { return *host_; }

  /// The config file this instance comes from, for messages.
  [[nodiscard]] std::string_view config_path() const noexcept { return config_path_; }

 private:
  Params params_;
  const Host* host_;
  std::string_view config_path_;
};

}  // namespace wsx::sdk
