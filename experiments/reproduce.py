"""`mxstab reproduce`: rebuild every figure and table of a study from its spec, with a manifest
proving what produced them (spec hash, seeds, package versions, git revision, model version).

A study spec (TOML, in `experiments/specs/`) has a `title`, an optional `[compare]` table (the
scenario comparison: `scenarios`, `seeds`, `adaptive_seeds`, `months`, `workers`), an optional
`[robustness]` table (`mxstab robustness`: `scenarios`, `samples`, `seeds`, `months`,
`workers`, `design_seed`) and a `[validation]` table naming validation experiments
(`experiments/validation.py`), each with its options (`seeds`). Tables are written as CSV,
figures as PNG; the same spec gives the same tables.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from mxstab.experiments import validation
from mxstab.experiments.compare import compare, default_adaptive_seeds, plan
from mxstab.experiments.robustness import robustness, run_count
from mxstab.experiments.run import git_revision, parse_seeds, versions
from mxstab.experiments.sweep import MAX_RUNS, check_size, model_version
from mxstab.model.config import load_spec_file
from mxstab.model.io import write_atomic
from mxstab.model.scenarios import scenario_names


def known_scenarios(value: list[str]) -> list[str]:
    unknown = sorted(set(value) - set(scenario_names()))
    if unknown:
        raise ValueError(f"unknown scenarios {unknown} (allowed: {', '.join(scenario_names())})")
    return value


def seed_text(value: str) -> str:
    parse_seeds(value)
    return value


def optional_seed_text(value: str) -> str:
    return value and seed_text(value)


class CompareStudy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scenarios: Annotated[list[str], AfterValidator(known_scenarios)] = []
    seeds: Annotated[str, AfterValidator(seed_text)] = "20"
    adaptive_seeds: Annotated[str, AfterValidator(optional_seed_text)] = ""
    months: int = Field(88, ge=1, le=600)
    workers: int = Field(2, ge=1, le=1024)

    @model_validator(mode="after")
    def not_too_many(self) -> CompareStudy:
        seeds = len(parse_seeds(self.seeds))
        adaptive = len(parse_seeds(self.adaptive_seeds)) if self.adaptive_seeds else 10 * seeds
        check_size(seeds * len(self.scenarios or scenario_names()) + adaptive, MAX_RUNS, hint="")
        return self


class RobustnessStudy(BaseModel):
    """`mxstab robustness` as a study: every scenario (or those listed) against the baseline
    over a Latin hypercube of the assumptions × seeds."""

    model_config = ConfigDict(extra="forbid")

    scenarios: Annotated[list[str], AfterValidator(known_scenarios)] = []
    samples: int = Field(200, ge=2, le=100_000)
    seeds: Annotated[str, AfterValidator(seed_text)] = "2"
    months: int = Field(87, ge=1, le=600)
    workers: int = Field(2, ge=1, le=1024)
    design_seed: int = Field(0, ge=0)

    @model_validator(mode="after")
    def not_too_many(self) -> RobustnessStudy:
        runs = run_count(
            self.scenarios or scenario_names(), self.samples, len(parse_seeds(self.seeds))
        )
        check_size(runs, MAX_RUNS, hint="")
        return self


class ExperimentOptions(BaseModel):
    """A validation experiment's options: its number of seeds (its default when absent)."""

    model_config = ConfigDict(extra="forbid")

    seeds: int | None = Field(None, ge=1, le=10_000)


class Study(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    compare: CompareStudy | None = None
    robustness: RobustnessStudy | None = None
    validation: dict[str, ExperimentOptions] = {}

    @field_validator("validation")
    @classmethod
    def known_experiments(cls, value: dict[str, ExperimentOptions]) -> dict[str, ExperimentOptions]:
        unknown = sorted(set(value) - set(validation.EXPERIMENTS))
        if unknown:
            allowed = ", ".join(validation.EXPERIMENTS)
            raise ValueError(f"unknown experiments {unknown} (allowed: {allowed})")
        if "contagion" in value and value["contagion"].seeds is not None:
            raise ValueError("contagion is deterministic: it takes no seeds")
        return value


def load_study(path: Path) -> Study:
    return load_spec_file(path, Study)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def reproduce(spec_path: Path, out: Path, on_done=None) -> list[Path]:
    """Run the study; returns the files written (the manifest last)."""
    study = load_study(spec_path)
    revision = git_revision()  # the code that runs, not whatever is checked out at the end
    written: list[Path] = []
    seeds: dict[str, Any] = {}
    if study.compare is not None:
        c = study.compare
        names = c.scenarios or scenario_names()
        seed_list = parse_seeds(c.seeds)
        adaptive = (
            parse_seeds(c.adaptive_seeds) if c.adaptive_seeds else default_adaptive_seeds(seed_list)
        )
        jobs = plan(names, seed_list, adaptive, c.months, {})
        written += compare(jobs, c.workers, out / "compare", on_done).files
        seeds["compare"] = {"scenarios": seed_list}
        if "adaptive" in names:
            seeds["compare"]["adaptive"] = adaptive
    if study.robustness is not None:
        r = study.robustness
        seed_list = parse_seeds(r.seeds)
        written += robustness(
            r.scenarios or scenario_names(),
            r.samples,
            seed_list,
            r.months,
            out / "robustness",
            r.workers,
            r.seeds,
            design_seed=r.design_seed,
            on_done=on_done,
        )
        seeds["robustness"] = {"per_sample": seed_list, "design_seed": r.design_seed}
    for name, options in study.validation.items():
        run, figure = validation.EXPERIMENTS[name]
        table = run(options.model_dump(exclude_none=True))
        csv, png = out / "validation" / f"{name}.csv", out / "validation" / f"{name}.png"
        written.append(write_atomic(csv, lambda p, t=table: t.to_csv(p, index=False)))
        drawn = figure(table)
        written.append(write_atomic(png, lambda p, f=drawn: f.savefig(p, format="png")))
        seeds[name] = options.seeds or "default"
    manifest = {
        "title": study.title,
        "spec": spec_path.name,
        "spec_sha256": digest(spec_path),
        "seeds": seeds,
        "versions": versions(),
        "model_version": model_version(),
        "git_revision": revision,
        "tables_sha256": {
            str(p.relative_to(out)): digest(p) for p in written if p.suffix == ".csv"
        },
    }
    path = out / "manifest.json"
    written.append(write_atomic(path, lambda p: p.write_text(json.dumps(manifest, indent=1))))
    return written
