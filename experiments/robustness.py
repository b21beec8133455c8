"""`mxstab robustness`: which conclusions survive what we do not know (exploratory modelling).

A Latin hypercube over every assumed number's plausible range (`mxstab params`: kind
`assumed`) is crossed with seeds; each seed also draws the calibrated parameters from their
posterior or ensemble (the governments' weights always, the violence mechanisms through
`violence.posterior`). Every scenario runs on each (sample, seed) beside the baseline, so an
effect is a paired difference. Runs go through the sweep's executors (process pool, Dask,
SLURM; one Parquet file a run, resumable). The summary gives, per scenario and outcome, the
effect's median and 90% range over the sampled space and `share_sign`, the share of sampled
points whose effect has the median's sign; `drivers.csv` scores which assumptions drive each
effect (extra-trees feature scoring, `ema_workbench`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mxstab.experiments import sweep as sweeps
from mxstab.experiments.sensitivity import last_year
from mxstab.model.config import field_table
from mxstab.model.io import write_atomic

BASELINE = "baseline"
OUTCOMES: dict[str, Callable[[pd.DataFrame], float]] = {
    "homicide_rate": lambda n: last_year(n)["homicide_rate"].mean(),
    "cartel_members": lambda n: n["cartel_members"].iloc[-1],
    "cocaine_to_us_tons": lambda n: last_year(n)["cocaine_to_us_tons"].sum(),
    "fentanyl_to_us_index": lambda n: last_year(n)["fentanyl_to_us_index"].mean(),
    "displaced": lambda n: last_year(n)["displaced"].sum(),
    "relations_index": lambda n: n["relations_index"].iloc[-1],
    "escalation_level": lambda n: n["escalation_level"].max(),
}
"""Each run's outcomes: last-year means or totals, the last month's level, the run's highest
escalation level."""


def assumed_ranges() -> dict[str, tuple[float, float]]:
    """Every assumed number's plausible range, by dotted name."""
    return {
        row["name"]: (row["low"], row["high"])
        for row in field_table()
        if row["kind"] == "assumed" and row["low"] is not None
    }


def design(samples: int, design_seed: int) -> pd.DataFrame:
    """One row per sample: a Latin hypercube over the assumed ranges (integers rounded)."""
    from scipy.stats import qmc

    ranges = assumed_ranges()
    low, high = (np.array(side, float) for side in zip(*ranges.values(), strict=True))
    unit = qmc.LatinHypercube(d=len(ranges), seed=design_seed).random(samples)
    rows = [sweeps.typed(dict(zip(ranges, row, strict=True))) for row in qmc.scale(unit, low, high)]
    return pd.DataFrame(rows)


def plan(
    scenarios: list[str], samples: int, seeds: list[int], months: int, design_seed: int
) -> tuple[pd.DataFrame, list[sweeps.RunPoint]]:
    """The design and every run: each scenario and the baseline on each (sample, seed)."""
    from mxstab.model.scenarios import load_scenario

    points_table = design(samples, design_seed)
    names = [BASELINE, *(s for s in dict.fromkeys(scenarios) if s != BASELINE)]
    runs = []
    for sample, values in enumerate(points_table.to_dict("records")):
        overrides = {**values, "violence.posterior": True}
        for name in names:
            load_scenario(name).config(overrides)  # refused now, not in a worker
            for seed in seeds:
                rid = sweeps.run_id(name, overrides, seed, months, 0.25)
                params = {"sample": sample, "scenario": name}
                runs.append(sweeps.RunPoint(rid, name, params, seed, months, 0.25, overrides))
    return points_table, runs


def outcomes(points: list[sweeps.RunPoint], out: Path) -> pd.DataFrame:
    """One row per finished run: sample, scenario, seed and its outcomes."""
    rows = []
    for point in points:
        path = out / "runs" / f"{point.run_id}.parquet"
        if path.exists():
            national = pd.read_parquet(path)
            row = {"sample": point.params["sample"], "scenario": point.scenario, "seed": point.seed}
            rows.append(row | {name: f(national) for name, f in OUTCOMES.items()})
    return pd.DataFrame(rows)


