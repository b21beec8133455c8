"""Mexico's recorded arrests of organised-crime suspects a month (`arrests_record.csv`), as a
ratio to the 2022–2023 level: the arrest pressure the record shows, which the membership
equation's arrest term (η m) turns into members removed.

Two series with different definitions meet here: the federal forces' detentions (2022 –
September 2024, annual and cumulative figures spread evenly) and the Gabinete de Seguridad's
"persons detained for high-impact crimes" (from October 2024, derived monthly from its
cumulative figures). Their ratio is a proxy (SOURCES.md). Before the file's first month the
ratio is 1 (the 2019–2021 figures contradict each other); after its last month the last 12
months' mean stands: the effort the record shows continues, in the baseline as in any run.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from mxstab.model.data import DATA_DIR
from mxstab.model.world.calendar import month_number

ARRESTS_FILE = "arrests_record.csv"
REFERENCE = ("2022-01", "2023-12")  # the level a ratio of 1 stands for: the training window's end
CONTINUING_MONTHS = 12


@cache
def arrests_record() -> pd.Series:
    """Arrests a month, indexed by month number."""
    table = pd.read_csv(DATA_DIR / ARRESTS_FILE)
    return pd.Series(table["arrests"].to_numpy(float), [month_number(m) for m in table["month"]])


@cache
def arrest_ratio(month: int) -> float:
    """The month's recorded arrests over the reference level (1 before the record starts; the
    last 12 months' mean after it ends)."""
    record = arrests_record()
    first, last = (month_number(m) for m in REFERENCE)
    reference = record.loc[first:last].mean()
    if month < record.index[0]:
        return 1.0
    if month > record.index[-1]:
        return float(record.iloc[-CONTINUING_MONTHS:].mean() / reference)
    return float(record.loc[month] / reference)
