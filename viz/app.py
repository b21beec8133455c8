"""The Solara app: watch a policy play out on the map of Mexico, or two side by side.

The sidebar holds the choice (preset, seed, resolution, every lever, `viz/controls.py`) and the
run's buttons; a choice that differs from the running model's says so until Reset applies it.
Two named tabs: the run (map with hover, state figures, charts, event log, downloads) and the
comparison. Each browser session has its own models; a step draws a frame of PNGs
(`viz/live.py`) that the page only displays.
"""

from __future__ import annotations

import base64
import io
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import solara
import solara.lab

from mxstab.model.scenarios import scenario_names
from mxstab.model.world.states import state_table
from mxstab.viz.controls import (
    RESOLUTIONS,
    SECTIONS,
    Choice,
    choices,
    lever_rows,
    lever_text,
    readable,
    slider_step,
)
from mxstab.viz.live import Comparison, Frame, Run
from mxstab.viz.maps import MODEL_LAYERS
from mxstab.viz.numbers import number

PLAY_INTERVAL_S = 0.3
PLAYER = "mxstab-player"  # the play threads' name
TITLE = "mxstab — regional stability in Mexico"


@solara.component_vue(str(Path(__file__).with_name("hover_map.vue")))
def HoverMap(src: str, alt: str, tip: str, event_hover: Callable[[dict], None]) -> None:
    """A PNG map that reports where the pointer is and shows the text Python answers."""


