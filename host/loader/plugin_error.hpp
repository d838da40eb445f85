// The one error type of host/plugins. Its message names the plugin file (and
// the config position that asked for it), says what is wrong and how to fix
// it: a refused plugin must never be a mystery (DESIGN.md, ABI rule 1).
#pragma once

#include <stdexcept>
#include <string>

namespace wsx::loader {

class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace wsx::loader
