#!/usr/bin/python3
"""Interop: wsx-host as a proxy in front of a wss:// (TLS) upstream, a
python-websockets 10.4 server with an ssl context, over real loopback
sockets. The PKI is made at test time by openssl (tls_test_pki.py); no
private key is committed.

  /usr/bin/python3 tests/interop/proxy_wss_upstream_interop.py \\
      --host-bin build/x/host/wsx-host --plugin build/x/.../wsx_permessage_deflate.so

Cases ([server.proxy] upstream = "wss://127.0.0.1:PORT/", ca = "ca.pem"
relative to the config file):
  - a plain ws:// client with permessage-deflate terminated at wsx echoes
    every size of the matrix (0 .. 1 MiB and a 3 MiB one) through TLS;
  - the same with the client on wss:// too ([server.tls]), and deflate
    offered upstream as well (both sides negotiated);
  - a 24 MiB message streamed as 1 MiB fragments both ways, SHA-256 checked;
  - an upstream that asks for a client certificate: accepted with
    [server.proxy] certificate/private_key, 502 without;
  - the upstream's certificate from another CA, or not naming 127.0.0.1:
    the client gets HTTP 502 and the log names the verification reason;
  - the upstream dying mid-connection: the client gets 1014;
  - an upstream that accepts TCP but never answers the ClientHello: 504 at
    handshake_timeout (the TLS handshake counts against it);
  - --check-config reports the upstream CA, and fails naming
    server.proxy.ca when that file is missing.
Exit status 1 on any failure.
"""

import argparse
import asyncio
import hashlib
import os
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import time

import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatusCode

from interop_payloads import message_matrix
from tls_test_pki import make_leaf_certificate, make_pki
from wsx_host_process import WsxHost, toml_value

CASE_TIMEOUT = 60.0
CHUNK = 1 << 20
STREAM_MIB = 24


def proxy_config(plugin, upstream_url, extensions=(), proxy_tls="", server_tls="",
                 handshake_timeout="3s"):
    exts = ", ".join(toml_value(e) for e in extensions)
    return f"""[server]
address = "127.0.0.1"
port = 0
app = "proxy"
log_level = "info"

[server.limits]
max_message_size = "32 MiB"
close_timeout = "5s"
{server_tls}
[server.proxy]
upstream = {toml_value(upstream_url)}
connect_timeout = "2s"
handshake_timeout = {toml_value(handshake_timeout)}
extensions = [{exts}]
{proxy_tls}
[[plugin]]
path = {toml_value(os.path.abspath(plugin))}
"""


def server_context(pki, name="server", client_ca=None):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.path.join(pki, f"{name}.pem"), os.path.join(pki, f"{name}.key"))
    if client_ca is not None:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(os.path.join(pki, client_ca))
    return context


class Upstream:
    """A python-websockets wss:// server: echo, /die resets mid-connection."""

    def __init__(self, context, compression=None):
        self.context = context
        self.compression = compression
        self.last_extensions = None
        self.server = None
        self.port = None

    async def handler(self, ws, path):
        self.last_extensions = ws.response_headers.get("Sec-WebSocket-Extensions")
        if path.startswith("/die"):
            await ws.recv()
            ws.transport.abort()  # no Close, no close_notify
            return
        try:
            async for message in ws:
                if isinstance(message, bytes) and len(message) > 4 * CHUNK:
                    # The streaming case: its digest up, then the same back
                    # as a fragmented message.
                    await ws.send(hashlib.sha256(message).hexdigest())
                    await ws.send(message[i:i + CHUNK] for i in range(0, len(message), CHUNK))
                    continue
                await ws.send(message)
        except ConnectionClosed:
            pass

    async def __aenter__(self):
        self.server = await websockets.serve(
            self.handler, "127.0.0.1", 0, ssl=self.context, compression=self.compression,
            max_size=None,
        )
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc):
        self.server.close()
        await self.server.wait_closed()

    @property
    def url(self):
        return f"wss://127.0.0.1:{self.port}/"


def check(condition, what):
    if not condition:
        raise AssertionError(what)


