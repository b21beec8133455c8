"""Who holds which cell, where rivals meet, and where their dead fall.

Initial rule: in each state, every group reported there (named organisations from the presence
table, local groups in their home state) gets one seed cell drawn by population; each cell goes to
the group minimising distance / √strength, a multiplicatively weighted Voronoi partition whose areas
grow with strength. A named organisation's strength in a state is its members spread over the states
that report it in proportion to their 2023 homicides. A group's strength in a cell is its members
spread evenly over the cells it holds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from mxstab.model.world.neighbours import MOORE
from mxstab.model.world.states import STATES, coded_cells, per_state

NO_OWNER = -1


@dataclass(frozen=True)
class Territory:
    """What a map of holders implies, computed once per map: the fronts — directed edges (cell of
    group a) → (Moore neighbour of group b ≠ a), as flat cell indices, `pair` numbering each
    edge's (a, b) as a·groups + b and `edges_per_pair` counting them — and the cells each group
    holds, so the month's rules never rescan the map."""

    cell: np.ndarray
    own: np.ndarray
    other: np.ndarray
    pair: np.ndarray
    edges_per_pair: np.ndarray  # (groups, groups)
    no_front: np.ndarray  # (groups, groups): pairs that share no front
    held: np.ndarray  # flat indices of the cells a group holds
    held_by: np.ndarray  # the group holding each of them
    landless: np.ndarray  # the groups that hold no cell

    @staticmethod
    def of(owner: np.ndarray, groups: int) -> Territory:
        rows, cols = owner.shape
        cells, owns, others = [], [], []
        for dr, dc in MOORE:
            a = owner[max(-dr, 0) : rows - max(dr, 0), max(-dc, 0) : cols - max(dc, 0)]
            b = owner[max(dr, 0) : rows - max(-dr, 0), max(dc, 0) : cols - max(-dc, 0)]
            r, c = np.nonzero((a != b) & (a != NO_OWNER) & (b != NO_OWNER))
            cells.append((r + max(-dr, 0)) * cols + c + max(-dc, 0))
            owns.append(a[r, c])
            others.append(b[r, c])
        own, other = np.concatenate(owns), np.concatenate(others)
        pair = own.astype(np.int64) * groups + other
        counts = np.bincount(pair, minlength=groups * groups).reshape(groups, groups)
        held = np.flatnonzero(owner.ravel() != NO_OWNER)
        held_by = owner.ravel()[held]
        landless = np.flatnonzero(np.bincount(held_by, minlength=groups) == 0)
        cell = np.concatenate(cells)
        return Territory(cell, own, other, pair, counts, counts == 0, held, held_by, landless)


def place_pair_deaths(
    pair_deaths: np.ndarray,
    owner: np.ndarray,
    territory: Territory,
    population: np.ndarray,
    state: np.ndarray,
    home_state: np.ndarray,
) -> np.ndarray:
    """Deaths raster: members of a killed by b fall on a's cells along the a–b front, shared by
    its edges in proportion to the people of the edge's cell (fighting is over towns, not empty
    land). A pair with no common front: a's dead fall across a's cells by population, or across
    b's if a holds none (the fight is on b's ground), or across a's home state if neither holds
    any. Every death lands exactly once."""
    land, land_state = coded_cells(state)
    deaths = _place_pair_deaths(
        pair_deaths,
        territory.pair,
        territory.cell,
        territory.no_front,
        territory.held,
        territory.held_by,
        population.ravel(),
        land,
        land_state,
        home_state,
    )
    return deaths.reshape(owner.shape)


@njit(cache=True)
def _place_pair_deaths(
    pair_deaths, pair, cell, no_front, held, held_by, population, land, land_state, home_state
):
    groups = pair_deaths.shape[0]
    deaths = np.zeros(population.size)
    # Along the fronts, by the people of each edge's cell.
    pair_weight = np.zeros(groups * groups)
    for e in range(pair.size):
        pair_weight[pair[e]] += population[cell[e]] + 1.0
    killed = pair_deaths.ravel()
    for e in range(pair.size):
        weight = population[cell[e]] + 1.0
        deaths[cell[e]] += killed[pair[e]] * weight / max(pair_weight[pair[e]], 1.0)
    # Off the fronts: on the holder's ground (a's, else b's), else across a's home state.
    held_people = np.zeros(groups)
    for i in range(held.size):
        held_people[held_by[i]] += population[held[i]] + 1.0
    on_ground = np.zeros(groups)
    homeless = np.zeros(STATES + 1)
    for a in range(groups):
        for b in range(groups):
            if no_front[a, b] and pair_deaths[a, b] != 0.0:
                if held_people[a] > 0:
                    on_ground[a] += pair_deaths[a, b]
                elif held_people[b] > 0:
                    on_ground[b] += pair_deaths[a, b]
                else:
                    homeless[home_state[a]] += pair_deaths[a, b]
    for i in range(held.size):
        group = held_by[i]
        per_person = on_ground[group] / held_people[group]
        deaths[held[i]] += per_person * (population[held[i]] + 1.0)
    if homeless[1:].any():
        state_people = np.zeros(STATES + 1)
        for i in range(land.size):
            state_people[land_state[i]] += population[land[i]]
        for i in range(land.size):
            code = land_state[i]
            if state_people[code] > 0:
                deaths[land[i]] += homeless[code] / state_people[code] * population[land[i]]
    return deaths


