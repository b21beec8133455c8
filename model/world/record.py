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


# Which rows act, as what. `us_threat` rows are announced escalations that were not (yet) a dial
# (Mexico answers them, `agents.mexican_government`); `mx_concession` rows are Mexico's answers
# other than transfers (Guard deployments), logged, acting through no rule. `context` rows are
# logged and act through no rule yet (the Guard's deployment is the level `mx.national_guard` = 1
# stands for; the Caribbean's warships of 2025 are not counted as search units: as full units they
# would cut the Caribbean's traffic by 98% against the claimed 20%, docs/cocaine_budget.md; the
# others await their mechanisms). Rows left out are context of another kind (the 90-day
# extension, strike tallies, overdose figures: the US agent reads `us_signals.csv` instead).
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
    ("US Navy warships deployed to the southern Caribbean", "context", None),
    ("Gerald R. Ford carrier strike group", "context", None),
    ("Mexico transfers 29 cartel figures", "transfer", "number"),
    ("Mexico transfers 26 cartel figures", "transfer", "number"),
    ("Mexico transfers 37 more", "transfer", "number"),
    ("Killing of Uruapan mayor Carlos Manzo", "news_shock", 1.0),
    ("LeBarón family massacre", "news_shock", 1.0),
    ("AUMF against Mexican cartels", "news_shock", 1.0),
    ("Graham announces bill", "news_shock", 1.0),
    ("US threatens tariffs on all Mexican goods", "us_threat", 1.0),
    ("Trump says the cartels will be designated", "us_threat", 1.0),
    ("Designation put on hold", "context", None),
    ("EO 14157 directs designation", "us_threat", 1.0),
    ("US tariff 25% on Mexico under IEEPA", "us_threat", 1.0),
    ("Threat of 30% tariff", "us_threat", 1.0),
    ("Trump says the US military will begin hitting", "us_threat", 1.0),
    ("Tariffs suspended after Mexico agrees", "mx_concession", 1.0),
    ("Mexico deploys 10,000 National Guard", "mx_concession", 1.0),
)
# The US dials before any recorded change: no tariff, interdiction at sea, no force on Mexican
# soil, no designation (2019–2024).
START_DIALS = {
    "tariff_rate": 0.0,
    "usmca_exempt_share": 0.0,
    "maritime_posture": 1.0,
    "escalation_level": 0.0,
    "designation": 0.0,
}
RISING_DIALS = ("tariff_rate", "maritime_posture", "escalation_level", "designation")


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


def recorded_dials(first: int, last: int) -> pd.DataFrame:
    """The US dials in each month from `first` to `last` (month numbers), as the record set them
    (an event acts from its month on)."""
    dials = dict(START_DIALS)
    rows = {}
    for month in range(min(first, *(e.when for e in recorded_events())), last + 1):
        for event in recorded_events():
            if event.when == month and event.kind in dials:
                dials[event.kind] = event.value
        if month >= first:
            rows[month] = dict(dials)
    return pd.DataFrame.from_dict(rows, orient="index")


def us_threat_months(first: int, last: int) -> set[int]:
    """Months with a US threat: an announced escalation or a dial moving up."""
    dials = recorded_dials(first - 1, last)
    rose = (dials[list(RISING_DIALS)].diff() > 0).any(axis=1)
    announced = {e.when for e in recorded_events() if e.kind == "us_threat"}
    return {m for m in range(first, last + 1) if m in announced or rose.loc[m]}


def concession_months(first: int, last: int) -> set[int]:
    """Months in which Mexico answered US pressure: a transfer or a deployment at its demand."""
    kinds = ("transfer", "mx_concession")
    return {e.when for e in recorded_events() if e.kind in kinds and first <= e.when <= last}
