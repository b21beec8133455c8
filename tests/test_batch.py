"""Many runs in one process: the batch entry point, the shared static world, and the same
numbers on any number of workers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mxstab.experiments.batch import RunSpec, run_many
from mxstab.experiments.run import run_model
from mxstab.model.config import Config
from mxstab.model.model import MxStabModel
from mxstab.model.world.static import static_world


@pytest.fixture(scope="module")
def specs():
    full = Config().with_overrides({"policy.start": "2024-03", "us.escalation_level": 3})
    return [
        RunSpec(Config(), 1, 14, tag="a"),
        RunSpec(full, 2, 10, tag="b"),
        RunSpec(Config(), 3, 8, start="2019-01", tag="c"),
    ]


def test_one_and_two_workers_give_the_same_summaries(specs):
    one, two = run_many(specs, workers=1), run_many(specs, workers=2)
    assert [s.spec.tag for s in two] == ["a", "b", "c"], "summaries come back in spec order"
    for a, b in zip(one, two, strict=True):
        pd.testing.assert_frame_equal(a.national, b.national)
        np.testing.assert_array_equal(a.state_homicides, b.state_homicides)


def test_a_summary_holds_what_a_run_writes(specs):
    spec = specs[2]
    summary = run_many([spec])[0]
    result = run_model(spec.config, spec.seed, spec.months, start=spec.start)
    pd.testing.assert_frame_equal(summary.national, result.national)
    states = result.states.pivot(index="month", columns="state", values="homicides")
    np.testing.assert_array_equal(summary.state_homicides, states.to_numpy())
    assert summary.state_homicides.shape == (8, 32) and summary.final_year_rate is None


def test_models_share_one_static_world():
    """Building models reads the world built once per process and resolution."""
    world = static_world(0.25)
    models = [MxStabModel(Config(), seed=s) for s in range(3)]
    assert all(m.world is world and m.grid is world.grid for m in models)
    assert not world.grid.state.flags.writeable and not world.census.flags.writeable


def test_a_failing_run_returns_its_error_when_asked():
    bad = RunSpec(Config(), 0, 3, start="2030-01", keep_going=True)
    summary = run_many([bad, RunSpec(Config(), 0, 2)])[0]
    assert summary.national is None and "start must be a month" in summary.error
    with pytest.raises(ValueError, match="start"):
        run_many([RunSpec(Config(), 0, 3, start="2030-01")])


def test_run_all_on_a_dask_scheduler_keeps_the_order_and_refuses_an_unreachable_one():
    from distributed import LocalCluster

    from mxstab.experiments.pool import check_dask, run_all

    items = [5, -3, 8, -1, 0, 7]
    with LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster:
        seen = []
        results = run_all(abs, items, 1, seen.append, dask=cluster.scheduler_address)
    assert results == [abs(i) for i in items]
    assert sorted(seen) == sorted(results)
    with pytest.raises(OSError):
        check_dask("tcp://127.0.0.1:1")
