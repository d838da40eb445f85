#include "support/host_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#ifndef WSX_HOST_BINARY
#error "WSX_HOST_BINARY must name the wsx-host executable"
#endif

namespace wsx::integration {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

fs::path make_temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "wsx-integration-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  }
  return pattern;
}

std::string read_whole(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The port of the first "listening on 127.0.0.1:PORT" in `log`, or 0.
std::uint16_t listening_port(const std::string& log) {
  static constexpr std::string_view marker = "listening on 127.0.0.1:";
  const std::size_t at = log.find(marker);
  if (at == std::string::npos) return 0;
  unsigned long port = 0;
  std::size_t digits = 0;
  for (std::size_t i = at + marker.size(); i < log.size() && digits < 6; ++i, ++digits) {
    const char c = log[i];
    if (c < '0' || c > '9') break;
    port = port * 10 + static_cast<unsigned long>(c - '0');
  }
  if (digits == 0 || digits > 5 || port == 0 || port > 65535) return 0;
  return static_cast<std::uint16_t>(port);
}

// Runs in the child between fork and exec: async-signal-safe calls only.
[[noreturn]] void exec_host(char* const* argv, int log_fd, int null_fd, pid_t parent) {
  // The host must not outlive a test process that crashes or is killed.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);
  ::dup2(null_fd, STDIN_FILENO);
  ::dup2(log_fd, STDOUT_FILENO);
  ::dup2(log_fd, STDERR_FILENO);
  ::execv(argv[0], argv);
  ::_exit(127);
}

}  // namespace

HostProcess::HostProcess(const HostConfig& config, std::chrono::milliseconds startup_timeout)
    : dir_(make_temp_dir()), log_file_(dir_ / "host.log") {
  const fs::path config_file = dir_ / "wsx.toml";
  std::ofstream(config_file, std::ios::binary) << config.to_toml();

  std::vector<std::string> args{WSX_HOST_BINARY, "--config", config_file.string(), "--listen",
                                "127.0.0.1:0"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const int log_fd = ::open(log_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (log_fd < 0 || null_fd < 0) throw std::runtime_error("cannot open the host's log file");
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ == 0) exec_host(argv.data(), log_fd, null_fd, parent);
  ::close(log_fd);
  ::close(null_fd);
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));

  // Polls the log: the host writes the line once its acceptor is open.
  const auto deadline = std::chrono::steady_clock::now() + startup_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    port_ = listening_port(log());
    if (port_ != 0) return;
    if (!running()) break;
    std::this_thread::sleep_for(5ms);
  }
  const std::string output = log();
  stop();
  std::error_code ignored;
  fs::remove_all(dir_, ignored);  // no destructor runs for a throwing constructor
  throw std::runtime_error("wsx-host did not report \"listening on 127.0.0.1:PORT\"; output:\n" +
                           output + "\nconfig:\n" + config.to_toml());
}

HostProcess::~HostProcess() {
  stop();
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::string HostProcess::log() const {
  return read_whole(log_file_);
}

void HostProcess::reap(int wait_status) {
  ExitStatus status;
  status.exited = WIFEXITED(wait_status);
  status.code = status.exited ? WEXITSTATUS(wait_status) : WTERMSIG(wait_status);
  exit_ = status;
}

bool HostProcess::running() {
  if (exit_ || pid_ <= 0) return false;
  int wait_status = 0;
  const pid_t done = ::waitpid(pid_, &wait_status, WNOHANG);
  if (done == pid_) reap(wait_status);
  return !exit_;
}

std::optional<long> HostProcess::status_kib(const std::string& field) const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) != 0) continue;
    std::istringstream value(line.substr(field.size() + 1));
    long kib = 0;
    if (value >> kib) return kib;
  }
  return std::nullopt;
}

ExitStatus HostProcess::stop(std::chrono::milliseconds timeout) {
  stop_requested_ = true;
  if (!running()) return exit_.value_or(ExitStatus{});
  ::kill(pid_, SIGTERM);
  return wait_for_exit(timeout);
}

ExitStatus HostProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  stop_requested_ = true;
  if (!running()) return exit_.value_or(ExitStatus{});
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running()) return *exit_;
    std::this_thread::sleep_for(5ms);
  }
  ::kill(pid_, SIGKILL);
  int wait_status = 0;
  if (::waitpid(pid_, &wait_status, 0) == pid_) reap(wait_status);
  if (!exit_) exit_ = ExitStatus{};
  exit_->needed_sigkill = true;
  return *exit_;
}

}  // namespace wsx::integration
