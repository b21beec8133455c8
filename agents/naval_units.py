"""NavalUnit: a US Navy, US Coast Guard or Mexican Navy (SEMAR) ship with its aircraft; and the
Navy, the units of all three forces with the planners' picture of where traffic runs.

Units patrol where traffic is expected: each month, in turn, a unit takes the zone of its basin
with the most expected vessel-kilometres per unit already there (SEMAR only in zones touching
Mexico's coast). A basin's approach leg carries all its traffic over its longest stretch, so US
units patrol there first, far south of Mexico, where the record's seizures and strikes were. US
units stand down when the maritime posture is "none", and stay longer on station when Mexico lets
them resupply in its ports (cooperation). The planners' expected traffic is an exponential
average of the tracks sailed.
"""

from __future__ import annotations

import mesa
import numpy as np

from mxstab.model.config import Navy as NavyLevers
from mxstab.model.rules.detection import duty_share, search_rate
from mxstab.model.rules.interdiction import FORCES, US_FORCES, SeaMonth
from mxstab.model.world.sea import BASINS


class NavalUnit(mesa.Agent):
    """One ship on patrol in a zone of one basin."""

    def __init__(self, model: mesa.Model, force: str, basin: int) -> None:
        super().__init__(model)
        self.force = force
        self.basin = basin
        self.zone = -1
        lanes = model.lanes
        allowed = lanes.zone_basin == basin  # SEMAR patrols Mexico's water only
        if force == "semar":
            allowed &= lanes.zone_mexican
        self.allowed = np.flatnonzero(allowed)

    def take_station(self, expected_km: np.ndarray, assigned: np.ndarray, posture: int) -> None:
        """The zone of its basin with the most expected traffic per unit already there (none when
        off station); `assigned` counts the units placed before it."""
        on_station = self.force not in US_FORCES or posture > 0
        if not on_station or not self.allowed.size:
            self.zone = -1
            return
        score = expected_km[self.allowed] / (1 + assigned[self.allowed])
        self.zone = int(self.allowed[np.argmax(score)])
        assigned[self.zone] += 1


class Navy:
    """The naval units at sea and where their planners expect traffic."""

    def __init__(self, model: mesa.Model, expected_km: np.ndarray) -> None:
        self.model = model
        self.units: list[NavalUnit] = []
        self.expected_km = expected_km
        self.commission(model.config.navy)

    def commission(self, navy: NavyLevers) -> None:
        """The units the levers list, per force and basin (replacing any already at sea)."""
        for unit in self.units:
            unit.remove()
        self.units = [
            NavalUnit(self.model, force, basin)
            for force in FORCES
            for basin, name in BASINS.items()
            for _ in range(getattr(navy, f"{force}_{name}"))
        ]

    def deploy(self) -> None:
        """Every unit on station, in commissioning order, greedily by expected traffic."""
        assigned = np.zeros(self.model.lanes.zones)
        posture = self.model.us.maritime_posture
        for unit in self.units:
            unit.take_station(self.expected_km, assigned, posture)

    def search_rates(self) -> np.ndarray:
        """(forces, zones): exposure added per hour a vessel spends in a zone, by force."""
        model = self.model
        navy, sea = model.config.navy, model.config.sea
        resupplied = navy.days_on_station + navy.resupply_days * model.mexico.cooperation
        zones: dict[str, list[int]] = {force: [] for force in FORCES}
        for unit in self.units:
            if unit.zone >= 0:
                zones[unit.force].append(unit.zone)
        return np.array(
            [
                search_rate(
                    np.array(zones[force], dtype=np.int64),
                    sea.sweep_width_km if force in US_FORCES else sea.semar_sweep_width_km,
                    sea.unit_speed_kmh,
                    duty_share(resupplied if force in US_FORCES else navy.days_on_station),
                    model.lanes.zone_area_km2,
                )
                for force in FORCES
            ]
        )

    def learn(self, month: SeaMonth) -> None:
        """Planners update where traffic runs."""
        memory = self.model.config.sea.risk_memory
        self.expected_km = (1 - memory) * self.expected_km + memory * month.km_per_zone
