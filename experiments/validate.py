"""`mxstab validate`: the model against the record it never saw.

Homicides: forecasts issued from January 2024 (runs that start then, with initial conditions from
the record to December 2023) are scored state by month over the test window (January 2024 – June
2025) against four reference forecasters fitted on the training window (`forecasters`); a hindcast
from 2019 is drawn over the record for the picture. The US: the adaptive agent, let loose from
January 2025 with only outside inputs replayed, against the dials the US set (the record's replay)
to March 2026, and against a no-change forecaster whose transition frequencies come from the
training window. The sea: the cocaine budget's checks and the boat strikes (`sea_record`). Writes
`validation.json` and a self-contained `validation.html`.
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy.stats import spearmanr

from mxstab.experiments import forecasters
from mxstab.experiments.backtest import backtest
from mxstab.experiments.batch import RunSpec, run_many
from mxstab.experiments.governments import governments_skill
from mxstab.experiments.run import git_revision
from mxstab.experiments.sea_record import sea_skill, sea_table
from mxstab.experiments.validation import retrodiction_figure
from mxstab.model.config import Config
from mxstab.model.io import write_atomic
from mxstab.model.world.calendar import month_label, month_number, months_between
from mxstab.model.world.population import population_of_year
from mxstab.model.world.record import events
from mxstab.model.world.states import STATES, state_table
from mxstab.model.world.victims import TEST_END, TEST_START, TRAIN_END, victims_record

PARTS = ("homicides", "sea", "us", "backtest", "all")
BAND = (0.05, 0.95)
HINDCAST_START = "2019-01"
SINALOA = 25
BOOTSTRAP_SEED = 20240101
# Event studies on the hindcast: (the event's row in the record, the INEGI code of its state).
EVENT_STUDIES = {
    "culiacan_2019": ("Culiacán operation", 25),
    "el_marro_2020": ("José Antonio Yépez 'El Marro'", 11),
    "ovidio_2023": ("Ovidio Guzmán captured in Culiacán", 25),
}
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


def homicide_skill(
    seeds: list[int], hindcast_start: str, workers: int, config: Config, unrecorded: float = 0.0
) -> dict[str, Any]:
    """Skill of the forecasts from January 2024 over the test window, the named checks, and the
    series behind the figures. `unrecorded`: the contested-measurement factor, the share of the
    model's homicides from January 2024 the record would not count as intentional homicide
    (reclassified, disappeared); the record is compared with the rest. 0 (off) by default: no
    cited estimate ships, and it is never fitted to the test window."""
    record = victims_record()
    horizon = months_between(TEST_START, TEST_END) + 1
    months = [month_label(month_number(TEST_START) + h) for h in range(horizon)]
    hindcast_months = months_between(hindcast_start, TEST_END) + 1
    runs = [RunSpec(config, s, horizon, TEST_START) for s in seeds]
    runs += [RunSpec(config, s, hindcast_months, hindcast_start) for s in seeds]
    simulated = ensemble(runs, workers)
    forecast = np.array(simulated[: len(seeds)]) * (1 - unrecorded)  # (seeds, months, states)
    hindcast = np.array(simulated[len(seeds) :])
    hindcast[:, months_between(hindcast_start, TEST_START) :] *= 1 - unrecorded
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
        "unrecorded_share": unrecorded,
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
    result.update(event_studies(hindcast, record.matrix(hindcast_start, TEST_END), hindcast_start))
    series = {
        "months": months,
        "forecast": forecast,
        "hindcast_start": hindcast_start,
        "hindcast": hindcast,
        "observed": observed,
        "record_hindcast": record.matrix(hindcast_start, TEST_END).to_numpy(float),
    }
    return {"json": result, "series": series}


def event_studies(
    hindcast: np.ndarray, recorded: pd.DataFrame, hindcast_start: str
) -> dict[str, float]:
    """In-sample: the local change of homicides after three recorded enforcement events —
    victims in the event's state over the 6 months after its month against the 6 before —
    in the hindcast (median and 90% band over seeds) and in the record."""
    figures = {}
    table = events()
    first = month_number(hindcast_start)
    for key, (prefix, state) in EVENT_STUDIES.items():
        when = month_number(table[table["event"].str.startswith(prefix)]["date"].iloc[0])
        before = slice(when - 6 - first, when - first)
        after = slice(when + 1 - first, when + 7 - first)
        if before.start < 0 or after.stop > len(recorded):
            continue
        model = hindcast[:, after, state - 1].mean(axis=1) / hindcast[:, before, state - 1].mean(
            axis=1
        )
        column = recorded.to_numpy(float)[:, state - 1]
        for suffix, value in quantiles(model).items():
            figures[f"event_{key}_model{suffix}"] = value
        figures[f"event_{key}_record"] = float(column[after].mean() / column[before].mean())
    return figures


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


def checks_table(result: dict[str, Any], names: list[str]) -> pd.DataFrame:
    """Per check: the model's median and 90% band over seeds beside the record."""
    rows = []
    for name in names:
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
    result: dict[str, Any],
    series: dict[str, Any] | None,
    retrodiction: pd.DataFrame | None,
    command: str,
    path: Path,
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
            checks_table(result, list(NAMED_CHECKS)).to_html(
                index=False, float_format=lambda v: f"{v:.3g}"
            ),
            "<p>spearman_2024: the record column is what repeating 2023's state rates scores.</p>",
            "<h2>Event studies on the hindcast (in-sample)</h2>",
            "<p>Victims in the event's state over the 6 months after the event's month against the"
            " 6 before: the Culiacán operation (2019-10, Sinaloa), El Marro's arrest (2020-08,"
            " Guanajuato), Ovidio Guzmán's capture (2023-01, Sinaloa).</p>",
            checks_table(
                result, [f"event_{key}" for key in EVENT_STUDIES if f"event_{key}_record" in result]
            ).to_html(index=False, float_format=lambda v: f"{v:.3g}"),
            f'<img alt="national" src="data:image/png;base64,{png(national_figure(series))}">',
            f'<img alt="states" src="data:image/png;base64,{png(state_figure(series))}">',
        ]
    if "backtest_seeds" in result:
        rows = {k: v for k, v in result.items() if k.startswith("backtest_")}
        sections += [
            "<h2>Backtests inside the training window (design work; no test-window month)</h2>",
            pd.Series(rows).to_frame("value").to_html(),
        ]
    if "sea_seeds" in result:
        sections += [
            "<h2>The cocaine budget and the boat strikes against the record</h2>",
            "<p>Runs of the recorded past from January 2024; the model's area is the transit zone "
            "of both basins, where the record's seizures and strikes took place "
            "(docs/cocaine_budget.md).</p>",
            sea_table(result).to_html(index=False, float_format=lambda v: f"{v:.4g}"),
        ]
    if retrodiction is not None:
        rows = {k: v for k, v in result.items() if k.startswith(("us_", "mx_"))}
        sections += [
            "<h2>The two governments from January 2025 against what they did</h2>",
            "<p>Weights fitted on 2019–2023 (docs/governments.md); log scores are the mean log "
            "probability given to the recorded choice (higher is better), beside a no-change "
            "forecaster with the training window's transition frequencies.</p>",
            pd.Series(rows).to_frame("value").to_html(),
            f"<img src='data:image/png;base64,{png(retrodiction_figure(retrodiction))}'>",
            retrodiction.to_html(index=False, float_format=lambda v: f"{v:.3g}"),
        ]
    page = (
        "<!doctype html><html><head><meta charset='utf-8'><title>mxstab validation</title>"
        "<style>body{font-family:sans-serif;margin:2em;max-width:1300px} table{border-collapse:"
        "collapse;font-size:13px;margin:1em 0} td,th{border:1px solid #ccc;padding:3px 6px}"
        " img{max-width:100%}</style></head><body>" + "".join(sections) + "</body></html>"
    )
    return write_atomic(path, lambda p: p.write_text(page, encoding="utf-8"))


def validate(
    seeds: list[int],
    part: str,
    hindcast_start: str,
    workers: int,
    out: Path,
    command: str,
    config: Config | None = None,
    unrecorded: float = 0.0,
) -> list[Path]:
    """Run the chosen parts and write validation.json and validation.html in `out` (the model's
    runs on `config`, by default the default one; the governments' part always on it)."""
    config = config or Config()
    result: dict[str, Any] = {"command": command}
    series = None
    if part in ("homicides", "all"):
        skill = homicide_skill(seeds, hindcast_start, workers, config, unrecorded)
        result.update(skill["json"])
        series = skill["series"]
    if part in ("sea", "all"):
        result.update(sea_skill(seeds, workers, config))
    if part in ("backtest", "all"):
        result.update(backtest(seeds, workers, config))
    retrodiction = None
    if part in ("us", "all"):
        figures, retrodiction = governments_skill(seeds, workers)
        result.update(figures)
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, indent=1)
    files = [write_atomic(out / "validation.json", lambda p: p.write_text(text))]
    files.append(write_html(result, series, retrodiction, command, out / "validation.html"))
    return files
