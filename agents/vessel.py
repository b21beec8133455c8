"""Vessel: one maritime cocaine shipment (go-fast, semi-submersible) of this month.

Traffickers launch from each basin's entry edge toward landing cells of buying groups (weighted by
the buyer's members per landing cell it holds). They learn: each basin's loss and strike risks
are exponential averages of the danger their vessels ran (the chance, given where the patrols
stood, of being stopped or struck: spotters see the ships, and a few strikes a month are too few
to learn from by counting); launches shift toward the safer basin (the balloon at sea), fall with
strike risk (deterrence), and a share of lost loads sails again the next month. A vessel
crossing patrolled water is detected by random search; the detecting force seizes it (crew
arrested) or, for the US Navy under the strike posture, strikes it (crew killed). A vessel a US
unit chases near Mexico may flee into Mexican waters (`enforcement.flee_share`); SEMAR takes it
with the cooperation Mexico gives, else it escapes. All vessels of a month are resolved in one
vectorised call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from mxstab.agents.naval_unit import FORCES
from mxstab.model.kernels import poisson_counts
from mxstab.model.maritime import BASINS, detection_probability
from mxstab.model.randomness import stream

if TYPE_CHECKING:
    from mxstab.model.model import MxStabModel

FATES = ("landed", "seized", "struck")
STRIKES = 2  # maritime posture code of lethal strikes


class Vessel(mesa.Agent):
    """One of this month's shipments; its attributes are views into the month's arrays, so
    the same agents carry next month's shipments (the fleet grows or shrinks to the launches)."""

    def __init__(self, model: MxStabModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def basin(self) -> int:
        return int(self.model.sea.basin[self.index])

    @property
    def crew(self) -> int:
        return int(self.model.sea.crew[self.index])

    @property
    def fate(self) -> str:
        return FATES[self.model.sea.fate[self.index]]

    @property
    def position(self) -> tuple[float, float]:
        """(lat, lon) where it landed, or the centre of the zone where it was stopped."""
        sea, model = self.model.sea, self.model
        if sea.fate[self.index] == 0:
            row, col = divmod(
                int(model.lanes.landing_cell[sea.landing[self.index]]), model.grid.shape[1]
            )
            return float(model.grid.lat[row]), float(model.grid.lon[col])
        zone = sea.zone[self.index]
        return float(model.lanes.zone_lat[zone]), float(model.lanes.zone_lon[zone])

    @staticmethod
    def crew_fleet(model: MxStabModel, count: int) -> None:
        """Keep exactly `count` Vessel agents, indices 0..count−1."""
        fleet = model.agents_by_type.get(Vessel, [])
        have = len(fleet)
        if count > have:
            Vessel.create_agents(model, count - have, list(range(have, count)))
        for vessel in [v for v in fleet if v.index >= count]:
            vessel.remove()


@dataclass
class SeaMonth:
    """One month at sea: each vessel's arrays, and tallies per basin (0 Pacific, 1 Caribbean)."""

    basin: np.ndarray
    landing: np.ndarray  # index into the sea lanes' landing cells
    crew: np.ndarray
    fate: np.ndarray  # index into FATES
    force: np.ndarray  # index into FORCES of the force that stopped it (-1 if it landed)
    zone: np.ndarray  # where it was stopped (-1 if it landed)
    launched: np.ndarray
    landed: np.ndarray
    seized: np.ndarray
    struck: np.ndarray
    loss_danger: np.ndarray  # mean chance of being stopped, over the basin's vessels
    strike_danger: np.ndarray  # mean chance of being struck
    landed_at: np.ndarray  # vessels landed per landing cell
    km_per_zone: np.ndarray  # vessel-km sailed through each zone

    @property
    def crew_killed(self) -> int:
        return int(self.crew[self.fate == 2].sum())

    @property
    def crew_arrested(self) -> int:
        return int(self.crew[self.fate == 1].sum())


def landing_weights(model: MxStabModel) -> np.ndarray:
    """A buyer's pull on each landing cell: its members over the landing cells it holds."""
    lanes = model.lanes
    holder = model.owner.ravel()[lanes.landing_cell]
    held = holder >= 0
    holdings = np.bincount(holder[held], minlength=model.groups.members.size)
    weight = np.zeros(holder.size)
    weight[held] = model.groups.members[holder[held]] / holdings[holder[held]]
    for basin in BASINS:
        mine = lanes.landing_basin == basin
        if weight[mine].sum() <= 0:
            weight[mine] = 1.0
    return weight


def launch_means(model: MxStabModel) -> np.ndarray:
    """Expected launches per basin: the supply split by perceived loss risk, cut by strike risk
    as exp(−d·risk) (MECHANICS' fall d·risk for small risks, never below zero), plus the loads
    lost last month that sail again."""
    sea = model.config.sea
    base = np.array([sea.pacific_share, 1 - sea.pacific_share])
    weight = base * np.exp(-sea.risk_aversion * (model.loss_risk - model.loss_risk_2024))
    share = weight / weight.sum()
    deterred = np.exp(-sea.deterrence * model.strike_risk)
    return sea.launches_per_month * share * deterred + model.relaunch


def detection_odds(model: MxStabModel, landing: np.ndarray) -> np.ndarray:
    """(vessels, forces) exposure of each vessel's track to each force's search."""
    hours = model.lanes.track_km[landing] / model.config.sea.vessel_speed_kmh
    return hours @ model.search_rates.T


def expected_bound(model: MxStabModel) -> np.ndarray:
    """Vessels expected to head for each landing cell this month."""
    lanes = model.lanes
    bound = np.zeros(lanes.landing_cell.size)
    for basin, launches in zip(BASINS, launch_means(model), strict=True):
        mine = lanes.landing_basin == basin
        bound[mine] = launches * model.landing_weights[mine] / model.landing_weights[mine].sum()
    return bound


def loss_share(bound: np.ndarray, caught: np.ndarray, landing_basin: np.ndarray) -> np.ndarray:
    """Per basin, the share of the vessels bound there that a patrol stops."""
    stopped = np.array([(bound * caught)[landing_basin == b].sum() for b in BASINS])
    sailing = np.array([bound[landing_basin == b].sum() for b in BASINS])
    return np.divide(stopped, sailing, out=np.zeros(len(BASINS)), where=sailing > 0)


def sail(model: MxStabModel) -> SeaMonth:
    """Launch, cross, and meet a fate: this month's vessels and their tallies per basin.

    Launch counts come by Poisson inversion of one uniform per basin, and each basin's vessels
    draw their rows (landing, crew, detection, detecting force) from a stream of that basin and
    month, so two runs of one seed share every vessel they both launch (common random numbers)."""
    sea = model.config.sea
    lanes = model.lanes
    uniform = model.streams["maritime"].random((1, len(BASINS)))
    counts = poisson_counts(uniform, launch_means(model)[None, :], np.empty_like(uniform))[0]
    landing, draws = [], []
    for basin, count in zip(BASINS, counts.astype(int), strict=True):
        rows = stream(model.seed, f"vessels:{basin}:{model.month}").random((count, 5))
        mine = np.flatnonzero(lanes.landing_basin == basin)
        cumulative = np.cumsum(model.landing_weights[mine])
        pick = np.searchsorted(cumulative, rows[:, 0] * cumulative[-1], side="right")
        landing.append(mine[np.minimum(pick, mine.size - 1)])
        draws.append(rows)
    landing = np.concatenate(landing).astype(np.int64)
    rows = np.vstack(draws)
    span = sea.crew_max - sea.crew_min + 1
    crew = sea.crew_min + np.minimum((rows[:, 1] * span).astype(int), span - 1)
    detect, pick, flee = rows[:, 2], rows[:, 3], rows[:, 4]

    exposure = detection_odds(model, landing)
    total = exposure.sum(axis=1)
    danger = detection_probability(total)
    detected = detect < danger
    share = np.cumsum(exposure, axis=1) / np.where(total > 0, total, 1.0)[:, None]
    force = np.minimum((pick[:, None] >= share).sum(axis=1), len(FORCES) - 1)
    striking = model.us.maritime_posture == STRIKES
    navy = FORCES.index("us_navy")
    strike = (force == navy) & striking
    navy_share = np.divide(exposure[:, navy], total, out=np.zeros_like(total), where=total > 0)
    strike_danger = danger * navy_share * striking
    stopped_in = np.argmax(lanes.track_km[landing] * model.search_rates[force], axis=1)
    flee_share = model.config.enforcement.flee_share
    chased = detected & ~strike & (force != FORCES.index("semar")) & lanes.zone_mexican[stopped_in]
    fled = chased & (flee < flee_share)
    taken = fled & (flee < flee_share * model.mexico.cooperation)
    force = np.where(taken, FORCES.index("semar"), force)
    detected &= ~(fled & ~taken)
    fate = np.where(detected, np.where(strike, 2, 1), 0)
    basin = lanes.landing_basin[landing]

    def per_basin(mask: np.ndarray) -> np.ndarray:
        return np.array([np.count_nonzero(mask & (basin == b)) for b in BASINS])

    def mean_per_basin(values: np.ndarray) -> np.ndarray:
        return np.array([values[basin == b].mean() if (basin == b).any() else 0.0 for b in BASINS])

    return SeaMonth(
        basin=basin,
        landing=landing,
        crew=crew,
        fate=fate,
        force=np.where(detected, force, -1),
        zone=np.where(detected, stopped_in, -1),
        launched=per_basin(np.ones(landing.size, bool)),
        landed=per_basin(fate == 0),
        seized=per_basin(fate == 1),
        struck=per_basin(fate == 2),
        loss_danger=mean_per_basin(danger),
        strike_danger=mean_per_basin(strike_danger),
        landed_at=np.bincount(landing[fate == 0], minlength=lanes.landing_cell.size),
        km_per_zone=lanes.track_km[landing].sum(axis=0),
    )


def learn(model: MxStabModel, month: SeaMonth) -> None:
    """Traffickers update each basin's loss and strike risk from the danger their vessels ran;
    lost loads wait to sail again; patrol planners update where traffic runs."""
    sea = model.config.sea
    m = sea.risk_memory
    sailed = month.launched > 0
    model.loss_risk = np.where(
        sailed, (1 - m) * model.loss_risk + m * month.loss_danger, model.loss_risk
    )
    model.strike_risk = np.where(
        sailed, (1 - m) * model.strike_risk + m * month.strike_danger, model.strike_risk
    )
    model.relaunch = sea.reship_share * (month.seized + month.struck)
    model.expected_km = (1 - m) * model.expected_km + m * month.km_per_zone
