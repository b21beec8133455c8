"""Leader captures: each named group of at least `enforcement.target_members` loses its leader
with monthly hazard h0·(investigation + intelligence shared)·(1 − leak) + kingpin targeting, the
leak being `enforcement.leak` × the mean corruption of Mexican cells. A removal splits the group
(`fragmentation`)."""

from __future__ import annotations

import numpy as np

from mxstab.model.config import Enforcement


def leaders_captured(
    candidates: np.ndarray,
    uniform: np.ndarray,
    e: Enforcement,
    mean_corruption: float,
    investigation: float,
    intel_sharing: float,
    kingpin_targeting: float,
) -> list[int]:
    """Indices of the groups among `candidates` whose leader falls this month (`uniform`: one
    draw per group, so the draw of one group never moves another's)."""
    leak = min(e.leak * mean_corruption, 1.0)
    hazard = e.leader_hazard * (investigation + intel_sharing) * (1 - leak)
    hazard += kingpin_targeting
    return [int(i) for i in candidates if uniform[i] < hazard]
