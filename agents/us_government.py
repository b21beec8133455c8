"""USGovernment: the three dials of US posture, its instruments, and the adaptive agent.

Before `policy.start` the dials follow the record; from it a scenario fixes them, or (with
`us.adaptive`) the agent sets them each month by the rule in `rules.us_policy`, with weights drawn
once per run from the posterior fitted on 2019–2023 (`docs/governments.md`). The US also runs the
force on Mexican soil the escalation dial allows (`rules.force`), and its forces there gather
corruption exposure that raises the cost of force and the leaks of its operations.
"""

from __future__ import annotations

import mesa
import numpy as np

from mxstab.model.config import US, weights_for_run
from mxstab.model.rules import us_policy
from mxstab.model.rules.force import ForceMonth, apply_force, exposure_after
from mxstab.model.rules.tariffs import effective_tariff
from mxstab.model.world import signals
from mxstab.model.world.record import RISING_DIALS, START_DIALS

MARITIME_POSTURES = ("none", "interdiction", "strikes")


class USGovernment(mesa.Agent):
    """Holds the dials read by the rest of the model each month."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        self.tariff_rate = START_DIALS["tariff_rate"]
        self.usmca_exempt_share = START_DIALS["usmca_exempt_share"]
        self.maritime_posture = int(START_DIALS["maritime_posture"])
        self.escalation_level = int(START_DIALS["escalation_level"])
        self.designation = bool(START_DIALS["designation"])
        self.financial_sanctions = False
        self.intel_sharing = 0.0
        self.gun_interdiction = 0.0
        self.news_shocks = 0
        self.news_level = 0.0
        self.pressure = 0.0
        self.force_exposure = 0.0
        self.last_threat = -(10**6)  # the last model month with a threat or a dial moving up
        self.weights: dict[str, float] = {}
        self.driver_at_end: dict[str, float] = {}  # each signal's driver when its record ended

    @property
    def effective_tariff(self) -> float:
        return effective_tariff(self.tariff_rate, self.usmca_exempt_share)

    def lethality(self) -> float:
        """The share of conflict deaths the southbound gun flow still allows."""
        return 1 - self.model.config.enforcement.gun_lethality * self.gun_interdiction

    def set_dial(self, kind: str, value: float) -> None:
        """Apply a recorded change of posture (a rise, or an announced one, is a threat)."""
        if kind == "us_threat" or (kind in RISING_DIALS and value > getattr(self, kind)):
            self.last_threat = self.model.steps
        if kind in ("tariff_rate", "usmca_exempt_share"):
            setattr(self, kind, value)
        elif kind in ("maritime_posture", "escalation_level"):
            setattr(self, kind, int(value))
        elif kind == "designation":
            self.designation = bool(value)
        elif kind == "news_shock":
            self.news_shocks += 1
            self.news_level += 1.0
        elif kind != "us_threat":
            raise ValueError(f"unknown US dial {kind!r}")

    def threatening(self) -> bool:
        """Whether the US threatened or raised a dial this month or last."""
        return self.model.month - self.last_threat <= 1

    def adopt(self, us: US) -> None:
        """A scenario's posture from `policy.start`; the adaptive agent draws its weights."""
        self.tariff_rate = us.tariff_rate
        self.usmca_exempt_share = us.usmca_exempt_share
        self.designation = us.designation
        self.financial_sanctions = us.financial_sanctions
        self.intel_sharing = us.intel_sharing
        self.gun_interdiction = us.gun_interdiction
        if us.adaptive:
            rng = self.model.streams["us_choices"]
            self.weights = weights_for_run("us_agent", self.model.config.us_agent, rng)
        else:
            self.maritime_posture = us.maritime_posture
            self.escalation_level = us.escalation_level

    def signals(self) -> us_policy.Signals:
        """What the US government sees this month: the released figures of the record (past
        their end the last one, moved as the run's driver moved since: the fentanyl reaching the
        US, people heading north), the administration, the next federal election, the news and
        Mexico's effort."""
        model = self.model
        month = model.first_month + model.month
        drivers = {
            signals.OPIOID_DEATHS: model.traffickers.fentanyl_to_us,
            signals.ENCOUNTERS: model.municipalities.heading_north,
        }
        seen = {}
        for column, driver in drivers.items():
            if month <= signals.last_known_month(column) or column not in self.driver_at_end:
                self.driver_at_end[column] = max(driver, 1e-9)
            seen[column] = signals.known(column, month) * driver / self.driver_at_end[column]
        mexico = model.mexico
        return us_policy.Signals(
            opioid_deaths=seen[signals.OPIOID_DEATHS],
            border_encounters=seen[signals.ENCOUNTERS],
            hardline=signals.hardline_administration(
                month, model.config.us_agent.hardline_after_2029
            ),
            election=signals.election_closeness(month),
            news=self.news_level,
            effort=mexico.transferred_since(model.month - 12) / 100 + mexico.cooperation,
        )

    def decide(self) -> None:
        """Move each dial at most one level, by the logit of `rules.us_policy`."""
        w = self.weights
        agent = self.model.config.us_agent
        self.pressure = float(us_policy.pressure(w, self.signals()))
        relations = agent.relations_cost * self.model.mexico.relations
        exposure = agent.exposure_weight * self.settled_exposure()
        rng = self.model.streams["us_choices"]
        tariff = us_policy.TARIFF_LEVELS.index(self.tariff_level())
        chosen = {
            "tariff_rate": us_policy.choose_level(
                tariff,
                us_policy.tariff_costs(w, self.usmca_exempt_share),
                self.pressure,
                w["switch_cost"],
                rng.random(),
            ),
            "maritime_posture": us_policy.choose_level(
                self.maritime_posture,
                us_policy.maritime_costs(w, self.designation),
                self.pressure,
                w["switch_cost"],
                rng.random(),
            ),
            "escalation_level": us_policy.choose_level(
                self.escalation_level,
                us_policy.force_costs(w, self.designation, relations, exposure),
                self.pressure,
                w["switch_cost"],
                rng.random(),
            ),
        }
        if chosen["tariff_rate"] > tariff or any(
            chosen[k] > getattr(self, k) for k in ("maritime_posture", "escalation_level")
        ):
            self.last_threat = self.model.month
        self.tariff_rate = us_policy.TARIFF_LEVELS[chosen["tariff_rate"]]
        self.maritime_posture = chosen["maritime_posture"]
        self.escalation_level = chosen["escalation_level"]

    def settled_exposure(self) -> np.ndarray:
        """Per escalation level, the corruption exposure its forces would settle at, acting on
        the ground the named groups hold."""
        cartels, force = self.model.cartels, self.model.config.force
        held = cartels.owner >= 0
        named = held & cartels.named[np.maximum(cartels.owner, 0)]
        corruption = self.model.municipalities.corruption[named]
        return us_policy.settled_exposure(
            force.personnel(),
            float(corruption.mean()) if corruption.size else 0.0,
            force.exposure_memory,
        )

    def tariff_level(self) -> float:
        """The tariff level nearest the current rate."""
        return min(us_policy.TARIFF_LEVELS, key=lambda level: abs(level - self.tariff_rate))

    def use_force(self) -> ForceMonth:
        """This month's operations on Mexican soil at the escalation level; the forces' exposure
        to cartel money grows with their size and the corruption where they act."""
        model = self.model
        cartels, places = model.cartels, model.municipalities
        config = model.config.force
        force = apply_force(
            self.escalation_level,
            cartels.owner,
            cartels.named,
            cartels.members,
            cartels.strength(),
            model.traffickers.lab_capacity,
            places.corruption,
            places.smoothed_rate,
            config,
            model.config.enforcement.leak * (1 + config.exposure_leak * self.force_exposure),
            model.streams["force"],
        )
        corruption = places.corruption.ravel()[force.cells]
        self.force_exposure = exposure_after(
            self.force_exposure,
            config.personnel()[self.escalation_level],
            float(corruption.mean()) if corruption.size else 0.0,
            config.exposure_memory,
        )
        return force

    def forget_news(self) -> None:
        """News fades: a shock keeps `NEWS_KEPT` of its weight each month."""
        self.news_level *= us_policy.NEWS_KEPT
