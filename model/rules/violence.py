"""Homicides per cell and month: background + conflict + induced + clashes, each death counted
once; and the violence people perceive, a smoothed rate.

Background: each state's 2023 monthly count less the conflict deaths its fronts make at the start,
spread over its cells by population; it moves with the trafficking flow through the cell,
× (1 + e·(F − F₂₀₂₄)), e = `violence.flow_elasticity` (Dell 2015 gives the sign). Background,
induced and clash deaths are drawn as Poisson counts by inversion of one uniform per cell from
their mechanism's stream, so a changed mean in one cell leaves every other cell's draw as it was.
"""

from __future__ import annotations

import numpy as np

from mxstab.model.rules.kernels import poisson_counts
from mxstab.model.world.states import per_state


def annual_rate(monthly: np.ndarray | float, people: np.ndarray | float) -> np.ndarray | float:
    """Homicides (or people) of one month as a rate per 100k per year."""
    return monthly * 12 / people * 1e5


def background_at_start(
    state: np.ndarray, population: np.ndarray, monthly_by_state: np.ndarray, conflict: np.ndarray
) -> np.ndarray:
    """Per cell: its state's monthly count (indexed by INEGI code) less the state's conflict
    deaths at the start, shared by population."""
    state_conflict = per_state(state, conflict)
    state_pop = per_state(state, population)
    per_person = np.maximum(monthly_by_state - state_conflict, 0) / np.maximum(state_pop, 1)
    return np.where(state > 0, per_person[state] * population, 0.0)


def background_now(
    background: np.ndarray, flow_elasticity: float, flow_change: np.ndarray
) -> np.ndarray:
    """This month's expected background deaths as the flow through each cell has moved."""
    return np.maximum(background * (1 + flow_elasticity * flow_change), 0.0)


def draw_counts(rng: np.random.Generator, mean: np.ndarray) -> np.ndarray:
    """Poisson counts by inversion of one uniform per cell."""
    uniform = rng.random(mean.shape)
    return poisson_counts(uniform, mean, np.empty(mean.shape))


def start_rate(expected: np.ndarray, population: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The smoothed rate's start: the expected level per 100k per year."""
    return np.where(mask, annual_rate(expected, np.maximum(population, 1.0)), 0.0)


def smoothed_rate(
    previous: np.ndarray,
    level: np.ndarray,
    population: np.ndarray,
    mask: np.ndarray,
    smoothing: float,
) -> np.ndarray:
    """The rate people perceive: an exponential average of the month's expected homicides per
    100k per year (the violence they see coming, not one month's draw)."""
    inhabited = mask & (population > 0)
    rate = np.where(inhabited, annual_rate(level, np.where(inhabited, population, 1.0)), 0.0)
    return (1 - smoothing) * previous + smoothing * rate
