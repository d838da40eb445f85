#!/usr/bin/python3
"""Interop: python-websockets (Debian's 10.4) as the CLIENT, wsx-host (echo
app, permessage-deflate plugin with its default parameters; a second host
with keep_compression_context = true written out, which is also the default)
as the server.

Run with Debian's interpreter, the only one that sees python3-websockets:

  /usr/bin/python3 tests/interop/python_client_interop.py \
      --host-bin build/x/host/wsx-host --plugin build/x/lib/wsx/plugins/wsx_permessage_deflate.so

For each case (what the client offers, RFC 7692 section 7.1) one connection:
the negotiated Sec-WebSocket-Extensions must be the expected one; every
message of the size matrix, text and binary, comes back byte for byte with
its type; fragmented messages (RFC 6455 section 5.4) come back whole; 300
JSON messages in a row (context takeover, RFC 7692 section 7.1.1); a ping
gets its pong (section 5.5.3); the close handshake ends with 1000. Finally
SIGTERM must stop the host gracefully (exit 0). Exit status 1 on any failure.
"""

import argparse
import asyncio
import contextlib
import sys
import time
from dataclasses import dataclass
from typing import Optional

import websockets
from websockets.extensions.permessage_deflate import (
    ClientPerMessageDeflateFactory,
    PerMessageDeflate,
)
from websockets.legacy.client import WebSocketClientProtocol

from interop_payloads import json_messages, message_matrix
from wsx_host_process import WsxHost

CASE_TIMEOUT = 30.0  # seconds per case; the whole script takes a few seconds
MAX_SIZE = 16 << 20  # the host's max_message_size


# The hosts the cases connect to: the plugin with its default parameters,
# and one that sets keep_compression_context = true, which keeps the
# compressor's context between the messages it sends (context takeover,
# RFC 7692 section 7.1.1.1). That is the plugin's default too, so both hosts
# keep it; no host here drops it unannounced (keep_compression_context =
# false), so that path does not meet this client yet.
# A third host imposes every limit of its own, to see the clients accept
# parameters they did not ask for (RFC 7692 sections 7.1.1 and 7.1.2).
HOSTS = {
    "defaults": {},
    "keep_context": {"keep_compression_context": True},
    "limits": {
        "server_max_window_bits": 10,
        "client_max_window_bits": 9,
        "server_no_context_takeover": True,
        "client_no_context_takeover": True,
    },
}


@dataclass
class Case:
    name: str
    host: str  # a key of HOSTS
    # None = no compression; [] = python's default offer; else these factories.
    extensions: Optional[list]
    # Sec-WebSocket-Extensions the client must send / must receive (None = absent).
    offer: Optional[str]
    response: Optional[str]
    # The agreement python must have taken from the response, as
    # (local_no_context_takeover, remote_no_context_takeover,
    #  local_max_window_bits, remote_max_window_bits); "local" = what the
    # client compresses.
    agreement: Optional[tuple]
    # Also send the 3 MiB + 1 messages (interop_payloads.LARGE_SIZE).
    large: bool = False


def deflate(**params):
    # memLevel 5 is what python-websockets uses by default, kept for all cases.
    return [ClientPerMessageDeflateFactory(compress_settings={"memLevel": 5}, **params)]


CASES = [
    Case(
        "default",
        "defaults",
        [],
        "permessage-deflate; client_max_window_bits",
        # The plugin's default client_max_window_bits=11 limits a client that
        # offered the bare parameter (RFC 7692 section 7.1.2.2).
        "permessage-deflate; client_max_window_bits=11",
        (False, False, 11, 15),
        large=True,
    ),
    Case(
        "window_bits_10",
        "defaults",
        deflate(server_max_window_bits=10, client_max_window_bits=10),
        "permessage-deflate; server_max_window_bits=10; client_max_window_bits=10",
        "permessage-deflate; server_max_window_bits=10; client_max_window_bits=10",
        (False, False, 10, 10),
    ),
    Case(
        "window_bits_9",
        "defaults",
        deflate(server_max_window_bits=9, client_max_window_bits=9),
        "permessage-deflate; server_max_window_bits=9; client_max_window_bits=9",
        "permessage-deflate; server_max_window_bits=9; client_max_window_bits=9",
        (False, False, 9, 9),
    ),
    # Window 8 for what the host sends: zlib cannot deflate raw data with an
    # 8-bit window, so the plugin compresses with 9 bits and Z_RLE (matches at
    # distance 1 only); python inflates with a true 8-bit window. python's own
    # zlib refuses to compress with 8, hence client_max_window_bits=9.
    Case(
        "window_bits_8",
        "defaults",
        deflate(server_max_window_bits=8, client_max_window_bits=9),
        "permessage-deflate; server_max_window_bits=8; client_max_window_bits=9",
        "permessage-deflate; server_max_window_bits=8; client_max_window_bits=9",
        (False, False, 9, 8),
    ),
    Case(
        "client_no_context_takeover",
        "defaults",
        deflate(client_no_context_takeover=True),
        "permessage-deflate; client_no_context_takeover; client_max_window_bits",
        "permessage-deflate; client_no_context_takeover; client_max_window_bits=11",
        (True, False, 11, 15),
    ),
    Case(
        "server_no_context_takeover",
        "defaults",
        deflate(server_no_context_takeover=True),
        "permessage-deflate; server_no_context_takeover; client_max_window_bits",
        "permessage-deflate; server_no_context_takeover; client_max_window_bits=11",
        (False, True, 11, 15),
    ),
    Case("no_compression", "defaults", None, None, None, None),
    # The same offer as "default", against the host that names
    # keep_compression_context = true: its compressor takes over context
    # from message to message, which python's decompressor follows.
    Case(
        "server_keeps_context",
        "keep_context",
        [],
        "permessage-deflate; client_max_window_bits",
        "permessage-deflate; client_max_window_bits=11",
        (False, False, 11, 15),
    ),
    # python's default offer; the host adds its own limits to the response.
    Case(
        "host_imposes_limits",
        "limits",
        [],
        "permessage-deflate; client_max_window_bits",
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
        "server_max_window_bits=10; client_max_window_bits=9",
        (True, True, 9, 10),
    ),
]


