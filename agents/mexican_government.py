"""MexicanGovernment: its cooperation with the US, starting with prisoner transfers.

A transfer moves already-jailed figures to the US: it counts as cooperation (pressure and
relations), never as a leader removal (MECHANICS).
"""

from __future__ import annotations

import mesa


class MexicanGovernment(mesa.Agent):
    """Holds Mexico's cooperation record; effort allocation joins with the policy levers."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        self.transfers_this_month = 0

    def transfer(self, count: int) -> None:
        self.transfers_this_month += count

    def end_month(self) -> None:
        """After the month is measured: the next month's transfers start from zero."""
        self.transfers_this_month = 0
