"""Numba kernels for the per-cell fields, each beside the plain numpy reference that defines it.

Arrays are rasters (rows = latitude, cols = longitude). Neighbourhoods are the 8 Moore neighbours
that lie inside the mask (Mexican land). Every output cell is computed from inputs alone by one
thread, so results do not depend on the thread count. Tests hold kernel and reference equal.
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable

import numba
import numpy as np
from numba import njit, prange

from mxstab.model.world.neighbours import MOORE


def _shifted(array: np.ndarray, dr: int, dc: int) -> np.ndarray:
    """array[r + dr, c + dc] at [r, c], zero outside the raster."""
    rows, cols = array.shape
    out = np.zeros_like(array)
    out[max(-dr, 0) : rows - max(dr, 0), max(-dc, 0) : cols - max(dc, 0)] = array[
        max(dr, 0) : rows - max(-dr, 0), max(dc, 0) : cols - max(-dc, 0)
    ]
    return out


def neighbour_sum(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Σ over masked Moore neighbours of `values` (numpy: the references build on it)."""
    masked = np.where(mask, values, 0.0)
    return sum(_shifted(masked, dr, dc) for dr, dc in MOORE)


# --- the parallel plan: rows split into bands, each band one task -------------------------------

BAND_MIN_ROWS = 16
"""A band is at least this many rows, so the two rows a band recomputes at its edges stay cheap."""


def use_thread_pool(rows: int) -> bool:
    """The thread pool when it has two bands to share out and more than one thread to run them.
    Sweep and compare workers run one thread each: there the other core is busy with a sibling
    worker, and a pool that waits for a preempted thread loses (`mxstab bench` measures both)."""
    return rows >= 2 * BAND_MIN_ROWS and numba.get_num_threads() > 1


