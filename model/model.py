"""The Mesa model: wiring of state, agents and rules; `step` follows DESIGN's step order.

Implemented so far: cartels (membership, fragmentation), violence (background, conflict,
contagion) and the recorded Sinaloa split. The mechanisms still to come (US posture, Mexican
allocation, maritime, routes, municipalities' choices, corruption) slot into `step` in its order.
"""

from __future__ import annotations

import zlib

import mesa
import numpy as np

from mxstab.agents.cartel import Cartel
from mxstab.agents.mexican_government import MexicanGovernment
from mxstab.agents.municipality import Municipality
from mxstab.agents.us_government import USGovernment
from mxstab.model.config import Config
from mxstab.model.grid import load_grid
from mxstab.model.groups import CJNG, NORESTE, SINALOA, initial_groups, strength_by_state
from mxstab.model.history import CHAPITOS, MAYOS, recorded_events
from mxstab.model.kernels import contagion
from mxstab.model.membership import integrate_month
from mxstab.model.population import cell_population
from mxstab.model.states import state_table
from mxstab.model.territory import Fronts, initial_owner, place_pair_deaths

STREAMS = ("territory", "violence", "contagion", "leadership")
NATIONAL_COLUMNS = (
    "homicides",
    "homicide_rate",
    "conflict_deaths",
    "background_homicides",
    "induced_homicides",
    "cartel_members",
    "cartels_active",
    "recruits",
    "arrests",
    "tariff_rate",
    "maritime_posture",
    "escalation_level",
    "transfers",
)
STATE_COLUMNS = ("state", "homicides", "homicide_rate")
MONTHS_BEFORE_START = 24  # the published fit starts in 2022; the model in January 2024


def stream(seed: int, name: str) -> np.random.Generator:
    """An independent generator per mechanism, keyed by name so streams never shift each other."""
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(name.encode())]))


