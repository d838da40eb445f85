#!/usr/bin/python3
"""Interop: wsx's CLIENT role (wsx_core_client_interop, built from
core_client_interop.cpp, with the permessage-deflate plugin's client factory)
against python-websockets' (Debian's 10.4) SERVER.

  /usr/bin/python3 tests/interop/core_client_interop.py \
      --client-bin build/x/tests/interop/wsx_core_client_interop \
      --plugin build/x/lib/wsx/plugins/wsx_permessage_deflate.so

Two echo servers run in this process on 127.0.0.1, port 0: one with
compression="deflate" (python's defaults: server_max_window_bits=12,
client_max_window_bits=12, RFC 7692 section 7.1.2) and one without
compression. Each case runs the client program once with the plugin
parameters that shape its offer; the client checks the response header and
the echoes, this script checks what the server saw (offer, response, close
code 1000). Exit status 1 on any failure.
"""

import argparse
import asyncio
import re
import sys
import time
from dataclasses import dataclass, field
from typing import Optional

import websockets

CLIENT_TIMEOUT = 30.0  # seconds per run of the client program
MAX_SIZE = 16 << 20


@dataclass
class Case:
    name: str
    server: str  # "deflate" or "plain"
    # None: the client loads no plugin and offers nothing.
    params: Optional[dict]
    offer: Optional[str]
    response: Optional[str]


CASES = [
    Case(
        "default",
        "deflate",
        {},
        # The plugin's default client_max_window_bits=11 is offered as such.
        "permessage-deflate; client_max_window_bits=11",
        "permessage-deflate; server_max_window_bits=12; client_max_window_bits=11",
    ),
    Case(
        "window_bits_10",
        "deflate",
        {"client_max_window_bits": 10, "server_max_window_bits": 10},
        "permessage-deflate; server_max_window_bits=10; client_max_window_bits=10",
        "permessage-deflate; server_max_window_bits=10; client_max_window_bits=10",
    ),
    Case(
        "window_bits_9",
        "deflate",
        {"client_max_window_bits": 9, "server_max_window_bits": 9},
        "permessage-deflate; server_max_window_bits=9; client_max_window_bits=9",
        "permessage-deflate; server_max_window_bits=9; client_max_window_bits=9",
    ),
    # Window 8 for what wsx sends: zlib cannot deflate raw data with an 8-bit
    # window, so the plugin compresses with 9 bits and Z_RLE (matches at
    # distance 1 only), which python inflates with a true 8-bit window.
    # (python's zlib cannot compress with 8, so server_max_window_bits stays.)
    Case(
        "client_window_bits_8",
        "deflate",
        {"client_max_window_bits": 8},
        "permessage-deflate; client_max_window_bits=8",
        "permessage-deflate; server_max_window_bits=12; client_max_window_bits=8",
    ),
    Case(
        "client_no_context_takeover",
        "deflate",
        {"client_no_context_takeover": True},
        "permessage-deflate; client_no_context_takeover; client_max_window_bits=11",
        "permessage-deflate; client_no_context_takeover; server_max_window_bits=12; "
        "client_max_window_bits=11",
    ),
    Case(
        "server_no_context_takeover",
        "deflate",
        {"server_no_context_takeover": True},
        "permessage-deflate; server_no_context_takeover; client_max_window_bits=11",
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=12; "
        "client_max_window_bits=11",
    ),
    # The server does not do permessage-deflate: the offer goes unanswered
    # and the connection runs uncompressed (RFC 6455 section 9.1).
    Case(
        "server_without_compression",
        "plain",
        {},
        "permessage-deflate; client_max_window_bits=11",
        None,
    ),
    Case("no_compression", "deflate", None, None, None),
    # As "default" (whose compressor keeps its context too), with
    # keep_compression_context = true written out: wsx's compressor keeps its
    # context from message to message (RFC 7692 section 7.1.1.2 allows it: no
    # client_no_context_takeover was agreed); python's decompressor must follow.
    Case(
        "client_keeps_context",
        "deflate",
        {"keep_compression_context": True},
        "permessage-deflate; client_max_window_bits=11",
        "permessage-deflate; server_max_window_bits=12; client_max_window_bits=11",
    ),
]


@dataclass
class Seen:
    """What the server saw on one connection."""

    offer: Optional[str] = None
    response: Optional[str] = None
    close_code: Optional[int] = None
    messages: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)


