"""The executors of every command that runs many models (compare, sweep, sensitivity,
robustness): a process pool, a Dask scheduler or a local Dask cluster, or SLURM through
dask-jobqueue."""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import shutil
import socket
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SAFE = r"^[A-Za-z0-9_.,:+=@/-]+$"
"""What a SLURM option may hold: it is written into a job script, so no spaces, quotes, `;`,
`$` or control characters."""


class Slurm(BaseModel):
    """SLURM jobs for dask-jobqueue: each runs one single-threaded process per core."""

    model_config = ConfigDict(extra="forbid")

    queue: str = Field("normal", pattern=SAFE, description="partition")
    cores: int = Field(8, ge=1, le=1024, description="cores per job")
    memory: str = Field("16GB", pattern=r"^\d+(\.\d+)?[KMGT]i?B$", description="memory per job")
    walltime: str = Field("02:00:00", pattern=r"^(\d+-)?\d{1,3}:\d{2}:\d{2}$")
    jobs: int = Field(4, ge=1, le=10_000, description="jobs to start")

    def cluster(self):
        """The dask-jobqueue cluster (not yet scaled)."""
        from dask_jobqueue import SLURMCluster

        return SLURMCluster(
            queue=self.queue,
            cores=self.cores,
            processes=self.cores,
            memory=self.memory,
            walltime=self.walltime,
            job_name="mxstab",
            job_script_prologue=["export NUMBA_NUM_THREADS=1"],
        )


def check_slurm() -> None:
    """SLURM's `sbatch` must be on the PATH before any job is planned."""
    if shutil.which("sbatch") is None:
        raise OSError("no 'sbatch' on the PATH: this machine cannot submit SLURM jobs")


def one_thread_each() -> None:
    """Workers run the kernels single-threaded: processes already use the cores, and kernels
    give the same numbers for any thread count."""
    import numba

    numba.set_num_threads(1)


def die_with(command: int) -> None:
    """End this worker when the command that started it ends (or is a zombie), checked twice a
    second: a killed command leaves no worker running. (The kernel's parent-death signal cannot
    do it: a worker's parent is the forkserver, which lives as long as its workers.)"""
    import threading
    import time

    import psutil

    owner = psutil.Process(command)

    def watch() -> None:
        try:
            while owner.is_running() and owner.status() != psutil.STATUS_ZOMBIE:
                time.sleep(0.5)
        except psutil.Error:
            pass
        os._exit(1)

    threading.Thread(target=watch, name="die-with-command", daemon=True).start()


def start_worker(command: int) -> None:
    """What each pool worker does first."""
    die_with(command)
    one_thread_each()


def worker_context() -> multiprocessing.context.BaseContext:
    """Workers forked from a clean server that has imported the model once: fast to start, and
    never a fork of a process whose numba threads are running."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["mxstab.model.model"])
    return context


def check_dask(address: str) -> None:
    """Connect to the Dask scheduler at `address` and leave: an unreachable one (OSError within
    10 s: 5 s for the port, 5 for the scheduler), a malformed address (ValueError) or a missing
    `distributed` (ImportError) is found before any compute."""
    from urllib.parse import urlsplit

    parts = urlsplit(address)
    if parts.hostname and parts.port:  # a refused or silent port fails in seconds, not retries
        socket.create_connection((parts.hostname, parts.port), timeout=5).close()
    from distributed import Client

    with Client(address, timeout=5):
        pass


def on_one_thread(work: Callable[[Any], Any], item: Any) -> Any:
    """`work(item)` with the kernels single-threaded: how a Dask worker runs an item."""
    one_thread_each()
    return work(item)


def dask_target(dask: str | None, slurm: Slurm | None, workers: int):
    """What a Dask client connects to: the scheduler at an address, a local cluster of
    `workers` single-threaded processes (`dask='local'`), or SLURM jobs."""
    if slurm is not None:
        cluster = slurm.cluster()
        cluster.scale(jobs=slurm.jobs)
        return cluster
    if dask == "local":
        from distributed import LocalCluster

        return LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
    return dask


def run_all(
    work: Callable[[Any], Any],
    items: list[Any],
    workers: int,
    on_done: Callable[[Any], None] | None = None,
    dask: str | None = None,
    slurm: Slurm | None = None,
) -> list[Any]:
    """`work(item)` for every item on `workers` processes (in this process when 1), on Dask
    (a scheduler's address, or 'local') or on SLURM; results in item order, `on_done(result)`
    as each finishes."""
    results: list[Any] = [None] * len(items)
    if dask is not None or slurm is not None:
        from functools import partial

        from distributed import Client
        from distributed import as_completed as finished

        target = dask_target(dask, slurm, workers)
        try:
            with Client(target, timeout=10) as client:
                futures = client.map(partial(on_one_thread, work), items, pure=False)
                order = {future.key: index for index, future in enumerate(futures)}
                for future in finished(futures):
                    results[order[future.key]] = future.result()
                    if on_done:
                        on_done(results[order[future.key]])
        finally:
            if not isinstance(target, str):
                target.close()  # SLURM jobs and local workers end with the run, even on error
        return results
    if workers == 1:
        for index, item in enumerate(items):
            results[index] = work(item)
            if on_done:
                on_done(results[index])
        return results
    with ProcessPoolExecutor(
        max_workers=workers,
        initializer=start_worker,
        initargs=(os.getpid(),),
        mp_context=worker_context(),
    ) as pool:
        futures = {pool.submit(work, item): index for index, item in enumerate(items)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if on_done:
                on_done(results[futures[future]])
    return results
