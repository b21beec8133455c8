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
import math
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, partial
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from mxstab.experiments.batch import RunSpec, run_one
from mxstab.experiments.pool import Slurm, run_all
from mxstab.experiments.run import parse_seeds
from mxstab.model.config import ConfigError, field_table, load_spec_file
from mxstab.model.io import remove_partials, write_atomic
from mxstab.model.scenarios import Scenario, load_scenario, value_of

PACKAGE = Path(__file__).resolve().parents[1]


MAX_RUNS = 1_000_000
"""The largest plan a sweep builds unless told otherwise (`max_runs`, `--max-runs`)."""


class FolderBusy(RuntimeError):
    """Another sweep holds the folder's lock."""


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
    max_runs: int = Field(MAX_RUNS, ge=1, description="refuse a larger plan before building it")

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
    scenario: Scenario
    params: dict[str, Any]
    seed: int
    months: int
    resolution: float
    overrides: dict[str, Any]


def load_spec(path: Path) -> SweepSpec:
    """Parse (never execute) a TOML spec; errors name the field."""
    return load_spec_file(path, SweepSpec)


CODE = ("model", "agents", "experiments/batch.py", "experiments/run.py", "experiments/sweep.py")
"""What a run's numbers and columns come from: the model's code and data (calibration and
scenarios included) and the code that runs and writes it."""


@cache
def model_version() -> str:
    """The package version and a digest of `CODE`: any edit there gives new run ids."""
    digest = hashlib.sha256()
    for part in CODE:
        path = PACKAGE / part
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(file.relative_to(PACKAGE).as_posix().encode())
                digest.update(file.read_bytes())
    return f"{metadata.version('mxstab')}+{digest.hexdigest()[:12]}"


def run_id(
    scenario: Scenario, params: dict[str, Any], seed: int, months: int, resolution: float
) -> str:
    """Everything a run's result depends on: the scenario file's contents, the parameters, the
    seed, the length, the resolution and the model's code and data."""
    key = json.dumps(
        [
            scenario.name,
            scenario.digest,
            sorted(params.items()),
            seed,
            months,
            resolution,
            model_version(),
        ],
        default=str,
    )
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def plan_size(spec: SweepSpec) -> int:
    """How many runs a spec plans, counted without building them."""
    seeds = len(parse_seeds(spec.seeds))
    if spec.design == "grid":
        return math.prod(len(values) for values in spec.grid.values()) * seeds
    per_sample = {"lhs": 1, "morris": len(spec.bounds) + 1, "sobol": len(spec.bounds) + 2}
    return spec.samples * per_sample[spec.design] * seeds


def check_size(runs: int, limit: int, hint: str = " (raise --max-runs if you mean it)") -> None:
    if runs > limit:
        raise ConfigError(
            f"max_runs: the plan has {runs:,} runs, above the limit of {limit:,}{hint}"
        )


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


@cache
def field_kinds() -> dict[str, str]:
    return {row["name"]: row["type"] for row in field_table()}


def typed(params: dict[str, Any]) -> dict[str, Any]:
    """Sampled values with integer fields rounded (samplers give floats)."""
    kinds = field_kinds()
    return {k: int(round(v)) if kinds.get(k) == "int" else v for k, v in params.items()}


def plan(spec: SweepSpec, scenario: Scenario | None = None) -> list[RunPoint]:
    """Every run of the sweep (of `scenario`, else the spec's named one), each config validated
    now, before anything runs; a plan above `max_runs` is refused, and so is a grid with two
    points that run the same once validated (`1,1.0` for a number, `1,true` for a switch).
    Each point's parameters are recorded as the config holds them (a float field's `1` as 1.0,
    so a grid of `1,2.5` collects as one column). Sampled designs may repeat a point (Sobol's
    matrices, Morris' trajectories): it runs once."""
    check_size(plan_size(spec), spec.max_runs)
    scenario = scenario or load_scenario(spec.scenario)
    seeds = parse_seeds(spec.seeds)
    runs, asked = [], {}
    for given in design_points(spec):
        if spec.design != "grid":
            given = typed(given)
        overrides = {**spec.set, **given}
        config = scenario.config(overrides)
        scenario.check_levers_act(overrides, spec.months)
        params = {name: value_of(config, name) for name in given}
        key = json.dumps(sorted(params.items()), default=str)
        if spec.design == "grid" and key in asked:
            raise ConfigError(
                f"grid: the points {asked[key]} and {given} run the same ({params}); give "
                "distinct values"
            )
        asked[key] = given
        overrides = {**spec.set, **params}
        for seed in seeds:
            rid = run_id(scenario, overrides, seed, spec.months, spec.resolution)
            runs.append(
                RunPoint(rid, scenario, params, seed, spec.months, spec.resolution, overrides)
            )
    return runs


