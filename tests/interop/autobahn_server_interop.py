#!/usr/bin/python3
"""Interop, client role: the wsx-client command, with the permessage-bzip2
or permessage-snappy plugin's CLIENT factory, against an Autobahn|Python
22.x asyncio echo SERVER (Debian's python3-autobahn with python3-snappy).

  /usr/bin/python3 tests/interop/autobahn_server_interop.py \\
      --client-bin build/release/host/wsx-client \\
      --bzip2 .../wsx_permessage_bzip2.so --snappy .../wsx_permessage_snappy.so

For each case the server accepts the offer with some of Autobahn's own
parameters; the case checks the extension both sides say they negotiated,
that lines of every size (0 B to 1 MiB, compressed by wsx, decompressed by
Autobahn, echoed compressed by Autobahn and decompressed by wsx) come back
intact, and that wsx-client exits 0. The snappy case whose server asks for
client_no_context_takeover fails unless every message wsx sends starts a
new snappy stream: Autobahn's server then decodes each message with a new
StreamDecompressor, which insists on the stream identifier.
Exit status 1 on any failure.
"""

import argparse
import asyncio
import sys

from autobahn.asyncio.websocket import WebSocketServerFactory, WebSocketServerProtocol
from autobahn.websocket.compress import (
    PerMessageBzip2Offer,
    PerMessageBzip2OfferAccept,
    PerMessageSnappyOffer,
    PerMessageSnappyOfferAccept,
)

from autobahn_compression_interop import repair_python_snappy_crc
from interop_payloads import text_of_size

CLIENT_TIMEOUT = 60  # seconds per wsx-client run

# (plugin, the accept function's parameters, the response header expected)
CASES = [
    ("bzip2", {}, "permessage-bzip2"),
    ("bzip2", {"request_max_compress_level": 2},
     "permessage-bzip2; client_max_compress_level=2"),
    ("snappy", {}, "permessage-snappy"),
    ("snappy", {"request_no_context_takeover": True},
     "permessage-snappy; client_no_context_takeover"),
]

# One line per message, so no newline inside: text of the interop sizes
# (all of them, the last being 1 MiB), then a few more short ones so that a
# stream carried over between messages is exercised.
SIZES = [1, 125, 126, 65535, 65536, 1 << 20, 10, 20, 30]


class EchoServer(WebSocketServerProtocol):
    """Echoes each message with its type; records what was negotiated."""

    negotiated = []

    def onOpen(self):
        EchoServer.negotiated.append(
            [extension.EXTENSION_NAME for extension in self.websocket_extensions_in_use])

    def onMessage(self, payload, isBinary):
        self.sendMessage(payload, isBinary)


def accept_with(params):
    def accept(offers):
        for offer in offers:
            if isinstance(offer, PerMessageBzip2Offer):
                return PerMessageBzip2OfferAccept(offer, **params)
            if isinstance(offer, PerMessageSnappyOffer):
                return PerMessageSnappyOfferAccept(offer, **params)
        return None

    return accept


async def run_case(client_bin, plugin_path, name, params, expected):
    factory = WebSocketServerFactory("ws://127.0.0.1")
    factory.protocol = EchoServer
    factory.setProtocolOptions(perMessageCompressionAccept=accept_with(params),
                               maxMessagePayloadSize=0, maxFramePayloadSize=0)
    server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    EchoServer.negotiated = []
    lines = [text_of_size(size, seed=size) for size in SIZES]
    stdin = "".join(line + "\n" for line in lines).encode("utf-8")
    failures = []
    label = f"{name} {params or 'defaults'}"
    try:
        process = await asyncio.create_subprocess_exec(
            client_bin, "--plugin", plugin_path, "--count", str(len(lines)),
            "--timeout", str(CLIENT_TIMEOUT), f"ws://127.0.0.1:{port}/",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(process.communicate(stdin), CLIENT_TIMEOUT + 10)
        err = err.decode("utf-8", "replace")
        if process.returncode != 0:
            failures.append(f"{label}: wsx-client exited {process.returncode}:\n{err}")
        if f"negotiated extensions: {expected}\n" not in err:
            failures.append(f"{label}: wsx-client did not negotiate {expected!r}:\n{err}")
        if EchoServer.negotiated != [[f"permessage-{name}"]]:
            failures.append(f"{label}: Autobahn ran {EchoServer.negotiated}")
        echoed = out.decode("utf-8", "replace").split("\n")[:-1]
        if echoed != lines:
            sizes = [len(line.encode("utf-8")) for line in echoed]
            failures.append(f"{label}: echoed sizes {sizes}, sent {SIZES}")
    finally:
        server.close()
        await server.wait_closed()
    print(f"{'FAIL' if failures else 'ok  '} {label}: negotiated {expected!r}")
    return failures


async def run(args):
    failures = []
    for name, params, expected in CASES:
        plugin = args.bzip2 if name == "bzip2" else args.snappy
        failures += await run_case(args.client_bin, plugin, name, params, expected)
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client-bin", required=True)
    parser.add_argument("--bzip2", required=True)
    parser.add_argument("--snappy", required=True)
    args = parser.parse_args()
    if repair_python_snappy_crc():
        print("note: python-snappy's _crc32c is broken here; using python3-crcmod's CRC-32C")
    try:
        failures = asyncio.run(run(args))
    except Exception as error:  # a hang or a crash is a failure too
        failures = [f"{type(error).__name__}: {error!r}"]
    for failure in failures:
        print("FAIL", failure)
    print("FAILED" if failures else "PASSED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
