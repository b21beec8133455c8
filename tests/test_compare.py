"""How `compare` shows its figures: a figure the same in every seed has no interval, and a paired
change within the seeds' noise is not printed as an effect."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mxstab.experiments.compare import FIGURES, figure_text, summarise


def per_run(deltas: dict[str, np.ndarray]) -> pd.DataFrame:
    """Baseline and one scenario over 10 paired seeds; every figure of the baseline varies by
    seed, the scenario adds `deltas[name]` (0 when not given)."""
    rng = np.random.default_rng(0)
    seeds = np.arange(10)
    base = {name: 100 + rng.normal(0, 5, seeds.size) for name in FIGURES}
    rows = []
    for scenario, shift in (("baseline", {}), ("policy", deltas)):
        for i, seed in enumerate(seeds):
            figures = {name: base[name][i] + shift.get(name, np.zeros(10))[i] for name in FIGURES}
            rows.append({"scenario": scenario, "seed": seed, **figures})
    return pd.DataFrame(rows)


def test_a_figure_equal_in_every_seed_is_shown_without_an_interval():
    table = per_run({})
    table["relations_index"] = 0.5986
    summary = summarise(table)
    policy = summary[summary["scenario"] == "policy"].iloc[0]
    value, delta = figure_text(policy, "relations_index")
    assert value == "0.599 (every seed)" and delta == "Δ within noise"
    value, _ = figure_text(policy, "homicide_rate")
    assert "[" in value and "every seed" not in value


def test_a_change_within_the_noise_is_not_an_effect():
    rng = np.random.default_rng(1)
    table = per_run(
        {
            "fentanyl_to_us_index": np.full(10, 9.09e-14),  # rounding, the same in every seed
            "seized_tons": rng.normal(0.0, 3.0, 10),  # noise around no change
            "cocaine_to_us_tons": np.full(10, -20.0) + rng.normal(0, 1, 10),  # a clear fall
        }
    )
    policy = summarise(table).query("scenario == 'policy'").iloc[0]
    assert figure_text(policy, "fentanyl_to_us_index")[1] == "Δ within noise"
    assert figure_text(policy, "seized_tons")[1] == "Δ within noise"
    assert figure_text(policy, "cocaine_to_us_tons")[1].startswith("Δ -2")
