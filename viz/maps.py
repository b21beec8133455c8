"""Matplotlib maps of Mexico: one drawing routine for the CLI's PNGs and the app's map panel.

Imports matplotlib only (never Solara), so headless runs can write maps.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from mxstab.model.io import write_atomic
from mxstab.model.rules.interdiction import FATES
from mxstab.model.rules.violence import annual_rate
from mxstab.model.world.grid import BBOX, Grid, load_grid, load_outlines
from mxstab.model.world.population import cell_population
from mxstab.model.world.presence import organisations_per_state
from mxstab.model.world.states import state_table
from mxstab.viz.canvas import Blit, shared
from mxstab.viz.numbers import number

if TYPE_CHECKING:
    from mxstab.model.model import MxStabModel

SEA_COLOUR = "#dce9f2"
LAND_COLOUR = "#efeae2"
POINT_STYLE = {
    "seaport": {"marker": "s", "color": "#0072B2", "label": "seaport"},
    "border_crossing": {"marker": "^", "color": "#D55E00", "label": "US border crossing"},
    "airport": {"marker": "P", "color": "#CC79A7", "label": "Mexico City airports"},
}


OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
"""Okabe & Ito's colour-blind-safe colours (black left out: it is the outlines' colour)."""
OTHER_GROUPS = "#b8b8b8"
DIVERGING = "PuOr_r"  # colour-blind-safe: purple less, orange more
RATE_RANGE = (0, 120)  # homicides per 100k per year: one scale for runs and the record


@dataclass(frozen=True)
class Layer:
    """A per-cell raster (NaN outside Mexico) with how to colour and label it: `unit` is what a
    value is in (hover text), `names` the category of each value of a categorical layer."""

    values: np.ndarray
    label: str
    cmap: str | mcolors.Colormap
    norm: mcolors.Normalize
    categorical: bool = False
    unit: str = ""
    names: tuple[str, ...] = ()
    signed: bool = False  # a change: shown with its sign

    def describe(self, value: float) -> str:
        """One cell's value for people: a category's name, or the number with its unit."""
        if not np.isfinite(value):
            return "no data"
        if self.names:
            return self.names[int(value)]
        return f"{number(value, sign=self.signed)} {self.unit}".strip()


def state_values(grid: Grid, per_state: np.ndarray) -> np.ndarray:
    """Paint a value per INEGI code (index 1–32) onto the state's cells; NaN elsewhere."""
    table = np.concatenate([[np.nan], np.asarray(per_state, float)])
    return table[grid.state]


def world_layer(name: str, resolution: float) -> Layer:
    """The layers of the static world that `mxstab map` draws."""
    grid = load_grid(resolution)
    states = state_table()
    if name == "state":
        colours = matplotlib.colormaps["tab20"].colors + matplotlib.colormaps["tab20b"].colors
        cmap = mcolors.ListedColormap(colours[:32])
        values = state_values(grid, np.arange(1, 33))
        return Layer(values, "state (INEGI code)", cmap, mcolors.Normalize(0.5, 32.5), True)
    if name == "population":
        density = cell_population(resolution) / grid.area_km2
        values = np.where(grid.mexico, np.maximum(density, 0.1), np.nan)
        return Layer(
            values,
            "people per km² (2020 census, spread by places)",
            "magma_r",
            mcolors.LogNorm(0.1, 10_000),
        )
    if name == "homicide_rate":
        values = state_values(grid, states["homicide_rate_2023"].to_numpy())
        return rate_layer(values, "homicides per 100k, 2023 (INEGI; some derived)")
    if name == "cartel":
        counts = organisations_per_state().to_numpy()
        return Layer(
            state_values(grid, counts),
            "armed organisations reported in the state",
            "YlOrBr",
            mcolors.Normalize(0, counts.max()),
        )
    raise ValueError(f"unknown layer {name!r}")


