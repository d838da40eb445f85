// A small, self-contained host for SDK tests: implements wsx_host_api over
// std containers and drives a plugin through the C ABI exactly as the real
// host does (struct_size set, error preset, host-owned output buffers). It is
// independent of host/core on purpose: the SDK tests check the contract of
// wsx/extension.h, not the host's implementation of it.
#pragma once

#include <wsx/extension.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The ABI declares these opaque; this test host defines them.
struct wsx_buffer {
  std::vector<std::uint8_t> storage;
  std::size_t size = 0;
  // Makes every reserve fail, to test out-of-memory handling.
  bool refuse_memory = false;

  [[nodiscard]] std::string text() const {
    return {reinterpret_cast<const char*>(storage.data()), size};
  }
  [[nodiscard]] std::vector<std::uint8_t> bytes() const {
    return {storage.begin(), storage.begin() + static_cast<std::ptrdiff_t>(size)};
  }
};

struct wsx_params_out {
  std::vector<std::pair<std::string, std::optional<std::string>>> params;
};

namespace wsx::test {

inline std::string_view view(wsx_str text) {
  return text.data == nullptr ? std::string_view{} : std::string_view{text.data, text.size};
}

inline bool is_token(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && std::string_view{"!#$%&'*+-.^_`|~"}.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// The service table plus what plugins logged through it.
class HostDouble {
 public:
  HostDouble() {
    api_.struct_size = sizeof(wsx_host_api);
    api_.buffer_reserve = &reserve;
    api_.buffer_commit = &commit;
    api_.buffer_size = &size;
    api_.buffer_append = &append;
    api_.params_add = &params_add;
    api_.log = &log;
    api_.log_context = this;
  }
  HostDouble(const HostDouble&) = delete;
  HostDouble& operator=(const HostDouble&) = delete;

  [[nodiscard]] const wsx_host_api* api() const { return &api_; }

  [[nodiscard]] wsx_host_info info(std::uint32_t abi_min, std::uint32_t abi_max) const {
    wsx_host_info info{};
    info.struct_size = sizeof(wsx_host_info);
    info.abi_min = abi_min;
    info.abi_max = abi_max;
    info.api = &api_;
    info.host_version = {"test", 4};
    return info;
  }

  std::vector<std::pair<std::int32_t, std::string>> logs;

 private:
  static std::uint8_t* reserve(wsx_buffer* buffer, std::size_t min_bytes, std::size_t* available) {
    if (buffer->refuse_memory) return nullptr;
    if (buffer->storage.size() < buffer->size + min_bytes) {
      buffer->storage.resize(buffer->size + min_bytes);
    }
    if (available != nullptr) *available = buffer->storage.size() - buffer->size;
    return buffer->storage.empty() ? nullptr : buffer->storage.data() + buffer->size;
  }
  static void commit(wsx_buffer* buffer, std::size_t bytes) { buffer->size += bytes; }
  static std::size_t size(const wsx_buffer* buffer) { return buffer->size; }
  static std::int32_t append(wsx_buffer* buffer, const void* data, std::size_t bytes) {
    if (bytes == 0) return 0;
    std::uint8_t* room = reserve(buffer, bytes, nullptr);
    if (room == nullptr) return -1;
    std::memcpy(room, data, bytes);
    buffer->size += bytes;
    return 0;
  }
  static std::int32_t params_add(wsx_params_out* list, wsx_str name, wsx_str value,
                                 std::int32_t has_value) {
    if (!is_token(view(name))) return -1;
    list->params.emplace_back(std::string(view(name)), has_value != 0
                                                           ? std::optional{std::string(view(value))}
                                                           : std::nullopt);
    return 0;
  }
  static void log(void* context, std::int32_t level, wsx_str message) {
    static_cast<HostDouble*>(context)->logs.emplace_back(level, std::string(view(message)));
  }

  wsx_host_api api_{};
};

// A wsx_error as the host prepares it. The close code is preset to 0 (the
// real host presets 1011) so tests see whether the plugin set it.
struct ErrorSlot {
  ErrorSlot() {
    error.struct_size = sizeof(wsx_error);
    error.close_code = 0;
    error.message = &message;
  }
  ErrorSlot(const ErrorSlot&) = delete;
  ErrorSlot& operator=(const ErrorSlot&) = delete;

  [[nodiscard]] std::string text() const { return message.text(); }

  wsx_buffer message;
  wsx_error error{};
};

// A parameter list in owned form, with its C view.
class ParamArray {
 public:
  ParamArray(std::initializer_list<std::pair<std::string, std::optional<std::string>>> items)
      : owned_(items) {
    for (const auto& [name, value] : owned_) {
      raw_.push_back(wsx_param{{name.data(), name.size()},
                               value ? wsx_str{value->data(), value->size()} : wsx_str{nullptr, 0},
                               value ? 1 : 0});
    }
  }
  ParamArray(const ParamArray&) = delete;
  ParamArray& operator=(const ParamArray&) = delete;

  [[nodiscard]] const wsx_param* data() const { return raw_.empty() ? nullptr : raw_.data(); }
  [[nodiscard]] std::size_t size() const { return raw_.size(); }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> owned_;
  std::vector<wsx_param> raw_;
};

// The outcome of one encode/decode call.
struct FrameCall {
  wsx_status status = WSX_FAIL;
  std::uint8_t opcode = 0;
  std::uint8_t fin = 0;
  std::uint8_t rsv = 0;
  std::vector<std::uint8_t> payload;  // the written payload (status WSX_OK)
  std::uint32_t close_code = 0;
  std::string message;
};

inline std::vector<std::uint8_t> bytes_of(std::string_view text) {
  return {text.begin(), text.end()};
}

// An extension made by a factory, destroyed through its definition (RAII).
class ExtensionHandle {
 public:
  ExtensionHandle(const wsx_extension_def* def, void* extension) : def_(def), ext_(extension) {}
  ~ExtensionHandle() {
    if (ext_ != nullptr) def_->destroy_extension(ext_);
  }
  ExtensionHandle(const ExtensionHandle&) = delete;
  ExtensionHandle& operator=(const ExtensionHandle&) = delete;

  [[nodiscard]] void* get() const { return ext_; }

  FrameCall encode(std::uint8_t opcode, std::uint8_t rsv, const std::vector<std::uint8_t>& payload,
                   bool fin = true) const {
    return call(opcode, rsv, payload, fin,
                [&](const wsx_frame* in, wsx_frame_out* out, wsx_error* error) {
                  return def_->encode(ext_, in, out, error);
                });
  }

  FrameCall decode(std::uint8_t opcode, std::uint8_t rsv, const std::vector<std::uint8_t>& payload,
                   std::uint64_t max_payload_size, bool fin = true) const {
    return call(opcode, rsv, payload, fin,
                [&](const wsx_frame* in, wsx_frame_out* out, wsx_error* error) {
                  return def_->decode(ext_, in, out, max_payload_size, error);
                });
  }

 private:
  template <class Op>
  static FrameCall call(std::uint8_t opcode, std::uint8_t rsv,
                        const std::vector<std::uint8_t>& payload, bool fin, Op&& op) {
    wsx_frame in{};
    in.struct_size = sizeof(wsx_frame);
    in.opcode = opcode;
    in.fin = fin ? 1 : 0;
    in.rsv = rsv;
    in.payload = {payload.empty() ? nullptr : payload.data(), payload.size()};
    wsx_buffer out_payload;
    wsx_frame_out out{};
    out.struct_size = sizeof(wsx_frame_out);
    out.opcode = in.opcode;  // the host pre-fills the header from the input
    out.fin = in.fin;
    out.rsv = in.rsv;
    out.payload = &out_payload;
    ErrorSlot error;
    FrameCall result;
    result.status = op(&in, &out, &error.error);
    result.opcode = out.opcode;
    result.fin = out.fin;
    result.rsv = out.rsv;
    result.payload = out_payload.bytes();
    result.close_code = error.error.close_code;
    result.message = error.text();
    return result;
  }

  const wsx_extension_def* def_;
  void* ext_;
};

// One configured plugin instance, destroyed through its descriptor (RAII).
class InstanceHandle {
 public:
  InstanceHandle(const wsx_plugin_descriptor& descriptor, const HostDouble& host,
                 const std::vector<wsx_config_param>& params = {})
      : descriptor_(&descriptor) {
    wsx_plugin_create_args args{};
    args.struct_size = sizeof(wsx_plugin_create_args);
    args.params = params.empty() ? nullptr : params.data();
    args.param_count = params.size();
    args.api = host.api();
    args.config_path = {"test.toml", 9};
    status_ = descriptor.create(&args, &instance_, &error_.error);
  }
  ~InstanceHandle() {
    if (instance_ != nullptr) descriptor_->destroy(instance_);
  }
  InstanceHandle(const InstanceHandle&) = delete;
  InstanceHandle& operator=(const InstanceHandle&) = delete;

  [[nodiscard]] wsx_status status() const { return status_; }
  [[nodiscard]] std::string error() const { return error_.text(); }
  [[nodiscard]] std::uint32_t close_code() const { return error_.error.close_code; }
  [[nodiscard]] void* get() const { return instance_; }

 private:
  const wsx_plugin_descriptor* descriptor_;
  void* instance_ = nullptr;
  wsx_status status_ = WSX_FAIL;
  ErrorSlot error_;
};

// The outcome of one server negotiation.
struct ServerNegotiation {
  wsx_status status = WSX_FAIL;
  void* extension = nullptr;  // owned by the caller: wrap it in an ExtensionHandle
  wsx_params_out response;
  std::string message;
};

inline ServerNegotiation negotiate(
    const wsx_extension_def& def, void* instance, std::string_view token, const ParamArray& params,
    const std::vector<const wsx_accepted_extension*>& accepted = {}) {
  ServerNegotiation result;
  wsx_server_offer offer{};
  offer.struct_size = sizeof(wsx_server_offer);
  offer.token = {token.data(), token.size()};
  offer.params = params.data();
  offer.param_count = params.size();
  offer.accepted = accepted.empty() ? nullptr : accepted.data();
  offer.accepted_count = accepted.size();
  offer.response = &result.response;
  ErrorSlot error;
  result.status = def.server_negotiate(instance, &offer, &result.extension, &error.error);
  result.message = error.text();
  return result;
}

inline wsx_config_param integer_param(const char* key, std::int64_t value) {
  wsx_config_param param{};
  param.key = {key, std::strlen(key)};
  param.type = WSX_PARAM_INTEGER;
  param.integer_value = value;
  return param;
}

inline wsx_config_param string_param(const char* key, const char* value) {
  wsx_config_param param{};
  param.key = {key, std::strlen(key)};
  param.type = WSX_PARAM_STRING;
  param.string_value = {value, std::strlen(value)};
  return param;
}

inline wsx_config_param boolean_param(const char* key, bool value) {
  wsx_config_param param{};
  param.key = {key, std::strlen(key)};
  param.type = WSX_PARAM_BOOLEAN;
  param.boolean_value = value ? 1 : 0;
  return param;
}

}  // namespace wsx::test
