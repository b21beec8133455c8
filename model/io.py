"""Writing files and folders so that a crash or a kill never leaves a half-written one, and a
folder never mixes an old result with a new one."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

PARTIAL = ".partial"
"""The suffix of a file or folder still being written: never a result."""
UMASK = os.umask(0o022)
os.umask(UMASK)


def write_atomic(path: Path, write: Callable[[Path], object]) -> Path:
    """Call `write(temporary_path)` in the same folder, under a name no other writer uses, then
    rename onto `path`; a failed write leaves nothing behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=PARTIAL, dir=path.parent)
    os.close(handle)
    partial = Path(name)
    try:
        partial.chmod(0o666 & ~UMASK)  # as an ordinary new file, not mkstemp's 0600
        write(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def incomplete(out: Path) -> Path:
    """Where a folder's next version is built: beside it, named as unfinished."""
    return out.with_name(f"{out.name}.incomplete{PARTIAL}")


@contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """Build a whole output folder aside (`incomplete(out)`) and swap it in only when done: a
    crash or a kill leaves the old folder untouched beside an explicitly incomplete one."""
    building = incomplete(out)
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    yield building
    old = out.with_name(f"{out.name}.old{PARTIAL}")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        os.replace(out, old)
    os.replace(building, out)
    shutil.rmtree(old, ignore_errors=True)


def remove_partials(folder: Path) -> int:
    """Delete what writers killed mid-write left in `folder` (call only while no writer runs
    there, e.g. under the sweep's lock); returns how many."""
    left = list(folder.glob(f".*{PARTIAL}"))
    for path in left:
        path.unlink(missing_ok=True)
    return len(left)


def writable_output(path: Path, kind: str, marker: str | None = None) -> Path:
    """Check, before any compute, that `path` can take an output of `kind` ('file' or
    'folder'): the nearest existing parent is a folder this process can write in, the path is
    not the other kind, and an existing non-empty folder is one this command wrote (holds
    `marker`), since it will be replaced. ValueError says what is wrong."""
    if path.exists() and kind == "folder" and not path.is_dir():
        raise ValueError(f"{path} is a file, not a folder")
    if path.is_dir() and kind == "file":
        raise ValueError(f"{path} is a folder, not a file")
    if marker and path.is_dir() and any(path.iterdir()) and not (path / marker).exists():
        raise ValueError(
            f"{path} holds files that are not this command's results (no {marker}); "
            "choose a new or empty folder"
        )
    parent = path if path.is_dir() else path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise ValueError(f"{parent} is a file, so {path} cannot be created")
    try:
        handle, probe = tempfile.mkstemp(prefix=".mxstab-probe.", dir=parent)
    except OSError as error:
        raise ValueError(f"cannot write in {parent}: {error.strerror}") from None
    os.close(handle)
    os.unlink(probe)
    return path
