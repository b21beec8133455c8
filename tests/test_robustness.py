"""Exploratory modelling: the summary and the drivers on a toy model whose signs are known, and
the command on a small design."""

from __future__ import annotations

import numpy as np
import pandas as pd

from conftest import run_mxstab
from mxstab.experiments import robustness


def toy_deltas(points: int = 200) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Effects of a toy model: `always_up` = 1 + a (a in [0, 1]: positive everywhere),
    `split` = b − 0.7 (negative on 70% of the space), `none` = 0; `c` drives nothing."""
    rng = np.random.default_rng(3)
    design = pd.DataFrame(rng.random((points, 3)), columns=["a", "b", "c"])
    deltas = pd.DataFrame(
        {
            "sample": np.arange(points),
            "seed": 0,
            "scenario": "toy",
            "always_up": 1 + design["a"],
            "split": design["b"] - 0.7,
            "none": 0.0,
        }
    )
    return design, deltas


def test_share_sign_and_drivers_recover_the_toy_models_signs(monkeypatch):
    design, deltas = toy_deltas()
    outcomes = {name: None for name in ("always_up", "split", "none")}
    monkeypatch.setattr(robustness, "OUTCOMES", outcomes)
    table = robustness.summary(deltas).set_index("outcome")
    assert table.loc["always_up", "share_sign"] == 1.0 and table.loc["always_up", "median"] > 0
    assert table.loc["split", "median"] < 0
    assert abs(table.loc["split", "share_sign"] - 0.7) < 0.08
    assert table.loc["none", "share_sign"] == 1.0 and table.loc["none", "median"] == 0
    assert ((table["share_sign"] >= 0) & (table["share_sign"] <= 1)).all()
    drivers = robustness.drivers(deltas, design)
    first = drivers[drivers["rank"] == 1].set_index("outcome")["assumption"]
    assert first["always_up"] == "a" and first["split"] == "b"
    assert "none" not in set(drivers["outcome"])


def test_the_design_samples_every_assumption_inside_its_range():
    design = robustness.design(16, design_seed=1)
    ranges = robustness.assumed_ranges()
    assert list(design.columns) == list(ranges)
    for name, (low, high) in ranges.items():
        assert design[name].between(low, high).all(), name
    assert design["violence.flow_elasticity"].min() < 0 < design["violence.flow_elasticity"].max()
    again = robustness.design(16, design_seed=1)
    pd.testing.assert_frame_equal(design, again)


def test_the_command_pairs_each_scenario_with_the_baseline(tmp_path):
    args = ["--scenarios", "special_ops,baseline", "--samples", "2", "--seeds", "1"]
    done = run_mxstab("robustness", *args, "--months", "30", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(tmp_path / "robustness.csv")
    assert set(table["scenario"]) == {"special_ops"}
    assert len(table) == len(robustness.OUTCOMES)
    assert table["share_sign"].between(0, 1).all()
    effects = pd.read_csv(tmp_path / "effects.csv")
    assert (effects["escalation_level"] > 0).all()  # special operations escalate, paired
    assert len(list((tmp_path / "runs").glob("*.parquet"))) == 4  # 2 points × 2 scenarios
    assert (tmp_path / "effects.png").stat().st_size > 0
    again = run_mxstab("robustness", *args, "--months", "30", "--out", str(tmp_path))
    assert again.returncode == 0, again.stderr
    pd.testing.assert_frame_equal(table, pd.read_csv(tmp_path / "robustness.csv"))


def test_prim_finds_the_box_of_a_toy_escalation_and_says_when_there_is_none():
    """Escalation ≥ 1 where a > 0.6 and b < 0.5 (about 20% of cases): PRIM's box restricts a
    and b around those bounds with coverage and density ≥ 0.5; no case reaches 2: 'none'."""
    rng = np.random.default_rng(0)
    design = pd.DataFrame(rng.random((400, 3)), columns=["a", "b", "c"])
    level = ((design["a"] > 0.6) & (design["b"] < 0.5)).astype(int)
    table = pd.DataFrame(
        {"sample": np.arange(400), "seed": 0, "scenario": "adaptive", "escalation_level": level}
    )
    boxes = robustness.prim_boxes(table, design, horizon=60)
    first = boxes[boxes["escalation_at_least"] == 1].set_index("assumption")
    assert set(first.index) <= {"a", "b", "c"} and {"a", "b"} <= set(first.index)
    assert abs(first.loc["a", "low"] - 0.6) < 0.05 and abs(first.loc["b", "high"] - 0.5) < 0.05
    assert (first["coverage"] >= 0.5).all() and (first["density"] >= 0.5).all()
    second = boxes[boxes["escalation_at_least"] == 2]
    assert len(second) == 1 and second["box"].iloc[0].startswith("none")


def test_the_escalation_figure_bins_the_two_drivers():
    rng = np.random.default_rng(0)
    design = pd.DataFrame(rng.random((400, 3)), columns=["a", "b", "c"])
    level = ((design["a"] > 0.6) & (design["b"] < 0.5)).astype(int)
    table = pd.DataFrame(
        {"sample": np.arange(400), "seed": 0, "scenario": "adaptive", "escalation_level": level}
    )
    driving = pd.DataFrame(
        {
            "scenario": "adaptive",
            "outcome": "escalation_level",
            "rank": [1, 2],
            "assumption": ["a", "b"],
            "score": [0.5, 0.4],
        }
    )
    grid = robustness.escalation_figure(table, design, driving).axes[0].images[0].get_array()
    assert grid[3, 0] > 0.9 and grid[0, 3] == 0  # top quartile of a, bottom of b: escalates
    assert robustness.escalation_figure(table, design, driving.iloc[:1]) is None
