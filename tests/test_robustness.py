"""Exploratory modelling: the summary and the drivers on a toy model whose signs are known, and
the command on a small design."""

from __future__ import annotations

import numpy as np
import pandas as pd

from conftest import run_mxstab
from mxstab.experiments import robustness


def toy_features(points: int, seed: int) -> pd.DataFrame:
    """Uniform a, b, c on [0, 1], one row per sample (seed 0)."""
    rng = np.random.default_rng(seed)
    values = pd.DataFrame(rng.random((points, 3)), columns=["a", "b", "c"])
    return values.assign(sample=np.arange(points), seed=0)


def toy_deltas(points: int = 200) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Effects of a toy model: `always_up` = 1 + a (a in [0, 1]: positive everywhere),
    `split` = b − 0.7 (negative on 70% of the space), `none` = 0; `c` drives nothing."""
    design = toy_features(points, seed=3)
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
    features = pd.read_csv(tmp_path / "design.csv")
    assert features["seed"].is_unique and "violence.presence_share" in features
    again = run_mxstab("robustness", *args, "--months", "30", "--out", str(tmp_path))
    assert again.returncode == 0, again.stderr
    pd.testing.assert_frame_equal(table, pd.read_csv(tmp_path / "robustness.csv"))


def toy_escalation(design: pd.DataFrame) -> pd.DataFrame:
    """The adaptive runs of a toy model escalating (level 1) where a > 0.6 and b < 0.5."""
    level = ((design["a"] > 0.6) & (design["b"] < 0.5)).astype(int)
    return design[["sample", "seed"]].assign(scenario="adaptive", escalation_level=level)


def test_prim_finds_the_box_of_a_toy_escalation_and_says_when_there_is_none():
    """Escalation ≥ 1 where a > 0.6 and b < 0.5 (about 20% of cases): PRIM's box restricts a
    and b around those bounds with coverage and density ≥ 0.5; no case reaches 2: 'none'."""
    design = toy_features(400, seed=0)
    table = toy_escalation(design)
    boxes = robustness.prim_boxes(table, design, horizon=60)
    first = boxes[boxes["escalation_at_least"] == 1].set_index("assumption")
    assert set(first.index) <= {"a", "b", "c"} and {"a", "b"} <= set(first.index)
    assert abs(first.loc["a", "low"] - 0.6) < 0.05 and abs(first.loc["b", "high"] - 0.5) < 0.05
    assert (first["coverage"] >= 0.5).all() and (first["density"] >= 0.5).all()
    second = boxes[boxes["escalation_at_least"] == 2]
    assert len(second) == 1 and second["box"].iloc[0].startswith("none")


def test_the_escalation_figure_bins_the_two_drivers():
    design = toy_features(400, seed=0)
    table = toy_escalation(design)
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
    flat = robustness.escalation_figure(table.assign(escalation_level=0), design, driving.iloc[:0])
    assert not flat.axes and "P(escalation ≥ 1) = 0.00 in all 400" in flat.texts[0].get_text()


def test_the_features_record_the_posterior_draws_each_run_makes():
    """What `posterior_draws` reports for a seed is what the model draws: the violence member
    at the start, the adaptive US agent's weights at the policy's start."""
    from mxstab.model.model import MxStabModel, posterior_draws
    from mxstab.model.scenarios import load_scenario

    config = load_scenario("adaptive").config({"violence.posterior": True})
    draws = {seed: posterior_draws(config, seed) for seed in (3, 11)}
    assert draws[3] != draws[11]
    for seed, drawn in draws.items():
        model = MxStabModel(config, seed=seed)
        while not model.policy_active:
            model.step()
        assert drawn["violence.presence_share"] == model.config.violence.presence_share
        assert {f"us_agent.{k}": v for k, v in model.us.weights.items()}.items() <= drawn.items()
    assert robustness.point_seeds(0, [4, 5]) == [4, 5]
    assert robustness.point_seeds(1, [4, 5]) == [6, 7]
