"""The recorded past a run replays: dated events from `events_2019_2023.csv` and
`events_2025.csv`, each acting from its calendar month (`when`, a month number).

A run replays the events from its start on; an event of the month a run starts in acts before
that month runs. Events before the start are in the initial conditions, which come from the
record before the start.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd

from mxstab.model.data import DATA_DIR
from mxstab.model.world.calendar import month_number

EVENT_FILES = ("events_2019_2023.csv", "events_2025.csv")


@cache
def events() -> pd.DataFrame:
    return pd.concat([pd.read_csv(DATA_DIR / name) for name in EVENT_FILES], ignore_index=True)


SINALOA_SPLIT = "Sinaloa Cartel internal war begins"
CHAPITOS = "Los Chapitos"
MAYOS = "La Mayiza (Mayos)"


@dataclass(frozen=True)
class RecordedEvent:
    """One change the record makes: `kind` names the dial or action, `value` its new level, `when`
    the month number it acts from."""

    when: int
    kind: str
    value: float
    label: str
    group: str = ""  # the organisation a leader removal splits


# Which rows act, as what. `context` rows are logged and act through no rule yet (the Guard's
# deployment is the level `mx.national_guard` = 1 stands for; the others await their mechanisms).
# Rows left out are context of another kind (the paused February tariff, the threat of 30% that
# never took effect, strike tallies, overdose series).
# The tariff row's details: once goods compliant with the USMCA were exempted (2025-03-06),
# "about half of Mexican imports stayed tariffed".
USMCA_EXEMPT_SHARE_2025 = 0.5
ACTING_EVENTS = (
    ("National Guard begins national operations", "context", None),
    ("Culiacán operation: Ovidio Guzmán captured and released", "context", None),
    ("Jornada Nacional de Sana Distancia", "context", None),
    ("José Antonio Yépez 'El Marro'", "leader_removal", "Santa Rosa de Lima Cartel (CSRL)"),
    ("CJNG–Sinaloa war over Zacatecas escalates", "context", None),
    ("CJNG offensive against Cárteles Unidos", "context", None),
    ("Ovidio Guzmán captured in Culiacán", "leader_arrest", None),
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
            raise LookupError(f"{EVENT_FILES}: expected one row starting {prefix!r}")
        row = rows.iloc[0]
        when = month_number(row["date"])
        if kind == "leader_removal":
            recorded.append(RecordedEvent(when, kind, 0.0, row["event"], group=value))
            continue
        level = parse_number(row["number"]) if value == "number" else value
        recorded.append(RecordedEvent(when, kind, float(level or 0.0), row["event"]))
    return tuple(sorted(recorded, key=lambda e: (e.when, e.kind)))


# US overdose deaths (all drugs), the rows of events_2025.csv with a firm figure, and the month
# from which each was the latest the US government had: the calendar-year figures were released
# in May of the next year, the 12 months to August 2025 in early 2026 (the December 2025 row is
# marked low confidence and is not used). Before May 2024 the 2023 figure stands in: no earlier
# row ships.
OVERDOSE_ROWS = (
    ("US overdose deaths 2023", "2024-05"),
    ("US overdose deaths 2024", "2025-05"),
    ("US overdose deaths 12 months to Aug 2025", "2026-01"),
)


@cache
def overdose_series() -> tuple[tuple[int, float], ...]:
    """(first month known, deaths) of each usable overdose figure, in month order."""
    series = []
    for prefix, known_from in OVERDOSE_ROWS:
        rows = events()[events()["event"].str.startswith(prefix)]
        if len(rows) != 1:
            raise LookupError(f"{EVENT_FILES}: expected one row starting {prefix!r}")
        number = str(rows.iloc[0]["number"]).split("(")[0].replace("~", "").replace(",", "")
        series.append((month_number(known_from), float(number)))
    return tuple(series)


def overdose_deaths(when: int) -> float:
    """The latest recorded yearly overdose deaths known in month number `when` (the earliest
    figure before it was released)."""
    known = [deaths for first, deaths in overdose_series() if first <= when]
    return known[-1] if known else overdose_series()[0][1]
