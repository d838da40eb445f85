#!/usr/bin/python3
"""Interop: Autobahn|Python 22.x (Debian's python3-autobahn, asyncio, with
python3-snappy) as the CLIENT, a wsx-host (echo app) that loads the
permessage-deflate, permessage-bzip2 and permessage-snappy plugins as the
server.

Run with Debian's interpreter, the only one that sees python3-autobahn:

  /usr/bin/python3 tests/interop/autobahn_compression_interop.py \\
      --host-bin build/release/host/wsx-host \\
      --deflate .../wsx_permessage_deflate.so \\
      --bzip2 .../wsx_permessage_bzip2.so --snappy .../wsx_permessage_snappy.so

Each case is one connection whose client offers some of
permessage-bzip2 / permessage-snappy / permessage-deflate in some order. All
three use RSV1, so the server takes exactly one: the first offer it
supports (RFC 6455 section 9.1, the client's order is its preference). The
case checks the Sec-WebSocket-Extensions the server answered, the extension
Autobahn then runs, and that every message of the size matrix (0 B to
1 MiB, text and binary) comes back intact and with its type. Two more cases
check the limits over the socket: a message that decompresses past the
host's max_message_size (a bomb Autobahn compresses itself) closes with
1009, and a frame with RSV1 whose payload is no bzip2/snappy stream closes
with 1007. Finally SIGTERM must stop the host gracefully (exit 0).
Exit status 1 on any failure.
"""

import argparse
import asyncio
import os
import sys

from autobahn.asyncio.websocket import WebSocketClientFactory, WebSocketClientProtocol
from autobahn.websocket.compress import (
    PerMessageBzip2Offer,
    PerMessageBzip2Response,
    PerMessageBzip2ResponseAccept,
    PerMessageDeflateOffer,
    PerMessageDeflateResponse,
    PerMessageDeflateResponseAccept,
    PerMessageSnappyOffer,
    PerMessageSnappyResponse,
    PerMessageSnappyResponseAccept,
)

from interop_payloads import message_matrix
from wsx_host_process import WsxHost, toml_value


def repair_python_snappy_crc():
    """Debian 12's python3-snappy 0.5.3 has a C helper _crc32c that Python
    3.11 refuses ("SystemError: PY_SSIZE_T_CLEAN macro must be defined for
    '#' formats"; fixed upstream in python-snappy 0.6), which breaks every
    StreamCompressor.add_chunk and StreamDecompressor.decompress, and so
    Autobahn's permessage-snappy. Only then, the CRC-32C of Debian's
    python3-crcmod (a C extension) stands in for it; the framing, chunking
    and compression stay python-snappy's own."""
    import snappy.snappy

    try:
        snappy.snappy._crc32c(b"")
        return False
    except SystemError:
        import crcmod.predefined

        snappy.snappy._crc32c = crcmod.predefined.mkCrcFun("crc-32c")
        return True

CASE_TIMEOUT = 60.0  # seconds per case

OFFERS = {
    "bzip2": PerMessageBzip2Offer,
    "snappy": PerMessageSnappyOffer,
    "deflate": PerMessageDeflateOffer,
}

# (offer order, what the server must answer). Autobahn's default offers:
# "permessage-bzip2; client_max_compress_level",
# "permessage-snappy; client_no_context_takeover",
# "permessage-deflate; client_max_window_bits".
CASES = [
    (["bzip2", "snappy", "deflate"], "permessage-bzip2"),
    (["snappy", "bzip2", "deflate"], "permessage-snappy"),
    (["deflate", "bzip2", "snappy"], "permessage-deflate"),
    (["snappy", "deflate"], "permessage-snappy"),
    (["deflate"], "permessage-deflate"),
]


def accept_response(response):
    """Autobahn's client takes whatever one of its offers the server chose."""
    if isinstance(response, PerMessageBzip2Response):
        return PerMessageBzip2ResponseAccept(response)
    if isinstance(response, PerMessageSnappyResponse):
        return PerMessageSnappyResponseAccept(response)
    if isinstance(response, PerMessageDeflateResponse):
        return PerMessageDeflateResponseAccept(response)
    return None


class Client(WebSocketClientProtocol):
    """Collects messages and the close code into asyncio primitives."""

    def __init__(self):
        super().__init__()
        self.opened = asyncio.get_event_loop().create_future()
        self.closed = asyncio.get_event_loop().create_future()
        self.messages = asyncio.Queue()

    def onOpen(self):
        if not self.opened.done():
            self.opened.set_result(True)

    def onMessage(self, payload, isBinary):
        self.messages.put_nowait((payload, isBinary))

    def onClose(self, wasClean, code, reason):
        if not self.opened.done():
            self.opened.set_exception(RuntimeError(f"closed before opening: {code} {reason}"))
        if not self.closed.done():
            self.closed.set_result((code, reason))


async def connect(port, offers):
    factory = WebSocketClientFactory(f"ws://127.0.0.1:{port}/")
    factory.protocol = Client
    factory.setProtocolOptions(
        perMessageCompressionOffers=offers,
        perMessageCompressionAccept=accept_response,
        autoFragmentSize=0,
        maxMessagePayloadSize=0,
        maxFramePayloadSize=0,
        openHandshakeTimeout=10,
        closeHandshakeTimeout=5,
    )
    loop = asyncio.get_event_loop()
    _, client = await loop.create_connection(factory, "127.0.0.1", port)
    await asyncio.wait_for(client.opened, CASE_TIMEOUT)
    return client


def negotiated(client):
    """(the server's Sec-WebSocket-Extensions, the extension Autobahn runs)."""
    header = client.http_headers.get("sec-websocket-extensions", "")
    in_use = [extension.EXTENSION_NAME for extension in client.websocket_extensions_in_use]
    return header, in_use


