"""NavalUnit: a US Navy, US Coast Guard or Mexican Navy (SEMAR) ship with its aircraft.

Units patrol where traffic is expected: each month, in turn, a unit takes the zone of its basin
with the most expected vessel-kilometres per unit already there (SEMAR only in zones touching
Mexico's coast). US units stand down when the maritime posture is "none", and stay longer on
station when Mexico lets them resupply in its ports (cooperation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from mxstab.model.maritime import BASINS, search_rate

if TYPE_CHECKING:
    from mxstab.model.model import MxStabModel

FORCES = ("us_navy", "coast_guard", "semar")
US_FORCES = ("us_navy", "coast_guard")


class NavalUnit(mesa.Agent):
    """One ship on patrol in a zone of one basin."""

    def __init__(self, model: MxStabModel, force: str, basin: int) -> None:
        super().__init__(model)
        self.force = force
        self.basin = basin
        self.zone = -1

    @property
    def on_station(self) -> bool:
        return self.force not in US_FORCES or self.model.us.maritime_posture > 0

    @staticmethod
    def commission(model: MxStabModel) -> None:
        """The units the config lists, per force and basin (replacing any already at sea)."""
        for unit in list(model.agents_by_type.get(NavalUnit, [])):
            unit.remove()
        navy = model.config.navy
        for force in FORCES:
            for basin, name in BASINS.items():
                for _ in range(getattr(navy, f"{force}_{name}")):
                    NavalUnit(model, force, basin)

    @staticmethod
    def deploy(model: MxStabModel, expected_km: np.ndarray) -> None:
        """Place every unit on station, in creation order, greedily by expected traffic."""
        lanes = model.lanes
        assigned = np.zeros(lanes.zones)
        for unit in model.agents_by_type.get(NavalUnit, []):
            allowed = lanes.zone_basin == unit.basin
            if unit.force == "semar":
                allowed &= lanes.zone_mexican
            if not unit.on_station or not allowed.any():
                unit.zone = -1
                continue
            score = np.where(allowed, expected_km / (1 + assigned), -np.inf)
            unit.zone = int(np.argmax(score))
            assigned[unit.zone] += 1

    @staticmethod
    def search_rates(model: MxStabModel) -> np.ndarray:
        """(forces, zones): exposure added per hour a vessel spends in a zone, by force."""
        navy, sea = model.config.navy, model.config.sea
        resupplied = navy.days_on_station + navy.resupply_days * model.mexico.cooperation
        duty = {
            force: min(resupplied if force in US_FORCES else navy.days_on_station, 30) / 30
            for force in FORCES
        }
        zones: dict[str, list[int]] = {force: [] for force in FORCES}
        for unit in model.agents_by_type.get(NavalUnit, []):
            if unit.zone >= 0:
                zones[unit.force].append(unit.zone)
        return np.array(
            [
                search_rate(
                    np.array(zones[force], dtype=np.int64),
                    sea.sweep_width_km,
                    sea.unit_speed_kmh,
                    duty[force],
                    model.lanes.zone_area_km2,
                )
                for force in FORCES
            ]
        )