async def echo_matrix(url, upstream, expect_upstream_ext, client_ssl=None):
    async with websockets.connect(url, max_size=None, compression="deflate",
                                  ssl=client_ssl) as ws:
        ext = ws.response_headers.get("Sec-WebSocket-Extensions") or ""
        check(ext.startswith("permessage-deflate"), f"client extensions {ext!r}")
        up = upstream.last_extensions or ""
        check(up.startswith(expect_upstream_ext) if expect_upstream_ext else up == "",
              f"upstream side negotiated {up!r}")
        for label, payload in message_matrix(large=True):
            await ws.send(payload)
            echo = await ws.recv()
            check(type(echo) is type(payload) and echo == payload, f"echo of {label} differs")
        await ws.close()
        check(ws.close_code == 1000, f"close code {ws.close_code}")


async def stream(url):
    parts = [bytes([i % 251]) * CHUNK for i in range(STREAM_MIB)]
    digest = hashlib.sha256(b"".join(parts)).hexdigest()
    async with websockets.connect(url, max_size=None, compression=None) as ws:
        await ws.send(iter(parts))  # an iterable: one fragment per part
        check(await ws.recv() == digest, "upstream got other bytes")
        back = await ws.recv()
        check(len(back) == STREAM_MIB * CHUNK, f"client got {len(back)} bytes")
        check(hashlib.sha256(back).hexdigest() == digest, "client got other bytes")


async def expect_502(url, host, reason):
    mark = host.log_count()
    try:
        async with websockets.connect(url, open_timeout=10):
            pass
    except InvalidStatusCode as error:
        check(error.status_code == 502, f"status {error.status_code}, want 502")
    else:
        raise AssertionError("connected, want HTTP 502")
    line = host.wait_for_log(r"upstream failed .*status=502", timeout=5, after=mark)
    check(line is not None, "no 'upstream failed' log line")
    check(re.search(reason, line), f"log line does not name {reason!r}: {line}")


async def dies(url):
    async with websockets.connect(url) as ws:
        await ws.send("hello")
        try:
            await ws.recv()
        except ConnectionClosed:
            pass
        check(ws.close_code == 1014, f"close code {ws.close_code}")


def check_config(host_bin, folder, text):
    path = os.path.join(folder, "check.toml")
    with open(path, "w", encoding="utf-8") as config_file:
        config_file.write(text)
    return subprocess.run([host_bin, "--config", path, "--check-config"], capture_output=True,
                          text=True, timeout=30)


