#!/usr/bin/python3
"""Interop: wsx-host as a proxy (server.app = "proxy") between
python-websockets (Debian's 10.4) clients and a python-websockets upstream
server that nobody here wrote, over real loopback sockets.

  /usr/bin/python3 tests/interop/proxy_interop.py \
      --host-bin build/x/host/wsx-host --plugin build/x/.../wsx_permessage_deflate.so

Cases (issue 9 part 2):
  - permessage-deflate terminated at wsx towards the client, the upstream
    plain; then deflate on both sides (wsx offers it upstream as the client);
    each echoes every size of the matrix, text and binary, byte for byte;
  - the subprotocol offer goes upstream and the upstream's choice comes back;
  - X-Forwarded-For, X-Forwarded-Proto, Forwarded and Origin reach the upstream;
  - upstream down: the client gets HTTP 502 (never a 101 and a close);
  - upstream refusing the handshake: 403 -> 502, its own 503 -> 503;
  - upstream silent after connect: 504 at [server.proxy] handshake_timeout;
  - upstream closing with 4001: the client sees 4001 and its reason;
  - upstream dying mid-connection: the client gets 1014 (bad gateway);
  - a client vanishing mid-connection (TCP reset, or its process killed):
    the upstream gets a Close with 1001 (going away: the 1006 the client
    side saw is not sendable, RFC 6455 section 7.4.1), and the proxy goes
    on serving other connections;
  - a client message over max_message_size: 1009 to the client, and the
    upstream never receives it; another proxied connection goes on.
Exit status 1 on any failure.
"""

import argparse
import asyncio
import http
import json
import os
import signal
import socket
import struct
import subprocess
import sys

import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatusCode

from interop_payloads import message_matrix
from wsx_host_process import WsxHost, toml_value

CASE_TIMEOUT = 30.0
MAX_SIZE = 4 << 20  # the proxy's max_message_size in this test


def proxy_config(plugin, upstream_url, extensions, handshake_timeout="2s"):
    exts = ", ".join(toml_value(e) for e in extensions)
    return f"""[server]
address = "127.0.0.1"
port = 0
app = "proxy"
log_level = "info"

[server.limits]
max_message_size = "{MAX_SIZE // (1 << 20)} MiB"
close_timeout = "5s"

[server.proxy]
upstream = {toml_value(upstream_url)}
connect_timeout = "2s"
handshake_timeout = {toml_value(handshake_timeout)}
extensions = [{exts}]

[[plugin]]
path = {toml_value(os.path.abspath(plugin))}
"""


class Upstream:
    """A python-websockets server: echo, plus paths that misbehave on purpose."""

    def __init__(self, compression):
        self.compression = compression
        self.received_sizes = []  # sizes of messages the upstream got
        self.last_headers = None
        self.last_extensions = None
        self.vanish_codes = []  # close codes /record connections ended with
        self.server = None
        self.port = None

    async def process_request(self, path, headers):
        if path.startswith("/refuse403"):
            return http.HTTPStatus.FORBIDDEN, [], b"forbidden\n"
        if path.startswith("/refuse503"):
            return http.HTTPStatus.SERVICE_UNAVAILABLE, [], b"busy\n"
        return None

    async def handler(self, ws, path):
        self.last_headers = ws.request_headers
        self.last_extensions = ws.response_headers.get("Sec-WebSocket-Extensions")
        if path.startswith("/close4001"):
            await ws.close(4001, "upstream says bye")
            return
        if path.startswith("/die"):
            await ws.recv()
            ws.transport.abort()  # TCP reset mid-connection, no Close
            return
        if path.startswith("/record"):
            try:
                async for message in ws:
                    await ws.send(message)
            except ConnectionClosed:
                pass
            self.vanish_codes.append(ws.close_code)
            return
        if path.startswith("/headers"):
            await ws.send(json.dumps({k: v for k, v in ws.request_headers.raw_items()}))
        try:
            async for message in ws:
                self.received_sizes.append(len(message))
                await ws.send(message)
        except ConnectionClosed:
            pass

    async def __aenter__(self):
        self.server = await websockets.serve(
            self.handler,
            "127.0.0.1",
            0,
            compression=self.compression,
            max_size=None,
            subprotocols=["chat.v2", "chat.v1"],
            process_request=self.process_request,
        )
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc):
        self.server.close()
        await self.server.wait_closed()


