"""People: each state's 2020 census population spread over its cells (people live where the places
are), and CONAPO's mid-year populations by state, 2015–2035, that scale it to any month.

Rule (docs/ODD.md, SOURCES.md): the population of GeoNames places of 500+ people (CC-BY 4.0)
nearest to a state's cells is placed on those cells, capped at the national urban share of the
census (GeoNames lists overlapping entries, so its sums can exceed the census); the rest of the
state's census population is spread in proportion to land area (cell area × land fraction). Cells
get whole people by largest remainder, so every state adds up to its census figure exactly.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from mxstab.model.data import DATA_DIR
from mxstab.model.world.grid import load_grid
from mxstab.model.world.states import STATES, largest_remainder, per_state, state_table

URBAN_SHARE_2020 = 0.79  # INEGI Censo 2020: 79% live in localities of 2,500 or more


def spread_population(
    state: np.ndarray,
    census: dict[int, int],
    places: np.ndarray,
    land_area: np.ndarray,
) -> np.ndarray:
    """Per-cell population (int64 raster) from per-state census totals and the two weights."""
    population = np.zeros(state.shape, np.int64)
    for code, total in census.items():
        cells = state == code
        in_places = min(places[cells].sum(), URBAN_SHARE_2020 * total)
        place_weight = places[cells] / places[cells].sum() if in_places > 0 else 0.0
        area_weight = land_area[cells] / land_area[cells].sum()
        weight = in_places * place_weight + (total - in_places) * area_weight
        population[cells] = largest_remainder(total, weight)
    return population


@cache
def cell_population(resolution: float) -> np.ndarray:
    """The model's initial population raster for one resolution (read-only)."""
    grid = load_grid(resolution)
    census = state_table()["population_2020"].to_dict()
    population = spread_population(
        grid.state, census, grid.places_population, grid.area_km2 * grid.land_fraction
    )
    population.flags.writeable = False
    return population


CONAPO_FILE = DATA_DIR / "conapo_state_population_2015_2035.csv"
MID_YEAR_MONTH = 6  # July: CONAPO's figures are mid-year


@cache
def conapo_mid_year() -> pd.DataFrame:
    """CONAPO's mid-year population, one row per year, one column per INEGI code (0: national)."""
    table = pd.read_csv(CONAPO_FILE)
    return table.pivot(index="year", columns="state", values="population_mid_year").astype(float)


@cache
def population_of_year(year: int) -> np.ndarray:
    """CONAPO's mid-year population of `year` per INEGI code (slot 0: national): the
    denominator of the year's rates (read-only)."""
    table = conapo_mid_year()
    if year not in table.index:
        raise ValueError(f"CONAPO's projections run {table.index.min()}–{table.index.max()}")
    people = table.loc[year].to_numpy()
    people.flags.writeable = False
    return people


@cache
def population_in_month(when: int) -> np.ndarray:
    """Population per INEGI code in month number `when`, linear between mid-years (read-only)."""
    table = conapo_mid_year()
    mid_years = table.index.to_numpy() * 12 + MID_YEAR_MONTH
    weight = np.interp(when, mid_years, np.arange(mid_years.size))
    below = min(int(weight), mid_years.size - 2)
    values = table.to_numpy()
    people = values[below] + (weight - below) * (values[below + 1] - values[below])
    people.flags.writeable = False
    return people


def cell_population_in_month(resolution: float, when: int) -> np.ndarray:
    """The census pattern of people per cell scaled to each state's population in month `when`."""
    grid = load_grid(resolution)
    census = cell_population(resolution)
    census_by_state = per_state(grid.state, census)
    scale = np.divide(
        population_in_month(when),
        census_by_state,
        out=np.zeros(STATES + 1),
        where=census_by_state > 0,
    )
    return census * scale[grid.state]
