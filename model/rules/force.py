"""Force on Mexican soil: lab strikes (escalation ≥ 1), special-operations raids (≥ 2) and
large-scale intervention (3), each month as the US dial says.

Targets are the named organisations (the designated ones and their splinters). An operation leaks
with p = leak × corruption where it acts, and a leaked one fails. Strikes and raids kill members
and bystanders where they act; raids may remove the group's leader; intervention cells see clash
deaths in proportion to the members there (Espinosa & Rubin 2015 give the sign). Lab strikes hit
production capacity (`labs`); revenge for the members killed is `retaliation`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mxstab.model.config import Force

LAB_STRIKES, RAIDS, INTERVENTION = 1, 2, 3


@dataclass
class ForceMonth:
    """What force did this month: deaths per cell, members killed per group, operations, the
    leaders it removed and the lab cells it hit (a cell once per successful strike)."""

    deaths: np.ndarray
    members_killed: np.ndarray
    operations: int
    leaked: int
    removals: list[int]
    lab_hits: np.ndarray
    cells: np.ndarray  # every cell acted on (leaked or not)


def exposure_after(exposure: float, personnel: float, corruption: float, memory: float) -> float:
    """US forces' corruption exposure (thousand personnel-months at corruption 1): what stays of
    last month's plus this month's personnel × the mean corruption where they acted."""
    return memory * exposure + personnel / 1000 * corruption


def apply_force(
    level: int,
    owner: np.ndarray,
    named: np.ndarray,
    members: np.ndarray,
    strength: np.ndarray,
    lab_capacity: np.ndarray,
    corruption: np.ndarray,
    smoothed_rate: np.ndarray,
    f: Force,
    leak_rate: float,
    rng: np.random.Generator,
) -> ForceMonth:
    """One month of force at escalation `level` (`strength`: members per cell)."""
    deaths = np.zeros(owner.shape)
    killed = np.zeros(members.size)
    if level < LAB_STRIKES:  # no force: nothing drawn, nothing done
        return ForceMonth(deaths, killed, 0, 0, [], np.zeros(0, np.int64), np.zeros(0, np.int64))
    holder = np.maximum(owner, 0)
    targets = (owner >= 0) & named[holder]
    targets &= (members >= 1.0)[holder]
    operations = leaked = 0
    removals: list[int] = []
    lab_hits = np.zeros(0, np.int64)
    acted: list[np.ndarray] = []

    def strike(cells: np.ndarray) -> np.ndarray:
        """Operations on `cells`; returns which succeeded (were not leaked)."""
        nonlocal operations, leaked
        leak = np.minimum(leak_rate * corruption.ravel()[cells], 1.0)
        succeeded = rng.random(cells.size) >= leak
        operations += cells.size
        acted.append(cells)
        leaked += int((~succeeded).sum())
        for cell in cells[succeeded]:
            group = int(owner.flat[cell])
            dead = min(f.members_killed, members[group] - killed[group])
            killed[group] += dead
            deaths.flat[cell] += dead * (1 + f.collateral)
        return succeeded

    if level >= LAB_STRIKES and targets.any():
        weight = np.where(targets, lab_capacity, 0.0).ravel()
        count = rng.poisson(f.lab_strikes)
        if weight.sum() > 0 and count:
            cells = rng.choice(weight.size, size=count, p=weight / weight.sum())
            lab_hits = cells[strike(cells)]
    if level >= RAIDS and targets.any():
        weight = np.where(targets, strength, 0.0).ravel()
        count = rng.poisson(f.raids)
        if weight.sum() > 0 and count:
            cells = rng.choice(weight.size, size=count, p=weight / weight.sum())
            for cell in cells[strike(cells)]:
                group = int(owner.flat[cell])
                if rng.random() < f.raid_capture and group not in removals:
                    removals.append(group)
    if level >= INTERVENTION and targets.any():
        rate = np.where(targets, smoothed_rate, -np.inf).ravel()
        count = max(int(round(f.intervention_cells * targets.sum())), 1)
        cells = np.argsort(-rate, kind="stable")[:count]
        clashes = rng.poisson(f.clash_rate * strength.ravel()[cells])
        for cell, dead in zip(cells, clashes, strict=True):
            group = int(owner.flat[cell])
            dead = min(float(dead), members[group] - killed[group])
            killed[group] += dead
            deaths.flat[cell] += dead * (1 + f.collateral)
        operations += count
        acted.append(cells)
    cells = np.concatenate(acted) if acted else np.zeros(0, np.int64)
    return ForceMonth(deaths, killed, operations, leaked, removals, lab_hits, cells)
