"""One run of the model: N monthly rows and the event log to Parquet, a manifest, and maps of the
final month."""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mxstab.model.config import Config
from mxstab.model.io import write_atomic
from mxstab.model.model import MxStabModel
from mxstab.model.scenarios import Scenario
from mxstab.model.world.calendar import DEFAULT_START

PACKAGES = ("mxstab", "mesa", "numpy", "numba", "scipy", "pandas", "pyarrow", "pydantic")
REPO = Path(__file__).resolve().parents[1]


@dataclass
class RunResult:
    national: pd.DataFrame
    states: pd.DataFrame
    events: pd.DataFrame
    model: MxStabModel
    wall_seconds: float


def event_table(model: MxStabModel) -> pd.DataFrame:
    """The run's event log: `month`, `date` (YYYY-MM) and `event`, in the order they happened,
    for the months the run covers."""
    logged = [(month, text) for month, text in model.event_log if month <= model.month]
    return pd.DataFrame(
        {
            "month": pd.Series([month for month, _ in logged], dtype="int64"),
            "date": pd.Series([model.date(month) for month, _ in logged], dtype="str"),
            "event": pd.Series([text for _, text in logged], dtype="str"),
        }
    )


def run_model(
    config: Config,
    seed: int,
    months: int,
    resolution: float = 0.25,
    on_month=None,
    start: str = DEFAULT_START,
) -> RunResult:
    """Run `months` steps (months 0..N−1 from `start`); `on_month(model)` is called after each."""
    started = time.perf_counter()
    model = MxStabModel(config, seed=seed, resolution=resolution, start=start)
    for _ in range(months):
        model.step()
        if on_month is not None:
            on_month(model)
    national = model.national_table()
    national.insert(0, "month", np.arange(len(national)))
    national.insert(1, "date", [model.date(month) for month in national["month"]])
    states = model.states_table()
    return RunResult(national, states, event_table(model), model, time.perf_counter() - started)


def versions() -> dict[str, str]:
    return {name: metadata.version(name) for name in PACKAGES}


def git_revision() -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except OSError:
        return "unknown"
    return done.stdout.strip() if done.returncode == 0 else "unknown"


def write_run(
    result: RunResult,
    out: Path,
    scenario: Scenario,
    seed: int,
    resolution: float,
    overrides: dict[str, Any],
) -> list[Path]:
    """national.parquet, states.parquet, events.parquet, manifest.json and the final month's maps
    in `out`. The manifest records the overrides as given and the config the policy runs on
    (levers included), not the recorded posture before it."""
    from mxstab.viz.maps import save_model_map

    out.mkdir(parents=True, exist_ok=True)
    tables = {"national": result.national, "states": result.states, "events": result.events}
    written = []
    for name, table in tables.items():
        path = out / f"{name}.parquet"
        written.append(write_atomic(path, lambda p, t=table: t.to_parquet(p, index=False)))
    written.append(out / "manifest.json")
    manifest = {
        "scenario": scenario.name,
        "scenario_sha256": scenario.digest,
        "overrides": overrides,
        "seed": seed,
        "start": result.model.start,
        "months": len(result.national),
        "resolution": resolution,
        "params": result.model.requested.model_dump(),
        "versions": versions(),
        "git_revision": git_revision(),
        "wall_seconds": round(result.wall_seconds, 3),
    }
    write_atomic(written[-1], lambda p: p.write_text(json.dumps(manifest, indent=1)))
    final = result.model.date(result.model.month)
    for layer in ("homicide_rate", "territory"):
        written.append(save_model_map(result.model, layer, final, out / f"map_{layer}.png"))
    return written


MAX_SEEDS = 1_000_000


def parse_seeds(text: str) -> list[int]:
    """'20' → seeds 0–19; '5-9' → seeds 5 to 9, both ends included; at most a million (checked
    before the list is built)."""
    try:
        if "-" in text:
            first, last = (int(part) for part in text.split("-", 1))
        else:
            first, last = 0, int(text) - 1
        if last < first or first < 0:
            raise ValueError
    except ValueError:
        raise ValueError(f"--seeds expects a count N ≥ 1 or a range A-B, got {text!r}") from None
    if last - first + 1 > MAX_SEEDS:
        raise ValueError(f"--seeds: {last - first + 1:,} seeds, above the limit of {MAX_SEEDS:,}")
    return list(range(first, last + 1))
