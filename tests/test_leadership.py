"""Leader captures follow one rule in every month: no hazard switches on at the policy start."""

from __future__ import annotations

import numpy as np

from mxstab.model.config import Config
from mxstab.model.model import MxStabModel
from mxstab.model.world.calendar import DEFAULT_START, months_between

POLICY = months_between(DEFAULT_START, Config().policy.start)


def expected_removals(seed: int, months: int) -> np.ndarray:
    """A baseline run's expected leader removals per month: candidates × their hazard."""
    model = MxStabModel(Config(), seed=seed)
    expected = []
    for _ in range(months):
        candidates, hazard = model.mexico.leader_candidates()
        expected.append(candidates.size * hazard)
        model.step()
    return np.array(expected)


def test_the_baseline_hunts_leaders_at_one_rate_before_and_after_the_policy_start():
    """Over 3 seeds, the expected removals a month over months 12–26 and 27–41 are within a
    factor of 1.5 of each other, and the hazard acts before the policy start (it is not 0)."""
    runs = np.array([expected_removals(seed, POLICY + 15) for seed in range(3)])
    before = runs[:, 12:POLICY].mean()
    after = runs[:, POLICY : POLICY + 15].mean()
    assert before > 0
    assert 1 / 1.5 <= after / before <= 1.5, (before, after)
