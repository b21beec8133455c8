"""Writing files and folders so that a crash or a kill never leaves a half-written one, and a
folder never mixes an old result with a new one."""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

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


INCOMPLETE = ".incomplete" + PARTIAL
OLD = ".old" + PARTIAL


@contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """Build a whole output folder aside (`.<name>.<host>-<pid>.<random>.incomplete.partial`,
    one per writer) and swap it in only when done: a crash or a kill leaves the old folder
    untouched beside an explicitly incomplete one, never a mix, removed by the next writer on
    the same host once its process is gone. A kill between the swap's two renames leaves the
    old folder as `.<name>.<random>.old.partial`, put back on the next entry."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    mine = re.escape(f".{out.name}.")  # not a sibling's such as `run.2025`
    old_shape = re.compile(mine + r"[^.]+" + re.escape(OLD))
    left = [p for p in out.parent.iterdir() if old_shape.fullmatch(p.name)]
    if left and not out.exists():
        os.replace(max(left, key=os.path.getmtime), out)  # the newest a kill left mid-swap
    host = f"{re.sub(r'[^A-Za-z0-9]', '-', socket.gethostname())}-"
    built_here = re.compile(mine + re.escape(host) + r"([0-9]{1,9})\.[^.]+" + re.escape(INCOMPLETE))
    for stale in out.parent.iterdir():
        writer = built_here.fullmatch(stale.name)
        if writer and not psutil.pid_exists(int(writer[1])):
            shutil.rmtree(stale, ignore_errors=True)  # its writer was killed: it stays unfinished
    building = Path(
        tempfile.mkdtemp(
            prefix=f".{out.name}.{host}{os.getpid()}.", suffix=INCOMPLETE, dir=out.parent
        )
    )
    building.chmod(0o777 & ~UMASK)
    yield building
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=OLD, dir=out.parent))
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


def writable_output(
    path: Path, kind: str, markers: tuple[str, ...] = (), beside: bool = False
) -> Path:
    """Check, before any compute, that `path` can take an output of `kind` ('file' or
    'folder'): it is not the other kind; an existing non-empty folder is one this command wrote
    (holds one of `markers`), since it is replaced or added to; and this process can create
    files where they go: in the folder (its nearest existing ancestor), and with `beside` (a
    folder built aside and swapped in) in its parent too. ValueError says what is wrong."""
    path = path.resolve()
    if path.exists() and kind == "folder" and not path.is_dir():
        raise ValueError(f"{path} is a file, not a folder")
    if path.is_dir() and kind == "file":
        raise ValueError(f"{path} is a folder, not a file")
    ours = any((path / marker).exists() for marker in markers)
    if markers and path.is_dir() and any(path.iterdir()) and not ours:
        raise ValueError(
            f"{path} holds files that are not this command's results (none of "
            f"{', '.join(markers)}); choose a new or empty folder"
        )
    places = [path if path.is_dir() else path.parent]
    if beside:
        places.append(path.parent)
    for place in places:
        while not place.exists():
            place = place.parent
        if not place.is_dir():
            raise ValueError(f"{place} is a file, so {path} cannot be created")
        try:
            handle, probe = tempfile.mkstemp(prefix=".mxstab-probe.", dir=place)
        except OSError as error:
            raise ValueError(f"cannot write in {place}: {error.strerror}") from None
        os.close(handle)
        os.unlink(probe)
    return path
