#!/usr/bin/python3
"""Interop: the wsx-client COMMAND against WebSocket servers.

  /usr/bin/python3 tests/interop/wsx_client_interop.py --server python|ws|wsx-host \
      --client-bin build/release/host/wsx-client \
      --plugin build/release/lib/wsx/plugins/wsx_permessage_deflate.so \
      [--host-bin build/release/host/wsx-host] [--node node --ws-server ws_echo_server.mjs]

--server python: python-websockets 10.4 (Debian's, /usr/bin/python3) echo
  server in this process, compression="deflate", subprotocol "chat"; also
  wss:// with a certificate made now by `openssl req`, and a raw socket
  server that accepts an extension the client never offered.
  A wsx-host config given to --config (the plugin by a path relative to the
  config file, with [plugin.params], and a disabled entry) makes the offer.
--server ws: npm ws (ws_echo_server.mjs) with perMessageDeflate, plain and
  wss:// (node's https server, a certificate made now by `openssl req`).
--server wsx-host: a real wsx-host (wsx_host_process.py) with the plugin.

Every run of wsx-client is bounded (its --timeout and a subprocess
timeout); every server listens on 127.0.0.1 port 0. Exit status 1 on any
failure.
"""

import argparse
import asyncio
import base64
import hashlib
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
from http import HTTPStatus

import websockets

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wsx_host_process import WsxHost  # noqa: E402

RUN_TIMEOUT = 30.0  # seconds per wsx-client run (the client's own is 10)
CLIENT_TIMEOUT = "10"
MAX_SIZE = 16 << 20


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


# --- Servers ------------------------------------------------------------------


class PythonServers:
    """python-websockets echo servers (plain and TLS) and a raw socket server
    on one asyncio loop in a background thread."""

    def __init__(self, tls_context):
        self.tls_context = tls_context
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.port = self.tls_port = self.raw_port = None
        self.seen_headers = {}
        self.seen_extensions = {}
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self.thread.start()
        check(self.ready.wait(10), "python servers did not start")
        return self

    def __exit__(self, *exc):
        self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join(10)
        return False

    async def _echo(self, ws, path):
        # What this server agreed to (websockets' PerMessageDeflate), by path.
        self.seen_extensions[path] = [
            (e.name, e.local_no_context_takeover, e.local_max_window_bits,
             e.remote_max_window_bits) for e in ws.extensions
        ]
        if path == "/close4001":
            await ws.close(4001, "custom close")
            return
        try:
            async for message in ws:
                await ws.send(message)
        except websockets.ConnectionClosed:
            pass  # the client closed while echoes were pending (--count)

    async def _process_request(self, path, headers):
        self.seen_headers[path] = headers.get("X-Wsx-Test")
        if path == "/forbidden":
            return (HTTPStatus.FORBIDDEN, [], b"")
        return None

    async def _raw(self, reader, writer):
        # Accepts permessage-deflate although the client offered nothing:
        # RFC 6455 section 9.1, the client must fail the connection.
        head = await reader.readuntil(b"\r\n\r\n")
        key = ""
        for line in head.decode("latin-1").split("\r\n"):
            if line.lower().startswith("sec-websocket-key:"):
                key = line.split(":", 1)[1].strip()
        accept = base64.b64encode(
            hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()
        ).decode()
        writer.write(
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n"
                "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n"
            ).encode()
        )
        await writer.drain()
        try:
            await asyncio.wait_for(reader.read(), 10)
        except asyncio.TimeoutError:
            pass
        writer.close()

    async def _main(self):
        self.stop_event = asyncio.Event()
        options = dict(
            compression="deflate",
            max_size=MAX_SIZE,
            subprotocols=["chat"],
            process_request=self._process_request,
        )
        async with websockets.serve(self._echo, "127.0.0.1", 0, **options) as plain, \
                websockets.serve(self._echo, "127.0.0.1", 0, ssl=self.tls_context,
                                 **options) as secure:
            raw = await asyncio.start_server(self._raw, "127.0.0.1", 0)
            self.port = plain.sockets[0].getsockname()[1]
            self.tls_port = secure.sockets[0].getsockname()[1]
            self.raw_port = raw.sockets[0].getsockname()[1]
            self.ready.set()
            await self.stop_event.wait()
            raw.close()

    def _run(self):
        self.loop.run_until_complete(self._main())


