// Negotiation, server role: offers a client might send, good and bad, for
// each token. Each must be accepted or declined (WSX_DECLINE), never failed:
// a failure answers the client's whole handshake with 400 (extension.h).
#include <algorithm>
#include <cctype>

#include "checks.hpp"

namespace wsx::plugin_check {

namespace wt = sdk::testing;

namespace {

std::vector<const wsx_extension_def*> server_definitions(const wt::Plugin& plugin) {
  std::vector<const wsx_extension_def*> out;
  for (const wsx_extension_def& def : plugin.definitions()) {
    if ((def.roles & WSX_ROLE_SERVER) != 0) out.push_back(&def);
  }
  return out;
}

bool has_client_role(const wt::Plugin& plugin, std::string_view token) {
  return std::any_of(
      plugin.definitions().begin(), plugin.definitions().end(), [&](const wsx_extension_def& def) {
        return (def.roles & WSX_ROLE_CLIENT) != 0 && wt::detail::iequals(def.token, token);
      });
}

// The params a real client would send: the plugin's own client offer when it
// has one (it knows its parameters), else none.
std::vector<wt::HeaderParam> seed_params(const wt::Plugin& plugin, const std::string& token) {
  if (!has_client_role(plugin, token)) return {};
  const auto items = wt::parse_extensions_header(plugin.client_offer(token));
  return items.empty() ? std::vector<wt::HeaderParam>{} : items.front().params;
}

std::vector<wt::HeaderItem> generated_offers(const std::string& token,
                                             const std::vector<wt::HeaderParam>& seed) {
  std::vector<wt::HeaderItem> offers;
  offers.push_back({token, {}});
  if (!seed.empty()) offers.push_back({token, seed});
  std::string upper = token;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  offers.push_back({upper, seed});  // tokens compare case-insensitively
  offers.push_back({token, {{"x_wsx_check_unknown", std::nullopt}}});
  offers.push_back({token, {{"x_wsx_check_unknown", "1"}}});
  for (std::size_t i = 0; i < seed.size(); ++i) {
    for (const char* value : {"0", "-1", "99999", "abc", "\"7\"", ""}) {
      std::vector<wt::HeaderParam> params = seed;
      if (*value == '\0') {
        params[i].value = std::nullopt;  // bare where a value may be expected
      } else {
        params[i].value = value;
      }
      offers.push_back({token, params});
    }
    std::vector<wt::HeaderParam> twice = seed;
    twice.push_back(seed[i]);  // RFC 7692 section 7: a duplicate is invalid
    offers.push_back({token, twice});
  }
  return offers;
}

}  // namespace

std::vector<Configuration> accepted_configurations(const wt::Plugin& plugin) {
  std::vector<Configuration> out;
  for (const wsx_extension_def* def : server_definitions(plugin)) {
    if (!has_client_role(plugin, def->token)) continue;
    for (const std::string& offer : {plugin.client_offer(def->token), std::string(def->token)}) {
      auto accepted = plugin.negotiate_server(offer);
      if (accepted.empty()) continue;
      wt::Extension client = plugin.accept_response(accepted.front().response_header());
      out.push_back({offer, accepted.front(), client});
    }
  }
  return out;
}

void check_negotiation(const Target& target, Report& report) {
  const wt::Plugin plugin = wt::Plugin::load(target.path, target.params);
  for (const wsx_extension_def* def : server_definitions(plugin)) {
    const std::string token = def->token;
    int accepted = 0;
    int declined = 0;
    std::vector<std::string> failed;
    std::vector<std::string> unacceptable;
    for (const wt::HeaderItem& offer : generated_offers(token, seed_params(plugin, token))) {
      const std::string text = wt::format_header_item(offer);
      try {
        const auto result = plugin.negotiate_server(text);
        if (result.empty()) {
          ++declined;
          continue;
        }
        ++accepted;
        if (has_client_role(plugin, token)) {
          try {
            (void)plugin.accept_response(result.front().response_header());
          } catch (const std::exception& error) {
            unacceptable.push_back(text + " -> " + result.front().response_header() + " (" +
                                   error.what() + ")");
          }
        }
      } catch (const std::exception& error) {
        failed.push_back(text + " (" + error.what() + ")");
      }
    }
    const std::string name = "negotiation: \"" + token + "\"";
    report.info(name + " offers",
                std::to_string(accepted) + " accepted, " + std::to_string(declined) + " declined");
    report.expect(failed.empty(), name + " offers are accepted or declined, never failed",
                  failed.empty() ? "" : failed.front(),
                  "return WSX_DECLINE for an offer you cannot take (RFC 7692 section 5: the "
                  "server declines what it does not support); WSX_FAIL makes the host answer 400");
    if (has_client_role(plugin, token)) {
      report.expect(unacceptable.empty(),
                    name + " every response is accepted by the plugin's own client factory",
                    unacceptable.empty() ? "" : unacceptable.front(),
                    "answer only with parameters your client side accepts");
    }
    report.expect(accepted > 0, name + " accepts at least one offer", "declined every offer",
                  "accept the bare token or your own client offer");
  }
}

}  // namespace wsx::plugin_check
