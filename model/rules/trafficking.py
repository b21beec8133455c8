"""Maritime trafficking: how many vessels traffickers launch in each basin, where they send them,
and how they learn from what happened at sea.

Buyers pull landings to the coast they hold: a landing cell's weight is its holder's members over
the landing cells it holds. Launches per basin = supply × share × exp(−d·strike risk) + the loads
lost last month that sail again; the share moves with loss risk as base share ×
exp(−a·(risk − risk at the start)), so the 72/28 split holds until something changes (the balloon at
sea), and exp(−d·risk) is a fall of d·risk for small risks that never goes below zero. Each basin's
loss and strike risks are exponential averages of the danger its vessels ran (the chance, given
where the patrols stood, of being stopped or struck: spotters see the ships, and a few strikes a
month are too few to learn from by counting).
"""

from __future__ import annotations

import numpy as np

from mxstab.model.config import Sea
from mxstab.model.world.sea import BASINS, SeaLanes


def landing_weights(lanes: SeaLanes, owner: np.ndarray, members: np.ndarray) -> np.ndarray:
    """A buyer's pull on each landing cell: its members over the landing cells it holds (every
    cell of a basin alike where no buyer holds any)."""
    holder = owner.ravel()[lanes.landing_cell]
    held = holder >= 0
    holdings = np.bincount(holder[held], minlength=members.size)
    weight = np.zeros(holder.size)
    weight[held] = members[holder[held]] / holdings[holder[held]]
    for basin in BASINS:
        mine = lanes.landing_basin == basin
        if weight[mine].sum() <= 0:
            weight[mine] = 1.0
    return weight


def launch_means(
    sea: Sea,
    loss_risk: np.ndarray,
    loss_risk_start: np.ndarray,
    strike_risk: np.ndarray,
    relaunch: np.ndarray,
) -> np.ndarray:
    """Expected launches per basin."""
    base = np.array([sea.pacific_share, 1 - sea.pacific_share])
    weight = base * np.exp(-sea.risk_aversion * (loss_risk - loss_risk_start))
    share = weight / weight.sum()
    deterred = np.exp(-sea.deterrence * strike_risk)
    return sea.launches_per_month * share * deterred + relaunch


def expected_bound(lanes: SeaLanes, launches: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Vessels expected to head for each landing cell, from each basin's expected launches."""
    bound = np.zeros(lanes.landing_cell.size)
    for basin, count in zip(BASINS, launches, strict=True):
        mine = lanes.landing_basin == basin
        bound[mine] = count * weights[mine] / weights[mine].sum()
    return bound


def loss_share(bound: np.ndarray, caught: np.ndarray, landing_basin: np.ndarray) -> np.ndarray:
    """Per basin, the share of the vessels bound there that a patrol stops."""
    stopped = np.array([(bound * caught)[landing_basin == b].sum() for b in BASINS])
    sailing = np.array([bound[landing_basin == b].sum() for b in BASINS])
    return np.divide(stopped, sailing, out=np.zeros(len(BASINS)), where=sailing > 0)


def remembered(
    risk: np.ndarray, danger: np.ndarray, sailed: np.ndarray, memory: float
) -> np.ndarray:
    """A basin's risk after a month: the danger its vessels ran, weighted `memory`, where any
    sailed; unchanged where none did."""
    return np.where(sailed, (1 - memory) * risk + memory * danger, risk)
