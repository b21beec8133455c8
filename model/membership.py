"""Cartel membership after Prieto-Curiel, Campedelli & Hope (2023), integrated over a month.

Per week, for group c: dC_c = C_c (ρ r_c − η m / ΣC − θ (K C)_c − ω C_c). With `spatial` off,
r_c = m = 1 and this is the published equation. The month (52/12 weeks) is integrated in equal
sub-steps; flows are returned in people so each recruit, arrest and death is counted once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WEEKS_PER_MONTH = 52 / 12


@dataclass
class MonthFlows:
    """People entering and leaving each group during one month."""

    recruits: np.ndarray
    arrests: np.ndarray
    conflict_deaths: np.ndarray
    retired: np.ndarray
    pair_deaths: np.ndarray  # [c, c'] members of c killed fighting c'


def weekly_rates(
    members: np.ndarray,
    recruitment: np.ndarray,
    arrest_pressure: float,
    rivalry: np.ndarray,
    rho: float,
    eta: float,
    theta: float,
    omega: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Recruits, arrests, conflict deaths and saturation exits per week, per group."""
    total = members.sum()
    recruits = rho * recruitment * members
    arrests = eta * arrest_pressure * members / total if total > 0 else np.zeros_like(members)
    conflict = theta * members * (rivalry @ members)
    retired = omega * members * members
    return recruits, arrests, conflict, retired


def integrate_month(
    members: np.ndarray,
    recruitment: np.ndarray,
    arrest_pressure: float,
    rivalry: np.ndarray,
    rho: float,
    eta: float,
    theta: float,
    omega: float,
    substeps: int,
    weeks: float = WEEKS_PER_MONTH,
) -> tuple[np.ndarray, MonthFlows]:
    """Members after `weeks` (explicit Euler in `substeps` steps) and the month's flows."""
    dt = weeks / substeps
    flows = MonthFlows(*(np.zeros_like(members) for _ in range(4)), np.zeros_like(rivalry))
    current = members.astype(float).copy()
    for _ in range(substeps):
        recruits, arrests, conflict, retired = weekly_rates(
            current, recruitment, arrest_pressure, rivalry, rho, eta, theta, omega
        )
        outflow = arrests + conflict + retired
        scale = np.minimum(1.0, current / np.maximum(dt * outflow, 1e-300))
        flows.recruits += dt * recruits
        flows.arrests += dt * arrests * scale
        flows.conflict_deaths += dt * conflict * scale
        flows.retired += dt * retired * scale
        flows.pair_deaths += dt * theta * (scale * current)[:, None] * rivalry * current[None, :]
        current = np.maximum(current + dt * recruits - dt * outflow * scale, 0.0)
    return current, flows


@dataclass
class PublishedCheck:
    """The published fit's figures, from the equation alone (no local modulation)."""

    recruits_per_week: float
    arrests_per_week: float
    conflict_deaths_per_week: float
    members_growth: float
    conflict_growth: float


def published_check(
    members0: np.ndarray, rivalry: np.ndarray, rho, eta, theta, omega, substeps, months: int = 60
) -> PublishedCheck:
    """Run the equation from `members0` for `months` (60 months = 260 weeks) with r = m = 1."""
    ones = np.ones_like(members0)
    start = weekly_rates(members0, ones, 1.0, rivalry, rho, eta, theta, omega)
    members = members0
    for _ in range(months):
        members, _ = integrate_month(members, ones, 1.0, rivalry, rho, eta, theta, omega, substeps)
    end = weekly_rates(members, ones, 1.0, rivalry, rho, eta, theta, omega)
    return PublishedCheck(
        recruits_per_week=float(start[0].sum()),
        arrests_per_week=float(start[1].sum()),
        conflict_deaths_per_week=float(start[2].sum()),
        members_growth=float(members.sum() / members0.sum() - 1),
        conflict_growth=float(end[2].sum() / start[2].sum() - 1),
    )
