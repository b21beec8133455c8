"""The violence mechanisms fitted by simulation on the training window: Bayesian optimisation
(optuna's TPE sampler) of the backtests' CRPS (`experiments.backtest`: rolling origins December
2020, 2021 and 2022, 12 months each, state by month), so nothing after December 2023 is read.
The CRPS is the fair estimator: a trial's few seeds would otherwise penalise spread.

The outer loop holds the mechanisms' parameters that no published figure pins (`FITTED`); the
states' levels come straight from the record (the backbone's filter) and are not sampled. Every
trial runs the same seeds (common random numbers), so trials differ by their parameters only.
The result is a parameter ensemble, the `ENSEMBLE` best trials (near-best points, not a
Bayesian posterior), in `violence_posterior.csv`, with its diagnostics and the training slice's
SHA-256 in `violence_fit.toml`; the ensemble's medians are the default values
(`calibration.toml`), and `--posterior` draws one member per run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import optuna
import pandas as pd

from mxstab.experiments.backtest import ORIGINS, backtest
from mxstab.experiments.calibrate import Fitted, write_calibration
from mxstab.model.config import VIOLENCE_FIT_FILE, VIOLENCE_POSTERIOR_FILE, Config
from mxstab.model.io import write_atomic
from mxstab.model.world.victims import TRAIN_END, victims_record

FITTED = {  # name: (low, high), the config's own range
    "violence.presence_share": (0.0, 1.0),
    "violence.contagion_beta": (0.0, 0.95),
}
ENSEMBLE = 10
SAMPLER_SEED = 16
COMMAND = "mxstab calibrate --part violence"


@dataclass
class ViolenceFit:
    trials: pd.DataFrame  # one row per trial: its parameters and CRPS
    seeds: list[int]
    seconds: float

    @property
    def ensemble(self) -> pd.DataFrame:
        return self.trials.nsmallest(ENSEMBLE, "crps").reset_index(drop=True)


def fit_violence(
    trials: int,
    seeds: list[int],
    workers: int,
    dask: str | None = None,
    known: dict[str, float] | None = None,
) -> ViolenceFit:
    """`trials` TPE trials, each the backtests' CRPS over `seeds` at its parameters (on the
    default config with the values `known` just fitted)."""
    if len(seeds) < 2:
        raise ValueError("the fit's fair CRPS needs 2 or more seeds")
    base = Config().with_overrides(known or {})
    started = time.perf_counter()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=SAMPLER_SEED, n_startup_trials=min(10, trials))
    study = optuna.create_study(direction="minimize", sampler=sampler)

    def objective(trial: optuna.Trial) -> float:
        values = {name: trial.suggest_float(name, lo, hi) for name, (lo, hi) in FITTED.items()}
        scores = backtest(seeds, workers, base.with_overrides(values), dask)
        return scores["backtest_crps_model_fair"]

    study.optimize(objective, n_trials=trials)
    table = pd.DataFrame([{**t.params, "crps": t.value} for t in study.trials])
    return ViolenceFit(table, seeds, time.perf_counter() - started)


def write_violence_fit(fit: ViolenceFit) -> tuple[list[Fitted], list[str]]:
    """Write the ensemble, its diagnostics and the default values; returns the entries written
    to calibration.toml and lines to print."""
    ensemble = fit.ensemble
    write_atomic(
        VIOLENCE_POSTERIOR_FILE,
        lambda path: ensemble.to_csv(path, index=False, float_format="%.6g"),
    )
    spread = {name: np.quantile(ensemble[name], [0.0, 0.5, 1.0]) for name in FITTED}
    best = fit.trials.loc[fit.trials["crps"].idxmin()]
    lines = [
        f"# Written by `{COMMAND}` (experiments/violence_fit.py); do not edit by hand.",
        f'command = "{COMMAND} --trials {len(fit.trials)} --seeds {len(fit.seeds)}"',
        f'train_end = "{TRAIN_END}"',
        f'training_sha256 = "{victims_record().training_sha256}"',
        f'objective = "mean fair CRPS of state-month victims, backtests from {", ".join(ORIGINS)}"',
        f'sampler = "optuna {optuna.__version__} TPE, seed {SAMPLER_SEED}"',
        f"trials = {len(fit.trials)}",
        f"seeds = {fit.seeds}",
        f"ensemble = {ENSEMBLE}",
        f"best_crps = {best['crps']:.6g}",
        f"ensemble_crps = [{ensemble['crps'].min():.6g}, {ensemble['crps'].max():.6g}]",
        f"worst_crps = {fit.trials['crps'].max():.6g}",
        f"seconds = {fit.seconds:.0f}",
        "",
    ]
    for name, (low, mid, high) in spread.items():
        lines += [f'["{name}"]', f"median = {mid:.6g}", f"range = [{low:.6g}, {high:.6g}]", ""]
    write_atomic(VIOLENCE_FIT_FILE, lambda path: path.write_text("\n".join(lines)))
    fitted = [
        Fitted(
            name,
            float(spread[name][1]),
            f"backtests' fair CRPS (origins {', '.join(ORIGINS)}), {len(fit.trials)} trials",
            f"ensemble median of the {ENSEMBLE} best; range {spread[name][0]:.3g}–"
            f"{spread[name][2]:.3g}; CRPS {ensemble['crps'].min():.3f}–"
            f"{ensemble['crps'].max():.3f}",
            f"simulation-based fit on the record to {TRAIN_END} ({COMMAND})",
        )
        for name in FITTED
    ]
    write_calibration(fitted)
    lines = [f"{f.name} = {f.value:.4g} ({f.achieved})" for f in fitted]
    return fitted, [*lines, f"wrote {VIOLENCE_POSTERIOR_FILE}, {VIOLENCE_FIT_FILE}"]