class CountingProtocol(WebSocketClientProtocol):
    """Counts the bytes that arrive from the socket, to see that the server
    really compresses what it sends when the extension was negotiated."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bytes_received = 0

    def data_received(self, data):
        self.bytes_received += len(data)
        super().data_received(data)


class CaseFailure(AssertionError):
    pass


def check(condition, message):
    if not condition:
        raise CaseFailure(message)


def check_echo(label, sent, received):
    check(
        type(received) is type(sent),
        f"{label}: sent {type(sent).__name__}, got {type(received).__name__} back",
    )
    if received != sent:
        first = next((i for i, (a, b) in enumerate(zip(sent, received)) if a != b), None)
        raise CaseFailure(
            f"{label}: echo differs (sent {len(sent)}, got {len(received)}; "
            f"first difference at index {first})"
        )


def connect(port, case):
    kwargs = {
        "max_size": MAX_SIZE,
        "open_timeout": 10,
        "close_timeout": 5,
        "create_protocol": CountingProtocol,
    }
    if case.extensions is None:
        kwargs["compression"] = None
    elif case.extensions:
        kwargs["compression"] = None  # exactly the factories given, nothing added
        kwargs["extensions"] = case.extensions
    # [] leaves compression="deflate": python's own default offer.
    return websockets.connect(f"ws://127.0.0.1:{port}/", **kwargs)


def describe_agreement(ws):
    described = []
    for extension in ws.extensions:
        if isinstance(extension, PerMessageDeflate):
            described.append(
                "PerMessageDeflate(local_no_context_takeover=%s, remote_no_context_takeover=%s, "
                "local_max_window_bits=%s, remote_max_window_bits=%s)"
                % (
                    extension.local_no_context_takeover,
                    extension.remote_no_context_takeover,
                    extension.local_max_window_bits,
                    extension.remote_max_window_bits,
                )
            )
        else:
            described.append(repr(extension))
    return ", ".join(described) or "none"


async def check_negotiation(ws, case, report):
    offer = ws.request_headers.get("Sec-WebSocket-Extensions")
    response = ws.response_headers.get("Sec-WebSocket-Extensions")
    report["offer"] = offer
    report["response"] = response
    print(f"  request  Sec-WebSocket-Extensions: {offer or '(none)'}")
    print(f"  response Sec-WebSocket-Extensions: {response or '(none)'}")
    print(f"  python's agreement: {describe_agreement(ws)}")
    check(offer == case.offer, f"offer {offer!r}, expected {case.offer!r}")
    check(response == case.response, f"response {response!r}, expected {case.response!r}")
    if case.agreement is None:
        check(not ws.extensions, f"extensions {ws.extensions!r}, expected none")
        return
    check(len(ws.extensions) == 1, f"extensions {ws.extensions!r}, expected one")
    extension = ws.extensions[0]
    check(isinstance(extension, PerMessageDeflate), f"{extension!r} is not PerMessageDeflate")
    agreement = (
        extension.local_no_context_takeover,
        extension.remote_no_context_takeover,
        extension.local_max_window_bits or 15,
        extension.remote_max_window_bits or 15,
    )
    check(agreement == case.agreement, f"agreement {agreement}, expected {case.agreement}")


async def check_matrix(ws, compressed, large):
    for label, payload in message_matrix(large):
        before = ws.bytes_received
        await ws.send(payload)
        echo = await asyncio.wait_for(ws.recv(), 10)
        check_echo(label, payload, echo)
        wire = ws.bytes_received - before
        # The 1 MiB text compresses (a small vocabulary): the server must send
        # it compressed iff the extension was negotiated. 0.9, not less: with
        # window 8 the plugin only finds runs (Z_RLE), about 0.62 here.
        if label == f"text {1 << 20} B":
            print(f"  1 MiB text echo: {wire} bytes on the wire")
            if compressed:
                check(wire < len(payload.encode()) * 0.9, f"{label}: {wire} B on the wire, not compressed")
            else:
                check(wire > len(payload.encode()), f"{label}: {wire} B on the wire < payload")


async def check_fragments(ws):
    # RFC 6455 section 5.4: a message sent as several frames (python sends
    # one frame per item, compressing the message as a whole with RSV1 on
    # the first frame only, RFC 7692 section 6.1) is echoed as one message.
    text_fragments = ["Hello, ", "", "wörld ", "€" * 100, "x" * 70000, "😀 end"]
    await ws.send(text_fragments)
    check_echo("fragmented text", "".join(text_fragments), await asyncio.wait_for(ws.recv(), 10))
    binary_fragments = [b"\x00" * 10, bytes(range(256)) * 200, b"", b"\xff" * 5]
    await ws.send(binary_fragments)
    check_echo("fragmented binary", b"".join(binary_fragments), await asyncio.wait_for(ws.recv(), 10))


async def check_json_stream(ws, report):
    # Pipelined: 300 messages sent before the first echo is read, so the
    # compressor and decompressor states of both ends carry over (or are
    # reset) message after message (RFC 7692 section 7.1.1).
    messages = json_messages(300)
    before = ws.bytes_received
    for message in messages:
        await ws.send(message)
    for index, message in enumerate(messages):
        check_echo(f"json #{index}", message, await asyncio.wait_for(ws.recv(), 10))
    raw = sum(len(m.encode()) for m in messages)
    wire = ws.bytes_received - before
    report["json_ratio"] = wire / raw
    print(f"  300 JSON messages: {raw} B of payload, {wire} B received ({wire / raw:.2f})")


async def check_ping_and_close(ws):
    pong = await ws.ping(b"interop-ping")
    await asyncio.wait_for(pong, 5)  # resolved only by a pong with this payload
    await ws.close(1000, "interop done")
    check(ws.close_code == 1000, f"the server's close code is {ws.close_code}, expected 1000")
    print(f"  close: server answered {ws.close_code} {ws.close_reason!r}")


async def run_case(port, case, report):
    started = time.monotonic()
    async with connect(port, case) as ws:
        await check_negotiation(ws, case, report)
        await check_matrix(ws, compressed=case.agreement is not None, large=case.large)
        await check_fragments(ws)
        await check_json_stream(ws, report)
        await check_ping_and_close(ws)
    report["seconds"] = time.monotonic() - started


async def run_all(ports):
    failures = []
    reports = {}
    for case in CASES:
        print(f"case {case.name} (host: {case.host}):")
        report = reports.setdefault(case.name, {})
        try:
            await asyncio.wait_for(run_case(ports[case.host], case, report), CASE_TIMEOUT)
            print(f"  ok ({report['seconds']:.2f} s)")
        except Exception as error:  # noqa: BLE001 - every failure is reported
            failures.append(f"{case.name}: {type(error).__name__}: {error}")
            print(f"  FAILED: {type(error).__name__}: {error}")
    # With context takeover the 300 similar messages must compress better
    # than with server_no_context_takeover negotiated: proof that the host's
    # compressor really kept its window (and python decoded with it).
    kept = reports["server_keeps_context"].get("json_ratio")
    reset = reports["server_no_context_takeover"].get("json_ratio")
    if kept is not None and reset is not None:
        print(f"JSON ratio with the host's context kept: {kept:.2f}, reset per message: {reset:.2f}")
        if not kept < reset * 0.9:
            failures.append(f"context takeover did not help: ratio {kept:.2f} vs {reset:.2f}")
    return failures, reports


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host-bin", required=True)
    parser.add_argument("--plugin", required=True)
    args = parser.parse_args()
    print(f"python-websockets {websockets.__version__} client -> wsx-host")

    failures = []
    with contextlib.ExitStack() as stack:
        hosts = {}
        for name, params in HOSTS.items():
            hosts[name] = stack.enter_context(WsxHost(args.host_bin, args.plugin, params))
            print(f"wsx-host ({name}: plugin params {params}) listening on 127.0.0.1:{hosts[name].port}")
        case_failures, reports = asyncio.run(run_all({name: host.port for name, host in hosts.items()}))
        failures += case_failures
        for name, host in hosts.items():
            code = host.stop()
            if code != 0:
                failures.append(f"wsx-host ({name}) exited with {code} after SIGTERM, expected 0")
            if failures:
                print(f"wsx-host ({name}) log:\n" + host.log_text())

    print("\nsummary (python-websockets client -> wsx-host):")
    for case in CASES:
        report = reports.get(case.name, {})
        offer = report.get("offer") or "(none)"
        print(f"  {case.name:28} offer: {offer:75} response: {report.get('response') or '(none)'}")
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
        return 1
    print("\nall cases passed; every wsx-host stopped gracefully (exit 0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