def check(condition, what):
    if not condition:
        raise AssertionError(what)


async def echo_matrix(url, expect_client_ext, upstream, expect_upstream_ext):
    async with websockets.connect(url, max_size=None, compression="deflate") as ws:
        ext = ws.response_headers.get("Sec-WebSocket-Extensions") or ""
        check(ext.startswith(expect_client_ext), f"client extensions {ext!r}")
        for _label, payload in message_matrix(large=True):
            await ws.send(payload)
            echo = await ws.recv()
            check(type(echo) is type(payload) and echo == payload,
                  f"echo of {type(payload).__name__} {len(payload)} bytes differs")
        up = upstream.last_extensions or ""
        check(up.startswith(expect_upstream_ext) if expect_upstream_ext else up == "",
              f"upstream side negotiated {up!r}")
        await ws.close()
        check(ws.close_code == 1000, f"close code {ws.close_code}")


async def expect_status(url, status):
    try:
        async with websockets.connect(url, open_timeout=10):
            pass
    except InvalidStatusCode as error:
        check(error.status_code == status, f"{url}: status {error.status_code}, want {status}")
        return
    raise AssertionError(f"{url}: connected, want HTTP {status}")


async def wait_for_close_code(upstream, count):
    for _ in range(100):  # 10 s at most
        if len(upstream.vanish_codes) > count:
            return upstream.vanish_codes[count]
        await asyncio.sleep(0.1)
    raise AssertionError("the upstream connection did not end")


# A client in its own process: a raw opening handshake, one echo, then it
# waits to be killed (the kernel then closes its socket with a FIN, no Close
# frame; the "reset" case covers RST).
KILLED_CLIENT = r'''
import base64, os, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
key = base64.b64encode(os.urandom(16)).decode()
s.sendall(("GET /record HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
           "Connection: Upgrade\r\nSec-WebSocket-Key: " + key +
           "\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
head = b""
while b"\r\n\r\n" not in head:
    head += s.recv(4096)
assert head.startswith(b"HTTP/1.1 101"), head
s.sendall(bytes([0x81, 0x82, 1, 2, 3, 4]) + bytes([ord("h") ^ 1, ord("i") ^ 2]))
echo = head.split(b"\r\n\r\n", 1)[1]
while len(echo) < 4:  # read the echo: nothing unread, so the kill sends FIN
    echo += s.recv(4096)
assert echo == bytes([0x81, 2]) + b"hi", echo
print("open", flush=True)
sys.stdin.read()
'''


