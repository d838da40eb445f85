#include "test_host.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

extern "C" wsx_status wsx_negotiate_plugin_abi(const wsx_host_info*, uint32_t*,
                                               const wsx_plugin_descriptor**, wsx_error*);

namespace wsx::pmd::test {
namespace {

wsx_str str(std::string_view text) {
  return {text.data(), text.size()};
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

Bytes bytes(std::string_view text) {
  return {text.begin(), text.end()};
}

Bytes hex(std::string_view text) {
  Bytes out;
  std::string digits;
  for (char c : text) {
    if (c != ' ') digits += c;
  }
  if (digits.size() % 2 != 0) throw std::invalid_argument("odd hex string");
  for (std::size_t i = 0; i < digits.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::string text(const Bytes& data) {
  return {data.begin(), data.end()};
}

// --- TestHost ----------------------------------------------------------------

TestHost::TestHost() {
  api_.struct_size = sizeof(api_);
  core::fill_buffer_services(api_);
  api_.log = &TestHost::log;
  api_.log_context = this;
}

void TestHost::log(void* context, std::int32_t level, wsx_str message) {
  auto* self = static_cast<TestHost*>(context);
  const std::lock_guard lock(self->mutex_);
  self->lines_.emplace_back(level, std::string(message.data, message.size));
}

std::vector<std::string> TestHost::log_lines(wsx_log_level level) const {
  const std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [line_level, line] : lines_) {
    if (line_level == level) out.push_back(line);
  }
  return out;
}

bool TestHost::logged(wsx_log_level level, std::string_view part) const {
  const auto lines = log_lines(level);
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& line) { return line.find(part) != std::string::npos; });
}

// --- TestPlugin --------------------------------------------------------------

namespace {

struct CreateCall {
  wsx_status status = WSX_FAIL;
  void* instance = nullptr;
  std::string message;
};

const wsx_plugin_descriptor* load_descriptor(const TestHost& host) {
  wsx_host_info info{sizeof(wsx_host_info), 1, 1, host.api(), str("test")};
  std::uint32_t abi = 0;
  const wsx_plugin_descriptor* descriptor = nullptr;
  core::ByteBuffer message;
  wsx_error error{sizeof(wsx_error), WSX_CLOSE_INTERNAL_ERROR, message.handle()};
  if (wsx_negotiate_plugin_abi(&info, &abi, &descriptor, &error) != WSX_OK || abi != 1) {
    throw std::runtime_error("entry symbol refused: " + std::string(message.text()));
  }
  return descriptor;
}

CreateCall call_create(const wsx_plugin_descriptor& descriptor, const TestHost& host,
                       const std::vector<ConfigValue>& config) {
  std::vector<wsx_config_param> c_params;
  for (const ConfigValue& entry : config) {
    wsx_config_param param{};
    param.key = str(entry.key);
    if (const auto* integer = std::get_if<std::int64_t>(&entry.value)) {
      param.type = WSX_PARAM_INTEGER;
      param.integer_value = *integer;
    } else if (const auto* boolean = std::get_if<bool>(&entry.value)) {
      param.type = WSX_PARAM_BOOLEAN;
      param.boolean_value = *boolean ? 1 : 0;
    } else {
      param.type = WSX_PARAM_STRING;
      param.string_value = str(std::get<std::string>(entry.value));
    }
    c_params.push_back(param);
  }
  wsx_plugin_create_args args{sizeof(wsx_plugin_create_args), c_params.data(), c_params.size(),
                              host.api(), str("test.toml")};
  core::ByteBuffer message;
  wsx_error error{sizeof(wsx_error), WSX_CLOSE_INTERNAL_ERROR, message.handle()};
  CreateCall call;
  call.status = descriptor.create(&args, &call.instance, &error);
  call.message = std::string(message.text());
  return call;
}

}  // namespace

TestPlugin::TestPlugin(const std::vector<ConfigValue>& config) {
  descriptor_ = load_descriptor(host_);
  def_ = descriptor_->extensions[0];
  const CreateCall call = call_create(*descriptor_, host_, config);
  if (call.status != WSX_OK) throw std::runtime_error("create failed: " + call.message);
  instance_ = call.instance;
}

TestPlugin::~TestPlugin() {
  if (instance_ != nullptr) descriptor_->destroy(instance_);
}

std::optional<std::string> TestPlugin::create_error(const std::vector<ConfigValue>& config) {
  TestHost host;
  const wsx_plugin_descriptor* descriptor = load_descriptor(host);
  const CreateCall call = call_create(*descriptor, host, config);
  if (call.status == WSX_OK) {
    descriptor->destroy(call.instance);
    return std::nullopt;
  }
  return call.message;
}

// --- TestExtension -----------------------------------------------------------

TestExtension::~TestExtension() {
  if (extension_ != nullptr) def_->destroy_extension(extension_);
}

TestExtension::TestExtension(TestExtension&& other) noexcept
    : def_(other.def_), extension_(std::exchange(other.extension_, nullptr)) {}

TestExtension& TestExtension::operator=(TestExtension&& other) noexcept {
  if (this != &other) {
    if (extension_ != nullptr) def_->destroy_extension(extension_);
    def_ = other.def_;
    extension_ = std::exchange(other.extension_, nullptr);
  }
  return *this;
}

// --- Parameters --------------------------------------------------------------

core::ExtensionParam param(std::string_view text) {
  text = trim(text);
  const std::size_t equals = text.find('=');
  if (equals == std::string_view::npos) return {std::string(text), std::nullopt};
  return {std::string(trim(text.substr(0, equals))), std::string(trim(text.substr(equals + 1)))};
}

std::vector<core::ExtensionParam> params(std::string_view text) {
  std::vector<core::ExtensionParam> out;
  while (!trim(text).empty()) {
    const std::size_t semicolon = text.find(';');
    out.push_back(param(text.substr(0, semicolon)));
    if (semicolon == std::string_view::npos) break;
    text.remove_prefix(semicolon + 1);
  }
  return out;
}

std::string to_string(const std::vector<core::ExtensionParam>& list) {
  std::string out;
  for (const core::ExtensionParam& item : list) {
    if (!out.empty()) out += "; ";
    out += item.name;
    if (item.value) out += "=" + *item.value;
  }
  return out;
}

// --- Negotiation -------------------------------------------------------------

namespace {

struct AcceptedViews {
  std::vector<wsx_accepted_extension> structs;
  std::vector<const wsx_accepted_extension*> pointers;

