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
    again = run_mxstab("robustness", *args, "--months", "30", "--out", str(tmp_path))
    assert again.returncode == 0, again.stderr
    pd.testing.assert_frame_equal(table, pd.read_csv(tmp_path / "robustness.csv"))
