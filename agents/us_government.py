"""USGovernment: the three dials of US posture, its instruments, and the adaptive agent.

Before `policy.start` the dials follow the record; from it a scenario fixes them, or (with
`us.adaptive`) the agent sets them each month (MECHANICS): pressure Π = mandate + w_f·overdose
deaths over 2023's + w_m·people heading to the border over 2024's + w_e·election closeness +
w_s·news shocks − w_x·(transfers of the last 12 months / 100 + the cooperation Mexico gives).
Each dial moves at most one level a month: the options are the current level and its
neighbours, scored U = Π·toughness − cost − switch cost, drawn from a logit, so escalation is a
distribution. The weights are drawn once per
run within ±`us_agent.weight_spread` of the config's, so results span their plausible range.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from mxstab.model.history import overdose_deaths, overdose_series

if TYPE_CHECKING:
    from mxstab.model.config import US
    from mxstab.model.model import MxStabModel

MARITIME_POSTURES = ("none", "interdiction", "strikes")
TARIFF_LEVELS = (0.0, 0.25, 0.5)
US_ELECTIONS = (10, 34, 58, 82, 106)  # November 2024, 2026, 2028, 2030, 2032
PRESSURE_WEIGHTS = (
    "mandate",
    "overdose_weight",
    "migration_weight",
    "election_weight",
    "news_weight",
    "effort_weight",
)


class USGovernment(mesa.Agent):
    """Holds the dials read by the rest of the model each month."""

    def __init__(self, model: MxStabModel) -> None:
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

    def sense_pressure(self) -> float:
        """Π for this month from what the US government sees."""
        model, w = self.model, self.weights
        last_known = overdose_series()[-1][0]
        deaths = overdose_deaths(model.month)
        if model.month > last_known:
            deaths *= model.fentanyl_to_us / model.fentanyl_2024
        to_vote = min(e - model.month for e in US_ELECTIONS if e >= model.month)
        transfers = sum(
            count for month, count in model.mexico.transfer_log if month > model.month - 12
        )
        self.pressure = (
            w["mandate"]
            + w["overdose_weight"] * deaths / overdose_series()[0][1]
            + w["migration_weight"] * model.heading_north / max(model.heading_north_2024, 1e-9)
            + w["election_weight"] * max(0.0, 1 - to_vote / 12)
            + w["news_weight"] * self.news_level
            - w["effort_weight"] * (transfers / 100 + model.mexico.cooperation)
        )
        return self.pressure

    def decide(self) -> None:
        """Move each dial at most one level, by a logit over U = Π·toughness − cost − switch."""
        agent = self.model.config.us_agent
        pressure = self.sense_pressure()
        cover = 1 - agent.legal_cover * self.designation
        relations = self.model.mexico.relations
        tariffed = 1 - self.usmca_exempt_share
        rng = self.model.streams["us_choices"]
        dials = (
            (
                "tariff",
                TARIFF_LEVELS.index(self.tariff_level()),
                len(TARIFF_LEVELS) - 1,
                lambda k: agent.tariff_cost * (TARIFF_LEVELS[k] * tariffed) ** 2,
            ),
            (
                "maritime",
                self.maritime_posture,
                2,
                lambda k: agent.maritime_cost * max(k - 1, 0) * cover,
            ),
            (
                "escalation",
                self.escalation_level,
                3,
                lambda k: (agent.force_cost + agent.relations_cost * relations) * k * cover,
            ),
        )
        for name, current, top, cost in dials:
            options = np.arange(max(current - 1, 0), min(current + 1, top) + 1)
            utility = np.array(
                [pressure * k / top - cost(k) - agent.switch_cost * (k != current) for k in options]
            )
            odds = np.exp((utility - utility.max()) / agent.temperature)
            pick = np.searchsorted(np.cumsum(odds / odds.sum()), rng.random())
            choice = int(options[min(pick, options.size - 1)])
            if name == "tariff":
                self.tariff_rate = TARIFF_LEVELS[min(choice, top)]
            elif name == "maritime":
                self.maritime_posture = choice
            else:
                self.escalation_level = choice

    def tariff_level(self) -> float:
        """The tariff level nearest the current rate."""
        return min(TARIFF_LEVELS, key=lambda level: abs(level - self.tariff_rate))

    def end_month(self) -> None:
        """News fades: a shock's weight halves each month."""
        self.news_level *= 0.5
