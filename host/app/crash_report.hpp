// The fatal-signal report: plugins run unisolated in the host process, so a
// plugin that crashes takes the host down. Before it goes, the host names
// the plugin call that was running on the faulting thread (plugin, version,
// function, peer), so the operator knows which plugin to blame.
#pragma once

namespace wsx::app {

// Installs the handler for SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT. It
// writes one line to stderr with async-signal-safe calls only, then
// re-raises the signal with its default action (so a core dump and the
// exit status by signal stay as they would be).
void install_crash_report();

}  // namespace wsx::app
