// wsx::sdk::testing: a small host for a plugin's own unit tests.
//
// It loads a plugin (a built .so, or an entry function linked into the test
// binary), configures one instance with params, negotiates from
// Sec-WebSocket-Extensions header text in either role, and runs frames
// through the resulting extensions, all through the real C ABI of
// wsx/extension.h, as wsx-host does: struct_size set on every struct, input
// structs read by the growth rule (ABI rule 2), output buffers owned by the
// host, the error preset to 1011. It does not use wsx-host's code, so a test
// written against it checks the contract, not one host's reading of it.
//
//   #include <wsx/testing/host.hpp>
//   namespace wt = wsx::sdk::testing;
//   TEST(MyPlugin, RoundTrips) {
//     wt::Plugin plugin = wt::Plugin::load("my_plugin.so", {{"level", 3}});
//     wt::Extension server = plugin.negotiate_server("x-mine; level=3").at(0);
//     wt::Extension client = plugin.accept_response(server.response_header());
//     EXPECT_EQ(wt::round_trip(client, server, wt::bytes("hello")), wt::bytes("hello"));
//   }
//
// Header-only, C++20, POSIX (dlopen). Link the test with ${CMAKE_DL_LIBS}.
// The test binary defines the ABI's opaque host types (wsx_buffer,
// wsx_params_out) through this header: include it in one test binary, never
// in a plugin.
#pragma once

#include <dlfcn.h>
#include <wsx/extension.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

// The ABI declares these opaque; a host defines them.
struct wsx_buffer {
  std::vector<std::uint8_t> storage;
  std::size_t size = 0;
};

struct wsx_params_out {
  std::vector<std::pair<std::string, std::optional<std::string>>> params;
};

namespace wsx::sdk::testing {

// ---------------------------------------------------------------------------
// Values

// One [plugin.params] entry, as wsx-host would pass it from the TOML file.
struct Param {
  std::string key;
  std::variant<std::string, std::int64_t, bool> value;

  Param(std::string k, const char* v) : key(std::move(k)), value(std::string(v)) {}
  Param(std::string k, std::string v) : key(std::move(k)), value(std::move(v)) {}
  Param(std::string k, std::int64_t v) : key(std::move(k)), value(v) {}
  Param(std::string k, int v) : key(std::move(k)), value(std::int64_t{v}) {}
  Param(std::string k, bool v) : key(std::move(k)), value(v) {}
};

// One extension parameter of a header: `name` or `name=value`.
struct HeaderParam {
  std::string name;
  std::optional<std::string> value;
  friend bool operator==(const HeaderParam&, const HeaderParam&) = default;
};

// One element of a Sec-WebSocket-Extensions header (RFC 6455 section 9.1).
struct HeaderItem {
  std::string token;
  std::vector<HeaderParam> params;
};

// A frame as the host hands it to encode/decode. The payload is the
// frame's application data (after unmasking, before masking).
struct Frame {
  std::uint8_t opcode = WSX_OPCODE_TEXT;
  bool fin = true;
  std::uint8_t rsv = 0;
  std::vector<std::uint8_t> payload;
};

// What one encode or decode call did. `frame` is the frame as the host
// would continue with it: the extension's output for WSX_OK, the input
// payload with the extension's header changes for WSX_UNCHANGED.
struct FrameResult {
  wsx_status status = WSX_FAIL;
  Frame frame;
  // Set by the plugin with WSX_FAIL (preset to 1011, as wsx-host does).
  std::uint32_t close_code = 0;
  std::string message;
  // decode returned WSX_OK with more than max_payload_size bytes (the
  // result is then reported as WSX_FAIL with 1009, as the host would close);
  // `written` is how many it wrote.
  bool exceeded_max = false;
  std::size_t written = 0;

