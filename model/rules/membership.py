"""Cartel membership after Prieto-Curiel, Campedelli & Hope (2023), integrated over a month.

Per week, for group c: dC_c = C_c (ρ r_c − η m / ΣC − θ (K C)_c − ω C_c). With `spatial` off,
r_c = m = 1 and this is the published equation. The month (52/12 weeks) is integrated in equal
sub-steps; flows are returned in people so each recruit, arrest and death is counted once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

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


def integrate_month_reference(
    members: np.ndarray,
    recruitment: np.ndarray,
    arrest_pressure: float,
    rivalry: np.ndarray,
    rates: WeeklyRates,
    substeps: int,
    weeks: float = WEEKS_PER_MONTH,
) -> tuple[np.ndarray, MonthFlows]:
    """Members after `weeks` (explicit Euler in `substeps` steps) and the month's flows: the
    numpy definition the compiled `integrate_month` is held equal to."""
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


@njit(cache=True)
def rivals_of(rivalry):
    """K's nonzero entries row by row, in CSR form: (row starts, columns, values)."""
    n = rivalry.shape[0]
    indptr = np.zeros(n + 1, np.int64)
    indices = np.empty(n * n, np.int64)
    values = np.empty(n * n)
    count = 0
    for i in range(n):
        for j in range(n):
            if rivalry[i, j] != 0.0:
                indices[count] = j
                values[count] = rivalry[i, j]
                count += 1
        indptr[i + 1] = count
    return indptr, indices[:count], values[:count]


@njit(cache=True)
def _integrate(members, recruitment, pressure, rivals, rho, eta, theta, omega, substeps, weeks):
    """The reference's arithmetic, element by element, over each group's rivals only (K is
    sparse, and the terms it skips are exact zeros); sums run in index order, so results match
    the reference to rounding, not always to the last bit. `rivals`: K by `rivals_of`."""
    indptr, indices, values = rivals
    n = members.size
    dt = weeks / substeps
    current = members.astype(np.float64).copy()
    recruits, arrests = np.zeros(n), np.zeros(n)
    conflict, retired = np.zeros(n), np.zeros(n)
    pair = np.zeros((n, n))
    week_recruits, week_arrests = np.empty(n), np.empty(n)
    week_conflict, week_retired = np.empty(n), np.empty(n)
    leaving = np.empty(n)
    for _ in range(substeps):
        total = current.sum()
        for i in range(n):
            week_recruits[i] = rho * recruitment[i] * current[i]
            week_arrests[i] = eta * pressure * current[i] / total if total > 0 else 0.0
            fought = 0.0
            for k in range(indptr[i], indptr[i + 1]):
                fought += values[k] * current[indices[k]]
            week_conflict[i] = theta * current[i] * fought
            week_retired[i] = omega * current[i] * current[i]
        for i in range(n):
            outflow = week_arrests[i] + week_conflict[i] + week_retired[i]
            scale = min(1.0, current[i] / max(dt * outflow, 1e-300))
            recruits[i] += dt * week_recruits[i]
            arrests[i] += dt * week_arrests[i] * scale
            conflict[i] += dt * week_conflict[i] * scale
            retired[i] += dt * week_retired[i] * scale
            killers = dt * theta * (scale * current[i])
            for k in range(indptr[i], indptr[i + 1]):
                j = indices[k]
                pair[i, j] += killers * values[k] * current[j]
            leaving[i] = dt * outflow * scale
        for i in range(n):
            current[i] = max(current[i] + dt * week_recruits[i] - leaving[i], 0.0)
    return current, recruits, arrests, conflict, retired, pair


def integrate_month(
    members: np.ndarray,
    recruitment: np.ndarray,
    arrest_pressure: float,
    rivalry: np.ndarray,
    rates: WeeklyRates,
    substeps: int,
    weeks: float = WEEKS_PER_MONTH,
    rivals: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, MonthFlows]:
    """Compiled form of `integrate_month_reference`: members after `weeks` and the month's
    flows (`rivals`: `rivals_of(rivalry)`, if the caller keeps it)."""
    if rivals is None:
        rivals = rivals_of(np.ascontiguousarray(rivalry, np.float64))
    current, *flows = _integrate(
        np.asarray(members, np.float64),
        np.asarray(recruitment, np.float64),
        float(arrest_pressure),
        rivals,
        rates.rho,
        rates.eta,
        rates.theta,
        rates.omega,
        substeps,
        weeks,
    )
    return current, MonthFlows(*flows)


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
