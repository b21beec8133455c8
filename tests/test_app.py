"""The app: its panels rendered headless with `solara.render`, and the served page in a browser
(Playwright driving Debian's Chromium; screenshots kept in `test-artifacts/`)."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import solara

from conftest import MXSTAB, require_tool
from mxstab.viz import app

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
ERROR_TEXT = ("Traceback", "error in step", "Exception")


def render(panel, model):
    """Render a panel function the way SolaraViz does (inside a component)."""

    @solara.component
    def Host():
        panel(model)

    box, rc = solara.render(Host(), handle_error=False)
    return rc


def texts(rc) -> str:
    """The rendered widget tree as text (values, labels, markdown, nested children)."""
    import ipywidgets

    return repr(rc.find(ipywidgets.Widget).widgets)


@pytest.fixture(scope="module")
def stepped():
    model = app.AppModel(preset="baseline", seed="3")
    for _ in range(2):
        model.step()
    return model


def test_map_panel_draws_an_image_with_a_layer_picker(stepped):
    import ipywidgets

    rc = render(app.MapView, stepped)
    images = rc.find(ipywidgets.Image).widgets
    assert images and len(images[0].value) > 10_000
    assert "2024-02" in texts(rc)
    rc.find(v_model="homicide_rate").assert_single()


def test_charts_and_state_panels_render(stepped):
    import ipywidgets

    assert render(app.Charts, stepped).find(ipywidgets.Image).widgets
    assert "homicides this month" in texts(render(app.StateFigures, stepped))


def test_event_log_lists_dated_events():
    model = app.AppModel(preset="baseline", seed="1")
    for _ in range(9):
        model.step()
    log = texts(render(app.EventLog, model))
    assert "2024-09" in log and "Sinaloa" in log


def test_export_offers_csv_parquet_and_png(stepped):
    rc = render(app.Export, stepped)
    labels = texts(rc)
    for label in ("Download CSV", "Download Parquet", "Download map PNG"):
        assert label in labels


def test_compare_panel_steps_two_models_together(stepped):
    import ipyvuetify

    rc = render(app.CompareView, stepped)
    rc.find(ipyvuetify.Btn, children=["Start comparison"]).widget.click()
    rc.find(ipyvuetify.Btn, children=["Step both"]).widget.click()
    rc.find(ipyvuetify.Btn, children=["Step both"]).widget.click()
    assert "2024-02" in texts(rc)


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"seed": "abc"}, "seed: expected a whole number"),
        ({"seed": "-4"}, "seed: expected a whole number"),
        ({"us__escalation_level": 9}, "us.escalation_level"),
        ({"resolution": "0.3"}, "resolution: expected 0.25 or 0.1"),
    ],
)
def test_bad_input_gives_a_message_not_a_crash(kwargs, named):
    model = app.AppModel(**kwargs)
    assert any(named in problem for problem in model.input_problems)
    rc = render(app.MapView, model)
    assert named in texts(rc)


def test_a_moved_lever_overrides_the_preset():
    model = app.AppModel(preset="lab_strikes", us__escalation_level=2)
    assert model.requested.us.escalation_level == 2
    assert app.AppModel(preset="lab_strikes").requested.us.escalation_level == 1


# --- in a browser ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def served():
    """`mxstab app` on a free port, until the module's tests are done."""
    chromium = require_tool("chromium")
    port = free_port()
    process = subprocess.Popen(
        [str(MXSTAB), "app", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5)
            break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail(f"mxstab app did not answer on {url}: {process.stdout.read()}")
    yield url, chromium
    process.terminate()
    process.wait(timeout=20)


def map_image(page):
    """The main map: the first image of the dashboard."""
    image = page.locator("img").first
    image.wait_for(timeout=60_000)
    return image


def map_screenshot(page, attempts: int = 5) -> bytes:
    """A screenshot of the map, taken again if the image was re-rendered (detached) meanwhile."""
    from playwright.sync_api import Error

    for _ in range(attempts - 1):
        try:
            return map_image(page).screenshot()
        except Error as error:
            if "not attached" not in str(error):
                raise
            time.sleep(1)
    return map_image(page).screenshot()


def month_text(page) -> str:
    """The status line above the map: month, scenario, seed."""
    return page.get_by_text("Month:").first.locator("xpath=..").inner_text()


def wait_for_month(page, month: str) -> None:
    page.get_by_text(f"Month: {month}").first.wait_for(timeout=60_000)


def assert_no_error(page) -> None:
    body = page.inner_text("body")
    for text in ERROR_TEXT:
        assert text not in body, body[:2000]


def test_the_app_in_a_browser(served):
    from playwright.sync_api import sync_playwright

    url, chromium = served
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        page.goto(url)
        image = map_image(page)
        page.screenshot(path=ARTIFACTS / "app_loaded.png", full_page=True)
        before = image.get_attribute("src")
        pixels = np.frombuffer(map_screenshot(page), np.uint8)
        assert pixels.size > 10_000 and pixels.std() > 5, "the map is blank"
        for month in ("2024-01", "2024-02", "2024-03"):
            page.get_by_role("button", name="Step", exact=True).click()
            wait_for_month(page, month)
        assert map_image(page).get_attribute("src") != before, "the map did not change"
        page.screenshot(path=ARTIFACTS / "app_stepped.png", full_page=True)
        assert_no_error(page)

        page.get_by_label("scenario preset").first.click(force=True)
        page.get_by_role("option", name="full_intervention").click()
        page.get_by_role("button", name="Reset", exact=True).click()
        deadline = time.time() + 60
        while "full_intervention" not in month_text(page) and time.time() < deadline:
            time.sleep(0.5)
        assert "full_intervention" in month_text(page) and "not started" in month_text(page)
        page.screenshot(path=ARTIFACTS / "app_scenario.png", full_page=True)
        assert_no_error(page)
        browser.close()


def test_two_sessions_step_independently(served):
    from playwright.sync_api import sync_playwright

    url, chromium = served
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        first, second = (browser.new_context().new_page() for _ in range(2))
        for page in (first, second):
            page.goto(url)
            map_image(page)
        first.get_by_role("button", name="Step", exact=True).click()
        wait_for_month(first, "2024-01")
        first.get_by_role("button", name="Step", exact=True).click()
        wait_for_month(first, "2024-02")
        second.reload()
        map_image(second)
        assert "not started" in month_text(second)
        second.get_by_role("button", name="Step", exact=True).click()
        wait_for_month(second, "2024-01")
        assert "2024-02" in month_text(first)
        browser.close()