async def echo_case(port, order, expected):
    name = " > ".join(order)
    client = await connect(port, [OFFERS[key]() for key in order])
    failures = []
    header, in_use = negotiated(client)
    if header.split(";")[0].strip() != expected or in_use != [expected]:
        failures.append(f"offers {name}: server answered {header!r}, client runs {in_use}, "
                        f"expected {expected}")
    for label, payload in message_matrix():
        is_binary = isinstance(payload, bytes)
        data = payload if is_binary else payload.encode("utf-8")
        client.sendMessage(data, isBinary=is_binary)
        echoed, echoed_binary = await asyncio.wait_for(client.messages.get(), CASE_TIMEOUT)
        if echoed != data or echoed_binary != is_binary:
            failures.append(f"offers {name}: {label} came back as {len(echoed)} bytes, "
                            f"binary={echoed_binary}")
    client.sendClose(1000)
    code, _ = await asyncio.wait_for(client.closed, CASE_TIMEOUT)
    if code != 1000:
        failures.append(f"offers {name}: close ended with {code}, expected 1000")
    print(f"{'FAIL' if failures else 'ok  '} offers {name}: negotiated {header!r}")
    return failures


async def params_case(port):
    """Autobahn's parameters reach the plugins: a level cap for bzip2, and
    a new snappy stream per message."""
    failures = []
    for offer, expected in [
        (PerMessageBzip2Offer(request_max_compress_level=3),
         "permessage-bzip2; server_max_compress_level=3"),
        (PerMessageSnappyOffer(request_no_context_takeover=True),
         "permessage-snappy; server_no_context_takeover"),
    ]:
        client = await connect(port, [offer])
        header, _ = negotiated(client)
        if header != expected:
            failures.append(f"params: server answered {header!r}, expected {expected!r}")
        for index in range(3):  # a few messages: each is its own stream now
            data = f"message {index} ".encode() * 1000
            client.sendMessage(data, isBinary=True)
            echoed, _ = await asyncio.wait_for(client.messages.get(), CASE_TIMEOUT)
            if echoed != data:
                failures.append(f"params {expected}: message {index} came back damaged")
        client.sendClose(1000)
        await asyncio.wait_for(client.closed, CASE_TIMEOUT)
        print(f"{'FAIL' if failures else 'ok  '} params: negotiated {header!r}")
    return failures


async def limit_cases(port, max_size):
    """A bomb (1009) and a corrupt stream (1007), per codec, over the socket."""
    failures = []
    for key in ["bzip2", "snappy"]:
        # 1 MiB past max_message_size in zeros, compressed by Autobahn: too
        # big only once the host decompresses it.
        client = await connect(port, [OFFERS[key]()])
        client.sendMessage(b"\0" * (max_size + (1 << 20)), isBinary=True)
        code, reason = await asyncio.wait_for(client.closed, CASE_TIMEOUT)
        if code != 1009:
            failures.append(f"{key} bomb: closed with {code} {reason!r}, expected 1009")
        print(f"{'FAIL' if code != 1009 else 'ok  '} {key} bomb: closed with {code}")

        # RSV1 (rsv=4 in Autobahn's numbering) on bytes that are no stream.
        client = await connect(port, [OFFERS[key]()])
        client.sendFrame(opcode=2, payload=os.urandom(64), rsv=4)
        code, reason = await asyncio.wait_for(client.closed, CASE_TIMEOUT)
        if code != 1007:
            failures.append(f"{key} corrupt: closed with {code} {reason!r}, expected 1007")
        print(f"{'FAIL' if code != 1007 else 'ok  '} {key} corrupt: closed with {code}")
    return failures


def host_config(plugins, max_message_size):
    lines = [
        "[server]",
        'address = "127.0.0.1"',
        "port = 0",
        'app = "echo"',
        'log_level = "info"',
        "",
        "[server.limits]",
        f"max_message_size = {max_message_size}",
        'idle_timeout = "30s"',
        'close_timeout = "5s"',
    ]
    for path in plugins:
        lines += ["", "[[plugin]]", f"path = {toml_value(os.path.abspath(path))}"]
    return "\n".join(lines) + "\n"


async def run_echo(port, max_size):
    del max_size  # the matrix stays far below it
    failures = []
    for order, expected in CASES:
        failures += await echo_case(port, order, expected)
    failures += await params_case(port)
    return failures


async def run_limits(port, max_size):
    return await limit_cases(port, max_size)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host-bin", required=True)
    parser.add_argument("--deflate", required=True)
    parser.add_argument("--bzip2", required=True)
    parser.add_argument("--snappy", required=True)
    args = parser.parse_args()

    if repair_python_snappy_crc():
        print("note: python-snappy's _crc32c is broken here; using python3-crcmod's CRC-32C")
    plugins = [args.deflate, args.bzip2, args.snappy]
    failures = []
    # The echo cases at max_message_size 16 MiB; the limit cases on a host
    # with 2 MiB, so that a bomb past it is quick to make.
    for max_size, cases in [(16 << 20, run_echo), (2 << 20, run_limits)]:
        with WsxHost(args.host_bin, None, config_text=host_config(plugins, max_size)) as host:
            try:
                found = asyncio.run(cases(host.port, max_size))
            except Exception as error:  # a hang or a crash is a failure too
                found = [f"{type(error).__name__}: {error!r}"]
            exit_code = host.stop()
            if exit_code != 0:
                found.append(f"wsx-host exited with {exit_code} after SIGTERM")
            if found:
                print("wsx-host log:\n" + host.log_text())
            failures += found
    for failure in failures:
        print("FAIL", failure)
    print("FAILED" if failures else "PASSED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
