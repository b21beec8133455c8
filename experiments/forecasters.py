"""Reference forecasters of the record and the scores that compare forecasts with it.

Each reference forecaster is fitted on the record up to its origin only. It is made probabilistic
by its own errors: from rolling origins inside the training window it collects, per horizon, the
errors log(1 + y) − log(1 + ŷ) over states and origins, and its forecast at horizon h is the point
forecast moved by the quantiles of those errors (an ensemble). Scores: the continuous ranked
probability score of an ensemble (`scoringrules`), the mean absolute error of its median, and the
share of observations inside its central bands.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scoringrules

from mxstab.model.world.calendar import month_label, month_number
from mxstab.model.world.victims import TRAIN_END, VictimsRecord

HISTORY_START = "2019-01"
"""The reference forecasters see the record from here (the hindcast's start) to their origin."""
ERROR_QUANTILES = np.linspace(0.01, 0.99, 99)
FIRST_ORIGIN = "2020-12"  # two years of history before the first rolling origin


def persistence(history: np.ndarray, horizon: int) -> np.ndarray:
    """Each state's mean of its last 12 months."""
    return np.repeat(history[-12:].mean(axis=0)[None, :], horizon, axis=0)


def last_three(history: np.ndarray, horizon: int) -> np.ndarray:
    """Each state's mean of its last 3 months."""
    return np.repeat(history[-3:].mean(axis=0)[None, :], horizon, axis=0)


def seasonal_naive(history: np.ndarray, horizon: int) -> np.ndarray:
    """The same month of the latest year the history holds."""
    steps = np.arange(1, horizon + 1)
    back = 12 * np.ceil(steps / 12).astype(int) - steps  # months before the origin's last month
    return history[history.shape[0] - 1 - back]


def linear_trend(history: np.ndarray, horizon: int) -> np.ndarray:
    """Each state's least-squares line through its history, carried on (never below zero)."""
    t = np.arange(history.shape[0])
    slope, intercept = np.polyfit(t, history, 1)
    ahead = np.arange(history.shape[0], history.shape[0] + horizon)
    return np.maximum(intercept[None, :] + slope[None, :] * ahead[:, None], 0.0)


REFERENCES: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    "persistence": persistence,
    "last3": last_three,
    "seasonal_naive": seasonal_naive,
    "trend": linear_trend,
}


def history_to(record: VictimsRecord, origin: str) -> np.ndarray:
    """(months, 32 states) victims from HISTORY_START to `origin`, never past the training
    window."""
    if month_number(origin) > month_number(TRAIN_END):
        raise ValueError(f"a reference forecaster is fitted on the record to {TRAIN_END} only")
    return record.matrix(HISTORY_START, origin).to_numpy(float)


def rolling_errors(record: VictimsRecord, name: str, horizon: int) -> np.ndarray:
    """(horizon, quantiles) of log-errors of forecaster `name` from every origin inside the
    training window whose horizon ends inside it."""
    last_origin = month_number(TRAIN_END) - horizon
    errors: list[list[np.ndarray]] = [[] for _ in range(horizon)]
    for origin in range(month_number(FIRST_ORIGIN), last_origin + 1):
        past = history_to(record, month_label(origin))
        future = record.matrix(month_label(origin + 1), month_label(origin + horizon)).to_numpy()
        point = REFERENCES[name](past, horizon)
        for h in range(horizon):
            errors[h].append(np.log1p(future[h]) - np.log1p(point[h]))
    return np.array([np.quantile(np.concatenate(e), ERROR_QUANTILES) for e in errors])


def reference_forecast(
    record: VictimsRecord, name: str, origin: str, horizon: int
) -> tuple[np.ndarray, np.ndarray]:
    """The point forecast (horizon, 32 states) of `name` from `origin`, fitted on the record to
    the origin, and its ensemble (horizon, 32 states, members) spread by its rolling-origin
    errors."""
    point = REFERENCES[name](history_to(record, origin), horizon)
    errors = rolling_errors(record, name, horizon)
    return point, np.expm1(np.log1p(point)[:, :, None] + errors[:, None, :])


# --- scores -----------------------------------------------------------------------------------


def crps(observed: np.ndarray, ensemble: np.ndarray, estimator: str = "qd") -> np.ndarray:
    """CRPS of each observation against its ensemble (members on the last axis); `"fair"`
    estimates the score of the distribution the members are drawn from, without the penalty a
    small ensemble pays for its spread (what a fit over few seeds must compare)."""
    return np.asarray(
        scoringrules.crps_ensemble(observed, ensemble, m_axis=-1, estimator=estimator)
    )


def mae(observed: np.ndarray, forecast: np.ndarray) -> float:
    """Mean absolute error of a point forecast (for an ensemble, pass its median)."""
    return float(np.abs(forecast - observed).mean())


def coverage(observed: np.ndarray, ensemble: np.ndarray, width: float) -> float:
    """Share of observations inside the ensemble's central band of `width` (0.5, 0.9)."""
    low, high = np.quantile(ensemble, [(1 - width) / 2, (1 + width) / 2], axis=-1)
    return float(((observed >= low) & (observed <= high)).mean())


def bootstrap_ratio(
    model: np.ndarray, reference: np.ndarray, rng: np.random.Generator, draws: int = 2000
) -> np.ndarray:
    """Ratios of summed scores over states resampled with replacement: `model` and `reference`
    are (months, states) scores; returns `draws` ratios."""
    states = model.shape[1]
    pick = rng.integers(0, states, size=(draws, states))
    per_state_model, per_state_reference = model.sum(axis=0), reference.sum(axis=0)
    return per_state_model[pick].sum(axis=1) / per_state_reference[pick].sum(axis=1)
