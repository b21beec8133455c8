"""Land routes: kernels against scipy, conservation of load, and the land balloon effect."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csgraph

from mxstab.experiments.bench import dijkstra_numba
from mxstab.model.rules.routing import (
    RouteTrees,
    accumulate_tree,
    accumulate_tree_reference,
    costs_to,
    farthest_first,
    logit_split,
)
from mxstab.model.world.grid import load_grid
from mxstab.model.world.roads import RoadGraph


@pytest.fixture(scope="module")
def world():
    grid = load_grid(0.25)
    graph = RoadGraph.of(grid)
    crossings = graph.crossing_nodes(grid)
    return grid, graph, crossings


def random_costs(grid, seed):
    return 1 + np.random.default_rng(seed).exponential(1.0, grid.shape)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_tree_accumulation_equals_the_scipy_reference(world, seed):
    grid, graph, crossings = world
    weights = graph.edge_costs(random_costs(grid, seed))
    dist, next_hop = costs_to(graph, weights, crossings)
    load = np.random.default_rng(seed).random(graph.nodes)
    for k in (0, len(crossings) - 1):
        np.testing.assert_allclose(
            accumulate_tree(farthest_first(dist[k]), next_hop[k].astype(np.int64), load),
            accumulate_tree_reference(dist[k], next_hop[k], load),
            rtol=1e-9,
        )


def test_numba_dijkstra_prototype_equals_scipy(world):
    grid, graph, crossings = world
    matrix = graph.matrix(graph.edge_costs(random_costs(grid, 1)))
    expected = csgraph.dijkstra(matrix, indices=int(crossings[3]))
    dist, _ = dijkstra_numba(matrix.indptr, matrix.indices, matrix.data, int(crossings[3]))
    np.testing.assert_allclose(dist, expected, rtol=1e-9)


def test_load_is_conserved_and_arrives_at_crossings(world):
    grid, graph, crossings = world
    weights = graph.edge_costs(np.ones(grid.shape))
    load = np.zeros(graph.nodes)
    load[np.random.default_rng(2).choice(graph.nodes, 40, replace=False)] = 5.0
    through, arriving = RouteTrees.of(graph, weights, crossings, 150.0).flows(load)
    dist, _ = costs_to(graph, weights, crossings)
    reachable = np.isfinite(dist).all(axis=0)
    assert arriving.sum() == pytest.approx(load[reachable].sum(), rel=1e-12)
    assert (through[crossings] >= arriving - 1e-9).all(), "some pass one crossing for another"
    assert (through >= load - 1e-12).all(), "a cell carries at least its own load"


def test_logit_prefers_cheaper_crossings():
    dist = np.array([[100.0, 500.0], [300.0, 100.0], [np.inf, 100.0]])
    shares = logit_split(dist, scale_km=100.0)
    np.testing.assert_allclose(shares.sum(axis=0), 1.0)
    assert shares[0, 0] > shares[1, 0] and shares[1, 1] > shares[0, 1]
    assert shares[2, 0] == 0.0


def test_a_crackdown_diverts_flow_the_land_balloon(world):
    """Raising enforcement cost on the busiest corridor cells lowers their flow and raises flow
    elsewhere, while the load reaching the US is unchanged (Dell 2015)."""
    grid, graph, crossings = world
    load = np.zeros(graph.nodes)
    jalisco = np.flatnonzero(grid.state.ravel()[graph.cells] == 14)
    load[jalisco] = 1.0
    calm = np.ones(grid.shape)
    before, arriving_before = RouteTrees.of(graph, graph.edge_costs(calm), crossings, 150.0).flows(
        load
    )
    corridor = np.argsort(-before)[:30]
    corridor = corridor[~np.isin(corridor, crossings) & (load[corridor] == 0)]
    crackdown = calm.copy()
    crackdown.ravel()[graph.cells[corridor]] = 4.0
    after, arriving_after = RouteTrees.of(
        graph, graph.edge_costs(crackdown), crossings, 150.0
    ).flows(load)
    assert after[corridor].sum() < 0.8 * before[corridor].sum()
    elsewhere = np.setdiff1d(np.arange(graph.nodes), np.concatenate([corridor, crossings]))
    assert (after[elsewhere] > before[elsewhere] + 1e-9).sum() > 20
    assert arriving_after.sum() == pytest.approx(arriving_before.sum(), rel=1e-12)


def test_all_trees_in_one_call_equal_the_reference(world):
    """`RouteTrees.flows` sums every crossing's tree in one compiled call: equal to the scipy
    reference of each tree, summed."""
    grid, graph, crossings = world
    weights = graph.edge_costs(random_costs(grid, 5))
    trees = RouteTrees.of(graph, weights, crossings, 150.0)
    load = np.random.default_rng(5).random(graph.nodes)
    through, arriving = trees.flows(load)
    expected = sum(
        accumulate_tree_reference(trees.dist[k], trees.next_hop[k], load * trees.shares[k])
        for k in range(len(crossings))
    )
    np.testing.assert_allclose(through, expected, rtol=1e-9)
    np.testing.assert_allclose(
        arriving, [(load * trees.shares[k])[order].sum() for k, order in enumerate(trees.order)]
    )
