"""The land graph the loads travel on: each Mexican land cell joined to its Moore neighbours, an
edge as long as the great circle between the two cells' centres, and the US border crossings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np
from scipy import sparse

from mxstab.model.world.grid import Grid, load_grid
from mxstab.model.world.neighbours import moore_graph


@dataclass(frozen=True)
class RoadGraph:
    """CSR structure of the land graph: nodes are Mexican cells in raster order."""

    cells: np.ndarray  # flat raster index of each node
    node: np.ndarray  # node id of each raster cell, -1 off Mexican land
    tail: np.ndarray  # edge e goes tail[e] → head[e], both node ids
    head: np.ndarray
    length_km: np.ndarray

    @property
    def nodes(self) -> int:
        return self.cells.size

    @staticmethod
    def of(grid: Grid) -> RoadGraph:
        moore = moore_graph(grid.mexico, grid.lat, grid.lon)
        order = np.lexsort((moore.head, moore.tail))
        return RoadGraph(
            moore.cells, moore.node, moore.tail[order], moore.head[order], moore.length_km[order]
        )

    def crossing_nodes(self, grid: Grid) -> np.ndarray:
        """Node ids of the US border crossings."""
        cols = grid.shape[1]
        return np.array(
            [self.node[p.row * cols + p.col] for p in grid.points if p.kind == "border_crossing"]
        )

    def edge_costs(self, cost_factor: np.ndarray) -> np.ndarray:
        """Edge cost = length × mean of the two cells' cost factors (a raster)."""
        factor = cost_factor.ravel()[self.cells]
        return self.length_km * (factor[self.tail] + factor[self.head]) / 2

    @cached_property
    def row_starts(self) -> np.ndarray:
        """Where each node's edges start: the edges are sorted by (tail, head), so CSR as is."""
        return np.searchsorted(self.tail, np.arange(self.nodes + 1))

    def matrix(self, weights: np.ndarray) -> sparse.csr_matrix:
        shape = (self.nodes, self.nodes)
        return sparse.csr_matrix((weights, self.head, self.row_starts), shape=shape)


@cache
def road_graph(resolution: float) -> RoadGraph:
    return RoadGraph.of(load_grid(resolution))