  [[nodiscard]] bool ok() const noexcept { return status == WSX_OK || status == WSX_UNCHANGED; }
};

inline std::vector<std::uint8_t> bytes(std::string_view text) {
  return {text.begin(), text.end()};
}

// ---------------------------------------------------------------------------
// Header text

namespace detail {

inline bool is_token_char(char c) {
  const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return alnum || std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
}

inline bool is_token(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_token_char);
}

inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

inline std::string_view view(wsx_str text) {
  return text.data == nullptr ? std::string_view{} : std::string_view{text.data, text.size};
}

inline wsx_str str(std::string_view text) {
  return {text.data(), text.size()};
}

// Reads a plugin-written struct by ABI rule 2: min(struct_size, ours) bytes
// into a zeroed copy, so fields an older plugin lacks read as zero.
template <class T>
T normalised(const T* written) {
  T copy{};
  if (written == nullptr) return copy;
  std::memcpy(&copy, written, std::min(written->struct_size, sizeof(T)));
  copy.struct_size = sizeof(T);
  return copy;
}

}  // namespace detail

// Parses a Sec-WebSocket-Extensions value (RFC 6455 section 9.1 grammar,
// quoted-string values allowed, RFC 7230 section 3.2.6). Throws
// std::invalid_argument naming the position of a syntax error.
inline std::vector<HeaderItem> parse_extensions_header(std::string_view text) {
  std::vector<HeaderItem> items;
  std::size_t at = 0;
  const auto skip_space = [&] {
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
  };
  const auto fail = [&](const char* what) {
    throw std::invalid_argument(std::string("extensions header: ") + what + " at offset " +
                                std::to_string(at) + " of \"" + std::string(text) + "\"");
  };
  const auto read_token = [&] {
    const std::size_t start = at;
    while (at < text.size() && detail::is_token_char(text[at])) ++at;
    if (at == start) fail("expected a token");
    return std::string(text.substr(start, at - start));
  };
  skip_space();
  if (at == text.size()) return items;
  while (true) {
    HeaderItem item;
    skip_space();
    item.token = read_token();
    skip_space();
    while (at < text.size() && text[at] == ';') {
      ++at;
      skip_space();
      HeaderParam param;
      param.name = read_token();
      skip_space();
      if (at < text.size() && text[at] == '=') {
        ++at;
        skip_space();
        if (at < text.size() && text[at] == '"') {
          std::string value;
          for (++at; at < text.size() && text[at] != '"'; ++at) {
            if (text[at] == '\\' && at + 1 < text.size()) ++at;
            value += text[at];
          }
          if (at == text.size()) fail("unterminated quoted string");
          ++at;
          param.value = value;
        } else {
          param.value = read_token();
        }
        skip_space();
      }
      item.params.push_back(std::move(param));
    }
    items.push_back(std::move(item));
    if (at == text.size()) return items;
    if (text[at] != ',') fail("expected ',' or ';'");
    ++at;
  }
}

// The header text of one element: `token; name; name=value`.
inline std::string format_header_item(const HeaderItem& item) {
  std::string out = item.token;
  for (const HeaderParam& param : item.params) {
    out += "; " + param.name;
    if (param.value) out += "=" + *param.value;
  }
  return out;
}

// ---------------------------------------------------------------------------
// The host side of the ABI

// The service table the plugin sees, and what it logged through it.
class Services {
 public:
  struct LogLine {
    std::int32_t level;
    std::string message;
  };

  Services() {
    api_.struct_size = sizeof(wsx_host_api);
    api_.buffer_reserve = &reserve;
    api_.buffer_commit = &commit;
    api_.buffer_size = &size;
    api_.buffer_append = &append;
    api_.params_add = &params_add;
    api_.log = &log;
    api_.log_context = this;
  }
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  [[nodiscard]] const wsx_host_api* api() const noexcept { return &api_; }
  [[nodiscard]] const std::vector<LogLine>& logs() const noexcept { return logs_; }

