"""Random search (Koopman): a vessel crossing patrolled water is found with
p = 1 − exp(−Σ_u W·V·T_u / A_u), W the sweep width of unit u with its aircraft, V its speed, A the
area of its zone and T_u the hours the vessel spends in that zone while the unit is on station."""

from __future__ import annotations

import numpy as np

DAYS_PER_MONTH = 30


def duty_share(days_on_station: float) -> float:
    """The share of the month a unit is on station."""
    return min(days_on_station, DAYS_PER_MONTH) / DAYS_PER_MONTH


def search_rate(
    unit_zone: np.ndarray,
    sweep_width_km: float,
    speed_kmh: float,
    duty: float,
    zone_area_km2: np.ndarray,
) -> np.ndarray:
    """Per zone, the exposure one hour of a vessel's transit there adds: Σ_u W V duty / A over
    the units in the zone."""
    units = np.bincount(unit_zone, minlength=zone_area_km2.size)
    return units * sweep_width_km * speed_kmh * duty / zone_area_km2


def exposure(track_km: np.ndarray, vessel_speed_kmh: float, search_rates: np.ndarray) -> np.ndarray:
    """(vessels, forces) exposure of each track (km per zone) to each force's search."""
    hours = track_km / vessel_speed_kmh
    return hours @ search_rates.T


def detection_probability(exposure: np.ndarray) -> np.ndarray:
    """p = 1 − exp(−exposure)."""
    return -np.expm1(-exposure)
