#!/usr/bin/python3
"""Interop: a slow reader behind the proxy app (issue 14).

A python-websockets 10.4 upstream sends 64 KiB messages as fast as wsx takes
them to a client that never reads. wsx stops reading the upstream once half
of max_send_queue waits for the client, and, the client having taken
nothing for close_timeout, sends it Close 1008 ahead of the dropped backlog
(the same slow-reader rule as the echo and broadcast apps); the upstream is
told 1001. idle_timeout is off, so nothing else closes the client.

  /usr/bin/python3 tests/interop/proxy_slow_reader_interop.py \\
      --host-bin build/x/host/wsx-host --plugin build/x/.../wsx_permessage_deflate.so
Exit status 1 on any failure.
"""

import argparse
import asyncio
import base64
import os
import socket
import struct
import sys
import threading
import time

import websockets
from websockets.exceptions import ConnectionClosed

from wsx_host_process import WsxHost, toml_value

CLOSE_TIMEOUT = 2.0


def proxy_config(plugin, upstream_url):
    return f"""[server]
address = "127.0.0.1"
port = 0
app = "proxy"
log_level = "info"

[server.limits]
max_send_queue = "256 KiB"
idle_timeout = "0s"
close_timeout = "2s"

[server.proxy]
upstream = {toml_value(upstream_url)}

[[plugin]]
path = {toml_value(os.path.abspath(plugin))}
"""


def raw_client(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n" % key).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        if not chunk:
            raise RuntimeError("closed during the handshake")
        head += chunk
    if not head.startswith(b"HTTP/1.1 101"):
        raise RuntimeError("no 101: %r" % head)
    return sock


def read_until_close(sock, timeout):
    """(data frames seen, close code or None)."""
    sock.settimeout(timeout)
    buf = b""
    frames = 0
    while True:
        while len(buf) >= 2:
            length, offset = buf[1] & 0x7F, 2
            if length == 126:
                if len(buf) < 4:
                    break
                length, offset = struct.unpack("!H", buf[2:4])[0], 4
            elif length == 127:
                if len(buf) < 10:
                    break
                length, offset = struct.unpack("!Q", buf[2:10])[0], 10
            if len(buf) < offset + length:
                break
            if buf[0] & 0x0F == 0x8:
                payload = buf[offset:offset + length]
                return frames, struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
            frames += 1
            buf = buf[offset + length:]
        try:
            chunk = sock.recv(1 << 20)
        except (socket.timeout, OSError):
            return frames, None
        if not chunk:
            return frames, None
        buf += chunk


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host-bin", required=True)
    parser.add_argument("--plugin", required=True)
    args = parser.parse_args()

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)  # websockets 10.4 serves on the current loop
    upstream_close = {}

    async def flood(ws, _path=None):
        message = b"u" * 65536
        try:
            for _ in range(1024):  # 64 MiB at most
                await ws.send(message)
        except ConnectionClosed as closed:
            upstream_close["code"] = closed.code

    server = loop.run_until_complete(websockets.serve(flood, "127.0.0.1", 0))
    upstream_port = server.sockets[0].getsockname()[1]
    threading.Thread(target=loop.run_forever, daemon=True).start()

    failures = []
    config = proxy_config(args.plugin, "ws://127.0.0.1:%d/" % upstream_port)
    with WsxHost(args.host_bin, args.plugin, config_text=config) as host:
        try:
            client = raw_client(host.port)
        except RuntimeError:
            print(host.log_text())
            raise
        start = time.monotonic()
        line = host.wait_for_log(r"slow peer peer=127\.0\.0\.1:", timeout=CLOSE_TIMEOUT + 8)
        waited = time.monotonic() - start
        if line is None:
            failures.append("no slow-peer Close within %.0f s" % (CLOSE_TIMEOUT + 8))
        elif waited < CLOSE_TIMEOUT:
            failures.append("closed after %.2f s, before close_timeout" % waited)
        frames, code = read_until_close(client, 5)
        if code != 1008:
            failures.append("expected Close 1008 after %d frames, got %r" % (frames, code))
        print("proxy slow reader: Close %r after %.2f s (close_timeout %.0f s), %d frames before it"
              % (code, waited, CLOSE_TIMEOUT, frames))
        deadline = time.monotonic() + 5
        while "code" not in upstream_close and time.monotonic() < deadline:
            time.sleep(0.05)
        if upstream_close.get("code") != 1001:
            failures.append("the upstream saw %r, expected 1001" % upstream_close.get("code"))
        client.close()
    loop.call_soon_threadsafe(server.close)
    for failure in failures:
        print("FAIL: " + failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
