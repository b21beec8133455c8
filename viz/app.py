"""The Solara app: watch a policy play out on the map of Mexico (Mesa's SolaraViz).

The panels are plain functions of the model: SolaraViz wraps each in a component that redraws
after every step.

Each browser session builds its own model (`Page` creates it per session). The sidebar holds a
scenario preset, the seed, the resolution and every policy lever of the config; a lever moved
away from its baseline value overrides the preset. Bad input (a seed that is not a whole number,
a value out of range) shows a message and the model falls back to valid values.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import solara
from mesa.visualization import SolaraViz

from mxstab.model.config import LEVERS, ConfigError, field_table
from mxstab.model.model import MxStabModel
from mxstab.model.rules.violence import annual_rate
from mxstab.model.scenarios import load_scenario, scenario_names
from mxstab.model.world.states import state_table
from mxstab.viz.charts import LiveCharts
from mxstab.viz.maps import MODEL_LAYERS, LiveMap, model_map

SEED_RANGE = (0, 2**32 - 1)
MAP_SIZE = (6.6, 3.9)
RESOLUTIONS = ("0.25", "0.1")


def lever_rows() -> list[dict[str, Any]]:
    """The config fields the app offers as controls: every lever, and the policy start."""
    return [
        row
        for row in field_table()
        if row["name"].split(".")[0] in LEVERS or row["name"] == "policy.start"
    ]


def control_name(dotted: str) -> str:
    """`us.tariff_rate` → `us__tariff_rate` (a keyword argument of the app's model)."""
    return dotted.replace(".", "__")


def lever_control(row: dict[str, Any]) -> dict[str, Any]:
    """A SolaraViz user parameter for one config field, labelled with its unit."""
    label = f"{row['name']} ({row['unit']})" if row["unit"] else row["name"]
    if row["type"] == "bool":
        return {"type": "Checkbox", "value": row["default"], "label": label}
    if row["name"] == "policy.start":
        return {"type": "InputText", "value": row["default"], "label": f"{label}"}
    if row["type"] == "str":
        return {
            "type": "Select",
            "value": row["default"],
            "values": ["always", "never", "by_relations"],
            "label": label,
        }
    integer = row["type"] == "int"
    span = row["max"] - row["min"]
    return {
        "type": "SliderInt" if integer else "SliderFloat",
        "value": row["default"],
        "min": row["min"],
        "max": row["max"],
        "step": 1 if integer else span / 100,
        "label": label,
    }


def model_params() -> dict[str, Any]:
    """Every control of the sidebar."""
    params: dict[str, Any] = {
        "preset": {
            "type": "Select",
            "value": "baseline",
            "values": scenario_names(),
            "label": "scenario preset",
        },
        "seed": {"type": "InputText", "value": "0", "label": "seed (whole number)"},
        "resolution": {
            "type": "Select",
            "value": "0.25",
            "values": list(RESOLUTIONS),
            "label": "resolution (degrees)",
        },
    }
    for row in lever_rows():
        params[control_name(row["name"])] = lever_control(row)
    return params


def parse_seed(text: Any) -> tuple[int, str | None]:
    """The seed typed in the sidebar, or 0 and a message saying what is allowed."""
    try:
        seed = int(str(text).strip())
        if not SEED_RANGE[0] <= seed <= SEED_RANGE[1]:
            raise ValueError
        return seed, None
    except ValueError:
        return 0, (
            f"seed: expected a whole number from {SEED_RANGE[0]} to {SEED_RANGE[1]}, got "
            f"{text!r}; running seed 0"
        )


class AppModel(MxStabModel):
    """The model as the app builds it from the sidebar (the preset is not named `scenario`:
    Mesa reserves that name)."""

    def __init__(
        self, preset: str = "baseline", seed: Any = "0", resolution: Any = "0.25", **levers: Any
    ) -> None:
        problems = []
        seed_value, problem = parse_seed(seed)
        if problem:
            problems.append(problem)
        if str(resolution) not in RESOLUTIONS:
            problems.append(f"resolution: expected 0.25 or 0.1, got {resolution!r}; using 0.25")
            resolution = "0.25"
        if preset not in scenario_names():
            problems.append(f"preset: unknown {preset!r}; running the baseline")
            preset = "baseline"
        defaults = {row["name"]: row["default"] for row in lever_rows()}
        overrides = {}
        for name, value in levers.items():
            dotted = name.replace("__", ".")
            if dotted in defaults and value != defaults[dotted]:
                overrides[dotted] = value
        try:
            config = load_scenario(preset).config(overrides)
        except ConfigError as error:
            problems.append(f"{error}; running the preset without these changes")
            config = load_scenario(preset).config()
        super().__init__(config, seed=seed_value, resolution=float(resolution))
        self.preset = preset
        self.input_problems = problems


def when(model: MxStabModel) -> str:
    if model.steps == 0:
        return f"not started ({model.start} next)"
    return model.date(model.month)


@solara.component
def Messages(model: AppModel) -> None:
    for problem in model.input_problems:
        solara.Warning(problem)


def MapView(model: AppModel) -> None:
    """The map with a layer picker and colour bar; units and stopped vessels on the sea."""
    layer, set_layer = solara.use_state("homicide_rate")
    live = solara.use_memo(lambda: LiveMap(model, layer, MAP_SIZE), dependencies=[model, layer])
    Messages(model)
    solara.Markdown(f"**Month: {when(model)}** · scenario `{model.preset}` · seed {model.seed}")
    solara.Select("map layer", value=layer, values=list(MODEL_LAYERS), on_value=set_layer)
    solara.Image(live.png(model), format="png")


def StateFigures(model: AppModel) -> None:
    """A state's figures this month (pick a state)."""
    table = state_table()
    names = [f"{code} {table.loc[code, 'name']}" for code in table.index]
    picked, set_picked = solara.use_state(names[24])
    if model.steps == 0:
        solara.Markdown("Step the model to see a state's figures.")
        return
    code = int(picked.split()[0])
    mine = model.grid.state == code
    places = model.municipalities
    homicides = places.homicides[mine].sum()
    solara.Select("state", value=picked, values=names, on_value=set_picked)
    solara.Markdown(
        f"- homicides this month: {homicides:,.0f} "
        f"({annual_rate(homicides, places.population[mine].sum()):,.1f} per 100k per year)\n"
        f"- corruption: {places.corruption[mine].mean():.3f}\n"
        f"- stability: {places.stability[mine].mean():.3f}\n"
        f"- people leaving this month: {places.left[mine].sum():,.0f}"
    )


def Charts(model: AppModel) -> None:
    live = solara.use_memo(
        lambda: LiveCharts([model.preset], model.policy_month, model.start), dependencies=[model]
    )
    solara.Image(live.png({model.preset: model}), format="png")


def EventLog(model: AppModel) -> None:
    """Strikes, raids, leader removals and splits, assassinations, transfers, tariff changes."""
    lines = [f"- {model.date(m)}: {text}" for m, text in reversed(model.event_log)]
    solara.Markdown("**Event log**\n\n" + ("\n".join(lines[:40]) or "nothing yet"))


def national_table(model: MxStabModel):
    frame = model.national_table()
    frame.insert(0, "month", np.arange(len(frame)))
    return frame


def Export(model: AppModel) -> None:
    """Download the run so far and the current map."""

    def csv() -> bytes:
        return national_table(model).to_csv(index=False).encode()

    def parquet() -> bytes:
        buffer = io.BytesIO()
        national_table(model).to_parquet(buffer, index=False)
        return buffer.getvalue()

    def png() -> bytes:
        buffer = io.BytesIO()
        model_map(model, "homicide_rate", when(model)).savefig(buffer, format="png")
        return buffer.getvalue()

    with solara.Row():
        solara.FileDownload(csv, filename="mxstab_national.csv", label="Download CSV")
        solara.FileDownload(parquet, filename="mxstab_national.parquet", label="Download Parquet")
        solara.FileDownload(png, filename="mxstab_map.png", label="Download map PNG")


def CompareView(model: AppModel) -> None:
    """Two scenarios side by side with the main model's seed, stepping together."""
    names = scenario_names()
    left, set_left = solara.use_state("baseline")
    right, set_right = solara.use_state("full_intervention")
    pair, set_pair = solara.use_state(None)
    steps, set_steps = solara.use_state(0)

    def start() -> None:
        set_pair({name: AppModel(preset=name, seed=str(model.seed)) for name in (left, right)})
        set_steps(0)

    def step_both() -> None:
        for twin in pair.values():
            twin.step()
        set_steps(steps + 1)

    with solara.Row():
        solara.Select("left scenario", value=left, values=names, on_value=set_left)
        solara.Select("right scenario", value=right, values=names, on_value=set_right)
        solara.Button("Start comparison", on_click=start, color="primary")
        solara.Button("Step both", on_click=step_both, disabled=pair is None, color="primary")
    if pair is None:
        solara.Markdown("Pick two scenarios and start: both run with this model's seed.")
        return
    solara.Markdown(f"**Month: {when(next(iter(pair.values())))}** · seed {model.seed}")
    with solara.Columns([1, 1]):
        for name, twin in pair.items():
            solara.FigureMatplotlib(
                model_map(twin, "homicide_rate", name, size=MAP_SIZE), format="png"
            )
    live = solara.use_memo(
        lambda: LiveCharts(list(pair), model.policy_month, model.start), dependencies=[pair]
    )
    solara.Image(live.png(pair), format="png")


@solara.component
def Page() -> None:
    """One model per browser session."""
    model = solara.use_memo(AppModel, dependencies=[])
    SolaraViz(
        model,
        components=[
            (MapView, 0),
            (StateFigures, 0),
            (Charts, 0),
            (EventLog, 0),
            (Export, 0),
            (CompareView, 1),
        ],
        model_params=model_params(),
        name="mxstab — regional stability in Mexico",
        play_interval=300,
    )
