#!/usr/bin/python3
"""Accept starvation (issue 14): 2 I/O threads; heavy clients keep one or
more threads busy in zlib (8 MiB permessage-deflate messages echoed back,
read and dropped), while a prober opens N fresh connections one after
another. Prints the handshake times (median, 90th percentile, max).

  tests/bench/hostile/accept_starvation.py build/release/host/wsx-host \\
      build/release/lib/wsx/plugins/wsx_permessage_deflate.so [--probes 40]
"""
import argparse
import os
import random
import threading
import time
import zlib

from wsx_probe import Host, frame, handshake, host_config


def heavy(port, stop):
    sock, _ = handshake(port, "permessage-deflate")
    # Compresses well but takes zlib real work: words in a random order.
    words = [b"alpha", b"beta", b"gamma", b"delta", b"epsilon", b"zeta", b"eta", b"theta"]
    rng = random.Random(7)
    text = b" ".join(rng.choice(words) for _ in range(1_400_000))[:8 << 20]
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    payload = compressor.compress(text) + compressor.flush(zlib.Z_SYNC_FLUSH)
    message = frame(0x1, payload[:-4], rsv1=True)

    def drain():
        try:
            while sock.recv(1 << 20):
                pass
        except OSError:
            pass

    threading.Thread(target=drain, daemon=True).start()
    while not stop.is_set():
        try:
            sock.sendall(message)
        except OSError:
            return


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("plugin")
    parser.add_argument("--probes", type=int, default=40)
    parser.add_argument("--heavy", type=int, default=1)
    args = parser.parse_args()
    config = host_config(io_threads=2, limits={"max_message_size": "16 MiB"},
                         plugins=[os.path.abspath(args.plugin)])
    with Host(args.binary, config) as host:
        stop = threading.Event()
        for _ in range(args.heavy):
            threading.Thread(target=heavy, args=(host.port, stop), daemon=True).start()
        time.sleep(1.0)
        busy = host.cpu_seconds()
        time.sleep(1.0)
        busy = host.cpu_seconds() - busy  # CPU seconds per second of the heavy load
        cpu = host.cpu_seconds()
        times = []
        for _ in range(args.probes):
            sock, took = handshake(host.port, timeout=60)
            times.append(took * 1000)
            sock.close()
        cpu = host.cpu_seconds() - cpu
        stop.set()
        times.sort()
        print("heavy=%d probes=%d handshake ms: median %.1f, p90 %.1f, max %.1f (host CPU %.2f s/s under the heavy load, %.1f s during the probes)"
              % (args.heavy, args.probes, times[len(times) // 2], times[int(len(times) * 0.9)],
                 times[-1], busy, cpu))


if __name__ == "__main__":
    main()
