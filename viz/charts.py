"""Charts of a run's national series (the app's chart panel and its benchmark).

`LiveCharts` draws the axes once on fixed ranges (so runs and scenarios compare) and on each
redraw repaints only the lines over the saved background; a range is widened, and the background
redrawn, only when a series leaves it.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from mxstab.model.model import MxStabModel
from mxstab.model.world.calendar import month_label, month_number
from mxstab.viz.maps import encode_png

CHARTS = (  # column, title, starting y range
    ("homicide_rate", "homicides per 100k per year", (0, 50)),
    ("cartel_members", "cartel members", (0, 400_000)),
    ("cartels_active", "groups active", (0, 300)),
    ("cocaine_to_us_tons", "cocaine to the US (t)", (0, 500)),
    ("seized_tons", "cocaine seized (t)", (0, 40)),
    ("fentanyl_to_us_index", "fentanyl to the US (index, first month = 1)", (0, 1.5)),
    ("tariff_rate", "tariff rate", (0, 0.6)),
    ("maritime_posture", "maritime posture (0–2)", (-0.1, 2.1)),
    ("escalation_level", "escalation level (0–3)", (-0.1, 3.1)),
    ("relations_index", "relations (0–1)", (0, 1)),
)
MONTHS_SHOWN = 88  # to April 2031, 60 months past the default policy start


class LiveCharts:
    """The national series of one or more runs (one line per run in each panel)."""

    def __init__(self, names: list[str], policy_month: int, first_month: str) -> None:
        self.names = names
        self.start = policy_month
        self.first = month_number(first_month)
        self.limits = {column: span for column, _, span in CHARTS}
        self.months = MONTHS_SHOWN
        self.build()

    def build(self) -> None:
        self.figure = Figure(figsize=(8, 6.2), dpi=90)
        self.axes = self.figure.subplots(4, 3).ravel()
        ticks = list(range(0, self.months + 1, 24))
        self.lines = {}
        for ax, (column, title, _) in zip(self.axes, CHARTS, strict=False):
            ax.set_title(title, fontsize=8)
            ax.set_xlim(0, self.months)
            ax.set_ylim(*self.limits[column])
            ax.axvline(self.start, color="black", linestyle="--", linewidth=0.7)
            ax.set_xticks(ticks, [month_label(self.first + t)[:4] for t in ticks])
            ax.tick_params(labelsize=6)
            for name in self.names:
                (line,) = ax.plot([], [], linewidth=1, label=name, animated=True)
                self.lines[column, name] = line
        for ax in self.axes[len(CHARTS) :]:
            ax.axis("off")
        if len(self.names) > 1:
            handles = [self.lines[CHARTS[0][0], name] for name in self.names]
            self.axes[-1].legend(handles, self.names, fontsize=7, loc="center")
        self.figure.suptitle(
            f"national series; dashed: policy start ({month_label(self.first + self.start)})",
            fontsize=8,
        )
        self.figure.subplots_adjust(
            left=0.09, right=0.98, bottom=0.05, top=0.91, hspace=0.55, wspace=0.35
        )
        self.canvas = FigureCanvasAgg(self.figure)
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)

    def widened(self, series: dict[str, dict[str, np.ndarray]]) -> bool:
        """Widen the ranges a series has left; True if any changed."""
        changed = False
        for column, _, _ in CHARTS:
            values = np.concatenate([s[column] for s in series.values()])
            low, high = self.limits[column]
            if values.size and (values.max() > high or values.min() < low):
                span = high - low
                self.limits[column] = (
                    min(low, values.min() - 0.1 * span),
                    max(high, values.max() + 0.5 * span),
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
        self.canvas.restore_region(self.background)
        for ax, (column, _, _) in zip(self.axes, CHARTS, strict=False):
            for name in self.names:
                values = series[name][column]
                line = self.lines[column, name]
                line.set_data(np.arange(values.size), values)
                ax.draw_artist(line)
        return encode_png(self.canvas)