def place_pair_deaths_reference(
    pair_deaths: np.ndarray,
    owner: np.ndarray,
    territory: Territory,
    population: np.ndarray,
    state: np.ndarray,
    home_state: np.ndarray,
) -> np.ndarray:
    """`place_pair_deaths` in numpy: the reference the compiled placement is tested against."""
    groups = pair_deaths.shape[0]
    edge_pair = territory.pair
    edge_weight = population.ravel()[territory.cell] + 1.0
    weight_per_pair = np.bincount(edge_pair, weights=edge_weight, minlength=groups * groups)
    share = pair_deaths.ravel()[edge_pair] * edge_weight / np.maximum(weight_per_pair[edge_pair], 1)
    deaths = np.bincount(territory.cell, weights=share, minlength=owner.size)

    off_front = np.where(territory.no_front, pair_deaths, 0.0)
    if off_front.any():
        flat_pop = population.ravel()
        owned, landless = territory.held, territory.landless
        held_pop = np.bincount(territory.held_by, weights=flat_pop[owned] + 1.0, minlength=groups)
        holds = held_pop > 0
        on_own = off_front.sum(1) * holds
        # Rows of groups that hold no cell: their dead fall on a rival's ground or at home.
        theirs = off_front[landless]
        on_rival = (theirs * holds[None, :]).sum(0) if landless.size else 0.0
        per_person = np.divide(on_own + on_rival, held_pop, out=np.zeros(groups), where=holds)
        deaths[owned] += per_person[territory.held_by] * (flat_pop[owned] + 1.0)
        nowhere = np.zeros(groups)
        nowhere[landless] = (theirs * (~holds)[None, :]).sum(1)
        if nowhere.any():
            state_pop = per_state(state, population)
            homeless = per_state(home_state, nowhere)
            per_person_home = np.divide(
                homeless, state_pop, out=np.zeros(STATES + 1), where=state_pop > 0
            )
            land, codes = coded_cells(state)
            deaths[land] += per_person_home[codes] * flat_pop[land]
    return deaths.reshape(owner.shape)


def weighted_voronoi(
    cells: np.ndarray, seeds: np.ndarray, strength: np.ndarray, cols: int
) -> np.ndarray:
    """Index of the seed each cell goes to: argmin of grid distance / √strength (flat indices)."""
    cell_rc = np.column_stack(np.divmod(cells, cols)).astype(float)
    seed_rc = np.column_stack(np.divmod(seeds, cols)).astype(float)
    distance = np.linalg.norm(cell_rc[:, None, :] - seed_rc[None, :, :], axis=-1)
    return np.argmin(distance / np.sqrt(strength)[None, :], axis=1)


def draw_seeds(
    candidates: np.ndarray, population: np.ndarray, count: int, rng: np.random.Generator
) -> np.ndarray:
    """`count` distinct cells of `candidates` (flat indices), drawn ∝ population + 1."""
    weight = population.ravel()[candidates] + 1.0
    return rng.choice(candidates, size=count, replace=False, p=weight / weight.sum())


def initial_owner(
    state: np.ndarray,
    population: np.ndarray,
    strength: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Owner raster from `strength[group, state code]` (0 where the group is absent)."""
    owner = np.full(state.shape, NO_OWNER, np.int32)
    cols = state.shape[1]
    for code in range(1, strength.shape[1]):
        flat = np.flatnonzero(state.ravel() == code)
        present = np.flatnonzero(strength[:, code] > 0)
        present = present[np.argsort(-strength[present, code], kind="stable")]
        if flat.size == 0 or present.size == 0:
            continue
        seeds = draw_seeds(flat, population, min(present.size, flat.size), rng)
        present = present[: seeds.size]
        choice = weighted_voronoi(flat, seeds, strength[present, code], cols)
        owner.ravel()[flat] = present[choice]
    return owner


def members_per_cell(owner: np.ndarray, members: np.ndarray) -> np.ndarray:
    """s_i in members: the holder's members spread evenly over the cells it holds."""
    held = owner >= 0
    cells = np.bincount(owner[held], minlength=members.size)
    share = np.divide(members, cells, out=np.zeros(cells.size, float), where=cells > 0)
    return np.where(held, share[np.maximum(owner, 0)], 0.0)
