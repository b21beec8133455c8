"""`mxstab sweep`: many runs over a design of parameter values and seeds, on a process pool, a Dask
cluster or SLURM (through dask-jobqueue), with nothing lost and nothing run twice.

Each run has a stable id (a hash of scenario, parameters, seed, months, resolution and model
version) and writes one Parquet file, `runs/<id>.parquet`, to a temporary name and then renames
it; a rerun skips ids already written. A failing run writes `runs/<id>.error.json` and the sweep
goes on. The parent keeps only one small summary per run. `sweep.json` lists the planned runs.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import traceback
from dataclasses import dataclass
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from mxstab.experiments.batch import RunSpec, run_one
from mxstab.experiments.pool import Slurm, run_all
from mxstab.experiments.run import parse_seeds
from mxstab.model.config import CALIBRATION_FILE, ConfigError, field_table, load_spec_file
from mxstab.model.io import write_atomic
from mxstab.model.scenarios import load_scenario


class SweepSpec(BaseModel):
    """A sweep: parsed from TOML or built from the command line, checked before any run."""

    model_config = ConfigDict(extra="forbid")

    scenario: str = "baseline"
    design: str = Field("grid", pattern="^(grid|lhs|morris|sobol)$")
    grid: dict[str, list[Any]] = {}
    bounds: dict[str, tuple[float, float]] = {}
    samples: int = Field(8, ge=1, le=100_000)
    design_seed: int = Field(0, ge=0)
    seeds: str = "1"
    months: int = Field(24, ge=1, le=600)
    resolution: float = 0.25
    set: dict[str, Any] = {}
    outputs: list[str] = ["homicide_rate"]

    @field_validator("outputs")
    @classmethod
    def known_outputs(cls, value: list[str]) -> list[str]:
        from mxstab.experiments.sensitivity import OUTPUTS

        unknown = [name for name in value if name not in OUTPUTS]
        if unknown:
            raise ValueError(f"outputs: unknown {unknown} (allowed: {', '.join(OUTPUTS)})")
        return value

    @field_validator("seeds")
    @classmethod
    def seeds_parse(cls, value: str) -> str:
        parse_seeds(value)
        return value

    @field_validator("resolution")
    @classmethod
    def known_resolution(cls, value: float) -> float:
        if value not in (0.25, 0.1):
            raise ValueError(f"resolution: expected 0.25 or 0.1, got {value}")
        return value


@dataclass(frozen=True)
class RunPoint:
    run_id: str
    scenario: str
    params: dict[str, Any]
    seed: int
    months: int
    resolution: float
    overrides: dict[str, Any]


def load_spec(path: Path) -> SweepSpec:
    """Parse (never execute) a TOML spec; errors name the field."""
    return load_spec_file(path, SweepSpec)


def model_version() -> str:
    """The package version and the calibrated values: what a run's numbers depend on besides
    its own parameters."""
    digest = hashlib.sha256(CALIBRATION_FILE.read_bytes()).hexdigest()[:12]
    return f"{metadata.version('mxstab')}+{digest}"


def run_id(scenario: str, params: dict[str, Any], seed: int, months: int, resolution: float) -> str:
    key = json.dumps(
        [scenario, sorted(params.items()), seed, months, resolution, model_version()],
        default=str,
    )
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def design_points(spec: SweepSpec) -> list[dict[str, Any]]:
    """The parameter points of the design (seeds are crossed with them afterwards)."""
    if spec.design == "grid":
        names = list(spec.grid)
        return [
            dict(zip(names, values, strict=True))
            for values in itertools.product(*spec.grid.values())
        ]
    names = list(spec.bounds)
    if not names:
        raise ConfigError(f"design {spec.design!r} needs [bounds] for at least one parameter")
    low = np.array([spec.bounds[n][0] for n in names], float)
    high = np.array([spec.bounds[n][1] for n in names], float)
    if spec.design == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(names), seed=spec.design_seed).random(spec.samples)
        values = qmc.scale(unit, low, high)
    else:
        values = salib_sample(spec.design, names, low, high, spec.samples, spec.design_seed)
    return [{n: float(v) for n, v in zip(names, row, strict=True)} for row in values]


def salib_problem(names: list[str], low: np.ndarray, high: np.ndarray) -> dict[str, Any]:
    return {"num_vars": len(names), "names": names, "bounds": np.column_stack([low, high]).tolist()}


def salib_sample(design: str, names, low, high, samples: int, seed: int) -> np.ndarray:
    problem = salib_problem(names, low, high)
    if design == "morris":
        from SALib.sample import morris

        return morris.sample(problem, samples, num_levels=4, seed=seed)
    from SALib.sample import sobol

    return sobol.sample(problem, samples, calc_second_order=False, seed=seed)


def typed(params: dict[str, Any]) -> dict[str, Any]:
    """Round values of integer fields (samplers give floats)."""
    kinds = {row["name"]: row["type"] for row in field_table()}
    return {k: int(round(v)) if kinds.get(k) == "int" else v for k, v in params.items()}


def plan(spec: SweepSpec) -> list[RunPoint]:
    """Every run of the sweep, each config validated now, before anything runs."""
    scenario = load_scenario(spec.scenario)
    runs = []
    for params in design_points(spec):
        params = typed(params)
        overrides = {**spec.set, **params}
        scenario.config(overrides)
        for seed in parse_seeds(spec.seeds):
            rid = run_id(spec.scenario, overrides, seed, spec.months, spec.resolution)
            runs.append(
                RunPoint(rid, spec.scenario, params, seed, spec.months, spec.resolution, overrides)
            )
    return runs


def run_point(point: RunPoint, out: str) -> dict[str, Any]:
    """Run one point and write its Parquet (or its error); return a small summary."""
    runs = Path(out) / "runs"
    try:
        config = load_scenario(point.scenario).config(point.overrides)
    except Exception as error:  # a failing run is recorded and the sweep goes on
        return failed(point, runs, repr(error), traceback.format_exc())
    spec = RunSpec(config, point.seed, point.months, resolution=point.resolution, keep_going=True)
    summary = run_one(spec)
    if summary.error is not None:
        message, _, trace = summary.error.partition("\n")
        return failed(point, runs, message, trace)
    national = summary.national
    national.insert(0, "run_id", point.run_id)
    for position, (name, value) in enumerate(point.params.items(), start=2):
        national.insert(position, name, value)
    national.insert(2 + len(point.params), "seed", point.seed)
    write_atomic(runs / f"{point.run_id}.parquet", lambda p: national.to_parquet(p, index=False))
    return {"run_id": point.run_id, "ok": True}


def failed(point: RunPoint, runs: Path, error: str, trace: str) -> dict[str, Any]:
    """Record a failed run beside the finished ones; the sweep goes on."""
    record = {"run_id": point.run_id, "error": error, "trace": trace}
    write_atomic(runs / f"{point.run_id}.error.json", lambda p: p.write_text(json.dumps(record)))
    return {"run_id": point.run_id, "ok": False, "error": error}


def pending(points: list[RunPoint], out: Path) -> list[RunPoint]:
    """Runs without a finished Parquet file."""
    return [p for p in points if not (out / "runs" / f"{p.run_id}.parquet").exists()]


def write_plan(spec: SweepSpec, points: list[RunPoint], out: Path) -> None:
    (out / "runs").mkdir(parents=True, exist_ok=True)
    table = {
        "spec": spec.model_dump(),
        "model_version": model_version(),
        "runs": [{"run_id": p.run_id, "params": p.params, "seed": p.seed} for p in points],
    }
    text = json.dumps(table, indent=1, default=str)
    path = out / "sweep.json"
    if not path.exists() or path.read_text() != text:
        write_atomic(path, lambda p: p.write_text(text))


def status(out: Path) -> dict[str, list[str]]:
    """done / failed / missing run ids of a sweep folder."""
    plan_file = out / "sweep.json"
    if not plan_file.exists():
        raise ConfigError(f"{out} holds no sweep.json (not a sweep folder)")
    ids = [run["run_id"] for run in json.loads(plan_file.read_text())["runs"]]
    runs = out / "runs"
    done = [i for i in ids if (runs / f"{i}.parquet").exists()]
    failed = [i for i in ids if i not in done and (runs / f"{i}.error.json").exists()]
    missing = [i for i in ids if i not in done and i not in failed]
    return {"done": done, "failed": failed, "missing": missing}


def collect(out: Path, target: Path) -> int:
    """All finished runs as one Parquet table, sorted by run and month; returns its rows."""
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    files = sorted((out / "runs").glob("*.parquet"))
    if not files:
        raise ConfigError(f"{out}/runs holds no finished run")
    table = ds.dataset([str(f) for f in files], format="parquet").to_table()
    table = table.sort_by([("run_id", "ascending"), ("month", "ascending")])
    write_atomic(target, lambda p: pq.write_table(table, p))
    return table.num_rows


def parse_value(text: str) -> Any:
    """A value typed on the command line: int, float, true/false, or text."""
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text.strip()


def execute(
    points: list[RunPoint],
    out: Path,
    workers: int,
    dask: str | None = None,
    slurm: Slurm | None = None,
    on_done=None,
) -> list[dict[str, Any]]:
    """Run the points not yet finished (`pool.run_all`'s executors); one small summary per run."""
    work = partial(run_point, out=str(out))
    return run_all(work, pending(points, out), workers, on_done, dask, slurm)
