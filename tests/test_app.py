"""The app: its rules without a browser (the sidebar's choice, the live views, the palettes), the
page rendered headless with `solara.render`, and the served page in a browser (Playwright
driving Debian's Chromium; screenshots kept in `test-artifacts/`)."""

from __future__ import annotations

import itertools
import re
import time
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
import solara

from conftest import require_tool
from mxstab.model.world.grid import BBOX
from mxstab.model.world.states import state_table
from mxstab.viz import app, charts, maps
from mxstab.viz.controls import (
    AppModel,
    Choice,
    choices,
    lever_rows,
    preset_values,
    readable,
    shown,
    slider_step,
)
from mxstab.viz.live import Comparison, Run

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
ERROR_TEXT = ("Traceback", "error in step", "Exception")


@pytest.fixture(scope="module")
def run():
    """A baseline run of seed 3, two months in."""
    run = Run(Choice(seed="3"))
    for _ in range(2):
        run.step()
    return run


# --- the sidebar's choice -------------------------------------------------------------------


def test_a_preset_loads_its_values_into_every_lever():
    choice = Choice().with_preset("full_intervention")
    assert choice.levers["us.escalation_level"] == 3
    assert choice.levers == preset_values("full_intervention") != preset_values("baseline")
    assert choice.overrides() == {}  # the preset's own values override nothing


def test_a_valid_seed_runs_as_typed_so_nothing_stays_not_applied():
    for typed in ("07", " 7", "7"):
        model = AppModel(Choice(seed=typed))
        assert model.seed == 7 and Choice(seed=typed).changes_from(model.ran) == []


def test_a_moved_lever_overrides_the_preset_and_is_listed_as_not_applied():
    applied = Choice().with_preset("lab_strikes")
    moved = applied.with_lever("us.escalation_level", 2)
    assert moved.overrides() == {"us.escalation_level": 2}
    assert AppModel(moved).requested.us.escalation_level == 2
    assert AppModel(applied).requested.us.escalation_level == 1
    assert moved.changes_from(applied) == ["Escalation level: level 1 → level 2"]
    assert applied.changes_from(applied) == []


def test_levers_have_readable_labels_and_values_with_units():
    assert readable("us.usmca_exempt_share") == "USMCA exempt share"
    assert readable("mx.crackdown_state") == "Crackdown state"
    assert shown(0.25, "share") == "0.25 share"
    assert shown(3, "level") == "level 3"
    assert shown(True, "") == "on"
    assert shown(25, "INEGI code") == "Sinaloa" and shown(0, "INEGI code") == "none"
    assert shown(2.7298485280189224, "days/month") == "2.73 days/month"


def test_every_presets_value_lies_on_its_levers_slider():
    """A lever moved and moved back can return to the preset's value (no 'Not applied' left)."""
    from mxstab.model.scenarios import scenario_names

    for row in lever_rows():
        if row["type"] not in ("int", "float"):
            continue
        step = slider_step(row)
        for preset in scenario_names():
            steps = (preset_values(preset)[row["name"]] - row["min"]) / step
            assert abs(steps - round(steps)) < 1e-9, (row["name"], preset, step)


def test_a_text_lever_offers_exactly_the_values_its_field_allows():
    assert choices("mx.consent") == ["always", "never", "by_relations"]
    for value in [*choices("mx.consent"), "sometimes"]:
        model = AppModel(Choice().with_lever("mx.consent", value))
        refused = any("mx.consent" in problem for problem in model.input_problems)
        assert refused == (value == "sometimes")


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"seed": "abc"}, "seed: expected a whole number"),
        ({"seed": "-4"}, "seed: expected a whole number"),
        ({"seed": "7.5"}, "seed: expected a whole number"),
        ({"levers": {"us.escalation_level": 9}}, "us.escalation_level"),
        ({"resolution": "0.3"}, "resolution: expected 0.25 or 0.1"),
        ({"preset": "../../pyproject"}, "preset: unknown"),  # a path is not a preset
    ],
)
def test_bad_input_gives_a_message_and_a_valid_model(changes, named):
    choice = Choice()
    levers = {**choice.levers, **changes.pop("levers", {})}
    wanted = Choice(**{**vars(choice), "levers": levers, **changes})
    model = AppModel(wanted)
    assert any(named in problem for problem in model.input_problems)
    assert wanted.changes_from(model.ran)  # the sidebar says it is not what runs
    assert model.ran.changes_from(AppModel(model.ran).ran) == []  # what runs is valid
    model.step()


