"""The cocaine budget and the boat strikes against the record after the training window.

Runs of the recorded past from January 2024 (the baseline's replay to March 2026) are scored on
the budget's `check` levels and on the strike record, each in the model's area for interdiction:
the transit zone of both basins (the approach legs and the mapped sea), where the record's
seizures took place and most of its strikes (those off Venezuela lie outside it: `flows`). The
strike record's last whole month is February 2026 (the record ends on 2026-03-08). The Coast
Guard's seizures are reported for both seas as a whole, which includes the eastern Caribbean.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mxstab.experiments.batch import RunSpec, run_many
from mxstab.model.config import Config
from mxstab.model.world.calendar import DEFAULT_START, months_between
from mxstab.model.world.flows import boat_strikes, budget_value

SEA_END = "2026-03"
BAND = (0.05, 0.95)
STRIKES_FROM, STRIKES_TO = "2025-09", "2026-02"
# (check, output column, first month, last month, scale to a year's tonnes or 1 for a total)
CHECKS = (
    ("cocaine_to_us_2024", "cocaine_to_us_tons", "2024-01", "2024-12", 1.0),
    ("us_seized_fy2025", "us_seized_tons", "2024-10", "2025-09", 1.0),
    ("mx_seized_oct2024_dec2025", "mx_seized_tons", "2024-10", "2025-12", 12 / 15),
    ("border_seized_fy2025", "border_seized_tons", "2024-10", "2025-09", 1.0),
    ("strikes", "strikes", STRIKES_FROM, STRIKES_TO, 1.0),
    ("pacific_strikes", "pacific_strikes", STRIKES_FROM, STRIKES_TO, 1.0),
    ("caribbean_strikes", "caribbean_strikes", STRIKES_FROM, STRIKES_TO, 1.0),
    ("strike_deaths", "strike_deaths", STRIKES_FROM, STRIKES_TO, 1.0),
)


def recorded() -> dict[str, tuple[float, str]]:
    """The record each check is read against: (value, what it is)."""
    strikes = boat_strikes()
    theatre = strikes[(strikes["month"] >= STRIKES_FROM) & (strikes["month"] <= STRIKES_TO)]
    window = theatre[theatre["in_model_area"]]
    outside = f"{len(theatre)} in the whole theatre, {len(theatre) - len(window)} off Venezuela"
    return {
        "cocaine_to_us_2024": (
            budget_value("available_to_enter_us_tons"),
            "DIA/DHS 2019 estimate; the check asks 300–1,000 t",
        ),
        "us_seized_fy2025": (
            budget_value("us_seized_at_sea_fy2025_tons"),
            "US Coast Guard, both basins; the check asks ±25%",
        ),
        "mx_seized_oct2024_dec2025": (
            budget_value("semar_seized_at_sea_2024_2025_tons"),
            "SEMAR at sea, t a year",
        ),
        "border_seized_fy2025": (
            budget_value("border_seized_fy2025_tons"),
            "CBP, southwest border",
        ),
        "strikes": (float(len(window)), f"in the model's area ({outside}); inside the 90% band?"),
        "pacific_strikes": (float((window["sea"] == "pacific").sum()), "in the model's area"),
        "caribbean_strikes": (float((window["sea"] == "caribbean").sum()), "in the model's area"),
        "strike_deaths": (
            float(window["dead"].sum()),
            f"killed and presumed dead in the model's area ({theatre['dead'].sum()} in all)",
        ),
    }


def sea_skill(seeds: list[int], workers: int, config: Config) -> dict[str, Any]:
    """Median and 90% band of each check over seeds, the record, and whether it passes."""
    months = months_between(DEFAULT_START, SEA_END) + 1
    runs = run_many([RunSpec(config, seed, months) for seed in seeds], workers)
    tables = [summary.national.set_index("date") for summary in runs]
    record = recorded()
    result: dict[str, Any] = {"sea_seeds": len(seeds)}
    for name, column, first, last, scale in CHECKS:
        values = np.array([table.loc[first:last, column].sum() * scale for table in tables])
        low, mid, high = np.quantile(values, [BAND[0], 0.5, BAND[1]])
        value, note = record[name]
        result |= {
            f"sea_{name}": float(mid),
            f"sea_{name}_q05": float(low),
            f"sea_{name}_q95": float(high),
            f"sea_{name}_record": value,
            f"sea_{name}_record_note": note,
        }
    result["sea_cocaine_to_us_2024_passes"] = 300 <= result["sea_cocaine_to_us_2024"] <= 1_000
    ratio = result["sea_us_seized_fy2025"] / result["sea_us_seized_fy2025_record"]
    result["sea_us_seized_fy2025_passes"] = abs(ratio - 1) <= 0.25
    for name in ("strikes", "strike_deaths"):
        inside = result[f"sea_{name}_q05"] <= result[f"sea_{name}_record"]
        result[f"sea_{name}_passes"] = (
            inside and result[f"sea_{name}_record"] <= result[f"sea_{name}_q95"]
        )
    return result


def sea_table(result: dict[str, Any]) -> pd.DataFrame:
    """The checks as rows: model median and band, the record and what it is."""
    rows = []
    for name, *_ in CHECKS:
        key = f"sea_{name}"
        rows.append(
            {
                "check": name,
                "model (median)": result[key],
                "model 90% band": f"{result[f'{key}_q05']:.4g} – {result[f'{key}_q95']:.4g}",
                "record": result[f"{key}_record"],
                "record is": result[f"{key}_record_note"],
                "passes": result.get(f"{key}_passes", ""),
            }
        )
    return pd.DataFrame(rows)
