"""Displacement: people leave a cell in proportion to m0·σ((v − v*)/s) of the smoothed homicide
rate v; a share heads to US-border cells, the rest to the Moore neighbours by population. People
are conserved: what leaves arrives somewhere."""

from __future__ import annotations

import numpy as np

from mxstab.model.config import Displacement
from mxstab.model.rules.kernels import spread_to_neighbours
from mxstab.model.world.neighbours import moore_any


def leaving_share(smoothed_rate: np.ndarray, p: Displacement) -> np.ndarray:
    return p.rate / (1 + np.exp(-(smoothed_rate - p.threshold_rate) / p.width_rate))


def has_populated_neighbour(population: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Cells with a populated Moore neighbour in the mask: where the nearby leavers can go."""
    return moore_any(mask & (population > 0))


def displace(
    population: np.ndarray,
    smoothed_rate: np.ndarray,
    mask: np.ndarray,
    reachable: np.ndarray,
    border_us: np.ndarray,
    p: Displacement,
    arrivals: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, float]:
    """The (left, arrived) rasters and the number heading north (`reachable`: the cells with a
    populated neighbour, `has_populated_neighbour`; `arrivals`: a buffer)."""
    people = np.where(mask, population, 0.0)
    leaving = np.where(mask, leaving_share(smoothed_rate, p) * people, 0.0)
    north = leaving * p.north_share
    nearby = leaving - north
    nearby[~reachable] = 0.0  # no populated neighbour to go to
    arrived = spread_to_neighbours(nearby, people, mask, 1.0, arrivals)
    border = border_us & (people > 0)
    arrived = arrived.copy()
    arrived[border] += north.sum() * people[border] / people[border].sum()
    return north + nearby, arrived, float(north.sum())
