"""The adaptive US agent's rule: pressure against costs, a logit over neighbouring options.

Pressure Π = mandate + w_h·(a hardline administration) + w_f·(synthetic-opioid deaths over 12
months, per 50,000) + w_m·(Border Patrol encounters at the southwest border, per 100,000 a month)
+ w_e·(closeness of a federal election) + w_s·(news shocks, halving monthly) − w_x·(Mexico's
effort: transfers of the last 12 months per 100 + the cooperation it gives). Each dial moves at
most one level a month: the options are the current level and its neighbours, scored
U(k) = Π·k/top − cost(k) − switch·[k ≠ current], drawn from a logit with unit temperature (the
unit of utility), so escalation is a distribution. The same probabilities score the record when
the weights are fitted (`experiments/governments.py`): every function here takes arrays of
weights, one entry per draw.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

NEWS_KEPT = 0.5  # the share of a news shock's weight left after a month
DEATHS_UNIT = 50_000.0
ENCOUNTERS_UNIT = 100_000.0
TARIFF_LEVELS = (0.0, 0.25, 0.5)
MARITIME_TOP, ESCALATION_TOP = 2, 3

Weights = Mapping[str, np.ndarray]


@dataclass(frozen=True)
class Signals:
    """What the US government sees in a month, each as the pressure term reads it."""

    opioid_deaths: float  # the latest 12-month figure released (projected past the record)
    border_encounters: float  # the latest monthly figure released (projected past the record)
    hardline: float  # 1 under an administration that campaigned on force against cartels
    election: float  # 0 a year before a federal vote, 1 in its month
    news: float
    effort: float  # transfers of the last 12 months / 100 + cooperation given


def pressure(w: Weights, s: Signals) -> np.ndarray:
    return (
        w["mandate"]
        + w["hardline_weight"] * s.hardline
        + w["overdose_weight"] * s.opioid_deaths / DEATHS_UNIT
        + w["migration_weight"] * s.border_encounters / ENCOUNTERS_UNIT
        + w["election_weight"] * s.election
        + w["news_weight"] * s.news
        - w["effort_weight"] * s.effort
    )


def legal_exposure(w: Weights, designation: bool) -> np.ndarray:
    """The share of the cost of lethal force left once the designation gives legal cover."""
    return 1 - w["legal_cover"] * designation


def tariff_costs(w: Weights, exempt_share: float) -> np.ndarray:
    """(draws, levels): trade damage grows with the square of the effective rate."""
    bite = np.array([rate * (1 - exempt_share) for rate in TARIFF_LEVELS])
    return np.asarray(w["tariff_cost"])[..., None] * bite**2


def maritime_costs(w: Weights, designation: bool) -> np.ndarray:
    """(draws, levels): interdiction is routine; strikes cost, less under legal cover."""
    levels = np.maximum(np.arange(MARITIME_TOP + 1) - 1, 0)
    return np.asarray(w["maritime_cost"] * legal_exposure(w, designation))[..., None] * levels


def force_costs(
    w: Weights, designation: bool, relations_extra: float, exposure_cost: np.ndarray
) -> np.ndarray:
    """(draws, levels): each level of force on Mexican soil costs the fitted cost plus what good
    relations add, less under legal cover, plus the cost of the corruption exposure its forces
    would settle at (`exposure_cost`, per level: legal cover does not shield it)."""
    per_level = (w["force_cost"] + relations_extra) * legal_exposure(w, designation)
    return np.asarray(per_level)[..., None] * np.arange(ESCALATION_TOP + 1) + exposure_cost


def settled_exposure(personnel: np.ndarray, corruption: float, memory: float) -> np.ndarray:
    """Per level, the exposure its forces settle at (`rules.force.exposure_after` held there):
    thousand personnel × corruption where they act / (1 − memory)."""
    return np.asarray(personnel) / 1000 * corruption / (1 - memory)


def option_probabilities(
    current: int, costs: np.ndarray, pressure: np.ndarray, switch: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The options (current level and neighbours) and, per draw, their logit probabilities."""
    top = costs.shape[-1] - 1
    options = np.arange(max(current - 1, 0), min(current + 1, top) + 1)
    utility = (
        np.asarray(pressure)[..., None] * options / top
        - costs[..., options]
        - np.asarray(switch)[..., None] * (options != current)
    )
    odds = np.exp(utility - utility.max(axis=-1, keepdims=True))
    return options, odds / odds.sum(axis=-1, keepdims=True)


def choose_level(
    current: int, costs: np.ndarray, pressure: float, switch: float, uniform: float
) -> int:
    """A dial's next level for one draw of the weights."""
    options, p = option_probabilities(current, costs, np.float64(pressure), np.float64(switch))
    pick = np.searchsorted(np.cumsum(p), uniform)
    return int(options[min(pick, options.size - 1)])
