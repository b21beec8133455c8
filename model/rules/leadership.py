"""Leader captures: each named group of at least `enforcement.target_members` loses its leader
with monthly hazard h0·(investigation + intelligence shared)·(1 − leak) + kingpin targeting, the
leak being `enforcement.leak` × the mean corruption of Mexican cells. The same rule runs in every
month of every run, before the policy start as after it (h0 is fitted to the removals the record
shows in 2019–2023; only a scenario's levers change at the start). A removal splits the group
(`fragmentation`)."""

from __future__ import annotations

import numpy as np

from mxstab.model.config import Enforcement


def capture_hazard(
    e: Enforcement,
    mean_corruption: float,
    investigation: float,
    intel_sharing: float,
    kingpin_targeting: float,
) -> float:
    """The monthly hazard each hunted leader faces."""
    leak = min(e.leak * mean_corruption, 1.0)
    return e.leader_hazard * (investigation + intel_sharing) * (1 - leak) + kingpin_targeting


def leaders_captured(candidates: np.ndarray, uniform: np.ndarray, hazard: float) -> list[int]:
    """Indices of the groups among `candidates` whose leader falls this month (`uniform`: one
    draw per group, so the draw of one group never moves another's)."""
    return [int(i) for i in candidates if uniform[i] < hazard]
