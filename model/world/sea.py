"""The sea: where vessels enter, and which water they cross to each landing.

Pacific vessels enter at the south edge of the domain (the transit zone west of Central America),
Caribbean ones at its east edge between 16° and 21.5° N (the Yucatán channel and the sea east of
it; docs/ODD.md). A vessel bound for a landing cell (Mexican land on that basin's coast) sails the
shortest sea path from its basin's entry edge; the sea is cut into patrol zones of `ZONE_DEGREES`
squares per basin, and each track is stored as the kilometres it sails in each zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from mxstab.model.world.grid import BBOX, Grid, load_grid
from mxstab.model.world.neighbours import MOORE, moore_any, moore_graph

PACIFIC, CARIBBEAN = 1, 2  # grid basin codes (the Caribbean code covers the Gulf of Mexico)
BASINS = {PACIFIC: "pacific", CARIBBEAN: "caribbean"}
ZONE_DEGREES = 2.0
CARIBBEAN_ENTRY_LAT = (16.0, 21.5)


@dataclass(frozen=True)
class SeaLanes:
    """Patrol zones and vessel tracks of one resolution."""

    zone: np.ndarray  # zone id of each raster cell, -1 on land
    zone_basin: np.ndarray  # basin code of each zone
    zone_area_km2: np.ndarray
    zone_mexican: np.ndarray  # the zone touches Mexico's coast (SEMAR's water)
    zone_lat: np.ndarray  # centre of each zone's water, for maps
    zone_lon: np.ndarray
    landing_cell: np.ndarray  # flat raster index of each landing cell
    landing_basin: np.ndarray
    track_km: np.ndarray  # (landings, zones): km sailed in each zone on the way to the landing

    @property
    def zones(self) -> int:
        return self.zone_basin.size

    @cached_property
    def basin_landings(self) -> dict[int, np.ndarray]:
        """The landings of each basin (indices into `landing_cell`), found once per lanes."""
        return {basin: np.flatnonzero(self.landing_basin == basin) for basin in BASINS}

    @staticmethod
    def of(grid: Grid) -> SeaLanes:
        zone, zone_basin = patrol_zones(grid)
        zones = zone_basin.size
        sea = zone >= 0
        area = np.bincount(zone[sea], weights=grid.area_km2[sea], minlength=zones)
        lat, lon = np.meshgrid(grid.lat, grid.lon, indexing="ij")
        cells = np.bincount(zone[sea], minlength=zones)
        centre_lat = np.bincount(zone[sea], weights=lat[sea], minlength=zones) / cells
        centre_lon = np.bincount(zone[sea], weights=lon[sea], minlength=zones) / cells
        coast = grid.coast_pacific | grid.coast_gulf
        near_mexico = sea & moore_any(coast)
        mexican = np.zeros(zones, bool)
        mexican[np.unique(zone[near_mexico])] = True
        landings, basins, tracks = [], [], []
        for basin, flag in ((PACIFIC, grid.coast_pacific), (CARIBBEAN, grid.coast_gulf)):
            landing = np.flatnonzero(flag.ravel())
            landings.append(landing)
            basins.append(np.full(landing.size, basin))
            tracks.append(basin_tracks(grid, basin, zone, zones, landing))
        return SeaLanes(
            zone,
            zone_basin,
            area,
            mexican,
            centre_lat,
            centre_lon,
            np.concatenate(landings),
            np.concatenate(basins),
            np.vstack(tracks),
        )


@cache
def sea_lanes(resolution: float) -> SeaLanes:
    return SeaLanes.of(load_grid(resolution))


def patrol_zones(grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Zone id per sea cell: one per `ZONE_DEGREES` square and basin; -1 elsewhere."""
    rows = ((grid.lat - BBOX["lat_min"]) // ZONE_DEGREES).astype(int)
    cols = ((grid.lon - BBOX["lon_min"]) // ZONE_DEGREES).astype(int)
    square = rows[:, None] * (cols.max() + 1) + cols[None, :]
    key = np.where(grid.basin > 0, square * 3 + grid.basin, -1)
    used = np.unique(key[key >= 0])
    zone = np.where(key >= 0, np.searchsorted(used, key), -1)
    return zone, (used % 3).astype(np.int64)


def entry_cells(grid: Grid, basin: int) -> np.ndarray:
    """Flat indices where a basin's vessels enter the domain."""
    edge = np.zeros(grid.shape, bool)
    if basin == PACIFIC:
        edge[0, :] = True
    else:
        lo, hi = CARIBBEAN_ENTRY_LAT
        edge[(grid.lat >= lo) & (grid.lat <= hi), -1] = True
    return np.flatnonzero((edge & (grid.basin == basin)).ravel())


def basin_tracks(
    grid: Grid, basin: int, zone: np.ndarray, zones: int, landing: np.ndarray
) -> np.ndarray:
    """Km per zone of the shortest sea path from the basin's entry edge to each landing cell
    (its last leg ends in the landing's nearest-to-entry sea neighbour)."""
    moore = moore_graph(grid.basin == basin, grid.lat, grid.lon)
    cells, node = moore.cells, moore.node
    graph = sparse.csr_matrix(
        (moore.length_km, (moore.tail, moore.head)), shape=(cells.size, cells.size)
    )
    sources = node[entry_cells(grid, basin)]
    dist, pred, _ = csgraph.dijkstra(
        graph, indices=sources, min_only=True, return_predecessors=True
    )
    last = nearest_sea_node(landing, node, dist, grid.shape)
    track = np.zeros((landing.size, zones))
    zone_of_node = zone.ravel()[cells]
    while True:
        previous = np.where(last >= 0, pred[np.maximum(last, 0)], -1)
        walking = np.flatnonzero(previous >= 0)
        if walking.size == 0:
            return track
        here, there = last[walking], previous[walking]
        track[walking, zone_of_node[here]] += dist[here] - dist[there]
        last = previous


def nearest_sea_node(
    landing: np.ndarray, node: np.ndarray, dist: np.ndarray, shape: tuple[int, int]
) -> np.ndarray:
    """Each landing's Moore neighbour in the basin's water closest to the entry (first in MOORE
    order on a tie; -1 if none is reachable)."""
    rows, cols = shape
    r, c = np.divmod(landing, cols)
    candidates = np.full((landing.size, len(MOORE)), -1)
    for k, (dr, dc) in enumerate(MOORE):
        rr, cc = r + dr, c + dc
        inside = (rr >= 0) & (rr < rows) & (cc >= 0) & (cc < cols)
        candidates[inside, k] = node[rr[inside] * cols + cc[inside]]
    far = np.where(candidates >= 0, dist[np.maximum(candidates, 0)], np.inf)
    best = far.argmin(axis=1)
    chosen = candidates[np.arange(landing.size), best]
    return np.where(np.isfinite(far.min(axis=1)), chosen, -1)
