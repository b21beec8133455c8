"""Cell population: each state's census spread over its cells, weighted by places and land area."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mxstab.model.world.grid import load_grid
from mxstab.model.world.population import URBAN_SHARE_2020, cell_population, spread_population


def test_states_keep_their_census_population(grid, states):
    population = cell_population(grid.resolution)
    per_state = np.bincount(grid.state.ravel(), weights=population.ravel(), minlength=33)[1:]
    assert (per_state == states["population_2020"].to_numpy()).all()
    assert population.sum() == 126_014_024
    assert (population[~grid.mexico] == 0).all()
    assert (population[grid.mexico] >= 0).all()


def test_cities_hold_more_people_than_the_countryside():
    """Mexico City, Guadalajara and Monterrey cells are far denser than their states' average."""
    grid = load_grid(0.1)
    density = cell_population(0.1) / grid.area_km2
    for lat, lon, state in ((19.43, -99.13, 9), (20.67, -103.35, 14), (25.67, -100.31, 19)):
        row, col = int((lat - 14) / 0.1), int((lon + 118) / 0.1)
        assert grid.state[row, col] == state
        mine = grid.state == state
        assert density[row, col] > 3 * density[mine].mean(), (lat, lon)


def test_every_state_has_people_outside_places():
    """At least the rural share (1 − urban share) is spread by area, so no state is empty land."""
    grid = load_grid(0.25)
    population = cell_population(0.25)
    empty_share = (population[grid.mexico] == 0).mean()
    assert empty_share < 0.01
    assert URBAN_SHARE_2020 < 1


@settings(max_examples=60, deadline=None)
@given(
    state=arrays(np.uint8, (6, 7), elements=st.integers(0, 3)),
    places=arrays(np.float64, (6, 7), elements=st.floats(0, 1e6)),
    census=st.lists(st.integers(0, 10**7), min_size=3, max_size=3),
)
def test_spread_is_exact_and_stays_in_its_state(state, places, census):
    state[0, 0], state[0, 1], state[0, 2] = 1, 2, 3
    land = np.ones(state.shape)
    totals = dict(zip((1, 2, 3), census, strict=True))
    population = spread_population(state, totals, places, land)
    for code, total in totals.items():
        assert population[state == code].sum() == total
    assert (population[state == 0] == 0).all()
    assert (population >= 0).all()
