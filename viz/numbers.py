"""Numbers for people, one formatter for the terminal, the report and the app: a few
significant figures, thousands separators, never scientific notation, and an effect the seeds'
noise cannot tell from zero shown as "no change"."""

from __future__ import annotations

import math

NO_CHANGE = "no change"


def number(value: float | None, digits: int = 3, sign: bool = False) -> str:
    """`value` to `digits` significant figures with thousands separators (263,000; 2.73;
    0.0000123), trailing zeros dropped; '+' in front of a positive one with `sign`; '—' for a
    missing one."""
    if value is None or not math.isfinite(value):
        return "—"
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = digits - 1 - magnitude
    rounded = round(value, decimals)
    text = f"{rounded:,.{max(decimals, 0)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", "0"):
        return "0"
    return f"+{text}" if sign and rounded > 0 else text


def interval(low: float, high: float, sign: bool = False) -> str:
    """A range as `low to high`, each end as `number`."""
    return f"{number(low, sign=sign)} to {number(high, sign=sign)}"


def estimate(mean: float, low: float, high: float, deterministic: bool = False) -> str:
    """A figure over seeds: `mean (low to high)`, or the value marked `(every seed)` when every
    seed gives it (no interval to show: the figure is deterministic there)."""
    if deterministic or low == high:
        return f"{number(mean)} (every seed)"
    return f"{number(mean)} ({interval(low, high)})"


def effect(delta: float, low: float, high: float, real: bool) -> str:
    """A paired change against the baseline: signed with its range when it stands out of the
    seeds' noise, else "no change"."""
    if not real:
        return NO_CHANGE
    if low == high:
        return f"{number(delta, sign=True)} (every seed)"
    return f"{number(delta, sign=True)} ({interval(low, high, sign=True)})"
