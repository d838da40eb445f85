#!/usr/bin/python3
"""Interop: python-websockets (Debian's 10.4) reaching wsx-host over wss://
(RFC 6455 section 3; TLS from OpenSSL, [server.tls]).

A PKI is made at test time (tls_test_pki.py). Checks, each bounded:
  - wss:// echo with permessage-deflate negotiated, every size of the matrix
    (0 B .. 1 MiB, text and binary), TLS 1.2 and TLS 1.3, ALPN http/1.1;
  - min_version = "1.3" refuses a TLS 1.2-only client;
  - negatives, while another wss connection keeps echoing: plain HTTP on
    the TLS port (answered with nginx's plain-text 400), garbage bytes, and a client stalled mid-handshake (closed
    at handshake_timeout, not before), each logged at info with a reason;
  - mutual TLS: a client certificate from the test CA is accepted, none or
    one from another CA is refused (and logged); a client coming back with
    its TLS 1.3 session ticket resumes (RFC 8446 section 2.2);
  - SIGHUP with a new certificate: new connections see it, an open one
    goes on echoing.
Exit status 1 on any failure.
"""

import argparse
import asyncio
import os
import shutil
import signal
import socket
import ssl
import sys
import tempfile
import time

import websockets

from interop_payloads import message_matrix
from tls_test_pki import make_pki, make_server_certificate
from wsx_host_process import WsxHost

STEP_TIMEOUT = 30.0
HANDSHAKE_TIMEOUT = 1.0  # seconds, the hosts' handshake_timeout
TLS_TOML = """[server.tls]
certificate = "server.pem"
private_key = "server.key"
"""


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def client_context(pki, certificate=None, max_version=None, min_version=None):
    context = ssl.create_default_context(cafile=os.path.join(pki, "ca.pem"))
    context.set_alpn_protocols(["http/1.1"])
    if certificate:
        context.load_cert_chain(
            os.path.join(pki, certificate + ".pem"), os.path.join(pki, certificate + ".key")
        )
    if max_version:
        context.maximum_version = max_version
    if min_version:
        context.minimum_version = min_version
    return context


def connect(port, context, compression="deflate"):
    return websockets.connect(
        f"wss://localhost:{port}/",
        ssl=context,
        compression=compression,
        max_size=None,
        open_timeout=STEP_TIMEOUT,
        close_timeout=STEP_TIMEOUT,
    )


async def echo(ws, payload, label):
    await ws.send(payload)
    received = await asyncio.wait_for(ws.recv(), STEP_TIMEOUT)
    check(type(received) is type(payload), f"{label}: type changed")
    check(received == payload, f"{label}: echo differs ({len(received)} B back)")


async def check_matrix(port, pki, version):
    context = client_context(pki, max_version=version, min_version=version)
    async with connect(port, context) as ws:
        ssl_object = ws.transport.get_extra_info("ssl_object")
        check(ssl_object.version() == version.name.replace("_", "."),
              f"negotiated {ssl_object.version()}, wanted {version.name}")
        check(ssl_object.selected_alpn_protocol() == "http/1.1",
              f"ALPN {ssl_object.selected_alpn_protocol()!r}")
        extensions = ws.response_headers.get("Sec-WebSocket-Extensions", "")
        check(extensions.startswith("permessage-deflate"), f"extensions {extensions!r}")
        for label, payload in message_matrix():
            await echo(ws, payload, f"{version.name} {label}")
        await ws.close()
        check(ws.close_code == 1000, f"close code {ws.close_code}")
    print(f"ok: wss echo matrix over {ssl_object.version()} with {extensions}")


async def check_refused(port, context, label):
    """The TLS handshake (or the first read after it) must fail."""
    try:
        async with connect(port, context) as ws:
            await asyncio.wait_for(ws.recv(), STEP_TIMEOUT)
    except (ssl.SSLError, ConnectionError, websockets.exceptions.WebSocketException,
            EOFError, OSError) as error:
        print(f"ok: {label} refused ({type(error).__name__})")
        return
    raise AssertionError(f"{label}: connection was not refused")


def raw_connection_closed_after(port, data, limit):
    """Sends `data` (may be empty) on a raw TCP connection and returns the
    seconds until the server closed it (EOF or reset), bounded by `limit`,
    and the bytes the server sent before closing."""
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=limit) as raw:
        start = time.monotonic()
        if data:
            raw.sendall(data)
        try:
            while chunk := raw.recv(4096):
                received += chunk
        except ConnectionResetError:
            pass
        except socket.timeout as error:
            raise AssertionError(f"not closed within {limit} s") from error
        return time.monotonic() - start, received


