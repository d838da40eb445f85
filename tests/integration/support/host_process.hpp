// The wsx-host executable as a child process: started with a temp config and
// `--listen 127.0.0.1:0`, its port read from the "listening on
// 127.0.0.1:PORT" log line, stopped with SIGTERM (SIGKILL if it does not
// exit in time). Its stdout and stderr go to a file the test can read.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "support/host_config.hpp"

namespace wsx::integration {

struct ExitStatus {
  bool exited = false;  // false: killed by a signal (or still running)
  int code = -1;        // exit code, or the signal number when !exited
  bool needed_sigkill = false;
};

class HostProcess {
 public:
  // Starts the host and waits (up to `startup_timeout`) until it listens.
  // Throws std::runtime_error, with the host's output, if it does not.
  explicit HostProcess(const HostConfig& config,
                       std::chrono::milliseconds startup_timeout = std::chrono::seconds(10));
  ~HostProcess();
  HostProcess(const HostProcess&) = delete;
  HostProcess& operator=(const HostProcess&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  // Everything the host wrote so far.
  [[nodiscard]] std::string log() const;
  // True while the process has not exited.
  [[nodiscard]] bool running();
  // A field of /proc/<pid>/status in KiB ("VmHWM", "VmRSS").
  [[nodiscard]] std::optional<long> status_kib(const std::string& field) const;

  // True once stop() was called: the test meant the host to exit.
  [[nodiscard]] bool stop_requested() const noexcept { return stop_requested_; }

  // SIGTERM, then waits up to `timeout` (SIGKILL after that). Idempotent.
  ExitStatus stop(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // For a host already told to stop (a signal the test sent itself): waits
  // up to `timeout` for it to exit on its own, SIGKILL after that. Sends no
  // second SIGTERM, which would kill a host that is already on its way out.
  ExitStatus wait_for_exit(std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  void reap(int wait_status);

  std::filesystem::path dir_;
  std::filesystem::path log_file_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::optional<ExitStatus> exit_;
  bool stop_requested_ = false;
};

}  // namespace wsx::integration