class MxStabModel(mesa.Model):
    """Regional stability in Mexico, one step per month from January 2024 (month 0)."""

    def __init__(self, config: Config | None = None, seed: int = 0, resolution: float = 0.25):
        super().__init__(rng=seed)
        self.config = config or Config()
        self.seed = seed
        self.streams = {name: stream(seed, name) for name in STREAMS}
        self.grid = load_grid(resolution)
        self.population = cell_population(resolution).astype(float)
        self.event_log: list[tuple[int, str]] = []

        self.groups = initial_groups(self.config.membership, self.config.membership.members_2022)
        self.advance_membership(MONTHS_BEFORE_START)
        self.owner = initial_owner(
            self.grid.state,
            self.population,
            strength_by_state(self.groups, self.config.territory.home_share),
            self.streams["territory"],
        )
        self.set_territory(self.owner)
        self.cartels = {index: Cartel(self, index) for index in range(len(self.groups.names))}
        rows, cols = np.nonzero(self.grid.mexico)
        Municipality.create_agents(self, len(rows), rows, cols)

        self.us = USGovernment(self)
        self.mexico = MexicanGovernment(self)
        self.init_violence()
        for month in sorted({event.month for event in recorded_events()}):
            self.schedule_event(self.replay_history, at=month)
        self.national: dict[str, float] = {}
        self.datacollector = mesa.DataCollector(
            model_reporters={name: self.national_value(name) for name in NATIONAL_COLUMNS},
            tables={"states": ["month", *STATE_COLUMNS]},
        )

    @staticmethod
    def national_value(name: str):
        def report(model: MxStabModel) -> float:
            return model.national[name]

        return report

    @property
    def month(self) -> int:
        """The month being (or last) run: step 1 is month 0."""
        return self.steps - 1

    # --- step: DESIGN's order ---------------------------------------------------------------

    def step(self) -> None:
        self.cartels_act()
        self.violence_happens()
        self.diffuse()
        self.measure()

    # --- cartels ------------------------------------------------------------------------------

    def advance_membership(self, months: int):
        """Integrate the membership equation over `months`; return the last month's flows."""
        m = self.config.membership
        ones = np.ones(len(self.groups.members))
        flows = None
        for _ in range(months):
            self.groups.members, flows = integrate_month(
                self.groups.members,
                ones,
                1.0,
                self.groups.rivalry,
                m.rho,
                m.eta,
                m.theta,
                m.omega,
                m.substeps,
            )
        return flows

    def cartels_act(self) -> None:
        self.flows = self.advance_membership(1)

    def set_territory(self, owner: np.ndarray) -> None:
        self.owner = owner
        self.fronts = Fronts.of(owner)

    def splinter_rivalry(self) -> float:
        """K between splinters of one parent (calibrated on the kingpin-removal literature)."""
        return self.config.membership.rivalry_scale * (self.config.leadership.splinter_rivalry + 1)

    def remove_leader(self, index: int) -> list[Cartel]:
        """A group that loses its leader splits into two rival splinters on its ground."""
        name = self.groups.names[index]
        splinters = self.cartels[index].split(
            [f"{name} (faction A)", f"{name} (faction B)"], self.splinter_rivalry()
        )
        for splinter in splinters:
            self.cartels[splinter.index] = splinter
        self.event_log.append((self.steps, f"{name} loses its leader and splits"))
        return splinters

    def replay_history(self) -> None:
        """Apply the recorded events of the month about to run (Mesa fires this at its time)."""
        month = self.steps
        for event in recorded_events():
            if event.month != month:
                continue
            if event.kind == "sinaloa_split":
                self.sinaloa_split()
            elif event.kind == "transfer":
                self.mexico.transfer(int(event.value))
            elif event.kind != "leader_arrest":
                self.us.set_dial(event.kind, event.value)
            detail = (
                ""
                if event.kind in ("sinaloa_split", "leader_arrest")
                else (f" ({event.kind} = {event.value:g})")
            )
            self.event_log.append((month, event.label + detail))

    def group_index(self, name: str) -> int:
        return self.groups.names.index(name)

    def sinaloa_split(self) -> None:
        """2024-09-09: the Sinaloa cartel splits into Chapitos and Mayos at war; Chapitos side
        with the CJNG and Mayos with the CDN (DEA 2025, as in the presence table's notes)."""
        sinaloa = self.cartels[self.group_index(SINALOA)]
        if not sinaloa.active:
            return
        chapitos, mayos = sinaloa.split([CHAPITOS, MAYOS], self.splinter_rivalry())
        for splinter in (chapitos, mayos):
            self.cartels[splinter.index] = splinter
        self.groups.ally(chapitos.index, self.group_index(CJNG))
        self.groups.ally(mayos.index, self.group_index(NORESTE))

    # --- violence -----------------------------------------------------------------------------

    def conflict_raster(self, pair_deaths: np.ndarray) -> np.ndarray:
        return place_pair_deaths(
            pair_deaths,
            self.owner,
            self.fronts,
            self.population,
            self.grid.state,
            self.groups.home_state,
        )

    def init_violence(self) -> None:
        """Background per state = its 2023 monthly count less the conflict deaths the groups make
        there at the start, spread by population; a cell's expected level is its start level."""
        m = self.config.membership
        _, flows = integrate_month(
            self.groups.members,
            np.ones(len(self.groups.members)),
            1.0,
            self.groups.rivalry,
            m.rho,
            m.eta,
            m.theta,
            m.omega,
            m.substeps,
        )
        conflict = self.conflict_raster(flows.pair_deaths)
        state = self.grid.state
        monthly = np.concatenate([[0.0], state_table()["homicides_2023"].to_numpy(float) / 12])
        state_conflict = np.bincount(state.ravel(), weights=conflict.ravel(), minlength=33)
        state_pop = np.bincount(state.ravel(), weights=self.population.ravel(), minlength=33)
        per_person = np.maximum(monthly - state_conflict, 0) / np.maximum(state_pop, 1)
        self.background = np.where(state > 0, per_person[state] * self.population, 0.0)
        self.expected = self.background + conflict
        self.induced_expected = np.zeros(self.grid.shape)
        self.homicides = np.zeros(self.grid.shape)
        self.scratch = np.zeros(self.grid.shape)

    def violence_happens(self) -> None:
        """This month's homicides: background and induced deaths drawn as counts, conflict deaths
        from the membership flows where rivals meet. Each death is counted once."""
        self.conflict = self.conflict_raster(self.flows.pair_deaths)
        self.background_deaths = self.streams["violence"].poisson(self.background).astype(float)
        self.induced = self.streams["contagion"].poisson(self.induced_expected).astype(float)
        self.level = self.background + self.conflict + self.induced_expected
        self.homicides = self.background_deaths + self.conflict + self.induced
        self.population = np.maximum(self.population - self.homicides, 0.0)

    def diffuse(self) -> None:
        """Contagion: the expected level's rise above a cell's start level induces deaths among
        its neighbours next month (only excess spreads, a fall stays local)."""
        excess = np.maximum(self.level - self.expected, 0.0)
        contagion(
            excess,
            self.population,
            self.grid.mexico,
            self.config.violence.contagion_beta,
            self.induced_expected,
            self.scratch,
        )

    # --- metrics ------------------------------------------------------------------------------

    def measure(self) -> None:
        population = self.population.sum()
        flows = self.flows
        members = self.groups.members
        self.national = {
            "homicides": float(self.homicides.sum()),
            "homicide_rate": float(self.homicides.sum() * 12 / population * 1e5),
            "conflict_deaths": float(self.conflict.sum()),
            "background_homicides": float(self.background_deaths.sum()),
            "induced_homicides": float(self.induced.sum()),
            "cartel_members": float(members.sum()),
            "cartels_active": int((members >= 1.0).sum()),
            "recruits": float(flows.recruits.sum()),
            "arrests": float(flows.arrests.sum()),
            "tariff_rate": self.us.tariff_rate,
            "maritime_posture": self.us.maritime_posture,
            "escalation_level": self.us.escalation_level,
            "transfers": self.mexico.transfers_this_month,
        }
        self.datacollector.collect(self)
        self.mexico.end_month()
        state = self.grid.state.ravel()
        homicides = np.bincount(state, weights=self.homicides.ravel(), minlength=33)
        people = np.bincount(state, weights=self.population.ravel(), minlength=33)
        for code in range(1, 33):
            self.datacollector.add_table_row(
                "states",
                {
                    "month": self.month,
                    "state": code,
                    "homicides": float(homicides[code]),
                    "homicide_rate": float(homicides[code] * 12 / people[code] * 1e5),
                },
            )
