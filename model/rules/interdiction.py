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
from numba import njit

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

    def seized_by(self, forces: tuple[str, ...]) -> int:
        """Vessels seized by the given forces this month."""
        mine = np.isin(self.force, [FORCES.index(force) for force in forces])
        return int(np.count_nonzero(mine & (self.fate == FATES.index("seized"))))


def resolve_reference(
    landing: np.ndarray,  # grouped by basin, in BASINS order
    rows: np.ndarray,
    lanes: SeaLanes,
    sea: Sea,
    search_rates: np.ndarray,
    posture: int,
    flee_share: float,
    cooperation: float,
) -> SeaMonth:
    """The fate of each vessel bound for `landing`; `rows` holds its uniforms (columns: landing
    choice, crew, detection, detecting force, flight). The numpy definition `resolve` is held
    equal to."""
    span = sea.crew_max - sea.crew_min + 1
    crew = sea.crew_min + np.minimum((rows[:, 1] * span).astype(int), span - 1)
    detect, pick, flee = rows[:, 2], rows[:, 3], rows[:, 4]

    tracks = lanes.track_km[landing]
    odds = exposure(tracks, sea.vessel_speed_kmh, search_rates)
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
    stopped_in = np.argmax(tracks * search_rates[force], axis=1)
    chased = detected & ~strike & (force != FORCES.index("semar")) & lanes.zone_mexican[stopped_in]
    fled = chased & (flee < flee_share)
    taken = fled & (flee < flee_share * cooperation)
    force = np.where(taken, FORCES.index("semar"), force)
    detected &= ~(fled & ~taken)
    fate = np.where(detected, np.where(strike, 2, 1), 0)
    return sea_month(
        lanes.landing_basin[landing],
        landing,
        crew,
        fate,
        np.where(detected, force, -1),
        np.where(detected, stopped_in, -1),
        danger,
        strike_danger,
        np.bincount(landing[fate == 0], minlength=lanes.landing_cell.size),
        tracks.sum(axis=0),
    )


def sea_month(
    basin: np.ndarray,
    landing: np.ndarray,
    crew: np.ndarray,
    fate: np.ndarray,
    force: np.ndarray,
    zone: np.ndarray,
    danger: np.ndarray,
    strike_danger: np.ndarray,
    landed_at: np.ndarray,
    km_per_zone: np.ndarray,
) -> SeaMonth:
    """The month's vessels with their counts and mean dangers per basin. The vessels come grouped
    by basin, in BASINS order (`Vessels.launch`): a basin's are a slice."""
    bounds = np.searchsorted(basin, [*BASINS, max(BASINS) + 1])
    slices = [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]

    def per_basin(mask: np.ndarray) -> np.ndarray:
        return np.array([np.count_nonzero(mask[part]) for part in slices])

    def mean_per_basin(values: np.ndarray) -> np.ndarray:
        return np.array([values[part].mean() if values[part].size else 0.0 for part in slices])

    return SeaMonth(
        basin=basin,
        landing=landing,
        crew=crew,
        fate=fate,
        force=force,
        zone=zone,
        launched=per_basin(np.ones(landing.size, bool)),
        landed=per_basin(fate == 0),
        seized=per_basin(fate == 1),
        struck=per_basin(fate == 2),
        loss_danger=mean_per_basin(danger),
        strike_danger=mean_per_basin(strike_danger),
        landed_at=landed_at,
        km_per_zone=km_per_zone,
    )


@njit(cache=True)
def _resolve(
    landing,
    rows,
    track_km,
    speed,
    rates,
    crew_min,
    crew_max,
    striking,
    zone_mexican,
    flee_share,
    cooperation,
    landing_basin,
):
    """`resolve_reference` vessel by vessel (sums in zone order: equal to rounding)."""
    n, zones = landing.size, track_km.shape[1]
    forces = rates.shape[0]
    navy, semar = 0, 2  # FORCES order
    span = crew_max - crew_min + 1
    basin = np.empty(n, np.int64)
    crew, fate = np.empty(n, np.int64), np.empty(n, np.int64)
    force_of, zone_of = np.empty(n, np.int64), np.empty(n, np.int64)
    danger, strike_danger = np.empty(n), np.empty(n)
    odds = np.empty(forces)
    landed_at = np.zeros(track_km.shape[0], np.int64)
    km_per_zone = np.zeros(zones)
    for v in range(n):
        cell = landing[v]
        basin[v] = landing_basin[cell]
        crew[v] = crew_min + min(int(rows[v, 1] * span), span - 1)
        total = 0.0
        for f in range(forces):
            odds[f] = 0.0
            for z in range(zones):
                odds[f] += track_km[cell, z] / speed * rates[f, z]
            total += odds[f]
        danger[v] = -np.expm1(-total)
        detected = rows[v, 2] < danger[v]
        divisor = total if total > 0 else 1.0
        force, cumulative = 0, 0.0
        for f in range(forces):
            cumulative += odds[f]
            if rows[v, 3] >= cumulative / divisor:
                force += 1
        force = min(force, forces - 1)
        strike = force == navy and striking
        navy_share = odds[navy] / total if total > 0 else 0.0
        strike_danger[v] = danger[v] * navy_share * striking
        stopped_in, best = 0, -np.inf
        for z in range(zones):
            km_per_zone[z] += track_km[cell, z]
            if track_km[cell, z] * rates[force, z] > best:
                best, stopped_in = track_km[cell, z] * rates[force, z], z
        chased = detected and not strike and force != semar and zone_mexican[stopped_in]
        fled = chased and rows[v, 4] < flee_share
        taken = fled and rows[v, 4] < flee_share * cooperation
        if taken:
            force = semar
        if fled and not taken:
            detected = False
        fate[v] = (2 if strike else 1) if detected else 0
        force_of[v] = force if detected else -1
        zone_of[v] = stopped_in if detected else -1
        if fate[v] == 0:
            landed_at[cell] += 1
    return basin, crew, fate, force_of, zone_of, danger, strike_danger, landed_at, km_per_zone


def resolve(
    landing: np.ndarray,  # grouped by basin, in BASINS order
    rows: np.ndarray,
    lanes: SeaLanes,
    sea: Sea,
    search_rates: np.ndarray,
    posture: int,
    flee_share: float,
    cooperation: float,
) -> SeaMonth:
    """Compiled form of `resolve_reference`: the fate of each vessel bound for `landing`."""
    basin, crew, fate, force, zone, danger, strike_danger, landed_at, km = _resolve(
        landing,
        rows,
        lanes.track_km,
        float(sea.vessel_speed_kmh),
        search_rates,
        sea.crew_min,
        sea.crew_max,
        posture == STRIKES,
        lanes.zone_mexican,
        float(flee_share),
        float(cooperation),
        lanes.landing_basin,
    )
    return sea_month(basin, landing, crew, fate, force, zone, danger, strike_danger, landed_at, km)
