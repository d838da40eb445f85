"""Shared pieces of the hostile-load probes (issue 14): start a wsx-host with a
config, raw WebSocket clients over loopback, and the host's memory.

Not a test: the probes print figures for a before/after comparison (see
README.md in this folder). Debian's /usr/bin/python3, standard library only.
"""
import base64
import os
import re
import socket
import struct
import subprocess
import tempfile
import time


class Host:
    """wsx-host on 127.0.0.1:0 with `config` (TOML text, [server] and
    [server.limits] as the probe wants); stopped with SIGTERM on exit."""

    def __init__(self, binary, config):
        self.dir = tempfile.mkdtemp(prefix="wsx-probe-")
        path = os.path.join(self.dir, "wsx.toml")
        with open(path, "w") as f:
            f.write(config)
        self.log_path = os.path.join(self.dir, "host.log")
        self.log_file = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [binary, "--config", path, "--listen", "127.0.0.1:0"],
            stdout=self.log_file, stderr=subprocess.STDOUT)
        self.port = None
        deadline = time.monotonic() + 10
        while self.port is None and time.monotonic() < deadline:
            found = re.search(r"listening on 127\.0\.0\.1:(\d+)", self.log())
            if found:
                self.port = int(found.group(1))
            else:
                time.sleep(0.02)
        if self.port is None:
            self.stop()
            raise RuntimeError("wsx-host did not start:\n" + self.log())

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def status_kib(self, field):
        with open("/proc/%d/status" % self.process.pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        return None

    def cpu_seconds(self):
        with open("/proc/%d/stat" % self.process.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def host_config(app="echo", io_threads=1, limits=None, plugins=()):
    text = ('[server]\naddress = "127.0.0.1"\nport = 0\napp = "%s"\n'
            'log_level = "info"\nio_threads = %d\n\n[server.limits]\n' % (app, io_threads))
    for key, value in (limits or {}).items():
        text += '%s = "%s"\n' % (key, value)
    for plugin in plugins:
        text += '\n[[plugin]]\npath = "%s"\n' % plugin
    return text


def handshake(port, extensions=None, timeout=10.0):
    """A connected socket after a 101 (raises otherwise), and the time the
    handshake took in seconds."""
    start = time.monotonic()
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    key = base64.b64encode(os.urandom(16)).decode()
    request = ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
               "Sec-WebSocket-Version: 13\r\n" % key)
    if extensions:
        request += "Sec-WebSocket-Extensions: %s\r\n" % extensions
    sock.sendall((request + "\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            raise RuntimeError("closed during the handshake")
        head += chunk
    if not head.startswith(b"HTTP/1.1 101"):
        raise RuntimeError("no 101: %r" % head[:80])
    return sock, time.monotonic() - start


def frame(opcode, payload, fin=True, rsv1=False):
    """A client frame with an all-zero mask (legal: RFC 6455 section 5.3
    asks for an unpredictable key, which the server cannot check)."""
    first = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    n = len(payload)
    if n < 126:
        header = struct.pack("!BB", first, 0x80 | n)
    elif n < 65536:
        header = struct.pack("!BBH", first, 0x80 | 126, n)
    else:
        header = struct.pack("!BBQ", first, 0x80 | 127, n)
    return header + b"\0\0\0\0" + payload


def read_close_code(sock, timeout):
    """Reads (and drops) frames until a Close; its code, None on EOF or
    timeout."""
    sock.settimeout(timeout)
    buf = b""
    try:
        while True:
            while len(buf) >= 2:
                length = buf[1] & 0x7F
                offset = 2
                if length == 126:
                    if len(buf) < 4:
                        break
                    length = struct.unpack("!H", buf[2:4])[0]
                    offset = 4
                elif length == 127:
                    if len(buf) < 10:
                        break
                    length = struct.unpack("!Q", buf[2:10])[0]
                    offset = 10
                if len(buf) < offset + length:
                    break
                if buf[0] & 0x0F == 0x8:
                    payload = buf[offset:offset + length]
                    return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                buf = buf[offset + length:]
            chunk = sock.recv(1 << 20)
            if not chunk:
                return None
            buf += chunk
    except (socket.timeout, OSError):
        return None
