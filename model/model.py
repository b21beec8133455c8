"""The Mesa model: wiring of state, agents and rules; `step` follows DESIGN's step order.

Implemented so far: the recorded US posture and transfers, relations, maritime traffic and its
interdiction or strikes, land routes, cartels (membership, fragmentation), violence (background,
conflict, contagion), displacement, corruption and the stability index. Still to come, in their
place in `step`: the adaptive governments' choices and mayors' choices (plata o plomo).
"""

from __future__ import annotations

import mesa
import numpy as np

from mxstab.agents.cartel import Cartel
from mxstab.agents.mexican_government import MexicanGovernment
from mxstab.agents.municipality import Municipality
from mxstab.agents.naval_unit import NavalUnit
from mxstab.agents.us_government import USGovernment
from mxstab.agents.vessel import (
    Vessel,
    detection_odds,
    expected_bound,
    landing_weights,
    learn,
    loss_share,
    sail,
)
from mxstab.model.config import Config
from mxstab.model.force import apply_force, members_per_cell, retaliation
from mxstab.model.grid import load_grid
from mxstab.model.groups import CJNG, NORESTE, SINALOA, initial_groups, strength_by_state
from mxstab.model.history import CHAPITOS, MAYOS, recorded_events
from mxstab.model.kernels import corruption_step, poisson_counts, spread_to_neighbours
from mxstab.model.maritime import BASINS, detection_probability, sea_lanes
from mxstab.model.membership import integrate_month
from mxstab.model.population import cell_population
from mxstab.model.randomness import stream
from mxstab.model.recruitment import group_recruitment, local_recruitment, wage_gap
from mxstab.model.routes import RouteTrees, road_graph
from mxstab.model.stability import stability_index
from mxstab.model.states import state_table
from mxstab.model.territory import Fronts, initial_owner, place_pair_deaths

STREAMS = (
    "territory",
    "violence",
    "contagion",
    "clashes",
    "maritime",
    "force",
    "leadership",
    "us_choices",
)
POLICY_DIALS = ("tariff_rate", "usmca_exempt_share", "maritime_posture", "escalation_level")
NATIONAL_COLUMNS = (
    "homicides",
    "homicide_rate",
    "conflict_deaths",
    "background_homicides",
    "induced_homicides",
    "clash_deaths",
    "force_operations",
    "leader_removals",
    "cartel_members",
    "cartels_active",
    "recruits",
    "arrests",
    "cocaine_to_us_tons",
    "fentanyl_to_us_kg",
    "vessels_launched",
    "pacific_launch_share",
    "seized_tons",
    "strikes",
    "strike_deaths",
    "crew_arrested",
    "tariff_rate",
    "maritime_posture",
    "escalation_level",
    "transfers",
    "designation",
    "news_shocks",
    "relations_index",
    "cooperation",
    "us_pressure",
    "displaced",
    "displaced_to_border",
    "corruption",
    "stability_index",
)
STATE_COLUMNS = (
    "state",
    "homicides",
    "homicide_rate",
    "corruption",
    "stability_index",
    "displaced",
)
LAB_STATES = (25, 14, 16, 26, 10)  # Sinaloa, Jalisco, Michoacán, Sonora, Durango (MECHANICS)
CORRUPTION_REST_TOLERANCE = 1e-12
MONTHS_BEFORE_START = 24  # the published fit starts in 2022; the model in January 2024


