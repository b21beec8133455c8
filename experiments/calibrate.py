"""Fit the parameters MECHANICS marks "calibrate" and write them, with target and source, to
`model/data/calibration.toml`, which the config reads its defaults from.

Fitted so far (the model's other calibrated parameters join as their mechanisms land):
- membership.rivalry_scale: conflict deaths of 92 per week at 175,000 members (closed form);
- membership.local_zipf_exponent and membership.local_rivalry_weight: over 260 weeks at baseline,
  members +23% to +26% and conflict deaths +36% to +40% (midpoints), both published.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from mxstab.model.config import CALIBRATION_FILE, Membership
from mxstab.model.groups import initial_groups
from mxstab.model.membership import PublishedCheck, published_check

SOURCE = "Prieto-Curiel, Campedelli & Hope (2023), Science 381:1312"
CONFLICT_DEATHS_2022 = 92.0
MEMBERS_GROWTH = (0.23, 0.26)
CONFLICT_GROWTH = (0.36, 0.40)


@dataclass
class Fitted:
    name: str
    value: float
    target: str
    achieved: str


def check_membership(config: Membership) -> PublishedCheck:
    """The published figures for one membership config, from its 2022 start."""
    groups = initial_groups(config, config.members_2022)
    c = config
    return published_check(
        groups.members, groups.rivalry, c.rho, c.eta, c.theta, c.omega, c.substeps
    )


def scaled_for_conflict(config: Membership) -> Membership:
    """The config with rivalry_scale set so conflict deaths are 92 per week in 2022."""
    unscaled = check_membership(config.model_copy(update={"rivalry_scale": 1.0}))
    scale = CONFLICT_DEATHS_2022 / unscaled.conflict_deaths_per_week
    return config.model_copy(update={"rivalry_scale": scale})


def fit_membership() -> list[Fitted]:
    midpoints = np.mean(MEMBERS_GROWTH), np.mean(CONFLICT_GROWTH)

    def loss(x: np.ndarray) -> float:
        exponent, weight = x
        if not (0.2 <= exponent <= 4 and 0 <= weight <= 100):
            return 1e9
        config = scaled_for_conflict(
            Membership(local_zipf_exponent=exponent, local_rivalry_weight=weight)
        )
        check = check_membership(config)
        return ((check.members_growth - midpoints[0]) / midpoints[0]) ** 2 + (
            (check.conflict_growth - midpoints[1]) / midpoints[1]
        ) ** 2

    starts = [(1.7, 3.0), (1.8, 5.0), (1.9, 2.0)]
    best = min(
        (
            minimize(loss, x0, method="Nelder-Mead", options={"xatol": 1e-3, "fatol": 1e-6})
            for x0 in starts
        ),
        key=lambda result: result.fun,
    )
    exponent, weight = (float(v) for v in best.x)
    config = scaled_for_conflict(
        Membership(local_zipf_exponent=exponent, local_rivalry_weight=weight)
    )
    check = check_membership(config)
    growth = f"members {check.members_growth:+.1%}, conflict deaths {check.conflict_growth:+.1%}"
    return [
        Fitted(
            "membership.local_zipf_exponent",
            exponent,
            "members +23% to +26% over 260 weeks at baseline (published)",
            growth,
        ),
        Fitted(
            "membership.local_rivalry_weight",
            weight,
            "conflict deaths +36% to +40% over 260 weeks at baseline (published)",
            growth,
        ),
        Fitted(
            "membership.rivalry_scale",
            config.rivalry_scale,
            "conflict deaths 92 per week at 175,000 members in 2022 (published)",
            f"{check.conflict_deaths_per_week:.1f} per week",
        ),
    ]


def write_calibration(fitted: list[Fitted]) -> None:
    """Write the TOML (temporary file, then rename)."""
    lines = ["# Written by `mxstab calibrate` (experiments/calibrate.py); do not edit by hand.", ""]
    for f in fitted:
        lines += [
            f"[{f.name}]",
            f"value = {f.value!r}",
            f'target = "{f.target}"',
            f'achieved = "{f.achieved}"',
            f'source = "{SOURCE}"',
            "",
        ]
    partial = CALIBRATION_FILE.with_suffix(".partial")
    partial.write_text("\n".join(lines), encoding="utf-8")
    os.replace(partial, CALIBRATION_FILE)


def calibrate() -> list[Fitted]:
    fitted = fit_membership()
    write_calibration(fitted)
    return fitted
