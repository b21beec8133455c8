"""Random streams: one per mechanism (or per event), spawned from the run's seed.

`SeedSequence(seed).spawn(n)[k]` is the sequence with spawn key (k,); a stream here is that child
with k taken from the mechanism's name (CRC-32), so streams are independent like spawned ones
but keyed by name rather than by position: adding a mechanism or a draw to one never shifts
another's numbers, and same-seed runs are paired (common random numbers).
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(zlib.crc32(name.encode()),))
    )
