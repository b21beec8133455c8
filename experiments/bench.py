"""Benchmarks: ratios measured side by side in one process (not tests; nothing here asserts).

So far: the model's full step at both resolutions, and the route search's numba prototype
against scipy on the 0.1° grid (the decision rule of the routes module).
"""

from __future__ import annotations

import time

import numpy as np

from mxstab.model.config import Config
from mxstab.model.grid import load_grid
from mxstab.model.model import MxStabModel
from mxstab.model.routes import RoadGraph, costs_to, dijkstra_numba


def median_seconds(action, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return float(np.median(times))


def step_ms(resolution: float, steps: int) -> float:
    """Median full model step, after a warm-up step (JIT and first-touch excluded)."""
    model = MxStabModel(Config(), seed=0, resolution=resolution)
    model.step()
    return 1000 * median_seconds(model.step, steps)


def route_speedup_vs_scipy(repeats: int) -> float:
    """scipy time / numba-prototype time for the 8 crossings' shortest paths at 0.1°."""
    grid = load_grid(0.1)
    graph = RoadGraph.of(grid)
    node = np.full(grid.state.size, -1)
    node[graph.cells] = np.arange(graph.nodes)
    cols = grid.shape[1]
    crossings = np.array(
        [node[p.row * cols + p.col] for p in grid.points if p.kind == "border_crossing"]
    )
    weights = graph.edge_costs(np.ones(grid.shape))
    matrix = graph.matrix(weights)
    dijkstra_numba(matrix.indptr, matrix.indices, matrix.data, int(crossings[0]))

    def numba_all() -> None:
        for target in crossings:
            dijkstra_numba(matrix.indptr, matrix.indices, matrix.data, int(target))

    scipy_time = median_seconds(lambda: costs_to(graph, weights, crossings), repeats)
    return scipy_time / median_seconds(numba_all, repeats)


def run_benchmarks(quick: bool) -> dict[str, float]:
    repeats = 5 if quick else 30
    return {
        "step_ms_025": step_ms(0.25, repeats),
        "step_ms_010": step_ms(0.1, repeats),
        "route_speedup_vs_scipy": route_speedup_vs_scipy(3 if quick else 10),
    }
