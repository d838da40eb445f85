#!/usr/bin/python3
"""Slow readers (issue 14): N clients send 16 KiB echo requests and never
read. Prints the host's VmRSS while they hold their backlog and after
close_timeout, and how the host closed them. idle_timeout is 0, so only the
slow-reader rule can close them.

  tests/bench/hostile/slow_readers.py build/release/host/wsx-host [--clients 20]
"""
import argparse
import socket
import time

from wsx_probe import Host, frame, handshake, host_config


def stall(sock, payload, limit=64 << 20):
    """Sends until the host stops reading for 200 ms; bytes sent."""
    sock.setblocking(False)
    data = frame(0x2, payload)
    sent = 0
    pending = data
    stalled_since = None
    while sent < limit:
        try:
            n = sock.send(pending)
            sent += n
            pending = pending[n:] or data
            stalled_since = None
        except BlockingIOError:
            now = time.monotonic()
            stalled_since = stalled_since or now
            if now - stalled_since > 0.2:
                break
            time.sleep(0.005)
        except OSError:
            break
    return sent


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--close-timeout", default="5s")
    args = parser.parse_args()
    config = host_config(limits={"idle_timeout": "0s", "close_timeout": args.close_timeout})
    with Host(args.binary, config) as host:
        base = host.status_kib("VmRSS")
        socks = [handshake(host.port)[0] for _ in range(args.clients)]
        start = time.monotonic()
        total = sum(stall(s, b"x" * 16384) for s in socks)
        stalled = time.monotonic() - start
        held = host.status_kib("VmRSS")
        print("clients=%d sent=%.1f MiB in %.2f s; host VmRSS idle %d KiB, held %d KiB (+%.1f MiB)"
              % (args.clients, total / 2**20, stalled, base, held, (held - base) / 1024))
        for seconds in (3, 6, 12):
            time.sleep(seconds - (time.monotonic() - start - stalled))
            rss = host.status_kib("VmRSS")
            log = host.log()
            print("t=+%2ds VmRSS %d KiB (+%.1f MiB); 'slow peer' lines %d, closes with 1008 %d"
                  % (seconds, rss, (rss - base) / 1024, log.count("slow peer"),
                     log.count("code=1008")))
        for s in socks:
            s.close()


if __name__ == "__main__":
    main()
