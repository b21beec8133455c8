"""Interdiction: what happens to each vessel of the month at sea.

A vessel is detected by random search (`detection`); the detecting force is drawn in proportion to
its share of the exposure and seizes the vessel (crew arrested) or, for the US Navy under the strike
posture, strikes it (crew killed, load lost). A vessel a US unit chases in a zone touching Mexico's
coast may flee into Mexican waters (`enforcement.flee_share`); SEMAR takes it with the cooperation
Mexico gives, else it escapes. All vessels of a month are resolved in one vectorised call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mxstab.model.config import Sea
from mxstab.model.rules.detection import detection_probability, exposure
from mxstab.model.world.sea import BASINS, SeaLanes

FORCES = ("us_navy", "coast_guard", "semar")
US_FORCES = ("us_navy", "coast_guard")
FATES = ("landed", "seized", "struck")
STRIKES = 2  # maritime posture code of lethal strikes


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


def resolve(
    landing: np.ndarray,
    rows: np.ndarray,
    lanes: SeaLanes,
    sea: Sea,
    search_rates: np.ndarray,
    posture: int,
    flee_share: float,
    cooperation: float,
) -> SeaMonth:
    """The fate of each vessel bound for `landing`; `rows` holds its uniforms (columns: landing
    choice, crew, detection, detecting force, flight)."""
    span = sea.crew_max - sea.crew_min + 1
    crew = sea.crew_min + np.minimum((rows[:, 1] * span).astype(int), span - 1)
    detect, pick, flee = rows[:, 2], rows[:, 3], rows[:, 4]

    odds = exposure(lanes.track_km[landing], sea.vessel_speed_kmh, search_rates)
    total = odds.sum(axis=1)
    danger = detection_probability(total)
    detected = detect < danger
    share = np.cumsum(odds, axis=1) / np.where(total > 0, total, 1.0)[:, None]
    force = np.minimum((pick[:, None] >= share).sum(axis=1), len(FORCES) - 1)
    striking = posture == STRIKES
    navy = FORCES.index("us_navy")
    strike = (force == navy) & striking
    navy_share = np.divide(odds[:, navy], total, out=np.zeros_like(total), where=total > 0)
    strike_danger = danger * navy_share * striking
    stopped_in = np.argmax(lanes.track_km[landing] * search_rates[force], axis=1)
    chased = detected & ~strike & (force != FORCES.index("semar")) & lanes.zone_mexican[stopped_in]
    fled = chased & (flee < flee_share)
    taken = fled & (flee < flee_share * cooperation)
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
