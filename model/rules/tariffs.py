"""Tariffs: the rate that bites is the announced rate on the share of imports not exempt as
USMCA-compliant."""

from __future__ import annotations


def effective_tariff(rate: float, exempt_share: float) -> float:
    return rate * (1 - exempt_share)
