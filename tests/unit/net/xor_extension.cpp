#include "xor_extension.hpp"

#include <charconv>
#include <cstring>
#include <string>

#include "core/extensions/byte_buffer.hpp"

namespace wsx::test {

namespace {

struct Instance {
  std::uint8_t key = 0;
  wsx_host_api api{};
};

struct Extension {
  std::uint8_t key = 0;
  const wsx_host_api* api = nullptr;
};

wsx_status server_negotiate(void* plugin, const wsx_server_offer* offer, void** out_extension,
                            wsx_error*) {
  auto* instance = static_cast<Instance*>(plugin);
  const std::string key = std::to_string(instance->key);
  instance->api.params_add(offer->response, {"key", 3}, {key.data(), key.size()}, 1);
  *out_extension = new Extension{instance->key, &instance->api};
  return WSX_OK;
}

wsx_status client_offer(void*, wsx_params_out*, wsx_error*) {
  return WSX_OK;
}

wsx_status client_accept(void* plugin, const wsx_client_response* response, void** out_extension,
                         wsx_error*) {
  auto* instance = static_cast<Instance*>(plugin);
  unsigned key = 0;
  for (std::size_t i = 0; i < response->param_count; ++i) {
    const wsx_param& param = response->params[i];
    if (std::string_view(param.name.data, param.name.size) == "key" && param.has_value)
      std::from_chars(param.value.data, param.value.data + param.value.size, key);
  }
  *out_extension = new Extension{static_cast<std::uint8_t>(key), &instance->api};
  return WSX_OK;
}

wsx_status transform(const Extension& extension, const wsx_frame* in, wsx_frame_out* out) {
  std::size_t available = 0;
  std::uint8_t* target = extension.api->buffer_reserve(out->payload, in->payload.size, &available);
  if (target == nullptr && in->payload.size != 0) return WSX_FAIL;
  for (std::size_t i = 0; i < in->payload.size; ++i)
    target[i] = in->payload.data[i] ^ extension.key;
  extension.api->buffer_commit(out->payload, in->payload.size);
  return WSX_OK;
}

wsx_status encode(void* extension, const wsx_frame* in, wsx_frame_out* out, wsx_error*) {
  if (in->opcode >= WSX_OPCODE_CLOSE) return WSX_UNCHANGED;
  out->rsv = static_cast<std::uint8_t>(out->rsv | WSX_RSV2);
  return transform(*static_cast<Extension*>(extension), in, out);
}

wsx_status decode(void* extension, const wsx_frame* in, wsx_frame_out* out, std::uint64_t,
                  wsx_error*) {
  if ((in->rsv & WSX_RSV2) == 0) return WSX_UNCHANGED;
  out->rsv = static_cast<std::uint8_t>(out->rsv & ~WSX_RSV2);
  return transform(*static_cast<Extension*>(extension), in, out);
}

void destroy_extension(void* extension) {
  delete static_cast<Extension*>(extension);
}

wsx_extension_def make_definition() {
  wsx_extension_def def{};
  def.struct_size = sizeof def;
  def.token = "x-xor";
  def.roles = WSX_ROLE_SERVER | WSX_ROLE_CLIENT;
  def.rsv_bits = WSX_RSV2;
  def.server_negotiate = &server_negotiate;
  def.client_offer = &client_offer;
  def.client_accept = &client_accept;
  def.encode = &encode;
  def.decode = &decode;
  def.destroy_extension = &destroy_extension;
  return def;
}

std::shared_ptr<const core::ExtensionFactory> make_factory(std::uint8_t key,
                                                           std::shared_ptr<const void>* alive) {
  auto instance = std::make_shared<Instance>();
  instance->key = key;
  instance->api.struct_size = sizeof(wsx_host_api);
  core::fill_buffer_services(instance->api);
  auto factory = std::make_shared<core::ExtensionFactory>();
  factory->token = "x-xor";
  factory->plugin_name = "xor-test";
  factory->rsv_bits = WSX_RSV2;
  factory->def = make_definition();
  factory->plugin = instance.get();
  factory->keepalive = instance;
  if (alive != nullptr) *alive = instance;
  return factory;
}

}  // namespace

XorFactories make_xor_factories(std::uint8_t key) {
  // Separate instances per role, so `alive` tracks the server side only.
  std::shared_ptr<const void> server_instance;
  XorFactories factories;
  factories.server.push_back(make_factory(key, &server_instance));
  factories.client.push_back(make_factory(key, nullptr));
  factories.alive = server_instance;
  return factories;
}

}  // namespace wsx::test
