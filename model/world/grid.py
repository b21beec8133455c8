"""The lat/lon raster over Mexico and its seas, loaded from the committed `.npz` with numpy alone.

Rasters are (rows = latitude from the south edge, cols = longitude); flat cell indices are
row-major (`row * cols + col`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from mxstab.model.data import DATA_DIR

BBOX = {"lat_min": 14.0, "lat_max": 33.0, "lon_min": -118.0, "lon_max": -86.0}
RESOLUTIONS = (0.25, 0.1)
COUNTRIES = {"sea": 0, "MX": 1, "US": 2, "GT": 3, "BZ": 4, "other": 5}
BASINS = {"none": 0, "pacific": 1, "gulf": 2}
EARTH_RADIUS_KM = 6371.0088


def cell_area_km2(lat_centre: np.ndarray, resolution: float) -> np.ndarray:
    """Exact area of a lat/lon cell on the sphere: R² Δλ (sin φ₂ − sin φ₁)."""
    half = np.radians(resolution) / 2
    phi = np.radians(lat_centre)
    return EARTH_RADIUS_KM**2 * np.radians(resolution) * (np.sin(phi + half) - np.sin(phi - half))


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km between points given in degrees (broadcasts)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dlmb = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def check_resolution(resolution: float) -> float:
    """Return the resolution as one of RESOLUTIONS or raise ValueError naming the allowed values."""
    for allowed in RESOLUTIONS:
        if abs(float(resolution) - allowed) < 1e-9:
            return allowed
    allowed_text = ", ".join(str(r) for r in RESOLUTIONS)
    raise ValueError(f"resolution must be one of {allowed_text} (degrees), got {resolution}")


def grid_path(resolution: float, data_dir: Path = DATA_DIR) -> Path:
    return data_dir / f"grid_{check_resolution(resolution)}.npz"


@dataclass(frozen=True)
class Point:
    name: str
    kind: str
    state: int
    row: int
    col: int


@dataclass(frozen=True)
class Grid:
    """Static geography of one resolution: per-cell rasters and the snapped points."""

    resolution: float
    lat: np.ndarray
    lon: np.ndarray
    country: np.ndarray
    state: np.ndarray
    basin: np.ndarray
    land_fraction: np.ndarray
    coast_pacific: np.ndarray
    coast_gulf: np.ndarray
    border_us: np.ndarray
    border_south: np.ndarray
    area_km2: np.ndarray
    places_population: np.ndarray
    points: tuple[Point, ...]

    @property
    def shape(self) -> tuple[int, int]:
        return self.state.shape

    @property
    def mexico(self) -> np.ndarray:
        """Mask of Mexican land cells (the model's municipalities)."""
        return self.state > 0

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """(lon_min, lon_max, lat_min, lat_max) for matplotlib's imshow with origin='lower'."""
        return (BBOX["lon_min"], BBOX["lon_max"], BBOX["lat_min"], BBOX["lat_max"])


@cache
def load_grid(resolution: float) -> Grid:
    """Load the grid of one resolution (0.25 or 0.1 degrees); arrays are read-only."""
    with np.load(grid_path(resolution)) as npz:
        arrays = {key: npz[key] for key in npz.files}
    for array in arrays.values():
        array.flags.writeable = False
    points = tuple(
        Point(str(n), str(k), int(s), int(r), int(c))
        for n, k, s, r, c in zip(
            arrays.pop("point_name"),
            arrays.pop("point_kind"),
            arrays.pop("point_state"),
            arrays.pop("point_row"),
            arrays.pop("point_col"),
            strict=True,
        )
    )
    return Grid(resolution=float(arrays.pop("resolution")), points=points, **arrays)


@cache
def load_outlines() -> dict[str, np.ndarray]:
    """State and neighbouring-country outlines as NaN-separated (lon, lat) paths."""
    with np.load(DATA_DIR / "outlines.npz") as npz:
        return {key: npz[key] for key in npz.files}
