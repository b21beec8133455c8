"""Cartels: the armed groups as one vectorised agent set.

The set owns the groups' arrays (names, whether named, home state, members, rivalry K, alliances)
and their territory (who holds each cell, the fronts between holders). Its month is the
membership equation over all groups at once (`rules.membership`), with recruitment from local
wages (`rules.recruitment`); a group acts alone when it loses its leader and splits
(`rules.fragmentation`).
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import mesa
import numpy as np

from mxstab.model.config import Membership
from mxstab.model.rules.fragmentation import (
    allied,
    splinter_rivalry,
    splinter_shares,
    split_rivalry,
    split_territory,
)
from mxstab.model.rules.membership import (
    WEEKS_PER_MONTH,
    MonthFlows,
    WeeklyRates,
    integrate_month,
    rivals_of,
)
from mxstab.model.rules.recruitment import (
    EXPORT_STATES,
    baseline_gap,
    group_recruitment,
    local_recruitment,
)
from mxstab.model.rules.retaliation import revenge_killings
from mxstab.model.rules.tariffs import effective_tariff
from mxstab.model.rules.territory import (
    Territory,
    initial_owner,
    members_per_cell,
    place_pair_deaths,
)
from mxstab.model.streams import stream
from mxstab.model.world.calendar import months_between
from mxstab.model.world.organisations import Groups, initial_groups, strength_by_state
from mxstab.model.world.victims import victims_record

PUBLISHED_FIT_START = "2022-01"
"""The published fit's members (175,000) are of 2022: the equation carries them to the start."""


@lru_cache(maxsize=16)
def groups_at(membership: Membership, start: str) -> Groups:
    """The groups of 2022 (local groups placed by the record's year before `start`) carried to
    `start` by the published equation (r = m = 1; backward before 2022): the same for every run
    that starts then, so built once per process and shared read-only (the latest 16: a
    calibration that varies the membership parameters does not grow the cache without bound)."""
    groups = initial_groups(membership, victims_record().monthly_level_before(start))
    months = months_between(PUBLISHED_FIT_START, start)
    weeks = -WEEKS_PER_MONTH if months < 0 else WEEKS_PER_MONTH
    ones = np.ones(groups.members.size)
    rates = WeeklyRates.of(membership)
    members = groups.members
    for _ in range(abs(months)):
        members, _ = integrate_month(
            members, ones, 1.0, groups.rivalry, rates, membership.substeps, weeks
        )
    for array in (members, groups.named, groups.home_state, groups.rivalry, groups.alliances):
        array.flags.writeable = False
    return replace(groups, members=members)


