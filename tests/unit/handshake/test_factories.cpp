#include "test_factories.hpp"

#include <exception>

#include "core/extensions/byte_buffer.hpp"

extern "C" {
wsx_status wsx_test_raw_server_negotiate(void* plugin, const wsx_server_offer* offer,
                                         void** out_extension, wsx_error* error);
wsx_status wsx_test_raw_client_offer(void* plugin, wsx_params_out* offer, wsx_error* error);
wsx_status wsx_test_raw_client_accept(void* plugin, const wsx_client_response* response,
                                      void** out_extension, wsx_error* error);
}

namespace wsx::test {

namespace {

std::string to_string(wsx_str text) {
  return text.size == 0 ? std::string() : std::string(text.data, text.size);
}

std::vector<core::ExtensionParam> to_params(const wsx_param* params, std::size_t count) {
  std::vector<core::ExtensionParam> out;
  for (std::size_t i = 0; i < count; ++i) {
    core::ExtensionParam param{to_string(params[i].name), std::nullopt};
    if (params[i].has_value != 0) param.value = to_string(params[i].value);
    out.push_back(std::move(param));
  }
  return out;
}

SeenCall record(wsx_str token, const wsx_param* params, std::size_t param_count,
                const wsx_accepted_extension* const* accepted, std::size_t accepted_count) {
  SeenCall call;
  call.token = to_string(token);
  call.params = to_params(params, param_count);
  for (std::size_t i = 0; i < accepted_count; ++i) {
    call.accepted_tokens.push_back(to_string(accepted[i]->token));
    call.accepted_rsv.push_back(accepted[i]->rsv_bits);
    call.accepted_params.push_back(to_params(accepted[i]->params, accepted[i]->param_count));
  }
  return call;
}

// Writes the decision's parameters and message through the host-services
// table, exactly as a loaded plugin reaches them.
void write_decision(const Decision& decision, wsx_params_out* params, wsx_error* error) {
  wsx_host_api api{};
  api.struct_size = sizeof(api);
  core::fill_buffer_services(api);
  for (const auto& param : decision.params) {
    const std::string value = param.value.value_or("");
    api.params_add(params, {param.name.data(), param.name.size()}, {value.data(), value.size()},
                   param.value ? 1 : 0);
  }
  if (!decision.message.empty())
    api.buffer_append(error->message, decision.message.data(), decision.message.size());
}

void* create_extension(TestPlugin& plugin) {
  ++plugin.extensions_created;
  return new TestExtension{&plugin, plugin.extensions_created};
}

// The C ABI forbids exceptions crossing it: every function catches all.
wsx_status server_negotiate(void* plugin_ptr, const wsx_server_offer* offer, void** out_extension,
                            wsx_error* error) {
  try {
    auto& plugin = *static_cast<TestPlugin*>(plugin_ptr);
    plugin.server_calls.push_back(record(offer->token, offer->params, offer->param_count,
                                         offer->accepted, offer->accepted_count));
    const Decision decision =
        plugin.on_server_offer ? plugin.on_server_offer(plugin.server_calls.back()) : Decision{};
    write_decision(decision, offer->response, error);
    if (decision.status == WSX_OK) *out_extension = create_extension(plugin);
    return decision.status;
  } catch (const std::exception&) {
    return WSX_FAIL;
  }
}

wsx_status client_offer(void* plugin_ptr, wsx_params_out* offer, wsx_error* error) {
  try {
    auto& plugin = *static_cast<TestPlugin*>(plugin_ptr);
    ++plugin.client_offer_calls;
    const Decision decision = plugin.on_client_offer ? plugin.on_client_offer() : Decision{};
    write_decision(decision, offer, error);
    return decision.status;
  } catch (const std::exception&) {
    return WSX_FAIL;
  }
}

wsx_status client_accept(void* plugin_ptr, const wsx_client_response* response,
                         void** out_extension, wsx_error* error) {
  try {
    auto& plugin = *static_cast<TestPlugin*>(plugin_ptr);
    plugin.client_accept_calls.push_back(record(response->token, response->params,
                                                response->param_count, response->accepted,
                                                response->accepted_count));
    const Decision decision = plugin.on_client_response
                                  ? plugin.on_client_response(plugin.client_accept_calls.back())
                                  : Decision{};
    wsx_params_out ignored;
    write_decision(decision, &ignored, error);
    if (decision.status == WSX_OK) *out_extension = create_extension(plugin);
    return decision.status;
  } catch (const std::exception&) {
    return WSX_FAIL;
  }
}

void destroy_extension(void* extension) {
  auto* instance = static_cast<TestExtension*>(extension);
  ++instance->plugin->extensions_destroyed;
  delete instance;
}

}  // namespace

std::shared_ptr<const core::ExtensionFactory> make_factory(TestPlugin& plugin, std::string token,
                                                           std::uint8_t rsv_bits,
                                                           std::uint32_t roles) {
  auto factory = std::make_shared<core::ExtensionFactory>();
  factory->token = token;
  factory->plugin_name = plugin.name;
  factory->rsv_bits = rsv_bits;
  factory->def.struct_size = sizeof(wsx_extension_def);
  factory->def.token = nullptr;  // the core reads factory->token
  factory->def.roles = roles;
  factory->def.rsv_bits = rsv_bits;
  factory->def.server_negotiate = &server_negotiate;
  factory->def.client_offer = &client_offer;
  factory->def.client_accept = &client_accept;
  factory->def.destroy_extension = &destroy_extension;
  factory->plugin = &plugin;
  return factory;
}

std::shared_ptr<const core::ExtensionFactory> make_raw_status_factory(std::string token,
                                                                      int status) {
  auto factory = std::make_shared<core::ExtensionFactory>();
  auto status_holder = std::make_shared<int>(status);
  factory->token = std::move(token);
  factory->plugin_name = "raw-status";
  factory->def.struct_size = sizeof(wsx_extension_def);
  factory->def.roles = kBoth;
  factory->def.server_negotiate = &wsx_test_raw_server_negotiate;
  factory->def.client_offer = &wsx_test_raw_client_offer;
  factory->def.client_accept = &wsx_test_raw_client_accept;
  factory->plugin = status_holder.get();
  factory->keepalive = status_holder;
  return factory;
}

}  // namespace wsx::test
