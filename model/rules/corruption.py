"""Per-cell corruption κ in [0, 1]:

κ ← κ + α·F·s·(1 − g)·(1 − κ) + D·(mean of neighbours' κ − κ) − γ·A·κ, clipped to [0, 1]

F the trafficking flow through the cell (busiest cell of the first month = 1), s = 1 on cells a
group holds, g governance, A the anti-corruption effort (1 = its level at the start). No
corruption data ships, so κ starts at the rest state of this rule under the flows and control of
the start.
"""

from __future__ import annotations

import numpy as np

from mxstab.model.config import Corruption
from mxstab.model.rules.kernels import corruption_rest

REST_TOLERANCE = 1e-12


def rates(
    flow: np.ndarray, owner: np.ndarray, c: Corruption, anticorruption: float
) -> tuple[np.ndarray, float]:
    """The growth raster and the decay rate."""
    control = (owner >= 0).astype(float)
    growth = c.growth * flow * control * (1 - c.governance)
    return growth, c.decay * anticorruption


def at_rest(growth: np.ndarray, decay: float, diffusion: float, mask: np.ndarray) -> np.ndarray:
    """κ where the rule no longer moves it (no cell by more than REST_TOLERANCE)."""
    return corruption_rest(growth, decay, diffusion, mask, REST_TOLERANCE)