 private:
  static std::uint8_t* reserve(wsx_buffer* buffer, std::size_t min_bytes, std::size_t* available) {
    if (buffer->storage.size() < buffer->size + min_bytes) {
      buffer->storage.resize(buffer->size + min_bytes);
    }
    if (available != nullptr) *available = buffer->storage.size() - buffer->size;
    return buffer->storage.empty() ? nullptr : buffer->storage.data() + buffer->size;
  }
  static void commit(wsx_buffer* buffer, std::size_t bytes) {
    // Committing more than was reserved is a plugin defect: fail loudly in
    // the test rather than read past the buffer.
    // (No exception: it would unwind through the plugin's C frames.)
    if (buffer->size + bytes > buffer->storage.size()) {
      std::fputs("wsx::sdk::testing: the plugin committed more bytes than it reserved\n", stderr);
      std::abort();
    }
    buffer->size += bytes;
  }
  static std::size_t size(const wsx_buffer* buffer) { return buffer->size; }
  static std::int32_t append(wsx_buffer* buffer, const void* data, std::size_t bytes) {
    if (bytes == 0) return 0;
    std::uint8_t* room = reserve(buffer, bytes, nullptr);
    std::memcpy(room, data, bytes);
    buffer->size += bytes;
    return 0;
  }
  static std::int32_t params_add(wsx_params_out* list, wsx_str name, wsx_str value,
                                 std::int32_t has_value) {
    if (!detail::is_token(detail::view(name))) return -1;
    if (has_value != 0 && !detail::is_token(detail::view(value))) return -1;
    list->params.emplace_back(
        std::string(detail::view(name)),
        has_value != 0 ? std::optional{std::string(detail::view(value))} : std::nullopt);
    return 0;
  }
  static void log(void* context, std::int32_t level, wsx_str message) {
    // Plugins may log from any thread (wsx-host calls them on every I/O
    // thread); read logs() once those threads are done.
    auto* self = static_cast<Services*>(context);
    const std::lock_guard guard(self->log_lock_);
    self->logs_.push_back({level, std::string(detail::view(message))});
  }

  wsx_host_api api_{};
  std::mutex log_lock_;
  std::vector<LogLine> logs_;
};

// A wsx_error as the host prepares it: close code preset to 1011.
struct ErrorSlot {
  ErrorSlot() {
    error.struct_size = sizeof(wsx_error);
    error.close_code = WSX_CLOSE_INTERNAL_ERROR;
    error.message = &message;
  }
  ErrorSlot(const ErrorSlot&) = delete;
  ErrorSlot& operator=(const ErrorSlot&) = delete;

  [[nodiscard]] std::string text() const {
    return {reinterpret_cast<const char*>(message.storage.data()), message.size};
  }

  wsx_buffer message;
  wsx_error error{};
};

namespace detail {

// A parameter list in owned form with its C view (pointers into `owned`).
class CParams {
 public:
  explicit CParams(std::vector<HeaderParam> params) : owned_(std::move(params)) {
    for (const HeaderParam& p : owned_) {
      raw_.push_back(
          wsx_param{str(p.name), p.value ? str(*p.value) : wsx_str{nullptr, 0}, p.value ? 1 : 0});
    }
  }
  CParams(const CParams&) = delete;
  CParams& operator=(const CParams&) = delete;

  [[nodiscard]] const wsx_param* data() const { return raw_.empty() ? nullptr : raw_.data(); }
  [[nodiscard]] std::size_t size() const { return raw_.size(); }

 private:
  std::vector<HeaderParam> owned_;
  std::vector<wsx_param> raw_;
};

// The library, the descriptor and the configured instance, shared by the
// Plugin and every Extension made from it (so the instance outlives them,
// as wsx-host guarantees).
struct PluginState {
  std::shared_ptr<void> library;  // dlclose'd last
  wsx_plugin_descriptor descriptor{};
  std::vector<wsx_extension_def> definitions;
  Services services;
  void* instance = nullptr;

  ~PluginState() {
    if (instance != nullptr && descriptor.destroy != nullptr) descriptor.destroy(instance);
  }
};

}  // namespace detail

