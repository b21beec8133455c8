"""Sweeps: nothing lost after a kill, nothing run twice, the same numbers from every executor,
specs checked before any run."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import MXSTAB, run_mxstab
from mxstab.experiments import sweep as sweeps

SPEC = """
scenario = "baseline"
seeds = "0-3"
months = 4

[set]
"policy.start" = "2024-01"

[grid]
"us.escalation_level" = [0, 2]
"mx.social_programs" = [1.0, 3.0]
"""


def write_spec(folder: Path, text: str = SPEC) -> Path:
    path = folder / "spec.toml"
    path.write_text(text)
    return path


def finished(out: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_parquet(p) for p in sorted((out / "runs").glob("*.parquet"))}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The sweep run once, uninterrupted, on 1 worker."""
    folder = tmp_path_factory.mktemp("reference")
    done = run_mxstab(
        "sweep", str(write_spec(folder)), "--out", str(folder / "out"), "--workers", "1"
    )
    assert done.returncode == 0, done.stderr
    return finished(folder / "out")


def test_a_killed_sweep_resumes_and_loses_nothing(tmp_path, reference):
    spec, out = write_spec(tmp_path), tmp_path / "out"
    process = subprocess.Popen(
        [str(MXSTAB), "sweep", str(spec), "--out", str(out), "--workers", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 120
    while len(list((out / "runs").glob("*.parquet"))) < 3 and time.time() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    partial = len(list((out / "runs").glob("*.parquet")))
    assert 3 <= partial < len(reference), "the kill should land part-way"
    assert run_mxstab("sweep", str(spec), "--out", str(out), "--workers", "1").returncode == 0
    resumed = finished(out)
    assert sorted(resumed) == sorted(reference)
    for run, frame in reference.items():
        pd.testing.assert_frame_equal(resumed[run], frame)
    assert run_mxstab("sweep-status", str(out)).stdout.splitlines()[:4] == [
        f"done: {len(reference)}",
        "truncated: 0",
        "failed: 0",
        "missing: 0",
    ]


def test_a_finished_sweep_rewrites_nothing(tmp_path):
    spec, out = write_spec(tmp_path, SPEC.replace('"0-3"', '"0-1"')), tmp_path / "out"
    assert run_mxstab("sweep", str(spec), "--out", str(out), "--workers", "1").returncode == 0
    files = sorted(out.rglob("*"))
    stamps = {f: f.stat().st_mtime_ns for f in files}
    assert run_mxstab("sweep", str(spec), "--out", str(out), "--workers", "1").returncode == 0
    assert sorted(out.rglob("*")) == files
    assert {f: f.stat().st_mtime_ns for f in files} == stamps


@pytest.mark.parametrize("executor", [["--workers", "2"], ["--dask", "local", "--workers", "2"]])
def test_every_executor_gives_the_same_runs(tmp_path, reference, executor):
    spec = write_spec(tmp_path)
    done = run_mxstab("sweep", str(spec), "--out", str(tmp_path / "out"), *executor)
    assert done.returncode == 0, done.stderr
    runs = finished(tmp_path / "out")
    assert sorted(runs) == sorted(reference)
    for run, frame in reference.items():
        pd.testing.assert_frame_equal(runs[run], frame)


def test_collect_gives_one_table_with_ids_months_parameters_and_seed(tmp_path, reference):
    spec, out = write_spec(tmp_path), tmp_path / "out"
    assert run_mxstab("sweep", str(spec), "--out", str(out), "--workers", "2").returncode == 0
    target = tmp_path / "all.parquet"
    assert run_mxstab("collect", str(out), "--out", str(target)).returncode == 0
    table = pd.read_parquet(target)
    assert list(table.columns[:5]) == [
        "run_id",
        "month",
        "us.escalation_level",
        "mx.social_programs",
        "seed",
    ]
    assert len(table) == 16 * 4 and table["run_id"].nunique() == 16
    expected = pd.concat(reference.values(), ignore_index=True)
    expected = expected.sort_values(["run_id", "month"], ignore_index=True)
    pd.testing.assert_frame_equal(table, expected[table.columns])  # nothing varies between runs


def test_slurm_dry_run_prints_a_job_script():
    done = run_mxstab("sweep", "--slurm", "--dry-run", "--queue", "short", "--cores", "4")
    assert done.returncode == 0, done.stderr
    script = done.stdout
    assert script.startswith("#!/usr/bin/env bash")
    assert "#SBATCH -p short" in script and "#SBATCH --cpus-per-task=4" in script
    assert "#SBATCH -t 02:00:00" in script and "dask_worker" in script


@pytest.mark.parametrize(
    ("command", "option", "value"),
    [
        ("sweep", "--walltime", "01:00:00\nrm -rf ~"),
        ("sweep", "--queue", "short; touch /tmp/x"),
        ("sweep", "--memory", "16GB\x07"),
        ("sweep", "--cores", "0"),
        ("robustness", "--walltime", "01:00:00\nrm -rf ~"),
    ],
)
def test_slurm_options_that_could_break_the_job_script_are_refused(
    tmp_path, command, option, value
):
    out = tmp_path / "out"
    dry = ["--dry-run"] if command == "sweep" else []
    done = run_mxstab(command, "--slurm", *dry, option, value, "--out", str(out))
    assert done.returncode == 2 and f"'{option}'" in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()


@pytest.mark.skipif(shutil.which("sbatch") is not None, reason="this machine has SLURM")
def test_slurm_without_sbatch_is_refused_before_any_run(tmp_path):
    started = time.perf_counter()
    done = run_mxstab("sweep", "--slurm", "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "sbatch" in done.stderr and "Traceback" not in done.stderr
    assert time.perf_counter() - started < 5 and not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("grid", "named"),
    [("us.nope=1,2", "us.nope"), ("us.escalation_level=0,7", "us.escalation_level")],
)
def test_a_bad_spec_is_refused_before_any_run(tmp_path, grid, named):
    done = run_mxstab("sweep", "--out", str(tmp_path / "out"), "--grid", grid)
    assert done.returncode == 2 and named in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch):
    spec = sweeps.load_spec(write_spec(tmp_path, SPEC.replace('"0-3"', '"0-2"')))
    points = sweeps.plan(spec)
    out = tmp_path / "out"
    from mxstab.experiments import batch

    real = batch.run_model

    def flaky(config, seed, *rest):
        if seed == 1:
            raise RuntimeError("boom")
        return real(config, seed, *rest)

    monkeypatch.setattr(batch, "run_model", flaky)
    summaries = sweeps.execute(spec, points, out, workers=1)
    assert sum(not s["ok"] for s in summaries) == 4
    state = sweeps.status(out)
    assert len(state["failed"]) == 4 and len(state["done"]) == 8 and not state["missing"]
    record = json.loads((out / "runs" / f"{state['failed'][0]}.error.json").read_text())
    assert "boom" in record["error"] and "Traceback" in record["trace"]


SENSITIVITY = """
scenario = "baseline"
design = "{design}"
samples = {samples}
seeds = "0-0"
months = 4
outputs = ["homicide_rate"]

[set]
"policy.start" = "2024-01"

[bounds]
"violence.contagion_beta" = [0.0, 0.9]
"mx.national_guard" = [1.0, 1.0001]
"""


@pytest.mark.parametrize(
    ("design", "samples", "columns"),
    [("morris", 3, ["mu_star", "sigma"]), ("sobol", 4, ["S1", "ST"])],
)
def test_sensitivity_finds_the_parameter_that_matters(tmp_path, design, samples, columns):
    """Contagion β moves the homicide rate; a Guard deployment that barely changes does not."""
    spec = tmp_path / "spec.toml"
    spec.write_text(SENSITIVITY.format(design=design, samples=samples))
    done = run_mxstab("sensitivity", str(spec), "--out", str(tmp_path / "out"), "--workers", "2")
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(tmp_path / "out" / "sensitivity.csv").set_index("parameter")
    assert set(columns) <= set(table.columns)
    key = columns[0] if design == "morris" else "ST"
    assert table.loc["violence.contagion_beta", key] > 10 * abs(table.loc["mx.national_guard", key])
    assert (tmp_path / "out" / "sensitivity.png").stat().st_size > 5_000


def test_the_shipped_sensitivity_spec_is_valid():
    spec = sweeps.load_spec(Path(sweeps.__file__).parent / "specs" / "escalation_sensitivity.toml")
    points = sweeps.plan(spec)
    assert spec.design == "morris" and "escalation_ge_3" in spec.outputs
    assert len(points) == (len(spec.bounds) + 1) * spec.samples * 4


def test_latin_hypercube_points_stratify_each_parameter():
    spec = sweeps.SweepSpec(
        design="lhs",
        samples=10,
        bounds={"violence.contagion_beta": (0.0, 0.5), "navy.us_navy_pacific": (0, 9)},
    )
    points = [sweeps.typed(p) for p in sweeps.design_points(spec)]
    beta = np.array([p["violence.contagion_beta"] for p in points])
    assert sorted(np.floor(beta / 0.05).astype(int)) == list(range(10))
    assert all(isinstance(p["navy.us_navy_pacific"], int) for p in points)
    assert sweeps.design_points(spec) == sweeps.design_points(spec)


def test_sampled_designs_may_repeat_points_and_each_runs_once(tmp_path):
    """Sobol's matrices and Morris' trajectories repeat points, and an integer field rounds
    LHS values together: the plan keeps them (the analysis needs every row) and runs each once."""
    designs = [
        sweeps.SweepSpec(design="sobol", bounds={"violence.flow_elasticity": (-1, 2)}, samples=4),
        sweeps.SweepSpec(
            design="morris",
            bounds={"violence.flow_elasticity": (-1, 2), "labour.slope": (1, 10)},
            samples=10,
        ),
        sweeps.SweepSpec(design="lhs", bounds={"us.maritime_posture": (0, 2)}, samples=8),
    ]
    for spec in designs:
        points = sweeps.plan(spec.model_copy(update={"months": 30}))
        unique = {point.run_id for point in points}
        assert len(unique) < len(points), spec.design
        assert len(sweeps.pending(points, tmp_path)) == len(unique)