class MxStabModel(mesa.Model):
    """Regional stability in Mexico, one step per month from January 2024 (month 0)."""

    def __init__(self, config: Config | None = None, seed: int = 0, resolution: float = 0.25):
        super().__init__(rng=seed)
        self.requested = config or Config()
        self.config = self.requested.recorded()
        self.policy_active = False
        self.seed = seed
        self.streams = {name: stream(seed, name) for name in STREAMS}
        self.grid = load_grid(resolution)
        self.lanes = sea_lanes(resolution)
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
        NavalUnit.commission(self)
        self.init_sea()
        self.init_routes()
        self.init_corruption()
        self.init_violence()
        self.wage_gap_2024 = wage_gap(
            self.config.labour.cartel_wage,
            self.config.labour.legal_wage,
            self.config.labour.transfer * self.config.mx.social_programs,
        )
        self.clash_expected = np.zeros(self.grid.shape)
        self.force = None
        self.removals_this_month: list[str] = []
        for month in sorted({event.month for event in recorded_events()}):
            self.schedule_event(self.replay_history, at=month)
        if self.requested.policy.start == 0:
            self.start_policy()
        else:
            self.schedule_event(self.start_policy, at=self.requested.policy.start)
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
        self.governments_decide()
        self.maritime()
        self.force_on_soil()
        self.land_routes()
        self.cartels_act()
        self.violence_happens()
        self.municipalities_act()
        self.diffuse()
        self.measure()

    # --- land routes and flows ------------------------------------------------------------------

    def init_routes(self) -> None:
        """Fentanyl leaves every cell of the lab states; cocaine leaves the landing cells with
        what the vessels brought (at the start, what they are expected to bring)."""
        grid = self.grid
        self.roads = road_graph(grid.resolution)
        labs = np.isin(grid.state, LAB_STATES) & grid.mexico
        self.lab_capacity_2024 = labs.astype(float)
        self.lab_capacity = self.lab_capacity_2024.copy()
        self.lab_share = labs.ravel()[self.roads.cells] / labs.sum()
        self.landing_node = np.searchsorted(self.roads.cells, self.lanes.landing_cell)
        self.cocaine_reference = max(self.cocaine_load.sum(), 1e-12)
        self.crossings = self.roads.crossing_nodes(grid)
        self.routes_stale = True
        self.flow_reference = 1.0
        self.land_routes()
        self.flow_reference = self.flow.max()
        self.flow /= self.flow_reference
        self.fentanyl_2024 = max(self.fentanyl_to_us, 1e-12)
        self.flow_2024 = self.flow.copy()

    def land_routes(self) -> None:
        """Route this month's loads; rebuild the trees when costs changed (a cell on a front
        between rivals costs more). The flow layer is the two commodities' mean share of their
        2024 volume through each cell, scaled to 1 at the busiest cell of January 2024."""
        if self.routes_stale:
            factor = np.ones(self.grid.shape)
            fighting = self.groups.rivalry[self.fronts.own, self.fronts.other] > 0
            factor.ravel()[np.unique(self.fronts.cell[fighting])] += self.config.routes.rival_cost
            crackdown = self.config.mx.crackdown_state
            if crackdown:
                factor[self.grid.state == crackdown] += self.config.mx.crackdown_cost
            self.trees = RouteTrees.of(
                self.roads,
                self.roads.edge_costs(factor),
                self.crossings,
                self.config.routes.logit_scale_km,
            )
            self.routes_stale = False
            self.fentanyl_capacity = None
        if not np.array_equal(self.lab_capacity, self.fentanyl_capacity):
            capacity = self.lab_capacity.ravel()[self.roads.cells]
            self.fentanyl_through, arriving = self.trees.flows(self.lab_share * capacity)
            self.fentanyl_to_us = self.config.routes.fentanyl_kg_per_month * arriving.sum()
            self.fentanyl_capacity = self.lab_capacity.copy()
        load = np.zeros(self.roads.nodes)
        load[self.landing_node] = self.cocaine_load
        cocaine_through, arriving = self.trees.flows(load)
        self.cocaine_to_us = arriving.sum()
        through = (self.fentanyl_through + cocaine_through / self.cocaine_reference) / 2
        self.flow = np.zeros(self.grid.shape)
        self.flow.ravel()[self.roads.cells] = through / self.flow_reference

    # --- governments ----------------------------------------------------------------------------

    def governments_decide(self) -> None:
        """Before `policy.start` the dials and transfers follow the record (scheduled events);
        from it Mexico transfers in batches and the adaptive US agent sets the dials. Mexico
        then weighs the relationship."""
        if self.policy_active:
            self.mexico.batch_transfer()
            if self.config.us.adaptive:
                self.us.decide()
        self.mexico.weigh_relations()

    def start_policy(self) -> None:
        """The scenario takes over: its levers replace the recorded posture."""
        self.config = self.requested
        self.policy_active = True
        self.routes_stale = True
        NavalUnit.commission(self)
        self.us.adopt(self.config.us)
        self.event_log.append((self.steps, "policy starts"))

    # --- force on Mexican soil ------------------------------------------------------------------

    def force_on_soil(self) -> None:
        """US operations at the current escalation level; unconsented ones are remembered for
        Mexico's sovereignty response."""
        self.force = apply_force(self, self.streams["force"])
        if self.force.operations:
            consent = self.mexico.consents()
            if not consent:
                self.mexico.unconsented_operations += self.force.operations
            self.event_log.append(
                (
                    self.month,
                    f"{self.force.operations} US operations on Mexican soil "
                    f"({self.force.leaked} leaked, {'with' if consent else 'without'} consent)",
                )
            )

    # --- maritime -------------------------------------------------------------------------------

    def init_sea(self) -> None:
        """Units take station where the 2024 traffic is expected; traffickers start from the
        loss risk that deployment implies, so the 72/28 split holds until something changes."""
        self.strike_risk = np.zeros(len(BASINS))
        self.relaunch = np.zeros(len(BASINS))
        self.loss_risk = self.loss_risk_2024 = np.zeros(len(BASINS))
        self.landing_weights = landing_weights(self)
        bound = expected_bound(self)
        self.expected_km = bound @ self.lanes.track_km
        NavalUnit.deploy(self, self.expected_km)
        self.search_rates = NavalUnit.search_rates(self)
        landings = np.arange(bound.size)
        caught = detection_probability(detection_odds(self, landings).sum(axis=1))
        self.loss_risk = self.loss_risk_2024 = loss_share(bound, caught, self.lanes.landing_basin)
        self.cocaine_load = bound * (1 - caught) * self.config.sea.vessel_load_tons

    def maritime(self) -> None:
        """Units take station; this month's vessels sail, and traffickers and planners learn
        from what happened to them."""
        NavalUnit.deploy(self, self.expected_km)
        self.search_rates = NavalUnit.search_rates(self)
        self.sea = sail(self)
        Vessel.crew_fleet(self, self.sea.fate.size)
        if self.sea.struck.sum():
            self.event_log.append(
                (
                    self.month,
                    f"{self.sea.struck.sum()} boats struck at sea, {self.sea.crew_killed} killed",
                )
            )
        learn(self, self.sea)
        self.cocaine_load = self.sea.landed_at * self.config.sea.vessel_load_tons

    # --- cartels ------------------------------------------------------------------------------

    def membership_month(self, arrest_pressure: float = 1.0, recruitment=None, lethality=1.0):
        """(members, flows) one month on from now; arrests scale with `arrest_pressure`,
        recruitment per group with `recruitment` (r_c), conflict deaths with `lethality`."""
        m = self.config.membership
        if recruitment is None:
            recruitment = np.ones(len(self.groups.members))
        return integrate_month(
            self.groups.members,
            recruitment,
            arrest_pressure,
            self.groups.rivalry,
            m.rho,
            m.eta,
            m.theta * lethality,
            m.omega,
            m.substeps,
        )

    def advance_membership(self, months: int) -> None:
        for _ in range(months):
            self.groups.members, _ = self.membership_month()

    def arrest_pressure(self) -> float:
        """m_t = investigation × (1 + gain × intelligence shared) × (1 − κ̄) / (1 − κ̄_2024):
        1 at the 2024 baseline, so it makes the published 110 arrests a week."""
        if not self.config.membership.spatial:
            return 1.0
        effort = self.config.mx.investigation * (
            1 + self.config.enforcement.intel_arrest_gain * self.us.intel_sharing
        )
        return effort * (1 - self.member_corruption()) / (1 - self.corruption_2024)

    def member_corruption(self) -> float:
        """Member-weighted mean corruption: each group's mean over the cells it holds."""
        held = self.owner >= 0
        groups = len(self.groups.members)
        cells = np.bincount(self.owner[held], minlength=groups)
        kappa = np.bincount(self.owner[held], weights=self.corruption[held], minlength=groups)
        mean = np.divide(kappa, cells, out=np.zeros(groups), where=cells > 0)
        total = self.groups.members.sum()
        return float((mean * self.groups.members).sum() / total) if total > 0 else 0.0

    def cartels_act(self) -> None:
        """Members killed by force and clashes leave; leaders fall to raids and to the capture
        hazard, and their groups split; then membership over the month (recruitment by local
        wages and programs, arrests by effort, lethality by the gun flow)."""
        self.guard_clashes()
        killed = self.guard_killed + self.force.members_killed
        self.groups.members = np.maximum(self.groups.members - killed, 0.0)
        self.clash_expected = retaliation(self, killed)
        self.removals_this_month = []
        for index in sorted(set(self.force.removals) | set(self.leaders_captured())):
            if self.groups.active[index]:
                self.removals_this_month.append(self.groups.names[index])
                self.remove_leader(index)
        spatial = self.config.membership.spatial
        recruitment = group_recruitment(self, local_recruitment(self)) if spatial else None
        lethality = 1 - self.config.enforcement.gun_lethality * self.us.gun_interdiction
        self.groups.members, self.flows = self.membership_month(
            self.arrest_pressure(), recruitment, lethality
        )

    def guard_clashes(self) -> None:
        """The National Guard, above its 2024 deployment, in the most violent cells: clash
        deaths in proportion to the members there (expected; drawn with the month's deaths)."""
        e = self.config.enforcement
        extra = max(self.config.mx.national_guard - 1.0, 0.0)
        self.guard_expected = np.zeros(self.grid.shape)
        self.guard_killed = np.zeros(self.groups.members.size)
        if extra == 0:
            return
        rate = np.where(self.grid.mexico, self.smoothed_rate, -np.inf).ravel()
        count = max(int(round(e.guard_cells * self.grid.mexico.sum())), 1)
        cells = np.argsort(-rate, kind="stable")[:count]
        deaths = e.guard_clash * extra * members_per_cell(self).ravel()[cells]
        self.guard_expected.ravel()[cells] = deaths
        holders = self.owner.ravel()[cells]
        held = holders >= 0
        np.add.at(self.guard_killed, holders[held], deaths[held])

    def leaders_captured(self) -> list[int]:
        """From `policy.start`, each named group of at least `target_members` loses its leader
        with monthly hazard h0·(investigation + intelligence shared)·(1 − leak) + kingpin
        targeting (MECHANICS)."""
        if not self.policy_active:
            return []
        e, mx = self.config.enforcement, self.config.mx
        targets = self.groups.members >= e.target_members
        candidates = np.flatnonzero(self.groups.named & self.groups.active & targets)
        uniform = self.streams["leadership"].random(self.groups.named.size)
        leak = min(e.leak * float(self.corruption[self.grid.mexico].mean()), 1.0)
        hazard = e.leader_hazard * (mx.investigation + self.us.intel_sharing) * (1 - leak)
        hazard += mx.kingpin_targeting
        return [int(i) for i in candidates if uniform[i] < hazard]

    def set_territory(self, owner: np.ndarray) -> None:
        self.owner = owner
        self.fronts = Fronts.of(owner)
        self.landing_weights = landing_weights(self)
        self.routes_stale = True

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
                self.mexico.transfer(int(event.value), month)
            elif event.kind in POLICY_DIALS and self.policy_active:
                continue
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
        _, flows = self.membership_month()
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
        people = np.maximum(self.population, 1.0)
        self.smoothed_rate = np.where(self.grid.mexico, self.expected * 12e5 / people, 0.0)
        self.left = np.zeros(self.grid.shape)
        self.arrived = np.zeros(self.grid.shape)
        self.heading_north = 0.0

    def draw_counts(self, name: str, mean: np.ndarray) -> np.ndarray:
        """Poisson counts by inversion of one uniform per cell from the named stream, so a
        changed mean in one cell leaves every other cell's draw as it was."""
        uniform = self.streams[name].random(self.grid.shape)
        return poisson_counts(uniform, mean, np.empty(self.grid.shape))

    def violence_happens(self) -> None:
        """This month's homicides: background and induced deaths drawn as counts, conflict deaths
        from the membership flows where rivals meet. Each death is counted once."""
        self.conflict = self.conflict_raster(self.flows.pair_deaths)
        flow_change = self.flow - self.flow_2024
        self.background_now = np.maximum(
            self.background * (1 + self.config.violence.flow_elasticity * flow_change), 0.0
        )
        self.background_deaths = self.draw_counts("violence", self.background_now)
        self.induced = self.draw_counts("contagion", self.induced_expected)
        clash_expected = self.clash_expected + self.guard_expected
        self.clashes = self.draw_counts("clashes", clash_expected) + self.force.deaths
        self.level = self.background_now + self.conflict + self.induced_expected + clash_expected
        self.homicides = self.background_deaths + self.conflict + self.induced + self.clashes
        self.population = np.maximum(self.population - self.homicides, 0.0)

    # --- municipalities ------------------------------------------------------------------------

    def municipalities_act(self) -> None:
        """Displacement (mayors' plata o plomo joins here with the policies work)."""
        self.left, self.arrived, self.heading_north = Municipality.displace(self)
        if self.month == 0:
            self.heading_north_2024 = self.heading_north
        self.population += self.arrived - self.left

    # --- diffusion kernels ----------------------------------------------------------------------

    def init_corruption(self) -> None:
        """No corruption data ships: start from the level the 2024 flows and control sustain
        (the rule run to rest), so the baseline is stationary and policies move it."""
        self.arrivals = np.zeros(self.grid.shape)
        self.corruption = np.zeros(self.grid.shape)
        self.corruption_next = np.zeros(self.grid.shape)
        growth, decay = self.corruption_rates()
        change = np.inf
        while change > CORRUPTION_REST_TOLERANCE:
            self.spread_corruption(growth, decay)
            change = np.abs(self.corruption - self.corruption_next).max()
        self.corruption_2024 = self.member_corruption()

    def corruption_rates(self) -> tuple[np.ndarray, float]:
        """κ grows with flow and control where governance is weak and falls with anti-corruption
        effort (MECHANICS): the growth raster and the decay rate."""
        c = self.config.corruption
        control = (self.owner >= 0).astype(float)
        growth = c.growth * self.flow * control * (1 - c.governance)
        return growth, c.decay * self.config.mx.anticorruption

    def spread_corruption(self, growth: np.ndarray, decay: float) -> None:
        """One month of corruption: growth, decay and diffusion to the neighbours."""
        c = self.config.corruption
        corruption_step(
            self.corruption, growth, decay, c.diffusion, self.grid.mexico, self.corruption_next
        )
        self.corruption, self.corruption_next = self.corruption_next, self.corruption

    def diffuse(self) -> None:
        """Contagion: the rise of a cell's violence from its own sources (background and
        conflict) above its start level induces deaths among its neighbours next month. Only
        excess spreads, a fall stays local, and induced deaths do not spread again: the kernel
        carries a memory of excess, not a second count of it (MECHANICS)."""
        excess = np.maximum(self.background_now + self.conflict - self.expected, 0.0)
        spread_to_neighbours(
            excess,
            self.population,
            self.grid.mexico,
            self.config.violence.contagion_beta,
            self.induced_expected,
        )
        self.spread_corruption(*self.corruption_rates())

    # --- metrics ------------------------------------------------------------------------------

    def measure(self) -> None:
        population = self.population.sum()
        flows = self.flows
        members = self.groups.members
        sea = self.sea
        load_tons = self.config.sea.vessel_load_tons
        self.stability = stability_index(self)
        people = np.where(self.grid.mexico, self.population, 0.0)
        self.national = {
            "homicides": float(self.homicides.sum()),
            "homicide_rate": float(self.homicides.sum() * 12 / population * 1e5),
            "conflict_deaths": float(self.conflict.sum()),
            "background_homicides": float(self.background_deaths.sum()),
            "induced_homicides": float(self.induced.sum()),
            "clash_deaths": float(self.clashes.sum()),
            "force_operations": self.force.operations,
            "leader_removals": len(self.removals_this_month),
            "cartel_members": float(members.sum()),
            "cartels_active": int(self.groups.active.sum()),
            "recruits": float(flows.recruits.sum()),
            "arrests": float(flows.arrests.sum()),
            "cocaine_to_us_tons": float(self.cocaine_to_us),
            "fentanyl_to_us_kg": float(self.fentanyl_to_us),
            "vessels_launched": int(sea.launched.sum()),
            "pacific_launch_share": float(sea.launched[0] / max(sea.launched.sum(), 1)),
            "seized_tons": float(sea.seized.sum() * load_tons),
            "strikes": int(sea.struck.sum()),
            "strike_deaths": sea.crew_killed,
            "crew_arrested": sea.crew_arrested,
            "tariff_rate": self.us.tariff_rate,
            "maritime_posture": self.us.maritime_posture,
            "escalation_level": self.us.escalation_level,
            "transfers": self.mexico.transfers_this_month,
            "designation": int(self.us.designation),
            "news_shocks": self.us.news_shocks,
            "relations_index": self.mexico.relations,
            "cooperation": self.mexico.cooperation,
            "us_pressure": self.us.pressure,
            "displaced": float(self.left.sum()),
            "displaced_to_border": self.heading_north,
            "corruption": float((self.corruption * people).sum() / people.sum()),
            "stability_index": float((self.stability * people).sum() / people.sum()),
        }
        self.datacollector.collect(self)
        self.mexico.end_month()
        self.us.end_month()
        state = self.grid.state.ravel()

        def by_state(values: np.ndarray) -> np.ndarray:
            return np.bincount(state, weights=values.ravel(), minlength=33)

        residents = by_state(people)
        homicides = by_state(self.homicides)
        corruption = by_state(self.corruption * people) / residents.clip(min=1)
        stability = by_state(self.stability * people) / residents.clip(min=1)
        displaced = by_state(self.left)
        for code in range(1, 33):
            self.datacollector.add_table_row(
                "states",
                {
                    "month": self.month,
                    "state": code,
                    "homicides": float(homicides[code]),
                    "homicide_rate": float(homicides[code] * 12 / residents[code] * 1e5),
                    "corruption": float(corruption[code]),
                    "stability_index": float(stability[code]),
                    "displaced": float(displaced[code]),
                },
            )
