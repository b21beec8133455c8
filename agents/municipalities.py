"""Municipalities: Mexican land cells as one vectorised agent set.

The set owns the per-cell arrays: people, this month's homicides and their parts, the level of
violence people expect and perceive, people leaving and arriving, corruption and stability. Each
rule runs as one call over all cells (`rules.violence`, `rules.displacement`, `rules.contagion`,
`rules.corruption`, `rules.stability`), never per cell.
"""

from __future__ import annotations

import mesa
import numpy as np

from mxstab.model.rules import contagion, corruption
from mxstab.model.rules.displacement import displace, has_populated_neighbour
from mxstab.model.rules.kernels import corruption_step
from mxstab.model.rules.stability import stability_index
from mxstab.model.rules.violence import (
    backbone_step,
    background_at_start,
    homicides_month,
    presence_factor,
    smoothed_rate,
    start_rate,
)
from mxstab.model.world.population import population_in_month
from mxstab.model.world.states import STATES


class Municipalities:
    """Every Mexican land cell of the grid (the model's municipalities)."""

    def __init__(self, model: mesa.Model, population: np.ndarray) -> None:
        self.model = model
        self.mask = model.grid.mexico
        shape = model.grid.shape
        self.population = population.astype(float)
        self.homicides = np.zeros(shape)
        self.left = np.zeros(shape)
        self.arrived = np.zeros(shape)
        self.arrivals = np.zeros(shape)  # the displacement kernel's output buffer
        self.heading_north = 0.0
        self.stability = np.zeros(shape)
        self.populated: np.ndarray | None = None  # the cells `reachable` was computed for

    @property
    def count(self) -> int:
        return int(self.mask.sum())

    def start_corruption(self, growth: np.ndarray, decay: float) -> None:
        """No corruption data ships: start where the rule rests under the flows and control of the
        start, so the baseline is stationary and policies move it."""
        diffusion = self.model.config.corruption.diffusion
        self.corruption = corruption.at_rest(growth, decay, diffusion, self.mask)
        self.corruption_next = np.zeros(self.mask.shape)

    def start_violence(
        self,
        conflict: np.ndarray,
        monthly_by_state: np.ndarray,
        uncertainty: np.ndarray,
        strength: np.ndarray,
    ) -> None:
        """Background per cell from its state's monthly level less the conflict at the start; a
        cell's expected level at the start is its reference for contagion. The backbone starts
        from a draw of the level's `uncertainty` (the variance of its log, by INEGI code);
        criminal presence is measured against the members per cell at the start, `strength`."""
        state = self.model.grid.state
        self.background = background_at_start(state, self.population, monthly_by_state, conflict)
        self.expected = self.background + conflict
        self.induced_expected = np.zeros(self.mask.shape)
        self.smoothed_rate = start_rate(self.expected, self.population, self.mask)
        # log level per INEGI code (slot 0 unused) and its variance
        normals = self.model.streams["backbone"].standard_normal(uncertainty.size)
        self.state_drift, self.drift_variance = np.sqrt(uncertainty) * normals, uncertainty
        self.backbone = np.ones(self.mask.shape)
        self.strength_start = strength

    def shift_background(self, cell: tuple[int, int], deaths: float) -> None:
        """Move one cell's background level (an experiment's shock)."""
        self.background[cell] += deaths

    def suffer(
        self,
        conflict: np.ndarray,
        flow_change: np.ndarray,
        clash_expected: np.ndarray,
        force_deaths: np.ndarray,
        strength: np.ndarray,
    ) -> None:
        """This month's homicides: background and induced deaths and clashes drawn as counts,
        conflict deaths as placed; the dead leave the population."""
        streams = self.model.streams
        violence = self.model.config.violence
        self.state_drift, self.drift_variance, multipliers = backbone_step(
            self.state_drift,
            self.drift_variance,
            violence.state_drift_sd,
            violence.state_noise_sd,
            streams["backbone"].standard_normal((2, self.state_drift.size)),
        )
        state = self.model.grid.state
        self.backbone = np.where(state > 0, multipliers[np.maximum(state, 0)], 1.0)
        uniforms = np.empty((3, *self.mask.shape))
        for draws, name in zip(uniforms, ("violence", "contagion", "clashes"), strict=True):
            streams[name].random(out=draws)
        self.conflict = conflict
        (
            self.background_now,
            self.background_deaths,
            self.induced,
            self.clashes,
            self.level,
            self.homicides,
            self.population,
        ) = homicides_month(
            self.background
            * self.backbone
            * presence_factor(strength, self.strength_start, violence.presence_share),
            violence.flow_elasticity,
            flow_change,
            conflict,
            self.induced_expected,
            clash_expected,
            force_deaths,
            self.population,
            uniforms,
        )

    def perceive(self) -> None:
        """The smoothed rate people perceive (it also aims the Guard and US force)."""
        smoothing = self.model.config.displacement.smoothing
        self.smoothed_rate = smoothed_rate(
            self.smoothed_rate, self.level, self.population, self.mask, smoothing
        )

    def move(self) -> None:
        """People leave violent cells, for the neighbours or the US border."""
        grid = self.model.grid
        p = self.model.config.displacement
        self.left, self.arrived, self.heading_north = displace(
            self.population,
            self.smoothed_rate,
            self.mask,
            self.reachable(),
            grid.border_us,
            p,
            self.arrivals,
        )
        self.population += self.arrived - self.left

    def grow(self, when: int) -> None:
        """Each state's people grow (or shrink) as CONAPO's population from month number `when`
        to the next: births, deaths of other causes and migration the model does not draw."""
        growth = np.divide(
            population_in_month(when + 1),
            population_in_month(when),
            out=np.ones(STATES + 1),
            where=population_in_month(when) > 0,
        )
        before = self.population.sum()
        self.population *= growth[self.model.grid.state]  # no one lives off Mexican land
        self.demographic_change = float(self.population.sum() - before)

    def reachable(self) -> np.ndarray:
        """Cells with a populated neighbour, recomputed only when the populated cells change."""
        populated = self.mask & (self.population > 0)
        if not np.array_equal(populated, self.populated):
            self.populated = populated
            self.neighbour_populated = has_populated_neighbour(self.population, self.mask)
        return self.neighbour_populated

    def spread_violence(self) -> None:
        """Contagion: this month's excess induces next month's deaths among the neighbours."""
        beta = self.model.config.violence.contagion_beta
        # the backbone's moves are the state's own level, not violence that spreads
        excess = contagion.excess(self.background_now / self.backbone, self.conflict, self.expected)
        contagion.induce(excess, self.population, self.mask, beta, self.induced_expected)

    def corrupt(self, growth: np.ndarray, decay: float) -> None:
        """One month of corruption: growth, decay and diffusion to the neighbours."""
        diffusion = self.model.config.corruption.diffusion
        corruption_step(self.corruption, growth, decay, diffusion, self.mask, self.corruption_next)
        self.corruption, self.corruption_next = self.corruption_next, self.corruption

    def assess_stability(self) -> None:
        config = self.model.config
        self.stability = stability_index(
            self.smoothed_rate,
            self.corruption,
            self.left,
            self.population,
            self.mask,
            config.displacement,
            config.corruption.governance,
        )
