#!/usr/bin/python3
"""Interop: SIGHUP reload of a plugin whose file was replaced at the same
path, with python-websockets (Debian's 10.4) as the client.

The repro of the defect: build a second version of a plugin, `mv` it over the
configured file, SIGHUP. The dynamic loader answers dlopen() of a path it has
open with the library it already has, so the host used to keep the old build.
Checks, each bounded:
  - after the reload the log names the new version, and a new connection
    negotiates the plugin's extension and echoes;
  - a connection made before the reload goes on echoing through the old
    build, which stays mapped (both builds' inodes in /proc/PID/maps) until
    that connection closes, and is unmapped after;
  - the host runs with --listen, and the reload does not warn that the
    address "needs a restart" (the override is part of the running config).
Exit status 1 on any failure.
"""

import argparse
import asyncio
import os
import shutil
import signal
import sys
import tempfile
import time

import websockets

from pass_extension import TOKEN, PassThroughFactory
from wsx_host_process import WsxHost

STEP_TIMEOUT = 10.0


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def mapped_inodes(pid):
    """The inodes of every file mapped into process `pid`."""
    inodes = set()
    with open(f"/proc/{pid}/maps", encoding="utf-8", errors="replace") as maps:
        for line in maps:
            fields = line.split()
            if len(fields) >= 5 and fields[4] != "0":
                inodes.add(int(fields[4]))
    return inodes


async def connect(port):
    socket = await asyncio.wait_for(
        websockets.connect(
            f"ws://127.0.0.1:{port}/",
            extensions=[PassThroughFactory()],
            compression=None,
        ),
        STEP_TIMEOUT,
    )
    negotiated = socket.response_headers.get("Sec-WebSocket-Extensions")
    check(negotiated == TOKEN, f"expected {TOKEN} negotiated, got {negotiated!r}")
    return socket


async def echo(socket, text):
    await asyncio.wait_for(socket.send(text), STEP_TIMEOUT)
    reply = await asyncio.wait_for(socket.recv(), STEP_TIMEOUT)
    check(reply == text, f"echo mismatch: sent {text!r}, got {reply!r}")


def wait_until(predicate, what, timeout=STEP_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def run(args):
    folder = tempfile.mkdtemp(prefix="wsx-reload-")
    try:
        installed = os.path.join(folder, "plugin.so")
        shutil.copyfile(args.plugin_v1, installed)
        old_inode = os.stat(installed).st_ino
        config = "\n".join(
            [
                "[server]",
                'address = "127.0.0.1"',
                "port = 9",  # replaced by --listen; a reload must not call that a change
                'app = "echo"',
                'log_level = "info"',
                "",
                "[[plugin]]",
                'path = "plugin.so"',
                "",
            ]
        )
        with WsxHost(args.host_bin, None, config_text=config, config_dir=folder) as host:
            check(
                host.wait_for_log(r"loaded plugin test-variant 0\.0\.1", 5) is not None,
                "the first build's version is not in the log:\n" + host.log_text(),
            )
            before = await connect(host.port)
            await echo(before, "made by 0.0.1")

            # A new release, moved over the configured file (a new inode).
            staged = os.path.join(folder, "plugin.so.new")
            shutil.copyfile(args.plugin_v2, staged)
            os.rename(staged, installed)
            new_inode = os.stat(installed).st_ino
            check(new_inode != old_inode, "the moved file kept its inode; test is void")

            mark = host.log_count()
            host.signal(signal.SIGHUP)
            check(
                host.wait_for_log(r"reloaded: plugins: test-variant 0\.0\.2", STEP_TIMEOUT, mark)
                is not None,
                "after SIGHUP the log does not name the new version 0.0.2:\n" + host.log_text(),
            )
            restart_warning = host.wait_for_log(r"need a restart", 0.2, mark)
            check(
                restart_warning is None,
                f"SIGHUP with --listen warned about a restart: {restart_warning}",
            )

            after = await connect(host.port)
            await echo(after, "made by 0.0.2")
            await echo(before, "still served by 0.0.1")

            pid = host._process.pid
            inodes = mapped_inodes(pid)
            check(new_inode in inodes, "the new build is not mapped after the reload")
            check(old_inode in inodes, "the old build was unmapped while its connection is open")

            await asyncio.wait_for(before.close(), STEP_TIMEOUT)
            wait_until(
                lambda: old_inode not in mapped_inodes(pid),
                "the old build to be unmapped once its last connection closed",
            )
            await echo(after, "0.0.2 goes on")
            await asyncio.wait_for(after.close(), STEP_TIMEOUT)
            check(host.stop() == 0, "wsx-host did not shut down cleanly:\n" + host.log_text())
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host-bin", required=True)
    parser.add_argument("--plugin-v1", required=True)
    parser.add_argument("--plugin-v2", required=True)
    args = parser.parse_args()
    try:
        asyncio.run(run(args))
    except AssertionError as failure:
        print(f"FAIL: {failure}", file=sys.stderr)
        return 1
    print("reload interop: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
