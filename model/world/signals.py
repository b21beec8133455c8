"""What the two governments could see each month, from sourced monthly series
(`us_signals.csv`: US Border Patrol encounters at the southwest border; CDC provisional deaths
from synthetic opioids over the 12 months ending each month) and the political calendar.

Each series is read as it was known: a figure is released some months after the month it
describes (`*_RELEASE_LAG`); a month the copy lacks carries the last figure forward (no value
is filled from a later one); past the series' end the latest figure stands (a run projects it
with its own drivers, `agents.us_government`).
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from mxstab.model.data import DATA_DIR
from mxstab.model.world.calendar import month_number

SIGNALS_FILE = "us_signals.csv"
ENCOUNTERS = "border_patrol_encounters"
OPIOID_DEATHS = "synthetic_opioid_deaths_12_months"
# CBP posts a month's encounters in the middle of the next; CDC's provisional 12-month counts
# trail by about four months (VSRR release notes).
RELEASE_LAG = {ENCOUNTERS: 1, OPIOID_DEATHS: 4}
# Administrations that campaigned on force against the cartels: the first and second Trump terms
# (inaugurated 2017-01-20 and 2025-01-20); the Biden term from 2021-01-20 did not. The
# inauguration month counts as the new administration's. Who governs from January 2029 is not
# known: `us_agent.hardline_after_2029` says how hardline to assume.
HARDLINE_TERMS = (
    (month_number("2017-01"), month_number("2021-01")),
    (month_number("2025-01"), month_number("2029-01")),
)
NEXT_TERM = month_number("2029-01")
MONTHS_BEFORE_A_VOTE = 12


@cache
def us_signals() -> pd.DataFrame:
    table = pd.read_csv(DATA_DIR / SIGNALS_FILE)
    table.index = [month_number(m) for m in table.pop("month")]
    return table


def known(column: str, month: int) -> float:
    """The figure of `column` released by `month` (the earliest one before the series starts)."""
    series = us_signals()[column]
    when = min(max(month - RELEASE_LAG[column], series.index[0]), series.index[-1])
    return float(series.loc[when])


def last_known_month(column: str) -> int:
    """The first month in which the series' last figure is known."""
    return int(us_signals()[column].index[-1]) + RELEASE_LAG[column]


def hardline_administration(month: int, after_2029: float) -> float:
    if month >= NEXT_TERM:
        return after_2029
    return float(any(start <= month < end for start, end in HARDLINE_TERMS))


def election_closeness(month: int) -> float:
    """0 a year or more before a federal election (November of even years), 1 in its month."""
    year = month // 12  # month numbers count from year 0, January = 0
    vote = 12 * (year + year % 2) + 10
    if vote < month:
        vote += 24
    return max(0.0, 1 - (vote - month) / MONTHS_BEFORE_A_VOTE)
