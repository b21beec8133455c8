"""One process pool for every command that runs many models: compare, sweep, sensitivity."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any


def one_thread_each() -> None:
    """Workers run the kernels single-threaded: processes already use the cores, and kernels
    give the same numbers for any thread count."""
    import numba

    numba.set_num_threads(1)


def run_all(
    work: Callable[[Any], Any],
    items: list[Any],
    workers: int,
    on_done: Callable[[Any], None] | None = None,
) -> list[Any]:
    """`work(item)` for every item on `workers` processes (in this process when 1); results in
    item order, `on_done(result)` as each finishes."""
    results: list[Any] = [None] * len(items)
    if workers == 1:
        for index, item in enumerate(items):
            results[index] = work(item)
            if on_done:
                on_done(results[index])
        return results
    with ProcessPoolExecutor(max_workers=workers, initializer=one_thread_each) as pool:
        futures = {pool.submit(work, item): index for index, item in enumerate(items)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if on_done:
                on_done(results[futures[future]])
    return results