def effects(table: pd.DataFrame) -> pd.DataFrame:
    """Each scenario's outcomes less the baseline's on the same sample and seed; a difference
    within a billionth of the baseline's value is rounding, and counts as none."""
    keys = ["sample", "seed"]
    base = table[table["scenario"] == BASELINE].set_index(keys)[list(OUTCOMES)]
    rows = []
    for scenario, part in table[table["scenario"] != BASELINE].groupby("scenario", sort=False):
        paired = base.loc[part.set_index(keys).index]
        delta = part.set_index(keys)[list(OUTCOMES)] - paired
        delta = delta.where(delta.abs() > 1e-9 * paired.abs(), 0.0)
        rows.append(delta.reset_index().assign(scenario=scenario))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def share_sign(values: np.ndarray) -> tuple[float, float]:
    """The median and the share of values with its sign (exact zeros when it is 0)."""
    median = float(np.median(values))
    return median, float(np.mean(np.sign(values) == np.sign(median)))


def summary(deltas: pd.DataFrame) -> pd.DataFrame:
    """robustness.csv: scenario, outcome, median, q05, q95, share_sign, points."""
    rows = []
    for scenario, part in deltas.groupby("scenario", sort=False):
        for outcome in OUTCOMES:
            values = part[outcome].to_numpy(float)
            median, share = share_sign(values)
            q05, q95 = np.quantile(values, [0.05, 0.95])
            rows.append(
                {
                    "scenario": scenario,
                    "outcome": outcome,
                    "median": median,
                    "q05": float(q05),
                    "q95": float(q95),
                    "share_sign": share,
                    "points": len(values),
                }
            )
    return pd.DataFrame(rows)


def drivers(deltas: pd.DataFrame, points_table: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """drivers.csv: per scenario and outcome, the assumptions that most move its effect (extra
    trees' impurity scores over the sampled points; an effect the same everywhere has none)."""
    from ema_workbench.analysis.feature_scoring import RuleInductionType, get_ex_feature_scores

    rows = []
    x = points_table.reset_index(names="sample")
    for scenario, part in deltas.groupby("scenario", sort=False):
        joined = part.merge(x, on="sample")
        for outcome in OUTCOMES:
            y = joined[outcome].to_numpy(float)
            if np.ptp(y) == 0:
                continue
            scores, _ = get_ex_feature_scores(
                joined[list(points_table.columns)],
                y,
                mode=RuleInductionType.REGRESSION,
                nr_trees=100,
                random_state=0,
            )
            for rank, (name, score) in enumerate(scores.iloc[:top, 0].items(), start=1):
                rows.append(
                    {
                        "scenario": scenario,
                        "outcome": outcome,
                        "rank": rank,
                        "assumption": name,
                        "score": float(score),
                    }
                )
    return pd.DataFrame(rows)


def robustness(
    scenarios: list[str],
    samples: int,
    seeds: list[int],
    months: int,
    out: Path,
    workers: int,
    seed_text: str = "1",
    dask: str | None = None,
    slurm: dict[str, Any] | None = None,
    design_seed: int = 0,
    on_done=None,
) -> list[Path]:
    """Run (or resume) the design and write robustness.csv, drivers.csv and design.csv."""
    points_table, points = plan(scenarios, samples, seeds, months, design_seed)
    spec = sweeps.SweepSpec(samples=samples, seeds=seed_text, months=months)
    sweeps.write_plan(spec, points, out)
    sweeps.execute(points, out, workers, dask, slurm, on_done)
    table = outcomes(points, out)
    missing = len(points) - len(table)
    if missing:
        raise RuntimeError(f"{missing} runs failed (see {out}/runs/*.error.json); rerun to retry")
    deltas = effects(table)
    files = {
        "design.csv": points_table.reset_index(names="sample"),
        "robustness.csv": summary(deltas),
        "drivers.csv": drivers(deltas, points_table),
        "effects.csv": deltas,
    }
    for name, frame in files.items():
        write_atomic(out / name, lambda p, f=frame: f.to_csv(p, index=False))
    return [out / name for name in files]
