#include "core/extensions/negotiation_support.hpp"

#include "core/extensions/extensions_header.hpp"
#include "core/handshake/http_tokens.hpp"

namespace wsx::core::negotiation_support {

void AcceptedSoFar::add(std::string token, std::uint8_t rsv_bits,
                        std::vector<ExtensionParam> params) {
  auto record = std::make_unique<Record>();
  record->token = std::move(token);
  record->params = std::move(params);
  record->c_params = to_c_params(record->params);
  record->view.struct_size = sizeof(wsx_accepted_extension);
  record->view.token = view_of(record->token);
  record->view.rsv_bits = rsv_bits;
  record->view.params = record->c_params.data();
  record->view.param_count = record->c_params.size();
  pointers_.push_back(&record->view);
  records_.push_back(std::move(record));
}

bool AcceptedSoFar::has_token(std::string_view token) const noexcept {
  for (const auto& record : records_)
    if (iequals(record->token, token)) return true;
  return false;
}

std::optional<std::string_view> AcceptedSoFar::rsv_owner(std::uint8_t rsv_bits) const noexcept {
  for (const auto& record : records_)
    if ((record->view.rsv_bits & rsv_bits) != 0) return record->token;
  return std::nullopt;
}

wsx_error make_error(ByteBuffer& message) noexcept {
  message.clear();
  wsx_error error{};
  error.struct_size = sizeof(wsx_error);
  error.close_code = WSX_CLOSE_INTERNAL_ERROR;
  error.message = message.handle();
  return error;
}

std::string plugin_message(const ByteBuffer& message, std::string_view fallback) {
  if (message.empty()) return std::string(fallback);
  return printable(message.text(), 200);
}

std::string rsv_names(std::uint8_t rsv_bits) {
  std::string names;
  const std::pair<std::uint8_t, const char*> bits[] = {
      {WSX_RSV1, "RSV1"}, {WSX_RSV2, "RSV2"}, {WSX_RSV3, "RSV3"}};
  for (const auto& [bit, name] : bits) {
    if ((rsv_bits & bit) == 0) continue;
    if (!names.empty()) names += '+';
    names += name;
  }
  return names;
}

std::string params_text(std::span<const ExtensionParam> params) {
  if (auto text = serialize_extension_params(params)) return *text;
  // Only reachable for parameters a plugin produced badly; still show them.
  std::string text;
  for (const ExtensionParam& param : params) {
    if (!text.empty()) text += "; ";
    text += printable(param.name, 40);
    if (param.value) text += "=" + printable(*param.value, 40);
  }
  return text;
}

std::optional<std::string> check_params_are_tokens(std::span<const ExtensionParam> params) {
  for (const ExtensionParam& param : params) {
    if (!is_token(param.name))
      return "parameter name \"" + printable(param.name, 40) + "\" is not a token";
    if (param.value && !is_token(*param.value))
      return "value \"" + printable(*param.value, 40) + "\" of parameter " + param.name +
             " is not a token (RFC 6455 section 9.1)";
  }
  return std::nullopt;
}

std::shared_ptr<const ExtensionFactory> find_factory(const FactoryList& factories,
                                                     std::string_view token,
                                                     FactoryRole role) noexcept {
  for (const auto& factory : factories) {
    if (!factory || !iequals(factory->token, token)) continue;
    const wsx_extension_def& def = factory->def;
    const bool provides_role =
        role == FactoryRole::server
            ? (def.roles & WSX_ROLE_SERVER) != 0 && def.server_negotiate != nullptr
            : (def.roles & WSX_ROLE_CLIENT) != 0 && def.client_offer != nullptr &&
                  def.client_accept != nullptr;
    if (provides_role) return factory;
  }
  return nullptr;
}

}  // namespace wsx::core::negotiation_support
