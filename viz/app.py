"""The Solara app: watch a policy play out on the map of Mexico, or two side by side.

The sidebar holds the choice (preset, seed, resolution, every lever, `viz/controls.py`) and the
run's buttons; a choice that differs from the running model's says so until Reset applies it.
Two named tabs: the run (map with hover, state figures, charts, event log, downloads) and the
comparison. Each browser session has its own models; a step draws a frame of PNGs
(`viz/live.py`) that the page only displays.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import solara
import solara.lab

from mxstab.model.rules.violence import annual_rate
from mxstab.model.scenarios import scenario_names
from mxstab.model.world.states import state_table
from mxstab.viz.controls import RESOLUTIONS, SECTIONS, Choice, lever_rows, readable, shown
from mxstab.viz.live import Comparison, Frame, Run
from mxstab.viz.maps import MODEL_LAYERS
from mxstab.viz.numbers import number

PLAY_INTERVAL_S = 0.3
TITLE = "mxstab — regional stability in Mexico"


@solara.component_vue(str(Path(__file__).with_name("hover_map.vue")))
def HoverMap(src: str, alt: str, tip: str, event_hover: Callable[[dict], None]) -> None:
    """A PNG map that reports where the pointer is and shows the text Python answers."""


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@solara.component
def MapWithHover(png: bytes, alt: str, describe: Callable[[float, float], str | None]) -> None:
    tip, set_tip = solara.use_state("")

    def hovered(where: dict) -> None:
        x, y = where.get("x", -1), where.get("y", -1)
        set_tip(describe(x, y) or "" if 0 <= x <= 1 and 0 <= y <= 1 else "")

    HoverMap(src=data_url(png), alt=alt, tip=tip, event_hover=hovered)


def use_player(playing: solara.Reactive[bool], step: Callable[[], None]) -> None:
    """While `playing`, call `step` every PLAY_INTERVAL_S in a thread of its own."""

    def loop() -> None:
        while playing.value:
            started = time.perf_counter()
            step()
            time.sleep(max(0.0, PLAY_INTERVAL_S - (time.perf_counter() - started)))

    solara.lab.use_task(loop, dependencies=[playing.value], prefer_threaded=True)


# --- the sidebar ----------------------------------------------------------------------------


@solara.component
def LeverControl(row: dict[str, Any], choice: solara.Reactive[Choice]) -> None:
    """One lever: its readable name, value and unit in the label; the description under it."""
    name, unit = row["name"], row["unit"]
    value = choice.value.levers[name]
    label = f"{readable(name)}: {shown(value, unit)}"
    if row["type"] in ("int", "float"):
        solara.Text(label, classes=["mxstab-lever"], style={"font-size": "14px"})

    def set_value(new: Any) -> None:
        choice.value = choice.value.with_lever(name, new)

    if row["type"] == "bool":
        solara.Checkbox(label=label, value=value, on_value=set_value)
    elif row["type"] == "str" and row["name"] == "policy.start":
        solara.InputText(label=f"{readable(name)} (YYYY-MM)", value=value, on_value=set_value)
    elif row["type"] == "str":
        solara.Select(
            label, value=value, values=["always", "never", "by_relations"], on_value=set_value
        )
    else:
        slider = solara.SliderInt if row["type"] == "int" else solara.SliderFloat
        step = 1 if row["type"] == "int" else (row["max"] - row["min"]) / 100
        slider("", value=value, min=row["min"], max=row["max"], step=step, on_value=set_value)
    solara.Text(
        row["description"],
        style={"font-size": "12px", "color": "#555", "display": "block", "margin-bottom": "18px"},
    )


@solara.component
def ChoiceControls(choice: solara.Reactive[Choice]) -> None:
    """Preset (loads its values into every lever), seed, resolution, then the levers by
    section."""
    current = choice.value
    solara.Select(
        "Scenario preset",
        value=current.preset,
        values=scenario_names(),
        on_value=lambda preset: choice.set(choice.value.with_preset(preset)),
    )
    solara.InputText(
        "Seed (whole number)",
        value=current.seed,
        on_value=lambda seed: choice.set(replace(choice.value, seed=seed)),
    )
    solara.Select(
        "Resolution (degrees)",
        value=current.resolution,
        values=list(RESOLUTIONS),
        on_value=lambda res: choice.set(replace(choice.value, resolution=res)),
    )
    rows = lever_rows()
    for section, heading in SECTIONS.items():
        with solara.Details(heading, expand=section == "us"):
            for row in rows:
                if row["name"].startswith(section + "."):
                    LeverControl(row, choice)


@solara.component
def Pending(changes: list[str], action: str) -> None:
    """The visible 'not applied' state of a choice the running model does not have."""
    if changes:
        solara.Warning(
            f"Not applied — press {action}: " + "; ".join(changes), classes=["mxstab-pending"]
        )


# --- the run tab ----------------------------------------------------------------------------


@solara.component
def StateFigures(run: Run, month: str) -> None:
    """A state's figures this month (pick a state)."""
    table = state_table()
    names = [f"{code} {table.loc[code, 'name']}" for code in table.index]
    picked, set_picked = solara.use_state(names[24])
    model = run.model
    if model.steps == 0:
        solara.Markdown("Step the model to see a state's figures.")
        return
    solara.Select("State", value=picked, values=names, on_value=set_picked)
    mine = model.grid.state == int(picked.split()[0])
    places = model.municipalities
    homicides = places.homicides[mine].sum()
    rate = annual_rate(homicides, places.population[mine].sum())
    solara.Markdown(
        f"**{month}**\n\n"
        f"- homicides this month: {number(homicides)} ({number(rate)} per 100k per year)\n"
        f"- corruption: {number(places.corruption[mine].mean())} (0–1)\n"
        f"- stability: {number(places.stability[mine].mean())} (0–1)\n"
        f"- people leaving this month: {number(places.left[mine].sum())}"
    )


