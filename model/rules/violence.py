"""Homicides per cell and month: background + conflict + induced + clashes, each death counted
once; and the violence people perceive, a smoothed rate.

The background is the state's level × the statistical backbone × criminal presence (the part
of it organised crime makes follows the local members per cell).

Background: each state's level at the start less the conflict deaths its fronts make then,
spread over its cells by population; it moves with the trafficking flow through the cell,
× (1 + e·(F − F₂₀₂₄)), e = `violence.flow_elasticity` (assumed; its sign is contested).
Background, induced and clash deaths are drawn as Poisson counts by inversion of one uniform per
cell from their mechanism's stream, so a changed mean in one cell leaves every other cell's draw
as it was.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from mxstab.model.rules.kernels import Banded, band_bounds, poisson_count, poisson_counts_reference
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


def backbone_step(
    drift: np.ndarray,
    variance: np.ndarray,
    drift_sd: float,
    noise_sd: float,
    normals: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each state's structural level moves as the record's do, a statistical backbone fitted on
    the training window (no mechanism moves it): a random walk of the log level (`drift_sd` a
    month) and month-to-month noise (`noise_sd`), each corrected to keep the mean level (E = 1);
    `variance` is the walk's so far (the start's filter uncertainty included). `normals` is
    (2, states); returns the new drift, its variance and this month's multipliers."""
    drift = drift + drift_sd * normals[0]
    variance = variance + drift_sd**2
    log_level = drift - variance / 2 + noise_sd * normals[1] - noise_sd**2 / 2
    return drift, variance, np.exp(log_level)


def presence_factor(strength: np.ndarray, strength_start: np.ndarray, share: float) -> np.ndarray:
    """Criminal presence: the `share` of a cell's background that organised crime makes moves
    with the members per cell of the group holding it, against the start (arrests, deaths and
    recruits all reach homicides through it); cells held by no group at the start keep theirs."""
    held = strength_start > 0
    ratio = np.divide(strength, strength_start, out=np.ones_like(strength), where=held)
    return 1 - share + share * ratio


def homicides_reference(
    background,
    elasticity,
    flow_change,
    conflict,
    induced_expected,
    clash_expected,
    force_deaths,
    population,
    uniforms,
):
    """Background moved by the flow; background, induced and clash deaths drawn by inversion of
    their uniforms (`uniforms[0..2]`); the expected level, the homicides and the people left:
    (background_now, background_deaths, induced, clashes, level, homicides, population)."""
    background_now = np.maximum(background * (1 + elasticity * flow_change), 0.0)
    drawn = [
        poisson_counts_reference(u, m)
        for u, m in zip(uniforms, (background_now, induced_expected, clash_expected), strict=True)
    ]
    clashes = drawn[2] + force_deaths
    level = background_now + conflict + induced_expected + clash_expected
    homicides = drawn[0] + conflict + drawn[1] + clashes
    return (
        background_now,
        drawn[0],
        drawn[1],
        clashes,
        level,
        homicides,
        np.maximum(population - homicides, 0.0),
    )


def _homicides_bands(
    background,
    elasticity,
    flow_change,
    conflict,
    induced_expected,
    clash_expected,
    force_deaths,
    population,
    uniforms,
    out,
    count,
):
    """`homicides_reference` cell by cell into `out` (7 rasters, in its order)."""
    rows, cols = background.shape
    for band in prange(count):
        first, last = band_bounds(band, count, rows)
        for r in range(first, last):
            for c in range(cols):
                now = max(background[r, c] * (1 + elasticity * flow_change[r, c]), 0.0)
                deaths = poisson_count(now, uniforms[0, r, c])
                induced = poisson_count(induced_expected[r, c], uniforms[1, r, c])
                clashes = (
                    poisson_count(clash_expected[r, c], uniforms[2, r, c]) + force_deaths[r, c]
                )
                homicides = deaths + conflict[r, c] + induced + clashes
                out[0, r, c] = now
                out[1, r, c] = deaths
                out[2, r, c] = induced
                out[3, r, c] = clashes
                out[4, r, c] = now + conflict[r, c] + induced_expected[r, c] + clash_expected[r, c]
                out[5, r, c] = homicides
                out[6, r, c] = max(population[r, c] - homicides, 0.0)


homicides_kernel = Banded(_homicides_bands)


def homicides_month(
    background,
    elasticity,
    flow_change,
    conflict,
    induced_expected,
    clash_expected,
    force_deaths,
    population,
    uniforms,
):
    """Kernel form of `homicides_reference`: the same seven rasters, in one pass."""
    out = np.empty((7, *background.shape))
    homicides_kernel(
        background,
        float(elasticity),
        flow_change,
        conflict,
        induced_expected,
        clash_expected,
        force_deaths,
        population,
        uniforms,
        out,
    )
    return tuple(out)


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
