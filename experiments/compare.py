"""`mxstab compare`: every scenario over paired seeds, a summary table, and a report.

Each (scenario, seed) run shares the recorded past with the same-seed baseline and differs only
from `policy.start`, so deltas against the baseline are paired. Runs go to a process pool; each
run's monthly table is written as it finishes (temporary file, then rename), so a crash loses no
finished run. Figures are the last 12 months unless said: the homicide rate per 100k per year,
members and groups active at the end, cocaine and fentanyl reaching the US, tonnes seized, strike
deaths and people displaced over the year, relations at the end, the highest escalation level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import t as t_distribution

from mxstab.experiments.batch import RunSpec, RunSummary, run_many
from mxstab.model.io import staged_folder, write_atomic
from mxstab.model.scenarios import load_scenario
from mxstab.model.world.calendar import DEFAULT_START, months_between
from mxstab.viz.numbers import effect, estimate

FIGURES = {
    "homicide_rate": "homicides per 100k, last year",
    "cartel_members": "members at the end",
    "cartels_active": "groups active at the end",
    "cocaine_to_us_tons": "cocaine to the US, t, last year",
    "fentanyl_to_us_index": "fentanyl to the US, index (first month = 1), last year's mean",
    "seized_tons": "cocaine seized, t, last year",
    "strike_deaths": "strike deaths, last year",
    "displaced": "people displaced, last year",
    "relations_index": "relations at the end",
    "escalation_level": "highest escalation level",
}
SUMMED = ("cocaine_to_us_tons", "seized_tons", "strike_deaths", "displaced")
AVERAGED = ("homicide_rate", "fentanyl_to_us_index")
LAST = ("cartel_members", "cartels_active", "relations_index")
HORIZONS = (12, 24, 60)
MIN_SEEDS_FOR_AN_EFFECT = 3
BAND = (0.05, 0.95)
ADAPTIVE = "adaptive"
# How P(escalation) moves with Mexican cooperation and with the US election calendar.
ADAPTIVE_VARIANTS = {
    "adaptive, full Mexican cooperation": {"mx.cooperation": 1.0},
    "adaptive, no Mexican cooperation": {"mx.cooperation": 0.0},
    "adaptive, elections ignored": {"us_agent.election_weight": 0.0},
}


@dataclass(frozen=True)
class Job:
    label: str  # the scenario's name, or a named variant of it
    scenario: str
    seed: int
    months: int
    overrides: dict[str, Any]


def spec_of(index: int, job: Job) -> RunSpec:
    config = load_scenario(job.scenario).config(job.overrides)
    return RunSpec(config, job.seed, job.months, final_year_map=True, tag=str(index))


def labelled(job: Job, summary: RunSummary) -> pd.DataFrame:
    """A run's monthly table with its scenario label and seed in front."""
    national = summary.national.copy()
    national.insert(0, "seed", job.seed)
    national.insert(0, "scenario", job.label)
    return national


def keep(folder: Path, job: Job, summary: RunSummary) -> None:
    """Write a finished run's table at once (temporary file, then rename)."""
    path = folder / "runs" / safe_name(job.label) / f"seed_{job.seed}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    table = labelled(job, summary)
    write_atomic(path, lambda p: table.to_parquet(p, index=False))


def safe_name(label: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in label).strip("_")


def run_figures(national: pd.DataFrame) -> dict[str, float]:
    """The figures of one run (see FIGURES)."""
    last_year = national[national["month"] >= national["month"].max() - 11]
    figures = {name: float(last_year[name].mean()) for name in AVERAGED}
    for name in SUMMED:
        figures[name] = float(last_year[name].sum())
    for name in LAST:
        figures[name] = float(national[name].iloc[-1])
    figures["escalation_level"] = float(national["escalation_level"].max())
    return figures


