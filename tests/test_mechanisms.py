"""The homicide mechanisms added on the statistical backbone: criminal presence, the recorded
arrests through the membership equation's arrest term, and the fitted ensemble's draws."""

from __future__ import annotations

import numpy as np
import pytest

from mxstab.experiments import calibrate
from mxstab.experiments.calibrate import Fitted, previous_all, write_calibration
from mxstab.model.config import Config, violence_ensemble
from mxstab.model.model import MxStabModel, with_ensemble_draw
from mxstab.model.rules.violence import backbone_step, presence_factor
from mxstab.model.world import enforcement
from mxstab.model.world.calendar import month_number


def test_presence_moves_only_its_share_of_the_background():
    start = np.array([0.0, 10.0, 10.0, 4.0])
    now = np.array([5.0, 5.0, 20.0, 4.0])
    np.testing.assert_array_equal(presence_factor(now, start, 0.0), np.ones(4))
    np.testing.assert_allclose(presence_factor(now, start, 1.0), [1.0, 0.5, 2.0, 1.0])
    np.testing.assert_allclose(presence_factor(now, start, 0.4), [1.0, 0.8, 1.4, 1.0])


def test_recorded_arrests_are_a_ratio_to_2022_2023():
    """1 before the record and on average over 2022–2023; the high-impact series from October
    2024 runs at more than twice that; after the record the last 12 months' mean stands."""
    ratio = enforcement.arrest_ratio
    record = enforcement.arrests_record()
    assert ratio(month_number("2021-06")) == 1.0
    reference = [ratio(m) for m in range(month_number("2022-01"), month_number("2023-12") + 1)]
    assert np.mean(reference) == pytest.approx(1.0)
    assert min(ratio(m) for m in range(month_number("2024-11"), month_number("2025-07"))) > 2
    last = record.index[-1]
    held = np.mean([ratio(m) for m in range(last - 11, last + 1)])
    assert ratio(last + 1) == pytest.approx(held) == ratio(last + 40)


def test_the_recorded_arrests_drive_the_arrest_pressure():
    """The membership equation's m in a month of 2025 over that of January 2024 is the record's
    ratio of the two months (corruption barely moves in 15 months); more members are arrested."""
    model = MxStabModel(Config(), seed=0)
    arrested, pressure = [], []
    for _ in range(15):
        model.step()  # the month's pressure, read after it ran, is the one it used
        arrested.append(model.cartels.flows.arrests.sum())
        pressure.append(model.mexico.arrest_pressure())
    january, later = pressure[0], pressure[14]  # 2024-01, 2025-03
    expected = enforcement.arrest_ratio(month_number("2025-03")) / enforcement.arrest_ratio(
        month_number("2024-01")
    )
    assert later / january == pytest.approx(expected, rel=0.02)
    assert np.mean(arrested[-3:]) > 2 * np.mean(arrested[:3])


def test_posterior_draws_are_members_of_the_ensemble_and_reach_the_run():
    ensemble = violence_ensemble()
    config = Config().with_overrides({"violence.posterior": True})
    drawn = {with_ensemble_draw(config, seed).violence.presence_share for seed in range(30)}
    assert drawn <= set(ensemble["violence.presence_share"].tolist())
    assert len(drawn) > 1
    assert with_ensemble_draw(config, 7) == with_ensemble_draw(config, 7)
    assert with_ensemble_draw(Config(), 7) == Config()
    model = MxStabModel(config, seed=7)
    assert model.config.violence == with_ensemble_draw(config, 7).violence


def test_the_defaults_are_the_ensembles_medians():
    ensemble = violence_ensemble()
    violence = Config().violence
    for name in ensemble.dtype.names:
        if name.startswith("violence."):
            field = name.removeprefix("violence.")
            assert getattr(violence, field) == pytest.approx(np.median(ensemble[name]), rel=1e-5)


def test_the_backbone_keeps_the_mean_level_from_an_uncertain_start():
    """Started from the filter's variance and walked 24 months, the multipliers average 1."""
    rng = np.random.default_rng(0)
    start = np.full(200_000, 0.02)
    drift, variance = np.sqrt(start) * rng.standard_normal(start.size), start
    for _ in range(24):
        drift, variance, multipliers = backbone_step(
            drift, variance, 0.07, 0.074, rng.standard_normal((2, start.size))
        )
    assert multipliers.mean() == pytest.approx(1.0, abs=0.01)
    assert np.median(multipliers) < 0.95  # the walk's median falls: the mean needs the correction


def test_writing_some_fits_keeps_the_other_entries(tmp_path, monkeypatch):
    path = tmp_path / "calibration.toml"
    path.write_bytes(calibrate.CALIBRATION_FILE.read_bytes())
    monkeypatch.setattr(calibrate, "CALIBRATION_FILE", path)
    before = previous_all()
    write_calibration([Fitted("violence.presence_share", 0.123, "t", "a", "s")])
    after = previous_all()
    assert [f.name for f in after] == [f.name for f in before]
    changed = {f.name: f.value for f in after}
    assert changed["violence.presence_share"] == 0.123
    assert all(changed[f.name] == f.value for f in before if f.name != "violence.presence_share")


def test_the_contested_measurement_factor_scales_what_the_record_would_count():
    """Off by default; at 0.2 the model's test-window homicides are compared at 80%."""
    from mxstab.experiments.validate import homicide_skill

    off = homicide_skill([0], "2023-06", 1, Config())["json"]
    on = homicide_skill([0], "2023-06", 1, Config(), unrecorded=0.2)["json"]
    assert off["unrecorded_share"] == 0.0
    assert on["national_2024_model"] == pytest.approx(0.8 * off["national_2024_model"])
    assert on["h1_2025_ratio_model"] == pytest.approx(off["h1_2025_ratio_model"])
    assert on["crps_model"] != off["crps_model"]
