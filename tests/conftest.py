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


@pytest.fixture
def mxstab_here(monkeypatch, capsys):
    """Run the CLI's entry point in this process, returning what `run_mxstab` would: for
    refusals, which must come before any work, so no interpreter start-up is paid per case (the
    subprocess path is held by `test_reliability`'s table)."""
    from mxstab.experiments.cli import main

    def run(*args: str) -> subprocess.CompletedProcess:
        monkeypatch.setattr(sys, "argv", ["mxstab", *args])
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as done:
            code = done.code or 0
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(["mxstab", *args], code, out, err)

    return run


def require_tool(name: str) -> str:
    """Path of an external tool; skip with a reason when it is missing, fail under CI."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is required under CI but was not found")
        pytest.skip(f"{name} not found (set CI=1 to make this a failure)")
    return path
