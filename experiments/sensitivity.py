"""`mxstab sensitivity`: which parameters matter, by SALib's Morris screening (μ*, σ) or Sobol
indices (S1, ST with confidence intervals), over a sweep of a Morris or Sobol design.

Each design point runs over the spec's seeds; its output is the mean over them (for an indicator
such as `escalation_ge_3`, the probability). The sweep is resumable like any other.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from mxstab.experiments import sweep as sweeps
from mxstab.model.config import ConfigError
from mxstab.model.io import write_atomic


def last_year(national: pd.DataFrame) -> pd.DataFrame:
    return national[national["month"] >= national["month"].max() - 11]


OUTPUTS = {
    "homicide_rate": lambda n: last_year(n)["homicide_rate"].mean(),
    "cartel_members": lambda n: n["cartel_members"].iloc[-1],
    "relations_index": lambda n: n["relations_index"].iloc[-1],
    "escalation_ge_1": lambda n: float(n["escalation_level"].max() >= 1),
    "escalation_ge_2": lambda n: float(n["escalation_level"].max() >= 2),
    "escalation_ge_3": lambda n: float(n["escalation_level"].max() >= 3),
}


INDICES = {
    "morris": ("mu_star", "mu_star_conf", "sigma"),
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
}
"""The columns each design's analysis reports per parameter, with SALib's names."""


def point_outputs(spec: sweeps.SweepSpec, points: list[sweeps.RunPoint], out: Path):
    """(X, {output: Y}) with one row per design point, outputs averaged over seeds."""
    names = list(spec.bounds)
    rows: dict[tuple, list[dict[str, float]]] = {}
    for point in points:
        national = pd.read_parquet(out / "runs" / f"{point.run_id}.parquet")
        key = tuple(point.params[n] for n in names)
        rows.setdefault(key, []).append({o: OUTPUTS[o](national) for o in spec.outputs})
    design = sweeps.design_points(spec)
    keys = [tuple(sweeps.typed(p)[n] for n in names) for p in design]
    x = np.array([[p[n] for n in names] for p in design], float)
    y = {o: np.array([np.mean([r[o] for r in rows[k]]) for k in keys]) for o in spec.outputs}
    return x, y


def analyse(spec: sweeps.SweepSpec, out: Path) -> pd.DataFrame:
    """The indices of every chosen output for every parameter."""
    from SALib.analyze import morris, sobol

    names = list(spec.bounds)
    low = np.array([spec.bounds[n][0] for n in names], float)
    high = np.array([spec.bounds[n][1] for n in names], float)
    problem = sweeps.salib_problem(names, low, high)
    x, y = point_outputs(spec, sweeps.plan(spec), out)
    rows = []
    for output, values in y.items():
        if spec.design == "morris":
            result = morris.analyze(problem, x, values, num_levels=4, seed=spec.design_seed)
        else:
            result = sobol.analyze(problem, values, calc_second_order=False, seed=spec.design_seed)
        for i, name in enumerate(names):
            indices = {column: result[column][i] for column in INDICES[spec.design]}
            rows.append({"output": output, "parameter": name, **indices})
    return pd.DataFrame(rows)


def plot(table: pd.DataFrame, design: str) -> Figure:
    """One panel per output: μ* and σ (Morris) or S1 and ST with intervals (Sobol)."""
    outputs = list(dict.fromkeys(table["output"]))
    figure = Figure(figsize=(7, 2.8 * len(outputs)))
    axes = np.atleast_1d(figure.subplots(len(outputs), 1))
    for ax, output in zip(axes, outputs, strict=True):
        part = table[table["output"] == output]
        position = np.arange(len(part))
        if design == "morris":
            ax.barh(position - 0.2, part["mu_star"], 0.4, xerr=part["mu_star_conf"], label="μ*")
            ax.barh(position + 0.2, part["sigma"], 0.4, label="σ")
        else:
            ax.barh(position - 0.2, part["S1"], 0.4, xerr=part["S1_conf"], label="S1")
            ax.barh(position + 0.2, part["ST"], 0.4, xerr=part["ST_conf"], label="ST")
        ax.set_yticks(position, part["parameter"], fontsize=7)
        ax.set_title(output, fontsize=9)
        ax.legend(fontsize=7)
    figure.tight_layout()
    return figure


def sensitivity(spec: sweeps.SweepSpec, out: Path, workers: int, on_done=None) -> list[Path]:
    """Run (or resume) the design, then write sensitivity.csv and sensitivity.png."""
    if spec.design not in ("morris", "sobol"):
        raise ConfigError(f"sensitivity needs design 'morris' or 'sobol', got {spec.design!r}")
    points = sweeps.plan(spec)
    sweeps.execute(spec, points, out, workers, on_done=on_done)
    failed = sweeps.status(out)["failed"]
    if failed:
        raise ConfigError(f"{len(failed)} runs failed; see `mxstab sweep-status {out}`")
    table = analyse(spec, out)
    files = [out / "sensitivity.csv", out / "sensitivity.png"]
    write_atomic(files[0], lambda p: table.to_csv(p, index=False))
    write_atomic(files[1], lambda p: plot(table, spec.design).savefig(p, format="png"))
    return files
