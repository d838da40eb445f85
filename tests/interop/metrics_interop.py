"""The metrics listener of a real wsx-host ([server.metrics], issue 11),
over real sockets: a known amount of WebSocket traffic from
python-websockets (and a few raw, deliberately bad handshakes), then the
exact counters in GET /metrics, its format checked by Debian's
`promtool check metrics`, the JSON endpoint agreeing with it, the HTTP rules
(405 with Allow, HEAD, 404, 431, the connection cap) and readiness while
draining on SIGTERM.

Usage: metrics_interop.py --host-bin PATH --plugin PATH [--promtool PATH]
"""

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time

import websockets

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wsx_host_process import WsxHost, toml_value  # noqa: E402

CONNECTIONS_DEFLATE = 3
MESSAGES_EACH = 10
PAYLOAD = "metrics " * 40  # 320 bytes: compressible


def config(plugin):
    return "\n".join(
        [
            "[server]",
            'address = "127.0.0.1"',
            "port = 0",
            'app = "echo"',
            "",
            "[server.limits]",
            'close_timeout = "3s"',
            "",
            "[server.metrics]",
            'listen = "127.0.0.1:0"',
            "",
            "[[plugin]]",
            f"path = {toml_value(os.path.abspath(plugin))}",
            "",
        ]
    )


def http(port, request, timeout=5.0):
    """Sends raw request bytes, returns (status, headers dict, body bytes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def get(port, path, method="GET"):
    return http(port, f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())


def samples(text):
    """{'name{labels}': value} of every sample line."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        key, _, value = line.rpartition(" ")
        out[key] = float(value)
    return out


def scrape(port):
    status, headers, body = get(port, "/metrics")
    assert status == 200, status
    assert headers["content-type"].startswith("text/plain; version=0.0.4"), headers
    return body.decode(), samples(body.decode())