async def client_vanishes(base, host, upstream, how):
    count = len(upstream.vanish_codes)
    if how == "reset":
        ws = await websockets.connect(base + "/record")
        await ws.send("hi")
        check(await ws.recv() == "hi", "echo before the reset")
        # SO_LINGER 0: close() sends RST, not FIN (RFC 793 ABORT).
        ws.transport.get_extra_info("socket").setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        ws.transport.abort()
    else:
        child = subprocess.Popen([sys.executable, "-c", KILLED_CLIENT, str(host.port)],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            line = await asyncio.wait_for(asyncio.to_thread(child.stdout.readline), 10)
            check(line.strip() == "open", f"child client: {line!r}")
            child.send_signal(signal.SIGKILL)
        finally:
            child.kill()
            child.wait(timeout=10)
    code = await wait_for_close_code(upstream, count)
    check(code == 1001, f"upstream saw close code {code}, want 1001")
    check(host.running(), "the proxy exited")
    async with websockets.connect(base + "/echo") as other:
        await other.send("still here")
        check(await other.recv() == "still here", "another connection after the vanish")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def run(args):
    failures = 0

    async def case(name, coro):
        nonlocal failures
        try:
            await asyncio.wait_for(coro, CASE_TIMEOUT)
            print(f"ok   {name}")
        except Exception as error:  # report every case, then fail
            failures += 1
            print(f"FAIL {name}: {type(error).__name__}: {error}")

    async with Upstream(compression=None) as plain, Upstream(compression="deflate") as deflating:
        plain_url = f"ws://127.0.0.1:{plain.port}/"
        with WsxHost(args.host_bin, None, config_text=proxy_config(args.plugin, plain_url, [])) as host:
            base = f"ws://127.0.0.1:{host.port}"
            await case("deflate at wsx, plain upstream",
                       echo_matrix(base + "/echo", "permessage-deflate", plain, None))

            async def subprotocol():
                async with websockets.connect(base + "/", subprotocols=["chat.v1", "x"]) as ws:
                    check(ws.subprotocol == "chat.v1", f"subprotocol {ws.subprotocol!r}")

            await case("subprotocol passes through", subprotocol())

            async def forwarded():
                async with websockets.connect(base + "/headers", origin="http://app.test") as ws:
                    seen = json.loads(await ws.recv())
                    check(seen.get("X-Forwarded-For") == "127.0.0.1", f"XFF {seen}")
                    check(seen.get("X-Forwarded-Proto") == "http", "X-Forwarded-Proto")
                    check("for=127.0.0.1" in seen.get("Forwarded", ""), "Forwarded")
                    check(seen.get("Origin") == "http://app.test", "Origin")

            await case("forwarded headers and Origin", forwarded())
            await case("upstream 403 -> 502", expect_status(base + "/refuse403", 502))
            await case("upstream 503 -> 503", expect_status(base + "/refuse503", 503))

            async def close_4001():
                async with websockets.connect(base + "/close4001") as ws:
                    try:
                        await ws.recv()
                    except ConnectionClosed:
                        pass
                    check(ws.close_code == 4001, f"close code {ws.close_code}")
                    check(ws.close_reason == "upstream says bye", f"reason {ws.close_reason!r}")

            await case("upstream closes with 4001", close_4001())

            async def dies():
                async with websockets.connect(base + "/die") as ws:
                    await ws.send("hello")
                    try:
                        await ws.recv()
                    except ConnectionClosed:
                        pass
                    check(ws.close_code == 1014, f"close code {ws.close_code}")

            await case("upstream dies mid-connection -> 1014", dies())
            await case("client reset mid-connection -> upstream 1001",
                       client_vanishes(base, host, plain, "reset"))
            await case("client killed mid-connection -> upstream 1001",
                       client_vanishes(base, host, plain, "kill"))

            async def bomb():
                async with websockets.connect(base + "/echo", max_size=None) as other:
                    async with websockets.connect(base + "/echo", max_size=None,
                                                  compression=None) as ws:
                        before = list(plain.received_sizes)
                        await ws.send(b"x" * (MAX_SIZE + 1))
                        try:
                            await ws.recv()
                        except ConnectionClosed:
                            pass
                        check(ws.close_code == 1009, f"close code {ws.close_code}")
                        check(MAX_SIZE + 1 not in plain.received_sizes[len(before):],
                              "the oversized message reached the upstream")
                    await other.send("still here")
                    check(await other.recv() == "still here", "other connection")

            await case("oversized message -> 1009, never upstream", bomb())

        deflate_url = f"ws://127.0.0.1:{deflating.port}/"
        cfg = proxy_config(args.plugin, deflate_url, ["permessage-deflate"])
        with WsxHost(args.host_bin, None, config_text=cfg) as host:
            await case("deflate on both sides",
                       echo_matrix(f"ws://127.0.0.1:{host.port}/", "permessage-deflate",
                                   deflating, "permessage-deflate"))

    down = f"ws://127.0.0.1:{free_port()}/"
    with WsxHost(args.host_bin, None, config_text=proxy_config(args.plugin, down, [])) as host:
        await case("upstream down -> 502", expect_status(f"ws://127.0.0.1:{host.port}/", 502))

    # An upstream that accepts TCP and never answers: 504 at handshake_timeout.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    silent_url = f"ws://127.0.0.1:{silent.getsockname()[1]}/"
    cfg = proxy_config(args.plugin, silent_url, [], handshake_timeout="1s")
    with WsxHost(args.host_bin, None, config_text=cfg) as host:
        await case("silent upstream -> 504", expect_status(f"ws://127.0.0.1:{host.port}/", 504))
    silent.close()

    return failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host-bin", required=True)
    parser.add_argument("--plugin", required=True)
    args = parser.parse_args()
    failures = asyncio.run(run(args))
    print("all proxy cases passed" if failures == 0 else f"{failures} proxy case(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
