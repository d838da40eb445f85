// A host for the plugin's unit tests: real host buffers (wsx::core), a log
// that keeps its lines, and RAII wrappers that drive the plugin through its
// C ABI exactly as the host does.
#pragma once

#include <wsx/extension.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/extensions/byte_buffer.hpp"
#include "core/extensions/extension_params.hpp"
#include "permessage_deflate/per_message_deflate.hpp"
#include "permessage_deflate/plugin.hpp"

namespace wsx::pmd::test {

using Bytes = std::vector<std::uint8_t>;

Bytes bytes(std::string_view text);
Bytes hex(std::string_view text);  // "f2 48 cd"
std::string text(const Bytes& data);

// Host services (wsx::core's buffers) with a log that remembers every line.
class TestHost {
 public:
  TestHost();
  TestHost(const TestHost&) = delete;
  TestHost& operator=(const TestHost&) = delete;

  [[nodiscard]] const wsx_host_api* api() const noexcept { return &api_; }
  [[nodiscard]] std::vector<std::string> log_lines(wsx_log_level level) const;
  [[nodiscard]] bool logged(wsx_log_level level, std::string_view part) const;

 private:
  static void log(void* context, std::int32_t level, wsx_str message);

  wsx_host_api api_{};
  mutable std::mutex mutex_;
  std::vector<std::pair<std::int32_t, std::string>> lines_;
};

// One [plugin.params] entry.
struct ConfigValue {
  std::string key;
  std::variant<std::int64_t, bool, std::string> value;
};

// A created plugin instance, destroyed with this object.
class TestPlugin {
 public:
  explicit TestPlugin(const std::vector<ConfigValue>& config = {});
  ~TestPlugin();
  TestPlugin(const TestPlugin&) = delete;
  TestPlugin& operator=(const TestPlugin&) = delete;

  // create() result for a config that must fail: the error message.
  static std::optional<std::string> create_error(const std::vector<ConfigValue>& config);

  [[nodiscard]] const wsx_extension_def& def() const noexcept { return *def_; }
  [[nodiscard]] const wsx_plugin_descriptor& descriptor() const noexcept { return *descriptor_; }
  [[nodiscard]] Plugin& plugin() noexcept { return *static_cast<Plugin*>(instance_); }
  [[nodiscard]] void* instance() noexcept { return instance_; }
  [[nodiscard]] TestHost& host() noexcept { return host_; }

 private:
  TestHost host_;
  const wsx_plugin_descriptor* descriptor_ = nullptr;
  const wsx_extension_def* def_ = nullptr;
  void* instance_ = nullptr;
};

// A thread context (ABI rule 7) made by the plugin's thread_create, as the
// host makes one per I/O thread, destroyed with this object. Declare it
// before the extensions made with it: they must die first.
class TestThreadContext {
 public:
  explicit TestThreadContext(TestPlugin& plugin, std::uint32_t index = 0, std::uint32_t count = 1);
  ~TestThreadContext();
  TestThreadContext(const TestThreadContext&) = delete;
  TestThreadContext& operator=(const TestThreadContext&) = delete;

  // What thread_create returned (NULL: no context).
  [[nodiscard]] void* get() const noexcept { return context_; }

 private:
  TestPlugin& plugin_;
  void* context_ = nullptr;
};

// An extension made by a factory, destroyed with this object.
class TestExtension {
 public:
  TestExtension(const wsx_extension_def& def, void* extension) noexcept
      : def_(&def), extension_(extension) {}
  ~TestExtension();
  TestExtension(TestExtension&& other) noexcept;
  TestExtension(const TestExtension&) = delete;
  TestExtension& operator=(const TestExtension&) = delete;
  TestExtension& operator=(TestExtension&& other) noexcept;

  [[nodiscard]] PerMessageDeflate& get() noexcept {
    return *static_cast<PerMessageDeflate*>(extension_);
  }
  [[nodiscard]] const wsx_extension_def& def() const noexcept { return *def_; }
  [[nodiscard]] void* handle() noexcept { return extension_; }

 private:
  const wsx_extension_def* def_;
  void* extension_;
};

// A parameter as written in a header: "name" or "name=value".
core::ExtensionParam param(std::string_view text);
// "a; b=1" -> params (no quoting: test input only).
std::vector<core::ExtensionParam> params(std::string_view text);
std::string to_string(const std::vector<core::ExtensionParam>& params);

struct Accepted {
  std::string token;
  std::uint8_t rsv_bits = 0;
};

struct Negotiation {
  wsx_status status = WSX_FAIL;
  std::string message;
  std::vector<core::ExtensionParam> response;
  std::optional<TestExtension> extension;
};

// One client offer through the server factory, as the host makes it.
// `thread_context` goes into wsx_server_offer.thread_context; `offer_size`
// (if not 0) is the struct_size the host claims, e.g. that of a host older
// than the field.
Negotiation server_negotiate(TestPlugin& plugin, std::string_view offer,
                             const std::vector<Accepted>& accepted = {},
                             void* thread_context = nullptr, std::size_t offer_size = 0);
// The client factory's offer.
struct ClientOffer {
  wsx_status status = WSX_FAIL;
  std::string message;
  std::vector<core::ExtensionParam> params;
};
ClientOffer client_offer(TestPlugin& plugin);
// A server response through the client factory.
Negotiation client_accept(TestPlugin& plugin, std::string_view response,
                          const std::vector<Accepted>& accepted = {},
                          void* thread_context = nullptr);

// A frame as given to encode/decode.
struct Frame {
  std::uint8_t opcode = WSX_OPCODE_TEXT;
  bool fin = true;
  std::uint8_t rsv = 0;
  Bytes payload;
};

// What encode/decode produced. For WSX_UNCHANGED the payload is the input's,
// as the host forwards it.
struct Result {
  wsx_status status = WSX_FAIL;
  Frame frame;
  std::uint32_t close_code = 0;
  std::string message;
  std::size_t buffer_capacity = 0;
};

Result encode(TestExtension& extension, const Frame& frame);
Result decode(TestExtension& extension, const Frame& frame,
              std::uint64_t max_payload_size = UINT64_MAX);

// A server/client pair negotiated from the client's offer, for round trips.
struct Pair {
  std::optional<TestExtension> server;
  std::optional<TestExtension> client;
};
// `server_context`: the server's thread context (e.g. its compressor pool).
Pair negotiate_pair(TestPlugin& server_plugin, TestPlugin& client_plugin,
                    void* server_context = nullptr);

// Raw DEFLATE helpers built on zlib directly, to produce and check data
// independently of the plugin.
Bytes raw_inflate(const Bytes& data, int window_bits, int* status = nullptr);

}  // namespace wsx::pmd::test
