"""Benchmarks: ratios measured side by side in one process (not tests; nothing here asserts).

Each figure is documented in docs/performance.md with what limits it.
"""

from __future__ import annotations

import heapq
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from numba import njit, prange

from mxstab.experiments.batch import RunSpec, run_one
from mxstab.experiments.pool import one_thread_each, worker_context
from mxstab.model.config import Config
from mxstab.model.model import MxStabModel
from mxstab.model.rules.kernels import (
    bands,
    corruption_kernel,
    corruption_reference,
    spread_kernel,
    spread_reference,
)
from mxstab.model.rules.routing import costs_to
from mxstab.model.world.calendar import DEFAULT_START, month_label, month_number
from mxstab.model.world.grid import load_grid
from mxstab.model.world.roads import RoadGraph
from mxstab.model.world.static import clear_caches, static_world

# Bytes one contagion + corruption step moves per cell: each array a kernel reads counted once and
# each it writes counted once (no write-allocate). Contagion reads excess, population (8 + 8) and
# the mask (1) and writes the induced deaths (8); the shares stay in a band's three-row buffer.
# Corruption reads κ, growth and the mask and writes κ′ (8 + 8 + 1 + 8). See docs/performance.md.
DIFFUSION_BYTES_PER_CELL = (8 + 8 + 1 + 8) + (8 + 8 + 1 + 8)
TRIAD_BYTES_PER_ELEMENT = 3 * 8


def median_seconds(action: Callable[[], object], repeats: int) -> float:
    return side_by_side({"action": action}, repeats)["action"]


def side_by_side(actions: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median seconds of each action, the actions taking turns, so that a drift in the shared
    machine's speed moves every figure of a ratio alike."""
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeats):
        for name, action in actions.items():
            started = time.perf_counter()
            action()
            times[name].append(time.perf_counter() - started)
    return {name: float(np.median(spent)) for name, spent in times.items()}


@njit(cache=True, parallel=True)
def triad(a, b, c, scalar):
    for i in prange(a.size):
        a[i] = b[i] + scalar * c[i]


TRIAD_ELEMENTS = 1 << 25


def triad_arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Three arrays of 2²⁵ doubles (256 MB each), far larger than the caches."""
    rng = np.random.default_rng(0)
    return np.empty(TRIAD_ELEMENTS), rng.random(TRIAD_ELEMENTS), rng.random(TRIAD_ELEMENTS)


def diffusion_fields(shape: tuple[int, int], mask: np.ndarray | None = None) -> dict:
    """Random fields for the contagion + corruption step (80% of cells inside unless `mask`)."""
    rng = np.random.default_rng(7)
    mask = rng.random(shape) < 0.8 if mask is None else mask
    return {
        "mask": mask,
        "excess": np.where(mask, rng.exponential(1.0, shape), 0.0),
        "population": np.where(mask, rng.integers(0, 50_000, shape), 0).astype(float),
        "kappa": np.where(mask, rng.random(shape), 0.0),
        "growth": rng.random(shape) * 0.05,
        "induced": np.empty(shape),
        "kappa_next": np.empty(shape),
    }


def diffusion_step(f: dict, build: str = "") -> None:
    """The model's contagion + corruption step; `build` "serial" or "parallel" forces one."""
    spread = getattr(spread_kernel, build) if build else spread_kernel
    corrupt = getattr(corruption_kernel, build) if build else corruption_kernel
    rows = f["mask"].shape[0]
    count = () if not build else (bands(rows, True) if build == "parallel" else 1,)
    spread(f["excess"], f["population"], f["mask"], 0.3, f["induced"], *count)
    corrupt(f["kappa"], f["growth"], 0.01, 0.1, f["mask"], f["kappa_next"], *count)


def diffusion_reference(f: dict) -> None:
    """The numpy references of the same step."""
    spread_reference(f["excess"], f["population"], f["mask"], 0.3)
    corruption_reference(f["kappa"], f["growth"], 0.01, 0.1, f["mask"])


