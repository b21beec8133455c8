"""Arrests: the membership equation's η·m, with m the month's arrest pressure.

m = effort × (1 + gain × intelligence shared) × (1 − κ̄) / (1 − κ̄ at the start), κ̄ the
member-weighted mean corruption of the cells the groups hold, effort the scenario's
investigation × the record's arrests against 2022–2023 (`world/enforcement.py`): at that level
a run makes the published 110 arrests a week, and corruption lowers arrests.
"""

from __future__ import annotations

import numpy as np


def member_corruption(
    held: np.ndarray, held_by: np.ndarray, corruption: np.ndarray, members: np.ndarray
) -> float:
    """κ̄: each group's mean corruption over the cells it holds (`held`, flat indices, by
    `held_by`), weighted by its members."""
    groups = len(members)
    cells = np.bincount(held_by, minlength=groups)
    kappa = np.bincount(held_by, weights=corruption.ravel()[held], minlength=groups)
    mean = np.divide(kappa, cells, out=np.zeros(groups), where=cells > 0)
    total = members.sum()
    return float((mean * members).sum() / total) if total > 0 else 0.0


def arrest_pressure(
    investigation: float,
    intel_gain: float,
    intel_sharing: float,
    corruption_now: float,
    corruption_start: float,
) -> float:
    """m for this month (1 at the start)."""
    effort = investigation * (1 + intel_gain * intel_sharing)
    return effort * (1 - corruption_now) / (1 - corruption_start)