  explicit AcceptedViews(const std::vector<Accepted>& accepted) {
    for (const Accepted& item : accepted) {
      structs.push_back(
          {sizeof(wsx_accepted_extension), str(item.token), item.rsv_bits, nullptr, 0});
    }
    for (const auto& item : structs) pointers.push_back(&item);
  }
};

}  // namespace

Negotiation server_negotiate(TestPlugin& plugin, std::string_view offer_text,
                             const std::vector<Accepted>& accepted) {
  const std::vector<core::ExtensionParam> offered = params(offer_text);
  const std::vector<wsx_param> c_params = core::to_c_params(offered);
  const AcceptedViews views(accepted);
  wsx_params_out response;
  wsx_server_offer offer{
      sizeof(wsx_server_offer), str("permessage-deflate"), c_params.data(), c_params.size(),
      views.pointers.data(),    views.pointers.size(),     &response,       nullptr};
  core::ByteBuffer message;
  wsx_error error{sizeof(wsx_error), WSX_CLOSE_INTERNAL_ERROR, message.handle()};
  void* extension = nullptr;
  Negotiation result;
  result.status = plugin.def().server_negotiate(plugin.instance(), &offer, &extension, &error);
  result.message = std::string(message.text());
  if (result.status == WSX_OK) {
    result.response = response.params;
    result.extension.emplace(plugin.def(), extension);
  } else {
    EXPECT_EQ(extension, nullptr);
  }
  return result;
}

ClientOffer client_offer(TestPlugin& plugin) {
  wsx_params_out offer;
  core::ByteBuffer message;
  wsx_error error{sizeof(wsx_error), WSX_CLOSE_INTERNAL_ERROR, message.handle()};
  ClientOffer result;
  result.status = plugin.def().client_offer(plugin.instance(), &offer, &error);
  result.message = std::string(message.text());
  result.params = offer.params;
  return result;
}

Negotiation client_accept(TestPlugin& plugin, std::string_view response_text,
                          const std::vector<Accepted>& accepted) {
  const std::vector<core::ExtensionParam> response_params = params(response_text);
  const std::vector<wsx_param> c_params = core::to_c_params(response_params);
  const AcceptedViews views(accepted);
  wsx_client_response response{
      sizeof(wsx_client_response), str("permessage-deflate"), c_params.data(), c_params.size(),
      views.pointers.data(),       views.pointers.size(),     nullptr};
  core::ByteBuffer message;
  wsx_error error{sizeof(wsx_error), WSX_CLOSE_INTERNAL_ERROR, message.handle()};
  void* extension = nullptr;
  Negotiation result;
  result.status = plugin.def().client_accept(plugin.instance(), &response, &extension, &error);
  result.message = std::string(message.text());
  if (result.status == WSX_OK) result.extension.emplace(plugin.def(), extension);
  return result;
}

// --- Frames ------------------------------------------------------------------

namespace {

template <typename Call>
Result run(const Frame& frame, Call&& call) {
  const wsx_frame in{sizeof(wsx_frame),
                     frame.opcode,
                     static_cast<std::uint8_t>(frame.fin),
                     frame.rsv,
                     {frame.payload.data(), frame.payload.size()}};
  core::ByteBuffer payload;
  wsx_frame_out out{sizeof(wsx_frame_out), frame.opcode, static_cast<std::uint8_t>(frame.fin),
                    frame.rsv, payload.handle()};
  core::ByteBuffer message;
  wsx_error error{sizeof(wsx_error), WSX_CLOSE_INTERNAL_ERROR, message.handle()};
  Result result;
  result.status = call(in, out, error);
  result.frame = {out.opcode, out.fin != 0, out.rsv,
                  result.status == WSX_UNCHANGED
                      ? frame.payload
                      : Bytes(payload.bytes().begin(), payload.bytes().end())};
  result.buffer_capacity = payload.capacity();
  if (result.status == WSX_FAIL) {
    result.close_code = error.close_code;
    result.message = std::string(message.text());
  }
  return result;
}

}  // namespace

Result encode(TestExtension& extension, const Frame& frame) {
  return run(frame, [&](const wsx_frame& in, wsx_frame_out& out, wsx_error& error) {
    return extension.def().encode(extension.handle(), &in, &out, &error);
  });
}

Result decode(TestExtension& extension, const Frame& frame, std::uint64_t max_payload_size) {
  return run(frame, [&](const wsx_frame& in, wsx_frame_out& out, wsx_error& error) {
    return extension.def().decode(extension.handle(), &in, &out, max_payload_size, &error);
  });
}

Pair negotiate_pair(TestPlugin& server_plugin, TestPlugin& client_plugin) {
  const ClientOffer offer = client_offer(client_plugin);
  EXPECT_EQ(offer.status, WSX_OK) << offer.message;
  Negotiation server = server_negotiate(server_plugin, to_string(offer.params));
  EXPECT_EQ(server.status, WSX_OK) << server.message;
  Negotiation client = client_accept(client_plugin, to_string(server.response));
  EXPECT_EQ(client.status, WSX_OK) << client.message;
  Pair pair;
  if (server.extension) pair.server.emplace(std::move(*server.extension));
  if (client.extension) pair.client.emplace(std::move(*client.extension));
  return pair;
}

Bytes raw_inflate(const Bytes& data, int window_bits, int* status) {
  z_stream stream{};
  Bytes out;
  int rc = inflateInit2(&stream, -window_bits);
  if (rc == Z_OK) {
    Bytes input = data;
    stream.next_in = input.data();
    stream.avail_in = static_cast<uInt>(input.size());
    std::uint8_t chunk[4096];
    do {
      stream.next_out = chunk;
      stream.avail_out = sizeof(chunk);
      rc = inflate(&stream, Z_SYNC_FLUSH);
      out.insert(out.end(), chunk, chunk + (sizeof(chunk) - stream.avail_out));
    } while (rc == Z_OK && (stream.avail_in != 0 || stream.avail_out == 0));
    inflateEnd(&stream);
  }
  if (status != nullptr) *status = rc;
  return out;
}

}  // namespace wsx::pmd::test
