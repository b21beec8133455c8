"""Stability index per cell in [0, 1]: one minus the mean of four pressures, each on a fixed scale.

Violence: smoothed homicide rate over the displacement threshold (100 per 100k per year by
default, MECHANICS' example); corruption κ; displacement: this month's leaving share over the share
that leaves at the threshold; weak governance: 1 − g. Each capped at 1, equal weights. References
are fixed, never the run's own range, so scenarios compare.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from mxstab.model.model import MxStabModel


def stability_index(model: MxStabModel) -> np.ndarray:
    d = model.config.displacement
    people = np.maximum(model.population, 1.0)
    violence = np.minimum(model.smoothed_rate / d.threshold_rate, 1.0)
    at_threshold = d.rate / 2
    displacement = np.minimum(model.left / people / at_threshold, 1.0) if at_threshold else 0.0
    weak_governance = 1.0 - model.config.corruption.governance
    pressure = (violence + model.corruption + displacement + weak_governance) / 4
    return np.where(model.grid.mexico, 1.0 - pressure, 0.0)