def roofline_and_diffusion(side: int, repeats: int) -> tuple[float, float, float]:
    """(triad bandwidth in GB/s, diffusion step seconds, numpy reference seconds) on a side²
    grid; the triad and the step take turns."""
    a, b, c = triad_arrays()
    f = diffusion_fields((side, side))
    triad(a, b, c, 3.0)
    diffusion_step(f)
    timed = side_by_side(
        {"triad": lambda: triad(a, b, c, 3.0), "kernel": lambda: diffusion_step(f)}, repeats
    )
    reference = median_seconds(lambda: diffusion_reference(f), max(2, repeats // 5))
    roofline = TRIAD_BYTES_PER_ELEMENT * TRIAD_ELEMENTS / timed["triad"] / 1e9
    return roofline, timed["kernel"], reference


def parallel_speedup(shape: tuple[int, int], repeats: int) -> float:
    """Serial over parallel time of the diffusion step, thread pool forced on with every band."""
    f = diffusion_fields(shape)
    builds = {
        build: lambda build=build: diffusion_step(f, build) for build in ("serial", "parallel")
    }
    for action in builds.values():
        action()
    timed = side_by_side(builds, repeats)
    return timed["serial"] / timed["parallel"]


BUSY = "import time\nend = time.time() + 600\nwhile time.time() < end:\n    pass\n"


def parallel_speedup_busy_core(shape: tuple[int, int], repeats: int) -> float:
    """The same with the other core kept busy by another process, as in a 2-worker sweep."""
    spinner = subprocess.Popen([sys.executable, "-c", BUSY])
    try:
        time.sleep(0.3)
        return parallel_speedup(shape, repeats)
    finally:
        spinner.kill()
        spinner.wait()


def step_seconds(resolution: float, steps: int) -> tuple[float, MxStabModel]:
    """Median full model step, after a warm-up step (JIT and first touch excluded)."""
    model = MxStabModel(Config(), seed=0, resolution=resolution)
    model.step()
    return median_seconds(model.step, steps), model


def step_and_epstein_seconds(steps: int, side: int = 62) -> tuple[float, float, MxStabModel]:
    """(median step at 0.25°, Mesa's Epstein civil-violence example per agent at a similar agent
    count, the model), the two stepping in turns so that the host's drift moves both alike."""
    from mesa.examples.advanced.epstein_civil_violence.model import (
        EpsteinCivilViolence,
        EpsteinScenario,
    )

    model = MxStabModel(Config(), seed=0, resolution=0.25)
    epstein = EpsteinCivilViolence(width=side, height=side, scenario=EpsteinScenario(rng=42))
    model.step()
    epstein.step()
    timed = side_by_side({"model": model.step, "epstein": epstein.step}, steps)
    return timed["model"], timed["epstein"] / len(epstein.agents), model


def app_click_seconds(repeats: int) -> tuple[float, float]:
    """What the app's buttons cost on the server at 0.25°: "Step" (a model step, its map and
    charts repainted and encoded) and the compare tab's "Step both" (two steps, three maps,
    the charts of both)."""
    from mxstab.viz.controls import Choice
    from mxstab.viz.live import Comparison, Run

    run = Run(Choice())
    both = Comparison("baseline", "full_intervention", Choice(), "homicide_rate")
    run.step(), both.step()  # the first draws are not what a click costs
    return median_seconds(run.step, repeats), median_seconds(both.step, repeats)


@contextmanager
def served_app(timeout: float = 120) -> Iterator[str]:
    """`mxstab app` on a free port until the block ends; yields its URL (the server's output
    goes to a file, shown if it does not answer)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [str(Path(sys.executable).with_name("mxstab")), "app", "--port", str(port)]
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, text=True)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    urllib.request.urlopen(url, timeout=5)
                    break
                except OSError as error:
                    if process.poll() is not None or time.monotonic() > deadline:
                        process.kill()
                        log.seek(0)
                        raise RuntimeError(
                            f"mxstab app did not answer on {url}: {log.read()}"
                        ) from error
                    time.sleep(0.5)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=20)


def open_app(page, url: str) -> float:
    """Seconds from asking for the page to its map shown and its Step button enabled."""
    from playwright.sync_api import expect

    started = time.perf_counter()
    page.goto(url)
    page.locator(".mxstab-hover-map img").first.wait_for(timeout=120_000)
    expect(page.get_by_role("button", name="Step", exact=True)).to_be_enabled(timeout=120_000)
    return time.perf_counter() - started


def step_both_in_browser(page, clicks: int) -> float:
    """Median seconds from clicking the compare tab's Step both to the next month and its
    map shown: what the user waits for (server, transfer and drawing)."""
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Compare two scenarios").click()
    page.get_by_role("button", name="Start comparison").click()
    page.get_by_text("Difference:").wait_for(timeout=120_000)
    button = page.get_by_role("button", name="Step both")
    left = page.get_by_alt_text("left map")  # the difference stays 0 before the policy
    first = month_number(DEFAULT_START)
    times = []
    for month in range(clicks):
        before = left.get_attribute("src")
        started = time.perf_counter()
        button.click()
        page.get_by_text(f"Month: {month_label(first + month)}").wait_for(timeout=60_000)
        expect(left).not_to_have_attribute("src", before)
        times.append(time.perf_counter() - started)
    return float(np.median(times))


def browser_figures(chromium: str, loads: int = 3) -> dict[str, float]:
    """In Chromium driven by Playwright, the server warm: the median of `loads` page loads
    after the first (a new tab each, the browser's cache kept) and Step both as the user
    waits for it."""
    from playwright.sync_api import sync_playwright

    with served_app() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        open_app(context.new_page(), url)
        loads_s = [open_app(context.new_page(), url) for _ in range(loads)]
        page = context.new_page()
        open_app(page, url)
        step_both = step_both_in_browser(page, 7)
        browser.close()
    return {
        "app_page_load_s": float(np.median(loads_s)),
        "app_step_both_browser_ms_025": 1000 * step_both,
    }


@njit(cache=True)
def dijkstra_numba(indptr, indices, weights, source):
    """Single-source Dijkstra with a binary heap: the prototype measured against scipy's."""
    n = indptr.size - 1
    dist = np.full(n, np.inf)
    pred = np.full(n, -9999, np.int64)
    dist[source] = 0.0
    heap = [(0.0, np.int64(source))]
    while heap:
        d, u = heapq.heappop(heap)
        if d > dist[u]:
            continue
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            nd = d + weights[e]
            if nd < dist[v]:
                dist[v] = nd
                pred[v] = u
                heapq.heappush(heap, (nd, np.int64(v)))
    return dist, pred


def agent_count(model: MxStabModel) -> int:
    """Agents of every kind: municipalities, groups, this month's vessels, naval units and the
    two governments (the sets count their members, not their Python objects)."""
    sets = model.municipalities.count + len(model.cartels.members) + model.vessels.count
    return sets + len(model.agents)


def route_speedup_vs_scipy(repeats: int) -> float:
    """scipy time / numba-prototype time for the 8 crossings' shortest paths at 0.1°."""
    grid = load_grid(0.1)
    graph = RoadGraph.of(grid)
    crossings = graph.crossing_nodes(grid)
    weights = graph.edge_costs(np.ones(grid.shape))
    matrix = graph.matrix(weights)
    dijkstra_numba(matrix.indptr, matrix.indices, matrix.data, int(crossings[0]))

    def numba_all() -> None:
        for target in crossings:
            dijkstra_numba(matrix.indptr, matrix.indices, matrix.data, int(target))

    scipy_time = median_seconds(lambda: costs_to(graph, weights, crossings), repeats)
    return scipy_time / median_seconds(numba_all, repeats)


FIRST_STEP = (
    "import time; t = time.perf_counter()\n"
    "from mxstab.model.model import MxStabModel\n"
    "MxStabModel(seed=0).step()\n"
    "print(time.perf_counter() - t)\n"
)
BUILD_010 = (
    "import time\n"
    "from mxstab.model.model import MxStabModel\n"
    "t = time.perf_counter()\n"
    "MxStabModel(seed=0, resolution=0.1)\n"
    "print(time.perf_counter() - t)\n"
)
# Peak memory is the process's VmHWM: ru_maxrss would report the benchmark's own size, which a
# child inherits across fork and exec on Linux.
PEAK_MB = "int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0]) / 1024"
PEAK_RSS = (
    "from mxstab.experiments.run import run_model\n"
    "from mxstab.model.config import Config\n"
    "run_model(Config(), 0, 60, resolution=0.1)\n"
    f"print({PEAK_MB})\n"
)


SWEEP = (
    "import tempfile, time\n"
    "from pathlib import Path\n"
    "from mxstab.experiments import sweep\n"
    "spec = sweep.SweepSpec(seeds='{seeds}', months={months})\n"
    "points = sweep.plan(spec)\n"
    "t = time.perf_counter()\n"
    "sweep.execute(spec, points, Path(tempfile.mkdtemp()), {workers})\n"
    "print(len(points) / (time.perf_counter() - t) * 60)\n"
    f"print({PEAK_MB})\n"
)


def sweep_figures(code: str) -> tuple[float, float]:
    """(runs per minute, parent peak memory in MB) of a sweep run in a new process."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    rate, memory = (float(line) for line in done.stdout.strip().splitlines()[-2:])
    return rate, memory


def run_sweep_benchmarks(quick: bool) -> dict[str, float]:
    """Sweep throughput (24-month runs) with 1 and 2 workers, and the parent's peak memory for
    100 and 1,000 one-month runs: the parent holds summaries only, so it stays flat."""
    runs, small, large = (8, 20, 100) if quick else (40, 100, 1000)
    one, _ = sweep_figures(SWEEP.format(seeds=runs, months=24, workers=1))
    two, _ = sweep_figures(SWEEP.format(seeds=runs, months=24, workers=2))
    _, memory_small = sweep_figures(SWEEP.format(seeds=small, months=1, workers=2))
    _, memory_large = sweep_figures(SWEEP.format(seeds=large, months=1, workers=2))
    return {
        "sweep_runs_per_minute_1_worker": one,
        "sweep_runs_per_minute_2_workers": two,
        f"sweep_parent_peak_mb_{small}_runs": memory_small,
        f"sweep_parent_peak_mb_{large}_runs": memory_large,
    }


def in_new_process(code: str) -> float:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


HINDCAST_START = "2019-01"
HINDCAST_MONTHS = 78  # January 2019 – June 2025


def hindcast_spec(seed: int) -> RunSpec:
    return RunSpec(Config(), seed, HINDCAST_MONTHS, HINDCAST_START)


def hindcast_seconds(repeats: int) -> float:
    """A 78-month run from 2019-01 in a warm process, the model's build and its tables included
    (median over seeds)."""
    run_one(hindcast_spec(0))
    return median_seconds(lambda: run_one(hindcast_spec(1)), repeats)


def world_build_ms() -> float:
    """Building the static world of 0.25° from its files (what a worker does once)."""
    clear_caches()
    started = time.perf_counter()
    static_world(0.25)
    return 1000 * (time.perf_counter() - started)


def batch_seconds(workers: int, runs: int) -> float:
    """`runs` hindcasts on a pool of `workers` processes (kernels single-threaded), each worker
    warmed first with a one-month run so that start-up is not counted."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(
        max_workers=workers, initializer=one_thread_each, mp_context=worker_context()
    ) as pool:
        warm = RunSpec(Config(), 0, 1, HINDCAST_START)
        list(pool.map(run_one, [warm] * workers))
        started = time.perf_counter()
        list(pool.map(run_one, [hindcast_spec(seed) for seed in range(runs)]))
        return time.perf_counter() - started


def batch_figures(runs: int) -> dict[str, float]:
    """Hindcasts per core-minute on 2 workers, and the speed-up of 2 workers over 1."""
    one, two = batch_seconds(1, runs), batch_seconds(2, runs)
    return {
        "batch_runs_per_core_minute_025": runs / two * 60 / 2,
        "batch_speedup_2_workers": one / two,
    }


def run_benchmarks(quick: bool, chromium: str | None = None) -> dict[str, float]:
    """Every figure; the page load only with a Chromium to drive (`chromium`, not in
    `--quick`)."""
    repeats = 5 if quick else 30
    side = 512 if quick else 2048
    roofline, kernel, reference = roofline_and_diffusion(side, repeats)
    step_025, epstein, model_025 = step_and_epstein_seconds(2 * repeats)
    step_010, model_010 = step_seconds(0.1, repeats)
    production = diffusion_fields(model_025.grid.shape, model_025.grid.mexico)
    diffusion_step(production)
    kernel_025 = median_seconds(lambda: diffusion_step(production), 10 * repeats)
    shapes = {"025": model_025.grid.shape, "010": model_010.grid.shape, "big": (side, side)}
    agents = agent_count(model_025)
    hindcast = hindcast_seconds(3 if quick else 7)
    in_new_process(FIRST_STEP)  # fills numba's cache if a kernel changed: the figure is warm
    app_step, app_step_both = app_click_seconds(3 if quick else 15)
    return {
        "roofline_gbs": roofline,
        "diffusion_fraction_of_roofline_2048": DIFFUSION_BYTES_PER_CELL
        * side**2
        / kernel
        / 1e9
        / roofline,
        "diffusion_speedup_vs_numpy": reference / kernel,
        "diffusion_parallel_speedup_025": parallel_speedup(shapes["025"], 10 * repeats),
        "diffusion_parallel_speedup_010": parallel_speedup(shapes["010"], 10 * repeats),
        "diffusion_parallel_speedup_2048": parallel_speedup(shapes["big"], repeats),
        "diffusion_parallel_speedup_010_busy_core": parallel_speedup_busy_core(
            shapes["010"], 10 * repeats
        ),
        "diffusion_parallel_speedup_2048_busy_core": parallel_speedup_busy_core(
            shapes["big"], repeats
        ),
        "route_speedup_vs_scipy": route_speedup_vs_scipy(3 if quick else 10),
        "step_per_agent_vs_epstein": step_025 / agents / epstein,
        "step_per_cell_vs_epstein": step_025 / model_025.municipalities.count / epstein,
        "step_ms_025": 1000 * step_025,
        "hindcast_s_025": hindcast,
        "hindcast_overhead_ratio": hindcast / (HINDCAST_MONTHS * step_025),
        "world_build_ms_025": world_build_ms(),
        "step_ms_010": 1000 * step_010,
        "step_vs_kernel_025": step_025 / kernel_025,
        "app_step_redraw_ms_025": 1000 * app_step,
        "app_step_both_ms_025": 1000 * app_step_both,
        "first_step_s_cached": float(np.median([in_new_process(FIRST_STEP) for _ in range(5)])),
        "build_s_010": float(np.median([in_new_process(BUILD_010) for _ in range(5)])),
        "peak_rss_mb_010": in_new_process(PEAK_RSS),
        **batch_figures(4 if quick else 16),
        **(browser_figures(chromium) if chromium else {}),
    }
