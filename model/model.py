"""The Mesa model: it builds the world and the agents, and runs the month's phases in order.

Each rule lives in `mxstab.model.rules`, each agent's state and behaviour in `mxstab.agents`;
this module only wires them: who is built from what, and which phase runs when (docs/ODD.md,
sections 3 and 7).
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd

from mxstab.agents.cartels import Cartels, groups_at
from mxstab.agents.mexican_government import MexicanGovernment
from mxstab.agents.municipalities import Municipalities
from mxstab.agents.naval_units import Navy
from mxstab.agents.traffickers import Traffickers
from mxstab.agents.us_government import USGovernment
from mxstab.agents.vessels import Vessels
from mxstab.model.config import (
    Config,
    calibration,
    governments_fit,
    violence_ensemble,
    weights_for_run,
)
from mxstab.model.observation import (
    NATIONAL_COLUMNS,
    national_figures,
    state_figures,
    state_table,
)
from mxstab.model.rules import corruption
from mxstab.model.streams import stream
from mxstab.model.world.calendar import (
    DEFAULT_START,
    check_start,
    month_label,
    month_number,
    months_between,
)
from mxstab.model.world.organisations import CJNG, NORESTE, SINALOA
from mxstab.model.world.population import cell_population_in_month
from mxstab.model.world.record import CHAPITOS, MAYOS, recorded_events
from mxstab.model.world.static import static_world
from mxstab.model.world.victims import check_fitted_on, victims_record

STREAMS = (
    "territory",
    "violence",
    "contagion",
    "clashes",
    "maritime",
    "force",
    "leadership",
    "us_choices",
    "labs",
    "mx_choices",
    "backbone",
)
POLICY_DIALS = ("tariff_rate", "usmca_exempt_share", "maritime_posture", "escalation_level")
# logged without a value
QUIET = ("sinaloa_split", "leader_removal", "leader_arrest", "context", "mx_concession")


def with_ensemble_draw(config: Config, seed: int) -> Config:
    """With `violence.posterior`, `config` with the violence mechanisms' fitted parameters drawn
    from their ensemble: one member, chosen by the seed's own stream (the CLI refuses
    `--posterior` beside a `--set` of one of them)."""
    if not config.violence.posterior:
        return config
    ensemble = violence_ensemble()
    member = ensemble[stream(seed, "posterior").integers(ensemble.size)]
    fitted = [name for name in ensemble.dtype.names if name.startswith("violence.")]
    return config.with_overrides({name: float(member[name]) for name in fitted})


def posterior_draws(config: Config, seed: int) -> dict[str, float]:
    """The calibrated values a run of `config` with `seed` draws from the posteriors (the
    violence ensemble's member, the adaptive US agent's weights), by dotted name: what
    exploratory modelling needs to explain a result by what each run drew."""
    drawn = with_ensemble_draw(config, seed)
    values = {}
    if config.violence.posterior:
        names = [n for n in violence_ensemble().dtype.names if n.startswith("violence.")]
        values |= {name: getattr(drawn.violence, name.partition(".")[2]) for name in names}
    if config.us.adaptive:
        weights = weights_for_run("us_agent", drawn.us_agent, stream(seed, "us_choices"))
        values |= {f"us_agent.{name}": value for name, value in weights.items()}
    return values


class MxStabModel(mesa.Model):
    """Regional stability in Mexico, one step per month from `start` (month 0; January 2024 by
    default, any month from January 2019 for a hindcast).

    The initial conditions come from the record before the start. Randomness comes only from the
    named streams (`self.streams`, `mxstab.model.streams`), each a child of the seed: Mesa's own
    generators (`self.rng`, `self.random`) are never drawn from, so that a change in one mechanism
    never moves another's numbers.
    """

    def __init__(
        self,
        config: Config | None = None,
        seed: int = 0,
        resolution: float = 0.25,
        start: str = DEFAULT_START,
    ):
        super().__init__(rng=seed)
        self.requested = with_ensemble_draw(config or Config(), seed)
        self.config = self.requested.recorded()
        self.policy_active = False
        self.seed = seed
        self.start = check_start(start)
        self.first_month = month_number(self.start)
        self.streams = {name: stream(seed, name) for name in STREAMS}
        self.world = static_world(resolution)
        self.grid, self.lanes, self.roads = self.world.grid, self.world.lanes, self.world.roads
        self.event_log: list[tuple[int, str]] = []
        self.leaders_fallen: list[str] = []
        record = victims_record()
        check_fitted_on(calibration()["record"]["training_sha256"], "calibration.toml", record)
        violence = self.config.violence
        level, uncertainty = record.filtered_level_before(
            self.start, violence.state_drift_sd, violence.state_noise_sd
        )
        people = cell_population_in_month(resolution, self.first_month)
        self.municipalities = Municipalities(self, people)
        self.cartels = Cartels(
            self,
            groups_at(self.config.membership, self.start),
            record.monthly_level_before(self.start),
        )
        self.us = USGovernment(self)
        self.mexico = MexicanGovernment(self)
        self.vessels = Vessels(self)
        self.traffickers = Traffickers(self)
        bound = self.traffickers.expected_bound()
        self.navy = Navy(self, bound @ self.lanes.track_km)
        self.navy.deploy()
        self.traffickers.expect_losses(bound, self.navy.search_rates())
        self.traffickers.start_routes()
        self.municipalities.start_corruption(*self.corruption_rates())
        self.mexico.note_arrest_baseline()
        self.mexico.remember_violence(float(level.sum()))
        conflict = self.cartels.conflict_deaths(
            self.cartels.flows.pair_deaths, self.municipalities.population
        )
        self.municipalities.start_violence(conflict, level, uncertainty, self.cartels.strength())
        self.schedule_history()
        self.national_months: list[dict[str, float]] = []
        self.state_months: list[np.ndarray] = []

    def schedule_history(self) -> None:
        """The record's months from the start on, then the scenario's start (an event at t acts
        before month t runs; one of month 0 acts now)."""
        for month in sorted({e.when - self.first_month for e in recorded_events()}):
            if month == 0:
                self.replay_history()
            elif month > 0:
                self.schedule_event(self.replay_history, at=month)
        if self.policy_month <= 0:
            self.start_policy()
        else:
            self.schedule_event(self.start_policy, at=self.policy_month)

    @property
    def month(self) -> int:
        """The month being (or last) run: step 1 is month 0."""
        return self.steps - 1

    @property
    def policy_month(self) -> int:
        """The model month `policy.start` falls in (≤ 0: from the start)."""
        return months_between(self.start, self.requested.policy.start)

    def date(self, month: int) -> str:
        """A model month as its calendar month, `YYYY-MM`."""
        return month_label(self.first_month + month)

    def log(self, month: int, text: str) -> None:
        self.event_log.append((month, text))

    # --- the month ------------------------------------------------------------------------------

    def step(self) -> None:
        """One month: the phases in order."""
        self.governments_decide()
        self.maritime()
        self.force_on_soil()
        self.land_routes()
        self.cartels_act()
        self.violence_happens()
        self.people_move()
        self.diffuse()
        self.municipalities.assess_stability()
        self.record(*self.measure())
        self.month_ends()

    def governments_decide(self) -> None:
        """Before `policy.start` the dials and transfers follow the record (scheduled events);
        from it the adaptive US agent sets the dials, then Mexico transfers in batches or
        (adaptive) concedes to US pressure, seeing a dial the US raised this month at once, as it
        sees a recorded one. Mexico then weighs the relationship."""
        if self.policy_active:
            if self.config.us.adaptive:
                self.us.decide()
            self.mexico.decide()
        self.mexico.weigh_relations()

    def maritime(self) -> None:
        """Units take station; this month's vessels sail; traffickers and planners learn."""
        self.navy.deploy()
        means, weights = self.traffickers.launch_means(), self.traffickers.landing_weights
        at_sea = self.vessels.sail(means, weights, self.navy.search_rates())
        if at_sea.struck.sum():
            self.log(
                self.month,
                f"{at_sea.struck.sum()} boats struck at sea, {at_sea.crew_killed} killed",
            )
        self.traffickers.learn(at_sea)
        self.navy.learn(at_sea)

    def force_on_soil(self) -> None:
        """US operations at the escalation level and Mexico's raids; the labs they hit; Mexico's
        response to the US operations."""
        self.force = self.us.use_force()
        self.raids = self.mexico.raid_labs()
        self.traffickers.lose_labs(np.concatenate([self.force.lab_hits, self.raids]))
        if self.force.operations:
            consent = "with" if self.mexico.respond_to(self.force) else "without"
            self.log(
                self.month,
                f"{self.force.operations} US operations on Mexican soil "
                f"({self.force.leaked} leaked, {consent} consent)",
            )

    def land_routes(self) -> None:
        self.traffickers.route()

    def cartels_act(self) -> None:
        """Members killed by force and the Guard leave and are avenged; leaders fall to raids
        and captures and their groups split; then a month of membership for every group."""
        self.guard = self.mexico.deploy_guard()
        self.revenge = self.cartels.lose(self.guard.killed + self.force.members_killed)
        fallen = sorted(set(self.force.removals) | set(self.mexico.hunt_leaders()))
        self.remove_leaders(fallen, self.month)
        self.cartels.step(self.mexico.arrest_pressure(), self.us.lethality())

    def remove_leaders(self, groups: list[int], month: int) -> None:
        """The leaders of `groups` fall in `month`; each group splits and the trade follows the
        new map."""
        fallen = self.cartels.lose_leaders(groups, when=month)
        for name in fallen:
            self.log(month, f"{name} loses its leader and splits")
        if fallen:
            self.traffickers.territory_changed()
        self.leaders_fallen += fallen

    def violence_happens(self) -> None:
        people = self.municipalities
        self.municipalities.suffer(
            self.cartels.conflict_deaths(self.cartels.flows.pair_deaths, people.population),
            self.traffickers.flow - self.traffickers.flow_start,
            self.revenge + self.guard.expected,
            self.force.deaths,
            self.cartels.strength(),
        )

    def people_move(self) -> None:
        """People perceive the month's violence and leave violent cells; the population grows to
        next month's."""
        self.municipalities.perceive()
        self.municipalities.move()
        self.municipalities.grow(self.first_month + self.month)

    def corruption_rates(self) -> tuple[np.ndarray, float]:
        owner = self.cartels.owner
        return corruption.rates(
            self.traffickers.flow, owner, self.config.corruption, self.config.mx.anticorruption
        )

    def diffuse(self) -> None:
        """Contagion for next month, and a month of corruption."""
        self.municipalities.spread_violence()
        self.municipalities.corrupt(*self.corruption_rates())

    def measure(self) -> tuple[dict[str, float], np.ndarray]:
        """This month's national figures and state figures (reads the model, changes nothing)."""
        return national_figures(self), state_figures(self)

    def record(self, national: dict[str, float], states: np.ndarray) -> None:
        self.national = national
        self.national_months.append(national)
        self.state_months.append(states)

    def national_table(self) -> pd.DataFrame:
        """Every month's national figures, one row per month (NATIONAL_COLUMNS)."""
        return pd.DataFrame(self.national_months, columns=list(NATIONAL_COLUMNS))

    def states_table(self) -> pd.DataFrame:
        """Every month's row per state: month, date, state, then the state figures."""
        dates = [self.date(month) for month in range(len(self.state_months))]
        return state_table(self.state_months, dates)

    def month_ends(self) -> None:
        self.us.forget_news()
        self.mexico.close_month(self.national["homicides"])
        self.leaders_fallen = []

    # --- the record and the scenario --------------------------------------------------------

    def replay_history(self) -> None:
        """Apply the recorded events of the month about to run (Mesa fires this at its time)."""
        month = self.steps
        for event in recorded_events():
            if event.when != self.first_month + month:
                continue
            if event.kind == "sinaloa_split":
                self.sinaloa_split(month)
            elif event.kind == "leader_removal":
                self.remove_leaders([self.cartels.index(event.group)], month)
            elif event.kind == "transfer":
                if self.policy_active and self.config.mx.adaptive:
                    continue  # the adaptive government makes its own choices
                self.mexico.transfer(int(event.value), month)
            elif event.kind in POLICY_DIALS and self.policy_active:
                continue
            elif event.kind == "us_threat" and self.policy_active and self.config.us.adaptive:
                continue  # the adaptive US makes its own threats (a dial it raises)
            elif event.kind not in QUIET:
                self.us.set_dial(event.kind, event.value)
            quiet = event.kind in QUIET
            self.log(month, event.label + ("" if quiet else f" ({event.kind} = {event.value:g})"))

    def sinaloa_split(self, month: int) -> None:
        """2024-09-09: the Sinaloa cartel splits into Chapitos and Mayos at war; Chapitos side
        with the CJNG and Mayos with the CDN (DEA 2025, as in the presence table's notes)."""
        cartels = self.cartels
        sinaloa = cartels.index(SINALOA)
        if not cartels.active[sinaloa]:
            return
        chapitos, mayos = cartels.split(sinaloa, [CHAPITOS, MAYOS], when=month)
        self.traffickers.territory_changed()
        cartels.ally(chapitos, cartels.index(CJNG))
        cartels.ally(mayos, cartels.index(NORESTE))

    def start_policy(self) -> None:
        """The scenario takes over: its levers replace the recorded posture."""
        self.config = self.requested
        self.policy_active = True
        self.traffickers.reroute()
        self.navy.commission(self.config.navy)
        if self.config.us.adaptive or self.config.mx.adaptive:
            check_fitted_on(
                governments_fit()["training_sha256"], "governments_fit.toml", victims_record()
            )
        self.us.adopt(self.config.us)
        self.mexico.adopt()
        self.log(self.steps, "policy starts")
