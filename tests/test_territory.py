"""Where conflict deaths fall: along fronts, on the holder's ground, or across a home state; the
compiled placement against its numpy reference."""

import numpy as np
import pytest

from mxstab.model.config import Config
from mxstab.model.model import MxStabModel
from mxstab.model.rules.territory import (
    Territory,
    place_pair_deaths,
    place_pair_deaths_reference,
)


@pytest.fixture
def two_holders():
    """Group 0 holds the west half of a 4×6 map, group 1 the east; groups 2 and 3 hold nothing.
    Rows 0–1 are state 1, rows 2–3 state 2."""
    owner = np.zeros((4, 6), np.int32)
    owner[:, 3:] = 1
    state = np.ones((4, 6), np.uint8)
    state[2:] = 2
    population = np.random.default_rng(3).uniform(0, 1000, owner.shape)
    home_state = np.array([1, 1, 2, 1])
    return owner, Territory.of(owner, 4), population, state, home_state


def test_each_death_falls_where_its_rule_sends_it(two_holders):
    owner, territory, population, state, home_state = two_holders
    pair_deaths = np.zeros((4, 4))
    pair_deaths[0, 1] = 10.0  # a front: on group 0's cells along it
    pair_deaths[2, 1] = 5.0  # 2 holds nothing: on group 1's ground
    pair_deaths[2, 3] = 7.0  # neither holds anything: across 2's home state
    deaths = place_pair_deaths(pair_deaths, owner, territory, population, state, home_state)
    weight = population + 1
    expected = np.zeros(owner.shape)
    edges = np.array([2, 3, 3, 2])  # Moore neighbours across the front, corners have two
    expected[:, 2] += 10.0 * edges * weight[:, 2] / (edges * weight[:, 2]).sum()
    expected[:, 3:] += 5.0 * weight[:, 3:] / weight[:, 3:].sum()
    expected[2:] += 7.0 * population[2:] / population[2:].sum()
    np.testing.assert_allclose(deaths, expected, rtol=1e-12)
    assert deaths.sum() == pytest.approx(22.0, rel=1e-12)


def test_compiled_placement_equals_the_reference_on_model_months():
    """Months of two runs (fronts, landless groups, splits): the compiled placement and the
    numpy reference agree to rounding (sums run in another order)."""
    for seed in (0, 1):
        model = MxStabModel(Config(), seed=seed)
        for month in range(14):
            model.step()
            if month % 4:
                continue
            cartels, grid = model.cartels, model.grid
            args = (
                cartels.flows.pair_deaths,
                cartels.owner,
                cartels.territory,
                model.municipalities.population,
                grid.state,
                cartels.home_state,
            )
            compiled, reference = place_pair_deaths(*args), place_pair_deaths_reference(*args)
            np.testing.assert_allclose(compiled, reference, rtol=1e-12, atol=1e-12)
            assert compiled.sum() == pytest.approx(cartels.flows.pair_deaths.sum(), rel=1e-12)
