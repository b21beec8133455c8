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

import pandas as pd

from mxstab.viz.charts import LiveCharts
from mxstab.viz.controls import AppModel, Choice
from mxstab.viz.maps import LiveMap, difference_layer, hover_text, model_layer, model_map

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
    """What the page shows after a step: the month, each map and the charts as PNG bytes."""

    month: str
    maps: dict[str, bytes]
    charts: bytes


class Run:
    """One model from the sidebar's choice, with the map of a chosen layer and the charts."""

    def __init__(self, choice: Choice, layer: str = "homicide_rate") -> None:
        self.choice = choice
        self.model = AppModel(choice)
        self.lock = threading.Lock()
        self.charts = LiveCharts([self.model.preset], self.model.policy_month, self.model.start)
        self.show(layer)

    def show(self, layer: str) -> Frame:
        """Switch the map to `layer` (drawn afresh once) and draw the frame."""
        with self.lock:
            self.layer = layer
            shown = model_layer(self.model, layer)
            self.live_map = LiveMap(self.model.grid, shown, MAP_SIZE, self.model)
        return self.frame()

    def frame(self) -> Frame:
        with self.lock:
            self.shown = model_layer(self.model, self.layer)
            picture = self.live_map.png(self.shown, self.model)
            charts = self.charts.png({self.model.preset: self.model})
            return Frame(when(self.model), {"map": picture}, charts)

    def step(self) -> Frame:
        with self.lock:
            self.model.step()
        return self.frame()

    def hover(self, x: float, y: float) -> str | None:
        """What is under the pointer at (x, y), fractions of the map image."""
        lon, lat = self.live_map.lon_lat(x, y)
        return hover_text(self.model.grid, self.shown, lon, lat, month_of(self.model))

    def title(self) -> str:
        """Layer, scenario, seed and month: what a downloaded map says it shows."""
        label = model_layer(self.model, self.layer).label
        return f"{label} — {self.model.preset}, seed {self.model.seed}, {month_of(self.model)}"

    def file_stem(self) -> str:
        model = self.model
        return f"mxstab_{model.preset}_seed{model.seed}_{month_of(model)}_{self.layer}".replace(
            " ", "-"
        )

    def map_png(self) -> bytes:
        """The selected layer as a full-size PNG, titled (the download)."""
        buffer = io.BytesIO()
        with self.lock:
            model_map(self.model, self.layer, self.title()).savefig(buffer, format="png")
        return buffer.getvalue()

    def table(self) -> pd.DataFrame:
        """The national series so far, each row with its date, scenario and seed."""
        with self.lock:
            frame = self.model.national_table()
            frame.insert(0, "date", [self.model.date(m) for m in range(len(frame))])
        frame.insert(1, "scenario", self.model.preset)
        frame.insert(2, "seed", self.model.seed)
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
        self.set_layer(layer)

    def layers(self) -> dict:
        left, right = self.models["left"], self.models["right"]
        shown = {side: model_layer(model, self.layer) for side, model in self.models.items()}
        if not shown["left"].categorical:
            shown["difference"] = difference_layer(left, right, self.layer)
        return shown

    def set_layer(self, layer: str) -> Frame:
        with self.lock:
            self.layer = layer
            self.live = {
                side: LiveMap(
                    self.models["left"].grid,
                    shown,
                    TWIN_SIZE if side != "difference" else MAP_SIZE,
                    self.models.get(side),
                )
                for side, shown in self.layers().items()
            }
        return self.frame()

    def frame(self) -> Frame:
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
        model = self.models.get(side, self.models["left"])
        lon, lat = self.live[side].lon_lat(x, y)
        return hover_text(model.grid, self.shown[side], lon, lat, month_of(model))
