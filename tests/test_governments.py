"""The two governments' agents: weights fitted blind to the test window, the shipped posteriors
are what the fit gives, the scores reward the record, Mexico answers threats, and US forces'
corruption exposure costs escalation and leaks operations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mxstab.experiments import governments
from mxstab.experiments.escalation import highest_levels
from mxstab.experiments.run import run_model
from mxstab.model.config import POSTERIOR_FILES, field_table, posterior
from mxstab.model.data import DATA_DIR
from mxstab.model.scenarios import load_scenario
from mxstab.model.world import record, signals
from mxstab.model.world.calendar import month_number
from mxstab.model.world.record import RecordedEvent
from mxstab.model.world.victims import TRAIN_END

AFTER_TRAINING = month_number(TRAIN_END) + 1


def test_fit_is_blind_to_the_test_window(monkeypatch):
    """Rewriting everything after December 2023 — the signals ×10, invented strikes, force on
    Mexican soil and Mexican concessions, the homicide record — leaves the posteriors unchanged."""
    monkeypatch.setattr(governments, "PRIOR_DRAWS", 4_000)
    before = governments.fit_governments()
    table = signals.us_signals().copy()
    later = table.index >= AFTER_TRAINING
    table.loc[later, ["border_patrol_encounters", "synthetic_opioid_deaths_12_months"]] *= 10
    invented = [
        RecordedEvent(AFTER_TRAINING + 1, "maritime_posture", 2.0, "invented strike"),
        RecordedEvent(AFTER_TRAINING + 2, "escalation_level", 3.0, "invented intervention"),
        RecordedEvent(AFTER_TRAINING + 3, "us_threat", 1.0, "invented threat"),
        RecordedEvent(AFTER_TRAINING + 4, "mx_concession", 1.0, "invented concession"),
    ]
    events = tuple(e for e in record.recorded_events() if e.when < AFTER_TRAINING) + tuple(invented)
    victims = record_with_test_months_scaled(5.0)
    monkeypatch.setattr(signals, "us_signals", lambda: table)
    monkeypatch.setattr(record, "recorded_events", lambda: events)
    monkeypatch.setattr(governments, "recorded_events", lambda: events)
    monkeypatch.setattr(governments, "victims_record", lambda: victims)
    after = governments.fit_governments()
    for name in before:
        pd.testing.assert_frame_equal(before[name].draws, after[name].draws)
    # the control: a change inside the training window moves both posteriors
    table.loc[month_number("2019-05"), "border_patrol_encounters"] *= 10
    events += (RecordedEvent(month_number("2021-03"), "us_threat", 1.0, "invented threat"),)
    moved = governments.fit_governments()
    for name in before:
        assert not before[name].draws.equals(moved[name].draws), name


def record_with_test_months_scaled(factor: float):
    from dataclasses import replace

    from mxstab.model.world.victims import victims_record

    original = victims_record()
    table = original.table.copy()
    table.loc[table["when"] >= AFTER_TRAINING, "victims"] *= factor
    return replace(original, table=table)


def test_shipped_posteriors_are_what_the_fit_gives():
    """`mxstab calibrate --part governments` rebuilds the shipped draws (to their 6 digits),
    every draw inside its config field's range (a value `--set` would accept)."""
    fitted = governments.fit_governments()
    bounds = {row["name"]: (row["min"], row["max"]) for row in field_table()}
    for section, posterior_fit in fitted.items():
        shipped = pd.read_csv(DATA_DIR / POSTERIOR_FILES[section])
        np.testing.assert_allclose(shipped.to_numpy(), posterior_fit.draws.to_numpy(), rtol=1e-5)
        assert posterior_fit.effective_sample_size > 1_000
        for name, values in shipped.items():
            low, high = bounds[f"{section}.{name}"]
            assert low <= values.min() and values.max() <= high, name


def replayed(choices: pd.DataFrame) -> pd.DataFrame:
    """A run's table that makes exactly the recorded choices."""
    table = choices.iloc[1:].copy()
    table["transfers"] = table.pop("transferred") * 30
    return table


