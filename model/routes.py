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


def farthest_first(dist: np.ndarray) -> np.ndarray:
    """The nodes that reach the target, farthest first: the order a tree's load runs down."""
    reachable = np.flatnonzero(np.isfinite(dist))
    return reachable[np.argsort(-dist[reachable], kind="stable")].astype(np.int64)


def accumulate_tree(order: np.ndarray, next_hop: np.ndarray, load: np.ndarray) -> np.ndarray:
    """Load passing through each node when every node in `order` sends its load down a
    shortest-path tree: visited farthest first, each adds what reached it to its next hop."""
    upstream = np.zeros(load.size)
    upstream[order] = load[order]
    return _accumulate(order, next_hop, upstream)


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


@dataclass(frozen=True)
class RouteTrees:
    """Each crossing's shortest-path tree at the current costs and each source's logit share of
    its load: rebuilt when costs change, reused for every load while they hold."""

    dist: np.ndarray  # (crossings, nodes)
    next_hop: np.ndarray
    order: tuple[np.ndarray, ...]
    shares: np.ndarray

    @staticmethod
    def of(graph: RoadGraph, weights: np.ndarray, crossings: np.ndarray, scale_km: float):
        dist, next_hop = costs_to(graph, weights, crossings)
        return RouteTrees(
            dist,
            next_hop.astype(np.int64),
            tuple(farthest_first(d) for d in dist),
            logit_split(dist, scale_km),
        )

    def flows(self, load: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per-node throughput and the load reaching each crossing."""
        through = np.zeros(load.size)
        arriving = np.zeros(len(self.order))
        for k, order in enumerate(self.order):
            sent = load * self.shares[k]
            through += accumulate_tree(order, self.next_hop[k], sent)
            arriving[k] = sent[order].sum()
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
