"""Writing files so that a crash or a kill never leaves a half-written one."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def write_atomic(path: Path, write: Callable[[Path], object]) -> Path:
    """Call `write(temporary_path)` in the same folder, then rename onto `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    write(partial)
    os.replace(partial, path)
    return path
