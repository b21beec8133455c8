"""One process pool for every command that runs many models: compare, sweep, sensitivity."""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any


def one_thread_each() -> None:
    """Workers run the kernels single-threaded: processes already use the cores, and kernels
    give the same numbers for any thread count."""
    import numba

    numba.set_num_threads(1)


def worker_context() -> multiprocessing.context.BaseContext:
    """Workers forked from a clean server that has imported the model once: fast to start, and
    never a fork of a process whose numba threads are running."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["mxstab.model.model"])
    return context


def check_dask(address: str) -> None:
    """Connect to the Dask scheduler at `address` and leave: an unreachable one (OSError within
    10 s) or a missing `distributed` (ImportError) is found before any compute."""
    from distributed import Client

    with Client(address, timeout=10):
        pass


def run_all(
    work: Callable[[Any], Any],
    items: list[Any],
    workers: int,
    on_done: Callable[[Any], None] | None = None,
    dask: str | None = None,
) -> list[Any]:
    """`work(item)` for every item on `workers` processes (in this process when 1), or on the
    Dask scheduler at the address `dask`; results in item order, `on_done(result)` as each
    finishes."""
    results: list[Any] = [None] * len(items)
    if dask is not None:
        from distributed import Client
        from distributed import as_completed as finished

        with Client(dask, timeout=10) as client:
            futures = client.map(work, items, pure=False)
            order = {future.key: index for index, future in enumerate(futures)}
            for future in finished(futures):
                results[order[future.key]] = future.result()
                if on_done:
                    on_done(results[order[future.key]])
        return results
    if workers == 1:
        for index, item in enumerate(items):
            results[index] = work(item)
            if on_done:
                on_done(results[index])
        return results
    with ProcessPoolExecutor(
        max_workers=workers, initializer=one_thread_each, mp_context=worker_context()
    ) as pool:
        futures = {pool.submit(work, item): index for index, item in enumerate(items)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if on_done:
                on_done(results[futures[future]])
    return results
