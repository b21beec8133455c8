"""MexicanGovernment: its cooperation with the US and the state of the relationship.

A transfer moves already-jailed figures to the US: it counts as cooperation (relations), never as
a leader removal (MECHANICS). Relations fall each month with the effective tariff (rate × the
share of imports tariffed), rise with figures transferred, and relax back toward their start.
"""

from __future__ import annotations

import mesa


class MexicanGovernment(mesa.Agent):
    """Holds Mexico's cooperation record and the relations index."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        self.transfers_this_month = 0
        self.relations = model.config.relations.start

    def transfer(self, count: int) -> None:
        self.transfers_this_month += count

    def weigh_relations(self) -> None:
        """This month's change of relations, from what both governments did."""
        r = self.model.config.relations
        us = self.model.us
        effective_tariff = us.tariff_rate * (1 - us.usmca_exempt_share)
        change = (
            r.recovery * (r.start - self.relations)
            - r.tariff_cost * effective_tariff
            + r.transfer_gain * self.transfers_this_month
        )
        self.relations = min(max(self.relations + change, 0.0), 1.0)

    def end_month(self) -> None:
        """After the month is measured: the next month's transfers start from zero."""
        self.transfers_this_month = 0