def data_url(png: bytes) -> str:
    """PNG bytes as an `<img src>` the page can show without another request."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@solara.component
def MapWithHover(png: bytes, alt: str, describe: Callable[[float, float], str | None]) -> None:
    """The map with its hover text, described afresh at each frame (so it follows play)."""
    pointer, set_pointer = solara.use_state((-1.0, -1.0))
    x, y = pointer
    tip = (describe(x, y) or "") if 0 <= x <= 1 and 0 <= y <= 1 else ""
    HoverMap(
        src=data_url(png),
        alt=alt,
        tip=tip,
        event_hover=lambda where: set_pointer((where.get("x", -1), where.get("y", -1))),
    )


def use_player(playing: solara.Reactive[bool], step: Callable[[], None]) -> None:
    """While `playing`, call `step` every PLAY_INTERVAL_S in a thread of its own; the thread
    stops when play stops or the page goes away (each its own flag: a quick Pause and Play
    never leaves two running)."""

    def start() -> Callable[[], None] | None:
        if not playing.value:
            return None
        stop = threading.Event()

        def loop() -> None:
            while not stop.is_set():
                started = time.perf_counter()
                try:
                    step()
                except Exception:  # shown on the page as stopped play, and logged
                    logging.getLogger(__name__).exception("play stopped: a step failed")
                    playing.set(False)
                    return
                stop.wait(max(0.0, PLAY_INTERVAL_S - (time.perf_counter() - started)))

        threading.Thread(target=loop, name=PLAYER, daemon=True).start()
        return stop.set

    solara.use_effect(start, [playing.value])


# --- the sidebar ----------------------------------------------------------------------------


@solara.component
def LeverControl(row: dict[str, Any], choice: solara.Reactive[Choice]) -> None:
    """One lever: its readable name, value and unit in the label; the description under it."""
    name = row["name"]
    value = choice.value.levers[name]
    label = lever_text(name, value)

    def set_value(new: Any) -> None:
        choice.value = choice.value.with_lever(name, new)

    if row["type"] == "bool":
        solara.Checkbox(label=label, value=value, on_value=set_value)
    elif name == "policy.start":
        solara.InputText(label=f"{readable(name)} (YYYY-MM)", value=value, on_value=set_value)
    elif row["type"] == "str":
        solara.Select(label, value=value, values=choices(name), on_value=set_value)
    else:
        solara.Text(label, style={"font-size": "14px"})
        slider = solara.SliderInt if row["type"] == "int" else solara.SliderFloat
        step = slider_step(row)
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


def advance(view: solara.Reactive, lock: threading.Lock) -> None:
    """Step what `view` holds (a run or a comparison) and show its frame, unless Reset or
    Start replaced it meanwhile (so a late play step never overwrites the new one)."""
    held = view.value[0]
    frame = held.step()
    with lock:
        if view.value[0] is held:
            view.value = (held, frame)


def replace_view(view: solara.Reactive, lock: threading.Lock, held: Run | Comparison) -> None:
    """Show a new run or comparison from its first frame."""
    frame = held.frame()
    with lock:
        view.value = (held, frame)


# --- the run tab ----------------------------------------------------------------------------


@solara.component
def StateFigures(frame: Frame) -> None:
    """A state's figures this month, as the run's states table has them (pick a state)."""
    table = state_table()
    names = {f"{code} {table.loc[code, 'name']}": code for code in table.index}
    picked, set_picked = solara.use_state(f"25 {table.loc[25, 'name']}")
    if frame.states is None:
        solara.Markdown("Step the model to see a state's figures.")
        return
    solara.Select("State", value=picked, values=list(names), on_value=set_picked)
    homicides, rate, corruption, stability, displaced = frame.states[names[picked] - 1]
    solara.Markdown(
        f"**{frame.month}**\n\n"
        f"- homicides this month: {number(homicides)} ({number(rate)} per 100k per year)\n"
        f"- corruption: {number(corruption)} (0–1, population-weighted)\n"
        f"- stability: {number(stability)} (0–1, population-weighted)\n"
        f"- people leaving this month: {number(displaced)}"
    )


@solara.component
def EventLog(frame: Frame) -> None:
    """Strikes, raids, leader removals and splits, assassinations, transfers, tariff changes."""
    lines = [f"- {line}" for line in frame.events[:40]]
    solara.Markdown("**Event log**\n\n" + ("\n".join(lines) or "nothing yet"))


@solara.component
def Downloads(run: Run, month: str, layer: str) -> None:
    """The run so far as CSV or Parquet (date, scenario, seed, moved levers on every row) and
    the selected layer's map titled with layer, scenario, seed and month; `month` and `layer`
    are what the file names follow."""

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
def RunTab(run: Run, frame: Frame, show: Callable[[str], None]) -> None:
    """The run: status, layer picker, map with hover, downloads, state figures, events, charts."""
    model = run.model
    for problem in model.input_problems:
        solara.Warning(problem)
    solara.Markdown(f"**Month: {frame.month}** · scenario `{model.label}` · seed {model.seed}")
    by_name = {name: layer for layer, name in MODEL_LAYERS.items()}
    solara.Select(
        "Map layer",
        value=MODEL_LAYERS[run.layer],
        values=list(by_name),
        on_value=lambda name: show(by_name[name]),
    )
    MapWithHover(frame.maps["map"], f"map of {MODEL_LAYERS[run.layer]}", run.hover)
    Downloads(run, frame.month, run.layer)
    with solara.Columns([1, 1]):
        StateFigures(frame)
        EventLog(frame)
    solara.Image(frame.charts, format="png")


# --- the compare tab ------------------------------------------------------------------------


@solara.component
def CompareTab(choice: Choice, layer: str) -> None:
    """Two scenarios with the sidebar's seed, resolution and moved levers, stepping together."""
    names = scenario_names()
    left, set_left = solara.use_state("baseline")
    right, set_right = solara.use_state("full_intervention")
    view = solara.use_reactive(None)  # the comparison and its last frame, changed together
    lock = solara.use_memo(threading.Lock, dependencies=[])
    playing = solara.use_reactive(False)
    pair, frame = view.value or (None, None)

    def start() -> None:
        playing.value = False
        replace_view(view, lock, Comparison(left, right, choice, layer))

    use_player(playing, lambda: advance(view, lock))
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
        with solara.Column(style={"min-width": "260px"}):
            solara.Select("Left scenario", value=left, values=names, on_value=set_left)
        with solara.Column(style={"min-width": "260px"}):
            solara.Select("Right scenario", value=right, values=names, on_value=set_right)
        solara.Button("Start comparison", on_click=start, color="primary")
        solara.Button(
            "Step both",
            on_click=lambda: advance(view, lock),
            disabled=pair is None or playing.value,
            color="primary",
        )
        solara.Button(
            "Pause" if playing.value else "Play both",
            on_click=lambda: playing.set(not playing.value),
            disabled=pair is None,
            color="primary",
        )
    moved = [lever_text(name, value) for name, value in choice.overrides().items()]
    solara.Markdown(
        "Both run with the sidebar's seed and resolution, and its moved levers unless a "
        "warning below says otherwise: "
        + ("; ".join(moved) or "none")
        + f". Layer: {MODEL_LAYERS[layer]} (chosen in the Run tab)."
    )
    if pair is None:
        solara.Markdown("Pick two scenarios and press **Start comparison**.")
        return
    for side, model in pair.models.items():
        for problem in model.input_problems:
            solara.Warning(f"{side}: {problem}")
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
                solara.Markdown(f"**{side}: {pair.models[side].label}**")
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
    choice = solara.use_reactive(solara.use_memo(Choice, dependencies=[]))
    first = solara.use_memo(lambda: (run := Run(Choice()), run.frame()), dependencies=[])
    view = solara.use_reactive(first)  # the run and its last frame, changed together
    lock = solara.use_memo(threading.Lock, dependencies=[])
    playing = solara.use_reactive(False)
    run = view.value[0]

    def reset() -> None:
        playing.value = False
        replace_view(view, lock, Run(choice.value, view.value[0].layer))

    def show(layer: str) -> None:
        held = view.value[0]
        held.show(layer)
        replace_view(view, lock, held)

    use_player(playing, lambda: advance(view, lock))
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
            solara.Button(
                "Step",
                on_click=lambda: advance(view, lock),
                disabled=playing.value,
                color="primary",
            )
        Pending(choice.value.changes_from(run.choice), "Reset")
        ChoiceControls(choice)
    with solara.lab.Tabs():
        with solara.lab.Tab("Run"):
            Pending(choice.value.changes_from(run.choice), "Reset")
            RunTab(run, view.value[1], show)
        with solara.lab.Tab("Compare two scenarios"):
            CompareTab(choice.value, run.layer)
