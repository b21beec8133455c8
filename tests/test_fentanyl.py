"""Fentanyl as a process: labs where the FGR found them, raids that make the flow vary from run
to run, and the three controls that cut it — lab strikes, precursor controls at Mexico's ports,
CBP's interdiction at the border — each tested over paired seeds."""

import numpy as np
import pytest

from mxstab.model.config import Config
from mxstab.model.model import MxStabModel
from mxstab.model.rules.fentanyl import capacity_start, labs_by_state

SEEDS = range(5)
CONTROLS = {
    "lab strikes": {"us.escalation_level": 1},
    "precursor controls": {"mx.precursor_controls": 2.0},
    "border interdiction": {"us.border_interdiction": 2.0},
}


def second_year(overrides: dict, seed: int) -> float:
    """Mean fentanyl index over months 12–23, the controls acting from month 1."""
    config = Config().with_overrides({"policy.start": "2024-02", **overrides})
    model = MxStabModel(config, seed=seed)
    for _ in range(24):
        model.step()
    return float(model.national_table()["fentanyl_to_us_index"].iloc[12:].mean())


@pytest.fixture(scope="module")
def baseline():
    return {seed: second_year({}, seed) for seed in SEEDS}


def test_capacity_follows_the_labs_the_fgr_seized(grid):
    capacity = capacity_start(grid.state, grid.mexico)
    assert capacity.sum() == pytest.approx(1.0)
    counts = labs_by_state()
    for code, labs in counts.items():
        assert capacity[grid.state == code].sum() == pytest.approx(labs / counts.sum())
    assert capacity[~np.isin(grid.state, counts.index)].sum() == 0


def test_the_flow_varies_from_run_to_run_and_holds_its_level(baseline):
    """Mexico's raids are drawn each month: seeds differ; the labs start at the level the raids
    hold them at, so the baseline's index stays within 10% of 1."""
    values = np.array(list(baseline.values()))
    assert values.std() > 0.002
    assert np.all(np.abs(values - 1) < 0.1), values


@pytest.mark.parametrize("control", CONTROLS)
def test_each_control_cuts_the_flow_in_every_paired_seed(control, baseline):
    for seed in SEEDS:
        assert second_year(CONTROLS[control], seed) < baseline[seed], (control, seed)