async def check_negatives(host, pki):
    port = host.port
    async with connect(port, client_context(pki)) as keeper:
        loop = asyncio.get_running_loop()
        # Plain HTTP gets nginx's answer, a plain-text 400 naming the
        # mistake; garbage gets no HTTP at all, just the close.
        refusal = b"HTTP/1.1 400 Bad Request\r\n"
        cases = [
            ("plain HTTP request", b"GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n\r\n",
             r"tls error peer=.*plain HTTP request", True),
            ("plain HTTP DELETE", b"DELETE /x HTTP/1.1\r\nHost: localhost\r\n\r\n",
             r"tls error peer=.*plain HTTP request", True),
            ("garbage bytes", bytes(range(256)) * 4, r"tls error peer=.*", False),
        ]
        for label, data, pattern, answered in cases:
            mark = host.log_count()
            seconds, received = await loop.run_in_executor(
                None, raw_connection_closed_after, port, data, STEP_TIMEOUT)
            check(seconds < HANDSHAKE_TIMEOUT, f"{label}: took {seconds:.2f} s to close")
            if answered:
                check(received.startswith(refusal)
                      and received.endswith(b"\r\n\r\nThe plain HTTP request was sent to HTTPS port\n"),
                      f"{label}: answer {received[:200]!r}")
            else:
                check(not received.startswith(b"HTTP/"), f"{label}: answered {received[:80]!r}")
            line = host.wait_for_log(pattern, after=mark)
            check(line is not None and " INFO " in line,
                  f"{label}: no info log matching {pattern!r}:\n{host.log_text()}")
            await echo(keeper, b"still here", f"after {label}")
            print(f"ok: {label} closed after {seconds:.3f} s, logged: {line.split('tls error')[1]}")
        # Stalled mid-handshake: half a ClientHello, then nothing.
        context = client_context(pki)
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = context.wrap_bio(incoming, outgoing, server_hostname="localhost")
        try:
            tls.do_handshake()
        except ssl.SSLWantReadError:
            pass
        hello = outgoing.read()
        check(len(hello) > 10, "no ClientHello produced")
        mark = host.log_count()
        seconds, _ = await loop.run_in_executor(
            None, raw_connection_closed_after, port, hello[: len(hello) // 2], STEP_TIMEOUT)
        check(HANDSHAKE_TIMEOUT * 0.7 <= seconds < HANDSHAKE_TIMEOUT * 4,
              f"stalled handshake closed after {seconds:.2f} s (handshake_timeout "
              f"{HANDSHAKE_TIMEOUT} s)")
        check(host.wait_for_log(r"handshake timeout peer=", after=mark) is not None,
              "no handshake timeout logged")
        await echo(keeper, b"x" * 70000, "after the stalled handshake")
        print(f"ok: stalled TLS handshake closed at {seconds:.3f} s")
        await keeper.close()


def plain_get_over_tls(port, context, session=None):
    """One TLS connection carrying a plain HTTP GET (wsx answers 400): the
    session (with the ticket that came after the handshake), whether it was
    resumed, and the status line."""
    with socket.create_connection(("127.0.0.1", port), timeout=STEP_TIMEOUT) as raw, \
            context.wrap_socket(raw, server_hostname="localhost", session=session) as tls:
        tls.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        status = tls.recv(4096).split(b"\r\n", 1)[0]
        return tls.session, tls.session_reused, status


def check_resumption(host, pki):
    # With peer verification on, OpenSSL resumes only sessions of a named
    # session id context; unnamed, the second handshake failed ("session id
    # context uninitialized"), and browsers resume on every reconnect.
    context = client_context(pki, certificate="client")
    session, _, status = plain_get_over_tls(host.port, context)
    check(status.startswith(b"HTTP/1.1 400"), f"first connection: {status!r}")
    check(session is not None and session.has_ticket, "no session ticket from the first connection")
    try:
        _, reused, status = plain_get_over_tls(host.port, context, session)
    except (ssl.SSLError, OSError) as error:
        raise AssertionError(f"resuming the session failed: {error}\n{host.log_text()}")
    check(reused, "the session was not resumed")
    check(status.startswith(b"HTTP/1.1 400"), f"resumed connection: {status!r}")
    print("ok: mutual TLS session resumed with its ticket")


async def check_mutual(host, pki):
    async with connect(host.port, client_context(pki, certificate="client")) as ws:
        await echo(ws, "with a client certificate", "mutual TLS")
    print("ok: mutual TLS with a client certificate from the test CA")
    mark = host.log_count()
    await check_refused(host.port, client_context(pki), "mutual TLS without a client certificate")
    check(host.wait_for_log(r"tls error peer=.*certificate", after=mark) is not None,
          "no info log for the missing client certificate:\n" + host.log_text())
    mark = host.log_count()
    await check_refused(host.port, client_context(pki, certificate="rogue_client"),
                        "mutual TLS with a certificate from another CA")
    check(host.wait_for_log(r"tls error peer=.*(certificate|verify)", after=mark) is not None,
          "no info log for the untrusted client certificate:\n" + host.log_text())


async def check_min_version(host, pki):
    # This host also wants a client certificate (mutual TLS): give one, so
    # the version alone decides.
    tls12_only = client_context(pki, certificate="client", max_version=ssl.TLSVersion.TLSv1_2)
    await check_refused(host.port, tls12_only, "TLS 1.2 client with min_version 1.3")
    async with connect(host.port, client_context(pki, certificate="client")) as ws:
        check(ws.transport.get_extra_info("ssl_object").version() == "TLSv1.3", "not TLS 1.3")
        await echo(ws, b"1.3", "min_version 1.3")
    print("ok: min_version = 1.3 accepts TLS 1.3 only")


def peer_subject(ws):
    certificate = ws.transport.get_extra_info("peercert")
    return dict(item[0] for item in certificate["subject"])["commonName"]


async def check_reload(host, pki):
    async with connect(host.port, client_context(pki)) as old:
        check(peer_subject(old) == "localhost", f"subject {peer_subject(old)}")
        make_server_certificate(pki, "renewed", "/CN=renewed.localhost")
        shutil.copy(os.path.join(pki, "renewed.pem"), os.path.join(pki, "server.pem"))
        shutil.copy(os.path.join(pki, "renewed.key"), os.path.join(pki, "server.key"))
        mark = host.log_count()
        host.signal(signal.SIGHUP)
        check(host.wait_for_log(r"reloaded", after=mark) is not None,
              "no reload logged:\n" + host.log_text())
        async with connect(host.port, client_context(pki)) as new:
            check(peer_subject(new) == "renewed.localhost", f"new subject {peer_subject(new)}")
            await echo(new, b"new", "new certificate")
        await echo(old, b"old" * 30000, "connection from before the reload")
    print("ok: SIGHUP reloaded the certificate; the open connection went on")


async def run_all(args, pki):
    tls = TLS_TOML
    limits = f'handshake_timeout = "{int(HANDSHAKE_TIMEOUT * 1000)}ms"\n'
    # make_config's [server.limits] is the last table before ours: extend it.
    with WsxHost(args.host_bin, args.plugin, config_dir=pki,
                 extra_server_toml=limits + "\n" + tls) as host:
        for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            await check_matrix(host.port, pki, version)
        await check_negatives(host, pki)
        await check_reload(host, pki)
        check(host.stop() == 0, "host did not stop cleanly:\n" + host.log_text())
    os.makedirs(os.path.join(pki, "mutual"))
    for name in ("ca.pem", "server.pem", "server.key"):
        shutil.copy(os.path.join(pki, name), os.path.join(pki, "mutual", name))
    mutual = tls + 'ca = "ca.pem"\nverify_client = true\nmin_version = "1.3"\n'
    with WsxHost(args.host_bin, args.plugin, config_dir=os.path.join(pki, "mutual"),
                 extra_server_toml=mutual) as host:
        await check_mutual(host, pki)
        check_resumption(host, pki)
        await check_min_version(host, pki)
        check(host.stop() == 0, "host did not stop cleanly:\n" + host.log_text())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host-bin", required=True)
    parser.add_argument("--plugin", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wsx-tls-") as pki:
        make_pki(pki)
        try:
            asyncio.run(asyncio.wait_for(run_all(args, pki), 300))
        except AssertionError as failure:
            print(f"FAIL: {failure}", file=sys.stderr)
            return 1
    print("all wss interop checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
