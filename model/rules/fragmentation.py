"""Fragmentation: a group that loses its leader splits into two rival splinters, and alliances.

Each of the parent's cells goes to the nearer of two seeds drawn by population among its cells
in its home state (so the new front runs through its core); members divide in proportion to the
people on each part; the splinters inherit the parent's rivals and fight each other with
K = `membership.rivalry_scale` × (`leadership.splinter_rivalry` + 1). Allies stop fighting each
other, and each fights its rivals less, as K's alliance term (rival + 1)/(alliances + 1) gives.
"""

from __future__ import annotations

import numpy as np

from mxstab.model.rules.territory import draw_seeds, weighted_voronoi


def splinter_rivalry(rivalry_scale: float, splinter_weight: float) -> float:
    """K between splinters of one parent."""
    return rivalry_scale * (splinter_weight + 1)


def split_rivalry(rivalry: np.ndarray, parent: int, count: int, between: float) -> np.ndarray:
    """K with `count` splinters of `parent` appended: they inherit its rivals, fight each other
    with K = `between`, and the parent fights no one."""
    old = rivalry.shape[0]
    k = np.zeros((old + count, old + count))
    k[:old, :old] = rivalry
    k[old:, :old] = rivalry[parent][None, :]
    k[:old, old:] = rivalry[:, parent][:, None]
    k[old:, old:] = between * (1 - np.eye(count))
    k[parent, :] = k[:, parent] = 0.0
    return k


def allied(
    rivalry: np.ndarray, alliances: np.ndarray, a: int, b: int
) -> tuple[np.ndarray, np.ndarray]:
    """K and the alliance counts once a and b ally."""
    rivalry, alliances = rivalry.copy(), alliances.copy()
    rivalry[a, b] = rivalry[b, a] = 0.0
    for group in (a, b):
        rivalry[group] *= (alliances[group] + 1) / (alliances[group] + 2)
        alliances[group] += 1
    return rivalry, alliances


def split_territory(
    owner: np.ndarray,
    parent: int,
    splinters: list[int],
    core: np.ndarray,
    population: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Give each of the parent's cells to the nearest splinter seed; the seeds are drawn by
    population among the parent's cells in its `core` (its home state) where it holds enough."""
    cols = owner.shape[1]
    held = np.flatnonzero(owner.ravel() == parent)
    if held.size < len(splinters):
        return owner.copy()
    in_core = held[core.ravel()[held]]
    candidates = in_core if in_core.size >= len(splinters) else held
    seeds = draw_seeds(candidates, population, len(splinters), rng)
    choice = weighted_voronoi(held, seeds, np.ones(len(splinters)), cols)
    updated = owner.copy()
    updated.ravel()[held] = np.asarray(splinters)[choice]
    return updated


def splinter_shares(owner: np.ndarray, splinters: list[int], population: np.ndarray) -> np.ndarray:
    """Each splinter's share of the parent's members: the people on its part (equal if none)."""
    people = np.array([population[owner == s].sum() for s in splinters])
    if people.sum() > 0:
        return people / people.sum()
    return np.full(len(splinters), 1 / len(splinters))
