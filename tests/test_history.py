"""The recorded past replayed through Mesa's event scheduling, then the last posture kept."""

from __future__ import annotations

import pytest

from mxstab.experiments.run import run_model
from mxstab.model.config import Config
from mxstab.model.scenarios import load_scenario
from mxstab.model.world.calendar import check_start, month_label, month_number, months_between
from mxstab.model.world.record import recorded_events


def test_a_run_counts_months_from_its_start():
    assert months_between("2024-01", "2024-09-09") == 8
    assert months_between("2024-01", "2026-04") == 27
    assert months_between("2019-01", "2024-01") == 60
    assert month_label(month_number("2026-04")) == "2026-04"
    assert check_start("2019-01") == "2019-01"
    for bad in ("2018-12", "2024-02", "2024-13", "24-01"):
        with pytest.raises(ValueError, match="2019-01 to 2024-01|YYYY-MM"):
            check_start(bad)


@pytest.fixture(scope="module")
def replay():
    return run_model(Config(), seed=0, months=40)


def test_dials_follow_the_record_then_keep_the_last_posture(replay):
    national = replay.national.set_index("month")
    assert (national.loc[:13, "tariff_rate"] == 0).all(), "the February 2025 tariff was paused"
    assert (national.loc[14:24, "tariff_rate"] == 0.25).all(), "in force from 2025-03-04"
    assert (national.loc[25:, "tariff_rate"] == 0).all(), "struck down 2026-02-20"
    assert (national.loc[:19, "maritime_posture"] == 1).all()
    assert (national.loc[20:, "maritime_posture"] == 2).all(), "boat strikes from 2025-09-02 on"
    assert (national["escalation_level"] == 0).all(), "no force on Mexican soil on the record"
    assert replay.model.us.usmca_exempt_share == 0.5


def test_transfers_add_up_to_the_recorded_92(replay):
    transfers = replay.national.set_index("month")["transfers"]
    assert transfers.sum() == 92, "cumulative 92 under Sheinbaum (events_2025.csv)"
    assert transfers[transfers > 0].to_dict() == {13: 29, 19: 26, 24: 37}


def test_every_acting_event_is_logged_at_its_month(replay):
    """From the start on, each recorded event in the event log at the month of its date."""
    model = replay.model
    logged = {(month, text.split(" (")[0]) for month, text in model.event_log}
    for event in recorded_events():
        month = event.when - model.first_month
        if 0 <= month <= model.month:
            assert (month, event.label.split(" (")[0]) in logged, event
    dated = replay.events
    assert (dated["date"] == [model.date(m) for m in dated["month"]]).all()


def test_relations_fall_under_the_tariff_and_rise_with_transfers(replay):
    """Relations hold their start until the first transfer (February 2025), rise with each
    transfer, fall every month the tariff bites except a transfer month, and recover once the
    tariff is struck down."""
    relations = replay.national.set_index("month")["relations_index"]
    start = Config().relations.start
    assert (relations.loc[:12] == start).all(), relations.loc[:12]
    assert relations.loc[13] > relations.loc[12], "29 transferred"
    tariffed = [m for m in range(14, 25) if m not in (19, 24)]
    assert all(relations.loc[m] < relations.loc[m - 1] for m in tariffed)
    assert relations.loc[19] > relations.loc[18] and relations.loc[24] > relations.loc[23]
    assert all(relations.loc[m] > relations.loc[m - 1] for m in range(26, 40))
    assert relations.loc[39] < start


def test_leader_removals_are_logged_in_the_month_they_happen():
    """Under the kingpin campaign from month 0, each month's `leader_removals` equals the
    `loses its leader` entries of `events` dated that month."""
    config = load_scenario("kingpin_campaign").config({"policy.start": "2024-01"})
    result = run_model(config, seed=1, months=12)
    removals = result.national.set_index("month")["leader_removals"]
    events = result.events[result.events["event"].str.contains("loses its leader")]
    logged = events.groupby("month").size().reindex(removals.index, fill_value=0)
    assert removals.sum() > 0
    assert (logged == removals).all(), (logged, removals)
    assert (events["date"] == [result.model.date(m) for m in events["month"]]).all()


def test_event_studies_compare_like_with_like():
    """A hindcast equal to the record scores each event exactly as the record does."""
    from mxstab.experiments.validate import EVENT_STUDIES, event_studies
    from mxstab.model.world.victims import TEST_END, victims_record

    recorded = victims_record().matrix("2019-01", TEST_END)
    figures = event_studies(recorded.to_numpy(float)[None], recorded, "2019-01")
    for key in EVENT_STUDIES:
        assert figures[f"event_{key}_model"] == figures[f"event_{key}_record"]
    sinaloa = recorded[25]  # INEGI code of Sinaloa
    after, before = sinaloa.loc["2019-11":"2020-04"].mean(), sinaloa.loc["2019-04":"2019-09"].mean()
    assert figures["event_culiacan_2019_record"] == after / before


def test_backtests_never_read_the_test_window(monkeypatch):
    """The rolling-origin backtest scores the same whatever the record says after 2023."""
    from dataclasses import replace

    from mxstab.experiments import backtest
    from mxstab.model.world.calendar import month_number
    from mxstab.model.world.victims import TRAIN_END, victims_record

    before = backtest.backtest([0], workers=1)
    table = victims_record().table.copy()
    table.loc[table["when"] > month_number(TRAIN_END), "victims"] *= 5
    monkeypatch.setattr(backtest, "victims_record", lambda: replace(victims_record(), table=table))
    assert backtest.backtest([0], workers=1) == before
    assert before["backtest_crps_model"] > 0 and before["backtest_best_reference"]