class Cartels:
    """Every armed group: a named organisation, a local group, or a splinter of either."""

    def __init__(self, model: mesa.Model, start: Groups, homicides: np.ndarray) -> None:
        """The groups at the model's start (`groups_at`); their territory drawn from their
        strength by state (named organisations spread by `homicides` per state)."""
        self.model = model
        self.names = list(start.names)
        self.named = start.named.copy()
        self.home_state = start.home_state.copy()
        self.members = start.members.copy()
        self.rivalry = start.rivalry.copy()
        self.alliances = start.alliances.copy()
        self.strength_of: tuple[np.ndarray | None, np.ndarray | None] = (None, None)
        self.rivals_for: np.ndarray | None = None
        strength = strength_by_state(self, model.config.territory.home_share, homicides)
        population = model.municipalities.population
        rng = model.streams["territory"]
        self.hold(initial_owner(model.grid.state, population, strength, rng))
        self.flows: MonthFlows = self.month_ahead()[1]
        self.export_cells = np.isin(model.grid.state, EXPORT_STATES)
        self.recruitment_drivers: tuple | None = None
        self.recruitment_gap_start = baseline_gap(
            model.config.labour, model.config.mx.social_programs
        )

    @property
    def active(self) -> np.ndarray:
        """Groups with at least one member."""
        return self.members >= 1.0

    def index(self, name: str) -> int:
        return self.names.index(name)

    def hold(self, owner: np.ndarray) -> None:
        """Take a new map of who holds each cell."""
        self.owner = owner
        self.territory = Territory.of(owner, len(self.names))

    def strength(self) -> np.ndarray:
        """Members per cell of the group holding it, computed once for each map and members (both
        are replaced, never changed in place, when they change)."""
        owner, members = self.strength_of
        if owner is not self.owner or members is not self.members:
            self.strength_of = (self.owner, self.members)
            self.strength_now = members_per_cell(self.owner, self.members)
        return self.strength_now

    def month_ahead(
        self,
        recruitment: np.ndarray | None = None,
        arrest_pressure: float = 1.0,
        lethality: float = 1.0,
    ) -> tuple[np.ndarray, MonthFlows]:
        """(members, flows) one month on from now: the published equation where r_c = m = 1."""
        m = self.model.config.membership
        if recruitment is None:
            recruitment = np.ones(len(self.members))
        rates = WeeklyRates.of(m, lethality)
        if self.rivals_for is not self.rivalry:  # K is replaced, never changed, when it changes
            self.rivals_for, self.rivals = self.rivalry, rivals_of(self.rivalry)
        return integrate_month(
            self.members,
            recruitment,
            arrest_pressure,
            self.rivalry,
            rates,
            m.substeps,
            rivals=self.rivals,
        )

    def recruitment(self) -> np.ndarray | None:
        """r_c this month from local wages, programs, tariffs and sanctions (None: the published
        equation's r = 1, when the model is not spatial)."""
        model = self.model
        if not model.config.membership.spatial:
            return None
        us = model.us
        drivers = (
            model.config.labour,
            model.config.mx.social_programs,
            us.financial_sanctions,
            effective_tariff(us.tariff_rate, us.usmca_exempt_share),
        )
        if drivers != self.recruitment_drivers:  # r_i moves only when its drivers do
            self.recruitment_drivers = drivers
            labour, programs, sanctions, tariff = drivers
            self.local_recruitment = local_recruitment(
                labour, self.export_cells, programs, sanctions, tariff, self.recruitment_gap_start
            )
        local = self.local_recruitment
        population = model.municipalities.population
        held = self.territory
        return group_recruitment(held.held, held.held_by, population, local, len(self.members))

    def step(self, arrest_pressure: float, lethality: float) -> None:
        """A month of recruitment, arrests, fighting and saturation for every group."""
        recruitment = self.recruitment()
        self.members, self.flows = self.month_ahead(recruitment, arrest_pressure, lethality)

    def lose(self, killed: np.ndarray) -> np.ndarray:
        """Members killed leave; returns the revenge killings they bring, per cell."""
        self.members = np.maximum(self.members - killed, 0.0)
        per_member = self.model.config.force.retaliation
        return revenge_killings(
            self.owner, self.model.municipalities.population, killed, per_member
        )

    def conflict_deaths(self, pair_deaths: np.ndarray, population: np.ndarray) -> np.ndarray:
        """Where this month's conflict deaths fall."""
        grid = self.model.grid
        return place_pair_deaths(
            pair_deaths, self.owner, self.territory, population, grid.state, self.home_state
        )

    def split(self, parent: int, names: list[str], when: int) -> list[int]:
        """Fragment `parent` into splinters named `names` in month `when`; the seeds of their
        territory come from a stream of this split's own (`split:<group>:<month>`), so other
        splits never move them."""
        model = self.model
        population = model.municipalities.population
        count = len(self.names)
        splinters = list(range(count, count + len(names)))
        core = model.grid.state == self.home_state[parent]
        seeds = stream(model.seed, f"split:{self.names[parent]}:{when}")
        owner = split_territory(self.owner, parent, splinters, core, population, seeds)
        shares = splinter_shares(owner, splinters, population)
        m, leadership = model.config.membership, model.config.leadership
        between = splinter_rivalry(m.rivalry_scale, leadership.splinter_rivalry)
        self.rivalry = split_rivalry(self.rivalry, parent, len(names), between)
        self.names = self.names + list(names)
        self.named = np.append(self.named, np.full(len(names), self.named[parent]))
        self.home_state = np.append(self.home_state, np.full(len(names), self.home_state[parent]))
        self.alliances = np.append(self.alliances, np.full(len(names), self.alliances[parent]))
        self.members = np.append(self.members, self.members[parent] * np.asarray(shares))
        self.members[parent] = 0.0
        self.hold(owner)
        return splinters

    def lose_leaders(self, groups: list[int], when: int) -> list[str]:
        """Each active group of `groups` loses its leader and splits in two; returns their names."""
        fallen = []
        for index in groups:
            if self.active[index]:
                name = self.names[index]
                fallen.append(name)
                self.split(index, [f"{name} (faction A)", f"{name} (faction B)"], when)
        return fallen

    def ally(self, a: int, b: int) -> None:
        self.rivalry, self.alliances = allied(self.rivalry, self.alliances, a, b)
