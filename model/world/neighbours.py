"""Moore neighbourhoods on the raster: the eight offsets, which cells touch a mask, and the graph
that joins each cell of a mask to its neighbours in it (the roads on land, the sea lanes at sea)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mxstab.model.world.grid import haversine_km

MOORE = tuple((dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if (dr, dc) != (0, 0))


def moore_any(mask: np.ndarray) -> np.ndarray:
    """Cells with at least one Moore neighbour in `mask`."""
    rows, cols = mask.shape
    padded = np.pad(mask, 1)
    return np.logical_or.reduce(
        [padded[1 + dr : 1 + dr + rows, 1 + dc : 1 + dc + cols] for dr, dc in MOORE]
    )


@dataclass(frozen=True)
class MooreGraph:
    """The cells of a mask as nodes (raster order) and an edge to each Moore neighbour in the mask,
    edges listed offset by offset in MOORE order, each with its great-circle length."""

    cells: np.ndarray  # flat raster index of each node
    node: np.ndarray  # node id of each raster cell, -1 outside the mask
    tail: np.ndarray
    head: np.ndarray
    length_km: np.ndarray


def moore_graph(mask: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> MooreGraph:
    rows, cols = mask.shape
    node = np.full(rows * cols, -1, np.int64)
    cells = np.flatnonzero(mask.ravel())
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
        lengths.append(haversine_km(lat[r[ok]], lon[c[ok]], lat[rr[ok]], lon[cc[ok]]))
    return MooreGraph(
        cells, node, np.concatenate(tails), np.concatenate(heads), np.concatenate(lengths)
    )
