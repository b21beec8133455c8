"""Running models with the pictures the app shows of them (no Solara here: the benchmark times
exactly what a click costs, and tests run without a browser).

`Run` is the Run tab's model, map and charts; `Comparison` is two scenarios stepping together
with a map each, a difference map and their charts. Each step draws a `Frame` of PNGs that the
page only displays, so a step in the play thread never races a redraw.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mxstab.viz.charts import LiveCharts
from mxstab.viz.controls import AppModel, Choice
from mxstab.viz.maps import (
    Layer,
    LiveMap,
    difference_layer,
    hover_text,
    model_layer,
    model_map,
)

MAP_SIZE = (9.0, 4.6)  # inches at 110 dpi: 990 px, the main column's width at 1440 px
TWIN_SIZE = (6.2, 3.4)  # each of the compare tab's maps


def when(model: AppModel) -> str:
    """The month a model shows: the last one stepped, or which comes first."""
    if model.steps == 0:
        return f"not started ({model.start} next)"
    return model.date(model.month)


def month_of(model: AppModel) -> str:
    """The month for file names and titles."""
    return model.date(model.month) if model.steps else f"before {model.start}"


@dataclass(frozen=True)
class Frame:
    """What the page shows after a step, drawn under the run's lock: the month, each map and the
    charts as PNG bytes, the state figures the model recorded (`observation.state_figures`)
    and the event log."""

    month: str
    maps: dict[str, bytes]
    charts: bytes
    states: np.ndarray | None = None
    events: tuple[str, ...] = ()


class Run:
    """One model from the sidebar's choice, with the map of a chosen layer and the charts."""

    def __init__(self, choice: Choice, layer: str = "homicide_rate") -> None:
        self.model = AppModel(choice)
        self.choice = self.model.ran
        self.lock = threading.Lock()
        self.charts = LiveCharts([self.model.preset], self.model.policy_month, self.model.start)
        self.show(layer)

    def show(self, layer: str) -> None:
        """Switch the map to `layer` (its figure drawn once per process)."""
        with self.lock:
            self.layer = layer
            self.shown = model_layer(self.model, layer)
            self.live_map = LiveMap(self.model.grid, self.shown, MAP_SIZE, self.model)

    def frame(self) -> Frame:
        """Draw what the page shows of this month."""
        with self.lock:
            model = self.model
            self.shown = model_layer(model, self.layer)
            events = tuple(f"{model.date(m)}: {text}" for m, text in reversed(model.event_log))
            return Frame(
                when(model),
                {"map": self.live_map.png(self.shown, model)},
                self.charts.png({model.preset: model}),
                model.state_months[-1] if model.steps else None,
                events,
            )

    def step(self) -> Frame:
        """A month ahead, then its frame: what Step costs."""
        with self.lock:
            self.model.step()
        return self.frame()

    def hover(self, x: float, y: float) -> str | None:
        """What is under the pointer at (x, y), fractions of the map image."""
        lon, lat = self.live_map.lon_lat(x, y)
        return hover_text(self.model.grid, self.shown, lon, lat, month_of(self.model))

    def title(self) -> str:
        """Layer, scenario, seed and month: what a downloaded map says it shows."""
        model = self.model
        label = model_layer(model, self.layer).label
        return f"{label} — {model.label}, seed {model.seed}, {month_of(model)}"

    def file_stem(self) -> str:
        model = self.model
        scenario = model.preset + (f"+{len(model.moved)}levers" if model.moved else "")
        return f"mxstab_{scenario}_seed{model.seed}_{month_of(model)}_{self.layer}".replace(
            " ", "-"
        )

    def map_png(self) -> bytes:
        """The selected layer as a full-size PNG, titled (the download)."""
        buffer = io.BytesIO()
        with self.lock:
            model_map(self.model, self.layer, self.title()).savefig(buffer, format="png")
        return buffer.getvalue()

    def table(self) -> pd.DataFrame:
        """The national series so far, each row with its date, scenario, seed and the levers
        moved off the preset."""
        with self.lock:
            model = self.model
            frame = model.national_table()
            frame.insert(0, "date", [model.date(m) for m in range(len(frame))])
        frame.insert(1, "scenario", model.preset)
        frame.insert(2, "seed", model.seed)
        moved = "; ".join(f"{name}={value}" for name, value in model.moved.items())
        frame.insert(3, "levers_moved", moved)
        return frame


class Comparison:
    """Two scenarios with one seed, resolution and the sidebar's moved levers, stepping
    together: a map each, the difference right minus left, and both runs' charts."""

    def __init__(self, left: str, right: str, choice: Choice, layer: str) -> None:
        self.made_from = (left, right, choice, layer)
        extra = choice.overrides()
        self.names = {"left": left, "right": right}
        self.models = {
            side: AppModel(choice.with_preset(name), extra) for side, name in self.names.items()
        }
        self.labels = [f"{side}: {name}" for side, name in self.names.items()]
        first = self.models["left"]
        self.charts = LiveCharts(self.labels, first.policy_month, first.start)
        self.lock = threading.Lock()
        self.layer = layer
        self.shown = self.layers()
        self.live = {
            side: LiveMap(
                first.grid,
                shown,
                MAP_SIZE if side == "difference" else TWIN_SIZE,
                self.models.get(side),
            )
            for side, shown in self.shown.items()
        }

    def layers(self) -> dict[str, Layer]:
        """Each side's layer and, unless it has categories, the difference."""
        shown = {side: model_layer(model, self.layer) for side, model in self.models.items()}
        if not shown["left"].categorical:
            shown["difference"] = difference_layer(shown["left"], shown["right"])
        return shown

    def frame(self) -> Frame:
        """Draw both maps, the difference and the charts of this month."""
        with self.lock:
            self.shown = self.layers()
            maps = {
                side: self.live[side].png(shown, self.models.get(side))
                for side, shown in self.shown.items()
            }
            runs = dict(zip(self.labels, self.models.values(), strict=True))
            return Frame(when(self.models["left"]), maps, self.charts.png(runs))

    def step(self) -> Frame:
        """Step both models, then draw: what "Step both" costs."""
        with self.lock:
            for model in self.models.values():
                model.step()
        return self.frame()

    def hover(self, side: str, x: float, y: float) -> str | None:
        """What is under the pointer on one side's map (or the difference's)."""
        model = self.models.get(side, self.models["left"])
        lon, lat = self.live[side].lon_lat(x, y)
        return hover_text(model.grid, self.shown[side], lon, lat, month_of(model))
