"""The National Guard above its 2024 deployment, in the most violent cells: clash deaths in
proportion to the members there, `enforcement.guard_clash` per member a month per unit of
deployment above 2024 (expected deaths, drawn with the month's homicides)."""

from __future__ import annotations

import numpy as np

from mxstab.model.config import Enforcement


def guard_clashes(
    deployment: float,
    smoothed_rate: np.ndarray,
    mask: np.ndarray,
    owner: np.ndarray,
    strength: np.ndarray,
    groups: int,
    e: Enforcement,
) -> tuple[np.ndarray, np.ndarray]:
    """(expected deaths per cell, members killed per group) for a deployment (× 2024)."""
    extra = max(deployment - 1.0, 0.0)
    expected = np.zeros(mask.shape)
    killed = np.zeros(groups)
    if extra == 0:
        return expected, killed
    rate = np.where(mask, smoothed_rate, -np.inf).ravel()
    count = max(int(round(e.guard_cells * mask.sum())), 1)
    cells = np.argsort(-rate, kind="stable")[:count]
    deaths = e.guard_clash * extra * strength.ravel()[cells]
    expected.ravel()[cells] = deaths
    holders = owner.ravel()[cells]
    held = holders >= 0
    np.add.at(killed, holders[held], deaths[held])
    return expected, killed
