"""Municipality: one Mexican land cell. Its attributes are views into the model's per-cell
arrays; its rules run as one vectorised call over all municipalities per step, never per agent."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from mxstab.model.kernels import moore_any, spread_to_neighbours

if TYPE_CHECKING:
    from mxstab.model.model import MxStabModel


class Municipality(mesa.Agent):
    """A cell of Mexican land, at (row, col) of the model's rasters."""

    def __init__(self, model: MxStabModel, row: int, col: int) -> None:
        super().__init__(model)
        self.row, self.col = row, col

    @property
    def state(self) -> int:
        return int(self.model.grid.state[self.row, self.col])

    @property
    def population(self) -> float:
        return float(self.model.population[self.row, self.col])

    @property
    def homicides(self) -> float:
        return float(self.model.homicides[self.row, self.col])

    @property
    def corruption(self) -> float:
        return float(self.model.corruption[self.row, self.col])

    @property
    def holder(self) -> int:
        """Index of the group holding the cell (-1: none)."""
        return int(self.model.owner[self.row, self.col])

    @staticmethod
    def displace(model: MxStabModel) -> tuple[np.ndarray, np.ndarray, float]:
        """All municipalities at once: people leave in proportion to m0·σ((v − v*)/s) of the
        smoothed rate v of expected homicides (the violence people see coming, not one month's
        draw); a share heads to US-border cells, the rest to the Moore neighbours by population.
        Returns the (left, arrived) rasters, which conserve people, and the number heading north."""
        p = model.config.displacement
        mexico = model.grid.mexico
        people = np.where(mexico, model.population, 0.0)
        rate = np.divide(model.level * 12e5, people, out=np.zeros_like(people), where=people > 0)
        model.smoothed_rate = (1 - p.smoothing) * model.smoothed_rate + p.smoothing * rate
        share = p.rate / (1 + np.exp(-(model.smoothed_rate - p.threshold_rate) / p.width_rate))
        leaving = np.where(mexico, share * people, 0.0)
        north = leaving * p.north_share
        nearby = leaving - north
        nearby[~moore_any(mexico & (people > 0))] = 0.0  # no populated neighbour to go to
        arrived = spread_to_neighbours(nearby, people, mexico, 1.0, model.arrivals)
        border = model.grid.border_us & (people > 0)
        arrived = arrived.copy()
        arrived[border] += north.sum() * people[border] / people[border].sum()
        return north + nearby, arrived, float(north.sum())