@solara.component
def EventLog(run: Run, month: str) -> None:
    """Strikes, raids, leader removals and splits, assassinations, transfers, tariff changes."""
    model = run.model
    lines = [f"- {model.date(m)}: {text}" for m, text in reversed(model.event_log)]
    solara.Markdown("**Event log**\n\n" + ("\n".join(lines[:40]) or "nothing yet"))


@solara.component
def Downloads(run: Run, month: str, layer: str) -> None:
    """The run so far as CSV or Parquet (date, scenario, seed on every row) and the selected
    layer's map, titled with layer, scenario, seed and month."""
    import io

    def parquet() -> bytes:
        buffer = io.BytesIO()
        run.table().to_parquet(buffer, index=False)
        return buffer.getvalue()

    stem = run.file_stem()
    with solara.Row(style={"flex-wrap": "wrap"}):
        solara.FileDownload(
            lambda: run.table().to_csv(index=False).encode(),
            filename=f"{stem}.csv",
            label="Download CSV",
        )
        solara.FileDownload(parquet, filename=f"{stem}.parquet", label="Download Parquet")
        solara.FileDownload(run.map_png, filename=f"{stem}.png", label="Download map PNG")


@solara.component
def RunTab(run: Run, frame: Frame, set_frame: Callable[[Frame], None]) -> None:
    model = run.model
    for problem in model.input_problems:
        solara.Warning(problem)
    solara.Markdown(f"**Month: {frame.month}** · scenario `{model.preset}` · seed {model.seed}")
    by_name = {name: layer for layer, name in MODEL_LAYERS.items()}
    solara.Select(
        "Map layer",
        value=MODEL_LAYERS[run.layer],
        values=list(by_name),
        on_value=lambda name: set_frame(run.show(by_name[name])),
    )
    MapWithHover(frame.maps["map"], f"map of {MODEL_LAYERS[run.layer]}", run.hover)
    Downloads(run, frame.month, run.layer)
    with solara.Columns([1, 1]):
        StateFigures(run, frame.month)
        EventLog(run, frame.month)
    solara.Image(frame.charts, format="png")


# --- the compare tab ------------------------------------------------------------------------


