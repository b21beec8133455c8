"""Traffickers: the cartels' trade as one agent set, at sea and on land.

At sea they decide how many vessels to launch in each basin and where to send them
(`rules.trafficking`), and learn from what happened to their vessels. On land they make fentanyl
in the labs from the precursors that get through (`rules.fentanyl`) and move it, with the cocaine
the vessels landed, to the US border crossings (`rules.routing`). The flow through each cell,
which feeds corruption and violence, is the two commodities' mean share of their volume at the
start, scaled to 1 at the busiest cell of the first month (a fixed reference, so fewer landings
mean less flow).
"""

from __future__ import annotations

import mesa
import numpy as np

from mxstab.model.rules import fentanyl
from mxstab.model.rules.detection import detection_probability, exposure
from mxstab.model.rules.interdiction import SeaMonth
from mxstab.model.rules.routing import RouteTrees, cost_factor
from mxstab.model.rules.trafficking import (
    expected_bound,
    landing_weights,
    launch_means,
    loss_share,
    remembered,
)
from mxstab.model.world.sea import BASINS


class Traffickers:
    """What the trafficking organisations know and move."""

    def __init__(self, model: mesa.Model) -> None:
        self.model = model
        self.strike_risk = np.zeros(len(BASINS))
        self.relaunch = np.zeros(len(BASINS))
        self.loss_risk = self.loss_risk_start = np.zeros(len(BASINS))
        grid, roads, lanes = model.grid, model.roads, model.lanes
        config = model.config
        self.capacity_start = fentanyl.capacity_start(grid.state, grid.mexico)
        raids = config.fentanyl.raids_per_month * config.mx.investigation
        self.lab_capacity = fentanyl.at_rest(self.capacity_start, raids, config.force)
        self.landing_node = np.searchsorted(roads.cells, lanes.landing_cell)
        self.crossings = model.world.crossings
        self.route_costs: np.ndarray | None = None
        self.territory_changed()

    def territory_changed(self) -> None:
        """Buyers' pull on the landings follows who holds the coast; routes are rebuilt."""
        cartels = self.model.cartels
        self.landing_weights = landing_weights(self.model.lanes, cartels.owner, cartels.members)
        self.reroute()

    def reroute(self) -> None:
        """Route costs changed: rebuild the trees before the next loads move."""
        self.routes_stale = True

    # --- at sea -----------------------------------------------------------------------------

    def launch_means(self) -> np.ndarray:
        return launch_means(
            self.model.config.sea,
            self.loss_risk,
            self.loss_risk_start,
            self.strike_risk,
            self.relaunch,
        )

    def expected_bound(self) -> np.ndarray:
        """Vessels expected to head for each landing cell this month."""
        return expected_bound(self.model.lanes, self.launch_means(), self.landing_weights)

    def expect_losses(self, bound: np.ndarray, search_rates: np.ndarray) -> None:
        """Start from the loss risk the deployment at the start implies, so the 72/28 split holds
        until something changes, and from the loads it lets through."""
        lanes, sea = self.model.lanes, self.model.config.sea
        odds = exposure(lanes.track_km, sea.vessel_speed_kmh, search_rates)
        caught = detection_probability(odds.sum(axis=1))
        self.loss_risk = self.loss_risk_start = loss_share(bound, caught, lanes.landing_basin)
        self.cocaine_load = bound * (1 - caught) * sea.vessel_load_tons

    def learn(self, month: SeaMonth) -> None:
        """Each basin's risks from the danger its vessels ran; lost loads wait to sail again."""
        sea = self.model.config.sea
        sailed = month.launched > 0
        self.loss_risk = remembered(self.loss_risk, month.loss_danger, sailed, sea.risk_memory)
        self.strike_risk = remembered(
            self.strike_risk, month.strike_danger, sailed, sea.risk_memory
        )
        self.relaunch = sea.reship_share * (month.seized + month.struck)
        self.cocaine_load = month.landed_at * sea.vessel_load_tons

    # --- on land ----------------------------------------------------------------------------

    def lose_labs(self, hits: np.ndarray) -> None:
        """Labs lose what strikes and raids destroyed and rebuild toward their capacity at the
        start."""
        force = self.model.config.force
        self.lab_capacity = fentanyl.after_hits(self.lab_capacity, self.capacity_start, hits, force)

    def start_routes(self) -> None:
        """Route the first month's loads and fix the references the flow is measured against."""
        self.cocaine_reference = max(self.cocaine_load.sum(), 1e-12)
        self.flow_reference = 1.0
        self.route()
        self.flow_reference = self.flow.max()
        self.flow /= self.flow_reference
        self.fentanyl_start = max(self.fentanyl_to_us, 1e-12)
        self.flow_start = self.flow.copy()

    def route(self) -> None:
        """This month's loads to the crossings, less the shares seized on land in Mexico and at
        the border; the trees are rebuilt when costs changed (a cell on a front between rivals
        costs more: a new map may leave them as they were) and fentanyl rerouted when capacity
        changed."""
        model = self.model
        roads = model.roads
        if self.routes_stale:
            costs = self.cost_factor()
            if not np.array_equal(costs, self.route_costs):
                scale = model.config.routes.logit_scale_km
                self.trees = RouteTrees.of(roads, roads.edge_costs(costs), self.crossings, scale)
                self.route_costs = costs
                self.fentanyl_capacity = None
            self.routes_stale = False
        if not np.array_equal(self.lab_capacity, self.fentanyl_capacity):
            capacity = self.lab_capacity.ravel()[roads.cells]
            self.fentanyl_made, arriving = self.trees.flows(capacity)
            self.fentanyl_at_border = arriving.sum()
            self.fentanyl_capacity = self.lab_capacity.copy()
        config = model.config
        supply = fentanyl.left_after(
            config.fentanyl.precursor_seizure_share, config.mx.precursor_controls
        )
        crossing = fentanyl.left_after(
            config.fentanyl.border_seizure_share, config.us.border_interdiction
        )
        self.fentanyl_through = supply * self.fentanyl_made
        self.fentanyl_to_us = supply * crossing * self.fentanyl_at_border
        routes = config.routes
        self.land_seized = routes.land_seizure_share * self.cocaine_load.sum()
        load = np.zeros(roads.nodes)
        load[self.landing_node] = self.cocaine_load * (1 - routes.land_seizure_share)
        cocaine_through, arriving = self.trees.flows(load)
        self.border_seized = routes.border_seizure_share * arriving.sum()
        self.cocaine_to_us = arriving.sum() - self.border_seized
        through = (self.fentanyl_through + cocaine_through / self.cocaine_reference) / 2
        self.flow = np.zeros(model.grid.shape)
        self.flow.ravel()[roads.cells] = through / self.flow_reference

    def cost_factor(self) -> np.ndarray:
        """Fronts between groups that fight cost more to cross, and so does a crackdown."""
        model = self.model
        cartels, mx = model.cartels, model.config.mx
        fronts = cartels.territory
        fighting = cartels.rivalry[fronts.own, fronts.other] > 0
        crackdown = model.grid.state == mx.crackdown_state if mx.crackdown_state else None
        return cost_factor(
            model.grid.shape,
            fronts.cell[fighting],
            model.config.routes.rival_cost,
            crackdown,
            mx.crackdown_cost,
        )
