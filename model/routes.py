"""Land routes to the US border (Dell 2015): least-cost paths on the grid, flows split by a logit.

The graph joins each Mexican land cell to its Moore neighbours; an edge costs its great-circle
length times the mean of its two cells' cost factors (the model adds `routes.rival_cost` on fronts
between rivals; an enforcement term joins with the policy levers), so a crackdown raises cost and
diverts flow (the land balloon). The graph is symmetric, so `scipy.sparse.csgraph.dijkstra` run
from each crossing gives every cell's path to it; a numba Dijkstra was
measured against it (`mxstab.model.routes.dijkstra_numba`, see docs/performance.md) and scipy kept
unless the numba one is at least twice as fast. Each source sends its load to the crossings by a
logit in path cost; the load then runs down each crossing's shortest-path tree.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from functools import cache

import numpy as np
from numba import njit
from scipy import sparse
from scipy.sparse import csgraph

from mxstab.model.grid import Grid, haversine_km, load_grid
from mxstab.model.kernels import MOORE


@dataclass(frozen=True)
class RoadGraph:
    """CSR structure of the land graph: nodes are Mexican cells in raster order."""

    cells: np.ndarray  # flat raster index of each node
    tail: np.ndarray  # edge e goes tail[e] → head[e], both node ids
    head: np.ndarray
    length_km: np.ndarray

    @property
    def nodes(self) -> int:
        return self.cells.size

    @staticmethod
    def of(grid: Grid) -> RoadGraph:
        rows, cols = grid.shape
        node = np.full(rows * cols, -1, np.int64)
        cells = np.flatnonzero(grid.mexico.ravel())
        node[cells] = np.arange(cells.size)
        r, c = np.divmod(cells, cols)
        tails, heads, lengths = [], [], []
        for dr, dc in MOORE:
            rr, cc = r + dr, c + dc
            inside = (rr >= 0) & (rr < rows) & (cc >= 0) & (cc < cols)
            target = np.full(cells.size, -1)
            target[inside] = node[rr[inside] * cols + cc[inside]]
            ok = target >= 0
            tails.append(np.flatnonzero(ok))
            heads.append(target[ok])
            lengths.append(
                haversine_km(grid.lat[r[ok]], grid.lon[c[ok]], grid.lat[rr[ok]], grid.lon[cc[ok]])
            )
        order = np.lexsort((np.concatenate(heads), np.concatenate(tails)))
        return RoadGraph(
            cells,
            np.concatenate(tails)[order],
            np.concatenate(heads)[order],
            np.concatenate(lengths)[order],
        )

    def crossing_nodes(self, grid: Grid) -> np.ndarray:
        """Node ids of the US border crossings."""
        node = np.full(grid.state.size, -1)
        node[self.cells] = np.arange(self.nodes)
        cols = grid.shape[1]
        return np.array(
            [node[p.row * cols + p.col] for p in grid.points if p.kind == "border_crossing"]
        )

    def edge_costs(self, cost_factor: np.ndarray) -> np.ndarray:
        """Edge cost = length × mean of the two cells' cost factors (a raster)."""
        factor = cost_factor.ravel()[self.cells]
        return self.length_km * (factor[self.tail] + factor[self.head]) / 2

    def matrix(self, weights: np.ndarray) -> sparse.csr_matrix:
        return sparse.csr_matrix((weights, (self.tail, self.head)), shape=(self.nodes, self.nodes))


@cache
def road_graph(resolution: float) -> RoadGraph:
    return RoadGraph.of(load_grid(resolution))


def costs_to(graph: RoadGraph, weights: np.ndarray, targets: np.ndarray):
    """Least cost from every node to each target and the next node on the way: (k, n) arrays.

    The graph is symmetric (each edge's cost uses both ends), so paths *from* a target on it are
    paths *to* the target read backwards; the predecessor of a node is its next hop."""
    dist, pred = csgraph.dijkstra(graph.matrix(weights), indices=targets, return_predecessors=True)
    return dist, pred


@njit(cache=True)
def _accumulate(order, next_hop, upstream):
    for node in order:
        nxt = next_hop[node]
        if nxt >= 0:
            upstream[nxt] += upstream[node]
    return upstream


def accumulate_tree(dist: np.ndarray, next_hop: np.ndarray, load: np.ndarray) -> np.ndarray:
    """Load passing through each node when every node sends `load` down a shortest-path tree.

    Nodes are visited from the farthest to the target, each adding what reached it to its next
    hop, so a node's throughput is its own load plus everything routed through it."""
    reachable = np.flatnonzero(np.isfinite(dist))
    order = reachable[np.argsort(-dist[reachable], kind="stable")]
    upstream = np.where(np.isfinite(dist), load, 0.0).astype(np.float64)
    return _accumulate(order, next_hop.astype(np.int64), upstream)


def accumulate_tree_reference(dist: np.ndarray, next_hop: np.ndarray, load: np.ndarray):
    """Throughput as the solution of (I − Tᵀ) x = load, T the tree's next-hop matrix (scipy)."""
    reachable = np.isfinite(dist)
    n = load.size
    tails = np.flatnonzero((next_hop >= 0) & reachable)
    tree = sparse.csr_matrix((np.ones(tails.size), (next_hop[tails], tails)), shape=(n, n))
    system = sparse.identity(n, format="csr") - tree
    return sparse.linalg.spsolve(system.tocsc(), np.where(reachable, load, 0.0))


def logit_split(dist: np.ndarray, scale_km: float) -> np.ndarray:
    """Share of each source's load sent to each target, ∝ exp(−cost / scale) over reachable ones."""
    finite = np.isfinite(dist)
    best = np.where(finite, dist, np.inf).min(axis=0)
    gap = np.where(finite, dist, 0.0) - np.where(np.isfinite(best), best, 0.0)
    utility = np.where(finite, -gap / scale_km, -np.inf)
    weight = np.exp(utility)
    total = weight.sum(axis=0)
    return np.divide(weight, total, out=np.zeros_like(weight), where=total > 0)


def route_flows(
    graph: RoadGraph,
    weights: np.ndarray,
    crossings: np.ndarray,
    load: np.ndarray,
    scale_km: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-node throughput and the load reaching each crossing (crossings: node ids)."""
    dist, next_hop = costs_to(graph, weights, crossings)
    shares = logit_split(dist, scale_km)
    through = np.zeros(graph.nodes)
    arriving = np.zeros(len(crossings))
    for k in range(len(crossings)):
        sent = load * shares[k]
        through += accumulate_tree(dist[k], next_hop[k], sent)
        arriving[k] = sent[np.isfinite(dist[k])].sum()
    return through, arriving


@njit(cache=True)
def dijkstra_numba(indptr, indices, weights, source):
    """Single-source Dijkstra with a binary heap (the prototype measured against scipy)."""
    n = indptr.size - 1
    dist = np.full(n, np.inf)
    pred = np.full(n, -9999, np.int64)
    dist[source] = 0.0
    heap = [(0.0, np.int64(source))]
    while heap:
        d, u = heapq.heappop(heap)
        if d > dist[u]:
            continue
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            nd = d + weights[e]
            if nd < dist[v]:
                dist[v] = nd
                pred[v] = u
                heapq.heappush(heap, (nd, np.int64(v)))
    return dist, pred