@solara.component
def CompareTab(choice: Choice, layer: str) -> None:
    """Two scenarios with the sidebar's seed, resolution and moved levers, stepping together."""
    names = scenario_names()
    left, set_left = solara.use_state("baseline")
    right, set_right = solara.use_state("full_intervention")
    view = solara.use_reactive(None)  # the comparison and its last frame, changed together
    playing = solara.use_reactive(False)
    pair, frame = view.value or (None, None)

    def start() -> None:
        playing.value = False
        comparison = Comparison(left, right, choice, layer)
        view.value = (comparison, comparison.frame())

    def step_both() -> None:
        stepped = view.value[0]
        frame = stepped.step()
        if view.value[0] is stepped:  # not restarted meanwhile
            view.value = (stepped, frame)

    use_player(playing, step_both if pair is not None else lambda: None)
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
        with solara.Column(style={"min-width": "260px"}):
            solara.Select("Left scenario", value=left, values=names, on_value=set_left)
        with solara.Column(style={"min-width": "260px"}):
            solara.Select("Right scenario", value=right, values=names, on_value=set_right)
        solara.Button("Start comparison", on_click=start, color="primary")
        solara.Button(
            "Step both",
            on_click=step_both,
            disabled=pair is None or playing.value,
            color="primary",
        )
        solara.Button(
            "Pause" if playing.value else "Play both",
            on_click=lambda: playing.set(not playing.value),
            disabled=pair is None,
            color="primary",
        )
    units = {row["name"]: row["unit"] for row in lever_rows()}
    moved = [f"{readable(k)}: {shown(v, units[k])}" for k, v in choice.overrides().items()]
    solara.Markdown(
        "Both run with the sidebar's seed and resolution; its moved levers apply to both: "
        + ("; ".join(moved) or "none")
        + f". Layer: {MODEL_LAYERS[layer]} (chosen in the Run tab)."
    )
    if pair is None:
        solara.Markdown("Pick two scenarios and press **Start comparison**.")
        return
    if pair.made_from != (left, right, choice, layer):
        solara.Warning(
            "Not applied — press Start comparison: the scenarios, the sidebar or the layer "
            "changed since this comparison started.",
            classes=["mxstab-pending"],
        )
    solara.Markdown(f"**Month: {frame.month}** · seed {pair.models['left'].seed}")
    with solara.Columns([1, 1]):
        for side in ("left", "right"):
            with solara.Column():
                solara.Markdown(f"**{side}: {pair.names[side]}**")
                MapWithHover(
                    frame.maps[side], f"{side} map", lambda x, y, s=side: pair.hover(s, x, y)
                )
    if "difference" in frame.maps:
        solara.Markdown(f"**Difference: {pair.names['right']} minus {pair.names['left']}**")
        MapWithHover(
            frame.maps["difference"],
            "difference map",
            lambda x, y: pair.hover("difference", x, y),
        )
    else:
        solara.Markdown("The territory layer has categories: no difference map.")
    solara.Image(frame.charts, format="png")


# --- the page -------------------------------------------------------------------------------


@solara.component
def Page() -> None:
    """One run per browser session; the sidebar's choice applies on Reset."""
    choice = solara.use_reactive(Choice())
    first = solara.use_memo(lambda: (run := Run(Choice()), run.frame()), dependencies=[])
    view = solara.use_reactive(first)  # the run and its last frame, changed together
    playing = solara.use_reactive(False)
    run = view.value[0]

    def step() -> None:
        stepped = view.value[0]
        frame = stepped.step()
        if view.value[0] is stepped:  # not reset meanwhile
            view.value = (stepped, frame)

    def reset() -> None:
        playing.value = False
        fresh = Run(choice.value, view.value[0].layer)
        view.value = (fresh, fresh.frame())

    use_player(playing, step)
    solara.Title(TITLE)
    with solara.AppBarTitle():
        solara.Text(TITLE)
    with solara.Sidebar():
        with solara.Row():
            solara.Button("Reset", on_click=reset, color="primary")
            solara.Button(
                "Pause" if playing.value else "Play",
                on_click=lambda: playing.set(not playing.value),
                color="primary",
            )
            solara.Button("Step", on_click=step, disabled=playing.value, color="primary")
        Pending(choice.value.changes_from(run.choice), "Reset")
        ChoiceControls(choice)
    with solara.lab.Tabs():
        with solara.lab.Tab("Run"):
            Pending(choice.value.changes_from(run.choice), "Reset")
            RunTab(run, view.value[1], lambda frame: view.set((run, frame)))
        with solara.lab.Tab("Compare two scenarios"):
            CompareTab(choice.value, run.layer)