# --- the live views -------------------------------------------------------------------------


def test_downloads_name_layer_scenario_seed_and_month(run):
    run.show("corruption")
    assert run.title().startswith("corruption (0–1, log scale) — baseline, seed 3, 2024-02")
    assert run.file_stem() == "mxstab_baseline_seed3_2024-02_corruption"
    table = run.table()
    assert list(table.columns[:3]) == ["date", "scenario", "seed"]
    assert list(table["date"]) == ["2024-01", "2024-02"]
    assert set(table["scenario"]) == {"baseline"} and set(table["seed"]) == {3}
    corruption = run.map_png()
    run.show("homicide_rate")
    assert corruption[:4] == b"\x89PNG" and corruption != run.map_png()
    assert set(table["levers_moved"].fillna("")) == {""}


def test_downloads_say_which_levers_were_moved_off_the_preset():
    moved = Run(Choice(seed="3").with_lever("us.escalation_level", 2))
    assert moved.title().endswith("— baseline + 1 moved lever, seed 3, before 2024-01")
    assert moved.file_stem() == "mxstab_baseline+1levers_seed3_before-2024-01_homicide_rate"
    moved.step()
    assert list(moved.table()["levers_moved"]) == ["us.escalation_level=2"]


def test_the_state_figures_shown_are_the_runs_states_table(run):
    from mxstab.model.observation import state_figures

    frame = run.frame()
    np.testing.assert_array_equal(frame.states, state_figures(run.model))
    assert frame.events == tuple(
        f"{run.model.date(m)}: {text}" for m, text in reversed(run.model.event_log)
    )


def pointer_at(live_map: maps.LiveMap, lon: float, lat: float) -> tuple[float, float]:
    """Where (lon, lat) is on the map image, as fractions from the top left."""
    ax = live_map.blit.figure.axes[0]
    x, y = ax.transData.transform((lon, lat))
    width, height = live_map.blit.canvas.get_width_height()
    return x / width, 1 - y / height


@pytest.mark.parametrize("layer", ["homicide_rate", "territory"])
def test_hovering_names_the_state_the_value_with_its_unit_and_the_month(run, layer):
    run.show(layer)
    grid = run.model.grid
    row, col = np.argwhere(grid.state == 14)[40]  # a cell of Jalisco
    lon = BBOX["lon_min"] + (col + 0.5) * grid.resolution
    lat = BBOX["lat_min"] + (row + 0.5) * grid.resolution
    text = run.hover(*pointer_at(run.live_map, lon, lat))
    state, value, month = text.split(" · ")
    assert state == state_table().loc[14, "name"] and month == "2024-02"
    shown_layer = maps.model_layer(run.model, layer)
    assert value == shown_layer.describe(shown_layer.values[row, col])
    if layer == "homicide_rate":
        assert value.endswith("homicides per 100k per year")
    else:
        assert value in shown_layer.names
    assert run.hover(*pointer_at(run.live_map, -118.0, 15.0)) is None  # the Pacific
    run.show("homicide_rate")


def test_the_territory_legend_names_the_largest_groups_by_cells_held(run):
    owner = pd.Series(run.model.cartels.owner.ravel())
    held = owner[owner >= 0].value_counts()
    seventh = held.iloc[6]
    largest = {run.model.cartels.names[g] for g in held.index[held > seventh]}
    tied = {run.model.cartels.names[g] for g in held.index[held == seventh]}
    live = maps.LiveMap(run.model.grid, maps.territory_layer(run.model), (9.0, 4.6), run.model)
    drawn = [t.get_text() for t in live.blit.figure.legends[0].get_texts()]
    assert drawn[-1] == "other groups" and len(drawn) == 8
    assert drawn[:-1] == sorted(drawn[:-1])  # by name: a new order among them redraws nothing
    assert largest <= set(drawn[:-1]) <= largest | tied
    layer = maps.territory_layer(run.model)
    assert len(layer.names) == layer.cmap.N  # a colour per name, not one per group


def test_the_comparison_applies_the_sidebars_levers_to_both_and_draws_the_difference():
    choice = Choice(seed="5").with_lever("mx.social_programs", 4.0)
    pair = Comparison("baseline", "lab_strikes", choice, "homicide_rate")
    frame = pair.step()
    for model in pair.models.values():
        assert model.requested.mx.social_programs == 4.0 and model.seed == 5
    assert pair.models["right"].requested.us.escalation_level == 1
    left, right = (maps.model_layer(m, "homicide_rate").values for m in pair.models.values())
    np.testing.assert_array_equal(pair.shown["difference"].values, right - left)
    assert set(frame.maps) == {"left", "right", "difference"} and frame.month == "2024-01"


