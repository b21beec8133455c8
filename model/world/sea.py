"""The sea: where vessels leave South America, and which water they cross to each landing.

A basin's route has two legs. The approach leg runs from its departure coast (Colombia's Pacific
coast for the Eastern Pacific, La Guajira for the Caribbean) to the map's edge: it lies outside
the map and is one patrol zone of its own, as large as the box of water it crosses. Inside the
map, Pacific vessels cross its south edge (the transit zone west of Central America) and Caribbean
ones its east edge between 16° and 21.5° N (the Yucatán channel and the sea east of it); the sea
there is cut into patrol zones of `ZONE_DEGREES` squares per basin. A vessel bound for a landing
cell (Mexican land on that basin's coast) sails the shortest route from its departure point,
crossing the edge where that route is shortest, and each track is stored as the kilometres it
sails in each zone (docs/ODD.md). Together the two legs are the model's area for interdiction:
the transit zone where the record's seizures and strikes took place.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from mxstab.model.world.grid import BBOX, EARTH_RADIUS_KM, Grid, haversine_km, load_grid
from mxstab.model.world.neighbours import MOORE, moore_any, moore_graph

PACIFIC, CARIBBEAN = 1, 2  # grid basin codes (the Caribbean code covers the Gulf of Mexico)
BASINS = {PACIFIC: "pacific", CARIBBEAN: "caribbean"}
ZONE_DEGREES = 2.0
CARIBBEAN_ENTRY_LAT = (16.0, 21.5)


@dataclass(frozen=True)
class Approach:
    """A basin's leg outside the map: its departure point and the box of water it crosses."""

    departure: tuple[float, float]  # (lat, lon)
    lat: tuple[float, float]
    lon: tuple[float, float]

    @property
    def area_km2(self) -> float:
        """The box's area on the sphere (land inside it, a tenth or so, is not taken out)."""
        (south, north), (west, east) = self.lat, self.lon
        band = np.sin(np.radians(north)) - np.sin(np.radians(south))
        return float(EARTH_RADIUS_KM**2 * np.radians(east - west) * band)


# Departure points and boxes are assumptions: the coasts the counterdrug community names as the
# origins of the eastern Pacific and western Caribbean routes (ONDCP, Cocaine Smuggling in 2006),
# boxes spanning the water between them and the map's edge.
APPROACHES = {
    PACIFIC: Approach(departure=(1.8, -78.8), lat=(0.0, 14.0), lon=(-110.0, -77.0)),  # Tumaco
    CARIBBEAN: Approach(departure=(11.8, -72.0), lat=(9.0, 21.5), lon=(-86.0, -70.0)),  # La Guajira
}


@dataclass(frozen=True)
class SeaLanes:
    """Patrol zones and vessel tracks of one resolution."""

    zone: np.ndarray  # zone id of each raster cell, -1 on land
    zone_basin: np.ndarray  # basin code of each zone
    zone_area_km2: np.ndarray
    zone_mexican: np.ndarray  # the zone touches Mexico's coast (SEMAR's water)
    zone_lat: np.ndarray  # centre of each zone's water (an approach: where it meets the map)
    zone_lon: np.ndarray
    zone_approach: np.ndarray  # the zone is a basin's approach leg, outside the map
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
        mapped = zone_basin.size
        approach_zone = {basin: mapped + k for k, basin in enumerate(APPROACHES)}
        zones = mapped + len(APPROACHES)
        sea = zone >= 0
        area = np.bincount(zone[sea], weights=grid.area_km2[sea], minlength=zones)
        lat, lon = np.meshgrid(grid.lat, grid.lon, indexing="ij")
        cells = np.bincount(zone[sea], minlength=zones)
        centre_lat = np.bincount(zone[sea], weights=lat[sea], minlength=zones) / cells.clip(1)
        centre_lon = np.bincount(zone[sea], weights=lon[sea], minlength=zones) / cells.clip(1)
        coast = grid.coast_pacific | grid.coast_gulf
        near_mexico = sea & moore_any(coast)
        mexican = np.zeros(zones, bool)
        mexican[np.unique(zone[near_mexico])] = True
        landings, basins, tracks = [], [], []
        for basin, flag in ((PACIFIC, grid.coast_pacific), (CARIBBEAN, grid.coast_gulf)):
            landing = np.flatnonzero(flag.ravel())
            landings.append(landing)
            basins.append(np.full(landing.size, basin))
            track, entry = basin_tracks(grid, basin, zone, zones, approach_zone[basin], landing)
            tracks.append(track)
            here = approach_zone[basin]
            area[here] = APPROACHES[basin].area_km2
            centre_lat[here] = lat.ravel()[entry].mean()
            centre_lon[here] = lon.ravel()[entry].mean()
        basin_of_zone = np.concatenate([zone_basin, list(APPROACHES)])
        return SeaLanes(
            zone,
            basin_of_zone,
            area,
            mexican,
            centre_lat,
            centre_lon,
            np.arange(zones) >= mapped,
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
    grid: Grid, basin: int, zone: np.ndarray, zones: int, approach_zone: int, landing: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Km per zone of the shortest route from the basin's departure point to each landing cell
    (its last leg ends in the landing's nearest-to-departure sea neighbour), and the edge cell
    where each route enters the map. The approach leg is a great circle from the departure point
    to an entry cell on the map's edge; a virtual node at the departure point, joined to every
    entry cell by that leg, lets one Dijkstra find the best entry for each landing."""
    moore = moore_graph(grid.basin == basin, grid.lat, grid.lon)
    cells, node = moore.cells, moore.node
    departure = cells.size  # the virtual node
    entries = entry_cells(grid, basin)
    rows, cols = np.divmod(entries, grid.shape[1])
    approach_km = haversine_km(*APPROACHES[basin].departure, grid.lat[rows], grid.lon[cols])
    tails = np.concatenate([moore.tail, np.full(entries.size, departure)])
    heads = np.concatenate([moore.head, node[entries]])
    lengths = np.concatenate([moore.length_km, approach_km])
    graph = sparse.csr_matrix((lengths, (tails, heads)), shape=(cells.size + 1, cells.size + 1))
    dist, pred = csgraph.dijkstra(graph, indices=departure, return_predecessors=True)
    last = nearest_sea_node(landing, node, dist, grid.shape)
    track = np.zeros((landing.size, zones))
    zone_of_node = zone.ravel()[cells]
    entry = np.full(landing.size, -1)
    while True:
        previous = np.where(last >= 0, pred[np.maximum(last, 0)], -1)
        walking = np.flatnonzero(previous >= 0)
        if walking.size == 0:
            return track, entry[entry >= 0]
        here, there = last[walking], previous[walking]
        entered = there == departure  # the leg from the departure point to the map's edge
        leg_zone = np.where(entered, approach_zone, zone_of_node[here])
        track[walking, leg_zone] += dist[here] - dist[there]
        entry[walking[entered]] = cells[here[entered]]
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