// One extension instance made by a factory, destroyed through its
// definition when the last copy goes.
class Extension {
 public:
  Extension(std::shared_ptr<detail::PluginState> plugin, const wsx_extension_def* def,
            void* extension, HeaderItem response)
      : state_(std::make_shared<State>(std::move(plugin), def, extension)),
        response_(std::move(response)) {}

  [[nodiscard]] const std::string& token() const noexcept { return response_.token; }
  // The negotiated element: for a server extension, what the host sends
  // back in the 101 response; for a client one, what it accepted.
  [[nodiscard]] const HeaderItem& response() const noexcept { return response_; }
  [[nodiscard]] std::string response_header() const { return format_header_item(response_); }
  [[nodiscard]] std::uint8_t rsv_bits() const noexcept { return state_->def->rsv_bits; }

  [[nodiscard]] FrameResult encode(const Frame& frame) const {
    const wsx_extension_def* def = state_->def;
    if (def->encode == nullptr) return unchanged(frame);
    return call(frame, [&](const wsx_frame* in, wsx_frame_out* out, wsx_error* error) {
      return def->encode(state_->extension, in, out, error);
    });
  }

  // `max_payload_size`: the room left in the message (wsx-host passes
  // max_message_size minus what the message already delivered; 125 for a
  // control frame). Output past it must fail with 1009.
  [[nodiscard]] FrameResult decode(const Frame& frame, std::uint64_t max_payload_size) const {
    const wsx_extension_def* def = state_->def;
    if (def->decode == nullptr) return unchanged(frame);
    FrameResult result =
        call(frame, [&](const wsx_frame* in, wsx_frame_out* out, wsx_error* error) {
          return def->decode(state_->extension, in, out, max_payload_size, error);
        });
    if (result.status == WSX_OK && result.frame.payload.size() > max_payload_size) {
      result.exceeded_max = true;
      result.written = result.frame.payload.size();
      result.status = WSX_FAIL;
      result.close_code = WSX_CLOSE_MESSAGE_TOO_BIG;
      result.message = "decode wrote more than max_payload_size (the host closes with 1009)";
    }
    return result;
  }

 private:
  struct State {
    State(std::shared_ptr<detail::PluginState> p, const wsx_extension_def* d, void* e)
        : plugin(std::move(p)), def(d), extension(e) {}
    ~State() {
      if (extension != nullptr && def->destroy_extension != nullptr)
        def->destroy_extension(extension);
    }
    State(const State&) = delete;
    State& operator=(const State&) = delete;
    std::shared_ptr<detail::PluginState> plugin;
    const wsx_extension_def* def;
    void* extension;
  };

  static FrameResult unchanged(const Frame& frame) {
    FrameResult result;
    result.status = WSX_UNCHANGED;
    result.frame = frame;
    return result;
  }

  template <class Call>
  static FrameResult call(const Frame& frame, Call&& op) {
    wsx_frame in{};
    in.struct_size = sizeof(wsx_frame);
    in.opcode = frame.opcode;
    in.fin = frame.fin ? 1 : 0;
    in.rsv = frame.rsv;
    in.payload = {frame.payload.empty() ? nullptr : frame.payload.data(), frame.payload.size()};
    wsx_buffer payload;
    wsx_frame_out out{};
    out.struct_size = sizeof(wsx_frame_out);
    out.opcode = in.opcode;  // the host pre-fills the header from the input
    out.fin = in.fin;
    out.rsv = in.rsv;
    out.payload = &payload;
    ErrorSlot error;
    FrameResult result;
    result.status = op(&in, &out, &error.error);
    result.frame.opcode = out.opcode;
    result.frame.fin = out.fin != 0;
    result.frame.rsv = out.rsv;
    if (result.status == WSX_OK) {
      result.frame.payload.assign(
          payload.storage.begin(),
          payload.storage.begin() + static_cast<std::ptrdiff_t>(payload.size));
    } else {
      result.frame.payload = frame.payload;
    }
    result.close_code = error.error.close_code;
    result.message = error.text();
    return result;
  }

