"""Contagion (Osorio 2015): the rise of a cell's violence from its own sources (background and
conflict) above its start level induces β·excess deaths among its Moore neighbours next month,
shared by their population. Only excess spreads, a fall stays local (Lozano 2012), and induced
deaths do not spread again: the kernel carries a memory of excess, not a second count of it."""

from __future__ import annotations

import numpy as np

from mxstab.model.rules.kernels import spread_to_neighbours


def excess(background_now: np.ndarray, conflict: np.ndarray, expected: np.ndarray) -> np.ndarray:
    return np.maximum(background_now + conflict - expected, 0.0)


def induce(
    excess: np.ndarray, population: np.ndarray, mask: np.ndarray, beta: float, out: np.ndarray
) -> np.ndarray:
    """Next month's expected induced deaths per cell, written into `out`."""
    return spread_to_neighbours(excess, population, mask, beta, out)
