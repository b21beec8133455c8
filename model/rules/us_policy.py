"""The adaptive US agent's rule: pressure against costs, a logit over neighbouring options.

Pressure Π = mandate + w_f·(overdose deaths over 2023's) + w_m·(people heading to the border over
the first month's) + w_e·(closeness of a US federal election) + w_s·(news shocks, halving monthly) −
w_x·(transfers of the last 12 months / 100 + the cooperation Mexico gives). Each dial moves at most
one level a month: the options are the current level and its neighbours, scored
U = Π·k/top − cost(k) − switch cost·[k ≠ current], drawn from a logit, so escalation is a
distribution.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mxstab.model.config import USAgent

PRESSURE_WEIGHTS = (
    "mandate",
    "overdose_weight",
    "migration_weight",
    "election_weight",
    "news_weight",
    "effort_weight",
)
MONTHS_BEFORE_A_VOTE = 12


@dataclass(frozen=True)
class Signals:
    """What the US government sees in a month, each as the pressure term reads it."""

    overdose_deaths: float  # the latest yearly figure known (projected past the record)
    overdose_2023: float
    heading_north: float  # people displaced toward the US border this month
    heading_north_start: float  # the same in the run's first month
    months_to_vote: int
    news: float
    transfers_12_months: float
    cooperation: float


def pressure(weights: dict[str, float], s: Signals) -> float:
    return (
        weights["mandate"]
        + weights["overdose_weight"] * s.overdose_deaths / s.overdose_2023
        + weights["migration_weight"] * s.heading_north / max(s.heading_north_start, 1e-9)
        + weights["election_weight"] * max(0.0, 1 - s.months_to_vote / MONTHS_BEFORE_A_VOTE)
        + weights["news_weight"] * s.news
        - weights["effort_weight"] * (s.transfers_12_months / 100 + s.cooperation)
    )


def choose_level(
    current: int,
    top: int,
    cost: Callable[[int], float],
    pressure: float,
    agent: USAgent,
    uniform: float,
) -> int:
    """A dial's next level: the current one or a neighbour, by the logit over their utility."""
    options = np.arange(max(current - 1, 0), min(current + 1, top) + 1)
    utility = np.array(
        [pressure * k / top - cost(k) - agent.switch_cost * (k != current) for k in options]
    )
    odds = np.exp((utility - utility.max()) / agent.temperature)
    pick = np.searchsorted(np.cumsum(odds / odds.sum()), uniform)
    return int(options[min(pick, options.size - 1)])
