#include "net/proxy_route.hpp"

namespace wsx::net {

unsigned client_status_for(UpstreamFailure failure, unsigned upstream_status) noexcept {
  switch (failure) {
    case UpstreamFailure::timed_out:
      return 504;
    case UpstreamFailure::rejected:
      return upstream_status == 503 ? 503 : 502;
    case UpstreamFailure::refused:
    case UpstreamFailure::invalid_response:
    case UpstreamFailure::tls_failed:
      break;
  }
  return 502;
}

}  // namespace wsx::net
