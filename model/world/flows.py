"""The documented cocaine flow and the record of boat strikes.

`cocaine_budget.csv`: each level of the flow toward the US with its value, range, period and
source, and its role: an `input` (a parameter's value), a `target` (a calibration target, inside
the training window), a `check` (a figure after it that the model is scored against) or
`context`. `boat_strikes_2025_2026.csv`: each US strike on a vessel from 2025-09-02 to
2026-03-08 with its date, sea, boats and toll (killed, and presumed dead when a search was
called off), and whether it lies in the model's area for interdiction (the approach legs of `sea`
and the mapped sea). No strike's coordinates were published: the located Pacific ones lie south
of 14° N, inside the Pacific approach; strikes reported "off the coast of Venezuela" lie east of
the Caribbean approach (70° W), on the routes to the eastern Caribbean that the model does not
carry; Caribbean strikes with no reported location are counted in the area.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from mxstab.model.data import DATA_DIR

BUDGET_ROLES = ("input", "target", "check", "context")


@cache
def cocaine_budget() -> pd.DataFrame:
    """The budget's levels, indexed by name (shared: read it, do not change it)."""
    table = pd.read_csv(DATA_DIR / "cocaine_budget.csv").set_index("level")
    unknown = set(table["role"]) - set(BUDGET_ROLES)
    if unknown:
        raise ValueError(f"cocaine_budget.csv: role must be one of {BUDGET_ROLES}, got {unknown}")
    return table


def budget_value(level: str) -> float:
    """A level's central value."""
    return float(cocaine_budget().loc[level, "value"])


@cache
def boat_strikes() -> pd.DataFrame:
    """One row per strike, with `month` (YYYY-MM) and `dead` (killed + presumed dead)."""
    table = pd.read_csv(DATA_DIR / "boat_strikes_2025_2026.csv")
    return table.assign(month=table["date"].str[:7], dead=table["killed"] + table["presumed_dead"])