class EchoServer:
    def __init__(self, compression):
        self.compression = compression
        self.connections = []
        self.server = None
        self.port = None

    async def handler(self, ws, _path):
        seen = Seen(
            offer=ws.request_headers.get("Sec-WebSocket-Extensions"),
            response=ws.response_headers.get("Sec-WebSocket-Extensions"),
        )
        self.connections.append(seen)
        try:
            async for message in ws:
                seen.messages += 1
                await ws.send(message)
        except websockets.ConnectionClosed:
            pass
        finally:
            seen.close_code = ws.close_code
            seen.done.set()

    async def start(self):
        self.server = await websockets.serve(
            self.handler, "127.0.0.1", 0, compression=self.compression, max_size=MAX_SIZE
        )
        self.port = self.server.sockets[0].getsockname()[1]
        print(f"python-websockets server (compression={self.compression}) listening on 127.0.0.1:{self.port}")

    async def stop(self):
        self.server.close()
        await asyncio.wait_for(self.server.wait_closed(), 10)


def client_command(client_bin, plugin, case, port):
    command = [client_bin, "--port", str(port)]
    if case.params is not None:
        command += ["--plugin", plugin]
        for key, value in case.params.items():
            text = ("true" if value else "false") if isinstance(value, bool) else str(value)
            command += ["--param", f"{key}={text}"]
    if case.response is None:
        command.append("--expect-no-extensions")
    else:
        command += ["--expect-extensions", case.response]
    return command


async def run_case(client_bin, plugin, case, server, seen_by_case, sent_ratios):
    before = len(server.connections)
    command = client_command(client_bin, plugin, case, server.port)
    print("  $ " + " ".join(f"'{a}'" if " " in a else a for a in command[1:]))
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), CLIENT_TIMEOUT)
    except asyncio.TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError(f"the client did not finish within {CLIENT_TIMEOUT} s")
    text = output.decode(errors="replace")
    print(text.rstrip("\n"))
    ratio = re.search(r"json-sent-ratio=([0-9.]+)", text)
    if ratio:
        sent_ratios[case.name] = float(ratio.group(1))
    if process.returncode != 0:
        raise AssertionError(f"the client exited with {process.returncode}")
    if len(server.connections) != before + 1:
        raise AssertionError(f"the server saw {len(server.connections) - before} connections, expected 1")
    seen = server.connections[-1]
    seen_by_case[case.name] = seen
    await asyncio.wait_for(seen.done.wait(), 5)
    print(f"  server saw offer: {seen.offer or '(none)'}")
    print(f"  server answered:  {seen.response or '(none)'}")
    print(f"  server: {seen.messages} messages echoed, close code {seen.close_code}")
    if seen.offer != case.offer:
        raise AssertionError(f"offer {seen.offer!r}, expected {case.offer!r}")
    if seen.response != case.response:
        raise AssertionError(f"response {seen.response!r}, expected {case.response!r}")
    if seen.close_code != 1000:
        raise AssertionError(f"the server's close code is {seen.close_code}, expected 1000")
    return time.monotonic() - started


async def run_all(client_bin, plugin):
    servers = {"deflate": EchoServer("deflate"), "plain": EchoServer(None)}
    for server in servers.values():
        await server.start()
    failures = []
    seen_by_case = {}
    sent_ratios = {}
    try:
        for case in CASES:
            print(f"case {case.name} (server: {case.server}):")
            try:
                seconds = await run_case(
                    client_bin, plugin, case, servers[case.server], seen_by_case, sent_ratios
                )
                print(f"  ok ({seconds:.2f} s)")
            except Exception as error:  # noqa: BLE001 - every failure is reported
                failures.append(f"{case.name}: {error}")
                print(f"  FAILED: {error}")
    finally:
        for server in servers.values():
            await server.stop()
    # With context takeover the 300 similar messages must compress better
    # than with client_no_context_takeover negotiated: proof that wsx's
    # compressor kept its window (and python decoded with it).
    kept = sent_ratios.get("client_keeps_context")
    reset = sent_ratios.get("client_no_context_takeover")
    if kept is not None and reset is not None:
        print(f"JSON ratio sent by wsx with its context kept: {kept:.2f}, reset per message: {reset:.2f}")
        if not kept < reset * 0.9:
            failures.append(f"context takeover did not help: ratio {kept:.2f} vs {reset:.2f}")
    else:
        failures.append("json-sent-ratio missing from the client's output")
    return failures, seen_by_case


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client-bin", required=True)
    parser.add_argument("--plugin", required=True)
    args = parser.parse_args()
    print(f"wsx core client -> python-websockets {websockets.__version__} server")
    failures, seen_by_case = asyncio.run(run_all(args.client_bin, args.plugin))

    print("\nsummary (wsx core client -> python-websockets server):")
    for case in CASES:
        seen = seen_by_case.get(case.name)
        offer, response = (seen.offer or "(none)", seen.response or "(none)") if seen else ("?", "?")
        print(f"  {case.name:28} offer: {offer:75} response: {response}")
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
        return 1
    print("\nall cases passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