def bands(rows: int, parallel: bool) -> int:
    """How many row bands to split a raster into: one per thread, none narrower than the minimum."""
    if not parallel:
        return 1
    return max(1, min(numba.get_num_threads(), rows // BAND_MIN_ROWS))


class Banded:
    """A loop over row bands compiled twice, serial and parallel; a call takes the row count from
    its first argument, picks a build by `use_thread_pool` and appends the band count.

    numba's cache knows a function by its name, not its options, so each build gets a name of its
    own (else one would load the other's code). Division by zero is left to IEEE
    (`error_model="numpy"`): a branch per division would stop the loops from vectorising, and every
    quotient that can divide by zero is masked out. numba hoists a band's buffers out of the
    parallel loop, so a thread reuses them from band to band: a band fills every ring slot before
    it reads it."""

    def __init__(self, body: Callable) -> None:
        self.serial, self.parallel = (
            njit(cache=True, error_model="numpy", parallel=parallel)(_renamed(body, suffix))
            for parallel, suffix in ((False, "serial"), (True, "parallel"))
        )

    def __call__(self, raster: np.ndarray, *rest: np.ndarray | float) -> None:
        rows = raster.shape[0]
        parallel = use_thread_pool(rows)
        build = self.parallel if parallel else self.serial
        build(raster, *rest, bands(rows, parallel))


def _renamed(body: Callable, suffix: str) -> Callable:
    """A copy of a plain module-level function (no defaults, no closure) under another name."""
    twin = types.FunctionType(body.__code__, body.__globals__, body.__name__)
    twin.__qualname__ = f"{body.__qualname__}_{suffix}"
    return twin


@njit(inline="always")
def _ring_slot(ring, r, rows, cols):
    """Ring slot of row r (rows kept modulo 3), its end columns zeroed; a row outside the raster
    is all zeros. Returns the slot and whether row r is inside."""
    slot = ring[(r + 3) % 3]
    slot[0] = 0.0
    slot[cols + 1] = 0.0
    inside = 0 <= r < rows
    if not inside:
        slot[1 : cols + 1] = 0.0
    return slot, inside


@njit(inline="always")
def _load_masked_row(values, mask, r, ring):
    """Row r of `values`, zero where masked out, into its ring slot padded with a zero at each end,
    so the neighbour sums below run without bounds tests (`values` = `mask` loads 1.0 / 0.0)."""
    rows, cols = mask.shape
    slot, inside = _ring_slot(ring, r, rows, cols)
    if inside:
        for c in range(cols):
            value = values[r, c]
            slot[c + 1] = value if mask[r, c] else 0.0


@njit(inline="always")
def _rows_around(ring, r):
    """The ring slots of rows r − 1, r and r + 1."""
    return ring[(r + 2) % 3], ring[r % 3], ring[(r + 1) % 3]


@njit(inline="always")
def _moore_sum(above, here, below, c):
    """Σ over the 8 Moore neighbours of column c, from padded rows, in MOORE order."""
    return (
        above[c]
        + above[c + 1]
        + above[c + 2]
        + here[c]
        + here[c + 2]
        + below[c]
        + below[c + 1]
        + below[c + 2]
    )


@njit(inline="always")
def band_bounds(band, count, rows):
    """First and past-the-last row of band `band` of `count`."""
    return band * rows // count, (band + 1) * rows // count


# --- spreading counts to neighbours: contagion of excess homicides, displaced people -------------


def spread_reference(
    excess: np.ndarray, population: np.ndarray, mask: np.ndarray, beta: float
) -> np.ndarray:
    """What each cell receives when every cell j sends β·e_j to its masked neighbours, split by
    their population: r_i = β Σ_{j∈N(i)} e_j · P_i / Σ_{k∈N(j)} P_k. For contagion e is last
    month's excess homicides (Osorio 2015); for displacement it is the people leaving.
    """
    pop = np.where(mask, population, 0.0)
    neighbour_pop = neighbour_sum(pop, mask)
    share = np.divide(
        np.where(mask, excess, 0.0), neighbour_pop, out=np.zeros_like(pop), where=neighbour_pop > 0
    )
    return np.where(mask, beta * pop * neighbour_sum(share, mask), 0.0)


def _spread_bands(excess, population, mask, beta, out, count):
    """Both passes of the spread fused row by row: a band keeps three rows of masked population
    and three of shares, so the shares never go to memory (temporal blocking by rows)."""
    rows, cols = excess.shape
    for band in prange(count):
        first, last = band_bounds(band, count, rows)
        people = np.empty((3, cols + 2))
        share = np.empty((3, cols + 2))
        _load_masked_row(population, mask, first - 2, people)
        _load_masked_row(population, mask, first - 1, people)
        for s in range(first - 1, last + 1):
            _load_masked_row(population, mask, s + 1, people)
            slot, inside = _ring_slot(share, s, rows, cols)
            if inside:
                above, here, below = _rows_around(people, s + 3)
                for c in range(cols):
                    total = _moore_sum(above, here, below, c)
                    share_of_each = excess[s, c] / total
                    slot[c + 1] = share_of_each if mask[s, c] & (total > 0.0) else 0.0
            r = s - 1
            if r >= first:
                above, here, below = _rows_around(share, r + 3)
                for c in range(cols):
                    received = beta * population[r, c] * _moore_sum(above, here, below, c)
                    out[r, c] = received if mask[r, c] else 0.0


spread_kernel = Banded(_spread_bands)


def spread_to_neighbours(
    excess: np.ndarray, population: np.ndarray, mask: np.ndarray, beta: float, out: np.ndarray
) -> np.ndarray:
    """Kernel form of `spread_reference`, writing into `out`, which must not be an input: a band
    reads its neighbours' edge rows of `excess` while they write theirs."""
    spread_kernel(excess, population, mask, beta, out)
    return out


# --- corruption: local growth and decay plus diffusion to neighbours ------------------------------


def corruption_reference(
    corruption: np.ndarray,
    growth: np.ndarray,
    decay: float,
    diffusion: float,
    mask: np.ndarray,
) -> np.ndarray:
    """κ' = clip(κ + growth·(1 − κ) + D·(mean of masked neighbours' κ − κ) − decay·κ, 0, 1)."""
    count = neighbour_sum(np.ones_like(corruption), mask)
    total = neighbour_sum(corruption, mask)
    mean = np.divide(total, count, out=corruption.copy(), where=count > 0)
    updated = corruption + growth * (1 - corruption) + diffusion * (mean - corruption)
    updated -= decay * corruption
    return np.where(mask, np.clip(updated, 0.0, 1.0), 0.0)


def _corruption_bands(corruption, growth, decay, diffusion, mask, out, count):
    """One pass: a band keeps three rows of masked κ and three of the mask (for the neighbour
    counts)."""
    rows, cols = corruption.shape
    for band in prange(count):
        first, last = band_bounds(band, count, rows)
        kappa = np.empty((3, cols + 2))
        inside = np.empty((3, cols + 2))
        for r in range(first - 1, first + 1):
            _load_masked_row(corruption, mask, r, kappa)
            _load_masked_row(mask, mask, r, inside)
        for r in range(first, last):
            _load_masked_row(corruption, mask, r + 1, kappa)
            _load_masked_row(mask, mask, r + 1, inside)
            k_above, k_here, k_below = _rows_around(kappa, r + 3)
            m_above, m_here, m_below = _rows_around(inside, r + 3)
            for c in range(cols):
                total = _moore_sum(k_above, k_here, k_below, c)
                neighbours = _moore_sum(m_above, m_here, m_below, c)
                k = corruption[r, c]
                mean = total / neighbours
                mean = mean if neighbours > 0.0 else k
                value = k + growth[r, c] * (1.0 - k) + diffusion * (mean - k) - decay * k
                value = min(max(value, 0.0), 1.0)
                out[r, c] = value if mask[r, c] else 0.0


corruption_kernel = Banded(_corruption_bands)


def corruption_step(
    corruption: np.ndarray,
    growth: np.ndarray,
    decay: float,
    diffusion: float,
    mask: np.ndarray,
    out: np.ndarray,
) -> np.ndarray:
    """Kernel form of `corruption_reference`, writing into `out` (not `corruption`)."""
    corruption_kernel(corruption, growth, decay, diffusion, mask, out)
    return out


def corruption_rest_reference(
    growth: np.ndarray, decay: float, diffusion: float, mask: np.ndarray, tolerance: float
) -> np.ndarray:
    """κ from zero, stepped by `corruption_reference` until no cell moves by more than
    `tolerance`."""
    corruption = np.zeros(mask.shape)
    while True:
        following = corruption_reference(corruption, growth, decay, diffusion, mask)
        if np.abs(following - corruption).max() <= tolerance:
            return following
        corruption = following


_corruption_serial = corruption_kernel.serial


@njit(cache=True)
def corruption_rest(growth, decay, diffusion, mask, tolerance):
    """Kernel form of `corruption_rest_reference`: the serial step in a compiled loop (the
    step gives the same numbers on any thread count, so this rest is the model's)."""
    corruption = np.zeros(mask.shape)
    following = np.zeros(mask.shape)
    while True:
        _corruption_serial(corruption, growth, decay, diffusion, mask, following, 1)
        if np.abs(following - corruption).max() <= tolerance:
            return following
        corruption, following = following, corruption


# --- Poisson counts by inversion: one uniform per cell, so draws are common random numbers -----


def poisson_counts_reference(uniform: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """The count whose Poisson(mean) CDF first reaches `uniform` (scipy reference)."""
    from scipy.stats import poisson

    return poisson.ppf(uniform, mean)


@njit(cache=True)
def _log_factorials(count):
    """log k! for k < count, by the same lgamma the kernel would call."""
    table = np.empty(count)
    for k in range(count):
        table[k] = math.lgamma(k + 1.0)
    return table


LOG_FACTORIAL = _log_factorials(1024)
"""log k! looked up, not recomputed, for the counts a month's cell can reach."""


@njit(inline="always")
def poisson_count(lam, u):
    """The count whose Poisson(lam) CDF first reaches u, summed in log space from 0."""
    if lam <= 0.0:
        return 0.0
    log_lam = np.log(lam)
    limit = int(lam + 40.0 * np.sqrt(lam) + 100.0)
    cumulative = 0.0
    k = 0
    while k < limit:
        log_factorial = LOG_FACTORIAL[k] if k < LOG_FACTORIAL.size else math.lgamma(k + 1.0)
        cumulative += np.exp(k * log_lam - lam - log_factorial)
        if cumulative >= u:
            break
        k += 1
    return float(k)


def _poisson_bands(mean, uniform, out, count):
    """Each cell's count on its own (`mean` first: `Banded` takes the rows from it)."""
    rows, cols = mean.shape
    for band in prange(count):
        first, last = band_bounds(band, count, rows)
        for r in range(first, last):
            for c in range(cols):
                out[r, c] = poisson_count(mean[r, c], uniform[r, c])


poisson_kernel = Banded(_poisson_bands)


def poisson_counts(uniform: np.ndarray, mean: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Kernel form of `poisson_counts_reference`: the CDF summed in log space from 0, so a change
    of mean in one cell changes no other cell's draw (unlike a generator's Poisson sampler)."""
    poisson_kernel(mean, uniform, out)
    return out
