"""`mxstab reproduce`: rebuild every figure and table of a study from its spec, with a manifest
proving what produced them (spec hash, seeds, package versions, git revision, model version).

A study spec (TOML, in `experiments/specs/`) has a `title`, an optional `[compare]` table (the
scenario comparison: `scenarios`, `seeds`, `adaptive_seeds`, `months`, `workers`) and a
`[validation]` table naming validation experiments (`experiments/validation.py`), each with its
options (`seeds`). Tables are written as CSV, figures as PNG; the same spec gives the same
tables.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from mxstab.experiments import validation
from mxstab.experiments.compare import compare, plan
from mxstab.experiments.run import git_revision, parse_seeds, versions
from mxstab.experiments.sweep import model_version
from mxstab.model.config import load_spec_file
from mxstab.model.io import write_atomic
from mxstab.model.scenarios import scenario_names


class CompareStudy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scenarios: list[str] = []
    seeds: str = "20"
    adaptive_seeds: str = ""
    months: int = 88
    workers: int = 2


class Study(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    compare: CompareStudy | None = None
    validation: dict[str, dict[str, Any]] = {}

    @field_validator("validation")
    @classmethod
    def known_experiments(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        unknown = sorted(set(value) - set(validation.EXPERIMENTS))
        if unknown:
            allowed = ", ".join(validation.EXPERIMENTS)
            raise ValueError(f"unknown experiments {unknown} (allowed: {allowed})")
        return value


def load_study(path: Path) -> Study:
    return load_spec_file(path, Study)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def reproduce(spec_path: Path, out: Path, on_done=None) -> list[Path]:
    """Run the study; returns the files written (the manifest last)."""
    study = load_study(spec_path)
    written: list[Path] = []
    seeds: dict[str, Any] = {}
    if study.compare is not None:
        c = study.compare
        names = c.scenarios or scenario_names()
        seed_list = parse_seeds(c.seeds)
        adaptive = (
            parse_seeds(c.adaptive_seeds)
            if c.adaptive_seeds
            else list(range(seed_list[0], seed_list[0] + 10 * len(seed_list)))
        )
        jobs = plan(names, seed_list, adaptive, c.months, {}, out / "compare")
        written += compare(jobs, c.workers, out / "compare", on_done).files
        seeds["compare"] = {"scenarios": seed_list}
        if "adaptive" in names:
            seeds["compare"]["adaptive"] = adaptive
    for name, options in study.validation.items():
        run, figure = validation.EXPERIMENTS[name]
        table = run(options)
        csv, png = out / "validation" / f"{name}.csv", out / "validation" / f"{name}.png"
        written.append(write_atomic(csv, lambda p, t=table: t.to_csv(p, index=False)))
        drawn = figure(table)
        written.append(write_atomic(png, lambda p, f=drawn: f.savefig(p, format="png")))
        seeds[name] = options.get("seeds", "default")
    manifest = {
        "title": study.title,
        "spec": spec_path.name,
        "spec_sha256": digest(spec_path),
        "seeds": seeds,
        "versions": versions(),
        "model_version": model_version(),
        "git_revision": git_revision(),
        "tables_sha256": {
            str(p.relative_to(out)): digest(p) for p in written if p.suffix == ".csv"
        },
    }
    path = out / "manifest.json"
    written.append(write_atomic(path, lambda p: p.write_text(json.dumps(manifest, indent=1))))
    return written
