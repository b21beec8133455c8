"""Charts of a run's national series (the app's chart panel and its benchmark).

`LiveCharts` repaints the lines over a background of axes drawn once (`viz/canvas.py`).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from mxstab.model.model import MxStabModel
from mxstab.model.world.calendar import month_label, month_number
from mxstab.viz.canvas import Blit, shared
from mxstab.viz.maps import OKABE_ITO
from mxstab.viz.numbers import number

CHARTS = (  # column, title, starting y range
    ("homicide_rate", "homicides per 100k per year", (0, 50)),
    ("cartel_members", "cartel members", (0, 400_000)),
    ("cartels_active", "groups active", (0, 300)),
    ("cocaine_to_us_tons", "cocaine to the US (t)", (0, 500)),
    ("seized_tons", "cocaine seized (t)", (0, 40)),
    ("fentanyl_to_us_index", "fentanyl to the US (first month = 1)", (0, 1.5)),
    ("tariff_rate", "tariff rate", (0, 0.6)),
    ("maritime_posture", "maritime posture (0–2)", (-0.1, 2.1)),
    ("escalation_level", "escalation level (0–3)", (-0.1, 3.1)),
    ("relations_index", "relations (0–1)", (0, 1)),
)
MONTHS_SHOWN = 88  # to April 2031, 60 months past the default policy start
DPI = 100
TICK_PT = 9  # 12.5 px at DPI: the app shows the image at its own size, readable at 1440 px
LINE_COLOURS = (OKABE_ITO[4], OKABE_ITO[5])  # blue and vermillion: apart under colour-blindness


def charts_figure(
    names: tuple[str, ...], start: int, first: int, limits: tuple, months: int
) -> Blit:
    """The panels on their ranges, without the lines (which move)."""
    figure = Figure(figsize=(10, 8.4), dpi=DPI)
    axes = figure.subplots(4, 3).ravel()
    ticks = list(range(0, months + 1, 24))
    lines = {}
    for ax, (column, title, _), span in zip(axes, CHARTS, limits, strict=False):
        ax.set_title(title, fontsize=TICK_PT + 1)
        ax.set_xlim(0, months)
        ax.set_ylim(*span)
        ax.axvline(start, color="black", linestyle="--", linewidth=0.7)
        ax.set_xticks(ticks, [month_label(first + t)[:4] for t in ticks])
        ax.tick_params(labelsize=TICK_PT)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: number(value)))
        for name, colour in zip(names, LINE_COLOURS, strict=False):
            (lines[column, name],) = ax.plot([], [], color=colour, linewidth=1.4, label=name)
    for ax in axes[len(CHARTS) :]:
        ax.axis("off")
    if len(names) > 1:
        handles = [lines[CHARTS[0][0], name] for name in names]
        axes[-1].legend(handles, names, fontsize=TICK_PT, loc="center")
    figure.suptitle(
        f"national series; dashed: policy start ({month_label(first + start)})",
        fontsize=TICK_PT + 1,
    )
    figure.subplots_adjust(left=0.08, right=0.98, bottom=0.04, top=0.92, hspace=0.5, wspace=0.3)
    blit = Blit(figure, lines.values())
    blit.lines = lines
    return blit


class LiveCharts:
    """The national series of one or two runs (a line per run in each panel) on fixed ranges,
    so runs and scenarios compare; a range is widened, and another background drawn, only when
    a series leaves it."""

    def __init__(self, names: list[str], policy_month: int, first_month: str) -> None:
        self.names = tuple(names)
        self.start = policy_month
        self.first = month_number(first_month)
        self.limits = {column: span for column, _, span in CHARTS}
        self.months = MONTHS_SHOWN
        self.build()

    def build(self) -> None:
        spans = tuple(self.limits[column] for column, _, _ in CHARTS)
        key = ("charts", self.names, self.start, self.first, spans, self.months)
        self.blit = shared(
            key, lambda: charts_figure(self.names, self.start, self.first, spans, self.months)
        )

    def widened(self, series: dict[str, dict[str, np.ndarray]]) -> bool:
        """Widen the ranges a series has left; True if any changed."""
        changed = False
        for column, _, _ in CHARTS:
            values = np.concatenate([s[column] for s in series.values()])
            low, high = self.limits[column]
            if values.size and (values.max() > high or values.min() < low):
                span = high - low
                self.limits[column] = (
                    float(min(low, values.min() - 0.1 * span)),
                    float(max(high, values.max() + 0.5 * span)),
                )
                changed = True
        months = max(len(next(iter(s.values()))) for s in series.values())
        if months > self.months:
            self.months = months + 24
            changed = True
        return changed

    def png(self, models: dict[str, MxStabModel]) -> bytes:
        series = {name: model.national_table() for name, model in models.items()}
        series = {
            name: {c: frame[c].to_numpy() for c, _, _ in CHARTS} for name, frame in series.items()
        }
        if self.widened(series):
            self.build()
        lines = self.blit.lines

        def update() -> None:
            for column, _, _ in CHARTS:
                for name in self.names:
                    values = series[name][column]
                    lines[column, name].set_data(np.arange(values.size), values)

        return self.blit.png(update)