  std::shared_ptr<State> state_;
  HeaderItem response_;
};

// One loaded plugin with one configured instance.
class Plugin {
 public:
  // dlopen()s `path` (RTLD_NOW | RTLD_LOCAL, as wsx-host), negotiates ABI
  // version 1 and creates the instance with `params`. Throws
  // std::runtime_error with the plugin's own message on any refusal.
  static Plugin load(const std::string& path, const std::vector<Param>& params = {}) {
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* reason = ::dlerror();
      throw std::runtime_error("cannot load " + path + ": " + (reason ? reason : "unknown"));
    }
    std::shared_ptr<void> library(handle, [](void* h) { ::dlclose(h); });
    void* symbol = ::dlsym(handle, WSX_PLUGIN_ENTRY_SYMBOL);
    if (symbol == nullptr) {
      throw std::runtime_error(path + " does not export " WSX_PLUGIN_ENTRY_SYMBOL);
    }
    wsx_negotiate_fn entry = nullptr;
    static_assert(sizeof entry == sizeof symbol);
    std::memcpy(&entry, &symbol, sizeof entry);  // POSIX: object pointer to function pointer
    return Plugin(std::move(library), entry, params);
  }

  // A plugin whose entry function is linked into the test binary.
  static Plugin linked(wsx_negotiate_fn entry, const std::vector<Param>& params = {}) {
    return Plugin(nullptr, entry, params);
  }

  [[nodiscard]] const wsx_plugin_descriptor& descriptor() const noexcept {
    return state_->descriptor;
  }
  [[nodiscard]] const std::vector<wsx_extension_def>& definitions() const noexcept {
    return state_->definitions;
  }
  [[nodiscard]] const std::vector<Services::LogLine>& logs() const noexcept {
    return state_->services.logs();
  }

  // Server role: walks the offers of a client's header in order (RFC 6455
  // section 9.1) and asks the factory for each token this plugin serves;
  // the first offer accepted for a token wins, later ones for it are
  // skipped, as wsx-host does. Returns the accepted extensions in order.
  // Throws std::runtime_error if a factory fails (WSX_FAIL: the host would
  // answer 400) or returns a response that is not valid header text.
  [[nodiscard]] std::vector<Extension> negotiate_server(std::string_view offer_header) const {
    std::vector<Extension> accepted;
    std::vector<HeaderItem> accepted_items;
    for (const HeaderItem& offer : parse_extensions_header(offer_header)) {
      const wsx_extension_def* def = find(offer.token, WSX_ROLE_SERVER);
      if (def == nullptr) continue;
      const bool taken = std::any_of(accepted.begin(), accepted.end(), [&](const Extension& e) {
        return detail::iequals(e.token(), offer.token);
      });
      if (taken) continue;
      const detail::CParams params(offer.params);
      AcceptedViews views(accepted_items, accepted);
      wsx_params_out response;
      wsx_server_offer c_offer{};
      c_offer.struct_size = sizeof c_offer;
      c_offer.token = detail::str(offer.token);
      c_offer.params = params.data();
      c_offer.param_count = params.size();
      c_offer.accepted = views.data();
      c_offer.accepted_count = views.size();
      c_offer.response = &response;
      ErrorSlot error;
      void* extension = nullptr;
      const wsx_status status =
          def->server_negotiate(state_->instance, &c_offer, &extension, &error.error);
      if (status == WSX_DECLINE) continue;
      if (status != WSX_OK) {
        throw std::runtime_error("server_negotiate(" + format_header_item(offer) +
                                 ") failed: " + error.text());
      }
      HeaderItem item{def->token, {}};
      for (auto& [name, value] : response.params) item.params.push_back({name, value});
      accepted_items.push_back(item);
      accepted.emplace_back(state_, def, extension, std::move(item));
    }
    return accepted;
  }

  // Client role: the offer this plugin's client factory for `token` makes,
  // as header text.
  [[nodiscard]] std::string client_offer(std::string_view token) const {
    const wsx_extension_def* def = require(token, WSX_ROLE_CLIENT);
    wsx_params_out offer;
    ErrorSlot error;
    if (def->client_offer(state_->instance, &offer, &error.error) != WSX_OK) {
      throw std::runtime_error("client_offer(" + std::string(token) + ") failed: " + error.text());
    }
    HeaderItem item{def->token, {}};
    for (auto& [name, value] : offer.params) item.params.push_back({name, value});
    return format_header_item(item);
  }

  // Client role: accepts the server's response element (header text with
  // exactly one element). Throws if the client factory refuses it: a real
  // client then fails the connection (RFC 6455 section 9.1).
  [[nodiscard]] Extension accept_response(std::string_view response_header) const {
    const std::vector<HeaderItem> items = parse_extensions_header(response_header);
    if (items.size() != 1) throw std::invalid_argument("accept_response: give exactly one element");
    const HeaderItem& item = items.front();
    const wsx_extension_def* def = require(item.token, WSX_ROLE_CLIENT);
    const detail::CParams params(item.params);
    wsx_client_response response{};
    response.struct_size = sizeof response;
    response.token = detail::str(item.token);
    response.params = params.data();
    response.param_count = params.size();
    ErrorSlot error;
    void* extension = nullptr;
    if (def->client_accept(state_->instance, &response, &extension, &error.error) != WSX_OK) {
      throw std::runtime_error("client_accept(" + std::string(response_header) +
                               ") refused: " + error.text());
    }
    return Extension(state_, def, extension, item);
  }

 private:
  // wsx_accepted_extension views of what was accepted before an offer.
  class AcceptedViews {
   public:
    AcceptedViews(const std::vector<HeaderItem>& items, const std::vector<Extension>& extensions) {
      for (std::size_t i = 0; i < items.size(); ++i) {
        params_.push_back(std::make_unique<detail::CParams>(items[i].params));
        wsx_accepted_extension view{};
        view.struct_size = sizeof view;
        view.token = detail::str(items[i].token);
        view.rsv_bits = extensions[i].rsv_bits();
        view.params = params_.back()->data();
        view.param_count = params_.back()->size();
        views_.push_back(view);
      }
      for (const wsx_accepted_extension& view : views_) pointers_.push_back(&view);
    }
    [[nodiscard]] const wsx_accepted_extension* const* data() const {
      return pointers_.empty() ? nullptr : pointers_.data();
    }
    [[nodiscard]] std::size_t size() const { return pointers_.size(); }

   private:
    std::vector<std::unique_ptr<detail::CParams>> params_;
    std::vector<wsx_accepted_extension> views_;
    std::vector<const wsx_accepted_extension*> pointers_;
  };

  Plugin(std::shared_ptr<void> library, wsx_negotiate_fn entry, const std::vector<Param>& params)
      : state_(std::make_shared<detail::PluginState>()) {
    state_->library = std::move(library);
    wsx_host_info host{};
    host.struct_size = sizeof host;
    host.abi_min = WSX_ABI_VERSION_1;
    host.abi_max = WSX_ABI_VERSION_1;
    host.api = state_->services.api();
    host.host_version = detail::str("wsx-sdk-testing");
    std::uint32_t chosen = 0;
    const wsx_plugin_descriptor* descriptor = nullptr;
    ErrorSlot error;
    if (entry(&host, &chosen, &descriptor, &error.error) != WSX_OK || descriptor == nullptr) {
      throw std::runtime_error("the plugin refused ABI negotiation: " + error.text());
    }
    if (chosen != WSX_ABI_VERSION_1) {
      throw std::runtime_error("the plugin chose ABI version " + std::to_string(chosen) +
                               "; this test host speaks 1");
    }
    state_->descriptor = detail::normalised(descriptor);
    for (std::size_t i = 0; i < state_->descriptor.extension_count; ++i) {
      state_->definitions.push_back(detail::normalised(state_->descriptor.extensions[i]));
    }
    create(params);
  }

  void create(const std::vector<Param>& params) {
    std::vector<wsx_config_param> c_params;
    for (const Param& param : params) {
      wsx_config_param c{};
      c.key = detail::str(param.key);
      if (const auto* text = std::get_if<std::string>(&param.value)) {
        c.type = WSX_PARAM_STRING;
        c.string_value = detail::str(*text);
      } else if (const auto* integer = std::get_if<std::int64_t>(&param.value)) {
        c.type = WSX_PARAM_INTEGER;
        c.integer_value = *integer;
      } else {
        c.type = WSX_PARAM_BOOLEAN;
        c.boolean_value = std::get<bool>(param.value) ? 1 : 0;
      }
      c_params.push_back(c);
    }
    wsx_plugin_create_args args{};
    args.struct_size = sizeof args;
    args.params = c_params.empty() ? nullptr : c_params.data();
    args.param_count = c_params.size();
    args.api = state_->services.api();
    args.config_path = detail::str("wsx-sdk-testing.toml");
    ErrorSlot error;
    if (state_->descriptor.create(&args, &state_->instance, &error.error) != WSX_OK) {
      state_->instance = nullptr;
      throw std::runtime_error("create() failed: " + error.text());
    }
  }

  [[nodiscard]] const wsx_extension_def* find(std::string_view token, std::uint32_t role) const {
    for (const wsx_extension_def& def : state_->definitions) {
      if ((def.roles & role) != 0 && def.token != nullptr && detail::iequals(def.token, token)) {
        return &def;
      }
    }
    return nullptr;
  }
  [[nodiscard]] const wsx_extension_def* require(std::string_view token, std::uint32_t role) const {
    const wsx_extension_def* def = find(token, role);
    if (def == nullptr) {
      throw std::invalid_argument("the plugin has no " +
                                  std::string(role == WSX_ROLE_SERVER ? "server" : "client") +
                                  " factory for \"" + std::string(token) + "\"");
    }
    return def;
  }

  std::shared_ptr<detail::PluginState> state_;
};

