"""Cartel: one armed group. Its numbers live in the model's group arrays; rules run over all
groups at once (membership), and a group acts alone when it splits."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from mxstab.model.randomness import stream
from mxstab.model.territory import split_territory

if TYPE_CHECKING:
    from mxstab.model.model import MxStabModel


class Cartel(mesa.Agent):
    """A group: a named organisation, a local group, or a splinter of either."""

    def __init__(self, model: MxStabModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def name(self) -> str:
        return self.model.groups.names[self.index]

    @property
    def members(self) -> float:
        return float(self.model.groups.members[self.index])

    @property
    def active(self) -> bool:
        return bool(self.model.groups.active[self.index])

    def split(self, names: list[str], rivalry: float) -> list[Cartel]:
        """Fragment into splinters that divide this group's cells around seeds in its home state
        and its members in proportion to the people on their parts; they fight each other. The
        seeds come from a stream of this split's own, so other splits never move them."""
        model = self.model
        parent = self.index
        count = len(model.groups.names)
        splinters = list(range(count, count + len(names)))
        core = model.grid.state == model.groups.home_state[parent]
        seeds = stream(model.seed, f"split:{self.name}:{model.steps}")
        owner = split_territory(model.owner, parent, splinters, core, model.population, seeds)
        people = np.array([model.population[owner == s].sum() for s in splinters])
        shares = people / people.sum() if people.sum() > 0 else np.full(len(names), 1 / len(names))
        model.groups.split(parent, names, shares, rivalry)
        model.set_territory(owner)
        return [Cartel(model, index) for index in splinters]
