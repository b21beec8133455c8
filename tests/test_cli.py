"""The user commands `mxstab info` and `mxstab map`, run as a user runs them."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

from conftest import run_mxstab


def test_info_json_at_01():
    done = run_mxstab("info", "--resolution", "0.1", "--json")
    assert done.returncode == 0, done.stderr
    world = json.loads(done.stdout)
    states = world["states"]
    assert [s["code"] for s in states] == list(range(1, 33))
    keys = {
        "code",
        "name",
        "cells",
        "area_km2",
        "reference_area_km2",
        "population",
        "homicides_2023",
        "homicide_source",
    }
    assert all(keys <= set(s) for s in states)
    assert all(s["cells"] > 0 for s in states)
    assert sum(s["population"] for s in states) == 126_014_024
    assert sum(s["homicides_2023"] for s in states) == 31_062
    assert {s["homicide_source"] for s in states} == {
        "observed",
        "derived_from_rate",
        "derived_residual",
    }
    assert all(isinstance(s["population"], int) for s in states)
    kinds = {p["kind"] for p in world["points"]}
    assert kinds == {"seaport", "border_crossing", "airport"}
    assert all(1 <= p["state"] <= 32 for p in world["points"])


def test_info_table_is_readable():
    done = run_mxstab("info")
    assert done.returncode == 0, done.stderr
    assert "Baja California Sur" in done.stdout and "derived_residual" in done.stdout


@pytest.mark.parametrize("layer", ["state", "population", "homicide_rate", "cartel"])
def test_map_writes_a_png_of_mexico(tmp_path, layer):
    out = tmp_path / f"{layer}.png"
    done = run_mxstab("map", "--resolution", "0.25", "--layer", layer, "--out", str(out))
    assert done.returncode == 0, done.stderr
    image = imread(out)
    assert image.shape[0] > 500 and image.shape[1] > 800
    colours = np.unique((image[..., :3] * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 50, "a map, not a blank canvas"


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["info", "--resolution", "0.3"], "0.25, 0.1"),
        (["map", "--resolution", "0.3", "--out", "x.png"], "0.25, 0.1"),
        (["map", "--layer", "rivers", "--out", "x.png"], "state, population, homicide_rate"),
    ],
)
def test_bad_input_is_one_line_exit_2(args, named):
    done = run_mxstab(*args)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert named in lines[0]


def test_run_writes_n_monthly_rows_a_manifest_and_maps(tmp_path):
    import pandas as pd

    run_args = ("run", "--months", "5", "--seed", "2", "--set", "violence.contagion_beta=0.2")
    out = tmp_path / "run"
    done = run_mxstab(*run_args, "--out", str(out))
    assert done.returncode == 0, done.stderr
    national = pd.read_parquet(out / "national.parquet")
    assert list(national["month"]) == [0, 1, 2, 3, 4]
    for column in (
        "homicides",
        "homicide_rate",
        "conflict_deaths",
        "cartel_members",
        "cartels_active",
        "recruits",
        "arrests",
    ):
        assert column in national
    assert list(national["date"]) == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"]
    rate = national["homicides"] * 12 / 132_274_416 * 1e5  # CONAPO, mid-2024
    np.testing.assert_allclose(national["homicide_rate"], rate, rtol=1e-12)
    states = pd.read_parquet(out / "states.parquet")
    assert len(states) == 5 * 32 and set(states["state"]) == set(range(1, 33))
    assert states["state"].dtype.kind == "i"
    events = pd.read_parquet(out / "events.parquet")
    assert list(events.columns) == ["month", "date", "event"] and events["month"].dtype.kind == "i"
    manifest = json.loads((out / "manifest.json").read_text())
    assert {
        "scenario",
        "seed",
        "months",
        "resolution",
        "params",
        "versions",
        "git_revision",
        "wall_seconds",
    } <= set(manifest)
    assert manifest["params"]["violence"]["contagion_beta"] == 0.2
    assert manifest["months"] == 5 and manifest["seed"] == 2
    for name in ("map_homicide_rate.png", "map_territory.png"):
        assert imread(out / name).shape[0] > 500
    assert not list(out.glob("*.partial"))

    again = tmp_path / "again"
    assert run_mxstab(*run_args, "--out", str(again)).returncode == 0
    pd.testing.assert_frame_equal(national, pd.read_parquet(again / "national.parquet"))


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--set", "violence.contagion_beta=2"], "violence.contagion_beta"),
        (["--set", "membership.nope=1"], "membership.nope"),
        (["--months", "0"], "--months"),
        (["--scenario", "war"], "baseline"),
        (["--posterior", "--set", "violence.presence_share=0.5"], "violence.presence_share"),
    ],
)
def test_run_refuses_bad_options(tmp_path, args, named, mxstab_here):
    done = mxstab_here("run", "--out", str(tmp_path / "x"), *args)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and named in done.stderr


def test_bench_quick_runs_and_writes_its_figures(tmp_path):
    """A smoke test: exit code and keys only (benchmarks are not timed tests)."""
    out = tmp_path / "bench.json"
    done = run_mxstab("bench", "--quick", "--json", str(out))
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text())
    assert set(figures) == {
        "roofline_gbs",
        "diffusion_fraction_of_roofline_2048",
        "diffusion_speedup_vs_numpy",
        "diffusion_parallel_speedup_025",
        "diffusion_parallel_speedup_010",
        "diffusion_parallel_speedup_2048",
        "diffusion_parallel_speedup_010_busy_core",
        "diffusion_parallel_speedup_2048_busy_core",
        "route_speedup_vs_scipy",
        "step_per_agent_vs_epstein",
        "step_per_cell_vs_epstein",
        "step_ms_025",
        "step_ms_010",
        "step_vs_kernel_025",
        "app_step_redraw_ms_025",
        "app_step_both_ms_025",
        "first_step_s_cached",
        "build_s_010",
        "hindcast_s_025",
        "hindcast_overhead_ratio",
        "world_build_ms_025",
        "batch_runs_per_core_minute_025",
        "batch_speedup_2_workers",
        "peak_rss_mb_010",
    }
    assert all(np.isfinite(v) and v > 0 for v in figures.values())


def test_params_json_lists_every_field():
    done = run_mxstab("params", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert {"name", "type", "default", "unit", "min", "max", "description"} <= set(rows[0])
    assert {"kind", "low", "high", "why"} <= set(rows[0])
    names = {row["name"] for row in rows}
    assert {"membership.spatial", "leadership.splinter_rivalry", "territory.home_share"} <= names


def test_scenarios_lists_each_with_a_description():
    done = run_mxstab("scenarios")
    assert done.returncode == 0, done.stderr
    for name in ("baseline", "maritime_strikes", "full_intervention", "adaptive"):
        assert name in done.stdout


def test_compare_writes_a_row_and_a_section_per_scenario(tmp_path):
    names = ["baseline", "maritime_strikes", "kingpin_campaign"]
    done = run_mxstab(
        "compare",
        "--months",
        "48",
        "--seeds",
        "2",
        "--scenarios",
        ",".join(names),
        "--out",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert summary.columns[0] == "scenario" and list(summary["scenario"]) == names
    for column in ("homicide_rate", "strike_deaths", "relations_index", "escalation_level"):
        assert column in summary.columns and summary[column].notna().all()
    assert (summary.loc[summary["scenario"] != "baseline", "delta_homicide_rate"]).notna().all()
    page = (tmp_path / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 4  # effects, trade-offs, rate, maps
    for name in names:
        assert f">{name} (2 runs)</th>" in page  # a row header of the scenarios' table
        assert name in done.stdout
    assert len(list((tmp_path / "runs").rglob("seed_*.parquet"))) == 6


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--seeds", "5-2"], "--seeds"),
        (["--scenarios", "baseline,nope"], "maritime_strikes"),
        (["--set", "us.escalation_level=9"], "us.escalation_level"),
    ],
)
def test_compare_refuses_bad_options(tmp_path, args, named, mxstab_here):
    done = mxstab_here("compare", "--out", str(tmp_path), *args)
    assert done.returncode == 2
    assert named in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--unrecorded-share", "0.1", "--part", "sea"], "--unrecorded-share"),
        (["--unrecorded-share", "0.9"], "--unrecorded-share"),
        (["--seeds", "x"], "--seeds"),
        (["--posterior", "--part", "us"], "--posterior"),
    ],
)
def test_validate_refuses_bad_options_before_running(tmp_path, args, named, mxstab_here):
    done = mxstab_here("validate", "--out", str(tmp_path / "v"), *args)
    assert done.returncode == 2
    assert named in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "v").exists()


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--part", "governments", "--trials", "5"], "--part"),
        (["--part", "violence", "--seeds", "0-x"], "--seeds"),
        (["--part", "violence", "--seeds", "1"], "--seeds"),
        (["--part", "violence", "--dask", "tcp://127.0.0.1:1"], "--dask"),
    ],
)
def test_calibrate_refuses_bad_options_before_fitting(args, named, mxstab_here):
    done = mxstab_here("calibrate", *args)
    assert done.returncode == 2
    assert named in done.stderr and "Traceback" not in done.stderr


def test_map_draws_a_runs_month_and_refuses_one_it_does_not_cover(tmp_path):
    run = tmp_path / "run"
    assert run_mxstab("run", "--months", "3", "--out", str(run)).returncode == 0
    drawn = {}
    for layer in ("homicide_rate", "stability_index"):
        out = tmp_path / f"{layer}.png"
        done = run_mxstab(
            "map", "--run", str(run), "--layer", layer, "--month", "2024-02", "--out", str(out)
        )
        assert done.returncode == 0, done.stderr
        drawn[layer] = out.read_bytes()
    assert drawn["homicide_rate"][:8] == b"\x89PNG\r\n\x1a\n"
    assert drawn["homicide_rate"] != drawn["stability_index"]
    done = run_mxstab(
        "map",
        "--run",
        str(run),
        "--month",
        "2030-01",
        "--layer",
        "homicide_rate",
        "--out",
        str(tmp_path / "x.png"),
    )
    assert done.returncode == 2 and "'--month'" in done.stderr and "2024-03" in done.stderr
    assert not (tmp_path / "x.png").exists()


def test_help_names_every_command_without_cutting_its_description():
    import os
    import subprocess

    from conftest import MXSTAB

    shown = subprocess.run(
        [str(MXSTAB), "--help"], capture_output=True, text=True, env={**os.environ, "COLUMNS": "80"}
    )
    commands = shown.stdout.split("Commands:")[1].strip().splitlines()
    assert len(commands) >= 16 and not any(line.rstrip().endswith("...") for line in commands)
    version = run_mxstab("--version")
    assert version.returncode == 0 and version.stdout.startswith("mxstab ")


def test_params_prints_numbers_to_four_significant_figures_and_json_in_full():
    import re

    shown = run_mxstab("params")
    assert shown.returncode == 0
    numbers = re.findall(r"(?<![\w.:/])-?\d[\d,]*\.\d+(?![\w./])", shown.stdout)
    assert numbers
    for text in numbers:
        digits = text.replace(",", "").replace("-", "").replace(".", "").lstrip("0")
        assert len(digits) <= 4, text
    full = json.loads(run_mxstab("params", "--json").stdout)
    assert any(len(repr(row["default"])) > 8 for row in full if isinstance(row["default"], float))
