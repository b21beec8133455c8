"""The record as data: its windows, what may read them, and the scores that compare forecasts
with it."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import run_mxstab
from mxstab.experiments import forecasters
from mxstab.experiments.calibrate import fit_leader_hazard, fit_state_backbone
from mxstab.experiments.run import run_model
from mxstab.experiments.violence_fit import fit_violence
from mxstab.model.config import Config, calibration
from mxstab.model.world import victims
from mxstab.model.world.calendar import month_number

RECORD_CSV = victims.RECORD_FILE


@pytest.fixture
def changed_record(tmp_path, monkeypatch):
    """A copy of the record whose test window (2024-01 – 2025-06) is doubled plus one; the model
    and the forecasters read it instead of the shipped one."""
    raw = pd.read_csv(RECORD_CSV)
    after = raw["year"] * 12 + raw["month"] - 1 > month_number(victims.TRAIN_END)
    raw.loc[after, "homicide_victims"] = raw.loc[after, "homicide_victims"] * 2 + 1
    path = tmp_path / "record.csv"
    raw.to_csv(path, index=False)
    monkeypatch.setattr(victims, "RECORD_FILE", path)
    victims.victims_record.cache_clear()
    yield victims.victims_record()
    victims.victims_record.cache_clear()


def fitted_values(record: victims.VictimsRecord) -> dict[str, np.ndarray]:
    """Everything fitted on the record: each reference forecaster's point forecast from the end of
    the training window and its error spread, the initial levels of a run from 2024-01, the
    backbone's filtered start and spread, the leader-capture hazard and the violence
    mechanisms' simulation-based fit (two trials)."""
    level, variance = record.filtered_level_before("2024-01", 0.07, 0.07)
    values = {
        "initial_level": record.monthly_level_before("2024-01"),
        "filtered_level": level,
        "filtered_variance": variance,
    }
    for fitted in [*fit_state_backbone(), fit_leader_hazard({})]:  # read the record themselves
        values[fitted.name] = np.array(fitted.value)
    values["violence_fit"] = fit_violence(2, [0, 1], workers=1).trials.to_numpy()
    for name in forecasters.REFERENCES:
        point, spread = forecasters.reference_forecast(record, name, victims.TRAIN_END, 18)
        values[name] = point
        values[f"{name}_spread"] = spread
    return values


def test_the_windows_split_the_record():
    record = victims.victims_record()
    assert record.training()["when"].max() == month_number("2023-12")
    test = record.test()
    assert test["when"].min() == month_number("2024-01")
    assert test["when"].max() == month_number("2025-06")
    assert test.groupby("when")["victims"].sum().sum() == 30_046 + 12_752  # 2024, H1 2025
    assert record.table["when"].max() == month_number("2025-06"), "no month after June 2025"


@pytest.fixture(scope="module")
def shipped():
    """The fitted values and a 6-month run from January 2024 on the shipped record."""
    record = victims.victims_record()
    return fitted_values(record), run_model(Config(), seed=3, months=6), record.training_sha256


def test_fitted_values_and_a_2024_run_do_not_see_the_test_window(shipped, changed_record):
    """Change every test-window value: no fitted value, no output of a run from January 2024 and
    not the fingerprint fitted files keep moves."""
    values, run, fingerprint = shipped
    assert changed_record.test()["victims"].sum() > 2 * 42_798
    assert changed_record.training_sha256 == fingerprint
    changed = fitted_values(changed_record)
    for name in values:
        np.testing.assert_array_equal(values[name], changed[name], err_msg=name)
    again = run_model(Config(), seed=3, months=6)
    pd.testing.assert_frame_equal(run.national, again.national)
    pd.testing.assert_frame_equal(run.states, again.states)


def test_a_changed_training_value_is_refused(tmp_path, monkeypatch):
    """The calibration was fitted on the shipped training slice: a model on another refuses."""
    raw = pd.read_csv(RECORD_CSV)
    raw.loc[0, "homicide_victims"] += 1
    path = tmp_path / "record.csv"
    raw.to_csv(path, index=False)
    monkeypatch.setattr(victims, "RECORD_FILE", path)
    victims.victims_record.cache_clear()
    try:
        with pytest.raises(victims.RecordMismatch, match="calibration.toml"):
            run_model(Config(), seed=0, months=1)
    finally:
        victims.victims_record.cache_clear()


def test_the_calibration_was_fitted_on_the_shipped_training_slice():
    assert calibration()["record"]["training_sha256"] == victims.victims_record().training_sha256


def test_a_run_reads_no_month_after_the_training_window():
    with pytest.raises(ValueError, match="2023-12"):
        victims.victims_record().monthly_level_before("2024-02")


