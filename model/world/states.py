"""The 32 states: census population, reference area and 2023 homicides, each row with its source.

Homicide gaps are filled by the rules of the shared data README (see SOURCES.md): a rate without a
count gives count = rate × population / 100,000 (`derived_from_rate`); states with neither share the
national residual in proportion to population (`derived_residual`). Counts are whole deaths; the
residual is split by largest remainder so the states add up to the national total exactly.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from mxstab.model.data import DATA_DIR

STATES = 32
"""INEGI codes run 1–32: an array indexed by code has STATES + 1 slots (slot 0: off Mexico)."""
NATIONAL_HOMICIDES_2023 = 31_062  # INEGI EDR preliminary, published 2024-08-01
NATIONAL_POPULATION_2020 = 126_014_024  # INEGI Censo de Población y Vivienda 2020


def per_state(state: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
    """Sum of a raster over each state's cells (or the cell count), indexed by INEGI code; cells
    of no state are left out (slot 0 counts them only for the cell count)."""
    if values is None:
        return np.bincount(state.ravel(), minlength=STATES + 1)
    cells, codes = coded_cells(state)
    return np.bincount(codes, weights=values.ravel()[cells], minlength=STATES + 1)


_CODED_CELLS: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


def coded_cells(state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flat indices of the cells with a state code and their codes, kept for read-only (static)
    rasters."""
    if not state.flags.writeable:
        kept = _CODED_CELLS.get(id(state))
        if kept is not None and kept[0] is state:
            return kept[1], kept[2]
    cells = np.flatnonzero(state.ravel())
    codes = state.ravel()[cells]
    if not state.flags.writeable:
        _CODED_CELLS[id(state)] = (state, cells, codes)
    return cells, codes


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Whole numbers proportional to `weights` that add up to `total` exactly."""
    if total == 0:
        return np.zeros(len(weights), np.int64)
    exact = total * weights / weights.sum()
    whole = np.floor(exact).astype(np.int64)
    shortfall = int(total - whole.sum())
    whole[np.argsort(-(exact - whole), kind="stable")[:shortfall]] += 1
    return whole


@cache
def state_table() -> pd.DataFrame:
    """One row per state keyed by INEGI code, with `homicides_2023` and `homicide_source`.

    `reported_rate_2023` is the published rate (rounded, blank where none was found);
    `homicide_rate_2023` is recomputed from the count on the census population.
    """
    states = pd.read_csv(DATA_DIR / "states.csv").set_index("inegi_code").sort_index()
    states = states.rename(columns={"homicide_rate_2023": "reported_rate_2023"})
    observed = states["homicides_2023"].notna()
    from_rate = ~observed & states["reported_rate_2023"].notna()
    residual = ~observed & ~from_rate

    homicides = states["homicides_2023"].copy()
    homicides[from_rate] = np.round(
        states.loc[from_rate, "reported_rate_2023"] * states.loc[from_rate, "population_2020"] / 1e5
    )
    remaining = NATIONAL_HOMICIDES_2023 - int(homicides[~residual].sum())
    homicides[residual] = largest_remainder(
        remaining, states.loc[residual, "population_2020"].to_numpy(float)
    )
    states["homicides_2023"] = homicides.astype(np.int64)
    states["homicide_source"] = np.select(
        [observed, from_rate], ["observed", "derived_from_rate"], "derived_residual"
    )
    states["homicide_rate_2023"] = states["homicides_2023"] / states["population_2020"] * 1e5
    return states
