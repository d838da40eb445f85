"""Deterministic message payloads shared by the Python interop scripts.

Text payloads mix ASCII with 2-, 3- and 4-byte UTF-8 characters so that a
broken UTF-8 check or a codec that mangles multi-byte sequences shows up;
they are cut to an exact byte length on a character boundary. Binary payloads
are pseudo-random (incompressible), so the compressor's stored-block path is
exercised too.
"""

import json
import random

# RFC 6455 section 5.2 length encodings: 7-bit (<= 125), 16-bit (126..65535)
# and 64-bit (> 65535).
SIZES = [0, 1, 125, 126, 65535, 65536, 1 << 20]
# Above the host's max_frame_size (1 MiB): the echo comes back in 4
# fragments (RFC 6455 section 5.4). Costly, so one case sends it.
LARGE_SIZE = (3 << 20) + 1

_WORDS = ["wsx", "deflate", "frame", "käse", "naïve", "€uro", "日本語", "😀", "rsv1", "window"]


def text_of_size(size, seed):
    """A str whose UTF-8 encoding is exactly `size` bytes."""
    rng = random.Random(seed)
    parts = []
    length = 0
    while length < size:
        word = rng.choice(_WORDS)
        parts.append(word)
        length += len(word.encode("utf-8")) + 1
    encoded = " ".join(parts).encode("utf-8")[:size]
    text = encoded.decode("utf-8", errors="ignore")  # drop a cut character
    text += "a" * (size - len(text.encode("utf-8")))
    assert len(text.encode("utf-8")) == size
    return text


def binary_of_size(size, seed):
    return random.Random(seed).randbytes(size)


def message_matrix(large=False):
    """(label, payload) for every size, text then binary."""
    matrix = []
    for size in SIZES + ([LARGE_SIZE] if large else []):
        matrix.append((f"text {size} B", text_of_size(size, seed=size)))
        matrix.append((f"binary {size} B", binary_of_size(size, seed=size + 1)))
    return matrix


def json_messages(count=300):
    """`count` JSON documents that share most of their structure, the traffic
    context takeover (RFC 7692 section 7.1.1) is meant for. Their sizes vary
    from about 150 B to about 2 KiB."""
    rng = random.Random(7692)
    messages = []
    for seq in range(count):
        document = {
            "seq": seq,
            "type": rng.choice(["update", "insert", "delete", "snapshot"]),
            "user": f"user-{seq % 17}",
            "room": "interop",
            "tags": rng.sample(_WORDS, 3),
            "position": {"x": rng.randint(-1000, 1000), "y": rng.randint(-1000, 1000)},
            "note": " ".join(rng.choice(_WORDS) for _ in range(rng.randint(0, 150))),
        }
        messages.append(json.dumps(document, ensure_ascii=False))
    return messages
