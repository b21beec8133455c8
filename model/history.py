"""The recorded past the baseline replays: dated events from `events_2025.csv` as model months.

Month 0 is January 2024; an event dated in month m acts from month m on (scheduled with Mesa at
time m, which fires after step m, i.e. after month m − 1 has run).
"""

from __future__ import annotations

from datetime import date
from functools import cache

import pandas as pd

from mxstab.model.grid import DATA_DIR

START = date(2024, 1, 1)


def month_of(day: str) -> int:
    """Model month of an ISO date (2024-09-09 → 8)."""
    parsed = date.fromisoformat(day)
    return (parsed.year - START.year) * 12 + parsed.month - START.month


def month_label(month: int) -> str:
    """'2024-09' for month 8."""
    year, index = divmod(START.month - 1 + month, 12)
    return f"{START.year + year}-{index + 1:02d}"


@cache
def events() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "events_2025.csv")


def event_month(text: str) -> int:
    """Month of the one event whose name contains `text`."""
    rows = events()[events()["event"].str.contains(text, regex=False)]
    if len(rows) != 1:
        raise LookupError(f"expected one event matching {text!r}, found {len(rows)}")
    return month_of(rows["date"].iloc[0])


SINALOA_SPLIT = "Sinaloa Cartel internal war begins"
CHAPITOS = "Los Chapitos"
MAYOS = "La Mayiza (Mayos)"