class NodeServer:
    """ws_echo_server.mjs as a child process; "port=N" on its stdout."""

    def __init__(self, node, script, *args):
        self.process = subprocess.Popen(
            [node, script, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        line = self.process.stdout.readline()
        check(line.startswith("port="), f"ws server said {line!r}")
        self.port = int(line.strip().split("=")[1])

    def close(self):
        self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def make_certificate(folder):
    """A self-signed certificate for 127.0.0.1, made now (never committed)."""
    cert = os.path.join(folder, "cert.pem")
    key = os.path.join(folder, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", key, "-out", cert],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


def refused_port():
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- wsx-client runs ----------------------------------------------------------------


class Client:
    def __init__(self, binary, plugin):
        self.binary = binary
        self.plugin = plugin

    def args(self, url, *extra, plugin=True, timeout=CLIENT_TIMEOUT):
        args = [self.binary, "--timeout", timeout]
        if plugin:
            args += ["--plugin", self.plugin]
        return args + list(extra) + [url]

    def run(self, url, stdin=b"", *extra, plugin=True, timeout=CLIENT_TIMEOUT):
        result = subprocess.run(
            self.args(url, *extra, plugin=plugin, timeout=timeout), input=stdin,
            capture_output=True,
            timeout=RUN_TIMEOUT,
        )
        err = result.stderr.decode(errors="replace")
        # A sanitizer build (ctest --preset sanitize) reports through stderr;
        # an expected exit 1 must not hide it.
        check("Sanitizer" not in err, f"sanitizer report:\n{err}")
        return result.returncode, result.stdout, err


def lines_payload():
    big = bytes((ord("a") + (i * 7) % 26) for i in range(1 << 20))  # 1 MiB, one line
    return [b"hello", "wörld 日本語 😀".encode(), b"", big, b"last"]


def case_echo(client, url, server_has_subprotocol, extra=()):
    lines = lines_payload()
    extra = list(extra) + (["--subprotocol", "chat"] if server_has_subprotocol else [])
    # --count: wait for every echo. Without it the client closes at the end
    # of stdin, and a server may drop echoes it has not sent when our Close
    # arrives (python-websockets does).
    extra += ["--count", str(len(lines))]
    code, out, err = client.run(url, b"\n".join(lines) + b"\n", *extra)
    check(code == 0, f"exit {code}, stderr:\n{err}")
    check("negotiated extensions: permessage-deflate" in err, f"no deflate negotiated:\n{err}")
    check(out == b"\n".join(lines) + b"\n",
          f"stdout differs: {len(out)} bytes, expected {sum(map(len, lines)) + len(lines)}")
    check("closed: 1000" in err, f"no close 1000 printed:\n{err}")
    if server_has_subprotocol:
        check("subprotocol: chat" in err, f"subprotocol not printed:\n{err}")


def case_binary(client, url, extra=()):
    # Not UTF-8: the client refuses to send it as text, so its echo proves
    # it went (and came back) as binary.
    lines = [b"\xff\xfe\x00binary", bytes(range(0, 10)) + bytes(range(11, 256))]
    code, out, err = client.run(url, b"\n".join(lines) + b"\n", *extra, "--binary", "--count",
                                str(len(lines)))
    check(code == 0, f"exit {code}, stderr:\n{err}")
    check(out == b"\n".join(lines) + b"\n", f"binary echo differs: {out[:40]!r}")


def case_count(client, url):
    # stdin stays open: only --count ends the run.
    process = subprocess.Popen(
        client.args(url, "--count", "2"), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        process.stdin.write(b"one\ntwo\nthree\n")
        process.stdin.flush()
        out, err = process.communicate(timeout=RUN_TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    err = err.decode(errors="replace")
    check(process.returncode == 0, f"--count 2: exit {process.returncode}, stderr:\n{err}")
    check(out == b"one\ntwo\n", f"--count 2 printed {out!r}")
    check("closed: 1000" in err, f"--count 2: the close reply is not 1000:\n{err}")


def case_timeout(client, url):
    # One echo comes back, --count waits for three: --timeout must end it.
    code, out, err = client.run(url, b"only one\n", "--count", "3", timeout="1")
    check(code == 1, f"--timeout: exit {code}, stderr:\n{err}")
    check(out == b"only one\n", f"--timeout printed {out!r}")
    check("timed out" in err, f"--timeout: stderr:\n{err}")


def case_close_4001(client, url, extra=()):
    code, out, err = client.run(url, b"", *extra)
    check(code == 1, f"server closing 4001: exit {code}, stderr:\n{err}")
    check("closed: 4001" in err and "custom close" in err, f"4001 not printed:\n{err}")


def case_forbidden(client, url, extra=()):
    code, _, err = client.run(url, b"hello\n", *extra)
    check(code == 1, f"403: exit {code}")
    check("403" in err, f"the 403 status is not printed:\n{err}")


def case_refused(client):
    code, _, err = client.run(f"ws://127.0.0.1:{refused_port()}/", b"hello\n")
    check(code == 1, f"refused: exit {code}")
    check("Connection refused" in err, f"refused: stderr:\n{err}")


def write_host_config(folder, plugin):
    """A wsx-host config as an operator writes it: the plugin by a path
    relative to the config file, [plugin.params] that change the client's
    offer, and a disabled entry whose library does not exist."""
    plugins = os.path.join(folder, "plugins")
    os.makedirs(plugins, exist_ok=True)
    os.symlink(plugin, os.path.join(plugins, "deflate.so"))
    path = os.path.join(folder, "wsx.toml")
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '[server]\naddress = "127.0.0.1"\nport = 9001\napp = "echo"\n\n'
            '[[plugin]]\npath = "plugins/deflate.so"\n[plugin.params]\n'
            "server_no_context_takeover = true\nserver_max_window_bits = 10\n"
            "client_max_window_bits = 9\n\n"
            '[[plugin]]\npath = "plugins/not-there.so"\nenabled = false\n'
        )
    return path


def case_config(client, folder, base, servers):
    config = write_host_config(folder, client.plugin)
    lines = [b"config", bytes(b"z" * 100000)]
    # --config only (no --plugin), from another working directory: the
    # plugin path resolves against the config file's folder.
    result = subprocess.run(
        [client.binary, "--timeout", CLIENT_TIMEOUT, "--config", config, "--count",
         str(len(lines)), base + "/config"],
        input=b"\n".join(lines) + b"\n", capture_output=True, timeout=RUN_TIMEOUT, cwd="/",
    )
    err = result.stderr.decode(errors="replace")
    check("Sanitizer" not in err, f"sanitizer report:\n{err}")
    check(result.returncode == 0, f"exit {result.returncode}, stderr:\n{err}")
    check("offered extensions: permessage-deflate; server_no_context_takeover; "
          "server_max_window_bits=10; client_max_window_bits=9\n" in err,
          f"the offer does not carry the config's [plugin.params]:\n{err}")
    check("negotiated extensions: permessage-deflate; server_no_context_takeover" in err,
          f"not negotiated as configured:\n{err}")
    check(result.stdout == b"\n".join(lines) + b"\n", f"echo differs ({len(result.stdout)} B)")
    # python-websockets' side of the agreement (RFC 7692 section 7.1).
    seen = servers.seen_extensions.get("/config")
    check(seen is not None and len(seen) == 1, f"server negotiated {seen!r}")
    name, no_context, server_bits, client_bits = seen[0]
    check(name == "permessage-deflate" and no_context and server_bits <= 10 and client_bits <= 9,
          f"server agreed to {seen[0]!r}, want no context takeover, windows <= 10 and <= 9")


def run_python(client):
    with tempfile.TemporaryDirectory(prefix="wsx-client-interop-") as folder:
        cert, key = make_certificate(folder)
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert, key)
        with PythonServers(tls) as servers:
            base = f"ws://127.0.0.1:{servers.port}"
            yield "echo (text, 1 MiB, subprotocol)", lambda: case_echo(client, base + "/", True)
            yield "binary", lambda: case_binary(client, base + "/")
            yield "count", lambda: case_count(client, base + "/")
            yield "timeout", lambda: case_timeout(client, base + "/")
            yield "close 4001", lambda: case_close_4001(client, base + "/close4001")
            yield "403 refused handshake", lambda: case_forbidden(client, base + "/forbidden")
            yield "connection refused", lambda: case_refused(client)

            def header():
                code, _, err = client.run(base + "/header", b"x\n", "--header", "X-Wsx-Test: yes")
                check(code == 0, f"exit {code}:\n{err}")
                check(servers.seen_headers.get("/header") == "yes",
                      f"server saw {servers.seen_headers.get('/header')!r}")
            yield "--header", header

            def offer():
                code, _, err = client.run(
                    base + "/", b"x\n", "--offer",
                    "permessage-deflate; server_no_context_takeover; client_max_window_bits=11")
                check(code == 0, f"exit {code}:\n{err}")
                check("offered extensions: permessage-deflate; server_no_context_takeover; "
                      "client_max_window_bits=11\n" in err, f"offer not as written:\n{err}")
                check("negotiated extensions: permessage-deflate; server_no_context_takeover"
                      in err, f"hand-written offer not negotiated:\n{err}")
            yield "--offer", offer

            def offer_without_plugin():
                code, _, err = client.run(base + "/", b"x\n", "--offer", "permessage-deflate",
                                          plugin=False)
                check(code == 1, f"exit {code}:\n{err}")
                check("no client factory for extension permessage-deflate" in err, err)
            yield "--offer with no plugin to implement it", offer_without_plugin

            def not_offered():
                code, _, err = client.run(f"ws://127.0.0.1:{servers.raw_port}/", b"x\n",
                                          plugin=False)
                check(code == 1, f"exit {code}:\n{err}")
                check("not offered" in err, f"stderr:\n{err}")
            yield "server accepts an extension never offered (RFC 6455 9.1)", not_offered

            yield "--config FILE (a wsx-host config) makes the offer", \
                lambda: case_config(client, folder, base, servers)

            wss = f"wss://127.0.0.1:{servers.tls_port}/"

            def tls_echo():
                lines = lines_payload()
                code, out, err = client.run(wss, b"\n".join(lines) + b"\n", "--ca", cert,
                                            "--count", str(len(lines)))
                check(code == 0, f"exit {code}:\n{err}")
                check("negotiated extensions: permessage-deflate" in err, err)
                check(out == b"\n".join(lines) + b"\n", f"wss echo differs ({len(out)} bytes)")
            yield "wss:// echo with --ca", tls_echo

            def tls_unverified():
                code, _, err = client.run(wss, b"x\n")
                check(code == 1, f"exit {code}:\n{err}")
                check("certificate verification failed" in err, f"stderr:\n{err}")
            yield "wss:// refused without the CA", tls_unverified


def run_ws(client, node, script):
    with tempfile.TemporaryDirectory(prefix="wsx-client-interop-") as folder:
        cert, key = make_certificate(folder)
        server = NodeServer(node, script)
        tls_server = NodeServer(node, script, "--cert", cert, "--key", key)
        try:
            base = f"ws://127.0.0.1:{server.port}"
            yield "echo (text, 1 MiB)", lambda: case_echo(client, base + "/", False)
            yield "binary", lambda: case_binary(client, base + "/")
            yield "count", lambda: case_count(client, base + "/")
            yield "timeout", lambda: case_timeout(client, base + "/")
            yield "close 4001", lambda: case_close_4001(client, base + "/close4001")
            yield "403 refused handshake", lambda: case_forbidden(client, base + "/forbidden")
            yield "connection refused", lambda: case_refused(client)

            wss = f"wss://127.0.0.1:{tls_server.port}"
            ca = ["--ca", cert]
            yield "wss:// echo (text, 1 MiB) with --ca", \
                lambda: case_echo(client, wss + "/", False, ca)
            yield "wss:// binary", lambda: case_binary(client, wss + "/", ca)
            yield "wss:// close 4001", lambda: case_close_4001(client, wss + "/close4001", ca)
            yield "wss:// 403 refused handshake", \
                lambda: case_forbidden(client, wss + "/forbidden", ca)

            def tls_unverified():
                code, _, err = client.run(wss + "/", b"x\n")
                check(code == 1, f"exit {code}:\n{err}")
                check("certificate verification failed" in err, f"stderr:\n{err}")
            yield "wss:// refused without the CA", tls_unverified
        finally:
            server.close()
            tls_server.close()


def run_wsx_host(client, host_bin, plugin):
    with WsxHost(host_bin, plugin) as host:
        base = f"ws://127.0.0.1:{host.port}"
        yield "echo (text, 1 MiB)", lambda: case_echo(client, base + "/", False)
        yield "binary", lambda: case_binary(client, base + "/")
        yield "count", lambda: case_count(client, base + "/")
        yield "connection refused", lambda: case_refused(client)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True, choices=["python", "ws", "wsx-host"])
    parser.add_argument("--client-bin", required=True)
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--host-bin")
    parser.add_argument("--node")
    parser.add_argument("--ws-server")
    args = parser.parse_args()
    client = Client(os.path.abspath(args.client_bin), os.path.abspath(args.plugin))
    if args.server == "python":
        cases = run_python(client)
    elif args.server == "ws":
        cases = run_ws(client, args.node, args.ws_server)
    else:
        cases = run_wsx_host(client, args.host_bin, args.plugin)
    failures = 0
    ran = 0
    for name, case in cases:
        ran += 1
        try:
            case()
            print(f"ok    {args.server}: {name}")
        except (Failure, subprocess.TimeoutExpired) as error:
            failures += 1
            print(f"FAIL  {args.server}: {name}: {error}")
    print(f"{ran - failures}/{ran} cases passed")
    return 1 if failures or ran == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
