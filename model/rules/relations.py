"""US–Mexico relations in [0, 1], Mexico's cooperation and its consent to force on its soil.

r ← r + ρ·(r₀ − r) − c_t·τ + c_x·x − c_s·[unconsented force this month], clipped to [0, 1]: τ the
effective tariff, x the figures transferred this month. Cooperation given = `mx.cooperation` ×
r/r₀ (sovereignty) + τ (leverage), within [0, 1]. A transfer moves already-jailed figures: it counts
as cooperation (relations, the effort the US perceives), never as a leader removal.
"""

from __future__ import annotations

from mxstab.model.config import Relations


def weighed(
    relations: float,
    r: Relations,
    effective_tariff: float,
    transferred: int,
    unconsented: bool,
    sovereignty_cost: float,
) -> float:
    """Relations after this month's change from what both governments did."""
    change = (
        r.recovery * (r.start - relations)
        - r.tariff_cost * effective_tariff
        + r.transfer_gain * transferred
        - sovereignty_cost * unconsented
    )
    return min(max(relations + change, 0.0), 1.0)


def cooperation_given(
    granted_share: float, relations: float, start: float, effective_tariff: float
) -> float:
    granted = granted_share * relations / start
    return min(max(granted + effective_tariff, 0.0), 1.0)


def consents(rule: str, relations: float) -> bool:
    """`always`, `never`, or `by_relations` (while relations are at least 0.5)."""
    return rule == "always" or (rule == "by_relations" and relations >= 0.5)
