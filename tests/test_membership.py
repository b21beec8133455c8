"""Membership: the published equation (Prieto-Curiel et al. 2023) and the month's bookkeeping."""

from __future__ import annotations

import numpy as np
import pytest

from mxstab.model.config import Membership
from mxstab.model.rules.membership import WeeklyRates, integrate_month, published_check
from mxstab.model.world.calendar import DEFAULT_START
from mxstab.model.world.organisations import CJNG, SINALOA, initial_groups
from mxstab.model.world.victims import victims_record

PUBLISHED = Membership()  # spatial modulation does not enter the published check
RATES = WeeklyRates.of(PUBLISHED)
GROUPS_2024 = PUBLISHED.model_copy(update={"members_2022": 195_000})
LEVEL = victims_record().monthly_level_before(DEFAULT_START)  # places the local groups


@pytest.fixture(scope="module")
def groups_2022():
    return initial_groups(PUBLISHED, LEVEL)


@pytest.fixture(scope="module")
def check(groups_2022):
    return published_check(groups_2022.members, groups_2022.rivalry, PUBLISHED)


def test_start_of_the_published_fit(check):
    """150 groups, 175,000 members: 110 arrests, ~92 conflict deaths and ρ·ΣC recruits a week."""
    assert check.arrests_per_week == pytest.approx(110, rel=0.05)
    assert check.conflict_deaths_per_week == pytest.approx(92, rel=0.05)
    assert check.recruits_per_week == pytest.approx(PUBLISHED.rho * 175_000, rel=1e-9)


def test_five_years_of_the_published_fit(check):
    """Over 260 weeks at baseline: members +23% to +26%, conflict deaths +36% to +40%."""
    assert 0.23 <= check.members_growth <= 0.26
    assert 0.36 <= check.conflict_growth <= 0.40


def test_groups_follow_the_published_shares(groups_2022):
    shares = groups_2022.members / groups_2022.members.sum()
    assert len(shares) == 150
    assert groups_2022.members.sum() == pytest.approx(175_000)
    assert shares[groups_2022.names.index(CJNG)] == pytest.approx(0.179)
    assert shares[groups_2022.names.index(SINALOA)] == pytest.approx(0.089)
    assert (np.diff(shares) <= 1e-12).all(), "sizes never grow with rank"


def test_rivalry_is_sparse_and_named(groups_2022):
    k = groups_2022.rivalry
    cjng, sinaloa = groups_2022.names.index(CJNG), groups_2022.names.index(SINALOA)
    assert k[cjng, sinaloa] > 0 and k[sinaloa, cjng] > 0
    assert (np.diag(k) == 0).all()
    assert ((k > 0) == (k.T > 0)).all(), "rivalry is mutual"
    assert (k > 0).mean() < 0.15, "a dense K would kill far more members than all homicides"


def test_month_conserves_members():
    """End = start + recruits − arrests − conflict deaths − retired, per group."""
    groups = initial_groups(GROUPS_2024, LEVEL)
    rng = np.random.default_rng(3)
    recruitment = rng.uniform(0.5, 1.5, len(groups.members))
    end, flows = integrate_month(groups.members, recruitment, 1.3, groups.rivalry, RATES, 13)
    balance = (
        groups.members + flows.recruits - flows.arrests - flows.conflict_deaths - flows.retired
    )
    np.testing.assert_allclose(end, balance, rtol=1e-9)
    np.testing.assert_allclose(flows.pair_deaths.sum(axis=1), flows.conflict_deaths, rtol=1e-9)
    assert (end >= 0).all()


def test_recruitment_and_arrest_pressure_act_where_they_should():
    groups = initial_groups(GROUPS_2024, LEVEL)
    none = np.zeros(len(groups.members))
    _, idle = integrate_month(groups.members, none, 1.0, groups.rivalry, RATES, 13)
    assert idle.recruits.sum() == 0
    ones = np.ones(len(groups.members))
    _, base = integrate_month(groups.members, ones, 1.0, groups.rivalry, RATES, 13)
    _, pressed = integrate_month(groups.members, ones, 2.0, groups.rivalry, RATES, 13)
    assert pressed.arrests.sum() == pytest.approx(2 * base.arrests.sum(), rel=0.01)
    assert base.arrests.sum() == pytest.approx(110 * 52 / 12, rel=0.01)


def test_a_group_cannot_lose_more_members_than_it_has():
    members = np.array([10.0, 50_000.0])
    rivalry = np.array([[0.0, 1e4], [1e4, 0.0]])
    rates = WeeklyRates(rho=0, eta=110, theta=1.55e-8, omega=4e-8)
    end, flows = integrate_month(members, np.zeros(2), 1.0, rivalry, rates, 13)
    assert (end >= 0).all()
    assert flows.conflict_deaths[0] <= 10.0 + 1e-9


def test_the_compiled_month_equals_the_numpy_reference():
    """Random members, recruitment, pressure and a sparse K with splinters: the compiled month
    and its reference agree to rounding (sums run in another order)."""
    from mxstab.model.rules.membership import integrate_month_reference

    rng = np.random.default_rng(11)
    groups = initial_groups(GROUPS_2024, LEVEL)
    for backward in (False, True):
        members = groups.members * rng.uniform(0.2, 2.0, groups.members.size)
        recruitment = rng.uniform(0.0, 2.0, members.size)
        weeks = -52 / 12 if backward else 52 / 12
        args = (members, recruitment, rng.uniform(0.5, 3), groups.rivalry * 50, RATES, 13, weeks)
        end, flows = integrate_month(*args)
        end_ref, flows_ref = integrate_month_reference(*args)
        np.testing.assert_allclose(end, end_ref, rtol=1e-12, atol=1e-9)
        for name in ("recruits", "arrests", "conflict_deaths", "retired", "pair_deaths"):
            np.testing.assert_allclose(
                getattr(flows, name), getattr(flows_ref, name), rtol=1e-12, atol=1e-12
            )
