"""Local recruitment (MECHANICS): r_i = σ(a + b·x_i) / σ(a + b·x₀), x = (w_cartel − w_legal −
transfer) / w_cartel, with a set so that σ(a + b·x₀) = 1/2 in January 2024 (so r = 2σ(b(x − x₀))).

Social programs raise the transfer; tariffs cut legal income in export regions (the US-border
states: export manufacturing concentrates there; no export data ships, so the rule is stated
here); financial sanctions cut members' pay. A group's r_c is the population-weighted mean of r_i
over its cells (1 for a group with no cells).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from mxstab.model.model import MxStabModel

EXPORT_STATES = (2, 26, 8, 5, 19, 28)  # Baja California, Sonora, Chihuahua, Coahuila, NL, Tamps.


def wage_gap(
    cartel_wage: float,
    legal_wage: np.ndarray | float,
    transfer: float,
) -> np.ndarray | float:
    """x: what a recruit gains by joining, as a share of a member's pay."""
    return (cartel_wage - legal_wage - transfer) / cartel_wage


def local_recruitment(model: MxStabModel) -> np.ndarray:
    """r_i per cell under this month's dials and Mexico's programs (1 everywhere in 2024)."""
    labour, us = model.config.labour, model.us
    pay = labour.cartel_wage * (1 - labour.sanction_pay_cut * us.financial_sanctions)
    tariffed = us.tariff_rate * (1 - us.usmca_exempt_share)
    export = np.isin(model.grid.state, EXPORT_STATES)
    legal = labour.legal_wage * (1 - labour.tariff_job_loss * tariffed * export)
    x = wage_gap(pay, legal, labour.transfer * model.config.mx.social_programs)
    return 2.0 / (1.0 + np.exp(-labour.slope * (x - model.wage_gap_2024)))


def group_recruitment(model: MxStabModel, local: np.ndarray) -> np.ndarray:
    """r_c: population-weighted mean of r_i over each group's cells."""
    held = model.owner >= 0
    groups = model.groups.members.size
    people = np.bincount(model.owner[held], weights=model.population[held], minlength=groups)
    weighted = np.bincount(
        model.owner[held], weights=(model.population * local)[held], minlength=groups
    )
    return np.divide(weighted, people, out=np.ones(groups), where=people > 0)
