#!/usr/bin/python3
"""Interop: how many TLS records wsx-host's answers take (one gathered write).

A client made of Python's own ssl module (an SSLObject over MemoryBIOs, so
the test sees the raw bytes the server sent) speaks wss:// to wsx-host and
splits what comes back into TLS records (RFC 8446 section 5.1: a 5-byte
header, then `length` bytes). The server should need as few records as the
plaintext allows: ceil(bytes / 16384) (RFC 8446 section 5.1, 2^14 bytes of
plaintext per record), whatever the number of frames in one flush:
  - a small text echo: one record;
  - a Ping and a text message sent together: the Pong and the echo, one
    record (they sit in two output segments on the server);
  - 20 small messages in one client record: 20 echoes, one record;
  - a 1 MiB binary echo: ceil((10 + 2^20) / 2^14) = 65 records.
TLS 1.2 and TLS 1.3. The PKI is made at test time (tls_test_pki.py). Exit
status 1 on any failure.
"""

import argparse
import math
import os
import select
import socket
import ssl
import struct
import sys
import tempfile

from tls_test_pki import make_pki
from wsx_host_process import WsxHost

STEP_TIMEOUT = 20.0
MAX_PLAINTEXT = 16384
TLS_TOML = """[server.tls]
certificate = "server.pem"
private_key = "server.key"
"""
REQUEST = (
    "GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
).encode()


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def client_frame(opcode, payload):
    """A masked client frame (RFC 6455 section 5.2), mask key 0x01020304."""
    mask = b"\x01\x02\x03\x04"
    size = len(payload)
    if size < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | size)
    elif size < 65536:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, size)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + masked


def server_frame(opcode, payload):
    """An unmasked server frame, as the echo should come back."""
    size = len(payload)
    if size < 126:
        head = struct.pack("!BB", 0x80 | opcode, size)
    elif size < 65536:
        head = struct.pack("!BBH", 0x80 | opcode, 126, size)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 127, size)
    return head + payload


class RecordCountingClient:
    """A TLS client whose ciphertext passes through our hands."""

    def __init__(self, port, context):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=STEP_TIMEOUT)
        self.incoming = ssl.MemoryBIO()
        self.outgoing = ssl.MemoryBIO()
        self.tls = context.wrap_bio(self.incoming, self.outgoing, server_hostname="localhost")
        self.raw = b""  # ciphertext not yet split into records
        self.records = 0
        self._handshake()

    def _send_pending(self):
        data = self.outgoing.read()
        if data:
            self.sock.sendall(data)

    def _receive(self, timeout):
        """Reads what the socket has (waiting up to `timeout`), counts whole
        records and feeds them to TLS; returns False when nothing came."""
        ready, _, _ = select.select([self.sock], [], [], timeout)
        if not ready:
            return False
        data = self.sock.recv(1 << 20)
        check(data, "server closed the connection")
        self.raw += data
        while len(self.raw) >= 5:
            length = struct.unpack("!H", self.raw[3:5])[0]
            if len(self.raw) < 5 + length:
                break
            self.records += 1
            self.incoming.write(self.raw[: 5 + length])
            self.raw = self.raw[5 + length :]
        return True

    def _handshake(self):
        for _ in range(100):
            try:
                self.tls.do_handshake()
                self._send_pending()
                return
            except ssl.SSLWantReadError:
                self._send_pending()
                check(self._receive(STEP_TIMEOUT), "no handshake answer")
        raise AssertionError("handshake did not finish")

    def send(self, plaintext):
        """All of `plaintext` in one write (as few records as Python makes)."""
        self.tls.write(plaintext)
        self._send_pending()

    def read_exactly(self, size):
        """`size` plaintext bytes and the number of records they came in
        (counted from the first record after the last call)."""
        self.records = 0
        received = b""
        for _ in range(100000):
            try:
                received += self.tls.read(size - len(received))
            except ssl.SSLWantReadError:
                check(self._receive(STEP_TIMEOUT), f"timed out with {len(received)}/{size} B")
                continue
            if len(received) >= size:
                check(len(received) == size, "more plaintext than expected")
                check(self.raw == b"", "a partial record follows the answer")
                return received, self.records
        raise AssertionError("read did not finish")

    def settle(self):
        """Reads and decrypts everything the server sends until it is quiet
        (TLS 1.3 session tickets come after the handshake)."""
        while self._receive(0.2):
            pass
        try:
            while self.tls.read(1 << 20):
                pass
        except ssl.SSLWantReadError:
            pass

    def close(self):
        self.sock.close()


def upgrade(client):
    client.send(REQUEST)
    head = b""
    for _ in range(100):
        try:
            head += client.tls.read(4096)
        except ssl.SSLWantReadError:
            check(client._receive(STEP_TIMEOUT), "no 101")
        if b"\r\n\r\n" in head:
            break
    check(head.startswith(b"HTTP/1.1 101"), f"no 101: {head[:80]!r}")
    check(head.endswith(b"\r\n\r\n"), "bytes after the 101 before any message")
    client.settle()


def expect_records(client, label, frames, answer):
    client.send(b"".join(frames))
    received, records = client.read_exactly(len(answer))
    check(received == answer, f"{label}: answer differs")
    fewest = math.ceil(len(answer) / MAX_PLAINTEXT)
    check(records == fewest, f"{label}: {records} records for {len(answer)} B, expected {fewest}")
    print(f"ok: {label}: {len(answer)} B in {records} record(s)")


def check_version(port, pki, version):
    context = ssl.create_default_context(cafile=os.path.join(pki, "ca.pem"))
    context.minimum_version = version
    context.maximum_version = version
    client = RecordCountingClient(port, context)
    try:
        upgrade(client)
        name = client.tls.version()
        text = b'{"kind":"small","n":1}' * 4
        expect_records(client, f"{name} small echo", [client_frame(1, text)],
                       server_frame(1, text))
        expect_records(client, f"{name} ping + text",
                       [client_frame(9, b"are you there"), client_frame(1, text)],
                       server_frame(10, b"are you there") + server_frame(1, text))
        many = [b"message %02d" % i for i in range(20)]
        expect_records(client, f"{name} 20 pipelined messages",
                       [client_frame(1, m) for m in many],
                       b"".join(server_frame(1, m) for m in many))
        big = bytes(range(256)) * 4096
        expect_records(client, f"{name} 1 MiB binary", [client_frame(2, big)],
                       server_frame(2, big))
    finally:
        client.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host-bin", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wsx-tls-records-") as pki:
        make_pki(pki)
        try:
            with WsxHost(args.host_bin, None, config_dir=pki, extra_server_toml=TLS_TOML) as host:
                for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
                    check_version(host.port, pki, version)
                check(host.stop() == 0, "host did not stop cleanly:\n" + host.log_text())
        except AssertionError as failure:
            print(f"FAIL: {failure}", file=sys.stderr)
            return 1
    print("all TLS record checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
