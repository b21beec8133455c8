"""Stability index per cell in [0, 1]: one minus the mean of four pressures, each on a fixed scale.

Violence: smoothed homicide rate over the displacement threshold (100 per 100k per year by
default); corruption κ; displacement: this month's leaving share over the share that leaves at the
threshold; weak governance: 1 − g. Each capped at 1, equal weights. References are fixed, never the
run's own range, so scenarios compare.
"""

from __future__ import annotations

import numpy as np

from mxstab.model.config import Displacement


def stability_index(
    smoothed_rate: np.ndarray,
    corruption: np.ndarray,
    left: np.ndarray,
    population: np.ndarray,
    mask: np.ndarray,
    d: Displacement,
    governance: float,
) -> np.ndarray:
    people = np.maximum(population, 1.0)
    violence = np.minimum(smoothed_rate / d.threshold_rate, 1.0)
    at_threshold = d.rate / 2
    displacement = np.minimum(left / people / at_threshold, 1.0) if at_threshold else 0.0
    weak_governance = 1.0 - governance
    pressure = (violence + corruption + displacement + weak_governance) / 4
    return np.where(mask, 1.0 - pressure, 0.0)
