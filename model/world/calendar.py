"""Calendar months as whole numbers, so that the model can start in any month.

A month number counts months from January of year 0 (`2024-01` → 2024·12 + 0). A run counts its
own months from its start (month 0), and labels each with its date, `YYYY-MM`.
"""

from __future__ import annotations

import re

FIRST_START = "2019-01"
"""The earliest start: five years of the record (from 2015) precede it."""
LAST_START = "2024-01"
"""The latest start: a run reads the record before its start, and the record after 2023 is the
test window (`mxstab.model.world.victims`)."""
DEFAULT_START = "2024-01"
LABEL = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])(-\d{2})?$")


def month_number(label: str) -> int:
    """`YYYY-MM` (or an ISO date `YYYY-MM-DD`) as a month number."""
    match = LABEL.match(str(label).strip())
    if match is None:
        raise ValueError(f"expected a month as YYYY-MM, got {label!r}")
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def month_label(number: int) -> str:
    """The month number as `YYYY-MM`."""
    year, month = divmod(number, 12)
    return f"{year}-{month + 1:02d}"


def months_between(first: str, last: str) -> int:
    """Months from `first` to `last` (`YYYY-MM`): the model month of `last` in a run starting at
    `first`."""
    return month_number(last) - month_number(first)


def check_start(label: str) -> str:
    """A run's start as `YYYY-MM`, refused (ValueError naming the range) outside the months the
    record allows."""
    number = month_number(label)
    if not month_number(FIRST_START) <= number <= month_number(LAST_START):
        raise ValueError(f"start must be a month from {FIRST_START} to {LAST_START}, got {label!r}")
    return month_label(number)
