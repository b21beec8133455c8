"""The recorded past the baseline replays: dated events from `events_2025.csv` as model months.

Month 0 is January 2024; an event dated in month m acts from month m on (scheduled with Mesa at
time m, which fires after step m, i.e. after month m − 1 has run).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import pandas as pd

from mxstab.model.data import DATA_DIR

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


SINALOA_SPLIT = "Sinaloa Cartel internal war begins"
CHAPITOS = "Los Chapitos"
MAYOS = "La Mayiza (Mayos)"


@dataclass(frozen=True)
class RecordedEvent:
    """One change the record makes: `kind` names the dial or action, `value` its new level."""

    month: int
    kind: str
    value: float
    label: str


# Which rows of events_2025.csv act, as what. Rows left out are context (the paused February
# tariff, the threat of 30% that never took effect, strike tallies, overdose series).
# The tariff row's details: once goods compliant with the USMCA were exempted (2025-03-06),
# "about half of Mexican imports stayed tariffed".
USMCA_EXEMPT_SHARE_2025 = 0.5
ACTING_EVENTS = (
    ("Ismael 'El Mayo' Zambada arrested", "leader_arrest", None),
    (SINALOA_SPLIT, "sinaloa_split", None),
    ("US FTO/SDGT designation of 6 Mexican cartels", "designation", 1.0),
    ("25% fentanyl tariff takes effect", "tariff_rate", "number"),
    ("25% fentanyl tariff takes effect", "usmca_exempt_share", USMCA_EXEMPT_SHARE_2025),
    ("Supreme Court strikes down IEEPA tariffs", "tariff_rate", 0.0),
    ("First US strike on an alleged drug boat", "maritime_posture", 2.0),
    ("Mexico transfers 29 cartel figures", "transfer", "number"),
    ("Mexico transfers 26 cartel figures", "transfer", "number"),
    ("Mexico transfers 37 more", "transfer", "number"),
    ("Killing of Uruapan mayor Carlos Manzo", "news_shock", 1.0),
)


def parse_number(text: str) -> float:
    """'25%' → 0.25, '29' → 29."""
    text = str(text).strip()
    return float(text[:-1]) / 100 if text.endswith("%") else float(text)


@cache
def recorded_events() -> tuple[RecordedEvent, ...]:
    """The acting events in date order."""
    recorded = []
    for prefix, kind, value in ACTING_EVENTS:
        rows = events()[events()["event"].str.startswith(prefix)]
        if len(rows) != 1:
            raise LookupError(f"events_2025.csv: expected one row starting {prefix!r}")
        row = rows.iloc[0]
        level = parse_number(row["number"]) if value == "number" else value
        recorded.append(
            RecordedEvent(month_of(row["date"]), kind, float(level or 0.0), row["event"])
        )
    return tuple(sorted(recorded, key=lambda e: (e.month, e.kind)))


# US overdose deaths (all drugs), the rows of events_2025.csv with a firm figure, and the model
# month from which each was the latest the US government had: the calendar-year figures were
# released in May of the next year, the 12 months to August 2025 in early 2026 (the December
# 2025 row is marked low confidence and is not used).
OVERDOSE_ROWS = (
    ("US overdose deaths 2023", 0),
    ("US overdose deaths 2024", 16),
    ("US overdose deaths 12 months to Aug 2025", 24),
)


@cache
def overdose_series() -> tuple[tuple[int, float], ...]:
    """(first month known, deaths) of each usable overdose figure, in month order."""
    series = []
    for prefix, month in OVERDOSE_ROWS:
        rows = events()[events()["event"].str.startswith(prefix)]
        if len(rows) != 1:
            raise LookupError(f"events_2025.csv: expected one row starting {prefix!r}")
        number = str(rows.iloc[0]["number"]).split("(")[0].replace("~", "").replace(",", "")
        series.append((month, float(number)))
    return tuple(series)


def overdose_deaths(month: int) -> float:
    """The latest recorded yearly overdose deaths known in `month`."""
    known = [deaths for first, deaths in overdose_series() if first <= month]
    return known[-1]
