"""Shared fixtures: the committed grids, the state table, and a runner for the real command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mxstab.model.world.grid import RESOLUTIONS, load_grid
from mxstab.model.world.states import state_table

MXSTAB = Path(sys.executable).with_name("mxstab")


@pytest.fixture(params=RESOLUTIONS, ids=lambda r: f"{r}deg")
def grid(request):
    return load_grid(request.param)


@pytest.fixture(scope="session")
def states():
    return state_table()


def run_mxstab(*args: str) -> subprocess.CompletedProcess:
    """Run the installed `mxstab` command as a user would."""
    return subprocess.run([str(MXSTAB), *args], capture_output=True, text=True, timeout=300)


def require_tool(name: str) -> str:
    """Path of an external tool; skip with a reason when it is missing, fail under CI."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is required under CI but was not found")
        pytest.skip(f"{name} not found (set CI=1 to make this a failure)")
    return path