def summarise(per_run: pd.DataFrame) -> pd.DataFrame:
    """Per scenario: mean and 90% interval of each figure (no interval when every seed gives the
    same value: the figure is deterministic there), and the mean and 90% interval of its paired
    difference from the same-seed baseline, flagged as an effect only when it stands out of the
    seeds' noise (`is_effect`)."""
    rows = []
    base = per_run[per_run["scenario"] == "baseline"].set_index("seed")
    for label, runs in per_run.groupby("scenario", sort=False):
        row: dict[str, Any] = {"scenario": label, "runs": len(runs)}
        runs = runs.set_index("seed")
        for name in FIGURES:
            values = runs[name]
            row[name] = values.mean()
            row[f"{name}_lo"], row[f"{name}_hi"] = values.quantile(BAND)
            row[f"{name}_deterministic"] = bool(values.nunique() == 1)
            paired = values.index.intersection(base.index)
            if len(paired):
                delta = values.loc[paired] - base.loc[paired, name]
                row[f"delta_{name}"] = delta.mean()
                row[f"delta_{name}_lo"], row[f"delta_{name}_hi"] = delta.quantile(BAND)
                row[f"delta_{name}_effect"] = is_effect(delta, base.loc[paired, name])
        rows.append(row)
    return pd.DataFrame(rows)


def is_effect(delta: pd.Series, base: pd.Series) -> bool:
    """A paired change counts as an effect when a two-sided t-test over the seeds rejects no
    change at 5% and the change is more than rounding (a billionth of the baseline's scale);
    with fewer than three seeds the noise is unknown, so nothing counts."""
    if len(delta) < MIN_SEEDS_FOR_AN_EFFECT:
        return False
    mean = abs(delta.mean())
    error = delta.std(ddof=1) / math.sqrt(len(delta))
    scale = max(float(base.abs().mean()), 1.0)
    return bool(mean > t_distribution.ppf(0.975, len(delta) - 1) * error and mean > 1e-9 * scale)


def figure_text(row: pd.Series, name: str) -> tuple[str, str]:
    """A figure as shown (`viz.numbers`): `mean (low to high)` over the seeds, the value alone
    when every seed gives it; and its change against the same-seed baseline, signed with its
    range when it stands out of the seeds' noise, "no change" when not ("" for the baseline)."""
    value = estimate(
        row[name],
        row[f"{name}_lo"],
        row[f"{name}_hi"],
        bool(row.get(f"{name}_deterministic")),
    )
    delta = row.get(f"delta_{name}")
    if row["scenario"] == "baseline" or pd.isna(delta):
        return value, ""
    low, high = row[f"delta_{name}_lo"], row[f"delta_{name}_hi"]
    return value, effect(delta, low, high, bool(row[f"delta_{name}_effect"]))


