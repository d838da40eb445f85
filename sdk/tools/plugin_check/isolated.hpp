// Runs one group of checks in a forked child: a plugin that crashes or
// hangs fails that group, and the report goes on.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include "report.hpp"

namespace wsx::plugin_check {

template <class Checks>
void run_isolated(const char* group, int timeout_seconds, Report& report, Checks&& checks) {
  std::fflush(stdout);
  int counts_pipe[2];
  if (::pipe(counts_pipe) != 0) {
    report.fail(group, "pipe failed", "run the checker where it may create pipes");
    return;
  }
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(counts_pipe[0]);
    ::close(counts_pipe[1]);
    report.fail(group, "fork failed", "run the checker where it may create processes");
    return;
  }
  if (child == 0) {
    ::alarm(static_cast<unsigned>(timeout_seconds));  // a hung plugin ends with SIGALRM
    Report mine;
    try {
      checks(mine);
    } catch (const std::exception& error) {
      mine.fail(group, std::string("unexpected exception: ") + error.what(),
                "the plugin refused something the checks above did not expect");
    }
    std::fflush(stdout);
    const int counts[2] = {mine.passed(), mine.failed()};
    const bool sent = ::write(counts_pipe[1], counts, sizeof counts) == sizeof counts;
    std::_Exit(sent ? 0 : 1);
  }
  ::close(counts_pipe[1]);
  int counts[2] = {0, 0};
  const bool received = ::read(counts_pipe[0], counts, sizeof counts) == sizeof counts;
  ::close(counts_pipe[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
  }
  if (WIFEXITED(status) && received) {
    report.add(counts[0], counts[1]);
  } else if (WIFSIGNALED(status)) {
    const int signal_number = WTERMSIG(status);
    report.fail(group,
                std::string("the plugin crashed the process: ") +
                    (signal_number == SIGALRM ? "timed out (a call never returned)"
                                              : strsignal(signal_number)),
                "run this group under gdb or AddressSanitizer; in wsx-host this crash would take "
                "every connection down");
  } else {
    report.fail(group, "the checks ended without a result", "run this group under gdb");
  }
}

}  // namespace wsx::plugin_check
