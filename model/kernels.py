"""Numba kernels for the per-cell fields, each beside the plain numpy reference that defines it.

Arrays are rasters (rows = latitude, cols = longitude). Neighbourhoods are the 8 Moore neighbours
that lie inside the mask (Mexican land). Every output cell is computed from inputs alone by one
thread, so results do not depend on the thread count. Tests hold kernel and reference equal.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

MOORE = tuple((dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if (dr, dc) != (0, 0))


def _shifted(array: np.ndarray, dr: int, dc: int) -> np.ndarray:
    """array[r + dr, c + dc] at [r, c], zero outside the raster."""
    rows, cols = array.shape
    out = np.zeros_like(array)
    out[max(-dr, 0) : rows - max(dr, 0), max(-dc, 0) : cols - max(dc, 0)] = array[
        max(dr, 0) : rows - max(-dr, 0), max(dc, 0) : cols - max(-dc, 0)
    ]
    return out


def neighbour_sum_reference(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Σ over masked Moore neighbours of `values` (numpy reference)."""
    masked = np.where(mask, values, 0.0)
    return sum(_shifted(masked, dr, dc) for dr, dc in MOORE)


# --- spreading counts to neighbours: contagion of excess homicides, displaced people -------------


def spread_reference(
    excess: np.ndarray, population: np.ndarray, mask: np.ndarray, beta: float
) -> np.ndarray:
    """What each cell receives when every cell j sends β·e_j to its masked neighbours, split by
    their population: r_i = β Σ_{j∈N(i)} e_j · P_i / Σ_{k∈N(j)} P_k. For contagion e is last
    month's excess homicides (Osorio 2015); for displacement it is the people leaving.
    """
    pop = np.where(mask, population, 0.0)
    neighbour_pop = neighbour_sum_reference(pop, mask)
    share = np.divide(
        np.where(mask, excess, 0.0), neighbour_pop, out=np.zeros_like(pop), where=neighbour_pop > 0
    )
    return np.where(mask, beta * pop * neighbour_sum_reference(share, mask), 0.0)


@njit(cache=True, inline="always")
def _masked_neighbours(values, mask, r, c):
    """(sum, count) of `values` over the masked Moore neighbours of (r, c), in MOORE order."""
    rows, cols = values.shape
    total = 0.0
    count = 0
    for dr in range(-1, 2):
        for dc in range(-1, 2):
            rr, cc = r + dr, c + dc
            if (dr or dc) and 0 <= rr < rows and 0 <= cc < cols and mask[rr, cc]:
                total += values[rr, cc]
                count += 1
    return total, count


@njit(cache=True, parallel=True)
def _excess_share(excess, population, mask, share):
    rows, cols = excess.shape
    for r in prange(rows):
        for c in range(cols):
            share[r, c] = 0.0
            if mask[r, c]:
                total, _ = _masked_neighbours(population, mask, r, c)
                if total > 0.0:
                    share[r, c] = excess[r, c] / total


@njit(cache=True, parallel=True)
def _spread_share(share, population, mask, beta, out):
    rows, cols = share.shape
    for r in prange(rows):
        for c in range(cols):
            out[r, c] = 0.0
            if mask[r, c]:
                total, _ = _masked_neighbours(share, mask, r, c)
                out[r, c] = beta * population[r, c] * total


def spread_to_neighbours(
    excess: np.ndarray,
    population: np.ndarray,
    mask: np.ndarray,
    beta: float,
    out: np.ndarray,
    scratch: np.ndarray,
) -> np.ndarray:
    """Kernel form of `spread_reference`, writing into `out` (`scratch` is a work array)."""
    _excess_share(excess, population, mask, scratch)
    _spread_share(scratch, population, mask, beta, out)
    return out


# --- corruption: local growth and decay plus diffusion to neighbours ------------------------------


def corruption_reference(
    corruption: np.ndarray,
    growth: np.ndarray,
    decay: np.ndarray,
    diffusion: float,
    mask: np.ndarray,
) -> np.ndarray:
    """κ' = clip(κ + growth·(1 − κ) + D·(mean of masked neighbours' κ − κ) − decay·κ, 0, 1)."""
    count = neighbour_sum_reference(np.ones_like(corruption), mask)
    total = neighbour_sum_reference(corruption, mask)
    mean = np.divide(total, count, out=corruption.copy(), where=count > 0)
    updated = corruption + growth * (1 - corruption) + diffusion * (mean - corruption)
    updated -= decay * corruption
    return np.where(mask, np.clip(updated, 0.0, 1.0), 0.0)


@njit(cache=True, parallel=True)
def corruption_step(corruption, growth, decay, diffusion, mask, out):
    """Kernel form of `corruption_reference`, writing into `out` (not `corruption`)."""
    rows, cols = corruption.shape
    for r in prange(rows):
        for c in range(cols):
            if not mask[r, c]:
                out[r, c] = 0.0
                continue
            total, count = _masked_neighbours(corruption, mask, r, c)
            k = corruption[r, c]
            mean = total / count if count > 0 else k
            value = k + growth[r, c] * (1.0 - k) + diffusion * (mean - k) - decay[r, c] * k
            out[r, c] = min(max(value, 0.0), 1.0)
    return out


# --- Poisson counts by inversion: one uniform per cell, so draws are common random numbers -----


def poisson_counts_reference(uniform: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """The count whose Poisson(mean) CDF first reaches `uniform` (scipy reference)."""
    from scipy.stats import poisson

    return poisson.ppf(uniform, mean)


@njit(cache=True, parallel=True)
def poisson_counts(uniform, mean, out):
    """Kernel form of `poisson_counts_reference`: the CDF summed in log space from 0, so a change
    of mean in one cell changes no other cell's draw (unlike a generator's Poisson sampler)."""
    rows, cols = mean.shape
    for r in prange(rows):
        for c in range(cols):
            lam = mean[r, c]
            if lam <= 0.0:
                out[r, c] = 0.0
                continue
            u = uniform[r, c]
            log_lam = np.log(lam)
            limit = int(lam + 40.0 * np.sqrt(lam) + 100.0)
            cumulative = 0.0
            k = 0
            while k < limit:
                cumulative += np.exp(k * log_lam - lam - math.lgamma(k + 1.0))
                if cumulative >= u:
                    break
                k += 1
            out[r, c] = k
    return out
