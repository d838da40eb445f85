#include "workload.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <stdexcept>

#include "corpus.hpp"
#include "rng.hpp"

namespace wsx::bench {

Workload make_workload(const BenchOptions& options) {
  Workload workload;
  if (options.payload == Payload::large) {
    for (std::size_t i = 0; i < kBinaryPoolSize; ++i)
      workload.binaries.push_back(make_binary_payload(derive_seed(options.seed, i), options.size));
    workload.set.messages = as_byte_spans(workload.binaries);
    workload.set.opcode = 0x2;
  } else {
    workload.texts = make_text_corpus(options.seed, kTextCorpusSize);
    workload.set.messages = as_byte_spans(workload.texts);
    workload.set.opcode = 0x1;
  }
  return workload;
}

SessionSetup make_session_setup(const BenchOptions& options, const core::FactoryList& factories) {
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(options.host, error);
  if (error) throw std::runtime_error("--host \"" + options.host + "\" is not an IP address");
  SessionSetup setup;
  setup.endpoint = {address, options.port};
  // RFC 6455 section 4.1 item 4 (RFC 3986 section 3.2.2: IPv6 in brackets).
  const std::string host_text = address.is_v6() ? "[" + options.host + "]" : options.host;
  setup.handshake.host = host_text + ":" + std::to_string(options.port);
  setup.handshake.target = options.path;
  setup.factories = factories;
  // Send every message as one frame, as browsers do; accept what we send.
  setup.limits.max_frame_size = 0;
  setup.limits.max_message_size = std::max<std::uint64_t>(16u << 20, options.size);
  return setup;
}

}  // namespace wsx::bench
