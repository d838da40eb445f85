#include "app/crash_report.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/extensions/plugin_call_site.hpp"

namespace wsx::app {

namespace {

// A fixed buffer filled without allocating or locking: only write(2) and
// plain memory access are allowed in a signal handler (signal-safety(7)).
class SignalSafeLine {
 public:
  void add(const char* text) noexcept {
    if (text == nullptr) text = "?";
    for (; *text != '\0' && size_ < sizeof buffer_; ++text) buffer_[size_++] = *text;
  }
  void add_unsigned(std::uint64_t value, unsigned base = 10) noexcept {
    char digits[24];
    std::size_t count = 0;
    do {
      digits[count++] = "0123456789abcdef"[value % base];
      value /= base;
    } while (value != 0 && count < sizeof digits);
    while (count > 0 && size_ < sizeof buffer_) buffer_[size_++] = digits[--count];
  }
  void write_to(int fd) const noexcept {
    std::size_t done = 0;
    for (int attempts = 0; done < size_ && attempts < 16; ++attempts) {
      const ssize_t n = ::write(fd, buffer_ + done, size_ - done);
      if (n > 0) done += static_cast<std::size_t>(n);
    }
  }

 private:
  char buffer_[512];
  std::size_t size_ = 0;
};

const char* signal_name(int signal_number) noexcept {
  switch (signal_number) {
    case SIGSEGV:
      return "SIGSEGV";
    case SIGBUS:
      return "SIGBUS";
    case SIGFPE:
      return "SIGFPE";
    case SIGILL:
      return "SIGILL";
    case SIGABRT:
      return "SIGABRT";
    default:
      return "signal";
  }
}

// "127.0.0.1:5000" or "[0:0:0:0:0:0:0:1]:5000" (groups unabbreviated: RFC 5952's
// shortening is not worth doing here).
void add_peer(SignalSafeLine& line, const void* address, std::size_t size) noexcept {
  if (address == nullptr || size < sizeof(sockaddr)) {
    line.add("unknown");
    return;
  }
  sockaddr_storage storage{};
  std::memcpy(&storage, address, size < sizeof storage ? size : sizeof storage);
  if (storage.ss_family == AF_INET && size >= sizeof(sockaddr_in)) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(storage);
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(&v4.sin_addr);
    for (int i = 0; i < 4; ++i) {
      if (i != 0) line.add(".");
      line.add_unsigned(bytes[i]);
    }
    line.add(":");
    line.add_unsigned(ntohs(v4.sin_port));
  } else if (storage.ss_family == AF_INET6 && size >= sizeof(sockaddr_in6)) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(storage);
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(&v6.sin6_addr);
    line.add("[");
    for (int i = 0; i < 16; i += 2) {
      if (i != 0) line.add(":");
      line.add_unsigned(static_cast<std::uint64_t>(bytes[i]) << 8 | bytes[i + 1], 16);
    }
    line.add("]:");
    line.add_unsigned(ntohs(v6.sin6_port));
  } else {
    line.add("unknown");
  }
}

void on_fatal_signal(int signal_number) {
  const core::PluginCallRecord& call = core::this_thread_plugin_call();
  SignalSafeLine line;
  line.add("wsx-host: fatal ");
  line.add(signal_name(signal_number));
  if (call.function != nullptr) {
    line.add(" in plugin ");
    line.add(call.plugin);
    line.add(" ");
    line.add(call.version);
    line.add(", function ");
    line.add(call.function);
    line.add(", peer ");
    add_peer(line, call.peer_address, call.peer_address_size);
    line.add(" (plugins run unisolated in the host process: fix or disable that plugin)\n");
  } else {
    line.add(" outside any plugin call (a defect in wsx-host itself)\n");
  }
  line.write_to(STDERR_FILENO);
  // SA_RESETHAND restored the default action and SA_NODEFER left the signal
  // unblocked: raising it again ends the process as the signal would have.
  ::raise(signal_number);
}

}  // namespace

void install_crash_report() {
  struct sigaction action {};
  action.sa_handler = on_fatal_signal;
  action.sa_flags = SA_RESETHAND | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  for (const int signal_number : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) {
    ::sigaction(signal_number, &action, nullptr);
  }
}

}  // namespace wsx::app
