"""The static world of one resolution, per state and point: what `mxstab info` prints."""

from __future__ import annotations

from mxstab.model.world.grid import load_grid
from mxstab.model.world.population import cell_population, population_of_year
from mxstab.model.world.states import per_state, state_table
from mxstab.model.world.victims import victims_record

RECORD_YEAR = 2023  # the last year of the training window


def world_summary(resolution: float) -> dict:
    """States (grid cells and area beside the 2020 census and INEGI's 2023 homicides, CONAPO's
    2023 population and SESNSP's 2023 victims) and snapped points."""
    grid = load_grid(resolution)
    population = cell_population(resolution)
    cells = per_state(grid.state)
    area = per_state(grid.state, grid.area_km2)
    people = per_state(grid.state, population)
    conapo = population_of_year(RECORD_YEAR)
    victims = victims_record().matrix(f"{RECORD_YEAR}-01", f"{RECORD_YEAR}-12").sum()
    states = [
        {
            "code": int(code),
            "name": row["name"],
            "cells": int(cells[code]),
            "area_km2": round(float(area[code]), 1),
            "reference_area_km2": float(row["area_km2"]),
            "population": int(people[code]),
            "homicides_2023": int(row["homicides_2023"]),
            "homicide_rate_2023": round(float(row["homicide_rate_2023"]), 2),
            "homicide_source": row["homicide_source"],
            "population_conapo_2023": int(conapo[code]),
            "victims_sesnsp_2023": int(victims[code]),
        }
        for code, row in state_table().iterrows()
    ]
    points = [
        {"name": p.name, "kind": p.kind, "state": p.state, "row": p.row, "col": p.col}
        for p in grid.points
    ]
    return {
        "resolution": grid.resolution,
        "shape": list(grid.shape),
        "mexican_cells": int(grid.mexico.sum()),
        "states": states,
        "points": points,
    }
