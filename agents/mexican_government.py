"""MexicanGovernment: its cooperation with the US, its consent to US operations, and the state of
the relationship.

A transfer moves already-jailed figures to the US: it counts as cooperation (relations, and the
effort the US perceives), never as a leader removal (MECHANICS). Relations fall each month with
the effective tariff (rate × the share of imports tariffed) and with unconsented force on Mexican
soil (the sovereignty response), rise with figures transferred, and relax back toward their
start. Cooperation actually given is the granted share scaled by relations over their start
(sovereignty) plus leverage under a tariff, within [0, 1].
"""

from __future__ import annotations

import mesa


class MexicanGovernment(mesa.Agent):
    """Holds Mexico's cooperation record and the relations index."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        self.transfers_this_month = 0
        self.transfer_log: list[tuple[int, int]] = []
        self.relations = model.config.relations.start
        self.unconsented_operations = 0

    def transfer(self, count: int, month: int) -> None:
        self.transfers_this_month += count
        self.transfer_log.append((month, count))

    def batch_transfer(self) -> None:
        """A scenario's transfers, in two batches a year from `policy.start`."""
        model = self.model
        per_year = model.config.mx.transfers_per_year
        if per_year and (model.month - model.config.policy.start) % 6 == 0:
            self.transfer(per_year // 2, model.month)

    def consents(self) -> bool:
        """Whether Mexico consents to US force on its soil this month."""
        rule = self.model.config.mx.consent
        return rule == "always" or (rule == "by_relations" and self.relations >= 0.5)

    @property
    def cooperation(self) -> float:
        us = self.model.us
        tariffed = us.tariff_rate * (1 - us.usmca_exempt_share)
        granted = (
            self.model.config.mx.cooperation * self.relations / self.model.config.relations.start
        )
        return min(max(granted + tariffed, 0.0), 1.0)

    def weigh_relations(self) -> None:
        """This month's change of relations, from what both governments did."""
        model = self.model
        r = model.config.relations
        us = model.us
        effective_tariff = us.tariff_rate * (1 - us.usmca_exempt_share)
        change = (
            r.recovery * (r.start - self.relations)
            - r.tariff_cost * effective_tariff
            + r.transfer_gain * self.transfers_this_month
            - model.config.force.sovereignty_cost * (self.unconsented_operations > 0)
        )
        self.relations = min(max(self.relations + change, 0.0), 1.0)
        self.unconsented_operations = 0

    def end_month(self) -> None:
        """After the month is measured: the next month's transfers start from zero."""
        self.transfers_this_month = 0
