"""Many runs in one process, reusing the static world: the entry point of calibration, sweeps,
comparisons and validation.

`run_many(specs, workers)` runs each spec (a config, a seed, a length and a start) on a process
pool (in this process when `workers` is 1); every worker builds the world once and reuses it for
each of its runs. Each run returns a summary in memory — its national table, its homicides per
state and month, and if asked the mean homicide rate per cell over its last year — and writes
nothing: the caller decides what to keep.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mxstab.experiments.pool import run_all
from mxstab.experiments.run import run_model
from mxstab.model.config import Config
from mxstab.model.rules.violence import annual_rate
from mxstab.model.world.calendar import DEFAULT_START

FINAL_YEAR = 12


@dataclass(frozen=True)
class RunSpec:
    config: Config
    seed: int
    months: int
    start: str = DEFAULT_START
    resolution: float = 0.25
    final_year_map: bool = False  # keep the mean rate per cell over the last 12 months
    keep_going: bool = False  # a failing run returns its error instead of raising
    tag: str = ""  # the caller's name for the run, returned with its summary


@dataclass
class RunSummary:
    spec: RunSpec
    national: pd.DataFrame | None = None
    state_homicides: np.ndarray | None = None  # (months, 32 states)
    final_year_rate: np.ndarray | None = None  # per cell, per 100k per year
    error: str | None = None


def run_one(spec: RunSpec) -> RunSummary:
    """One run's summary (or, with `keep_going`, its error and traceback)."""
    try:
        rates: list[np.ndarray] = []

        def keep_rate(model) -> None:
            if spec.final_year_map and model.month >= spec.months - FINAL_YEAR:
                places = model.municipalities
                people = np.where(places.population > 0, places.population, np.nan)
                rates.append(annual_rate(places.homicides, people))

        result = run_model(
            spec.config, spec.seed, spec.months, spec.resolution, keep_rate, spec.start
        )
        homicides = np.array([month[:, 0] for month in result.model.state_months])
        final = np.mean(rates, axis=0) if rates else None
        return RunSummary(spec, result.national, homicides, final)
    except Exception as error:
        if not spec.keep_going:
            raise
        return RunSummary(spec, error=f"{error!r}\n{traceback.format_exc()}")


def run_many(
    specs: list[RunSpec],
    workers: int = 1,
    on_done: Callable[[RunSummary], None] | None = None,
    dask: str | None = None,
) -> list[RunSummary]:
    """Every spec's summary, in spec order (on a Dask scheduler at `dask` if given);
    `on_done(summary)` as each finishes."""
    return run_all(run_one, specs, workers, on_done, dask)
