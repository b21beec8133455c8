"""The committed 0.25° grid is exactly what the builder makes from the pinned sources."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import require_tool
from mxstab.model.world.grid import grid_path


def test_builder_reproduces_the_committed_grid(tmp_path):
    require_tool("npm")
    build_grid = pytest.importorskip("mxstab.model.world.build_grid")

    inegi_by_name, points_csv = build_grid.read_tables()
    states = build_grid.load_states(build_grid.fetch_mex_json(tmp_path), inegi_by_name)
    rebuilt = build_grid.build(0.25, states, build_grid.load_countries(), points_csv, inegi_by_name)
    with np.load(grid_path(0.25)) as committed:
        assert set(committed.files) == set(rebuilt)
        for key in committed.files:
            np.testing.assert_array_equal(committed[key], rebuilt[key], err_msg=key)


def test_builder_refuses_a_changed_source(tmp_path):
    build_grid = pytest.importorskip("mxstab.model.world.build_grid")
    fake = tmp_path / "mex.json"
    fake.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(SystemExit, match="sha256"):
        build_grid.load_states(fake, {})
