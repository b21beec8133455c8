"""USGovernment: the three dials of US posture and its legal cover.

In the baseline the dials follow the record (tariff, then boat strikes, no force on Mexican soil)
and keep the last recorded posture after it; the adaptive agent of the policies work will set them
from pressure and costs.
"""

from __future__ import annotations

import mesa

MARITIME_POSTURES = ("none", "interdiction", "strikes")


class USGovernment(mesa.Agent):
    """Holds the dials read by the rest of the model each month."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        self.tariff_rate = 0.0
        self.usmca_exempt_share = 0.0
        self.maritime_posture = MARITIME_POSTURES.index("interdiction")
        self.escalation_level = 0
        self.designation = False
        self.news_shocks = 0

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
        else:
            raise ValueError(f"unknown US dial {kind!r}")
