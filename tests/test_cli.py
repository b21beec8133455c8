"""The user commands `mxstab info` and `mxstab map`, run as a user runs them."""

from __future__ import annotations

import json

import numpy as np
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
        (["map", "--layer", "rivers", "--out", "x.png"], "'state', 'population', 'homicide_rate'"),
    ],
)
def test_bad_input_is_one_line_exit_2(args, named):
    done = run_mxstab(*args)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert named in lines[0]
