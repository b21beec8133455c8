"""Which armed organisation is reported in which state (DEA NDTA 2025 maps, InSight Crime, press).

Rules (SOURCES.md): a row naming a border of several states applies to each of them; the one
'(national)' row records an alliance, not presence, and is left out here; roles 'limited/none' and
'present (historical)' do not count as presence.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from mxstab.model.data import DATA_DIR
from mxstab.model.world.states import STATES, state_table

MULTI_STATE = {"Guerrero–Michoacán–Estado de México border": ("Guerrero", "Michoacán", "México")}
NOT_PRESENT = ("limited/none", "present (historical)")


@cache
def cartel_presence() -> pd.DataFrame:
    """Rows (organisation, state code, role, source) for every reported current presence."""
    rows = pd.read_csv(DATA_DIR / "cartel_presence.csv")
    rows = rows[(rows["state"] != "(national)") & ~rows["role"].isin(NOT_PRESENT)]
    rows = rows.assign(state=rows["state"].map(lambda s: MULTI_STATE.get(s, (s,)))).explode("state")
    code_by_name = {name: code for code, name in state_table()["name"].items()}
    unknown = set(rows["state"]) - set(code_by_name)
    if unknown:
        raise ValueError(f"cartel_presence.csv: unknown state names {sorted(unknown)}")
    rows["state"] = rows["state"].map(code_by_name).astype(int)
    return rows[["organisation", "state", "role", "basis", "source"]].reset_index(drop=True)


def organisations_per_state() -> pd.Series:
    """Number of distinct organisations reported present, indexed by INEGI code 1–32."""
    counts = cartel_presence().groupby("state")["organisation"].nunique()
    return counts.reindex(range(1, STATES + 1), fill_value=0)
