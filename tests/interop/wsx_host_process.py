"""Runs a real wsx-host process for an interop test.

The host gets a temporary TOML config naming the permessage-deflate plugin by
its absolute path (a relative path would be resolved against the temporary
folder), listens on 127.0.0.1 port 0, and is found through its
"listening on 127.0.0.1:PORT" log line. stop() sends SIGTERM and returns the
exit status: 0 means the graceful shutdown completed.
"""

import os
import re
import signal
import subprocess
import tempfile
import threading
import time

_LISTENING = re.compile(r"listening on 127\.0\.0\.1:(\d+)")


def toml_value(value):
    """A Python bool/int/str as a TOML value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def make_config(plugin_path, plugin_params=None, log_level="info", extra_server_toml=""):
    """The TOML text of a config with one permessage-deflate [[plugin]] entry
    (or none when plugin_path is None); `extra_server_toml` (e.g. a
    [server.tls] table) goes after [server.limits]."""
    lines = [
        "[server]",
        'address = "127.0.0.1"',
        "port = 0",
        'app = "echo"',
        f'log_level = "{log_level}"',
        "",
        "[server.limits]",
        'max_message_size = "16 MiB"',
        'idle_timeout = "30s"',
        'close_timeout = "5s"',
    ]
    if extra_server_toml:
        lines += ["", extra_server_toml.rstrip("\n")]
    if plugin_path is not None:
        lines += ["", "[[plugin]]", f"path = {toml_value(os.path.abspath(plugin_path))}"]
        if plugin_params:
            lines.append("[plugin.params]")
            lines += [f"{key} = {toml_value(value)}" for key, value in plugin_params.items()]
    return "\n".join(lines) + "\n"


class WsxHost:
    """A wsx-host child process; use as a context manager."""

    def __init__(
        self,
        host_bin,
        plugin_path,
        plugin_params=None,
        start_timeout=10.0,
        extra_server_toml="",
        config_dir=None,
        config_text=None,
        extra_args=(),
    ):
        """`config_dir`: write wsx.toml there (relative paths in
        `extra_server_toml` resolve against it) instead of a new temp dir.
        `config_text`: a whole config of the caller's, used as it is.
        `extra_args`: more wsx-host arguments (e.g. --log-format json)."""
        self.extra_args = list(extra_args)
        self.host_bin = host_bin
        self.config_text = config_text or make_config(
            plugin_path, plugin_params, extra_server_toml=extra_server_toml
        )
        self.config_dir = config_dir
        self.start_timeout = start_timeout
        self.port = None
        self.log = []
        self._log_lock = threading.Lock()
        self._log_grew = threading.Condition(self._log_lock)
        self._port_found = threading.Event()
        self._tempdir = None
        self._process = None
        self._reader = None
        self.exit_code = None

    def __enter__(self):
        if self.config_dir is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="wsx-interop-")
        folder = self.config_dir if self.config_dir is not None else self._tempdir.name
        config_path = os.path.join(folder, "wsx.toml")
        with open(config_path, "w", encoding="utf-8") as config_file:
            config_file.write(self.config_text)
        self._process = subprocess.Popen(
            [self.host_bin, "--config", config_path, "--listen", "127.0.0.1:0"] + self.extra_args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        # Drain the log continuously: a full pipe would block the host.
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()
        if not self._port_found.wait(self.start_timeout):
            self._kill()
            raise RuntimeError(
                "wsx-host did not log 'listening on 127.0.0.1:PORT' within "
                f"{self.start_timeout} s; log:\n" + self.log_text()
            )
        return self

    @property
    def pid(self):
        """The host's process id (e.g. to read /proc/PID/status)."""
        return self._process.pid

    def __exit__(self, exc_type, exc, tb):
        if self._process is not None and self._process.poll() is None:
            self._kill()
        if self._tempdir is not None:
            self._tempdir.cleanup()
        return False

    def _read_log(self):
        for line in self._process.stdout:
            with self._log_grew:
                self.log.append(line.rstrip("\n"))
                self._log_grew.notify_all()
            match = _LISTENING.search(line)
            if match and self.port is None:
                self.port = int(match.group(1))
                self._port_found.set()

    def _kill(self):
        self._process.kill()
        self._process.wait(timeout=10)

    def log_text(self):
        with self._log_lock:
            return "\n".join(self.log)

    def running(self):
        return self._process.poll() is None

    def wait_for_log(self, pattern, timeout=10.0, after=0):
        """Waits (bounded) for a log line matching the regex `pattern` among
        lines from index `after` on; returns the line or None."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._log_grew:
            while True:
                for line in self.log[after:]:
                    if regex.search(line):
                        return line
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._log_grew.wait(left)

    def log_count(self):
        with self._log_lock:
            return len(self.log)

    def signal(self, signum):
        self._process.send_signal(signum)

    def stop(self, timeout=10.0):
        """SIGTERM, then wait; returns the exit code (None if it had to be
        killed because it did not stop within `timeout`)."""
        self._process.send_signal(signal.SIGTERM)
        try:
            self.exit_code = self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._kill()
            self.exit_code = None
        self._reader.join(timeout=5)
        return self.exit_code

