"""Bad input, kills and collisions: every refusal is one line naming the field (exit 2, no
traceback, nothing written), no worker outlives its command, and no result mixes old and new."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from conftest import MXSTAB, run_mxstab
from mxstab.experiments import sweep as sweeps
from mxstab.model.io import staged_folder, write_atomic
from mxstab.model.scenarios import load_scenario, load_scenario_file


def read_only_folder(tmp_path: Path) -> Path:
    """A folder this process cannot write in (root writes through permissions: sysfs then)."""
    if os.geteuid() == 0:
        return Path("/sys/mxstab-test-out")
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    return folder / "out"


def bad_inputs(tmp_path: Path) -> list[tuple[list[str], str]]:
    """(arguments, the option or field the one-line refusal must name)."""
    a_file = tmp_path / "a_file"
    a_file.write_text("not a folder")
    foreign = tmp_path / "someone_elses"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("keep me")
    cut = tmp_path / "cut_sweep"
    (cut / "runs").mkdir(parents=True)
    (cut / "sweep.json").write_text('{"spec": {"scenario": "bas')
    ro = str(read_only_folder(tmp_path))
    return [
        (["run", "--out", str(a_file)], "--out"),
        (["run", "--out", ro], "--out"),
        (["compare", "--out", str(foreign), "--seeds", "2"], "--out"),
        (["sweep", "--out", str(a_file)], "--out"),
        (["reproduce", "experiments/specs/policy_study.toml", "--out", ro], "--out"),
        (["collect", str(cut), "--out", str(tmp_path / "x.parquet")], "FOLDER"),
        (["collect", str(tmp_path), "--out", str(foreign)], "--out"),
        (["sweep-status", str(cut)], "FOLDER"),
        (["run", "--scenario", "../../pyproject", "--out", str(tmp_path / "o")], "--scenario"),
        (["run", "--scenario", "/etc/passwd", "--out", str(tmp_path / "o")], "--scenario"),
        (["run", "--scenario-file", str(a_file), "--out", str(tmp_path / "o")], "--scenario-file"),
        (["run", "--months", "24", "--set", "us.escalation_level=2"], "policy.start"),
        (["sweep", "--grid", "us.escalation_level=0,2", "--months", "24"], "policy.start"),
        (["compare", "--months", "20", "--set", "mx.cooperation=1"], "policy.start"),
        (["sweep", "--grid", "mx.transfers_per_year=1.4,1.45", "--months", "30"], "transfers"),
        (["sweep", "--grid", "us.escalation_level=1,1", "--months", "30"], "grid"),
        (["sweep", "--grid", "us.designation=1,true", "--months", "30"], "grid"),
        (["sweep", "--grid", "us.escalation_level=a,b", "--months", "30"], "escalation_level"),
        (["sweep", "--dask", "tcp://127.0.0.1:abc"], "--dask"),
        (["robustness", "--scenarios", "baseline"], "--scenarios"),
        (["run", "--out", "."], "--out"),
        (["sweep", "--seeds", "0-999999999"], "--seeds"),
        (["sweep", "--seeds", "1000000", "--grid", "violence.flow_elasticity=0,1"], "max_runs"),
        (["robustness", "--samples", "100000", "--seeds", "20"], "--max-runs"),
        (["sweep", "--dask", "tcp://127.0.0.1:1"], "--dask"),
        (["app", "--host", "no.such.host.invalid"], "--host"),
    ]


def test_bad_input_is_refused_in_one_line_before_anything_runs(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    out = tmp_path / "fresh"
    cases = [
        ([*args, "--out", str(out)] if args[0] in COMMANDS and "--out" not in args else args, named)
        for args, named in bad_inputs(tmp_path)
    ]

    def attempt(args: list[str]) -> tuple[subprocess.CompletedProcess, float]:
        started = time.perf_counter()
        done = run_mxstab(*args)
        return done, time.perf_counter() - started

    with ThreadPoolExecutor(2) as pool:  # two at a time: the machine's cores
        results = list(pool.map(attempt, [args for args, _ in cases]))
    for (args, named), (done, took) in zip(cases, results, strict=True):
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        assert done.returncode == 2, (args, done.stderr)
        assert len(lines) == 1 and "Traceback" not in done.stderr, (args, done.stderr)
        assert named in lines[0], (args, done.stderr)
        assert took < 10, (args, took)  # the refusal comes before any model runs
    assert not out.exists()
    assert (tmp_path / "someone_elses" / "thesis.tex").read_text() == "keep me"
    assert not list(tmp_path.rglob("*.partial"))


COMMANDS = ("run", "sweep", "compare", "robustness")


def test_a_plan_above_the_limit_is_refused_without_being_built():
    spec = sweeps.SweepSpec(grid={"us.escalation_level": [0, 1, 2, 3]}, seeds="1000000")
    started = time.perf_counter()
    with pytest.raises(ValueError, match="max_runs"):
        sweeps.plan(spec)
    assert time.perf_counter() - started < 1


def test_a_plain_run_of_any_length_stays_valid_and_the_manifest_records_overrides(tmp_path):
    load_scenario("special_ops").check_levers_act({}, months=2)  # no override: valid
    load_scenario("baseline").check_levers_act({"us.escalation_level": 0}, months=2)  # as is
    out = tmp_path / "run"
    args = ["run", "--months", "28", "--set", "us.escalation_level=2", "--out", str(out)]
    done = run_mxstab(*args)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["overrides"] == {"us.escalation_level": "2"}
    assert manifest["params"]["us"]["escalation_level"] == 2
    assert manifest["scenario_sha256"] == load_scenario("baseline").digest


def test_the_run_id_follows_the_scenario_files_contents(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('description = "mine"\n[us]\nescalation_level = 1\n')
    first = load_scenario_file(path)
    path.write_text('description = "mine"\n[us]\nescalation_level = 2\n')
    second = load_scenario_file(path)
    ids = [sweeps.run_id(s, {}, 0, 30, 0.25) for s in (first, second)]
    assert ids[0] != ids[1]
    assert first.digest != second.digest and "+" in sweeps.model_version()


def test_a_killed_write_leaves_the_old_result_or_a_marked_incomplete_one(tmp_path):
    out = tmp_path / "result"
    with staged_folder(out) as building:
        (building / "manifest.json").write_text("old")
    with pytest.raises(RuntimeError), staged_folder(out) as building:
        (building / "manifest.json").write_text("new")
        raise RuntimeError("killed")
    assert (out / "manifest.json").read_text() == "old"
    assert [p.name.endswith(".incomplete.partial") for p in tmp_path.glob(".result.*")] == [True]
    killed = subprocess.Popen(["true"])
    killed.wait()  # a writer that is gone
    (here,) = [p.name for p in tmp_path.glob(".result.*.incomplete.partial")]
    assert here.split(".")[2].endswith(f"-{os.getpid()}")
    gone = here.replace(f"-{os.getpid()}.", f"-{killed.pid}.")
    sibling = f".result.2024.{here.split('.')[2]}.x1.incomplete.partial"  # `result.2024`'s
    for name in (gone, sibling):
        (tmp_path / name).mkdir()
    with staged_folder(out):
        pass
    left = {p.name for p in tmp_path.glob(".result.*.incomplete.partial")}
    assert left == {here, sibling}  # this process's might still be writing; not ours to judge
    first, second = staged_folder(out), staged_folder(out)  # two writers at once
    one, two = first.__enter__(), second.__enter__()
    assert one != two
    (one / "manifest.json").write_text("one")
    (two / "manifest.json").write_text("two")
    for writer in (first, second):
        with contextlib.suppress(StopIteration):
            writer.__exit__(None, None, None)
    assert (out / "manifest.json").read_text() == "two" and set(os.listdir(out)) == {
        "manifest.json"
    }
    os.replace(out, tmp_path / ".result.x.old.partial")  # killed between the swap's renames
    with staged_folder(out):
        assert (out / "manifest.json").read_text() == "two"  # put back before anything else
    names = []

    def failing(path: Path) -> None:
        names.append(path.name)
        raise OSError("disk full")

    for _ in range(2):
        with pytest.raises(OSError):
            write_atomic(tmp_path / "table.csv", failing)
    assert names[0] != names[1]  # each writer its own temporary name
    assert not list(tmp_path.glob(".table.csv*")) and not (tmp_path / "table.csv").exists()


def test_a_killed_study_can_be_resumed_into_its_folder(tmp_path):
    from mxstab.model.io import writable_output

    study = tmp_path / "study"
    (study / "robustness" / "runs").mkdir(parents=True)  # killed before its manifest
    markers = ("manifest.json", "compare", "robustness", "validation")
    assert writable_output(study, "folder", markers) == study.resolve()
    with pytest.raises(ValueError, match="not this command's results"):
        writable_output(tmp_path, "folder", ("manifest.json",))
    (tmp_path / "x").write_text("")
    with pytest.raises(ValueError, match="not a folder"):
        writable_output(tmp_path / "x", "folder")


def test_collect_takes_exactly_the_plan_and_names_a_file_that_does_not_fit(tmp_path):
    out = tmp_path / "sweep"
    grid = ["--grid", "violence.flow_elasticity=1,0.5", "--seeds", "1-2", "--months", "3"]
    done = run_mxstab("sweep", *grid, "--out", str(out), "--workers", "1")
    assert done.returncode == 0, done.stderr
    stranger = pd.DataFrame({"run_id": ["x"], "month": [0], "other": [1.0]})
    stranger.to_parquet(out / "runs" / "not_in_the_plan.parquet")
    for target in (tmp_path / "all.parquet", out / "runs" / "all.parquet"):
        for _ in range(2):
            done = run_mxstab("collect", str(out), "--out", str(target))
            assert done.returncode == 0, done.stderr
            table = pd.read_parquet(target)
            assert len(table) == 4 * 3 and table["run_id"].nunique() == 4
            assert table["violence.flow_elasticity"].dtype == float
    first = sweeps.status(out)["done"][0]
    path = out / "runs" / f"{first}.parquet"
    pd.read_parquet(path).assign(extra=1).to_parquet(path)
    done = run_mxstab("collect", str(out), "--out", str(tmp_path / "again.parquet"))
    assert done.returncode == 2 and first in done.stderr and "Traceback" not in done.stderr


def test_a_truncated_run_is_reported_and_rerun(tmp_path):
    out = tmp_path / "sweep"
    args = ["sweep", "--seeds", "2", "--months", "2", "--workers", "1", "--out", str(out)]
    assert run_mxstab(*args).returncode == 0
    first = sweeps.status(out)["done"][0]
    path = out / "runs" / f"{first}.parquet"
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    (out / "runs" / "zzz.error.json").write_text('{"run_id": "zz')
    report = run_mxstab("sweep-status", str(out))
    assert report.returncode == 0 and "truncated: 1" in report.stdout
    again = run_mxstab(*args)
    assert again.returncode == 0, again.stderr
    assert sweeps.status(out)["done"] == sweeps.planned_ids(out)
    assert pd.read_parquet(path).equals(pd.read_parquet(io.BytesIO(whole)))


def descendants(process: psutil.Process) -> list[psutil.Process]:
    try:
        return process.children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def alive(processes: list[psutil.Process]) -> list[int]:
    found = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process.pid)
        except psutil.NoSuchProcess:
            pass
    return found


STUDY = """
title = "orphans"
[compare]
scenarios = ["baseline", "kingpin_campaign"]
seeds = "10"
months = 80
workers = 2
"""


@pytest.mark.parametrize(
    ("command", "kill"),
    [("sweep", signal.SIGKILL), ("compare", signal.SIGTERM), ("reproduce", signal.SIGKILL)],
)
def test_no_worker_outlives_its_command(tmp_path, command, kill):
    study = tmp_path / "study.toml"
    study.write_text(STUDY)
    out = str(tmp_path / "out")
    args = {
        "sweep": ["sweep", "--seeds", "40", "--months", "80", "--workers", "2", "--out", out],
        "compare": ["compare", "--scenarios", "baseline,kingpin_campaign", "--seeds", "10"],
        "reproduce": ["reproduce", str(study), "--out", out],
    }[command]
    if command == "compare":
        args += ["--months", "80", "--workers", "2", "--out", out]
    parent = subprocess.Popen(
        [str(MXSTAB), *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    process = psutil.Process(parent.pid)
    try:
        deadline = time.monotonic() + 90
        while len(descendants(process)) < 3 and time.monotonic() < deadline:
            time.sleep(0.5)  # the forkserver and two workers
        children = descendants(process)
        assert len(children) >= 3, "the pool never started"
        if command == "sweep":  # meanwhile, a second sweep on the folder is refused
            second = run_mxstab(*args)
            assert second.returncode == 2 and "another sweep" in second.stderr
        parent.send_signal(kill)
        parent.wait(timeout=10)
        time.sleep(5)
        assert parent.returncode != 0  # killed mid-way, not finished
        assert alive(children) == []
    finally:
        for child in [process, *descendants(process)]:
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()


def test_the_app_warns_that_it_has_no_login_when_served_beyond_this_machine():
    server = subprocess.Popen(
        [str(MXSTAB), "app", "--host", "0.0.0.0", "--port", "8799"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        warning = server.stderr.readline()
        served = psutil.Process(server.pid)
        deadline = time.monotonic() + 30
        while "solara" not in " ".join(served.cmdline()) and time.monotonic() < deadline:
            time.sleep(0.2)
        command = served.cmdline()
    finally:
        server.kill()
        server.wait()
    assert "no login" in warning and "0.0.0.0" in warning
    assert "--no-check-version" in command  # the server never asks PyPI for a new Solara
