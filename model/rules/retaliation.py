"""Revenge: each member killed by force or by the Guard brings `force.retaliation` killings,
spread over the group's cells by population."""

from __future__ import annotations

import numpy as np


def revenge_killings(
    owner: np.ndarray, population: np.ndarray, killed: np.ndarray, per_member: float
) -> np.ndarray:
    """Expected revenge killings per cell."""
    if not killed.any():
        return np.zeros(owner.shape)
    held = owner >= 0
    people = np.bincount(owner[held], weights=population[held], minlength=killed.size)
    per_person = np.divide(per_member * killed, people, out=np.zeros(killed.size), where=people > 0)
    return np.where(held, per_person[np.maximum(owner, 0)] * population, 0.0)