def run_point(point: RunPoint, out: str) -> dict[str, Any]:
    """Run one point and write its Parquet (or its error); return a small summary."""
    runs = Path(out) / "runs"
    try:
        config = point.scenario.config(point.overrides)
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


def finished(path: Path) -> bool:
    """A run file that exists and is whole (its Parquet footer reads): a truncated one is not
    done, and its run is redone."""
    import pyarrow.parquet as pq

    try:
        pq.read_metadata(path)
    except (OSError, ValueError):  # missing, or not (or no longer) a Parquet file
        return False
    return True


def pending(points: list[RunPoint], out: Path) -> list[RunPoint]:
    """Runs without a whole Parquet file, each once (a sampled design may repeat a point)."""
    unique = {p.run_id: p for p in points}.values()
    return [p for p in unique if not finished(out / "runs" / f"{p.run_id}.parquet")]


def write_plan(spec: SweepSpec, points: list[RunPoint], out: Path) -> None:
    (out / "runs").mkdir(parents=True, exist_ok=True)
    table = {
        "spec": spec.model_dump(),
        "scenario_sha256": points[0].scenario.digest if points else "",
        "model_version": model_version(),
        "runs": [{"run_id": p.run_id, "params": p.params, "seed": p.seed} for p in points],
    }
    text = json.dumps(table, indent=1, default=str)
    path = out / "sweep.json"
    if not path.exists() or path.read_text() != text:
        write_atomic(path, lambda p: p.write_text(text))


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the sweep folder's lock (FolderBusy when another sweep holds it), and clear what
    killed writers left half-written."""
    from filelock import FileLock, Timeout

    out.mkdir(parents=True, exist_ok=True)
    lock = FileLock(out / ".sweep.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise FolderBusy(f"{out}: another sweep is writing here; wait for it to end") from None
    try:
        if (out / "runs").is_dir():
            remove_partials(out / "runs")
        yield
    finally:
        lock.release()


def planned_ids(out: Path) -> list[str]:
    """The run ids `sweep.json` plans; ConfigError when there is none or it is not whole."""
    plan_file = out / "sweep.json"
    if not plan_file.exists():
        raise ConfigError(f"{out} holds no sweep.json (not a sweep folder)")
    try:
        return [run["run_id"] for run in json.loads(plan_file.read_text())["runs"]]
    except (ValueError, KeyError, TypeError):
        raise ConfigError(
            f"{plan_file} is not a whole sweep plan (truncated?): rerun the sweep to rewrite it"
        ) from None


def status(out: Path) -> dict[str, list[str]]:
    """done / truncated / failed / missing run ids of a sweep folder."""
    runs = out / "runs"
    state: dict[str, list[str]] = {"done": [], "truncated": [], "failed": [], "missing": []}
    for rid in planned_ids(out):
        path = runs / f"{rid}.parquet"
        if finished(path):
            state["done"].append(rid)
        elif path.exists():
            state["truncated"].append(rid)
        elif (runs / f"{rid}.error.json").exists():
            state["failed"].append(rid)
        else:
            state["missing"].append(rid)
    return state


def collect(out: Path, target: Path) -> tuple[int, int]:
    """The plan's finished runs (only those: never other files in `runs/`) as one Parquet table,
    sorted by run and month; returns its rows and how many planned runs are not finished. A
    run file with another schema than the first is refused, named."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    state = status(out)
    if not state["done"]:
        raise ConfigError(f"{out}: no planned run has finished")
    tables, paths = [], [out / "runs" / f"{rid}.parquet" for rid in state["done"]]
    for path in paths:
        try:
            table = pq.read_table(path)
        except (OSError, pa.ArrowInvalid) as error:
            raise ConfigError(
                f"{path}: unreadable ({error}); delete it and rerun the sweep"
            ) from None
        if tables and not table.schema.equals(tables[0].schema):
            first = tables[0].schema
            differ = sorted(
                set(table.schema.names) ^ set(first.names)
                or {f.name for f in table.schema if f != first.field(f.name)}
            )
            what = f"differ in {differ}" if differ else "order their columns differently"
            raise ConfigError(
                f"{path.name} and {paths[0].name} in {path.parent} {what}: the folder mixes "
                "sweeps or versions"
            )
        tables.append(table)
    table = pa.concat_tables(tables).sort_by([("run_id", "ascending"), ("month", "ascending")])
    write_atomic(target, lambda p: pq.write_table(table, p))
    return table.num_rows, len(planned_ids(out)) - len(state["done"])


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
    spec: SweepSpec,
    points: list[RunPoint],
    out: Path,
    workers: int,
    dask: str | None = None,
    slurm: Slurm | None = None,
    on_done=None,
) -> list[dict[str, Any]]:
    """Under the folder's lock, write the plan and run the points not yet finished
    (`pool.run_all`'s executors); one small summary per run."""
    with locked(out):
        write_plan(spec, points, out)
        work = partial(run_point, out=str(out))
        return run_all(work, pending(points, out), workers, on_done, dask, slurm)
