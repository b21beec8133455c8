"""`mxstab robustness`: which conclusions survive what we do not know (exploratory modelling).

A Latin hypercube over every assumed number's plausible range (`mxstab params`: kind
`assumed`) is crossed with seeds, each point with seeds of its own, so each also draws its own
calibrated values from their posterior or ensemble (the adaptive US agent's weights, the
violence mechanisms through `violence.posterior`). Every scenario runs on each (sample, seed)
beside the baseline, so an effect is a paired difference. Runs go through the sweep's
executors (process pool, Dask, SLURM; one Parquet file a run, resumable). The summary gives,
per scenario and outcome, the effect's median and 90% range over the sampled space and
`share_sign`, the share of sampled points whose effect has the median's sign; `drivers.csv`
scores which assumptions or drawn values drive each effect (extra-trees feature scoring,
`ema_workbench`); with the adaptive scenario, `prim_boxes.csv` gives PRIM's boxes of them
under which the adaptive US escalates.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from mxstab.experiments import sweep as sweeps
from mxstab.experiments.pool import Slurm
from mxstab.experiments.sensitivity import last_year
from mxstab.model.config import Config, field_table
from mxstab.model.io import write_atomic
from mxstab.model.world.calendar import DEFAULT_START, months_between

BASELINE = "baseline"
ADAPTIVE = "adaptive"
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


def run_count(scenarios: list[str], samples: int, seeds: int) -> int:
    """How many runs a study plans: each scenario and the baseline on every (sample, seed)."""
    return samples * seeds * len({BASELINE, *scenarios})


def point_seeds(sample: int, seeds: list[int]) -> list[int]:
    """The seeds of one sample: the requested ones shifted past every earlier sample's, so no
    two points share a random stream or a posterior draw."""
    return [seed + sample * (max(seeds) - min(seeds) + 1) for seed in seeds]


def plan(
    scenarios: list[str],
    samples: int,
    seeds: list[int],
    months: int,
    design_seed: int,
    max_runs: int = sweeps.MAX_RUNS,
) -> tuple[pd.DataFrame, list[sweeps.RunPoint]]:
    """The features (one row per sample and seed: the assumed values and the calibrated values
    that seed draws, `posterior_draws`) and every run: each scenario and the baseline on each."""
    from mxstab.model.model import posterior_draws
    from mxstab.model.scenarios import load_scenario

    names = [BASELINE, *(s for s in dict.fromkeys(scenarios) if s != BASELINE)]
    sweeps.check_size(run_count(names, samples, len(seeds)), max_runs)
    chosen = {name: load_scenario(name) for name in names}
    drawing = ADAPTIVE if ADAPTIVE in names else BASELINE
    runs, rows = [], []
    for sample, values in enumerate(design(samples, design_seed).to_dict("records")):
        overrides = {**values, "violence.posterior": True}
        configs = {name: chosen[name].config(overrides) for name in names}  # refused now
        for seed in point_seeds(sample, seeds):
            drawn = posterior_draws(configs[drawing], seed)
            rows.append({"sample": sample, "seed": seed, **values, **drawn})
            for name, scenario in chosen.items():
                rid = sweeps.run_id(scenario, overrides, seed, months, 0.25)
                params = {"sample": sample, "scenario": name}
                runs.append(sweeps.RunPoint(rid, scenario, params, seed, months, 0.25, overrides))
    return pd.DataFrame(rows), runs


def outcomes(points: list[sweeps.RunPoint], out: Path) -> pd.DataFrame:
    """One row per finished run: sample, scenario, seed and its outcomes."""
    rows = []
    for point in points:
        path = out / "runs" / f"{point.run_id}.parquet"
        if sweeps.finished(path):
            national = pd.read_parquet(path)
            row = {"sample": point.params["sample"], "scenario": point.scenario.name}
            row["seed"] = point.seed
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


KEYS = ["sample", "seed"]


def feature_names(features: pd.DataFrame) -> list[str]:
    """The explaining columns of the features: every assumed and drawn value."""
    return [name for name in features.columns if name not in KEYS]


def drivers(deltas: pd.DataFrame, features: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """drivers.csv: per scenario and outcome, the assumptions (or drawn calibrated values) that
    most move its effect (extra trees' impurity scores over the sampled points; an effect the
    same everywhere has none)."""
    from ema_workbench.analysis.feature_scoring import RuleInductionType, get_ex_feature_scores

    rows = []
    for scenario, part in deltas.groupby("scenario", sort=False):
        joined = part.merge(features, on=KEYS)
        for outcome in OUTCOMES:
            y = joined[outcome].to_numpy(float)
            if np.ptp(y) == 0:
                continue
            scores, _ = get_ex_feature_scores(
                joined[feature_names(features)],
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


PRIM_LEVELS = (1, 2)


SIGNIFICANT = 0.05
"""A restriction stays in a PRIM box only when its quasi-p value (Bryant & Lempert 2010: a
one-sided binomial test of the box's density with and without it) is below this."""


def quasi_p(box, index: int, name: str) -> float:
    """The quasi-p value of box `index`'s restriction on `name` (its lower or upper bound, the
    one that is restricted; -1 marks the other)."""
    return min(p for p in box.p_values[index][name] if p >= 0)


def prim_boxes(table: pd.DataFrame, features: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """prim_boxes.csv: for escalation ≥ 1 and ≥ 2 in the adaptive scenario's runs (one case per
    sample and seed), PRIM's box (`ema_workbench`): on the peeling trajectory, the box with the
    highest density (then coverage) among those with coverage and density ≥ 0.5, less every
    restriction whose quasi-p value is not below `SIGNIFICANT` (weakest first: with many
    assumptions and few cases PRIM also restricts noise), said when the rest no longer has
    coverage and density ≥ 0.5; or a row saying why there is no box. Each kept restriction with
    its bounds and quasi-p value, the box's coverage, density and mass, and the horizon."""
    from ema_workbench.analysis import prim

    runs = table[table["scenario"] == ADAPTIVE].merge(features, on=KEYS)
    x = runs[feature_names(features)].reset_index(drop=True)
    rows = []
    for level in PRIM_LEVELS:
        y = (runs["escalation_level"] >= level).to_numpy()
        base = {"escalation_at_least": level, "horizon_months": horizon, "cases": int(y.sum())}
        if y.sum() == 0 or y.all():
            rows.append(base | {"box": "none: every case or none reaches the level"})
            continue
        box = prim.Prim(x, y).find_box()
        trajectory = box.peeling_trajectory
        good = trajectory[(trajectory["coverage"] >= 0.5) & (trajectory["density"] >= 0.5)]
        if good.empty:
            rows.append(base | {"box": "none with coverage ≥ 0.5 and density ≥ 0.5"})
            continue
        chosen = good.sort_values(["density", "coverage"], ascending=False).iloc[0]
        index = int(chosen["id"])
        if index == 0:
            rows.append(base | {"box": "the whole space: half or more of its cases reach it"})
            continue
        while weak := [n for n in box.p_values[index] if quasi_p(box, index, n) >= SIGNIFICANT]:
            box.drop_restriction(max(weak, key=lambda n: quasi_p(box, index, n)), index)
            index = len(box.peeling_trajectory) - 1  # the dropped box joins the trajectory
        stats = box.peeling_trajectory.iloc[index]
        limits, p_values = box.box_lims[index], box.p_values[index]
        if not p_values:
            rows.append(base | {"box": "none: no restriction of the box is significant"})
            continue
        holds = stats["coverage"] >= 0.5 and stats["density"] >= 0.5
        label = f"box {int(chosen['id'])}, significant restrictions only" + (
            "" if holds else ": coverage or density below 0.5 once the others are dropped"
        )
        for name in p_values:
            rows.append(
                base
                | {
                    "box": label,
                    "meets_thresholds": bool(holds),
                    "coverage": float(stats["coverage"]),
                    "density": float(stats["density"]),
                    "mass": float(stats["mass"]),
                    "assumption": name,
                    "low": float(limits[name].iloc[0]),
                    "high": float(limits[name].iloc[1]),
                    "quasi_p": quasi_p(box, index, name),
                }
            )
    return pd.DataFrame(rows)


def effects_figure(deltas: pd.DataFrame) -> Figure:
    """Each outcome's paired effect per scenario across the sampled space (box: quartiles,
    whiskers: 5%–95%)."""
    figure = Figure(figsize=(12, 7))
    names = list(dict.fromkeys(deltas["scenario"]))
    for index, outcome in enumerate(OUTCOMES, start=1):
        ax = figure.add_subplot(2, 4, index)
        values = [deltas.loc[deltas["scenario"] == name, outcome].to_numpy() for name in names]
        ax.boxplot(values, vert=False, whis=(5, 95), showfliers=False)
        ax.set_yticks(range(1, len(names) + 1), names if index in (1, 5) else [""] * len(names))
        ax.axvline(0, color="black", linewidth=0.6)
        ax.set_title(f"Δ {outcome}", fontsize=9)
        ax.tick_params(labelsize=8)
    figure.tight_layout()
    return figure


def escalation_figure(table: pd.DataFrame, features: pd.DataFrame, driving: pd.DataFrame) -> Figure:
    """P(escalation ≥ 1) of the adaptive US over its two most influential assumptions (quartile
    bins of each); when no driver can be ranked (every run escalated or none did), a figure
    saying so."""
    ranked = driving[(driving["scenario"] == ADAPTIVE) & (driving["outcome"] == "escalation_level")]
    runs = table[table["scenario"] == ADAPTIVE].merge(features, on=KEYS)
    if len(ranked) < 2:
        share = float((runs["escalation_level"] >= 1).mean())
        figure = Figure(figsize=(6, 2))
        figure.text(
            0.5,
            0.5,
            f"P(escalation ≥ 1) = {share:.2f} in all {len(runs)} adaptive runs:\n"
            "no assumption moves it, so there are no drivers to draw it against",
            ha="center",
            va="center",
        )
        return figure
    first, second = ranked.sort_values("rank")["assumption"].iloc[:2]
    bins = {name: pd.qcut(runs[name], 4, duplicates="drop") for name in (first, second)}
    share = (runs["escalation_level"] >= 1).groupby([bins[first], bins[second]], observed=False)
    grid = share.mean().unstack()
    figure = Figure(figsize=(6, 4.5))
    ax = figure.add_subplot()
    image = ax.imshow(grid.to_numpy(float), origin="lower", cmap="viridis", vmin=0, vmax=1)
    ax.set_yticks(range(len(grid.index)), [str(i) for i in grid.index], fontsize=7)
    ax.set_xticks(range(len(grid.columns)), [str(c) for c in grid.columns], fontsize=7)
    ax.set_ylabel(first, fontsize=8)
    ax.set_xlabel(second, fontsize=8)
    ax.set_title("P(escalation ≥ 1), adaptive US, by quartile of its two drivers", fontsize=9)
    figure.colorbar(image, ax=ax)
    figure.tight_layout()
    return figure


def robustness(
    scenarios: list[str],
    samples: int,
    seeds: list[int],
    months: int,
    out: Path,
    workers: int,
    seed_text: str = "1",
    dask: str | None = None,
    slurm: Slurm | None = None,
    design_seed: int = 0,
    max_runs: int = sweeps.MAX_RUNS,
    on_done=None,
) -> list[Path]:
    """Run (or resume) the design; write its tables (design, robustness, drivers, effects and,
    with the adaptive scenario, PRIM's boxes) and figures; return their paths."""
    features, points = plan(scenarios, samples, seeds, months, design_seed, max_runs)
    spec = sweeps.SweepSpec(samples=samples, seeds=seed_text, months=months, max_runs=max_runs)
    sweeps.execute(spec, points, out, workers, dask, slurm, on_done)
    table = outcomes(points, out)
    missing = len(points) - len(table)
    if missing:
        raise RuntimeError(f"{missing} runs failed (see {out}/runs/*.error.json); rerun to retry")
    deltas = effects(table)
    policy_month = months_between(DEFAULT_START, Config().policy.start)
    files = {
        "design.csv": features,
        "robustness.csv": summary(deltas),
        "drivers.csv": drivers(deltas, features),
        "effects.csv": deltas,
    }
    if ADAPTIVE in scenarios:
        horizon = min(60, months - policy_month)
        files["prim_boxes.csv"] = prim_boxes(table, features, horizon)
    for name, frame in files.items():
        write_atomic(out / name, lambda p, f=frame: f.to_csv(p, index=False))
    figures = {"effects.png": effects_figure(deltas)}
    if ADAPTIVE in scenarios:
        figures["escalation.png"] = escalation_figure(table, features, files["drivers.csv"])
    for name, figure in figures.items():
        write_atomic(out / name, lambda p, f=figure: f.savefig(p, format="png", dpi=110))
    return [out / name for name in [*files, *figures]]
