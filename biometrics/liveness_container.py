"""The burst container: one file holding a recording's cleaned JPEG frames and capture times.

The web layer stores it encrypted as the case's `burst` image (see docs/liveness.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

_MAGIC = b"LVB1"
BURST_CONTENT_TYPE = "application/x-liveness-burst"


def burst_pack(frames: Sequence[bytes], times_ms: Sequence[int]) -> bytes:
    """One file holding the (already cleaned) JPEG frames and their capture times."""
    header = json.dumps(
        {"times_ms": [int(t) for t in times_ms], "lengths": [len(f) for f in frames]}
    ).encode()
    return _MAGIC + len(header).to_bytes(4, "big") + header + b"".join(frames)


def burst_unpack(data: bytes) -> tuple[list[bytes], list[int]]:
    """The frames and times of `burst_pack`; ValueError if the file is not one."""
    if not data.startswith(_MAGIC) or len(data) < 8:
        raise ValueError("not a liveness burst")
    size = int.from_bytes(data[4:8], "big")
    header = json.loads(data[8 : 8 + size])
    frames, offset = [], 8 + size
    for length in header["lengths"]:
        frames.append(data[offset : offset + length])
        offset += length
    if offset != len(data) or len(frames) != len(header["times_ms"]):
        raise ValueError("truncated liveness burst")
    return frames, [int(t) for t in header["times_ms"]]
