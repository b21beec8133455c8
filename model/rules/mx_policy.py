"""The adaptive Mexican government's rule: each month it concedes to US pressure (a transfer of
jailed figures, a Guard deployment, more requests granted) with the logit probability

    p = σ(base + w_t·threat − w_s·sovereignty + w_r·violence trend),

threat = a US threat or a US dial rising this month or last; sovereignty = 1 while US forces act
on Mexican soil with consent, 2 without (the domestic cost of conceding then); violence trend =
log of national homicides over the same month a year before (its own security results). Like
`us_policy`, it takes arrays of weights so the same function scores the record in the fit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

TREND_MONTHS = 12  # the violence trend compares last month with the same month a year before


def concession_probability(
    w: Mapping[str, np.ndarray], threat: float, sovereignty: float, violence_trend: float
) -> np.ndarray:
    logit = (
        w["base"]
        + w["threat_weight"] * threat
        - w["sovereignty_weight"] * sovereignty
        + w["results_weight"] * violence_trend
    )
    return 1 / (1 + np.exp(-logit))


def violence_trend(last_month: float, year_before: float) -> float:
    """Mexico's security results as it reads them: log of last month's national homicides over
    the same month a year before."""
    return math.log(last_month / year_before)
