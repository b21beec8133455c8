"""Rolling-origin backtests inside the training window: where a design is worked out, so the test
window is looked at once, at the end.

From each origin (December 2020, 2021, 2022) the model runs 12 months from the month after it,
with initial conditions from the record before it, and is scored state by month against the
record and against the reference forecasters fitted on the record to the origin. Nothing after
`TRAIN_END` is read: the last origin's year ends in December 2023. The references' spreads come
from their errors over the whole training window (in-sample for them, so the comparison leans
their way).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mxstab.experiments import forecasters
from mxstab.experiments.batch import RunSpec, run_many
from mxstab.model.config import Config
from mxstab.model.world.calendar import month_label, month_number
from mxstab.model.world.victims import TRAIN_END, victims_record

ORIGINS = ("2020-12", "2021-12", "2022-12")
HORIZON = 12


def backtest(
    seeds: list[int], workers: int, config: Config | None = None, dask: str | None = None
) -> dict[str, Any]:
    """Pooled over the origins: CRPS and MAE of the model and of each reference, the model's
    band coverage, and the CRPS ratio to the best reference, per origin and pooled (runs on
    the Dask scheduler at `dask` if given)."""
    config = config or Config()
    record = victims_record()
    starts = [month_label(month_number(origin) + 1) for origin in ORIGINS]
    if month_number(starts[-1]) + HORIZON - 1 > month_number(TRAIN_END):
        raise ValueError(f"a backtest reads the record to {TRAIN_END} only")
    specs = [RunSpec(config, seed, HORIZON, start) for start in starts for seed in seeds]
    runs = [s.state_homicides for s in run_many(specs, workers, dask=dask)]
    scores: dict[str, list[np.ndarray]] = {"model": []}
    points: dict[str, list[np.ndarray]] = {"model": []}
    observed_all, members_all, fair = [], [], []
    for i, (origin, start) in enumerate(zip(ORIGINS, starts, strict=True)):
        last = month_label(month_number(start) + HORIZON - 1)
        observed = record.matrix(start, last).to_numpy(float)
        members = np.moveaxis(np.array(runs[i * len(seeds) : (i + 1) * len(seeds)]), 0, -1)
        scores["model"].append(forecasters.crps(observed, members))
        if len(seeds) > 1:  # the fair estimator divides by members − 1
            fair.append(forecasters.crps(observed, members, "fair"))
        points["model"].append(np.median(members, axis=-1))
        for name in forecasters.REFERENCES:
            point, spread = forecasters.reference_forecast(record, name, origin, HORIZON)
            scores.setdefault(name, []).append(forecasters.crps(observed, spread))
            points.setdefault(name, []).append(point)
        observed_all.append(observed)
        members_all.append(members)
    observed = np.concatenate(observed_all)
    members = np.concatenate(members_all)
    crps = {name: float(np.concatenate(s).mean()) for name, s in scores.items()}
    best = min(forecasters.REFERENCES, key=lambda name: crps[name])
    result: dict[str, Any] = {
        "backtest_origins": ", ".join(ORIGINS),
        "backtest_seeds": len(seeds),
        **{f"backtest_crps_{name}": value for name, value in crps.items()},
        **{
            f"backtest_mae_{name}": forecasters.mae(observed, np.concatenate(p))
            for name, p in points.items()
        },
        "backtest_best_reference": best,
        "backtest_crps_ratio_best": crps["model"] / crps[best],
        "backtest_coverage_50": forecasters.coverage(observed, members, 0.5),
        "backtest_coverage_90": forecasters.coverage(observed, members, 0.9),
    }
    if fair:
        result["backtest_crps_model_fair"] = float(np.concatenate(fair).mean())
    for i, origin in enumerate(ORIGINS):
        ratio = scores["model"][i].mean() / scores[best][i].mean()
        result[f"backtest_crps_ratio_best_{origin}"] = float(ratio)
    return result
