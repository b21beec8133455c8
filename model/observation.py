"""What a run records each month: the national figures and one row per state (the output
contract in the README). Reading the model only: measuring changes nothing.

`homicides` are victims of intentional homicide, the series SESNSP publishes (the model starts from
it); rates per 100k per year are on CONAPO's mid-year population of the month's year.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mxstab.model.rules.interdiction import US_FORCES
from mxstab.model.rules.violence import annual_rate
from mxstab.model.world.population import population_of_year
from mxstab.model.world.states import STATES, per_state

NATIONAL_COLUMNS = (
    "homicides",
    "homicide_rate",
    "conflict_deaths",
    "background_homicides",
    "induced_homicides",
    "clash_deaths",
    "force_operations",
    "leader_removals",
    "cartel_members",
    "cartels_active",
    "recruits",
    "arrests",
    "cocaine_to_us_tons",
    "fentanyl_to_us_index",
    "labs_raided",
    "vessels_launched",
    "pacific_launch_share",
    "seized_tons",
    "us_seized_tons",
    "mx_seized_tons",
    "land_seized_tons",
    "border_seized_tons",
    "strikes",
    "pacific_strikes",
    "caribbean_strikes",
    "strike_deaths",
    "crew_arrested",
    "tariff_rate",
    "maritime_posture",
    "escalation_level",
    "transfers",
    "designation",
    "news_shocks",
    "relations_index",
    "cooperation",
    "us_pressure",
    "us_force_exposure",
    "us_threat",
    "force_leaked",
    "displaced",
    "displaced_to_border",
    "corruption",
    "stability_index",
)
STATE_COLUMNS = (
    "state",
    "homicides",
    "homicide_rate",
    "corruption",
    "stability_index",
    "displaced",
)


def denominators(model: Any) -> np.ndarray:
    """CONAPO's mid-year population of the month's year, per INEGI code (slot 0: national)."""
    return population_of_year(int(model.date(model.month)[:4]))


def national_figures(model: Any) -> dict[str, float]:
    """This month's national figures (NATIONAL_COLUMNS)."""
    places, cartels, sea, us = model.municipalities, model.cartels, model.vessels.at_sea, model.us
    flows = cartels.flows
    people = np.where(model.grid.mexico, places.population, 0.0)
    load = model.config.sea.vessel_load_tons
    return {
        "homicides": float(places.homicides.sum()),
        "homicide_rate": float(annual_rate(places.homicides.sum(), denominators(model)[0])),
        "conflict_deaths": float(places.conflict.sum()),
        "background_homicides": float(places.background_deaths.sum()),
        "induced_homicides": float(places.induced.sum()),
        "clash_deaths": float(places.clashes.sum()),
        "force_operations": model.force.operations,
        "leader_removals": len(model.leaders_fallen),
        "cartel_members": float(cartels.members.sum()),
        "cartels_active": int(cartels.active.sum()),
        "recruits": float(flows.recruits.sum()),
        "arrests": float(flows.arrests.sum()),
        "cocaine_to_us_tons": float(model.traffickers.cocaine_to_us),
        "fentanyl_to_us_index": float(
            model.traffickers.fentanyl_to_us / model.traffickers.fentanyl_start
        ),
        "labs_raided": int(model.raids.size),
        "vessels_launched": int(sea.launched.sum()),
        "pacific_launch_share": float(sea.launched[0] / max(sea.launched.sum(), 1)),
        "seized_tons": float(sea.seized.sum() * load),
        "us_seized_tons": float(sea.seized_by(US_FORCES) * load),
        "mx_seized_tons": float(sea.seized_by(("semar",)) * load),
        "land_seized_tons": float(model.traffickers.land_seized),
        "border_seized_tons": float(model.traffickers.border_seized),
        "strikes": int(sea.struck.sum()),
        "pacific_strikes": int(sea.struck[0]),
        "caribbean_strikes": int(sea.struck[1]),
        "strike_deaths": sea.crew_killed,
        "crew_arrested": sea.crew_arrested,
        "tariff_rate": us.tariff_rate,
        "maritime_posture": us.maritime_posture,
        "escalation_level": us.escalation_level,
        "transfers": model.mexico.transfers_this_month,
        "designation": int(us.designation),
        "news_shocks": us.news_shocks,
        "relations_index": model.mexico.relations,
        "cooperation": model.mexico.cooperation,
        "us_pressure": us.pressure,
        "us_force_exposure": us.force_exposure,
        "us_threat": int(us.threatening()),
        "force_leaked": model.force.leaked,
        "displaced": float(places.left.sum()),
        "displaced_to_border": places.heading_north,
        "corruption": float((places.corruption * people).sum() / people.sum()),
        "stability_index": float((places.stability * people).sum() / people.sum()),
    }


def state_figures(model: Any) -> np.ndarray:
    """This month's figures per state: one row per INEGI code 1–32, one column per
    STATE_COLUMNS entry after `state`."""
    places = model.municipalities
    people = np.where(model.grid.mexico, places.population, 0.0)
    state = model.grid.state
    residents = per_state(state, people)[1:]
    homicides = per_state(state, places.homicides)[1:]
    corruption = per_state(state, places.corruption * people)[1:]
    stability = per_state(state, places.stability * people)[1:]
    displaced = per_state(state, places.left)[1:]
    return np.column_stack(
        [
            homicides,
            annual_rate(homicides, denominators(model)[1:]),
            corruption / residents.clip(min=1),
            stability / residents.clip(min=1),
            displaced,
        ]
    )


def state_table(months: list[np.ndarray], dates: list[str]) -> pd.DataFrame:
    """The months' state figures as one long table: month, date, then STATE_COLUMNS."""
    figures = np.concatenate(months) if months else np.zeros((0, len(STATE_COLUMNS) - 1))
    month = np.repeat(np.arange(len(months)), STATES)
    table = pd.DataFrame(figures, columns=list(STATE_COLUMNS[1:]))
    table.insert(0, "state", np.tile(np.arange(1, STATES + 1), len(months)))
    table.insert(0, "date", np.repeat(dates, STATES))
    table.insert(0, "month", month)
    return table
