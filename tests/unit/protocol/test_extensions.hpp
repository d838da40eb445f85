// In-process extensions for the chain tests: plain wsx_extension_def structs
// whose behaviour each test configures, built like a plugin would build them
// (output only through the host's buffer services).
#pragma once

#include <wsx/extension.h>

#include <memory>
#include <string>
#include <vector>

#include "core/extensions/extension_chain.hpp"

namespace wsx::core::test {

enum class Behaviour {
  // encode appends `tag` and sets `rsv` on the frame; decode requires `rsv`
  // (else leaves the frame alone), strips the trailing `tag` and clears `rsv`.
  tag,
  // returns WSX_UNCHANGED, optionally toggling header bits (see below).
  unchanged,
  // returns WSX_FAIL with fail_code and fail_message.
  fail,
  // returns a status that is not in wsx_status.
  bogus_status,
  // decode writes 2x the input (a toy decompressor), honouring the limit.
  expand,
  // turns every frame into a Ping (which the host must refuse).
  change_kind
};

struct TestExtension {
  std::string name;
  Behaviour behaviour = Behaviour::unchanged;
  char tag = '?';
  std::uint8_t rsv = 0;
  std::uint32_t fail_code = WSX_CLOSE_INTERNAL_ERROR;
  std::string fail_message;
  // For `unchanged`: RSV bits to clear on decode / set on encode.
  std::uint8_t clear_rsv_on_decode = 0;
  std::uint8_t set_rsv_on_encode = 0;

  // Observations, shared by all extensions of a test.
  std::vector<std::string>* calls = nullptr;
  const std::uint8_t* last_input = nullptr;
  std::uint64_t last_max_payload = 0;
  int destroyed = 0;
};

// The host services a plugin would receive (buffer functions only).
const wsx_host_api& test_host_api();

// A factory for `token` owning `rsv_bits`, whose hooks implement `behaviour`.
std::shared_ptr<const ExtensionFactory> make_test_factory(const std::string& token,
                                                          std::uint8_t rsv_bits,
                                                          Behaviour behaviour);

// An Extension owning (for the chain) a pointer to `state` (the test keeps
// `state` alive; destroy_extension only counts).
Extension make_test_extension(TestExtension& state, std::vector<ExtensionParam> params = {});

}  // namespace wsx::core::test
