#!/usr/bin/python3
"""Partial frames (issue 14): N clients each send all but the last byte of a
15 MiB frame and hold it. Prints the host's VmRSS and how many connections
it closed (1013, max_buffered_input) and how many it still holds.

  tests/bench/hostile/partial_frames.py build/release/host/wsx-host [--clients 50]
"""
import argparse
import struct
import time

from wsx_probe import Host, handshake, host_config


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--mib", type=int, default=15)
    args = parser.parse_args()
    size = args.mib << 20
    with Host(args.binary, host_config(limits={"idle_timeout": "0s"})) as host:
        base = host.status_kib("VmRSS")
        header = struct.pack("!BBQ", 0x82, 0x80 | 127, size) + b"\0\0\0\0"
        body = b"p" * (size - 1)
        socks = []
        start = time.monotonic()
        for _ in range(args.clients):
            sock = handshake(host.port)[0]
            sock.settimeout(10)
            try:
                sock.sendall(header + body)
            except OSError:
                pass  # closed by the host (1013) while sending
            socks.append(sock)
        time.sleep(1)
        rss = host.status_kib("VmRSS")
        log = host.log()
        print("clients=%d x %d MiB partial frames in %.1f s: host VmRSS idle %d KiB, held %d KiB "
              "(+%.1f MiB); closed with 1013: %d"
              % (args.clients, args.mib, time.monotonic() - start, base, rss,
                 (rss - base) / 1024, log.count("closing with 1013")))
        for sock in socks:
            sock.close()


if __name__ == "__main__":
    main()