def draw_map(
    grid: Grid,
    layer: Layer,
    title: str,
    label_states: bool = True,
    size: tuple[float, float] = (11, 6.4),
) -> Figure:
    """A labelled map: the layer, state and country outlines, points, legend, colour bar."""
    figure = Figure(figsize=size, dpi=110, layout="constrained")
    ax = figure.add_subplot()
    ax.set_facecolor(SEA_COLOUR)
    land = np.where(grid.country > 0, 1.0, np.nan)
    ax.imshow(
        land,
        origin="lower",
        extent=grid.extent,
        cmap=mcolors.ListedColormap([LAND_COLOUR]),
        interpolation="nearest",
    )
    image = ax.imshow(
        layer.values,
        origin="lower",
        extent=grid.extent,
        cmap=layer.cmap,
        norm=layer.norm,
        interpolation="nearest",
    )
    outlines = load_outlines()
    ax.plot(*outlines["countries"].T, color="#7a7a7a", linewidth=0.6)
    ax.plot(*outlines["states"].T, color="#333333", linewidth=0.5)
    if label_states:
        label_state_centres(ax, grid)
    for kind, style in POINT_STYLE.items():
        points = [p for p in grid.points if p.kind == kind]
        ax.scatter(
            [grid.lon[p.col] for p in points],
            [grid.lat[p.row] for p in points],
            marker=style["marker"],
            color=style["color"],
            edgecolor="white",
            linewidth=0.6,
            s=46,
            label=style["label"],
            zorder=5,
        )
    ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
    if layer.names:
        patches = [
            Patch(color=layer.cmap(layer.norm(i)), label=name) for i, name in enumerate(layer.names)
        ]
        figure.legend(
            handles=patches, loc="outside right upper", fontsize=7, title="largest groups"
        )
    elif not layer.categorical:
        figure.colorbar(image, ax=ax, shrink=0.75, label=layer.label)
    ax.set_xlim(BBOX["lon_min"], BBOX["lon_max"])
    ax.set_ylim(BBOX["lat_min"], BBOX["lat_max"])
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    ax.set_title(title)
    return figure


def label_state_centres(ax, grid: Grid) -> None:
    """State abbreviations at the mean position of each state's cells."""
    rows, cols = np.nonzero(grid.mexico)
    codes = grid.state[rows, cols]
    abbrevs = state_table()["abbrev"]
    for code in range(1, 33):
        mine = codes == code
        ax.text(
            grid.lon[cols[mine]].mean(),
            grid.lat[rows[mine]].mean(),
            abbrevs[code],
            fontsize=6,
            ha="center",
            va="center",
            color="#111111",
            zorder=4,
        )


def rate_layer(values: np.ndarray, label: str) -> Layer:
    """Homicides per 100k per year on one fixed scale, so maps of runs and data compare."""
    unit = "homicides per 100k per year"
    return Layer(values, label, "Reds", mcolors.Normalize(*RATE_RANGE), unit=unit)


MODEL_LAYERS = {
    "homicide_rate": "homicide rate",
    "corruption": "corruption",
    "territory": "territory (largest groups)",
    "flow": "trafficking flow",
    "stability": "stability",
    "displacement": "displacement",
}
"""The layers of a running model, with the names the app shows."""
LARGEST_GROUPS = len(OKABE_ITO)


def territory_layer(model: MxStabModel) -> Layer:
    """Who holds each cell: the largest groups by cells held in a colour and a name each, every
    other group in one grey (150 groups in 150 colours cannot be told apart)."""
    owner = model.cartels.owner
    held = np.bincount(owner[owner >= 0], minlength=len(model.cartels.names))
    largest = [int(g) for g in np.argsort(-held, kind="stable")[:LARGEST_GROUPS] if held[g] > 0]
    largest.sort(key=lambda g: model.cartels.names[g])  # by name: a new order redraws nothing
    rank = np.full(len(model.cartels.names), len(largest), dtype=float)
    rank[largest] = np.arange(len(largest))
    values = np.where(owner >= 0, rank[np.maximum(owner, 0)], np.nan)
    names = tuple(model.cartels.names[g] for g in largest) + ("other groups",)
    cmap = mcolors.ListedColormap([*OKABE_ITO[: len(largest)], OTHER_GROUPS])
    norm = mcolors.Normalize(-0.5, len(names) - 0.5)
    return Layer(values, "territory: the largest groups", cmap, norm, True, names=names)


def model_layer(model: MxStabModel, name: str) -> Layer:
    """Layers of a running model, each on a fixed scale so months and runs compare; sequential
    colour maps whose lightness rises with the value, so they read without hue (tested)."""
    grid, places = model.grid, model.municipalities
    people = np.where(grid.mexico & (places.population > 0), places.population, np.nan)
    mexican = np.where(grid.mexico, 1.0, np.nan)
    if name == "homicide_rate":
        return rate_layer(annual_rate(places.homicides, people), "homicides per 100k per year")
    if name == "corruption":
        return Layer(
            np.maximum(places.corruption, 1e-3) * mexican,
            "corruption (0–1, log scale)",
            "viridis",
            mcolors.LogNorm(1e-3, 1),
            unit="on the corruption index (0–1)",
        )
    if name == "flow":
        return Layer(
            model.traffickers.flow * mexican,
            "trafficking flow (busiest cell of 2024 = 1)",
            "YlOrBr",
            mcolors.Normalize(0, 1),
            unit="× the busiest cell of 2024",
        )
    if name == "stability":
        return Layer(
            places.stability * mexican,
            "stability (0–1)",
            "cividis",
            mcolors.Normalize(0, 1),
            unit="on the stability index (0–1)",
        )
    if name == "displacement":
        return Layer(
            annual_rate(places.left, people),
            "people leaving per 100k per year",
            "Blues",
            mcolors.Normalize(0, 500),
            unit="people leaving per 100k per year",
        )
    if name == "territory":
        return territory_layer(model)
    raise ValueError(f"unknown layer {name!r} (allowed: {', '.join(MODEL_LAYERS)})")