def test_a_drawn_figure_is_shared_by_sessions_with_the_same_background(run):
    other = Run(Choice(seed="9"))
    assert other.live_map.blit is run.live_map.blit and other.charts.blit is run.charts.blit
    other.step()
    mine, theirs = run.frame(), other.frame()
    assert mine.maps["map"] != theirs.maps["map"]  # each session paints its own model
    assert run.frame().maps["map"] == mine.maps["map"]
    layer = maps.model_layer(run.model, "homicide_rate")
    other_label = maps.Layer(layer.values, "another label", layer.cmap, layer.norm)
    assert maps.LiveMap(run.model.grid, other_label, (9.0, 4.6), run.model).blit is not (
        run.live_map.blit
    )


# --- colours and sizes ----------------------------------------------------------------------


def deuteranope(colour) -> np.ndarray:
    from colorspacious import cspace_convert

    rgb = np.asarray(matplotlib.colors.to_rgb(colour))
    seen = {"name": "sRGB1+CVD", "cvd_type": "deuteranomaly", "severity": 100}
    return np.clip(cspace_convert(rgb, seen, "sRGB1"), 0, 1)


def lightness(cmap) -> np.ndarray:
    from colorspacious import cspace_convert

    rgb = matplotlib.colormaps[cmap](np.linspace(0, 1, 64))[:, :3]
    return cspace_convert(rgb, "sRGB1", "CAM02-UCS")[:, 0]


def test_every_continuous_layer_reads_by_lightness_alone(run):
    """A sequential palette whose lightness rises or falls all the way reads without hue (so
    without red against green); the difference map's lightness peaks at zero change."""
    for name in maps.MODEL_LAYERS:
        layer = maps.model_layer(run.model, name)
        if layer.categorical:
            continue
        steps = np.diff(lightness(layer.cmap))
        assert (steps > 0).all() or (steps < 0).all(), name
        assert lightness(layer.cmap).min() < 40, name  # the low end is not near-white
    pair = Comparison("baseline", "baseline", Choice(), "homicide_rate")
    middle = lightness(pair.shown["difference"].cmap)
    peak = int(np.argmax(middle))
    assert 28 <= peak <= 35 and (np.diff(middle[:peak]) > 0).all()
    assert (np.diff(middle[peak + 1 :]) < 0).all()


def test_territory_and_series_colours_stay_apart_under_deuteranopia():
    from colorspacious import deltaE

    colours = [*maps.OKABE_ITO, maps.OTHER_GROUPS]
    for first, second in itertools.combinations(colours, 2):
        distance = deltaE(deuteranope(first), deuteranope(second), input_space="sRGB1")
        assert distance > 12, (first, second, distance)  # CAM02-UCS; 1 is just noticeable
    left, right = charts.LINE_COLOURS
    assert deltaE(deuteranope(left), deuteranope(right), input_space="sRGB1") > 20


def test_chart_ticks_are_at_least_10_px_at_their_own_size(run):
    figure = run.charts.blit.figure
    labels = [t for ax in figure.axes for t in ax.get_xticklabels() + ax.get_yticklabels()]
    assert labels and min(t.get_fontsize() for t in labels) * figure.dpi / 72 >= 10


# --- the page, headless ---------------------------------------------------------------------


@solara.component
def Served():
    """The page as the server shows it: wrapped in an app layout, which places the sidebar."""
    with solara.AppLayout():
        app.Page()


def widgets_text(rc) -> str:
    """Labels and values of the rendered widgets, and the HTML of their Markdown."""
    import ipyvue
    import ipywidgets

    templates = [w.template for w in rc.find(ipyvue.VueTemplate).widgets]
    return repr(rc.find(ipywidgets.Widget).widgets) + "".join(map(str, templates))


