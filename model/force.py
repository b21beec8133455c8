"""Force on Mexican soil (MECHANICS): lab strikes (escalation ≥ 1), special-operations raids
(≥ 2) and large-scale intervention (3), each month as the US dial says.

Targets are the named organisations (the designated ones and their splinters). An operation leaks
with p = leak × corruption where it acts, and a leaked one fails. Strikes and raids kill members
and bystanders where they act; raids may remove the group's leader; intervention cells see clash
deaths in proportion to the members there (Espinosa & Rubin 2015 give the sign). Each member
killed brings revenge killings next month in the group's ground. Lab strikes destroy production
capacity, rebuilt as labs relocate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from mxstab.model.model import MxStabModel

LAB_STRIKES, RAIDS, INTERVENTION = 1, 2, 3


@dataclass
class ForceMonth:
    """What force did this month: deaths per cell, members killed per group, operations."""

    deaths: np.ndarray
    members_killed: np.ndarray
    operations: int
    leaked: int
    removals: list[int]


def members_per_cell(model: MxStabModel) -> np.ndarray:
    """s_i in members: the holder's members spread evenly over the cells it holds."""
    held = model.owner >= 0
    cells = np.bincount(model.owner[held], minlength=model.groups.members.size)
    share = np.divide(model.groups.members, cells, out=np.zeros(cells.size, float), where=cells > 0)
    return np.where(held, share[np.maximum(model.owner, 0)], 0.0)


def apply_force(model: MxStabModel, rng: np.random.Generator) -> ForceMonth:
    """One month of force at the current escalation level."""
    f = model.config.force
    level = model.us.escalation_level
    groups = model.groups
    deaths = np.zeros(model.grid.shape)
    killed = np.zeros(groups.members.size)
    targets = (model.owner >= 0) & groups.named[np.maximum(model.owner, 0)]
    targets &= groups.active[np.maximum(model.owner, 0)]
    strength = members_per_cell(model)
    operations = leaked = 0
    removals: list[int] = []

    def strike(cells: np.ndarray) -> np.ndarray:
        """Operations on `cells`; returns which succeeded (were not leaked)."""
        nonlocal operations, leaked
        leak = np.minimum(model.config.enforcement.leak * model.corruption.ravel()[cells], 1.0)
        succeeded = rng.random(cells.size) >= leak
        operations += cells.size
        leaked += int((~succeeded).sum())
        for cell in cells[succeeded]:
            holder = int(model.owner.flat[cell])
            dead = min(f.members_killed, groups.members[holder] - killed[holder])
            killed[holder] += dead
            deaths.flat[cell] += dead * (1 + f.collateral)
        return succeeded

    if level >= LAB_STRIKES and targets.any():
        weight = np.where(targets, model.lab_capacity, 0.0).ravel()
        count = rng.poisson(f.lab_strikes)
        if weight.sum() > 0 and count:
            cells = rng.choice(weight.size, size=count, p=weight / weight.sum())
            hit = cells[strike(cells)]
            np.multiply.at(model.lab_capacity.reshape(-1), hit, 1 - f.lab_destroyed)
    if level >= RAIDS and targets.any():
        weight = np.where(targets, strength, 0.0).ravel()
        count = rng.poisson(f.raids)
        if weight.sum() > 0 and count:
            cells = rng.choice(weight.size, size=count, p=weight / weight.sum())
            for cell in cells[strike(cells)]:
                holder = int(model.owner.flat[cell])
                if rng.random() < f.raid_capture and holder not in removals:
                    removals.append(holder)
    if level >= INTERVENTION and targets.any():
        rate = np.where(targets, model.smoothed_rate, -np.inf).ravel()
        count = max(int(round(f.intervention_cells * targets.sum())), 1)
        cells = np.argsort(-rate, kind="stable")[:count]
        expected = f.clash_rate * strength.ravel()[cells]
        clashes = rng.poisson(expected)
        for cell, dead in zip(cells, clashes, strict=True):
            holder = int(model.owner.flat[cell])
            dead = min(float(dead), groups.members[holder] - killed[holder])
            killed[holder] += dead
            deaths.flat[cell] += dead * (1 + f.collateral)
        operations += count
    model.lab_capacity += f.lab_recovery * (model.lab_capacity_2024 - model.lab_capacity)
    return ForceMonth(deaths, killed, operations, leaked, removals)


def retaliation(model: MxStabModel, killed: np.ndarray) -> np.ndarray:
    """Expected revenge killings next month: `force.retaliation` per member killed, spread over
    the group's cells by population."""
    held = model.owner >= 0
    people = np.bincount(model.owner[held], weights=model.population[held], minlength=killed.size)
    per_person = np.divide(
        model.config.force.retaliation * killed, people, out=np.zeros(killed.size), where=people > 0
    )
    return np.where(held, per_person[np.maximum(model.owner, 0)] * model.population, 0.0)
