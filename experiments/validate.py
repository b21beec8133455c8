"""`mxstab validate`: the model against the record it never saw.

Homicides: forecasts issued from January 2024 (runs that start then, with initial conditions from
the record to December 2023) are scored state by month over the test window (January 2024 – June
2025) against four reference forecasters fitted on the training window (`forecasters`); a hindcast
from 2019 is drawn over the record for the picture. The US: the adaptive agent, let loose from
January 2025 with only outside inputs replayed, against the dials the US set (the record's replay)
to March 2026, and against a no-change forecaster whose transition frequencies come from the
training window. Writes `validation.json` and a self-contained `validation.html`.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy.stats import spearmanr

from mxstab.experiments import forecasters
from mxstab.experiments.batch import RunSpec, run_many
from mxstab.experiments.run import git_revision, run_model
from mxstab.model.config import Config
from mxstab.model.io import write_atomic
from mxstab.model.world.calendar import month_label, month_number, months_between
from mxstab.model.world.population import population_of_year
from mxstab.model.world.states import STATES, state_table
from mxstab.model.world.victims import TEST_END, TEST_START, TRAIN_END, victims_record

PARTS = ("homicides", "us", "all")
BAND = (0.05, 0.95)
HINDCAST_START = "2019-01"
SINALOA = 25
US_START = "2025-01"
US_END = "2026-03"
US_DIALS = {
    "tariff_rate": (0.0, 0.25, 0.5),
    "maritime_posture": (0, 1, 2),
    "escalation_level": (0, 1, 2, 3),
}
BOOTSTRAP_SEED = 20240101
NAMED_CHECKS = (
    "national_2024",
    "h1_2025_ratio",
    "sinaloa_jump",
    "spearman_2024",
    "lag1_autocorrelation",
    "coefficient_of_variation",
)


# --- runs ---------------------------------------------------------------------------------------


def ensemble(runs: list[RunSpec], workers: int) -> list[np.ndarray]:
    """(months, 32) homicides per state of each run."""
    return [summary.state_homicides for summary in run_many(runs, workers)]


# --- homicides ----------------------------------------------------------------------------------


def quantiles(values: np.ndarray) -> dict[str, float]:
    """Median and 90% band of a figure over seeds."""
    low, mid, high = np.quantile(values, [BAND[0], 0.5, BAND[1]])
    return {"": float(mid), "_q05": float(low), "_q95": float(high)}


def named_checks(months: list[str], states: np.ndarray) -> dict[str, np.ndarray]:
    """The named checks of a (runs, months, 32) array over the test window (one value per run;
    the record is one run)."""
    national = states.sum(axis=2)
    month = {label: i for i, label in enumerate(months)}
    year_2024 = [month[f"2024-{m:02d}"] for m in range(1, 13)]
    h1 = [month[f"{y}-{m:02d}"] for y in (2024, 2025) for m in range(1, 7)]
    before = [month[f"2024-{m:02d}"] for m in range(1, 9)]
    after = [month[f"2024-{m:02d}"] for m in range(9, 13)]
    sinaloa = states[:, :, SINALOA - 1]
    rates = states[:, year_2024].sum(axis=1) / population_of_year(2024)[1:]
    rank = np.array([spearmanr(r, record_rates_2024()).statistic for r in rates])
    centred = national - national.mean(axis=1, keepdims=True)
    lag1 = (centred[:, 1:] * centred[:, :-1]).sum(axis=1) / (centred**2).sum(axis=1)
    checks = {
        "national_2024": national[:, year_2024].sum(axis=1),
        "h1_2025_ratio": national[:, h1[6:]].sum(axis=1) / national[:, h1[:6]].sum(axis=1),
        "sinaloa_jump": sinaloa[:, after].mean(axis=1) / sinaloa[:, before].mean(axis=1),
        "spearman_2024": rank,
        "lag1_autocorrelation": lag1,
        "coefficient_of_variation": national.std(axis=1) / national.mean(axis=1),
    }
    return {name: checks[name] for name in NAMED_CHECKS}


def record_rates_2024() -> np.ndarray:
    record = victims_record().matrix("2024-01", "2024-12").to_numpy()
    return record.sum(axis=0) / population_of_year(2024)[1:]


def homicide_skill(seeds: list[int], hindcast_start: str, workers: int) -> dict[str, Any]:
    """Skill of the forecasts from January 2024 over the test window, the named checks, and the
    series behind the figures."""
    record = victims_record()
    horizon = months_between(TEST_START, TEST_END) + 1
    months = [month_label(month_number(TEST_START) + h) for h in range(horizon)]
    hindcast_months = months_between(hindcast_start, TEST_END) + 1
    runs = [RunSpec(Config(), s, horizon, TEST_START) for s in seeds]
    runs += [RunSpec(Config(), s, hindcast_months, hindcast_start) for s in seeds]
    simulated = ensemble(runs, workers)
    forecast = np.array(simulated[: len(seeds)])  # (seeds, months, states)
    hindcast = np.array(simulated[len(seeds) :])
    observed = record.matrix(TEST_START, TEST_END).to_numpy(float)
    members = np.moveaxis(forecast, 0, -1)  # (months, states, seeds)
    scores = {"model": forecasters.crps(observed, members)}
    points = {"model": np.median(members, axis=-1)}
    for name in forecasters.REFERENCES:
        point, spread = forecasters.reference_forecast(record, name, TRAIN_END, horizon)
        scores[name], points[name] = forecasters.crps(observed, spread), point
    crps = {name: float(score.mean()) for name, score in scores.items()}
    best = min(forecasters.REFERENCES, key=lambda name: crps[name])
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    ratios = forecasters.bootstrap_ratio(scores["model"], scores[best], rng)
    result: dict[str, Any] = {
        "train_end": TRAIN_END,
        "test_start": TEST_START,
        "test_end": TEST_END,
        "seeds": len(seeds),
        "crps_model": crps["model"],
        **{f"crps_{name}": crps[name] for name in forecasters.REFERENCES},
        "best_reference": best,
        "crps_ratio_best": crps["model"] / crps[best],
        "crps_ratio_best_q05": float(np.quantile(ratios, BAND[0])),
        "crps_ratio_best_q95": float(np.quantile(ratios, BAND[1])),
        "mae_model": forecasters.mae(observed, points["model"]),
        **{
            f"mae_{name}": forecasters.mae(observed, points[name])
            for name in forecasters.REFERENCES
        },
        "coverage_50": forecasters.coverage(observed, members, 0.5),
        "coverage_90": forecasters.coverage(observed, members, 0.9),
    }
    modelled = named_checks(months, forecast)
    recorded = named_checks(months, observed[None])
    for name, values in modelled.items():
        for suffix, value in quantiles(values).items():
            result[f"{name}_model{suffix}"] = value
        result[f"{name}_record"] = float(recorded[name][0])
    # The record ranks itself perfectly: beside the model stands what repeating 2023 scores.
    del result["spearman_2024_record"]
    rates_2023 = (
        record.matrix("2023-01", "2023-12").to_numpy().sum(axis=0) / population_of_year(2023)[1:]
    )
    result["spearman_2024_persistence"] = float(
        spearmanr(rates_2023, record_rates_2024()).statistic
    )
    series = {
        "months": months,
        "forecast": forecast,
        "hindcast_start": hindcast_start,
        "hindcast": hindcast,
        "observed": observed,
        "record_hindcast": record.matrix(hindcast_start, TEST_END).to_numpy(float),
    }
    return {"json": result, "series": series}


# --- the US agent -------------------------------------------------------------------------------


def recorded_dials() -> pd.DataFrame:
    """The US dials the record sets, month by month from the month before US_START to US_END: the
    replay of a baseline run (deterministic: the dials follow the dated events)."""
    months = months_between(TEST_START, US_END) + 1
    national = run_model(Config(), 0, months).national.set_index("date")
    before = month_label(month_number(US_START) - 1)
    return national.loc[before:US_END, list(US_DIALS)]


def no_change_probabilities(dial: str, start: float, months: int) -> np.ndarray:
    """(months, options) P(dial level) of a Markov chain that keeps its level with the frequency
    the training window shows (no change in 2019–2023: the May 2019 tariff threat was never
    imposed, interdiction throughout, no force on Mexican soil), Laplace-smoothed, moving to a
    neighbouring level otherwise, run from the level of January 2025."""
    options = US_DIALS[dial]
    transitions = months_between("2019-01", TRAIN_END)
    stay = (transitions + 1) / (transitions + 2)
    chain = np.zeros((len(options), len(options)))
    for k in range(len(options)):
        neighbours = [j for j in (k - 1, k + 1) if 0 <= j < len(options)]
        chain[k, k] = stay
        chain[k, neighbours] = (1 - stay) / len(neighbours)
    p = np.zeros(len(options))
    p[options.index(start)] = 1.0
    rows = []
    for _ in range(months):
        p = p @ chain
        rows.append(p)
    return np.array(rows)


def us_skill(seeds: list[int], workers: int) -> dict[str, Any]:
    """The adaptive US agent from January 2025 against the record's dials."""
    recorded = recorded_dials()
    months = months_between(TEST_START, US_END) + 1
    config = Config().with_overrides({"policy.start": US_START, "us.adaptive": True})
    runs = [RunSpec(config, s, months, TEST_START) for s in seeds]
    tables = [
        summary.national.set_index("date").loc[US_START:US_END]
        for summary in run_many(runs, workers)
    ]
    result: dict[str, Any] = {"us_start": US_START, "us_end": US_END, "us_seeds": len(seeds)}
    scores, baseline = [], []
    for dial, options in US_DIALS.items():
        chosen = np.array([table[dial].to_numpy() for table in tables])  # (seeds, months)
        truth = recorded[dial].iloc[1:].to_numpy()
        steps = np.arange(len(truth))
        counts = np.array([[(chosen[:, t] == o).sum() for o in options] for t in steps])
        p_agent = (counts + 0.5) / (len(seeds) + 0.5 * len(options))
        index = np.array([options.index(v) for v in truth])
        p_none = no_change_probabilities(dial, recorded[dial].iloc[0], len(truth))
        scores.append(np.log(p_agent[steps, index]))
        baseline.append(np.log(p_none[steps, index]))
        result[f"us_match_{dial}"] = float((chosen == truth[None, :]).mean())
    result["us_match_maritime"] = result.pop("us_match_maritime_posture")
    result["us_match_tariff"] = result.pop("us_match_tariff_rate")
    result["us_match_escalation"] = result.pop("us_match_escalation_level")
    result["us_log_score"] = float(np.mean(scores))
    result["us_log_score_no_change"] = float(np.mean(baseline))
    first = []
    for table in tables:
        striking = table.index[table["maritime_posture"] == 2]
        first.append(month_number(striking[0]) if len(striking) else math.inf)
    median = np.median(first)
    result["us_first_strike_date"] = month_label(int(median)) if np.isfinite(median) else "none"
    result["us_first_strike_record"] = recorded.index[recorded["maritime_posture"] == 2][0]
    return result


