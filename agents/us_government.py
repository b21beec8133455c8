"""USGovernment: the three dials of US posture, its instruments, and the adaptive agent.

Before `policy.start` the dials follow the record; from it a scenario fixes them, or (with
`us.adaptive`) the agent sets them each month by the rule in `rules.us_policy`. The weights of its
pressure are drawn once per run within ±`us_agent.weight_spread` of the config's, so results span
their plausible range. The US also runs the force on Mexican soil the escalation dial allows
(`rules.force`).
"""

from __future__ import annotations

import mesa

from mxstab.model.config import US
from mxstab.model.rules.force import ForceMonth, apply_force
from mxstab.model.rules.tariffs import effective_tariff
from mxstab.model.rules.us_policy import PRESSURE_WEIGHTS, Signals, choose_level, pressure
from mxstab.model.world.calendar import month_number
from mxstab.model.world.record import overdose_deaths, overdose_series

MARITIME_POSTURES = ("none", "interdiction", "strikes")
TARIFF_LEVELS = (0.0, 0.25, 0.5)
US_ELECTIONS = tuple(month_number(f"{year}-11") for year in range(2018, 2034, 2))  # federal
ESCALATION_LEVELS = 3


class USGovernment(mesa.Agent):
    """Holds the dials read by the rest of the model each month."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        self.tariff_rate = 0.0
        self.usmca_exempt_share = 0.0
        self.maritime_posture = MARITIME_POSTURES.index("interdiction")
        self.escalation_level = 0
        self.designation = False
        self.financial_sanctions = False
        self.intel_sharing = 0.0
        self.gun_interdiction = 0.0
        self.news_shocks = 0
        self.news_level = 0.0
        self.pressure = 0.0
        self.weights: dict[str, float] = {}

    @property
    def effective_tariff(self) -> float:
        return effective_tariff(self.tariff_rate, self.usmca_exempt_share)

    def lethality(self) -> float:
        """The share of conflict deaths the southbound gun flow still allows."""
        return 1 - self.model.config.enforcement.gun_lethality * self.gun_interdiction

    def set_dial(self, kind: str, value: float) -> None:
        """Apply a recorded change of posture."""
        if kind == "tariff_rate":
            self.tariff_rate = value
        elif kind == "usmca_exempt_share":
            self.usmca_exempt_share = value
        elif kind == "maritime_posture":
            self.maritime_posture = int(value)
        elif kind == "escalation_level":
            self.escalation_level = int(value)
        elif kind == "designation":
            self.designation = bool(value)
        elif kind == "news_shock":
            self.news_shocks += 1
            self.news_level += 1.0
        else:
            raise ValueError(f"unknown US dial {kind!r}")

    def adopt(self, us: US) -> None:
        """A scenario's posture from `policy.start`; the adaptive agent draws its weights."""
        self.tariff_rate = us.tariff_rate
        self.usmca_exempt_share = us.usmca_exempt_share
        self.designation = us.designation
        self.financial_sanctions = us.financial_sanctions
        self.intel_sharing = us.intel_sharing
        self.gun_interdiction = us.gun_interdiction
        if us.adaptive:
            agent = self.model.config.us_agent
            rng = self.model.streams["us_choices"]
            spread = agent.weight_spread
            self.weights = {
                name: getattr(agent, name) * rng.uniform(1 - spread, 1 + spread)
                for name in PRESSURE_WEIGHTS
            }
        else:
            self.maritime_posture = us.maritime_posture
            self.escalation_level = us.escalation_level

    def signals(self) -> Signals:
        """What the US government sees this month: overdose deaths (the latest released figure,
        projected with the fentanyl reaching the US past the record), people heading to the
        border, the next federal election, the news, and Mexico's effort."""
        model = self.model
        month = model.first_month + model.month
        deaths = overdose_deaths(month)
        if month > overdose_series()[-1][0]:
            deaths *= model.traffickers.fentanyl_to_us / model.traffickers.fentanyl_start
        people = model.municipalities
        return Signals(
            overdose_deaths=deaths,
            overdose_2023=overdose_series()[0][1],
            heading_north=people.heading_north,
            heading_north_start=people.heading_north_start,
            months_to_vote=min(e - month for e in US_ELECTIONS if e >= month),
            news=self.news_level,
            transfers_12_months=model.mexico.transferred_since(model.month - 12),
            cooperation=model.mexico.cooperation,
        )

    def decide(self) -> None:
        """Move each dial at most one level, by a logit over U = Π·toughness − cost − switch."""
        agent = self.model.config.us_agent
        self.pressure = pressure(self.weights, self.signals())
        cover = 1 - agent.legal_cover * self.designation
        relations = self.model.mexico.relations
        rng = self.model.streams["us_choices"]

        def tariff_cost(k: int) -> float:
            return (
                agent.tariff_cost * effective_tariff(TARIFF_LEVELS[k], self.usmca_exempt_share) ** 2
            )

        def maritime_cost(k: int) -> float:
            return agent.maritime_cost * max(k - 1, 0) * cover

        def force_cost(k: int) -> float:
            return (agent.force_cost + agent.relations_cost * relations) * k * cover

        tariff = choose_level(
            TARIFF_LEVELS.index(self.tariff_level()),
            len(TARIFF_LEVELS) - 1,
            tariff_cost,
            self.pressure,
            agent,
            rng.random(),
        )
        self.tariff_rate = TARIFF_LEVELS[tariff]
        self.maritime_posture = choose_level(
            self.maritime_posture,
            len(MARITIME_POSTURES) - 1,
            maritime_cost,
            self.pressure,
            agent,
            rng.random(),
        )
        self.escalation_level = choose_level(
            self.escalation_level,
            ESCALATION_LEVELS,
            force_cost,
            self.pressure,
            agent,
            rng.random(),
        )

    def tariff_level(self) -> float:
        """The tariff level nearest the current rate."""
        return min(TARIFF_LEVELS, key=lambda level: abs(level - self.tariff_rate))

    def use_force(self) -> ForceMonth:
        """This month's operations on Mexican soil at the escalation level."""
        model = self.model
        cartels, places = model.cartels, model.municipalities
        return apply_force(
            self.escalation_level,
            cartels.owner,
            cartels.named,
            cartels.members,
            cartels.strength(),
            model.traffickers.lab_capacity,
            places.corruption,
            places.smoothed_rate,
            model.config.force,
            model.config.enforcement.leak,
            model.streams["force"],
        )

    def forget_news(self) -> None:
        """News fades: a shock's weight halves each month."""
        self.news_level *= 0.5
