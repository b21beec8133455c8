"""The state table: census population, 2023 homicides and how each count was obtained."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from mxstab.model.world.grid import DATA_DIR
from mxstab.model.world.states import (
    NATIONAL_HOMICIDES_2023,
    NATIONAL_POPULATION_2020,
    largest_remainder,
)


def test_population_is_the_2020_census(states):
    assert len(states) == 32
    assert list(states.index) == list(range(1, 33))
    assert states["population_2020"].sum() == NATIONAL_POPULATION_2020 == 126_014_024


def test_homicides_add_up_to_inegi_national_total(states):
    assert states["homicides_2023"].sum() == NATIONAL_HOMICIDES_2023 == 31_062
    assert (states["homicides_2023"] > 0).all()


def test_each_row_is_marked_by_how_its_count_was_obtained(states):
    raw = pd.read_csv(DATA_DIR / "states.csv").set_index("inegi_code")
    observed = raw["homicides_2023"].notna()
    assert (states.loc[observed, "homicide_source"] == "observed").all()
    assert (states.loc[observed, "homicides_2023"] == raw.loc[observed, "homicides_2023"]).all()

    from_rate = ~observed & raw["homicide_rate_2023"].notna()
    assert set(states.index[from_rate]) == {5, 6, 25, 27}  # Coahuila, Colima, Sinaloa, Tabasco
    assert (states.loc[from_rate, "homicide_source"] == "derived_from_rate").all()
    expected = (
        raw.loc[from_rate, "homicide_rate_2023"] * raw.loc[from_rate, "population_2020"] / 1e5
    )
    assert np.allclose(states.loc[from_rate, "homicides_2023"], expected, atol=0.5)

    residual = ~observed & ~from_rate
    assert residual.sum() == 9
    assert (states.loc[residual, "homicide_source"] == "derived_residual").all()
    rates = states.loc[residual, "homicides_2023"] / states.loc[residual, "population_2020"]
    assert rates.max() - rates.min() < 1 / states.loc[residual, "population_2020"].min() * 1.01


def test_rate_is_recomputed_on_census_population(states):
    rate = states["homicides_2023"] / states["population_2020"] * 1e5
    assert np.allclose(states["homicide_rate_2023"], rate)
    reported = states["reported_rate_2023"].notna()
    assert (
        np.abs(
            states.loc[reported, "homicide_rate_2023"] - states.loc[reported, "reported_rate_2023"]
        )
        < 2.5
    ).all(), "published rates agree with counts within rounding"


@given(
    total=st.integers(0, 10**8),
    weights=st.lists(st.floats(0.01, 1e6), min_size=1, max_size=40),
)
def test_largest_remainder_is_exact_and_proportional(total, weights):
    weights = np.array(weights)
    whole = largest_remainder(total, weights)
    assert whole.sum() == total
    assert (whole >= 0).all()
    assert np.abs(whole - total * weights / weights.sum()).max() < 1 + 1e-6
