"""The armed groups at the start: named organisations, local groups, their sizes and rivalries.

Sizes: the three published shares (Prieto-Curiel et al. 2023: CJNG 17.9%, Sinaloa 8.9%, Nueva
Familia Michoacana 6.2%), the other groups by rank with size ∝ rank^-a, capped at the third's
share, sharing the rest. Named
organisations rank by how many states report them; local groups are placed in states in proportion
to the homicides of the year before the start (largest remainder), the larger ones first in the
more violent states.
Rivalry K is sparse, K_cc' = (rival_cc' + 1)/(alliances_c + 1) on rival pairs only: named
rivalries (rival = 1; the source of each beside it below), and each local group against
the other local groups of its state and the named organisations reported there
(rival = `local_rivalry_weight`); all of K times `rivalry_scale`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mxstab.model.config import Membership
from mxstab.model.data import DATA_DIR
from mxstab.model.world.presence import cartel_presence
from mxstab.model.world.states import STATES, largest_remainder

CJNG = "Jalisco New Generation Cartel (CJNG)"
SINALOA = "Sinaloa Cartel (CDS)"
FAMILIA = "La Familia Michoacana / La Nueva Familia Michoacana (LNFM)"
NORESTE = "Cártel del Noreste (CDN)"
GULF = "Gulf Cartel (CDG)"
UNIDOS = "Cárteles Unidos (CU)"
LINEA = "La Línea / Juárez Cartel"
TIJUANA = "Tijuana Cartel / Arellano Félix (CAF)"
PUBLISHED_SHARES = {CJNG: 0.179, SINALOA: 0.089, FAMILIA: 0.062}
GROUPS = 150  # the published fit's count; θ, ω and the calibration hold for it
NAMED_RIVALRIES = (
    # The first three are assumptions: long-running wars (InSight Crime's profiles) that the
    # presence table does not note; the others are in its notes.
    (CJNG, SINALOA),
    (NORESTE, GULF),
    (FAMILIA, CJNG),
    (UNIDOS, CJNG),  # presence notes: formed against the CJNG in Tierra Caliente
    (LINEA, SINALOA),  # presence notes: rivals Sinaloa in Ciudad Juárez
    (TIJUANA, SINALOA),  # presence notes: fights the Sinaloa Cartel and the CJNG
    (TIJUANA, CJNG),
)
NAMED_ALLIANCES = ((LINEA, CJNG),)  # presence notes: allied with the CJNG since 2021
SUBGROUPS = {
    "Los Viagras (part of Cárteles Unidos)": UNIDOS,
    "Los Viagras / Cárteles Unidos": UNIDOS,
}


@dataclass(frozen=True)
class Groups:
    """The groups at the start as parallel arrays; `rivalry` is K. The agents copy them."""

    names: list[str]
    named: np.ndarray
    home_state: np.ndarray
    members: np.ndarray
    rivalry: np.ndarray
    alliances: np.ndarray


def size_shares(count: int, exponent: float) -> np.ndarray:
    """Shares by rank: the three published ones, then c·rank^-a capped at the third's share (sizes
    never grow with rank), with c such that all shares add up to 1."""
    published = np.array(list(PUBLISHED_SHARES.values()))
    rest = np.arange(len(published) + 1, count + 1, dtype=float) ** -exponent
    left, cap = 1 - published.sum(), published[-1]
    if cap * len(rest) <= left:
        return np.concatenate([published, np.full(len(rest), left / len(rest))])
    low, high = 0.0, cap / rest[-1]
    for _ in range(200):
        scale = (low + high) / 2
        low, high = (scale, high) if np.minimum(scale * rest, cap).sum() < left else (low, scale)
    shares = np.minimum(high * rest, cap)
    return np.concatenate([published, shares * left / shares.sum()])


def named_organisations() -> list[tuple[str, int]]:
    """(name, home state) of each named organisation, the published three first, then by reach.

    Home states are in `organisations.csv` with the basis of each (the state a group is named for
    or based in)."""
    homes = pd.read_csv(DATA_DIR / "organisations.csv").set_index("organisation")["home_state"]
    reach = reported_states().groupby("organisation", sort=False)["state"].nunique()
    others = sorted(set(reach.index) - set(PUBLISHED_SHARES), key=lambda o: (-reach[o], o))
    return [(org, int(homes[org])) for org in [*PUBLISHED_SHARES, *others]]


def reported_states() -> pd.DataFrame:
    """(organisation, state) rows of the presence table, sub-groups under their organisation."""
    presence = cartel_presence()
    presence = presence.assign(organisation=presence["organisation"].replace(SUBGROUPS))
    return presence[~presence["organisation"].str.contains("Chapitos vs")]


def local_group_states(count: int, homicides: np.ndarray) -> list[int]:
    """Home states of `count` local groups by rank: ∝ homicides (indexed by INEGI code),
    round-robin by violence."""
    order = pd.Series(homicides[1:], index=range(1, STATES + 1))
    order = order.sort_values(ascending=False, kind="stable")
    per_state = dict(zip(order.index, largest_remainder(count, order.to_numpy(float)), strict=True))
    states = []
    for round_ in range(max(per_state.values(), default=0)):
        states += [state for state, n in per_state.items() if n > round_]
    return states


def strength_by_state(groups: Groups, home_share: float, homicides: np.ndarray) -> np.ndarray:
    """Members of each group in each state [group, code 0–32]. A named organisation keeps
    `home_share` at home and spreads the rest over the other states that report more than a
    'limited' presence, in proportion to homicides (indexed by INEGI code); a local group is all
    at home."""
    away = np.zeros((len(groups.names), STATES + 1))
    index = {name: i for i, name in enumerate(groups.names)}
    reported = reported_states()
    reported = reported[~reported["role"].str.startswith("limited")]
    for organisation, state in reported[["organisation", "state"]].itertuples(index=False):
        away[index[organisation], state] = homicides[state]
    rows = np.arange(len(groups.names))
    away[rows, groups.home_state] = 0.0
    total = away.sum(axis=1, keepdims=True)
    share = np.divide(away, total, out=np.zeros_like(away), where=total > 0)
    share *= np.where(total > 0, 1 - home_share, 0.0)
    share[rows, groups.home_state] = 1 - share.sum(axis=1)
    return groups.members[:, None] * share


def local_fronts(names: list[str], home_state: np.ndarray, is_named: np.ndarray) -> np.ndarray:
    """Pairs where a local group meets another group on its ground: the other local groups of its
    state and the named organisations reported in that state."""
    presence = reported_states()
    present = {(o, s) for o, s in zip(presence["organisation"], presence["state"], strict=True)}
    local = ~is_named
    fronts = (home_state[:, None] == home_state[None, :]) & local[:, None] & local[None, :]
    for i in np.flatnonzero(local):
        for j in np.flatnonzero(is_named):
            if (names[j], home_state[i]) in present:
                fronts[i, j] = fronts[j, i] = True
    np.fill_diagonal(fronts, False)
    return fronts


def initial_groups(config: Membership, homicides: np.ndarray) -> Groups:
    """The groups of 2022 (`members_2022` in all) and their sparse rivalry matrix; local groups
    placed by `homicides` per state (indexed by INEGI code)."""
    named = named_organisations()
    count = GROUPS
    if count < len(named):
        raise ValueError(f"need at least {len(named)} groups for the named organisations")
    local_states = local_group_states(count - len(named), homicides)
    names = [n for n, _ in named] + [f"local group {i + 1}" for i in range(count - len(named))]
    home_state = np.array([s for _, s in named] + list(local_states))
    is_named = np.arange(count) < len(named)

    rival = np.zeros((count, count))
    index = {name: i for i, name in enumerate(names)}
    for a, b in NAMED_RIVALRIES:
        rival[index[a], index[b]] = rival[index[b], index[a]] = 1.0
    rival[local_fronts(names, home_state, is_named)] = config.local_rivalry_weight
    alliances = np.zeros(count)
    for a, b in NAMED_ALLIANCES:
        alliances[[index[a], index[b]]] += 1
    rivalry = np.where(rival > 0, (rival + 1) / (alliances[:, None] + 1), 0.0)
    members = config.members_2022 * size_shares(count, config.size_exponent)
    return Groups(names, is_named, home_state, members, config.rivalry_scale * rivalry, alliances)
