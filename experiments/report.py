"""`report.html` of a comparison: one self-contained page (figures inlined as PNG) that opens
with its key findings (P(escalation) of the adaptive US and each policy's effects), then each
policy's paired effects per outcome, the trade-offs between homicides, cocaine and relations,
the national homicide rate per scenario over the record, difference-from-baseline maps, the
summary table and P(escalation)."""

from __future__ import annotations

import base64
import html
import io
import json
import os
from pathlib import Path

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from mxstab.experiments.compare import BAND, FIGURES, figure_text, long_table
from mxstab.model.io import write_atomic
from mxstab.model.world.calendar import DEFAULT_START, month_label, month_number
from mxstab.model.world.grid import load_grid, load_outlines
from mxstab.model.world.population import population_of_year
from mxstab.model.world.victims import TEST_END, TEST_START, victims_record
from mxstab.viz.maps import DIVERGING, OKABE_ITO, RATE_RANGE
from mxstab.viz.numbers import estimate, number

RECORD, BASELINE, SCENARIO, EFFECT = "#000000", "#999999", OKABE_ITO[4], OKABE_ITO[5]
SERIES_COLOURS = (RECORD, BASELINE, SCENARIO, EFFECT)
"""Colour-blind-safe colours (black, grey, Okabe & Ito's blue and vermillion), one meaning each
across the figures: the record, the baseline, a scenario, an effect (a change the seeds' noise
cannot explain; 'no change' is drawn hollow in the baseline's grey). Every pair stays apart
under deuteranopia (tested)."""
EFFECT_OUTCOMES = (
    "homicide_rate",
    "cartel_members",
    "cocaine_to_us_tons",
    "fentanyl_to_us_index",
    "displaced",
    "relations_index",
)
RECORD_MONTHS = (TEST_START, TEST_END)  # SESNSP's monthly record after the training window


def png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def recorded_rate() -> pd.Series:
    """SESNSP's national victims of intentional homicide per 100k per year, by model month
    from January 2024 (CONAPO's mid-year population of each month's year)."""
    victims = victims_record().matrix(*RECORD_MONTHS).sum(axis=1)
    people = [population_of_year(int(month[:4]))[0] for month in victims.index]
    first = month_number(DEFAULT_START)
    months = [month_number(month) - first for month in victims.index]
    return pd.Series(12e5 * victims.to_numpy() / np.array(people), index=months)


def month_ticks(ax, last: int) -> None:
    first = month_number(DEFAULT_START)
    ticks = list(range(0, last + 1, 24))
    ax.set_xticks(ticks, [month_label(first + m)[:4] for m in ticks])