def raw_handshake(port, extra_headers="", version="13"):
    """A handshake written by hand; returns (socket, status line)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(
        (
            "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            f"Sec-WebSocket-Version: {version}\r\n{extra_headers}\r\n"
        ).encode()
    )
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return sock, data.split(b"\r\n")[0].decode()


async def traffic(port):
    url = f"ws://127.0.0.1:{port}/"
    for _ in range(CONNECTIONS_DEFLATE):
        async with websockets.connect(url) as ws:  # offers permessage-deflate
            assert ws.extensions, "permessage-deflate was not negotiated"
            for _ in range(MESSAGES_EACH):
                await ws.send(PAYLOAD)
                assert await ws.recv() == PAYLOAD
    async with websockets.connect(url, compression=None) as ws:
        await ws.send("plain")
        assert await ws.recv() == "plain"


def wait_until(predicate, what, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def check_json_log(host_bin, plugin):
    """--log-format json: every line is one JSON object; the close line has
    the wire bytes and the negotiated extensions as fields."""
    with WsxHost(host_bin, plugin, extra_args=["--log-format", "json"]) as host:

        async def one():
            async with websockets.connect(f"ws://127.0.0.1:{host.port}/") as ws:
                await ws.send(PAYLOAD)
                await ws.recv()

        asyncio.run(one())
        check(host.wait_for_log(r'"event":"close"') is not None, "no close line:\n" + host.log_text())
        check(host.stop() == 0, "exit code")
    records = [json.loads(line) for line in host.log if line.strip()]
    check(all({"time", "level", "message"} <= set(r) for r in records), host.log_text())
    close = [r for r in records if r.get("event") == "close"][0]
    check(close["code"] == "1000", close)
    check(close["extensions"].startswith("permessage-deflate"), close)
    check(int(close["bytes_in"]) > 0 and int(close["bytes_out"]) > 0, close)
    print("json log: ok")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host-bin", required=True)
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--promtool", default=shutil.which("promtool") or "/usr/bin/promtool")
    args = parser.parse_args()

    with WsxHost(args.host_bin, None, config_text=config(args.plugin)) as host:
        line = host.wait_for_log(r"metrics: serving http://127\.0\.0\.1:(\d+)/")
        check(line is not None, "no metrics log line:\n" + host.log_text())
        mport = int(re.search(r"127\.0\.0\.1:(\d+)/", line).group(1))

        check(get(mport, "/healthz")[0] == 200, "/healthz")
        check(get(mport, "/readyz")[0] == 200, "/readyz before traffic")

        asyncio.run(traffic(host.port))
        # Raw handshakes: an unknown token offered before permessage-deflate
        # (counted as "other", then an accepted deflate), dropped without a
        # Close (1006); a request without Upgrade (400); version 8 (426).
        sock, status = raw_handshake(
            host.port, "Sec-WebSocket-Extensions: x-unknown-ext, permessage-deflate\r\n"
        )
        check(status.startswith("HTTP/1.1 101"), status)
        sock.close()
        bad = http(host.port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        check(bad[0] == 400, f"no Upgrade: {bad[0]}")
        sock, status = raw_handshake(host.port, version="8")
        check(" 426 " in status, status)
        sock.close()

        wait_until(
            lambda: scrape(mport)[1].get("wsx_connections_open") == 0
            and scrape(mport)[1].get("wsx_sockets_open") == 0,
            "every connection to be closed",
        )
        text, s = scrape(mport)
        messages = CONNECTIONS_DEFLATE * MESSAGES_EACH + 1
        pmd = "permessage-deflate"
        expected = {
            'wsx_handshakes_total{outcome="101"}': CONNECTIONS_DEFLATE + 2,
            'wsx_handshakes_total{outcome="400"}': 1,
            'wsx_handshakes_total{outcome="426"}': 1,
            "wsx_connections_opened_total": CONNECTIONS_DEFLATE + 2,
            'wsx_connections_closed_total{code="1000"}': CONNECTIONS_DEFLATE + 1,
            'wsx_connections_closed_total{code="1006"}': 1,
            "wsx_messages_received_total": messages,
            "wsx_messages_sent_total": messages,
            "wsx_received_message_size_bytes_count": messages,
            'wsx_received_message_size_bytes_bucket{le="+Inf"}': messages,
            'wsx_received_message_size_bytes_bucket{le="64"}': 1,  # "plain"
            "wsx_received_message_size_bytes_sum": CONNECTIONS_DEFLATE * MESSAGES_EACH * len(PAYLOAD)
            + len("plain"),
            f'wsx_extension_offers_total{{token="{pmd}",outcome="accepted"}}': CONNECTIONS_DEFLATE + 1,
            'wsx_extension_offers_total{token="other",outcome="no_factory"}': 1,
            # Control frames pass the chain too (RFC 7692 section 6: the
            # extension leaves them alone): each connection's Close, both ways.
            f'wsx_extension_frames_total{{token="{pmd}",direction="decode"}}': CONNECTIONS_DEFLATE
            * (MESSAGES_EACH + 1),
            f'wsx_extension_frames_total{{token="{pmd}",direction="encode"}}': CONNECTIONS_DEFLATE
            * (MESSAGES_EACH + 1),
            # ... and each Close carries its 2-byte code (1000).
            f'wsx_extension_output_bytes_total{{token="{pmd}",direction="decode"}}': CONNECTIONS_DEFLATE
            * (MESSAGES_EACH * len(PAYLOAD) + 2),
            f'wsx_extension_input_bytes_total{{token="{pmd}",direction="encode"}}': CONNECTIONS_DEFLATE
            * (MESSAGES_EACH * len(PAYLOAD) + 2),
            f'wsx_plugin_info{{plugin="{pmd}",version="1.0.0",abi="1"}}': 1,
            f'wsx_plugin_loads_total{{plugin="{pmd}"}}': 1,
            "wsx_slow_reader_closes_total": 0,
            "wsx_ready": 1,
        }
        for key, value in expected.items():
            check(s.get(key) == value, f"{key}: expected {value}, got {s.get(key)}\n{text}")
        # Compression happened (the payload repeats), and the ratio is below 1.
        enc_out = s[f'wsx_extension_output_bytes_total{{token="{pmd}",direction="encode"}}']
        check(0 < enc_out < CONNECTIONS_DEFLATE * MESSAGES_EACH * len(PAYLOAD) / 4, f"encode out {enc_out}")
        check(s['wsx_message_handling_seconds_count'] >= 1, "no message was timed")

        lint = subprocess.run(
            [args.promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=30
        )
        check(lint.returncode == 0, f"promtool check metrics failed:\n{lint.stdout}{lint.stderr}")
        print("promtool check metrics: ok")

        # The JSON endpoint says the same.
        status, headers, body = get(mport, "/status.json")
        check(status == 200 and headers["content-type"] == "application/json", headers)
        status_json = json.loads(body)
        check(status_json["messages_received"] == messages, status_json)
        check(status_json["connections_opened"] == CONNECTIONS_DEFLATE + 2, status_json)
        ext = [e for e in status_json["extensions"] if e["token"] == pmd][0]
        check(ext["offers"]["accepted"] == CONNECTIONS_DEFLATE + 1, ext)

        # HTTP rules.
        status, headers, body = get(mport, "/metrics", method="POST")
        check(status == 405 and headers.get("allow") == "GET, HEAD", (status, headers))
        status, headers, body = get(mport, "/metrics", method="HEAD")
        check(status == 200 and body == b"" and int(headers["content-length"]) > 1000, (status, headers))
        check(get(mport, "/nothing-here")[0] == 404, "404")
        check(get(mport, "/")[0] == 200, "status page")
        huge = b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 9000 + b"\r\n\r\n"
        check(http(mport, huge)[0] == 431, "oversized head")
        check(http(mport, b"NOT HTTP AT ALL\r\n\r\n")[0] == 400, "malformed request")

        # Connection cap (16): idle connections hold their slots; the next
        # one is answered 503.
        idle = [socket.create_connection(("127.0.0.1", mport), timeout=5) for _ in range(16)]
        time.sleep(0.2)  # let the listener accept them all
        try:
            status, _, _ = http(mport, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            check(status == 503, f"over the connection cap: {status}")
        finally:
            for sock in idle:
                sock.close()
        wait_until(lambda: get(mport, "/healthz")[0] == 200, "the cap to free up")

        # Draining: a client that never answers our Close keeps the server
        # draining for close_timeout; readiness is off meanwhile.
        sock, status = raw_handshake(host.port)
        check(status.startswith("HTTP/1.1 101"), status)
        host.signal(15)
        wait_until(lambda: get(mport, "/readyz")[0] == 503, "/readyz to turn 503 while draining")
        check(samples(get(mport, "/metrics")[2].decode()).get("wsx_draining") == 1, "wsx_draining")
        sock.close()
        # No second SIGTERM (that one would force the exit, or meet the
        # default action once the watcher is gone): the first one finishes.
        code = host._process.wait(timeout=10)
        check(code == 0, f"exit code {code}")
    # The text close line carries the same fields.
    close_lines = [line for line in host.log if " close peer=" in line]
    check(close_lines, "no close line")
    check(
        all(re.search(r" bytes_in=\d+ bytes_out=\d+ extensions=\"", line) for line in close_lines),
        "\n".join(close_lines),
    )
    check(any('extensions="permessage-deflate' in line for line in close_lines), "\n".join(close_lines))
    check_json_log(args.host_bin, args.plugin)
    print("metrics interop: ok")


if __name__ == "__main__":
    main()
