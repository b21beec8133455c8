"""MexicanGovernment: its enforcement (arrests, leader captures, raids on labs, the National
Guard), its cooperation with the US, its consent to US operations, and the state of the
relationship.

A transfer moves already-jailed figures to the US: it counts as cooperation (relations, and the
effort the US perceives), never as a leader removal. Relations follow `rules.relations`; arrests
`rules.arrests`; leader captures `rules.leadership`; the Guard `rules.guard`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import mesa
import numpy as np

from mxstab.model.config import weights_for_run
from mxstab.model.rules import relations
from mxstab.model.rules.arrests import arrest_pressure, member_corruption
from mxstab.model.rules.fentanyl import raided_cells
from mxstab.model.rules.force import ForceMonth
from mxstab.model.rules.guard import guard_clashes
from mxstab.model.rules.leadership import capture_hazard, leaders_captured
from mxstab.model.rules.mx_policy import TREND_MONTHS, concession_probability, violence_trend
from mxstab.model.world.enforcement import arrest_ratio

TRANSFER_BATCHES_PER_YEAR = 2


@dataclass
class GuardMonth:
    """The Guard's clashes this month: expected deaths per cell, members killed per group."""

    expected: np.ndarray
    killed: np.ndarray


class MexicanGovernment(mesa.Agent):
    """Holds Mexico's enforcement, its cooperation record and the relations index."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        self.transfers_this_month = 0
        self.transfer_log: list[tuple[int, int]] = []
        self.relations = model.config.relations.start
        self.unconsented_operations = 0
        self.weights: dict[str, float] = {}
        self.homicides: deque[float] = deque(maxlen=TREND_MONTHS + 1)

    # --- enforcement --------------------------------------------------------------------------

    def note_arrest_baseline(self) -> None:
        """κ̄ at the start, against which arrests are measured (m = 1 at the start)."""
        self.corruption_start = self.corruption_faced()

    def corruption_faced(self) -> float:
        cartels = self.model.cartels
        corruption = self.model.municipalities.corruption
        held = cartels.territory
        return member_corruption(held.held, held.held_by, corruption, cartels.members)

    def arrest_pressure(self) -> float:
        """m_t of the membership equation (1 when the model is not spatial: the published fit):
        the recorded arrests' ratio to 2022–2023 times the scenario's investigation lever."""
        model = self.model
        config = model.config
        if not config.membership.spatial:
            return 1.0
        recorded = arrest_ratio(model.first_month + model.month)
        return arrest_pressure(
            config.mx.investigation * (recorded if config.enforcement.recorded_arrests else 1.0),
            config.enforcement.intel_arrest_gain,
            self.model.us.intel_sharing,
            self.corruption_faced(),
            self.corruption_start,
        )

    def leader_candidates(self) -> tuple[np.ndarray, float]:
        """The named groups whose leader is hunted this month, and the hazard each faces."""
        model = self.model
        cartels, config = model.cartels, model.config
        targets = cartels.members >= config.enforcement.target_members
        candidates = np.flatnonzero(cartels.named & cartels.active & targets)
        corruption = model.municipalities.corruption[model.grid.mexico]
        hazard = capture_hazard(
            config.enforcement,
            float(corruption.mean()),
            config.mx.investigation,
            model.us.intel_sharing,
            config.mx.kingpin_targeting,
        )
        return candidates, hazard

    def hunt_leaders(self) -> list[int]:
        """The groups whose leader is captured this month (every month: the same rule before
        and after the policy start)."""
        candidates, hazard = self.leader_candidates()
        uniform = self.model.streams["leadership"].random(self.model.cartels.named.size)
        return leaders_captured(candidates, uniform, hazard)

    def raid_labs(self) -> np.ndarray:
        """This month's raids on fentanyl labs, as many as investigation allows: the cells hit."""
        model = self.model
        raids = model.config.fentanyl.raids_per_month * model.config.mx.investigation
        return raided_cells(model.traffickers.lab_capacity, raids, model.streams["labs"])

    def deploy_guard(self) -> GuardMonth:
        """The National Guard in the most violent cells, above its 2024 deployment."""
        model = self.model
        cartels = model.cartels
        expected, killed = guard_clashes(
            model.config.mx.national_guard,
            model.municipalities.smoothed_rate,
            model.grid.mexico,
            cartels.owner,
            cartels.strength(),
            cartels.members.size,
            model.config.enforcement,
        )
        return GuardMonth(expected, killed)

    # --- the relationship ---------------------------------------------------------------------

    def remember_violence(self, monthly_level: float) -> None:
        """The national homicides of the months before the start (their mean level)."""
        self.homicides.extend([monthly_level] * (TREND_MONTHS + 1))

    def violence_trend(self) -> float:
        """Log of last month's national homicides over the same month a year before."""
        return violence_trend(self.homicides[-1], self.homicides[0])

    def adopt(self) -> None:
        """From `policy.start`: the adaptive government draws its weights."""
        if self.model.config.mx.adaptive:
            rng = self.model.streams["mx_choices"]
            self.weights = weights_for_run("mx_agent", self.model.config.mx_agent, rng)

    def decide(self) -> None:
        """A scenario's transfers, or (adaptive) a concession to US pressure by `rules.mx_policy`:
        a batch of jailed figures sent to the US (the Guard deployments that went with them are
        logged, acting through no rule)."""
        model = self.model
        if not model.config.mx.adaptive:
            self.batch_transfer()
            return
        us = model.us
        sovereignty = 0.0 if us.escalation_level == 0 else (1.0 if self.consents() else 2.0)
        p = concession_probability(
            self.weights, float(us.threatening()), sovereignty, self.violence_trend()
        )
        if model.streams["mx_choices"].random() < p:
            self.transfer(model.config.mx_agent.transfer_batch, model.month)
            model.log(model.month, "Mexico concedes to US pressure")

    def transfer(self, count: int, month: int) -> None:
        self.transfers_this_month += count
        self.transfer_log.append((month, count))

    def transferred_since(self, month: int) -> int:
        """Figures transferred after `month`."""
        return sum(count for when, count in self.transfer_log if when > month)

    def batch_transfer(self) -> None:
        """A scenario's transfers, in two batches a year from `policy.start`."""
        model = self.model
        per_year = model.config.mx.transfers_per_year
        months_between = 12 // TRANSFER_BATCHES_PER_YEAR
        if per_year and (model.month - model.policy_month) % months_between == 0:
            self.transfer(per_year // TRANSFER_BATCHES_PER_YEAR, model.month)

    def consents(self) -> bool:
        """Whether Mexico consents to US force on its soil this month."""
        return relations.consents(self.model.config.mx.consent, self.relations)

    def respond_to(self, force: ForceMonth) -> bool:
        """Note this month's US operations; unconsented ones are remembered for the sovereignty
        response. Returns whether Mexico consented."""
        consent = self.consents()
        if not consent:
            self.unconsented_operations += force.operations
        return consent

    @property
    def cooperation(self) -> float:
        """The share of US requests granted: the lever scaled by relations over their start
        (sovereignty), plus leverage under a tariff, within [0, 1]."""
        config = self.model.config
        return relations.cooperation_given(
            config.mx.cooperation,
            self.relations,
            config.relations.start,
            self.model.us.effective_tariff,
        )

    def weigh_relations(self) -> None:
        """This month's change of relations, from what both governments did."""
        config = self.model.config
        self.relations = relations.weighed(
            self.relations,
            config.relations,
            self.model.us.effective_tariff,
            self.transfers_this_month,
            self.unconsented_operations > 0,
            config.force.sovereignty_cost,
        )
        self.unconsented_operations = 0

    def close_month(self, homicides: float) -> None:
        """After the month is measured: its homicides are remembered, the next month's transfers
        start from zero."""
        self.homicides.append(homicides)
        self.transfers_this_month = 0