def difference_layer(first: Layer, second: Layer) -> Layer:
    """`second` minus `first` (one layer of two models), on a symmetric diverging scale."""
    if first.categorical:
        raise ValueError(f"layer {first.label!r} has categories: no difference to draw")
    span = (first.norm.vmax - first.norm.vmin) / 4  # fixed, so the months compare
    return Layer(
        second.values - first.values,
        f"{first.label.split(' (')[0]}: right minus left",
        DIVERGING,
        mcolors.Normalize(-span, span),
        unit=f"{first.unit}, right minus left",
        signed=True,
    )


def hover_text(grid: Grid, layer: Layer, lon: float, lat: float, when: str) -> str | None:
    """What the pointer is over: the state, the layer's value there with its unit, the month;
    None off Mexican land."""
    row = int(np.floor((lat - BBOX["lat_min"]) / grid.resolution))
    col = int(np.floor((lon - BBOX["lon_min"]) / grid.resolution))
    if not (0 <= row < grid.shape[0] and 0 <= col < grid.shape[1]) or grid.state[row, col] <= 0:
        return None
    state = state_table().loc[int(grid.state[row, col]), "name"]
    return f"{state} · {layer.describe(layer.values[row, col])} · {when}"


def model_map(
    model: MxStabModel, layer_name: str, title: str, size: tuple[float, float] = (11, 6.4)
) -> Figure:
    """A map of a model's current month with the ships at sea."""
    figure = draw_map(model.grid, model_layer(model, layer_name), title, size=size)
    draw_sea(figure.axes[0], model)
    return figure


def save_figure(figure: Figure, out: Path) -> Path:
    return write_atomic(out, lambda path: figure.savefig(path, format="png"))


def save_world_map(layer_name: str, resolution: float, out: Path) -> Path:
    """Render one layer of the static world to a PNG."""
    grid = load_grid(resolution)
    layer = world_layer(layer_name, resolution)
    return save_figure(draw_map(grid, layer, f"Mexico at {resolution}° — {layer.label}"), out)


RUN_LAYERS = {
    "homicide_rate": "homicides per 100k per year, by state",
    "corruption": "corruption (0–1), population-weighted by state",
    "stability_index": "stability (0–1), by state",
    "displaced": "people displaced in the month, by state",
}
"""The layers `mxstab map --run` draws from a run's states.parquet."""


def run_layer(states: pd.DataFrame, grid: Grid, name: str) -> Layer:
    """One month of a run's state figures painted on the states' cells."""
    if name not in RUN_LAYERS:
        raise ValueError(f"unknown layer {name!r} for a run (allowed: {', '.join(RUN_LAYERS)})")
    per_state = states.sort_values("state")[name].to_numpy(float)
    values = state_values(grid, per_state)
    label = RUN_LAYERS[name]
    if name == "homicide_rate":
        return rate_layer(values, label)
    if name == "displaced":
        return Layer(values, label, "Blues", mcolors.Normalize(0, max(np.nanmax(values), 1.0)))
    return Layer(values, label, "viridis", mcolors.Normalize(0, 1))


def save_run_map(run: Path, layer_name: str, month: str, out: Path) -> Path:
    """Draw one layer of a finished run (`mxstab run --out RUN`) in one of its months."""
    manifest = json.loads((run / "manifest.json").read_text())
    states = pd.read_parquet(run / "states.parquet")
    chosen = states[states["date"] == month]
    if chosen.empty:
        first, last = states["date"].iloc[0], states["date"].iloc[-1]
        raise ValueError(f"the run covers {first} to {last}, not {month!r}")
    grid = load_grid(manifest["resolution"])
    title = f"{manifest['scenario']}, seed {manifest['seed']}, {month}"
    return save_figure(draw_map(grid, run_layer(chosen, grid, layer_name), title), out)


FORCE_STYLE = {
    "us_navy": {"color": "#0072B2", "label": "US Navy"},
    "coast_guard": {"color": "#E69F00", "label": "US Coast Guard"},
    "semar": {"color": "#009E73", "label": "SEMAR"},
}
FATE_STYLE = {
    "seized": {"marker": "x", "color": "#333333", "label": "vessel seized"},
    "struck": {"marker": "*", "color": "#D55E00", "label": "vessel struck"},
}


