"""Random streams: one per mechanism (or per event), keyed by name from the run's seed.

Keyed streams never shift each other: adding a draw to one mechanism leaves every other
mechanism's numbers as they were, so same-seed runs are paired (common random numbers).
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(name.encode())]))
