"""Cartel membership after Prieto-Curiel, Campedelli & Hope (2023), integrated over a month.

Per week, for group c: dC_c = C_c (ρ r_c − η m / ΣC − θ (K C)_c − ω C_c). With `spatial` off,
r_c = m = 1 and this is the published equation. The month (52/12 weeks) is integrated in equal
sub-steps; flows are returned in people so each recruit, arrest and death is counted once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mxstab.model.config import Membership

WEEKS_PER_MONTH = 52 / 12


@dataclass(frozen=True)
class WeeklyRates:
    """ρ, η, θ and ω of the equation; θ scaled by the month's lethality (the gun flow)."""

    rho: float
    eta: float
    theta: float
    omega: float

    @staticmethod
    def of(m: Membership, lethality: float = 1.0) -> WeeklyRates:
        return WeeklyRates(m.rho, m.eta, m.theta * lethality, m.omega)


@dataclass
class MonthFlows:
    """People entering and leaving each group during one month."""

    recruits: np.ndarray
    arrests: np.ndarray
    conflict_deaths: np.ndarray
    retired: np.ndarray
    pair_deaths: np.ndarray  # [c, c'] members of c killed fighting c'


def weekly_flows(
    members: np.ndarray,
    recruitment: np.ndarray,
    arrest_pressure: float,
    rivalry: np.ndarray,
    rates: WeeklyRates,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Recruits, arrests, conflict deaths and saturation exits per week, per group."""
    total = members.sum()
    recruits = rates.rho * recruitment * members
    arrests = rates.eta * arrest_pressure * members / total if total > 0 else np.zeros_like(members)
    conflict = rates.theta * members * (rivalry @ members)
    retired = rates.omega * members * members
    return recruits, arrests, conflict, retired


def integrate_month(
    members: np.ndarray,
    recruitment: np.ndarray,
    arrest_pressure: float,
    rivalry: np.ndarray,
    rates: WeeklyRates,
    substeps: int,
    weeks: float = WEEKS_PER_MONTH,
) -> tuple[np.ndarray, MonthFlows]:
    """Members after `weeks` (explicit Euler in `substeps` steps) and the month's flows."""
    dt = weeks / substeps
    flows = MonthFlows(*(np.zeros_like(members) for _ in range(4)), np.zeros_like(rivalry))
    current = members.astype(float).copy()
    for _ in range(substeps):
        recruits, arrests, conflict, retired = weekly_flows(
            current, recruitment, arrest_pressure, rivalry, rates
        )
        outflow = arrests + conflict + retired
        scale = np.minimum(1.0, current / np.maximum(dt * outflow, 1e-300))
        flows.recruits += dt * recruits
        flows.arrests += dt * arrests * scale
        flows.conflict_deaths += dt * conflict * scale
        flows.retired += dt * retired * scale
        flows.pair_deaths += (
            dt * rates.theta * (scale * current)[:, None] * rivalry * current[None, :]
        )
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
    members0: np.ndarray, rivalry: np.ndarray, m: Membership, months: int = 60
) -> PublishedCheck:
    """Run the equation from `members0` for `months` (60 months = 260 weeks) with r = m = 1."""
    ones = np.ones_like(members0)
    rates = WeeklyRates.of(m)
    start = weekly_flows(members0, ones, 1.0, rivalry, rates)
    members = members0
    for _ in range(months):
        members, _ = integrate_month(members, ones, 1.0, rivalry, rates, m.substeps)
    end = weekly_flows(members, ones, 1.0, rivalry, rates)
    return PublishedCheck(
        recruits_per_week=float(start[0].sum()),
        arrests_per_week=float(start[1].sum()),
        conflict_deaths_per_week=float(start[2].sum()),
        members_growth=float(members.sum() / members0.sum() - 1),
        conflict_growth=float(end[2].sum() / start[2].sum() - 1),
    )