def test_a_picked_preset_shows_not_applied_until_reset_then_runs_with_its_values():
    import ipyvuetify as v

    box, rc = solara.render(Served(), handle_error=False)
    rc.find(v.Select, label="Scenario preset").widget.v_model = "full_intervention"
    alerts = [a.children[0] for a in rc.find(v.Alert).widgets]
    assert alerts and all(a.startswith("Not applied — press Reset") for a in alerts)
    assert "Escalation level: level 0 → level 3" in alerts[0]
    assert "Escalation level: level 3" in widgets_text(rc)  # the sidebar shows the preset's
    rc.find(v.Btn, children=["Reset"]).widget.click()
    assert not rc.find(v.Alert).widgets
    assert re.search(r"scenario\W+(code>)?full_intervention", widgets_text(rc))
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert "Month: 2024-01" in widgets_text(rc)
    rc.close()


def test_play_and_pause_quickly_leave_one_play_thread():
    import threading

    import ipyvuetify as v

    def players() -> int:
        return sum(t.name == app.PLAYER and t.is_alive() for t in threading.enumerate())

    box, rc = solara.render(Served(), handle_error=False)
    for _ in range(3):
        rc.find(v.Btn, children=["Play"]).widget.click()
        rc.find(v.Btn, children=["Pause"]).widget.click()
    rc.find(v.Btn, children=["Play"]).widget.click()
    wait_for(lambda: players() == 1, "the stopped loops to end their step", seconds=10)
    time.sleep(4 * app.PLAY_INTERVAL_S)
    assert players() == 1  # and the one left plays on
    rc.find(v.Btn, children=["Pause"]).widget.click()
    wait_for(lambda: players() == 0, "the play thread to stop", seconds=10)
    rc.find(v.Btn, children=["Play"]).widget.click()
    wait_for(lambda: players() == 1, "play again")
    rc.close()  # the page goes away
    wait_for(lambda: players() == 0, "the play thread to stop with its page", seconds=10)


def wait_for(condition, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds} s for {what}")
        time.sleep(0.25)


# --- in a browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served():
    """`mxstab app` and a Chromium for the module's tests."""
    from playwright.sync_api import sync_playwright

    from mxstab.experiments.bench import served_app

    chromium = require_tool("chromium")
    ARTIFACTS.mkdir(exist_ok=True)
    with served_app() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield browser, url
        browser.close()


@pytest.fixture
def page(served):
    """A page of its own at 1440 × 1000 (a session of its own: tests share no state)."""
    from mxstab.experiments.bench import open_app

    browser, url = served
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    open_app(page, url)
    yield page
    assert_no_error(page)
    context.close()


def status(page) -> str:
    """The line above the map: month, scenario, seed."""
    return page.get_by_text("Month:").first.locator("xpath=..").inner_text()


def step(page, month: str) -> None:
    page.get_by_role("button", name="Step", exact=True).click()
    wait_for(lambda: month in status(page), f"month {month}")


def assert_no_error(page) -> None:
    body = page.inner_text("body")
    for text in ERROR_TEXT:
        assert text not in body, body[:2000]


def pick(page, label: str, option: str) -> None:
    page.get_by_label(label).first.click(force=True)
    page.get_by_role("option", name=option, exact=True).click()


def test_browser_tabs_are_named_and_the_map_steps(page):
    assert [t.inner_text().strip().lower() for t in page.get_by_role("tab").all()] == [
        "run",
        "compare two scenarios",
    ]
    image = page.locator(".mxstab-hover-map img").first
    before = image.get_attribute("src")
    step(page, "2024-01")
    wait_for(lambda: image.get_attribute("src") != before, "the map of 2024-01")
    page.screenshot(path=ARTIFACTS / "app_stepped.png", full_page=True)


def test_browser_sliders_show_readable_labels_with_value_and_unit(page):
    for text in (
        "Tariff rate: 0 share",
        "USMCA exempt share: 0.5 share",
        "Escalation level: level 0",
    ):
        assert page.get_by_text(text, exact=True).count() == 1, text
    page.get_by_text("Mexico", exact=True).click()  # open the section
    page.get_by_text("Social programs: 1 × 2024", exact=True).wait_for()
    page.screenshot(path=ARTIFACTS / "app_sidebar.png")


def hover(page, run: Run, lon: float, lat: float) -> str:
    """Point at (lon, lat) on the page's map (drawn with the same figure as `run`'s) and read
    the tip."""
    box = page.locator(".mxstab-hover-map img").first.bounding_box()
    x, y = pointer_at(run.live_map, lon, lat)
    page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"])
    tip = page.locator(".mxstab-tip").first
    wait_for(lambda: "·" in tip.inner_text(), "the hover text")
    return tip.inner_text()


