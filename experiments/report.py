"""`report.html` of a comparison: one self-contained page (figures inlined as PNG) with the
summary table, the national homicide rate over time with bands, maps of the final-year homicide
rate per scenario, the distribution of escalation levels, and P(escalation) for the adaptive US.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from mxstab.experiments.compare import BAND, FIGURES, figure_text
from mxstab.model.io import write_atomic
from mxstab.model.world.calendar import DEFAULT_START, month_label, month_number
from mxstab.model.world.grid import load_grid, load_outlines
from mxstab.viz.numbers import estimate, number

LEVEL_COLOURS = ("#d9d9d9", "#fdae61", "#f46d43", "#a50026")


def png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def rate_over_time(national: pd.DataFrame, start: int) -> Figure:
    """Median national homicide rate per scenario with its 90% band over seeds."""
    figure = Figure(figsize=(10, 5))
    ax = figure.add_subplot()
    for label, runs in national.groupby("scenario", sort=False):
        by_month = runs.groupby("month")["homicide_rate"]
        months = by_month.median().index
        ax.plot(months, by_month.median(), label=label, linewidth=1.2)
        ax.fill_between(months, by_month.quantile(BAND[0]), by_month.quantile(BAND[1]), alpha=0.15)
    ax.axvline(start, color="black", linestyle="--", linewidth=0.8)
    first = month_number(DEFAULT_START)
    label = month_label(first + start)
    ax.text(start, ax.get_ylim()[1], f" policy starts {label}", va="top", fontsize=8)
    ticks = list(range(0, int(national["month"].max()) + 1, 12))
    ax.set_xticks(ticks, [month_label(first + m) for m in ticks])
    ax.set_ylabel("homicides per 100k per year")
    ax.set_title("National homicide rate: median and 90% band over seeds")
    ax.legend(fontsize=7, ncol=2)
    figure.tight_layout()
    return figure


def final_year_maps(rasters: dict[str, np.ndarray], resolution: float) -> Figure:
    """Mean final-year homicide rate per cell, one small map per scenario, one colour scale."""
    grid = load_grid(resolution)
    outlines = load_outlines()
    columns = 3
    rows = -(-len(rasters) // columns)
    figure = Figure(figsize=(4.2 * columns, 2.8 * rows))
    norm = mcolors.Normalize(0, 120)
    image = None
    for index, (label, raster) in enumerate(rasters.items()):
        ax = figure.add_subplot(rows, columns, index + 1)
        values = np.where(grid.mexico, raster, np.nan)
        image = ax.imshow(values, origin="lower", extent=grid.extent, cmap="Reds", norm=norm)
        ax.plot(*outlines["states"].T, color="#555555", linewidth=0.3)
        ax.set_title(label, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    if image is not None:
        figure.colorbar(image, ax=figure.axes, shrink=0.6, label="homicides per 100k per year")
    return figure


def escalation_levels(per_run: pd.DataFrame) -> Figure:
    """Share of runs by the highest escalation level they reached."""
    figure = Figure(figsize=(10, 4))
    ax = figure.add_subplot()
    labels = list(dict.fromkeys(per_run["scenario"]))
    bottom = np.zeros(len(labels))
    for level, colour in enumerate(LEVEL_COLOURS):
        share = np.array(
            [
                (per_run[per_run["scenario"] == s]["escalation_level"] == level).mean()
                for s in labels
            ]
        )
        ax.bar(labels, share, bottom=bottom, color=colour, label=f"level {level}")
        bottom += share
    ax.set_ylabel("share of runs")
    ax.set_title("Highest land-force escalation level reached")
    ax.tick_params(axis="x", rotation=30, labelsize=8)
    ax.legend(fontsize=8)
    figure.tight_layout()
    return figure


def summary_html(summary: pd.DataFrame) -> str:
    """Mean (90% range over seeds) per figure, and the paired change against the baseline
    (`compare.figure_text`)."""
    header = "".join(f"<th>{html.escape(text)}</th>" for text in FIGURES.values())
    rows = []
    for _, row in summary.iterrows():
        cells = []
        for name in FIGURES:
            value, delta = figure_text(row, name)
            text = html.escape(value) + (
                f"<br><small>{html.escape(delta)}</small>" if delta else ""
            )
            cells.append(f"<td>{text}</td>")
        label = html.escape(f"{row['scenario']} ({int(row['runs'])} runs)")
        rows.append(f"<tr><th>{label}</th>{''.join(cells)}</tr>")
    return f"<table><tr><th>scenario</th>{header}</tr>{''.join(rows)}</table>"


def odds_html(odds: pd.DataFrame) -> str:
    if odds.empty:
        return "<p>No adaptive runs in this comparison.</p>"
    rows = []
    for (label, horizon), group in odds.groupby(["scenario", "months"], sort=False):
        cells = "".join(
            f"<td>{estimate(r.probability, r.lo, r.hi)}</td>" for r in group.itertuples()
        )
        rows.append(
            f"<tr><th>{html.escape(label)}</th><td>{horizon}</td>{cells}"
            f"<td>{int(group['runs'].iloc[0])}</td></tr>"
        )
    return (
        "<table><tr><th>scenario</th><th>within (months)</th><th>P(level ≥ 1)</th>"
        "<th>P(level ≥ 2)</th><th>P(level ≥ 3)</th><th>runs</th></tr>" + "".join(rows) + "</table>"
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
    adaptive = odds[odds["scenario"] == "adaptive"]
    if not adaptive.empty:
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
body { font-family: sans-serif; margin: 2em; max-width: 1300px; }
table { border-collapse: collapse; font-size: 12px; margin-bottom: 1.5em; }
td, th { border: 1px solid #ccc; padding: 4px 6px; text-align: right; vertical-align: top; }
img { max-width: 100%; }
"""


def write_report(
    out: Path,
    summary: pd.DataFrame,
    per_run: pd.DataFrame,
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
        "<h2>Scenarios</h2><p>Mean (90% range over seeds); below it, the paired change against "
        "the same-seed baseline, or 'no change' when the seeds' noise cannot tell it from "
        "zero; '(every seed)' marks a figure every seed gives alike.</p>" + summary_html(summary),
        "<h2>National homicide rate</h2>"
        f'<img alt="homicide rate over time" src="data:image/png;base64,'
        f'{png(rate_over_time(national, start))}">',
        "<h2>Final-year homicide rate</h2>"
        f'<img alt="maps" src="data:image/png;base64,'
        f'{png(final_year_maps(rasters, float(settings["resolution"])))}">',
        "<h2>Escalation</h2>"
        f'<img alt="escalation levels" src="data:image/png;base64,'
        f'{png(escalation_levels(per_run))}">',
        "<h2>Is intervention inevitable?</h2><p>For the adaptive US agent: the probability "
        "that land force reaches each level within 12, 24 and 60 months of the policy start, "
        "over seeds and over the agent's uncertain weights (drawn per run), with 90% Wilson "
        "intervals; the variants show how it moves with Mexican cooperation and with the "
        "election calendar.</p>" + odds_html(odds),
    ]
    page = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>mxstab comparison</title>"
        f"<style>{STYLE}</style></head><body>{''.join(sections)}</body></html>"
    )
    path = out / "report.html"
    return write_atomic(path, lambda p: p.write_text(page, encoding="utf-8"))
