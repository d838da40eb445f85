#!/usr/bin/python3
"""Interop: a plugin that dereferences NULL in decode crashes wsx-host, and the
host's last words name it (plugins run unisolated in the host process).

A python-websockets (Debian's 10.4) client negotiates the crashing test
plugin's extension (tests/plugins/variant_plugin.c, VARIANT_CRASH_DECODE) and
sends one message. Checks, each bounded: the host dies by SIGSEGV (the
signal is re-raised, not swallowed), and its stderr names the plugin, its
version, the function (decode) and the peer's address and port.
Exit status 1 on any failure.
"""

import argparse
import asyncio
import re
import signal
import sys
import time

import websockets

from pass_extension import TOKEN, PassThroughFactory
from wsx_host_process import WsxHost

STEP_TIMEOUT = 10.0


def check(condition, message):
    if not condition:
        raise AssertionError(message)


async def crash_it(port):
    socket = await asyncio.wait_for(
        websockets.connect(
            f"ws://127.0.0.1:{port}/", extensions=[PassThroughFactory()], compression=None
        ),
        STEP_TIMEOUT,
    )
    negotiated = socket.response_headers.get("Sec-WebSocket-Extensions")
    check(negotiated == TOKEN, f"expected {TOKEN} negotiated, got {negotiated!r}")
    local_port = socket.local_address[1]
    await asyncio.wait_for(socket.send("this frame reaches the crashing decode"), STEP_TIMEOUT)
    try:
        await asyncio.wait_for(socket.recv(), STEP_TIMEOUT)
        raise AssertionError("the host answered although its plugin's decode crashed")
    except websockets.ConnectionClosed:
        pass  # the host died under us, as it must
    return local_port


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host-bin", required=True)
    parser.add_argument("--plugin", required=True)
    args = parser.parse_args()
    try:
        with WsxHost(args.host_bin, None, config_text=config_for(args.plugin)) as host:
            local_port = asyncio.run(crash_it(host.port))
            deadline = time.monotonic() + STEP_TIMEOUT
            while host.running() and time.monotonic() < deadline:
                time.sleep(0.05)
            status = host._process.poll()
            check(status == -signal.SIGSEGV, f"expected death by SIGSEGV, exit status {status}")
            report = host.wait_for_log(r"fatal SIGSEGV", 5)
            check(report is not None, "no crash report in the log:\n" + host.log_text())
            expected = (
                r"fatal SIGSEGV in plugin test-variant 0\.0\.1, function decode, "
                rf"peer 127\.0\.0\.1:{local_port} "
            )
            check(re.search(expected, report), f"the report does not name the call: {report}")
    except AssertionError as failure:
        print(f"FAIL: {failure}", file=sys.stderr)
        return 1
    print("plugin crash interop: OK")
    return 0


def config_for(plugin):
    return "\n".join(
        ["[server]", 'address = "127.0.0.1"', "port = 0", 'app = "echo"', "",
         "[[plugin]]", f'path = "{plugin}"', ""]
    )


if __name__ == "__main__":
    sys.exit(main())