async def run(args, pki):
    failures = 0

    async def case(name, coro):
        nonlocal failures
        try:
            await asyncio.wait_for(coro, CASE_TIMEOUT)
            print(f"ok   {name}")
        except Exception as error:  # report every case, then fail
            failures += 1
            print(f"FAIL {name}: {type(error).__name__}: {error}")

    ca = 'ca = "ca.pem"\n'
    client_ssl = ssl.create_default_context(cafile=os.path.join(pki, "ca.pem"))
    server_tls = '\n[server.tls]\ncertificate = "server.pem"\nprivate_key = "server.key"\n'

    async with Upstream(server_context(pki)) as plain, \
            Upstream(server_context(pki), compression="deflate") as deflating:
        cfg = proxy_config(args.plugin, plain.url, proxy_tls=ca)
        with WsxHost(args.host_bin, None, config_text=cfg, config_dir=pki) as host:
            base = f"ws://127.0.0.1:{host.port}"
            await case("ws client, deflate at wsx, wss upstream plain",
                       echo_matrix(base + "/", plain, None))
            await case(f"{STREAM_MIB} MiB streamed both ways over wss upstream",
                       stream(base + "/"))
            await case("wss upstream dies mid-connection -> 1014", dies(base + "/die"))

        cfg = proxy_config(args.plugin, deflating.url, ["permessage-deflate"], proxy_tls=ca,
                           server_tls=server_tls)
        with WsxHost(args.host_bin, None, config_text=cfg, config_dir=pki) as host:
            await case("wss client, deflate on both sides of wsx",
                       echo_matrix(f"wss://127.0.0.1:{host.port}/", deflating,
                                   "permessage-deflate", client_ssl=client_ssl))

        cfg = proxy_config(args.plugin, plain.url, proxy_tls='ca = "rogue_ca.pem"\n')
        with WsxHost(args.host_bin, None, config_text=cfg, config_dir=pki) as host:
            await case("upstream certificate from another CA -> 502",
                       expect_502(f"ws://127.0.0.1:{host.port}/", host,
                                  "certificate verify failed"))

    async with Upstream(server_context(pki, name="other_name")) as misnamed:
        cfg = proxy_config(args.plugin, misnamed.url, proxy_tls=ca)
        with WsxHost(args.host_bin, None, config_text=cfg, config_dir=pki) as host:
            await case("upstream certificate not naming 127.0.0.1 -> 502",
                       expect_502(f"ws://127.0.0.1:{host.port}/", host, "IP address mismatch"))

    async with Upstream(server_context(pki, client_ca="ca.pem")) as mutual:
        with_cert = ca + 'certificate = "client.pem"\nprivate_key = "client.key"\n'
        cfg = proxy_config(args.plugin, mutual.url, proxy_tls=with_cert)
        with WsxHost(args.host_bin, None, config_text=cfg, config_dir=pki) as host:
            await case("mutual TLS to the upstream with a client certificate",
                       echo_matrix(f"ws://127.0.0.1:{host.port}/", mutual, None))
        cfg = proxy_config(args.plugin, mutual.url, proxy_tls=ca)
        with WsxHost(args.host_bin, None, config_text=cfg, config_dir=pki) as host:
            # TLS 1.3: our side of the handshake is done before the upstream
            # checks our (missing) certificate; Python's ssl then either sends
            # the certificate_required alert or just closes.
            await case("mutual TLS upstream, no client certificate -> 502",
                       expect_502(f"ws://127.0.0.1:{host.port}/", host,
                                  "certificate required|closed before answering"))

    async def silent_tls(host):
        started = time.monotonic()
        try:
            async with websockets.connect(f"ws://127.0.0.1:{host.port}/", open_timeout=10):
                pass
        except InvalidStatusCode as error:
            check(error.status_code == 504, f"status {error.status_code}, want 504")
        else:
            raise AssertionError("connected, want HTTP 504")
        check(time.monotonic() - started >= 0.9, "504 before handshake_timeout")

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    cfg = proxy_config(args.plugin, f"wss://127.0.0.1:{silent.getsockname()[1]}/",
                       proxy_tls=ca, handshake_timeout="1s")
    with WsxHost(args.host_bin, None, config_text=cfg, config_dir=pki) as host:
        await case("silent TLS upstream -> 504 at handshake_timeout", silent_tls(host))
    silent.close()

    async def check_config_cases():
        ok = check_config(args.host_bin, pki,
                          proxy_config(args.plugin, "wss://127.0.0.1:9/", proxy_tls=ca))
        check(ok.returncode == 0, f"--check-config failed: {ok.stdout}{ok.stderr}")
        check(f"proxy: upstream wss://127.0.0.1:9/, ca {os.path.join(pki, 'ca.pem')}" in ok.stdout,
              f"summary: {ok.stdout}")
        bad = check_config(args.host_bin, pki, proxy_config(
            args.plugin, "wss://127.0.0.1:9/", proxy_tls='ca = "missing.pem"\n'))
        output = bad.stdout + bad.stderr
        check(bad.returncode != 0, "--check-config accepted a missing ca file")
        check("server.proxy.ca" in output and "missing.pem" in output, f"error: {output}")

    await case("--check-config validates the upstream ca", check_config_cases())
    return failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host-bin", required=True)
    parser.add_argument("--plugin", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wsx-wss-upstream-") as pki:
        make_pki(pki)
        make_leaf_certificate(pki, "other_name", "/CN=other.test", "DNS:other.test")
        failures = asyncio.run(run(args, pki))
    print("all wss upstream cases passed" if failures == 0
          else f"{failures} wss upstream case(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
