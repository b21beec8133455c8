"""Vessels: this month's maritime cocaine shipments (go-fasts, semi-submersibles) as one
vectorised agent set.

Each month the set is the vessels the traffickers launch: the count per basin is a Poisson draw
by inversion of one uniform per basin; each vessel then draws its row (landing, crew, detection,
detecting force, flight) from a stream of its basin and month, so two runs of one seed share every
vessel they both launch (common random numbers). The vessels sail and meet their fate
(`rules.interdiction`): landed, seized, or struck.
"""

from __future__ import annotations

import mesa
import numpy as np

from mxstab.model.rules.interdiction import SeaMonth, resolve
from mxstab.model.rules.kernels import poisson_counts
from mxstab.model.streams import stream
from mxstab.model.world.sea import BASINS

VESSEL_DRAWS = 5  # landing, crew, detection, detecting force, flight


class Vessels:
    """The month's shipments and what became of them."""

    def __init__(self, model: mesa.Model) -> None:
        self.model = model
        self.at_sea: SeaMonth | None = None

    @property
    def count(self) -> int:
        return 0 if self.at_sea is None else self.at_sea.landing.size

    def launch(self, means: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each vessel's landing cell and its row of uniforms."""
        model = self.model
        lanes = model.lanes
        uniform = model.streams["maritime"].random((1, len(BASINS)))
        counts = poisson_counts(uniform, means[None, :], np.empty_like(uniform))[0]
        landing, draws = [], []
        for basin, count in zip(BASINS, counts.astype(int), strict=True):
            rows = stream(model.seed, f"vessels:{basin}:{model.month}").random(
                (count, VESSEL_DRAWS)
            )
            mine = lanes.basin_landings[basin]
            cumulative = np.cumsum(weights[mine])
            pick = np.searchsorted(cumulative, rows[:, 0] * cumulative[-1], side="right")
            landing.append(mine[np.minimum(pick, mine.size - 1)])
            draws.append(rows)
        return np.concatenate(landing).astype(np.int64), np.vstack(draws)

    def sail(self, means: np.ndarray, weights: np.ndarray, search_rates: np.ndarray) -> SeaMonth:
        """Launch, cross, and meet a fate."""
        model = self.model
        landing, rows = self.launch(means, weights)
        self.at_sea = resolve(
            landing,
            rows,
            model.lanes,
            model.config.sea,
            search_rates,
            model.us.maritime_posture,
            model.config.enforcement.flee_share,
            model.mexico.cooperation,
        )
        return self.at_sea

    def stopped(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(fate, lat, lon) of this month's stopped vessels, in launch order: each at the centre
        of the zone where it was stopped."""
        if self.at_sea is None:
            return np.zeros(0, int), np.zeros(0), np.zeros(0)
        lanes = self.model.lanes
        stopped = self.at_sea.fate > 0
        zone = self.at_sea.zone[stopped]
        return self.at_sea.fate[stopped], lanes.zone_lat[zone], lanes.zone_lon[zone]