def test_scores_reward_the_record_and_punish_standing_still():
    """Runs that copy the record match it in every month and beat the no-change forecaster;
    runs that never move match only the months before anything moved."""
    choices = governments.recorded_choices()
    perfect = governments.scores(governments.retrodiction_table([replayed(choices)] * 10))
    assert perfect["us_match_maritime"] == perfect["us_match_tariff"] == 1.0
    assert perfect["mx_match_transfers"] == 1.0
    assert perfect["us_log_score"] > perfect["us_log_score_no_change"]
    assert perfect["mx_log_score"] > perfect["mx_log_score_no_change"]
    still = replayed(choices)
    for column in still.columns:
        still[column] = choices[column if column != "transfers" else "transferred"].iloc[0]
    stuck = governments.scores(governments.retrodiction_table([still] * 10))
    strikes = (choices["maritime_posture"].iloc[1:] == 2).mean()
    assert stuck["us_match_maritime"] == pytest.approx(1 - strikes)
    assert stuck["us_log_score"] < perfect["us_log_score"]


@pytest.fixture(scope="module")
def loose_in_2025() -> list[pd.DataFrame]:
    """Both agents from January 2025 to March 2026, 40 seeds."""
    return governments.retrodiction_runs(list(range(40)), workers=2)


def test_mexico_concedes_more_when_threatened(loose_in_2025):
    """The adaptive Mexican government, 40 seeds, January 2025 – March 2026: transfers are at
    least three times as frequent in months with a US threat (this month or last: `us_threat`)
    as in quiet months (the posterior's median odds: σ(−4.3 + 2.3) against σ(−4.3))."""
    tables = loose_in_2025
    threatened = np.concatenate([t["us_threat"].to_numpy() == 1 for t in tables])
    transferred = np.concatenate([t["transfers"].to_numpy() > 0 for t in tables])
    assert threatened.sum() >= 100 and (~threatened).sum() >= 100
    assert transferred[threatened].mean() > 3 * transferred[~threatened].mean()


def test_relations_vary_across_seeds_when_both_adapt(loose_in_2025):
    """Relations move with what the adaptive governments choose (tariffs, force, transfers), so
    in the adaptive scenario they differ between seeds."""
    final = {round(t["relations_index"].iloc[-1], 12) for t in loose_in_2025}
    assert len(final) >= 5


def test_agents_draw_their_weights_and_a_set_weight_holds():
    """Each adaptive run draws one posterior row; a weight that is set (`us_agent.*`,
    `mx_agent.*`) holds."""
    config = load_scenario("adaptive").config({"policy.start": "2024-01"})
    pressures = {run_model(config, seed, 1).national["us_pressure"].iloc[0] for seed in range(4)}
    assert len(pressures) > 1
    held = config.with_overrides(
        {f"us_agent.{name}": 0.0 for name in posterior("us_agent").dtype.names}
    )
    held_pressures = {run_model(held, seed, 1).national["us_pressure"].iloc[0] for seed in range(4)}
    assert held_pressures == {0.0}
    never = config.with_overrides({"mx_agent.base": -20.0, "mx_agent.threat_weight": -20.0})
    always = config.with_overrides({"mx_agent.base": 20.0})
    assert run_model(never, 0, 12).national["transfers"].sum() == 0
    assert (run_model(always, 0, 12).national["transfers"] > 0).all()


def test_corruption_exposure_lowers_escalation():
    """Adaptive scenario with the mandate held high so escalation is common, 20 paired seeds,
    36 months: a heavier exposure weight lowers P(escalation ≥ 2)."""
    light, heavy = highest_levels(
        [
            {"us_agent.mandate": 4.0, "us_agent.exposure_weight": 0.0},
            {"us_agent.mandate": 4.0, "us_agent.exposure_weight": 50.0},
        ],
        list(range(20)),
        horizon=36,
        workers=2,
    )
    assert np.mean(np.array(light) >= 2) > np.mean(np.array(heavy) >= 2), (light, heavy)


def test_corruption_exposure_raises_leaks():
    """special_ops from April 2026, 5 paired seeds: exposure grows with time deployed, and a
    larger leak per unit of exposure raises the share of operations that leak."""
    shares = {}
    for leak in (0.0, 2.0):
        config = load_scenario("special_ops").config({"force.exposure_leak": leak})
        leaked = operations = 0
        for seed in range(5):
            national = run_model(config, seed, 40).national
            leaked += national["force_leaked"].sum()
            operations += national["force_operations"].sum()
            exposure = national["us_force_exposure"].to_numpy()
        shares[leak] = leaked / operations
    assert exposure[-1] > exposure[30] > 0
    assert shares[2.0] > shares[0.0], shares
