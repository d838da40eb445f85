#include "config.hpp"

#include <optional>
#include <string_view>

#include "byte_size.hpp"

namespace wsx::pmd {
namespace {

std::string_view view(wsx_str text) noexcept {
  return text.size == 0 ? std::string_view{} : std::string_view{text.data, text.size};
}

std::string type_name(std::int32_t type) {
  switch (type) {
    case WSX_PARAM_STRING:
      return "a string";
    case WSX_PARAM_INTEGER:
      return "an integer";
    case WSX_PARAM_BOOLEAN:
      return "a boolean";
    default:
      return "a value of unknown type";
  }
}

// Applies one parameter to `config`; returns an error message or nullopt.
class ConfigBuilder {
 public:
  std::optional<std::string> apply(const wsx_config_param& param) {
    const std::string_view key = view(param.key);
    if (key == "server_max_window_bits")
      return integer(param, 8, 15, config_.server_max_window_bits);
    if (key == "client_max_window_bits")
      return integer(param, 8, 15, config_.client_max_window_bits);
    if (key == "server_no_context_takeover")
      return boolean(param, config_.server_no_context_takeover);
    if (key == "client_no_context_takeover")
      return boolean(param, config_.client_no_context_takeover);
    if (key == "require_client_max_window_bits")
      return boolean(param, config_.require_client_max_window_bits);
    if (key == "keep_compression_context") return boolean(param, config_.keep_compression_context);
    if (key == "compress_window_bits") return integer(param, 8, 15, config_.compress_window_bits);
    if (key == "compress_level") return integer(param, 0, 9, config_.compress_level);
    if (key == "mem_level") return integer(param, 1, 9, config_.mem_level);
    if (key == "min_size") return size(param);
    if (key == "skip_incompressible") return boolean(param, config_.skip_incompressible);
    if (key == "max_memory") return memory(param);
    // The host rejects undeclared keys before create(); a host that does not
    // still gets a clear answer.
    return "unknown parameter \"" + std::string(key) + "\"";
  }

  [[nodiscard]] const DeflateConfig& config() const noexcept { return config_; }

 private:
  static std::string wrong_type(const wsx_config_param& param, std::string_view expected) {
    return std::string(view(param.key)) + " must be " + std::string(expected) + ", not " +
           type_name(param.type);
  }

  static std::optional<std::string> integer(const wsx_config_param& param, int low, int high,
                                            int& field) {
    if (param.type != WSX_PARAM_INTEGER) return wrong_type(param, "an integer");
    if (param.integer_value < low || param.integer_value > high) {
      return std::string(view(param.key)) + " = " + std::to_string(param.integer_value) +
             " is out of range: use an integer from " + std::to_string(low) + " to " +
             std::to_string(high);
    }
    field = static_cast<int>(param.integer_value);
    return std::nullopt;
  }

  static std::optional<std::string> boolean(const wsx_config_param& param, bool& field) {
    if (param.type != WSX_PARAM_BOOLEAN) return wrong_type(param, "a boolean");
    field = param.boolean_value != 0;
    return std::nullopt;
  }

  std::optional<std::string> size(const wsx_config_param& param) {
    if (param.type != WSX_PARAM_INTEGER) return wrong_type(param, "an integer");
    if (param.integer_value < 0) {
      return "min_size = " + std::to_string(param.integer_value) +
             " is out of range: use a number of bytes from 0 up";
    }
    config_.min_size = static_cast<std::uint64_t>(param.integer_value);
    return std::nullopt;
  }

  // A string with a unit, as declared (the host refuses other TOML types
  // before create, and so must the plugin under any other host).
  std::optional<std::string> memory(const wsx_config_param& param) {
    if (param.type != WSX_PARAM_STRING) return wrong_type(param, "a string");
    const std::optional<std::uint64_t> bytes = parse_byte_size(view(param.string_value));
    if (!bytes) {
      return "max_memory = \"" + std::string(view(param.string_value)) +
             "\" is not a size: use bytes or a number with B, KiB, MiB, GiB, KB, MB, GB "
             "(e.g. \"256 MiB\"), or \"0\" for unlimited";
    }
    config_.max_memory = *bytes;
    return std::nullopt;
  }

  DeflateConfig config_;
};

}  // namespace

std::variant<DeflateConfig, ConfigError> parse_config(std::span<const wsx_config_param> params) {
  ConfigBuilder builder;
  for (const wsx_config_param& param : params) {
    if (std::optional<std::string> error = builder.apply(param)) return ConfigError{*error};
  }
  return builder.config();
}

}  // namespace wsx::pmd