def test_a_forecaster_equal_to_the_record_scores_zero():
    observed = np.array([[3.0, 10.0], [0.0, 7.0]])
    exact = np.repeat(observed[:, :, None], 5, axis=2)
    assert (forecasters.crps(observed, exact) == 0).all()
    assert forecasters.mae(observed, observed) == 0
    assert forecasters.coverage(observed, exact, 0.9) == 1


def test_crps_of_a_two_member_ensemble_by_hand():
    """Members 0 and 2, observation 1: E|X − y| − E|X − X'|/2 = 1 − 1/2."""
    assert forecasters.crps(np.array([1.0]), np.array([[0.0, 2.0]]))[0] == pytest.approx(0.5)


def test_persistence_mae_is_the_csv_computed_directly():
    """Each state's mean of 2023 against every month of January 2024 – June 2025: 18.9 victims
    per state-month, computed from the CSV with pandas alone."""
    raw = pd.read_csv(RECORD_CSV)
    level = raw[raw["year"] == 2023].groupby("state")["homicide_victims"].mean()
    test = raw[(raw["year"] == 2024) | ((raw["year"] == 2025) & (raw["month"] <= 6))]
    direct = (test["homicide_victims"] - test["state"].map(level)).abs().mean()
    record = victims.victims_record()
    point, _ = forecasters.reference_forecast(record, "persistence", victims.TRAIN_END, 18)
    observed = record.matrix("2024-01", "2025-06").to_numpy()
    assert forecasters.mae(observed, point) == pytest.approx(direct, rel=1e-12)
    assert round(direct, 1) == 18.9


def test_reference_forecasters_refuse_the_test_window():
    with pytest.raises(ValueError, match="2023-12"):
        forecasters.history_to(victims.victims_record(), "2024-01")


VALIDATION_KEYS = (
    "train_end",
    "test_start",
    "test_end",
    "crps_model",
    "crps_persistence",
    "crps_last3",
    "crps_seasonal_naive",
    "crps_trend",
    "crps_ratio_best",
    "crps_ratio_best_q05",
    "crps_ratio_best_q95",
    "mae_model",
    "mae_persistence",
    "coverage_50",
    "coverage_90",
    "national_2024_model",
    "national_2024_record",
    "h1_2025_ratio_model",
    "h1_2025_ratio_record",
    "sinaloa_jump_model",
    "sinaloa_jump_record",
    "us_match_maritime",
    "us_match_tariff",
    "us_first_strike_date",
    "us_log_score",
    "us_log_score_no_change",
)


def test_validate_writes_its_report(tmp_path):
    """Two seeds, both parts: validation.json with its keys and the record's figures, and a
    self-contained validation.html."""
    done = run_mxstab("validate", "--seeds", "2", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    result = json.loads((tmp_path / "validation.json").read_text())
    assert set(VALIDATION_KEYS) <= set(result)
    assert (result["train_end"], result["test_start"], result["test_end"]) == (
        "2023-12",
        "2024-01",
        "2025-06",
    )
    assert result["national_2024_record"] == 30_046
    assert result["h1_2025_ratio_record"] == pytest.approx(12_752 / 15_104, rel=1e-3)
    assert result["mae_persistence"] == pytest.approx(18.9, abs=0.05)
    assert (
        result["crps_ratio_best_q05"] <= result["crps_ratio_best"] <= result["crps_ratio_best_q95"]
    )
    assert 0 <= result["coverage_50"] <= result["coverage_90"] <= 1
    page = (tmp_path / "validation.html").read_text()
    assert page.count("data:image/png;base64,") >= 2 and "http" not in page.split("<body>")[1]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--start", "2018-06"], "--start"),
        (["--seeds", "x"], "--seeds"),
        (["--part", "us2"], "part"),
    ],
)
def test_validate_refuses_bad_options(tmp_path, args, named, mxstab_here):
    done = mxstab_here("validate", *args, "--out", str(tmp_path))
    assert done.returncode == 2 and named in done.stderr and "Traceback" not in done.stderr


def test_the_level_filter_weighs_months_by_the_backbone_spreads():
    """Without a random walk the filter is a precision-weighted mean of the months (a step up
    halfway lands between the two levels); with a large walk and little noise it follows the
    last month; its variance shrinks as months accrue."""
    counts = np.repeat([[400.0], [600.0]], 24, axis=0)
    held, held_variance = victims.local_level_filter(counts, 0.0, 0.1)
    assert np.log(400.5) < held[0] < np.log(600.5)
    assert abs(held[0] - np.log([400.5, 600.5]).mean()) < 0.02
    walking, _ = victims.local_level_filter(counts, 1.0, 0.01)
    assert abs(walking[0] - np.log(600.5)) < 1e-3
    _, fewer = victims.local_level_filter(counts[:6], 0.0, 0.1)
    assert held_variance[0] < fewer[0] / 7
