#include "net/endpoint_text.hpp"

namespace wsx::net {

std::string endpoint_text(const boost::asio::ip::tcp::endpoint& endpoint) {
  const auto address = endpoint.address();
  std::string host = address.to_string();
  // An IPv4 client of a dual-stack socket shows as ::ffff:a.b.c.d; print
  // the IPv4 form people recognise.
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    host =
        boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6()).to_string();
  } else if (address.is_v6()) {
    host = "[" + host + "]";
  }
  return host + ":" + std::to_string(endpoint.port());
}

}  // namespace wsx::net