# --- the report ---------------------------------------------------------------------------------


def png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def draw_band(ax, x, runs: np.ndarray, colour: str, label: str) -> None:
    """Median and 50% and 90% bands over runs (rows) of a series."""
    q = np.quantile(runs, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
    ax.fill_between(x, q[0], q[4], color=colour, alpha=0.15, linewidth=0)
    ax.fill_between(x, q[1], q[3], color=colour, alpha=0.3, linewidth=0)
    ax.plot(x, q[2], color=colour, linewidth=1.2, label=label)


def national_figure(series: dict[str, Any]) -> Figure:
    """The national monthly series: the hindcast and the forecast from January 2024 over the
    record."""
    first = month_number(series["hindcast_start"])
    hindcast = series["hindcast"].sum(axis=2)
    x = np.arange(hindcast.shape[1])
    test = month_number(TEST_START) - first
    figure = Figure(figsize=(10, 4))
    ax = figure.add_subplot()
    draw_band(ax, x, hindcast, "#0072B2", f"hindcast from {series['hindcast_start']}")
    draw_band(
        ax, x[test:], series["forecast"].sum(axis=2), "#D55E00", f"forecast from {TEST_START}"
    )
    ax.plot(x, series["record_hindcast"].sum(axis=1), color="black", linewidth=1.2, label="record")
    ax.axvline(test - 0.5, color="black", linestyle="--", linewidth=0.8)
    ticks = list(range(0, x.size, 12))
    ax.set_xticks(ticks, [month_label(first + t) for t in ticks], fontsize=9)
    ax.set_ylabel("victims of intentional homicide a month (SESNSP)")
    ax.set_title("National: median, 50% and 90% bands over seeds; dashed: the test window begins")
    ax.legend(fontsize=8, loc="lower left")
    figure.tight_layout()
    return figure


def state_figure(series: dict[str, Any]) -> Figure:
    """32 small multiples: each state's forecast over the test window and its record."""
    names = state_table()["name"]
    figure = Figure(figsize=(14, 16))
    axes = figure.subplots(8, 4).ravel()
    first = month_number(series["hindcast_start"])
    test = month_number(TEST_START) - first
    hindcast_x = np.arange(series["hindcast"].shape[1])
    for code, ax in zip(range(1, STATES + 1), axes, strict=True):
        draw_band(
            ax,
            hindcast_x[test - 24 :],
            series["hindcast"][:, test - 24 :, code - 1],
            "#0072B2",
            "hindcast",
        )
        draw_band(ax, hindcast_x[test:], series["forecast"][:, :, code - 1], "#D55E00", "forecast")
        ax.plot(
            hindcast_x[test - 24 :],
            series["record_hindcast"][test - 24 :, code - 1],
            color="black",
            linewidth=1,
        )
        ax.set_title(names[code], fontsize=9)
        ax.tick_params(labelsize=7)
        ticks = [test - 24, test, test + 12]
        ax.set_xticks(ticks, [month_label(first + t) for t in ticks])
    figure.tight_layout()
    return figure


SKILL_ROWS = (
    ("CRPS, victims per state-month", "crps"),
    ("MAE (median), victims per state-month", "mae"),
)


def skill_table(result: dict[str, Any]) -> pd.DataFrame:
    """Scores of the model and of the reference forecasters over the test window."""
    names = ["model", *forecasters.REFERENCES]
    rows = {label: [result[f"{key}_{name}"] for name in names] for label, key in SKILL_ROWS}
    return pd.DataFrame(rows, index=names).T


def checks_table(result: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for name in NAMED_CHECKS:
        low, high = result[f"{name}_model_q05"], result[f"{name}_model_q95"]
        rows.append(
            {
                "check": name,
                "model (median)": result[f"{name}_model"],
                "model 90% band": f"{low:.3g} – {high:.3g}",
                "record": result.get(f"{name}_record", result.get(f"{name}_persistence")),
            }
        )
    return pd.DataFrame(rows)


def write_html(
    result: dict[str, Any], series: dict[str, Any] | None, command: str, path: Path
) -> Path:
    sections = [f"<h1>mxstab validation</h1><p>{html.escape(command)} · git {git_revision()}</p>"]
    if series is not None:
        verdict = "loses to" if result["crps_ratio_best"] > 1 else "beats"
        sections += [
            "<h2>Homicides: forecasts from January 2024 over the test window</h2>",
            f"<p>Training window to {TRAIN_END}; test window {TEST_START} – {TEST_END}. The model "
            f"<b>{verdict}</b> the best reference forecaster ({result['best_reference']}): CRPS "
            f"ratio {result['crps_ratio_best']:.3f} (90% bootstrap over states "
            f"{result['crps_ratio_best_q05']:.3f} – {result['crps_ratio_best_q95']:.3f}). "
            f"{result['coverage_50']:.0%} of state-months inside the 50% band, "
            f"{result['coverage_90']:.0%} inside the 90% band.</p>",
            skill_table(result).to_html(float_format=lambda v: f"{v:.2f}"),
            "<h2>Named checks (test window)</h2>",
            checks_table(result).to_html(index=False, float_format=lambda v: f"{v:.3g}"),
            "<p>spearman_2024: the record column is what repeating 2023's state rates scores.</p>",
            f'<img alt="national" src="data:image/png;base64,{png(national_figure(series))}">',
            f'<img alt="states" src="data:image/png;base64,{png(state_figure(series))}">',
        ]
    if "us_log_score" in result:
        rows = {k: v for k, v in result.items() if k.startswith("us_")}
        sections += [
            "<h2>The adaptive US agent from January 2025 against the record</h2>",
            pd.Series(rows).to_frame("value").to_html(),
        ]
    page = (
        "<!doctype html><html><head><meta charset='utf-8'><title>mxstab validation</title>"
        "<style>body{font-family:sans-serif;margin:2em;max-width:1300px} table{border-collapse:"
        "collapse;font-size:13px;margin:1em 0} td,th{border:1px solid #ccc;padding:3px 6px}"
        " img{max-width:100%}</style></head><body>" + "".join(sections) + "</body></html>"
    )
    return write_atomic(path, lambda p: p.write_text(page, encoding="utf-8"))


def validate(
    seeds: list[int], part: str, hindcast_start: str, workers: int, out: Path, command: str
) -> list[Path]:
    """Run the chosen parts and write validation.json and validation.html in `out`."""
    result: dict[str, Any] = {"command": command}
    series = None
    if part in ("homicides", "all"):
        skill = homicide_skill(seeds, hindcast_start, workers)
        result.update(skill["json"])
        series = skill["series"]
    if part in ("us", "all"):
        result.update(us_skill(seeds, workers))
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, indent=1)
    files = [write_atomic(out / "validation.json", lambda p: p.write_text(text))]
    files.append(write_html(result, series, command, out / "validation.html"))
    return files
