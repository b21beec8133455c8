"""Fentanyl: made in Mexico's labs from imported precursors, carried to the US border, partly
seized there. No estimate of production or of the flow into the US exists (Kilmer et al. 2022
bound US consumption at "single digit pure metric tons"), so the model reports an index: the
flow reaching the US over its level in the run's first month.

Lab capacity per cell: each state's share of the clandestine labs the FGR seized in 2019–2024
(fentanyl_labs_by_state.csv; most labs make methamphetamine, and these counts stand in for where
fentanyl is made), spread evenly over the state's cells. A hit — a US lab strike or a Mexican
raid — destroys `force.lab_destroyed` of the cell's capacity; capacity is rebuilt at
`force.lab_recovery` a month toward its full level, as labs relocate; a run starts with the
capacity Mexico's raids hold the labs at (`at_rest`). Production is
capacity × precursor supply; Mexico's port controls seize a share of the precursors and CBP a
share of what crosses, each compounding with its effort: a share s at effort 1 leaves (1 − s)^e
at effort e (relative to the 2024 effort, e = 1).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from mxstab.model.config import Force
from mxstab.model.data import DATA_DIR


@cache
def labs_by_state() -> pd.Series:
    """Labs seized per INEGI code, 2019–2024."""
    table = pd.read_csv(DATA_DIR / "fentanyl_labs_by_state.csv")
    return table.set_index("state")["labs_2019_2024"]


def capacity_start(state: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Each lab state's share of the seized labs, spread evenly over its cells (sums to 1)."""
    capacity = np.zeros(state.shape)
    shares = labs_by_state() / labs_by_state().sum()
    for code, share in shares.items():
        cells = (state == code) & mask
        capacity[cells] = share / cells.sum()
    return capacity


def after_hits(
    capacity: np.ndarray, capacity_start: np.ndarray, hits: np.ndarray, f: Force
) -> np.ndarray:
    """Capacity after this month's hits (a cell hit twice loses twice) and the month's
    rebuilding."""
    capacity = capacity.copy()
    np.multiply.at(capacity.reshape(-1), hits, 1 - f.lab_destroyed)
    capacity += f.lab_recovery * (capacity_start - capacity)
    return capacity


def at_rest(capacity_start: np.ndarray, raids: float, f: Force, months: int = 240) -> np.ndarray:
    """The capacity Mexico's raids hold the labs at: the hits' expected loss against the
    rebuilding, run to rest, so a run starts where the labs stand rather than drifting to it."""
    capacity = capacity_start.copy()
    for _ in range(months):
        hits = raids * capacity / max(capacity.sum(), 1e-12)  # each cell's Poisson mean
        capacity = capacity * np.exp(-f.lab_destroyed * hits)  # E[(1 − d)^N] for N ~ Poisson
        capacity += f.lab_recovery * (capacity_start - capacity)
    return capacity


def raided_cells(capacity: np.ndarray, raids: float, rng: np.random.Generator) -> np.ndarray:
    """This month's Mexican raids: a Poisson count, each on a cell drawn ∝ its capacity."""
    count = rng.poisson(raids)
    total = capacity.sum()
    if not count or total <= 0:
        return np.zeros(0, np.int64)
    return rng.choice(capacity.size, size=count, p=capacity.ravel() / total)


def left_after(share: float, effort: float) -> float:
    """What a control seizing `share` at the 2024 effort leaves at `effort`, relative to 2024."""
    return (1 - share) ** (effort - 1)
