"""The record the model is judged against: SESNSP's victims of intentional homicide (homicidio
doloso, all modalities) by state and month, January 2015 – June 2025, with its training and test
windows.

Whatever fits a parameter reads the training window only (to December 2023); the test window
(January 2024 – June 2025) is for scoring forecasts. A run reads only the months before its start,
so a run starting in January 2024 reads nothing after December 2023. A fitted file stores the
SHA-256 of the training slice it was fitted on, and loading it checks that slice is unchanged.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from mxstab.model.data import DATA_DIR
from mxstab.model.world.calendar import month_label, month_number
from mxstab.model.world.states import STATES

RECORD_FILE = DATA_DIR / "sesnsp_homicide_victims_state_month.csv"
TRAIN_END = "2023-12"
TEST_START = "2024-01"
TEST_END = "2025-06"
MONTHS_OF_INITIAL_LEVEL = 12
FILTER_FIRST = "2015-01"  # the record's first month: where the level's filter starts


class RecordMismatch(ValueError):
    """A fitted file was fitted on another training slice than the record's."""


@dataclass(frozen=True)
class VictimsRecord:
    """Victims per state and month: `when` (month number), `state` (INEGI code), `victims`."""

    table: pd.DataFrame

    def between(self, first: str, last: str) -> pd.DataFrame:
        """The rows from `first` to `last` (`YYYY-MM`, both included)."""
        when = self.table["when"]
        return self.table[(when >= month_number(first)) & (when <= month_number(last))]

    def training(self) -> pd.DataFrame:
        return self.table[self.table["when"] <= month_number(TRAIN_END)]

    def test(self) -> pd.DataFrame:
        return self.between(TEST_START, TEST_END)

    @cached_property
    def training_sha256(self) -> str:
        """SHA-256 of the training slice as CSV (the fingerprint fitted files keep)."""
        text = self.training().to_csv(index=False, lineterminator="\n")
        return hashlib.sha256(text.encode()).hexdigest()

    def monthly_level_before(self, start: str, months: int = MONTHS_OF_INITIAL_LEVEL) -> np.ndarray:
        """Mean victims a month per state (indexed by INEGI code, slot 0 empty) over the `months`
        before `start`: a run's initial level. Refused if any of those months is after the
        training window."""
        first = month_number(start) - months
        last = month_number(start) - 1
        if last > month_number(TRAIN_END):
            raise ValueError(f"a run may read the record to {TRAIN_END} only, not {start}")
        rows = self.between(month_label(first), month_label(last))
        if rows["when"].nunique() != months:
            raise ValueError(f"the record has no {months} months before {start}")
        per_state = rows.groupby("state")["victims"].sum() / months
        return np.concatenate([[0.0], per_state.reindex(range(1, STATES + 1)).to_numpy(float)])

    def filtered_level_before(
        self, start: str, drift_sd: float, noise_sd: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each state's level a month at `start` as the backbone sees it (indexed by INEGI code,
        slot 0 empty): the local-level filter of the record to the month before, and the
        variance of its log. Refused if that month is after the training window."""
        last = month_number(start) - 1
        if last > month_number(TRAIN_END):
            raise ValueError(f"a run may read the record to {TRAIN_END} only, not {start}")
        counts = self.matrix(FILTER_FIRST, month_label(last)).to_numpy(float)
        log_level, variance = local_level_filter(counts, drift_sd, noise_sd)
        level = np.exp(log_level + noise_sd**2 / 2)  # the mean of the month's lognormal noise
        return np.concatenate([[0.0], level]), np.concatenate([[0.0], variance])

    def matrix(self, first: str, last: str) -> pd.DataFrame:
        """Victims as a (month, state) table: one row per month `YYYY-MM`, one column per code."""
        rows = self.between(first, last)
        wide = rows.pivot(index="when", columns="state", values="victims")
        wide.index = [month_label(when) for when in wide.index]
        return wide


def local_level_filter(
    counts: np.ndarray, drift_sd: float, noise_sd: float
) -> tuple[np.ndarray, np.ndarray]:
    """Kalman filter of log counts (months × states) as a random walk (`drift_sd` a month) seen
    through noise (`noise_sd`, plus the Poisson variance 1/count): the backbone's own model, so
    a run starts from the level its fitted spreads imply rather than a plain mean of months.
    Returns the last month's filtered log level and its variance."""
    logs = np.log(counts + 0.5)
    level, variance = logs[0], noise_sd**2 + 1 / np.maximum(counts[0], 1)
    for month in range(1, len(counts)):
        variance = variance + drift_sd**2
        gain = variance / (variance + noise_sd**2 + 1 / np.maximum(counts[month], 1))
        level = level + gain * (logs[month] - level)
        variance = (1 - gain) * variance
    return level, variance


@cache
def victims_record(path: Path | None = None) -> VictimsRecord:
    """The shipped record (or the one at `path`)."""
    raw = pd.read_csv(path or RECORD_FILE)
    table = pd.DataFrame(
        {
            "when": raw["year"] * 12 + raw["month"] - 1,
            "state": raw["state"].astype(int),
            "victims": raw["homicide_victims"].astype(float),
        }
    )
    return VictimsRecord(table.sort_values(["when", "state"], ignore_index=True))


def check_fitted_on(training_sha256: str, what: str, record: VictimsRecord) -> None:
    """Refuse a fitted file whose training slice is not the record's."""
    if training_sha256 != record.training_sha256:
        raise RecordMismatch(
            f"{what} was fitted on another training record (to {TRAIN_END}) than the one "
            "shipped; rerun `mxstab calibrate`"
        )