def fleet_positions(model: MxStabModel) -> dict[str, np.ndarray]:
    """(lon, lat) rows per force and per vessel fate: units at the centre of their patrol zone,
    this month's stopped vessels where they were stopped (small offsets keep several in one
    zone apart)."""
    lanes = model.lanes
    units = [u for u in model.navy.units if u.zone >= 0]
    positions = {}
    for force in FORCE_STYLE:
        zones = np.array([u.zone for u in units if u.force == force], dtype=int)
        offset = (0.35 * np.arange(zones.size)) % 1.4
        positions[force] = np.column_stack([lanes.zone_lon[zones] + offset, lanes.zone_lat[zones]])
    fate, lat, lon = model.vessels.stopped()
    jitter = np.random.default_rng(0).uniform(-0.6, 0.6, (fate.size, 2))
    for name in FATE_STYLE:
        mine = fate == FATES.index(name)
        lat_lon = np.column_stack([lat[mine], lon[mine]]) + jitter[mine]
        positions[name] = lat_lon[:, ::-1]
    return positions


def draw_sea(ax: Axes, model: MxStabModel) -> dict:
    """Naval units and stopped vessels as scatters (returned by kind), with the legend."""
    scatters = {}
    positions = fleet_positions(model)
    for kind, style in {**FORCE_STYLE, **FATE_STYLE}.items():
        marker = style.get("marker", "v")
        extra = {"edgecolor": "white", "linewidth": 0.5} if kind in FORCE_STYLE else {}
        scatters[kind] = ax.scatter(
            positions[kind][:, 0],
            positions[kind][:, 1],
            marker=marker,
            s=40 if kind in FORCE_STYLE else 36,
            color=style["color"],
            label=style["label"],
            zorder=6,
            **extra,
        )
    ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
    return scatters


def map_key(grid: Grid, layer: Layer, size: tuple[float, float], fleet: bool) -> tuple:
    """Everything a live map's background depends on (two maps with one key share a figure)."""
    cmap = layer.cmap if isinstance(layer.cmap, str) else tuple(map(str, layer.cmap.colors))
    norm = (type(layer.norm).__name__, layer.norm.vmin, layer.norm.vmax)
    return (grid.resolution, size, layer.label, cmap, norm, layer.categorical, layer.names, fleet)


def live_map_figure(
    grid: Grid, layer: Layer, size: tuple[float, float], fleet: MxStabModel | None
) -> Blit:
    """The map without the layer's values: what moves is the layer, the outlines drawn over
    it and the ships (the legend stays in the background, where the sea keeps it clear)."""
    blank = dataclasses.replace(layer, values=np.full(grid.shape, np.nan))
    figure = draw_map(grid, blank, layer.label, label_states=False, size=size)
    ax = figure.axes[0]
    scatters = draw_sea(ax, fleet) if fleet is not None else {}
    image = ax.images[1]
    blit = Blit(figure, [image, *ax.lines, *ax.collections])
    blit.image, blit.scatters = image, scatters
    return blit


class LiveMap:
    """A layer and the ships of a running model, repainted each month over a shared background
    (`viz/canvas.py`); a categorical layer whose names change (the largest groups) gets the
    background of its names."""

    def __init__(
        self, grid: Grid, layer: Layer, size: tuple[float, float], fleet: MxStabModel | None = None
    ) -> None:
        self.grid, self.size = grid, size
        self.blit = self.figure_for(layer, fleet)

    def figure_for(self, layer: Layer, fleet: MxStabModel | None) -> Blit:
        key = map_key(self.grid, layer, self.size, fleet is not None)
        self.key = key
        return shared(key, lambda: live_map_figure(self.grid, layer, self.size, fleet))

    def png(self, layer: Layer, fleet: MxStabModel | None = None) -> bytes:
        """`layer` (with the ships of `fleet`, a model) as PNG bytes."""
        if map_key(self.grid, layer, self.size, fleet is not None) != self.key:
            self.blit = self.figure_for(layer, fleet)
        blit = self.blit

        def update() -> None:
            blit.image.set_data(layer.values)
            if fleet is not None:
                for kind, positions in fleet_positions(fleet).items():
                    blit.scatters[kind].set_offsets(positions)

        return blit.png(update)

    def lon_lat(self, x: float, y: float) -> tuple[float, float]:
        """The map coordinates under a point of the image given as fractions of its width and
        height from the top left (where the pointer is)."""
        width, height = self.blit.canvas.get_width_height()
        ax = self.blit.figure.axes[0]
        return tuple(ax.transData.inverted().transform((x * width, (1 - y) * height)))


def save_model_map(model: MxStabModel, layer_name: str, when: str, out: Path) -> Path:
    """Render one layer of a model's current month, with the ships at sea, to a PNG."""
    title = f"{when} (seed {model.seed}) — {model_layer(model, layer_name).label}"
    return save_figure(model_map(model, layer_name, title), out)