def rate_over_time(national: pd.DataFrame, start: int) -> Figure:
    """One panel per scenario: its national homicide rate (median, 90% band over seeds) over
    the baseline's, with the recorded rate under the simulated past and the policy start."""
    labels = [label for label in dict.fromkeys(national["scenario"]) if label != "baseline"]
    columns = 3
    rows = max(1, -(-len(labels) // columns))
    figure = Figure(figsize=(13, 3.1 * rows + 0.6))
    record = recorded_rate()
    last = int(national["month"].max())

    def draw(ax, runs: pd.DataFrame, colour: str, name: str) -> None:
        by_month = runs.groupby("month")["homicide_rate"]
        months = by_month.median().index
        ax.fill_between(
            months,
            by_month.quantile(BAND[0]),
            by_month.quantile(BAND[1]),
            color=colour,
            alpha=0.2,
            linewidth=0,
        )
        ax.plot(months, by_month.median(), color=colour, linewidth=1.4, label=name)

    base = national[national["scenario"] == "baseline"]
    for index, label in enumerate(labels or ["baseline"]):
        ax = figure.add_subplot(rows, columns, index + 1)
        draw(ax, base, BASELINE, "baseline")
        if labels:
            draw(ax, national[national["scenario"] == label], SCENARIO, "scenario")
        ax.plot(record.index, record.to_numpy(), color=RECORD, linewidth=1.4, label="record")
        ax.axvline(start, color=RECORD, linestyle="--", linewidth=0.8)
        ax.set_title(label, fontsize=11)
        month_ticks(ax, last)
        ax.tick_params(labelsize=10)
        if index % columns == 0:
            ax.set_ylabel("per 100k per year", fontsize=10)
    handles, names = figure.axes[0].get_legend_handles_labels()
    policy = month_label(month_number(DEFAULT_START) + start)
    figure.legend(
        handles,
        [*names, f"policy starts {policy} (dashed)"][: len(handles)],
        loc="lower center",
        ncol=3,
        fontsize=10,
        frameon=False,
    )
    figure.suptitle(
        f"National homicide rate: median and 90% band over seeds; dashed: policy starts {policy}",
        fontsize=12,
    )
    figure.tight_layout(rect=(0, 0.05, 1, 0.97))
    return figure


def effects_figure(summary: pd.DataFrame) -> Figure:
    """Each policy's paired change against the baseline with its 90% range, per outcome: a
    filled dot when it is an effect, a hollow grey one when the seeds' noise cannot tell it from
    zero."""
    rows = summary[summary["scenario"] != "baseline"].reset_index(drop=True)
    figure = Figure(figsize=(13, 0.35 * len(rows) * 2 + 2.5))
    for index, name in enumerate(EFFECT_OUTCOMES):
        ax = figure.add_subplot(2, 3, index + 1)
        for position, row in rows.iterrows():
            real = bool(row[f"delta_{name}_effect"])
            colour = EFFECT if real else BASELINE
            y = len(rows) - 1 - position
            ax.plot([row[f"delta_{name}_lo"], row[f"delta_{name}_hi"]], [y, y], color=colour)
            ax.plot(
                row[f"delta_{name}"],
                y,
                "o",
                color=colour,
                markerfacecolor=colour if real else "white",
            )
        ax.axvline(0, color=RECORD, linewidth=0.6)
        names = list(rows["scenario"])[::-1] if index % 3 == 0 else [""] * len(rows)
        ax.set_yticks(range(len(rows)), names, fontsize=10)
        ax.set_title(f"Δ {FIGURES[name]}", fontsize=10)
        ax.tick_params(axis="x", labelsize=10)
    figure.tight_layout()
    return figure


def tradeoff_figure(summary: pd.DataFrame) -> Figure:
    """Homicides against cocaine reaching the US, each policy's paired change, coloured by its
    change in relations: where a policy buys less cocaine with more killing, or worse
    relations."""
    rows = summary[summary["scenario"] != "baseline"]
    figure = Figure(figsize=(8, 6))
    ax = figure.add_subplot()
    relations = rows["delta_relations_index"].to_numpy(float)
    reach = max(float(np.nanmax(np.abs(relations))), 1e-6)
    points = ax.scatter(
        rows["delta_homicide_rate"],
        rows["delta_cocaine_to_us_tons"],
        c=relations,
        cmap=DIVERGING,
        norm=mcolors.Normalize(-reach, reach),
        s=80,
        edgecolor=RECORD,
    )
    for _, row in rows.iterrows():
        ax.annotate(
            str(row["scenario"]),
            (row["delta_homicide_rate"], row["delta_cocaine_to_us_tons"]),
            textcoords="offset points",
            xytext=(6, 4),
            fontsize=10,
        )
    ax.axhline(0, color=BASELINE, linewidth=0.6)
    ax.axvline(0, color=BASELINE, linewidth=0.6)
    ax.set_xlabel("Δ homicides per 100k per year, last year", fontsize=10)
    ax.set_ylabel("Δ cocaine reaching the US, t, last year", fontsize=10)
    figure.colorbar(points, ax=ax, label="Δ relations at the end")
    ax.set_title("Trade-offs: paired changes against the baseline (means over seeds)")
    figure.tight_layout()
    return figure


def difference_maps(rasters: dict[str, np.ndarray], resolution: float) -> Figure:
    """The baseline's final-year homicide rate per cell, then each scenario's difference from
    it, on one diverging colour-blind-safe scale (clipped at the differences' 98th percentile,
    so a few extreme cells do not wash out the rest)."""
    import textwrap

    grid = load_grid(resolution)
    outlines = load_outlines()
    base = rasters["baseline"]
    others = {label: raster - base for label, raster in rasters.items() if label != "baseline"}
    inside = [np.abs(d[grid.mexico]) for d in others.values()]
    reach = max(float(np.nanpercentile(np.concatenate(inside), 98)) if inside else 0.0, 1.0)
    columns = 3
    rows = -(-(len(others) + 1) // columns)
    figure = Figure(figsize=(13, 2.9 * rows + 0.4), layout="constrained")
    panels = {"baseline: homicides per 100k per year": base} | {
        f"{label} − baseline": raster for label, raster in others.items()
    }
    scales = {
        True: ("Greys", mcolors.Normalize(*RATE_RANGE), "baseline, per 100k per year"),
        False: (DIVERGING, mcolors.Normalize(-reach, reach), "change, per 100k per year"),
    }
    images, axes = {}, {True: [], False: []}
    for index, (label, raster) in enumerate(panels.items()):
        ax = figure.add_subplot(rows, columns, index + 1)
        is_base = index == 0
        cmap, norm, _ = scales[is_base]
        values = np.where(grid.mexico, raster, np.nan)
        images[is_base] = ax.imshow(
            values, origin="lower", extent=grid.extent, cmap=cmap, norm=norm
        )
        ax.plot(*outlines["states"].T, color="#555555", linewidth=0.3)
        ax.set_title(textwrap.fill(label, 34), fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
        axes[is_base].append(ax)
    for is_base, image in images.items():
        figure.colorbar(image, ax=axes[is_base], shrink=0.8, label=scales[is_base][2])
    return figure


def table_html(frame: pd.DataFrame, numbers: bool = False) -> str:
    """A table through pandas' Styler (cells escaped, numbers as `viz.numbers` shows them),
    in a box that scrolls sideways on a narrow screen rather than widening the page."""
    styler = frame.style.format(number if numbers else None, escape="html")
    styler = styler.format_index(escape="html", axis=0).format_index(escape="html", axis=1)
    return f'<div class="table">{styler.to_html()}</div>'


def summary_html(summary: pd.DataFrame) -> str:
    """Per scenario and figure: mean (90% range over seeds) and the paired change against the
    baseline (`compare.figure_text`), one row each, so the table fits a narrow screen."""
    long = long_table(summary)
    runs = dict(zip(summary["scenario"], summary["runs"], strict=True))
    long["scenario"] = [f"{name} ({int(runs[name])} runs)" for name in long["scenario"]]
    shown = long.set_index(["scenario", "figure"])[["value_text", "change_text"]]
    shown.columns = ["mean (90% range over seeds)", "change against the baseline"]
    shown.index.names = [None, None]
    return table_html(shown.fillna(""))


def odds_html(odds: pd.DataFrame) -> str:
    """P(escalation ≥ level) within each horizon, per adaptive scenario, with its runs."""
    if odds.empty:
        return "<p>No adaptive runs in this comparison.</p>"
    odds = odds.assign(text=[estimate(r.probability, r.lo, r.hi) for r in odds.itertuples()])
    wide = odds.pivot_table(
        index=["scenario", "months", "runs"],
        columns="level",
        values="text",
        aggfunc="first",
        sort=False,
    )
    wide.columns = [f"P(level ≥ {level})" for level in wide.columns]
    wide.index.names = ["scenario", "within (months)", "runs"]
    return table_html(wide.reset_index().set_index("scenario").rename_axis(None))


def skill_html(validation: Path) -> str:
    """The validation's skill table (`mxstab validate`'s committed result), or where it is
    missing and the command that makes it."""
    if not validation.is_file():
        return (
            f"<p>No validation result at {html.escape(str(validation))}: "
            f"<code>{VALIDATE_COMMAND} --out {html.escape(str(validation.parent))}</code> "
            "writes it.</p>"
        )
    from mxstab.experiments.validate import skill_table

    result = json.loads(validation.read_text())
    skill = skill_table(result)
    return (
        f"<p>How well the model forecasts the record it never saw (SESNSP's victims per state "
        f"and month, {result['test_start']} to {result['test_end']}) against "
        f"{len(skill.columns) - 1} reference forecasters fitted on the record to "
        f"{result['train_end']}, over {result['seeds']} seeds; lower is better. The model's "
        f"CRPS is {number(result['crps_ratio_best'])} of the best reference's "
        f"({html.escape(result['best_reference'])}). "
        f"<code>{html.escape(result['command'])}</code></p>" + table_html(skill, numbers=True)
    )


def percent(probability: float) -> str:
    return f"{number(100 * probability)}%"


def chance(odds: pd.DataFrame, label: str, months: int, level: int) -> str:
    """`p% (lo% to hi%)` of escalation ≥ `level` within `months`, from escalation.csv's rows."""
    row = odds[(odds["scenario"] == label) & (odds["months"] == months) & (odds["level"] == level)]
    r = row.iloc[0]
    return f"{percent(r.probability)} ({percent(r.lo)} to {percent(r.hi)})"


def verdict(probability: float, high: float) -> str:
    """The answer to "is it inevitable?" that a 60-month probability and its upper bound allow."""
    if probability >= 0.95:
        return "close to inevitable"
    if probability >= 0.5:
        return "more likely than not, but not inevitable"
    if high < 0.5:
        return "not inevitable: unlikely"
    return "not inevitable"


def key_findings(summary: pd.DataFrame, odds: pd.DataFrame) -> str:
    """The answer first: P(US force on Mexican soil) within 12, 24 and 60 months of the policy
    start for the adaptive US (escalation.csv's numbers), what moves it, and each policy's
    paired effects on homicides, cocaine to the US and relations."""
    items = []
    adaptive = odds[odds["scenario"] == "adaptive"] if not odds.empty else odds
    if adaptive.empty:
        items.append(
            "<li><b>Is a US military intervention in Mexico inevitable?</b> This comparison "
            "has no adaptive US, whose escalation is the model's answer: run it with the "
            "<code>adaptive</code> scenario.</li>"
        )
    else:
        horizons = sorted(adaptive["months"].unique())
        longest = horizons[-1]
        at = adaptive[(adaptive["months"] == longest) & (adaptive["level"] == 1)].iloc[0]
        within = ", ".join(f"{chance(odds, 'adaptive', h, 1)} within {h} months" for h in horizons)
        items.append(
            f"<li><b>Is a US military intervention in Mexico inevitable?</b> In this model, "
            f"{verdict(at.probability, at.hi)}. The adaptive US puts force on Mexican soil "
            f"(escalation level ≥ 1): {within} of the policy start, over {int(at.runs)} runs "
            f"that each draw the agent's weights from their posterior (90% intervals). Raids "
            f"(level ≥ 2) within {longest} months: {chance(odds, 'adaptive', longest, 2)}; "
            f"large-scale intervention (level 3): {chance(odds, 'adaptive', longest, 3)}.</li>"
        )
        variants = [label for label in dict.fromkeys(odds["scenario"]) if label != "adaptive"]
        if variants:
            moved = "; ".join(
                f"{html.escape(label.removeprefix('adaptive, '))}: "
                f"{chance(odds, label, longest, 1)}"
                for label in variants
            )
            items.append(
                f"<li><b>What moves it</b> (level ≥ 1 within {longest} months, fewer runs): "
                f"{moved}.</li>"
            )
    for _, row in summary.iterrows():
        if row["scenario"] == "baseline" or str(row["scenario"]).startswith("adaptive,"):
            continue
        changes = []
        for name, what in (
            ("homicide_rate", "homicides per 100k"),
            ("cocaine_to_us_tons", "tonnes of cocaine to the US"),
            ("relations_index", "relations"),
        ):
            _, change = figure_text(row, name)
            changes.append(f"{what} {change}")
        items.append(f"<li><b>{html.escape(str(row['scenario']))}</b>: {'; '.join(changes)}.</li>")
    return (
        "<h2>Key findings</h2><p>Paired changes against the same-seed baseline over the last "
        "year, with their 90% range over seeds; 'no change' when the seeds' noise cannot tell "
        "a change from zero.</p><ul>" + "".join(items) + "</ul>"
    )


STYLE = """
body { font-family: sans-serif; margin: 2em auto; padding: 0 1em; max-width: 1300px; }
div.table { overflow-x: auto; margin-bottom: 1.5em; }
table { border-collapse: collapse; font-size: 12px; }
td, th { border: 1px solid #ccc; padding: 4px 6px; text-align: right; vertical-align: top; }
th { text-align: left; }
img { max-width: 100%; height: auto; }
code { overflow-wrap: anywhere; }
"""


def caveats(summary: pd.DataFrame) -> str:
    """What the numbers rest on: how many parameters are assumed rather than measured, which
    figures are deterministic, how many runs each scenario has."""
    from mxstab.model.config import field_table

    kinds = pd.Series([row["kind"] for row in field_table()]).value_counts()
    fixed = sorted(
        {
            FIGURES[name]
            for name in FIGURES
            if summary.get(f"{name}_deterministic", pd.Series(dtype=bool)).any()
        }
    )
    runs = ", ".join(f"{row.scenario} {int(row.runs)}" for row in summary.itertuples())
    items = [
        f"{kinds.get('assumed', 0)} of the model's {int(kinds.sum())} parameters are assumed "
        f"(set by judgement within a plausible range), {kinds.get('calibrated', 0)} calibrated on "
        f"2019–2023 and {kinds.get('published', 0)} taken from published estimates (`mxstab "
        "params`). Effects that rest on assumed parameters are tried across their ranges in "
        "docs/robustness.md: there, maritime strikes' effect on homicides changes sign with "
        "the flow elasticity, and escalation depends on the US agent's uncertain weights.",
        "The intervals are over seeds (and the posterior draws the runs make), not over the "
        "assumptions: they say how much chance moves a figure, not how much we do not know.",
        "Figures shown '(every seed)' are deterministic in these runs: "
        + (", ".join(fixed) if fixed else "none")
        + ". The fixed scenarios' escalation levels are their own settings, not outcomes.",
        f"Runs per scenario: {runs}.",
        "Against SESNSP's record of January 2024 – June 2025 the model forecasts about as well "
        "as the best simple forecaster and misses 2025's fall in homicides (the recorded line "
        "above; `mxstab validate`).",
    ]
    return "<h2>Caveats</h2><ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"


REPOSITORY = Path(__file__).resolve().parents[1]
VALIDATION = REPOSITORY / "docs" / "results" / "validation" / "validation.json"
VALIDATE_COMMAND = "mxstab validate --part homicides --seeds 20 --posterior"


def data_and_methods(out: Path, validation: Path = VALIDATION) -> str:
    """Where the model, its data and its skill are documented (links relative to the page),
    and the validation's skill table."""

    def link(path: str) -> str:
        target = os.path.relpath(REPOSITORY / path, out.resolve())
        return f'<a href="{html.escape(target)}">{html.escape(path)}</a>'

    return (
        f"<h2>Data and methods</h2><p>The model, each rule and the source of every parameter: "
        f"{link('docs/ODD.md')} (ODD protocol). The data and their sources: "
        f"{link('model/data/SOURCES.md')} (SESNSP's monthly victims by state, CONAPO's "
        f"populations, INEGI, dated events). Which effects survive the assumptions: "
        f"{link('docs/robustness.md')}. How to rebuild every result: "
        f"{link('docs/reproducing.md')}.</p>" + skill_html(validation)
    )


def write_report(
    out: Path,
    summary: pd.DataFrame,
    national: pd.DataFrame,
    rasters: dict[str, np.ndarray],
    odds: pd.DataFrame,
    settings: dict[str, str],
) -> Path:
    """Write `report.html` (temporary file, then rename)."""
    start = int(settings["policy start (month)"])
    listed = "".join(
        f"<li>{html.escape(k)}: {html.escape(str(v))}</li>" for k, v in settings.items()
    )
    sections = [
        "<h1>mxstab comparison</h1>",
        key_findings(summary, odds),
        f"<h2>Settings</h2><ul>{listed}</ul>",
        "<h2>Scenarios</h2><p>Mean (90% range over seeds) and the paired change against the "
        "same-seed baseline, or 'no change' when the seeds' noise cannot tell it from zero; "
        "'(every seed)' marks a figure every seed gives alike.</p>" + summary_html(summary),
        "<h2>Effects against the baseline</h2>"
        f'<img alt="each policy\'s paired effects" src="data:image/png;base64,'
        f'{png(effects_figure(summary))}">',
        "<h2>Trade-offs</h2>"
        f'<img alt="homicides against cocaine against relations" src="data:image/png;base64,'
        f'{png(tradeoff_figure(summary))}">',
        "<h2>National homicide rate, with the record</h2>"
        f'<img alt="homicide rate over time" src="data:image/png;base64,'
        f'{png(rate_over_time(national, start))}">',
        "<h2>Where homicides change: final year, against the baseline</h2>"
        f'<img alt="difference maps" src="data:image/png;base64,'
        f'{png(difference_maps(rasters, float(settings["resolution"])))}">',
        "<h2>Is intervention inevitable?</h2><p>For the adaptive US agent: the probability "
        "that land force reaches each level within 12, 24 and 60 months of the policy start, "
        "over seeds and over the agent's uncertain weights (drawn per run), with 90% Wilson "
        "intervals; the variants show how it moves with Mexican cooperation and with the "
        "election calendar.</p>" + odds_html(odds),
        caveats(summary),
        data_and_methods(out),
    ]
    page = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>mxstab comparison</title>"
        f"<style>{STYLE}</style></head><body>{''.join(sections)}</body></html>"
    )
    path = out / "report.html"
    return write_atomic(path, lambda p: p.write_text(page, encoding="utf-8"))
