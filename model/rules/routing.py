"""Land routes to the US border (Dell 2015): least-cost paths on the road graph, loads split among
the crossings by a logit in path cost.

An edge costs its length times the mean of its two cells' cost factors: 1, plus
`routes.rival_cost` on a front between groups that fight, plus `mx.crackdown_cost` on the roads
of a state under a crackdown, so a crackdown raises cost and diverts flow (the land balloon). The
graph is symmetric, so `scipy.sparse.csgraph.dijkstra` run from each crossing gives every cell's
path to it (a numba Dijkstra was measured slower: docs/performance.md). Each source sends its load
to the crossings by a logit in path cost; the load then runs down each crossing's shortest-path
tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

import numpy as np
from numba import njit
from scipy import sparse
from scipy.sparse import csgraph

from mxstab.model.world.roads import RoadGraph


def cost_factor(
    shape: tuple[int, int],
    front_cells: np.ndarray,
    rival_cost: float,
    crackdown: np.ndarray | None,
    crackdown_cost: float,
) -> np.ndarray:
    """Per-cell cost factor: 1, + `rival_cost` on cells of a front between rivals, +
    `crackdown_cost` on the cells under a crackdown (None: none)."""
    factor = np.ones(shape)
    on_front = np.zeros(factor.size, bool)
    on_front[front_cells] = True
    factor.ravel()[on_front] += rival_cost
    if crackdown is not None:
        factor[crackdown] += crackdown_cost
    return factor


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


@njit(cache=True)
def _accumulate_trees(orders, starts, next_hop, sent):
    """Σ over trees k of the load through each node when every node sends `sent[k]` down tree
    k: `accumulate_tree` for each tree in turn, in one call."""
    through = np.zeros(sent.shape[1])
    upstream = np.empty(sent.shape[1])
    for k in range(sent.shape[0]):
        order = orders[starts[k] : starts[k + 1]]
        upstream[:] = 0.0
        for node in order:
            upstream[node] = sent[k, node]
        _accumulate(order, next_hop[k], upstream)
        through += upstream
    return through


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

    @cached_property
    def _orders(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The trees' visiting orders end to end, where each starts, and each entry's flat
        index into a (crossings, nodes) array."""
        starts = np.cumsum([0, *(order.size for order in self.order)]).astype(np.int64)
        nodes = self.dist.shape[1]
        flat = [k * nodes + order for k, order in enumerate(self.order)]
        return np.concatenate(self.order), starts, np.concatenate(flat)

    def flows(self, load: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per-node throughput and the load reaching each crossing."""
        sent = load[None, :] * self.shares
        orders, starts, flat = self._orders
        through = _accumulate_trees(orders, starts, self.next_hop, sent)
        in_order = sent.ravel()[flat]
        return through, np.array([in_order[a:b].sum() for a, b in pairwise(starts.tolist())])
