"""Spread each state's 2020 census population over its cells: people live where the places are.

Rule (docs/ODD.md, SOURCES.md): the population of GeoNames places of 500+ people (CC-BY 4.0)
nearest to a state's cells is placed on those cells, capped at the national urban share of the
census (GeoNames lists overlapping entries, so its sums can exceed the census); the rest of the
state's census population is spread in proportion to land area (cell area × land fraction). Cells
get whole people by largest remainder, so every state adds up to its census figure exactly.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from mxstab.model.world.grid import load_grid
from mxstab.model.world.states import largest_remainder, state_table

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
