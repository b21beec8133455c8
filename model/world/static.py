"""The static world of one resolution, built once per process and shared read-only by every model
built in it (and every run of a sweep worker): the grid, the sea lanes, the road graph and its
crossings, and the census pattern of people per cell."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from mxstab.model.world.grid import Grid, check_resolution, load_grid
from mxstab.model.world.population import cell_population
from mxstab.model.world.roads import RoadGraph, road_graph
from mxstab.model.world.sea import SeaLanes, sea_lanes


@dataclass(frozen=True)
class World:
    grid: Grid
    lanes: SeaLanes
    roads: RoadGraph
    crossings: np.ndarray  # road-graph nodes of the US border crossings
    census: np.ndarray  # people per cell, 2020 census, spread by places and land area


@cache
def static_world(resolution: float) -> World:
    resolution = check_resolution(resolution)
    grid = load_grid(resolution)
    roads = road_graph(resolution)
    crossings = roads.crossing_nodes(grid)
    crossings.flags.writeable = False
    return World(grid, sea_lanes(resolution), roads, crossings, cell_population(resolution))


def clear_caches() -> None:
    """Forget every built world (for benchmarks that time a cold build)."""
    for cached in (static_world, load_grid, sea_lanes, road_graph, cell_population):
        cached.cache_clear()