def test_browser_hover_shows_state_value_with_unit_and_month(page, run):
    step(page, "2024-01")
    state, value, month = hover(page, run, -103.6, 20.4).split(" · ")
    assert state == "Jalisco"
    assert value.endswith("homicides per 100k per year") and month == "2024-01"
    page.screenshot(path=ARTIFACTS / "app_hover.png")


def test_browser_chart_ticks_are_at_least_10_px_at_1440(page):
    chart = page.locator("img").last
    natural, shown_width = chart.evaluate("i => [i.naturalWidth, i.clientWidth]")
    assert natural == 10 * charts.DPI  # the charts image, not another
    assert charts.TICK_PT * charts.DPI / 72 * shown_width / natural >= 10


def test_browser_territory_layer_has_a_legend_and_hover_names_the_group(page):
    pick(page, "Map layer", maps.MODEL_LAYERS["territory"])
    image = page.locator(".mxstab-hover-map img").first
    wait_for(lambda: "territory" in image.get_attribute("alt"), "the territory layer")
    same = Run(Choice(), "territory")  # the page's run: the same figure, the same groups
    state, group, _ = hover(page, same, -107.4, 24.8).split(" · ")
    assert state == "Sinaloa" and group in maps.territory_layer(same.model).names
    page.screenshot(path=ARTIFACTS / "app_territory.png")
    pick(page, "Map layer", maps.MODEL_LAYERS["corruption"])
    wait_for(lambda: "corruption" in image.get_attribute("alt"), "the corruption layer")
    page.screenshot(path=ARTIFACTS / "app_corruption.png")


def test_browser_downloads_are_titled_and_the_csv_has_date_scenario_seed(page, tmp_path):
    step(page, "2024-01")
    pick(page, "Map layer", maps.MODEL_LAYERS["stability"])
    image = page.locator(".mxstab-hover-map img").first
    wait_for(lambda: "stability" in image.get_attribute("alt"), "the stability layer")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download map PNG").click()
    assert download.value.suggested_filename == "mxstab_baseline_seed0_2024-01_stability.png"
    path = tmp_path / "map.png"
    download.value.save_as(path)
    assert path.read_bytes()[:4] == b"\x89PNG"
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    download.value.save_as(tmp_path / "run.csv")
    table = pd.read_csv(tmp_path / "run.csv")
    assert list(table.columns[:3]) == ["date", "scenario", "seed"]
    assert list(table["date"]) == ["2024-01"] and set(table["seed"]) == {0}


def test_browser_preset_shows_not_applied_until_reset(page):
    pick(page, "Scenario preset", "full_intervention")
    pending = page.locator(".mxstab-pending").first
    pending.wait_for()
    assert "Not applied — press Reset" in pending.inner_text()
    assert page.get_by_text("Escalation level: level 3", exact=True).count() == 1
    assert "baseline" in status(page)  # the run has not changed under the user
    page.screenshot(path=ARTIFACTS / "app_preset_pending.png")
    page.get_by_role("button", name="Reset", exact=True).click()
    wait_for(lambda: "full_intervention" in status(page), "the preset applied")
    assert page.locator(".mxstab-pending").count() == 0
    assert "not started" in status(page)
    page.screenshot(path=ARTIFACTS / "app_scenario.png", full_page=True)


def test_browser_compare_tab_applies_levers_plays_and_draws_the_difference(page):
    page.get_by_text("Designation: on", exact=True).click()  # a lever moved off the preset
    page.get_by_role("tab", name="Compare two scenarios").click()
    page.get_by_text("says otherwise: Designation: off").wait_for()
    page.get_by_role("button", name="Start comparison").click()
    page.get_by_text("Difference: full_intervention minus baseline").wait_for(timeout=60_000)
    assert page.get_by_text("right: full_intervention + 1 moved lever").count() == 1
    page.get_by_role("button", name="Play both").click()
    month = page.get_by_text("Month:").last
    wait_for(lambda: "2024-02" in month.inner_text(), "two months played")
    page.get_by_role("button", name="Pause").click()
    assert page.locator(".mxstab-hover-map img").count() == 4  # the run's, left, right, change
    page.screenshot(path=ARTIFACTS / "app_compare.png", full_page=True)


def test_browser_two_sessions_step_independently(page, served):
    from mxstab.experiments.bench import open_app

    browser, url = served
    other = browser.new_context().new_page()
    open_app(other, url)
    step(page, "2024-01")
    step(page, "2024-02")
    assert "not started" in status(other)
    step(other, "2024-01")
    assert "2024-02" in status(page)
    other.context.close()
