"""P(escalation) as a curve over the weights that drive it, not one number.

The adaptive scenario over paired seeds, with one weight held at each value of a grid spanning
its range while the others are drawn from their posteriors (fitted weights) or stay at the
config's (assumed ones): the force cost and the mandate (fitted on 2019–2023, where no force was
used, so their posteriors lean on the priors), the weight of US forces' corruption exposure and
how hardline the administration from 2029 is (both assumed). P(escalation level ≥ k within
`horizon` months of `policy.start`) with 90% Wilson intervals.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from mxstab.experiments.batch import RunSpec, run_many
from mxstab.experiments.compare import wilson
from mxstab.model.scenarios import load_scenario
from mxstab.model.world.calendar import DEFAULT_START, months_between

CURVES = {
    "us_agent.force_cost": (0.5, 1.0, 2.0, 4.0, 8.0),
    "us_agent.mandate": (-1.0, 0.0, 1.0, 2.0, 3.0),
    "us_agent.exposure_weight": (0.0, 1.0, 5.0, 20.0, 50.0),
    "us_agent.hardline_after_2029": (0.0, 0.5, 1.0),
}
HORIZON = 60
LEVELS = (1, 2, 3)


def highest_levels(
    settings: list[dict], seeds: list[int], horizon: int = HORIZON, workers: int = 1
) -> list[list[int]]:
    """Per setting (a dict of overrides of the adaptive scenario), per seed: the highest
    escalation level within `horizon` months of the policy's start. One batch for all."""
    configs = [load_scenario("adaptive").config(overrides) for overrides in settings]
    start = months_between(DEFAULT_START, configs[0].policy.start)
    specs = [RunSpec(c, seed, start + horizon) for c in configs for seed in seeds]
    summaries = run_many(specs, workers)
    highest = [int(s.national["escalation_level"].iloc[start:].max()) for s in summaries]
    return [highest[i : i + len(seeds)] for i in range(0, len(highest), len(seeds))]


def escalation_curve(
    seeds: list[int], horizon: int = HORIZON, workers: int = 1, curves: dict = CURVES
) -> pd.DataFrame:
    settings = [(weight, value) for weight, values in curves.items() for value in values]
    levels = highest_levels([{w: v} for w, v in settings], seeds, horizon, workers)
    rows = []
    for (weight, value), highest in zip(settings, levels, strict=True):
        for level in LEVELS:
            count = sum(h >= level for h in highest)
            lo, hi = wilson(count, len(seeds))
            rows.append(
                {
                    "weight": weight,
                    "value": value,
                    "level": level,
                    "probability": count / len(seeds),
                    "lo": lo,
                    "hi": hi,
                    "runs": len(seeds),
                    "months": horizon,
                }
            )
    return pd.DataFrame(rows)


def escalation_figure(table: pd.DataFrame) -> Figure:
    weights = list(dict.fromkeys(table["weight"]))
    figure = Figure(figsize=(3.4 * len(weights), 3.2))
    axes = figure.subplots(1, len(weights), sharey=True)
    for ax, weight in zip(axes, weights, strict=True):
        for level, part in table[table["weight"] == weight].groupby("level"):
            ax.plot(part["value"], part["probability"], "o-", label=f"level ≥ {level}")
            ax.fill_between(part["value"], part["lo"], part["hi"], alpha=0.15)
        ax.set_xlabel(weight, fontsize=8)
        ax.set_ylim(0, 1)
    axes[0].set_ylabel(f"P within {table['months'].iloc[0]} months")
    axes[0].legend(fontsize=7)
    figure.suptitle("P(escalation) over the weights that drive it (adaptive scenario)", fontsize=9)
    figure.tight_layout()
    return figure
