"""How `compare` shows its figures: a figure the same in every seed has no interval, and a paired
change within the seeds' noise is not printed as an effect."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from mxstab.experiments.compare import FIGURES, figure_text, summarise


def per_run(deltas: dict[str, np.ndarray]) -> pd.DataFrame:
    """Baseline and one scenario over 10 paired seeds; every figure of the baseline varies by
    seed, the scenario adds `deltas[name]` (0 when not given)."""
    rng = np.random.default_rng(0)
    seeds = np.arange(10)
    base = {name: 100 + rng.normal(0, 5, seeds.size) for name in FIGURES}
    rows = []
    for scenario, shift in (("baseline", {}), ("policy", deltas)):
        for i, seed in enumerate(seeds):
            figures = {name: base[name][i] + shift.get(name, np.zeros(10))[i] for name in FIGURES}
            rows.append({"scenario": scenario, "seed": seed, **figures})
    return pd.DataFrame(rows)


def test_a_figure_equal_in_every_seed_is_shown_without_an_interval():
    table = per_run({})
    table["relations_index"] = 0.5986
    summary = summarise(table)
    policy = summary[summary["scenario"] == "policy"].iloc[0]
    value, delta = figure_text(policy, "relations_index")
    assert value == "0.599 (every seed)" and delta == "no change"
    value, _ = figure_text(policy, "homicide_rate")
    assert " to " in value and "every seed" not in value


def test_a_change_within_the_noise_is_not_an_effect():
    rng = np.random.default_rng(1)
    table = per_run(
        {
            "fentanyl_to_us_index": np.full(10, 9.09e-14),  # rounding, the same in every seed
            "seized_tons": rng.normal(0.0, 3.0, 10),  # noise around no change
            "cocaine_to_us_tons": np.full(10, -20.0) + rng.normal(0, 1, 10),  # a clear fall
        }
    )
    policy = summarise(table).query("scenario == 'policy'").iloc[0]
    assert figure_text(policy, "fentanyl_to_us_index")[1] == "no change"
    assert figure_text(policy, "seized_tons")[1] == "no change"
    assert figure_text(policy, "cocaine_to_us_tons")[1].startswith("-2")


def test_the_terminal_table_fits_80_columns_and_other_formats_parse(tmp_path):
    import json
    import os
    import subprocess

    from conftest import MXSTAB

    args = ["compare", "--seeds", "2", "--months", "30", "--scenarios", "baseline,kingpin_campaign"]
    env = {**os.environ, "COLUMNS": "80"}
    shown = subprocess.run(
        [str(MXSTAB), *args, "--out", str(tmp_path / "a")], capture_output=True, text=True, env=env
    )
    assert shown.returncode == 0, shown.stderr
    assert "…" not in shown.stdout and max(map(len, shown.stdout.splitlines())) <= 80
    assert "wrote summary.csv" in shown.stderr  # paths, which cannot wrap, go to stderr
    assert "kingpin_campaign" in shown.stdout and "homicides per 100k" in shown.stdout
    short = [*args[:4], "3", *args[5:]]  # a 3-month run is enough to check the format
    as_json = subprocess.run(
        [str(MXSTAB), *short, "--format", "json", "--out", str(tmp_path / "b")],
        capture_output=True,
        text=True,
    )
    records = json.loads(as_json.stdout)
    assert len(records) == 2 * len(FIGURES)
    assert {"scenario", "figure", "mean", "low", "high", "change"} <= set(records[0])


def test_the_report_opens_with_key_findings_carrying_the_escalation_numbers(tmp_path):
    import html
    import re

    from conftest import run_mxstab
    from mxstab.experiments.report import VALIDATION
    from mxstab.experiments.validate import skill_table
    from mxstab.viz.numbers import number

    args = ["--scenarios", "baseline,adaptive", "--seeds", "2", "--adaptive-seeds", "6"]
    done = run_mxstab("compare", *args, "--months", "40", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "report.html").read_text()
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    assert not re.search(r"\d\.\d+e[+-]\d", text)
    findings = text[text.index("Key findings") : text.index("Settings")]
    assert text.index("Key findings") < text.index("Scenarios")
    odds = pd.read_csv(tmp_path / "escalation.csv")
    row = odds[(odds["scenario"] == "adaptive") & (odds["months"] == 12) & (odds["level"] == 1)]
    expected = f"{number(100 * row['probability'].iloc[0])}% ({number(100 * row['lo'].iloc[0])}%"
    assert expected in findings and "inevitable" in findings
    assert f"over {int(row['runs'].iloc[0])} runs" in findings
    methods = text[text.index("Data and methods") :]
    skill = skill_table(json.loads(VALIDATION.read_text()))
    assert " ".join(number(v) for v in skill.loc[skill.index[0]]) in " ".join(methods.split())
    assert_fits_800_px(tmp_path / "report.html")


def assert_fits_800_px(report: Path) -> None:
    """At 800 px nothing is wider than the window and no table needs its sideways scroll."""
    from playwright.sync_api import sync_playwright

    from conftest import require_tool

    chromium = require_tool("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 800, "height": 1000})
        page.goto(report.as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= 800
        boxes = page.evaluate(
            "Array.from(document.querySelectorAll('div.table'), d => d.scrollWidth - d.clientWidth)"
        )
        assert len(boxes) == 3 and max(boxes) <= 0, boxes
        browser.close()


def test_every_pair_of_series_colours_stays_apart_under_deuteranopia():
    import itertools

    from colorspacious import cspace_convert, deltaE

    from mxstab.experiments.report import SERIES_COLOURS

    def simulated(colour: str) -> np.ndarray:
        rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
        seen = {"name": "sRGB1+CVD", "cvd_type": "deuteranomaly", "severity": 100}
        return np.clip(cspace_convert(rgb, seen, "sRGB1"), 0, 1)

    for first, second in itertools.combinations(SERIES_COLOURS, 2):
        distance = deltaE(simulated(first), simulated(second), input_space="sRGB1")
        assert distance > 20, (first, second, distance)  # CAM02-UCS: clearly distinct
