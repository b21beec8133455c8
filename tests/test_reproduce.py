"""A study rebuilt from its spec: the same tables every time, with a manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_mxstab
from mxstab.experiments.reproduce import load_study
from mxstab.experiments.run import parse_seeds

STUDY = """
title = "a small study"

[compare]
scenarios = ["baseline", "lab_strikes"]
seeds = "2"
months = 30
workers = 2

[robustness]
scenarios = ["special_ops"]
samples = 2
seeds = "1"
months = 30
workers = 2

[validation]
contagion = {}
intervention = { seeds = 1 }
"""


def test_a_rerun_gives_identical_tables_and_a_manifest(tmp_path):
    spec = tmp_path / "study.toml"
    spec.write_text(STUDY)
    manifests = []
    for name in ("first", "second"):
        done = run_mxstab("reproduce", str(spec), "--out", str(tmp_path / name))
        assert done.returncode == 0, done.stderr
        manifests.append(json.loads((tmp_path / name / "manifest.json").read_text()))
    first, second = manifests
    assert first["tables_sha256"] == second["tables_sha256"]
    assert set(first["tables_sha256"]) == {
        "compare/summary.csv",
        "compare/escalation.csv",
        *(f"robustness/{n}.csv" for n in ("design", "robustness", "drivers", "effects")),
        "validation/contagion.csv",
        "validation/intervention.csv",
    }
    for key in ("spec_sha256", "seeds", "versions", "git_revision", "model_version"):
        assert first[key] == second[key]
    for name in ("contagion", "intervention"):
        assert (tmp_path / "first" / "validation" / f"{name}.png").stat().st_size > 5_000
    assert (tmp_path / "first" / "compare" / "report.html").exists()


@pytest.mark.parametrize(
    ("table", "named"),
    [
        ("[validation]\nnope = {}", "nope"),
        ('[compare]\nseeds = "abc"', "seeds"),
        ("[compare]\nmonths = 0", "months"),
        ("[robustness]\nworkers = 0", "workers"),
        ('[robustness]\nscenarios = ["nope"]', "scenarios"),
        ("[validation]\nkingpin = { seeds = -1 }", "seeds"),
        ("[validation]\nkingpin = { sedes = 2 }", "sedes"),
        ("[validation]\ncontagion = { seeds = 2 }", "contagion"),
    ],
)
def test_a_bad_study_is_refused_before_anything_is_written(tmp_path, table, named, mxstab_here):
    spec = tmp_path / "study.toml"
    spec.write_text(f'title = "x"\n{table}\n')
    done = mxstab_here("reproduce", str(spec), "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and named in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_the_shipped_studies_are_valid():
    specs = Path(__file__).resolve().parents[1] / "experiments/specs"
    study = load_study(specs / "policy_study.toml")
    assert study.compare is not None and len(study.validation) == 8
    robust = load_study(specs / "robustness_study.toml").robustness
    assert robust is not None and robust.samples >= 200 and len(parse_seeds(robust.seeds)) >= 2
