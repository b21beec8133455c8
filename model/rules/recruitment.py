"""Local recruitment: r_i = σ(a + b·x_i) / σ(a + b·x₀), x = (w_cartel − w_legal − transfer) /
w_cartel, with a set so that σ(a + b·x₀) = 1/2 at the start (so r = 2σ(b(x − x₀))).

Social programs raise the transfer; tariffs cut legal income in export regions (the US-border
states: export manufacturing concentrates there; no export data ships, so the rule is stated
here); financial sanctions cut members' pay. A group's r_c is the population-weighted mean of r_i
over its cells (1 for a group with no cells).
"""

from __future__ import annotations

import numpy as np

from mxstab.model.config import Labour

EXPORT_STATES = (2, 26, 8, 5, 19, 28)  # Baja California, Sonora, Chihuahua, Coahuila, NL, Tamps.


def wage_gap(
    cartel_wage: float,
    legal_wage: np.ndarray | float,
    transfer: float,
) -> np.ndarray | float:
    """x: what a recruit gains by joining, as a share of a member's pay."""
    return (cartel_wage - legal_wage - transfer) / cartel_wage


def baseline_gap(labour: Labour, social_programs: float) -> float:
    """x₀: the wage gap at the start, where r = 1."""
    return wage_gap(labour.cartel_wage, labour.legal_wage, labour.transfer * social_programs)


def local_recruitment(
    labour: Labour,
    export: np.ndarray,
    social_programs: float,
    financial_sanctions: bool,
    effective_tariff: float,
    gap_start: float,
) -> np.ndarray:
    """r_i per cell under this month's dials and Mexico's programs (1 everywhere at the start);
    `export` marks the cells of the export states."""
    pay = labour.cartel_wage * (1 - labour.sanction_pay_cut * financial_sanctions)
    legal = labour.legal_wage * (1 - labour.tariff_job_loss * effective_tariff * export)
    x = wage_gap(pay, legal, labour.transfer * social_programs)
    return 2.0 / (1.0 + np.exp(-labour.slope * (x - gap_start)))


def group_recruitment(
    held: np.ndarray, held_by: np.ndarray, population: np.ndarray, local: np.ndarray, groups: int
) -> np.ndarray:
    """r_c: population-weighted mean of r_i over each group's cells (`held`: flat indices of the
    cells a group holds, `held_by`: which)."""
    residents = population.ravel()[held]
    weighted = np.bincount(held_by, weights=residents * local.ravel()[held], minlength=groups)
    people = np.bincount(held_by, weights=residents, minlength=groups)
    return np.divide(weighted, people, out=np.ones(groups), where=people > 0)
