"""Fentanyl labs: production capacity per cell in the lab states, 1 at the start. A lab strike
destroys `force.lab_destroyed` of a struck cell's capacity; capacity is rebuilt at
`force.lab_recovery` a month toward its level at the start, as labs relocate.

The lab states are an assumption: the states where fentanyl production is most reported
(Sinaloa, Jalisco, Michoacán, Sonora, Durango); no production data by state ships.
"""

from __future__ import annotations

import numpy as np

from mxstab.model.config import Force

LAB_STATES = (25, 14, 16, 26, 10)  # Sinaloa, Jalisco, Michoacán, Sonora, Durango


def capacity_start(state: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return (np.isin(state, LAB_STATES) & mask).astype(float)


def after_strikes(
    capacity: np.ndarray, capacity_start: np.ndarray, hits: np.ndarray, f: Force
) -> np.ndarray:
    """Capacity after this month's successful strikes (a cell hit twice loses twice) and the
    month's rebuilding."""
    capacity = capacity.copy()
    np.multiply.at(capacity.reshape(-1), hits, 1 - f.lab_destroyed)
    capacity += f.lab_recovery * (capacity_start - capacity)
    return capacity