def long_table(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per scenario and figure: its numbers (mean, 90% range, paired change and its
    range, whether the change is an effect) and their text."""
    rows = []
    for _, row in summary.iterrows():
        for name, label in FIGURES.items():
            value, change = figure_text(row, name)
            rows.append(
                {
                    "scenario": row["scenario"],
                    "figure": label,
                    "mean": row[name],
                    "low": row[f"{name}_lo"],
                    "high": row[f"{name}_hi"],
                    "change": row.get(f"delta_{name}"),
                    "change_low": row.get(f"delta_{name}_lo"),
                    "change_high": row.get(f"delta_{name}_hi"),
                    "is_effect": row.get(f"delta_{name}_effect"),
                    "value_text": value,
                    "change_text": change,
                }
            )
    return pd.DataFrame(rows)


def wilson(successes: int, trials: int, z: float = 1.645) -> tuple[float, float]:
    """90% Wilson interval of a proportion."""
    if trials == 0:
        return (math.nan, math.nan)
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials**2)) / (1 + z * z / trials)
    return (max(centre - half, 0.0), min(centre + half, 1.0))


def escalation_odds(national: pd.DataFrame, start: int) -> pd.DataFrame:
    """P(escalation level ≥ k within h months of `start`), with 90% intervals, per label."""
    rows = []
    for label, runs in national.groupby("scenario", sort=False):
        for horizon in HORIZONS:
            if start + horizon > runs["month"].max() + 1:
                continue
            window = runs[(runs["month"] >= start) & (runs["month"] < start + horizon)]
            highest = window.groupby("seed")["escalation_level"].max()
            for level in (1, 2, 3):
                hits = int((highest >= level).sum())
                lo, hi = wilson(hits, len(highest))
                rows.append(
                    {
                        "scenario": label,
                        "months": horizon,
                        "level": level,
                        "probability": hits / len(highest) if len(highest) else math.nan,
                        "lo": lo,
                        "hi": hi,
                        "runs": len(highest),
                    }
                )
    return pd.DataFrame(rows)


@dataclass
class Comparison:
    summary: pd.DataFrame
    odds: pd.DataFrame
    per_run: pd.DataFrame
    files: list[Path]


def default_adaptive_seeds(seeds: list[int]) -> list[int]:
    """The adaptive scenario's seeds unless given: ten times as many, from the first seed (its
    escalation odds need more runs than an effect does)."""
    return list(range(seeds[0], seeds[0] + 10 * len(seeds)))


def plan(
    scenarios: list[str],
    seeds: list[int],
    adaptive_seeds: list[int],
    months: int,
    overrides: dict[str, Any],
) -> list[Job]:
    """Every run of a comparison: each scenario over its seeds; with the adaptive scenario, its
    variants (cooperation, elections) over the common seeds."""
    jobs = []
    for scenario in scenarios:
        for seed in adaptive_seeds if scenario == ADAPTIVE else seeds:
            jobs.append(Job(scenario, scenario, seed, months, overrides))
    if ADAPTIVE in scenarios:
        for label, extra in ADAPTIVE_VARIANTS.items():
            for seed in seeds:
                jobs.append(Job(label, ADAPTIVE, seed, months, {**overrides, **extra}))
    return jobs


def compare(jobs: list[Job], workers: int, out: Path, on_done=None) -> Comparison:
    """Run the jobs and write the runs, summary.csv, escalation.csv and report.html in `out`,
    built aside and swapped in whole (`staged_folder`)."""
    with staged_folder(out) as building:
        comparison = compare_into(jobs, workers, building, on_done)
    comparison.files = [out / path.relative_to(building) for path in comparison.files]
    return comparison


def compare_into(jobs: list[Job], workers: int, out: Path, on_done=None) -> Comparison:
    from mxstab.experiments.report import write_report
    from mxstab.experiments.run import git_revision

    specs = [spec_of(index, job) for index, job in enumerate(jobs)]

    def finished(summary: RunSummary) -> None:
        keep(out, jobs[int(summary.spec.tag)], summary)
        if on_done:
            on_done(summary)

    summaries = run_many(specs, workers, finished)
    tables = [labelled(job, s) for job, s in zip(jobs, summaries, strict=True)]
    national = pd.concat(tables, ignore_index=True)
    per_run = pd.DataFrame(
        [
            {"scenario": job.label, "seed": job.seed, **run_figures(table)}
            for job, table in zip(jobs, tables, strict=True)
        ]
    )
    rasters = {}
    for label in dict.fromkeys(job.label for job in jobs):
        mine = [
            s.final_year_rate for job, s in zip(jobs, summaries, strict=True) if job.label == label
        ]
        rasters[label] = np.mean(mine, axis=0)
    summary = summarise(per_run)
    policy = load_scenario(jobs[0].scenario).config(jobs[0].overrides).policy.start
    start = months_between(DEFAULT_START, policy)
    odds = escalation_odds(national[national["scenario"].str.startswith(ADAPTIVE)], start)
    files = [out / "summary.csv", out / "escalation.csv"]
    write_atomic(files[0], lambda p: summary.to_csv(p, index=False))
    write_atomic(files[1], lambda p: odds.to_csv(p, index=False))
    settings = {
        "scenarios": ", ".join(dict.fromkeys(job.scenario for job in jobs)),
        "runs": str(len(jobs)),
        "months": str(jobs[0].months),
        "policy start": policy,
        "policy start (month)": str(start),
        "overrides": ", ".join(f"{k}={v}" for k, v in jobs[0].overrides.items()) or "none",
        "resolution": "0.25",
        "git revision": git_revision(),
    }
    files.append(write_report(out, summary, national, rasters, odds, settings))
    return Comparison(summary, odds, per_run, files)
