"""Policies against the record and the literature, over paired seeds (each test names its source
and tolerance), and the scenarios they are bundled in."""

from __future__ import annotations

import pandas as pd
import pytest

from mxstab.experiments import validation
from mxstab.experiments.run import run_model
from mxstab.model.config import Config, ConfigError
from mxstab.model.scenarios import ORDER, load_scenario, scenario_names
from mxstab.model.world.calendar import DEFAULT_START, months_between

START = months_between(DEFAULT_START, Config().policy.start)  # April 2026
FIVE_YEARS = START + 60


def national(config: Config, seed: int, months: int) -> pd.DataFrame:
    return run_model(config, seed, months).national.set_index("month")


def test_every_documented_scenario_ships_with_a_description():
    assert scenario_names() == list(ORDER)
    for name in ORDER:
        scenario = load_scenario(name)
        assert scenario.description and len(scenario.description) < 120
        scenario.config()


def test_a_bad_scenario_value_names_the_field_and_range(tmp_path, monkeypatch):
    from mxstab.model import scenarios as module

    (tmp_path / "broken.toml").write_text('description = "x"\n[us]\nescalation_level = 7\n')
    monkeypatch.setattr(module, "SCENARIO_DIR", tmp_path)
    with pytest.raises(ConfigError, match=r"us\.escalation_level.*0.*3"):
        load_scenario("broken")


@pytest.mark.parametrize("name", ORDER[1:])
def test_scenarios_share_the_recorded_past(name):
    """Same seed: identical to the baseline before `policy.start`, different after it."""
    base = national(Config(), 7, START + 3)
    other = national(load_scenario(name).config(), 7, START + 3)
    pd.testing.assert_frame_equal(base.loc[: START - 1], other.loc[: START - 1])
    assert not base.loc[START:].equals(other.loc[START:])


def test_balloon_at_sea():
    """NarcoLogic; CCDB: doubling the US units that interdict in the Caribbean raises the Pacific
    share of launches by at least 5 points (mean of 4 paired seeds), and cocaine reaching the US
    falls by less than seizures rise, since lost loads are shipped again."""
    table = validation.sea_balloon(range(4))
    assert table["pacific_share_rise"].mean() >= 0.05, table
    assert table["seized_rise_tons"].mean() > 0
    assert table["cocaine_fall_tons"].mean() < table["seized_rise_tons"].mean(), table


def test_balloon_on_land():
    """Dell (2015): a crackdown on the busiest corridor's state diverts flow; on the cells where
    flow rises (the diverted route), homicides rise against the same-seed run (3 seeds)."""
    table = validation.land_balloon(range(3))
    assert (table["diverted_cells"] >= 5).all()
    assert (table["homicides_crackdown"] > table["homicides_base"]).all(), table


def test_kingpin_removals_raise_local_violence():
    """Calderón et al. (2015): +36.5% at 6 months; Lindo & Padilla-Romo (2018): about +80%.
    Over the leaders of the 11 named organisations removed on 2 seeds not used in calibration
    (22 removals), homicides in the cells the group held and their neighbours rise +25% to
    +100% over months 1–12 against the same-seed run; the national change stays under +10%."""
    row = validation.kingpin((5, 6)).iloc[0]
    assert 0.25 <= row["local_change"] <= 1.0, row
    assert row["national_change"] < 0.10, row


def test_recruitment_is_the_lever_that_shrinks_cartels():
    """Prieto-Curiel et al. (2023): halving recruitment from `policy.start` leaves members five
    years on at least 20% below the baseline and not above their level at the start; doubling
    incapacitation alone leaves them growing (2 seeds; at the published fit's arrest level, the
    recorded arrests held at 2022–2023's)."""
    table = validation.recruitment(range(2)).set_index(["seed", "variant", "month"])["members"]
    table = table.sort_index()
    for seed in range(2):
        base, fewer, arrests = (
            table.loc[seed, name] for name in ("baseline", "recruitment halved", "arrests doubled")
        )
        assert fewer[FIVE_YEARS] <= 0.8 * base[FIVE_YEARS]
        assert fewer[FIVE_YEARS] <= fewer[START - 1]
        assert arrests[FIVE_YEARS] > arrests[START]


def test_contagion_spreads_rises_not_falls():
    """Osorio (2015), Lozano (2012): 50 extra deaths in one cell for one month raise its
    neighbours' homicides over the next 3 months against the same-seed run; an equal fall does
    not lower them. At β = 0.3, Osorio's order (the calibrated β is near 0: the backtests find
    little spread between cells; the rule is what is tested here)."""
    config = Config().with_overrides({"violence.contagion_beta": 0.3})
    totals = validation.contagion(config=config).set_index("run")["neighbour_homicides_3_months"]
    assert totals["rise"] - totals["base"] >= 5, totals
    assert totals["fall"] == pytest.approx(totals["base"], abs=0.5), totals


def test_full_intervention_raises_homicides_and_displacement():
    """Espinosa & Rubin (2015): joint military operations raised homicides. Large-scale US
    intervention, 3 paired seeds, over the policy years: more homicides and more displaced,
    with clash deaths and more groups (splinters)."""
    table = validation.intervention(range(3))
    assert (table["homicide_change"] > 0).all() and (table["displaced_change"] > 0).all(), table
    assert (table["clash_deaths"] > 0).all() and (table["force_operations"] > 0).all()
    assert (table["groups_intervention"] >= table["groups_base"]).all()
