"""Municipality: one Mexican land cell. Its attributes are views into the model's per-cell
arrays; its rules run as one vectorised call over all municipalities per step, never per agent."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

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
    def holder(self) -> int:
        """Index of the group holding the cell (-1: none)."""
        return int(self.model.owner[self.row, self.col])