// Sends `payload` as one message from `sender` to `receiver`, cut into data
// frames of at most `frame_size` bytes before encoding (0: one frame), and
// returns what the receiver's decode delivers, concatenated. Throws
// std::runtime_error naming the failing call.
inline std::vector<std::uint8_t> round_trip(const Extension& sender, const Extension& receiver,
                                            const std::vector<std::uint8_t>& payload,
                                            std::uint8_t opcode = WSX_OPCODE_BINARY,
                                            std::size_t frame_size = 0,
                                            std::uint64_t max_message_size = 64u << 20) {
  std::vector<std::uint8_t> delivered;
  const std::size_t step = frame_size == 0 ? std::max<std::size_t>(payload.size(), 1) : frame_size;
  std::size_t at = 0;
  bool first = true;
  do {
    const std::size_t n = std::min(step, payload.size() - at);
    Frame frame;
    frame.opcode = first ? opcode : static_cast<std::uint8_t>(WSX_OPCODE_CONTINUATION);
    frame.payload.assign(payload.begin() + static_cast<std::ptrdiff_t>(at),
                         payload.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
    frame.fin = at == payload.size();
    const FrameResult encoded = sender.encode(frame);
    if (!encoded.ok()) throw std::runtime_error("encode failed: " + encoded.message);
    const FrameResult decoded = receiver.decode(encoded.frame, max_message_size - delivered.size());
    if (!decoded.ok()) throw std::runtime_error("decode failed: " + decoded.message);
    if ((decoded.frame.rsv & receiver.rsv_bits()) != 0) {
      throw std::runtime_error("decode left its own RSV bit set (RFC 6455 section 5.2)");
    }
    delivered.insert(delivered.end(), decoded.frame.payload.begin(), decoded.frame.payload.end());
    first = false;
  } while (at < payload.size());
  return delivered;
}

}  // namespace wsx::sdk::testing
