"""The `mxstab` command: one entry point for every user journey."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from mxstab.model.world.grid import check_resolution

app = typer.Typer(
    help="mxstab: an agent-based model of regional stability in Mexico.",
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def show_version(value: bool) -> None:
    if value:
        from importlib import metadata

        from mxstab.experiments.run import git_revision

        print(f"mxstab {metadata.version('mxstab')} (git {git_revision()[:12]})")
        raise typer.Exit()


@app.callback()
def everything(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=show_version, is_eager=True, help="print the version and stop"
        ),
    ] = False,
) -> None:
    """mxstab: an agent-based model of regional stability in Mexico."""


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    markdown = "markdown"
    json = "json"


class MapLayer(StrEnum):
    state = "state"
    population = "population"
    homicide_rate = "homicide_rate"
    cartel = "cartel"


@contextmanager
def refused(hint: str, *errors: type[Exception]) -> Iterator[None]:
    """A bad value's error (of the given kinds) as a usage error naming the option: exit code 2 and
    one line, no traceback."""
    from pydantic import ValidationError

    from mxstab.model.config import describe

    try:
        yield
    except errors as error:
        message = describe(error) if isinstance(error, ValidationError) else str(error)
        raise typer.BadParameter(message.splitlines()[0], param_hint=hint) from None


@contextmanager
def failing_runs() -> Iterator[None]:
    """Runs that failed (RuntimeError naming where their errors are) end the command in one
    line, exit code 1: the finished ones are kept, and a rerun retries the rest."""
    try:
        yield
    except RuntimeError as error:
        print(f"mxstab: {error}", file=sys.stderr)
        raise typer.Exit(1) from None


def progress_bar():
    """The bar every long command shows: what it does, the bar, done of total, time left."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
    )


def with_posterior(assignments: dict[str, Any], posterior: bool) -> dict[str, Any]:
    """`--posterior`: the assignments with each run's violence parameters drawn from their
    ensemble (`violence.posterior`); refused beside a `--set` of one of those parameters."""
    from mxstab.model.config import ConfigError, violence_ensemble

    if not posterior:
        return assignments
    for name in violence_ensemble().dtype.names:
        if name in assignments:
            raise ConfigError(f"'{name}' is drawn per run by --posterior: set it without it")
    return {**assignments, "violence.posterior": True}


def resolution_option(value: float) -> float:
    try:
        return check_resolution(value)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


Posterior = Annotated[
    bool,
    typer.Option(
        "--posterior",
        help="draw the violence mechanisms' fitted parameters per seed from their ensemble",
    ),
]
Dask = Annotated[
    str | None,
    typer.Option(help="a Dask scheduler address (tcp://HOST:PORT), or 'local' for a local cluster"),
]
SlurmFlag = Annotated[
    bool,
    typer.Option(
        "--slurm", help="run on SLURM through dask-jobqueue (--queue, --cores, --memory, ...)"
    ),
]
Queue = Annotated[str, typer.Option(help="SLURM partition")]
Cores = Annotated[int, typer.Option(help="cores per SLURM job")]
Memory = Annotated[str, typer.Option(help="memory per SLURM job, e.g. 16GB")]
Walltime = Annotated[str, typer.Option(help="SLURM walltime, [D-]HH:MM:SS")]
Jobs = Annotated[int, typer.Option(help="SLURM jobs")]
Workers = Annotated[int, typer.Option(min=1, max=1024, help="processes on this machine")]
CORES = os.cpu_count() or 1


def executor(dask: str | None, slurm: bool, dry_run: bool = False, **options: Any):
    """The checked SLURM options (None without --slurm), after refusing, before any compute, a
    bad option, an unreachable Dask scheduler (within 10 s) or a machine without `sbatch`."""
    import importlib.util

    from pydantic import ValidationError

    from mxstab.experiments.pool import Slurm, check_dask, check_slurm

    if dask is not None and slurm:
        raise typer.BadParameter("choose one of --dask and --slurm", param_hint="'--dask'")
    needed = {"'--dask'": "distributed"} if dask is not None else {}
    if slurm:
        needed = {"'--slurm'": "dask_jobqueue"}
    for hint, module in needed.items():
        if importlib.util.find_spec(module) is None:
            raise typer.BadParameter(
                f"needs the cluster extra: pip install 'mxstab[cluster]' (no {module})",
                param_hint=hint,
            )
    if dask is not None and dask != "local":
        with refused("'--dask'", OSError, ImportError, ValueError):
            check_dask(dask)
    if not slurm:
        return None
    try:
        chosen = Slurm(**options)
    except ValidationError as error:
        problem = error.errors()[0]
        name = str(problem["loc"][0])
        raise typer.BadParameter(
            f"{problem['msg']}, got {problem.get('input')!r}", param_hint=f"'--{name}'"
        ) from None
    if not dry_run:
        with refused("'--slurm'", OSError):
            check_slurm()
    return chosen


ScenarioName = Annotated[str, typer.Option(help="a shipped scenario (see `mxstab scenarios`)")]
ScenarioFile = Annotated[
    Path | None,
    typer.Option(help="a scenario TOML file of your own, instead of a shipped --scenario"),
]
MaxRuns = Annotated[
    int | None, typer.Option(min=1, help="refuse a larger plan (default: 1,000,000 runs)")
]


def chosen_scenario(name: str, path: Path | None):
    """The shipped scenario `name`, or the file given explicitly by `--scenario-file`."""
    from mxstab.model.config import ConfigError
    from mxstab.model.scenarios import load_scenario, load_scenario_file

    if path is None:
        with refused("'--scenario'", ConfigError):
            return load_scenario(name)
    with refused("'--scenario-file'", ConfigError):
        return load_scenario_file(path)


def output_folder(*markers: str, kind: str = "folder", beside: bool = False):
    """A callback checking an output path while the options are parsed, before any compute
    (`writable_output`): exit 2 naming the option when it cannot take the command's output."""
    from mxstab.model.io import writable_output

    def check(value: Path | None) -> Path | None:
        if value is None:
            return value
        try:
            return writable_output(value, kind, markers, beside)
        except ValueError as error:
            raise typer.BadParameter(str(error)) from None

    return check


Resolution = Annotated[
    float,
    typer.Option(
        "--resolution",
        "-r",
        callback=resolution_option,
        help="grid resolution in degrees: 0.25 or 0.1",
    ),
]


@app.command(short_help="The world per state: cells, area, people, homicides")
def info(
    resolution: Resolution = 0.25,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """The world at one resolution: per state cells, area, population (2020 census, CONAPO
    2023), 2023 homicides (INEGI) and victims (SESNSP); points."""
    from mxstab.model.world.summary import world_summary

    summary = world_summary(resolution)
    if as_json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
        return
    table = Table(title=f"Mexico at {resolution}°: {summary['mexican_cells']} land cells")
    for column in (
        "code",
        "state",
        "cells",
        "area km²",
        "ref. km²",
        "population",
        "INEGI 2023",
        "per 100k",
        "source",
        "CONAPO 2023",
        "SESNSP 2023",
    ):
        table.add_column(column, justify="left" if column in ("state", "source") else "right")
    for s in summary["states"]:
        table.add_row(
            str(s["code"]),
            s["name"],
            str(s["cells"]),
            f"{s['area_km2']:,.0f}",
            f"{s['reference_area_km2']:,.0f}",
            f"{s['population']:,}",
            f"{s['homicides_2023']:,}",
            f"{s['homicide_rate_2023']:.1f}",
            s["homicide_source"],
            f"{s['population_conapo_2023']:,}",
            f"{s['victims_sesnsp_2023']:,}",
        )
    console = Console(width=max(Console().width, 170))
    console.print(table)
    points = Table(title="Points (snapped)")
    for column in ("name", "kind", "state", "row", "col"):
        points.add_column(column)
    for p in summary["points"]:
        points.add_row(p["name"], p["kind"], str(p["state"]), str(p["row"]), str(p["col"]))
    console.print(points)


@app.command("map", short_help="Draw a map: a static layer, or a run's month")
def map_command(
    out: Annotated[
        Path, typer.Option("--out", "-o", callback=output_folder(kind="file"), help="PNG to write")
    ],
    resolution: Resolution = 0.25,
    layer: Annotated[
        str,
        typer.Option(
            help="static: state, population, homicide_rate, cartel; of a run (--run): "
            "homicide_rate, corruption, stability_index, displaced"
        ),
    ] = "state",
    run_folder: Annotated[
        Path | None, typer.Option("--run", help="a folder `mxstab run` wrote: draw its outputs")
    ] = None,
    month: Annotated[
        str | None, typer.Option(help="with --run: the month to draw, YYYY-MM (default: the last)")
    ] = None,
) -> None:
    """Draw a labelled map of Mexico (state outlines, ports and crossings) to a PNG: a layer of
    the static world, or with --run a layer of a run's outputs in one month."""
    from mxstab.viz.maps import RUN_LAYERS, save_run_map, save_world_map

    if run_folder is None:
        if month is not None:
            raise typer.BadParameter("--month needs --run", param_hint="'--month'")
        if layer not in list(MapLayer):
            allowed = ", ".join(MapLayer)
            raise typer.BadParameter(f"expected one of {allowed}", param_hint="'--layer'")
        path = save_world_map(layer, resolution, out)
    else:
        if not (run_folder / "manifest.json").is_file():
            raise typer.BadParameter(f"{run_folder} is not a run folder", param_hint="'--run'")
        if layer not in RUN_LAYERS:
            allowed = ", ".join(RUN_LAYERS)
            raise typer.BadParameter(f"expected one of {allowed}", param_hint="'--layer'")
        import pandas as pd

        when = (
            month
            or pd.read_parquet(run_folder / "states.parquet", columns=["date"])["date"].iloc[-1]
        )
        with refused("'--month'", ValueError):
            path = save_run_map(run_folder, layer, when, out)
    print(f"wrote {path}")


@app.command(short_help="Run one scenario; write its tables, manifest, maps")
def run(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            callback=output_folder("manifest.json", beside=True),
            help="folder for Parquet, manifest, maps (replaced whole when the run ends)",
        ),
    ],
    scenario: ScenarioName = "baseline",
    scenario_file: ScenarioFile = None,
    months: Annotated[int, typer.Option(min=1, max=600, help="months to run from the start")] = 24,
    seed: Annotated[int, typer.Option(min=0, max=2**32 - 1, help="random seed")] = 0,
    resolution: Resolution = 0.25,
    start: Annotated[
        str, typer.Option(help="first month, YYYY-MM: 2024-01, or from 2019-01 for a hindcast")
    ] = "2024-01",
    overrides: Annotated[
        list[str] | None, typer.Option("--set", help="override a parameter: name=value")
    ] = None,
    posterior: Posterior = False,
) -> None:
    """Run one scenario and write national.parquet, states.parquet, events.parquet,
    manifest.json and maps."""
    from mxstab.experiments.run import run_model, write_run
    from mxstab.model.config import ConfigError, parse_assignments
    from mxstab.model.io import staged_folder
    from mxstab.model.world.calendar import check_start

    chosen = chosen_scenario(scenario, scenario_file)
    with refused("'--set'", ConfigError):
        assignments = with_posterior(parse_assignments(overrides or []), posterior)
        config = chosen.config(assignments)
    with refused("'--start'", ValueError):
        start = check_start(start)
    with refused("'--months'", ConfigError):
        chosen.check_levers_act(assignments, months, start)
    with progress_bar() as progress:
        task = progress.add_task(f"{chosen.name}, seed {seed}", total=months)
        result = run_model(
            config, seed, months, resolution, lambda _: progress.advance(task), start
        )
    with staged_folder(out) as building:
        write_run(result, building, chosen, seed, resolution, assignments)
    national = result.national
    table = Table(
        title=f"{chosen.name}, seed {seed}: {months} months from {start} at {resolution}°"
    )
    for column in ("", "first month", "last month", "mean"):
        table.add_column(column, justify="right")
    for name in (
        "homicides",
        "homicide_rate",
        "conflict_deaths",
        "cartel_members",
        "cartels_active",
        "cocaine_to_us_tons",
        "seized_tons",
        "strike_deaths",
        "relations_index",
        "stability_index",
    ):
        values = national[name]
        table.add_row(
            name, f"{values.iloc[0]:,.3g}", f"{values.iloc[-1]:,.3g}", f"{values.mean():,.3g}"
        )
    Console().print(table)
    print(f"wrote {out} in {result.wall_seconds:.1f} s")


@app.command(short_help="Every scenario over paired seeds: table, report")
def compare(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            callback=output_folder("summary.csv", beside=True),
            help="folder for the results (replaced whole when the comparison ends)",
        ),
    ] = Path("out/compare"),
    scenarios: Annotated[str, typer.Option(help="comma-separated scenarios (default: all)")] = "",
    seeds: Annotated[str, typer.Option(help="seeds: a count N (0..N−1) or a range A-B")] = "20",
    adaptive_seeds: Annotated[
        str, typer.Option(help="seeds of the adaptive scenario (default: ten times --seeds)")
    ] = "",
    months: Annotated[int, typer.Option(min=1, max=600, help="months from January 2024")] = 88,
    workers: Workers = 2,
    overrides: Annotated[
        list[str] | None, typer.Option("--set", help="override a parameter: name=value")
    ] = None,
    posterior: Posterior = False,
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            help="table (fits the terminal), csv, markdown or json: one row per scenario and "
            "figure",
        ),
    ] = OutputFormat.table,
) -> None:
    """Run scenarios over paired seeds; print the table; write summary.csv and report.html."""
    import time

    from mxstab.experiments.compare import compare as run_comparison
    from mxstab.experiments.compare import default_adaptive_seeds, plan
    from mxstab.experiments.run import parse_seeds
    from mxstab.experiments.sweep import MAX_RUNS, check_size
    from mxstab.model.config import ConfigError, parse_assignments
    from mxstab.model.scenarios import load_scenario, scenario_names

    names = [n.strip() for n in scenarios.split(",") if n.strip()] or scenario_names()
    with refused("'--scenarios'", ConfigError):
        for name in names:
            load_scenario(name)
    with refused("'--seeds'", ValueError):
        seed_list = parse_seeds(seeds)
        adaptive_list = parse_seeds(adaptive_seeds) if adaptive_seeds else []
    with refused("'--seeds'", ConfigError):
        adaptive_runs = len(adaptive_list) or 10 * len(seed_list)
        check_size(len(seed_list) * len(names) + adaptive_runs, MAX_RUNS, hint="")
    adaptive_list = adaptive_list or default_adaptive_seeds(seed_list)
    with refused("'--set'", ConfigError):
        assignments = with_posterior(parse_assignments(overrides or []), posterior)
        for name in names:
            load_scenario(name).config(assignments)
    with refused("'--months'", ConfigError):
        for name in names:
            load_scenario(name).check_levers_act(assignments, months)
    jobs = plan(names, seed_list, adaptive_list, months, assignments)
    started = time.perf_counter()
    with progress_bar() as progress:
        task = progress.add_task(f"{len(jobs)} runs", total=len(jobs))
        result = run_comparison(jobs, workers, out, on_done=lambda _: progress.advance(task))
    show_comparison(result, months, output_format)
    names = ", ".join(p.name for p in result.files)
    print(f"wrote {names} in {out} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)


def show_comparison(result, months: int, output_format: OutputFormat) -> None:
    """The comparison's figures, one row per scenario and figure; as a table, every cell wraps
    to the terminal's width (COLUMNS; 80 when piped) rather than being cut."""
    from mxstab.experiments.compare import long_table
    from mxstab.viz.numbers import estimate

    rows = long_table(result.summary)
    numbers = rows.drop(columns=["value_text", "change_text"])
    if output_format == OutputFormat.csv:
        print(numbers.to_csv(index=False), end="")
        return
    if output_format == OutputFormat.json:
        print(numbers.to_json(orient="records", indent=1))
        return
    if output_format == OutputFormat.markdown:
        text = rows[["scenario", "figure", "value_text", "change_text"]]
        print(text.to_markdown(index=False, headers=["scenario", "figure", "value", "change"]))
        return
    console = Console()
    table = Table(
        title=f"{months} months: mean (90% range over seeds); change against the same-seed "
        "baseline, 'no change' when within the seeds' noise",
        show_lines=False,
    )
    for column in ("scenario", "figure", "value", "change"):
        table.add_column(column, overflow="fold")
    for scenario, part in rows.groupby("scenario", sort=False):
        for index, row in enumerate(part.itertuples()):
            table.add_row(
                scenario if index == 0 else "",
                row.figure,
                row.value_text,
                row.change_text,
                end_section=index == len(part) - 1,
            )
    console.print(table)
    if not result.odds.empty:
        odds = Table(title="Is intervention inevitable? P(escalation level ≥ k) (90% range)")
        for column in ("scenario", "within", "≥ 1", "≥ 2", "≥ 3"):
            odds.add_column(column, overflow="fold")
        for (label, horizon), group in result.odds.groupby(["scenario", "months"], sort=False):
            odds.add_row(
                label,
                f"{horizon} months",
                *(estimate(r.probability, r.lo, r.hi) for r in group.itertuples()),
            )
        console.print(odds)


@app.command("app", short_help="Serve the interactive app")
def app_command(
    port: Annotated[int, typer.Option(min=1, max=65535, help="port to serve on")] = 8765,
    host: Annotated[str, typer.Option(help="address to bind (default: this machine only)")] = (
        "127.0.0.1"
    ),
) -> None:
    """Serve the interactive app (needs the `viz` extra) at http://HOST:PORT."""
    import importlib.util
    import ipaddress
    import socket

    if importlib.util.find_spec("solara") is None:
        raise typer.BadParameter(
            "the app needs the viz extra: pip install 'mxstab[viz]'", param_hint="'app'"
        )
    command = [
        sys.executable,
        "-m",
        "solara",
        "run",
        "mxstab.viz.app:Page",
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",  # nothing goes online
    ]
    with refused("'--host'", OSError):
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    if not all(ipaddress.ip_address(entry[4][0]).is_loopback for entry in found):
        print(
            f"warning: serving on {host}, reachable from other machines; the app has no login, "
            "so anyone who can reach this port can use it",
            file=sys.stderr,
            flush=True,
        )
    print(f"mxstab app on http://{host}:{port}", flush=True)
    os.execv(sys.executable, command)


class ValidationPart(StrEnum):
    homicides = "homicides"
    sea = "sea"
    us = "us"
    backtest = "backtest"
    all = "all"


@app.command(short_help="Score the model against the record it never saw")
def validate(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            callback=output_folder("validation.json"),
            help="folder for validation.json and .html",
        ),
    ],
    seeds: Annotated[str, typer.Option(help="seeds: a count N (0..N−1) or a range A-B")] = "10",
    start: Annotated[str, typer.Option(help="the hindcast's first month, YYYY-MM")] = "2019-01",
    part: Annotated[
        ValidationPart,
        typer.Option(
            help="homicides, sea (cocaine budget and boat strikes), us (the agents), backtest "
            "(rolling origins inside the training window) or all"
        ),
    ] = ValidationPart.all,
    workers: Workers = 2,
    posterior: Posterior = False,
    unrecorded_share: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=0.5,
            help="contested measurement: the share of homicides from 2024-01 the record does not "
            "count (reclassified, disappeared); 0 = off, set it only from a cited estimate",
        ),
    ] = 0.0,
) -> None:
    """Score the model against the record it never saw: forecasts from January 2024 over the test
    window (to June 2025) against reference forecasters, named checks, the hindcast from 2019; the
    cocaine budget and the boat strikes; the governments' choices from January 2025; and, for
    design work, backtests from rolling origins inside the training window."""
    import time

    from mxstab.experiments.run import parse_seeds
    from mxstab.experiments.validate import validate as run_validation
    from mxstab.model.config import Config
    from mxstab.model.world.calendar import check_start

    with refused("'--seeds'", ValueError):
        seed_list = parse_seeds(seeds)
    with refused("'--start'", ValueError):
        hindcast_start = check_start(start)
    if posterior and part.value == "us":
        raise typer.BadParameter(
            "the governments' part runs on the default config: use --posterior with another part",
            param_hint="'--posterior'",
        )
    if unrecorded_share and part.value not in ("homicides", "all"):
        raise typer.BadParameter(
            "scales the homicides part only: use it with --part homicides or all",
            param_hint="'--unrecorded-share'",
        )
    command = " ".join(["mxstab", *sys.argv[1:]])
    started = time.perf_counter()
    config = Config().with_overrides(with_posterior({}, posterior))
    files = run_validation(
        seed_list, part.value, hindcast_start, workers, out, command, config, unrecorded_share
    )
    result = json.loads(files[0].read_text())
    table = Table(title=f"validation ({len(seed_list)} seeds)")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for name, value in result.items():
        if name != "command" and not name.endswith("_note"):
            table.add_row(name, f"{value:.4g}" if isinstance(value, float) else str(value))
    Console().print(table)
    print(f"wrote {', '.join(str(f) for f in files)} in {time.perf_counter() - started:.0f} s")


@app.command(short_help="Run a design of parameter values × seeds")
def sweep(
    spec: Annotated[Path | None, typer.Argument(help="TOML spec (else the options below)")] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", callback=output_folder("sweep.json"), help="sweep folder"),
    ] = None,
    scenario: ScenarioName = "baseline",
    scenario_file: ScenarioFile = None,
    grid: Annotated[
        list[str] | None, typer.Option("--grid", help="a full-grid axis: name=v1,v2,...")
    ] = None,
    seeds: Annotated[str, typer.Option(help="a count N (0..N−1) or a range A-B")] = "1",
    months: Annotated[int, typer.Option(min=1, max=600, help="months from January 2024")] = 24,
    resolution: Resolution = 0.25,
    overrides: Annotated[
        list[str] | None, typer.Option("--set", help="override a parameter: name=value")
    ] = None,
    workers: Workers = CORES,
    max_runs: MaxRuns = None,
    dask: Dask = None,
    slurm: SlurmFlag = False,
    queue: Queue = "normal",
    cores: Cores = 8,
    memory: Memory = "16GB",
    walltime: Walltime = "02:00:00",
    jobs: Jobs = 4,
    dry_run: Annotated[bool, typer.Option(help="with --slurm: print the job script only")] = False,
) -> None:
    """Run a design of parameter values × seeds; resumable, one Parquet file per run; one sweep
    at a time per folder."""
    slurm_jobs = executor(
        dask, slurm, dry_run, queue=queue, cores=cores, memory=memory, walltime=walltime, jobs=jobs
    )
    from mxstab.experiments import sweep as sweeps
    from mxstab.model.config import ConfigError, parse_assignments

    if slurm_jobs is not None and dry_run:
        cluster = slurm_jobs.cluster()
        print(cluster.job_script())
        cluster.close()
        return
    if out is None:
        raise typer.BadParameter("a sweep needs --out DIR", param_hint="'--out'")
    if spec is not None and (scenario_file is not None or scenario != "baseline"):
        raise typer.BadParameter(
            "a SPEC names its own scenario: drop --scenario and --scenario-file",
            param_hint="'SPEC'",
        )
    chosen = chosen_scenario(scenario, scenario_file)
    with refused("'sweep'", ConfigError, ValueError):
        if spec is not None:
            design = sweeps.load_spec(spec)
        else:
            axes = {}
            for axis in grid or []:
                name, sep, values = axis.partition("=")
                if not sep or not values:
                    raise ConfigError(f"--grid expects name=v1,v2,..., got {axis!r}")
                axes[name.strip()] = [sweeps.parse_value(v) for v in values.split(",")]
            assignments = parse_assignments(overrides or [])
            design = sweeps.SweepSpec(
                scenario=chosen.name,
                grid=axes,
                seeds=seeds,
                months=months,
                resolution=resolution,
                set={k: sweeps.parse_value(v) for k, v in assignments.items()},
            )
        if max_runs is not None:
            design = design.model_copy(update={"max_runs": max_runs})
        points = sweeps.plan(design, chosen if spec is None else None)
    todo = len(sweeps.pending(points, out))
    failures = 0
    with progress_bar() as progress:
        task = progress.add_task(f"{todo} of {len(points)} runs to do", total=todo)

        def on_done(summary: dict) -> None:
            nonlocal failures
            failures += not summary["ok"]
            progress.update(task, advance=1, description=f"{todo} runs to do, {failures} failed")

        with refused("'--out'", sweeps.FolderBusy):
            sweeps.execute(design, points, out, workers, dask, slurm_jobs, on_done)
    state = sweeps.status(out)
    print(
        f"{len(state['done'])} done, {len(state['truncated'])} truncated, "
        f"{len(state['failed'])} failed, {len(state['missing'])} missing in {out} "
        f"({len(points) - todo} already done before this run)"
    )


@app.command(short_help="Morris or Sobol indices of a sweep's outputs")
def sensitivity(
    spec: Annotated[Path, typer.Argument(help="TOML spec with design morris or sobol")],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            callback=output_folder("sweep.json"),
            help="folder (the sweep and the results)",
        ),
    ],
    workers: Workers = CORES,
) -> None:
    """Morris (μ*, σ) or Sobol (S1, ST) indices of the spec's outputs, with a plot."""
    from mxstab.experiments import sweep as sweeps
    from mxstab.experiments.sensitivity import sensitivity as run_sensitivity
    from mxstab.model.config import ConfigError

    with refused("'SPEC'", ConfigError, ValueError):
        design = sweeps.load_spec(spec)
        total = len(sweeps.pending(sweeps.plan(design), out))
    with progress_bar() as progress:
        task = progress.add_task(f"{total} runs", total=total)
        with refused("'SPEC'", ConfigError), refused("'--out'", sweeps.FolderBusy):
            files = run_sensitivity(design, out, workers, on_done=lambda _: progress.advance(task))
    import pandas as pd

    print(pd.read_csv(files[0]).to_string(index=False))
    print(f"wrote {', '.join(str(f) for f in files)}")


@app.command(short_help="Rebuild every figure and table of a study")
def reproduce(
    spec: Annotated[Path, typer.Argument(help="study spec (experiments/specs/*.toml)")],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            callback=output_folder("manifest.json", "compare", "robustness", "validation"),
            help="folder for figures and tables (a killed study rerun continues)",
        ),
    ],
) -> None:
    """Rebuild every figure and table of a study, with a manifest of what produced them."""
    from mxstab.experiments.reproduce import load_study
    from mxstab.experiments.reproduce import reproduce as run_study
    from mxstab.model.config import ConfigError

    with refused("'SPEC'", ConfigError, OSError):
        load_study(spec)
    from mxstab.experiments.sweep import FolderBusy

    with refused("'--out'", FolderBusy), failing_runs():
        files = run_study(spec, out)
    print(f"wrote {len(files)} files in {out}; manifest: {files[-1]}")


@app.command(short_help="Which effects hold across the assumptions")
def robustness(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            callback=output_folder("sweep.json"),
            help="folder for the runs and the tables",
        ),
    ],
    scenarios: Annotated[
        str, typer.Option(help="comma-separated scenarios (default: all; the baseline always runs)")
    ] = "",
    samples: Annotated[
        int, typer.Option(min=2, max=100_000, help="Latin hypercube points over the assumptions")
    ] = 200,
    seeds: Annotated[str, typer.Option(help="seeds per point: a count N or a range A-B")] = "2",
    months: Annotated[int, typer.Option(min=1, max=600, help="months from January 2024")] = 87,
    workers: Workers = 2,
    dask: Dask = None,
    slurm: SlurmFlag = False,
    queue: Queue = "normal",
    cores: Cores = 8,
    memory: Memory = "16GB",
    walltime: Walltime = "02:00:00",
    jobs: Jobs = 4,
    design_seed: Annotated[int, typer.Option(min=0, help="the hypercube's seed")] = 0,
    max_runs: MaxRuns = None,
) -> None:
    """Which conclusions survive what we do not know: every scenario against the baseline over a
    Latin hypercube of the assumed parameters' plausible ranges × seeds (each drawing the
    calibrated parameters from their posteriors); writes robustness.csv (effect median, 90%
    range and share_sign per scenario and outcome), drivers.csv, effects.csv, design.csv and,
    with the adaptive scenario, prim_boxes.csv. Resumable: a rerun skips finished runs."""
    import time

    from mxstab.experiments.robustness import robustness as run_robustness
    from mxstab.experiments.robustness import run_count
    from mxstab.experiments.run import parse_seeds
    from mxstab.model.config import ConfigError
    from mxstab.model.scenarios import load_scenario, scenario_names

    names = [n.strip() for n in scenarios.split(",") if n.strip()] or scenario_names()
    with refused("'--scenarios'", ConfigError):
        for name in names:
            load_scenario(name)
    if not set(names) - {"baseline"}:
        raise typer.BadParameter(
            "name a scenario besides the baseline (effects are against it)",
            param_hint="'--scenarios'",
        )
    with refused("'--seeds'", ValueError):
        seed_list = parse_seeds(seeds)
    slurm_jobs = executor(
        dask, slurm, queue=queue, cores=cores, memory=memory, walltime=walltime, jobs=jobs
    )
    from mxstab.experiments import sweep as sweeps

    with refused("'--max-runs'", ConfigError):
        sweeps.check_size(run_count(names, samples, len(seed_list)), max_runs or sweeps.MAX_RUNS)
    started = time.perf_counter()
    with progress_bar() as progress, refused("'--out'", sweeps.FolderBusy), failing_runs():
        task = progress.add_task("robustness runs", total=None)
        files = run_robustness(
            names,
            samples,
            seed_list,
            months,
            out,
            workers,
            seeds,
            dask,
            slurm_jobs,
            design_seed=design_seed,
            max_runs=max_runs or sweeps.MAX_RUNS,
            on_done=lambda _: progress.advance(task),
        )
    print(f"wrote {', '.join(str(f) for f in files)} in {time.perf_counter() - started:.0f} s")


@app.command("sweep-status", short_help="Which runs of a sweep are done, failed, missing")
def sweep_status(folder: Annotated[Path, typer.Argument(help="a sweep folder")]) -> None:
    """Say which runs of a sweep are done, failed or missing."""
    from mxstab.experiments import sweep as sweeps
    from mxstab.model.config import ConfigError

    with refused("'FOLDER'", ConfigError):
        state = sweeps.status(folder)
    for kind, ids in state.items():
        print(f"{kind}: {len(ids)}")
    for run in state["truncated"]:
        print(f"  truncated {run}: its file is not whole; the next sweep reruns it")
    for run in state["failed"]:
        try:
            error = json.loads((folder / "runs" / f"{run}.error.json").read_text())["error"]
        except (OSError, ValueError, KeyError, TypeError):
            error = "(its error.json is not whole)"
        print(f"  failed {run}: {error}")


@app.command(short_help="A sweep's finished runs as one Parquet table")
def collect(
    folder: Annotated[Path, typer.Argument(help="a sweep folder")],
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", callback=output_folder(kind="file"), help="the Parquet file to write"
        ),
    ],
) -> None:
    """All finished runs of a sweep as one Parquet table."""
    from mxstab.experiments import sweep as sweeps
    from mxstab.model.config import ConfigError

    with refused("'FOLDER'", ConfigError):
        rows, unfinished = sweeps.collect(folder, out)
    print(f"wrote {out}: {rows} rows")
    if unfinished:
        print(
            f"note: {unfinished} planned runs are not finished (see sweep-status)", file=sys.stderr
        )


@app.command(short_help="List the named scenarios")
def scenarios() -> None:
    """List the named scenarios with a one-line description each."""
    from mxstab.model.scenarios import load_scenario, scenario_names

    table = Table(title="scenarios (policy from April 2026; the record before it)")
    table.add_column("scenario")
    table.add_column("description")
    for name in scenario_names():
        table.add_row(name, load_scenario(name).description)
    Console().print(table)


@app.command(short_help="Measure step times and kernel speed-ups")
def bench(
    quick: Annotated[bool, typer.Option(help="fewer repetitions")] = False,
    sweep: Annotated[
        bool, typer.Option("--sweep", help="sweep throughput and parent memory instead")
    ] = False,
    json_out: Annotated[Path | None, typer.Option("--json", help="write the figures here")] = None,
    chromium: Annotated[
        Path, typer.Option(help="the Chromium that times the app in a browser (not with --quick)")
    ] = Path("/usr/bin/chromium"),
) -> None:
    """Measure step times and kernel ratios in one process; print them (and write JSON)."""
    import importlib.util

    from mxstab.experiments.bench import run_benchmarks, run_sweep_benchmarks
    from mxstab.model.io import write_atomic

    browser = None
    if not (quick or sweep):
        if not chromium.is_file() or importlib.util.find_spec("playwright") is None:
            print(
                f"note: app_page_load_s and app_step_both_browser_ms_025 not measured: need "
                f"{chromium} and Playwright (the test extra)",
                file=sys.stderr,
            )
        else:
            browser = str(chromium)
    figures = run_sweep_benchmarks(quick) if sweep else run_benchmarks(quick, browser)
    table = Table(title="mxstab bench" + (" (quick)" if quick else ""))
    table.add_column("figure")
    table.add_column("value", justify="right")
    for name, value in figures.items():
        table.add_row(name, f"{value:.3g}")
    Console().print(table)
    if json_out is not None:
        write_atomic(json_out, lambda p: p.write_text(json.dumps(figures, indent=1)))


@app.command(short_help="Every parameter: kind, default, unit, range")
def params(
    as_json: Annotated[bool, typer.Option("--json", help="print a JSON list")] = False,
) -> None:
    """Every model parameter: dotted name, type, default, unit, allowed range, description, and
    its kind (published, calibrated, assumed, lever, setting) with an assumed one's plausible
    range and why (in --json)."""
    from mxstab.model.config import field_table

    rows = field_table()
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    table = Table(title="Parameters (set with --set name=value)")
    shown = ("name", "kind", "default", "unit", "min", "max", "low", "high", "description")
    for column in shown:
        table.add_column(column)
    for row in rows:
        table.add_row(*(shown_value(row[k]) for k in shown))
    Console(width=max(Console().width, 160)).print(table)


def shown_value(value: Any) -> str:
    """A parameter's value as `mxstab params` prints it: numbers to 4 significant figures."""
    from mxstab.viz.numbers import number

    if value is None:
        return ""
    if isinstance(value, float):
        return number(value, digits=4)
    return str(value)


class CalibrationPart(StrEnum):
    all = "all"
    violence = "violence"
    governments = "governments"


@app.command(short_help="Fit the calibrated parameters")
def calibrate(
    part: Annotated[
        CalibrationPart,
        typer.Option(
            help="all; only the violence mechanisms (the backtests' simulation-based fit, "
            "minutes); or only the governments' weights (seconds: no model runs)"
        ),
    ] = CalibrationPart.all,
    trials: Annotated[
        int, typer.Option(min=2, max=10_000, help="the violence fit's optimisation trials")
    ] = 40,
    seeds: Annotated[str, typer.Option(help="the violence fit's seeds per backtest")] = "4",
    workers: Workers = 2,
    dask: Dask = None,
) -> None:
    """Fit the calibrated parameters to their published targets (calibration.toml), the violence
    mechanisms to the training window's backtests (violence_posterior.csv, violence_fit.toml)
    and the two governments' weights to 2019–2023 (their posterior draws, governments_fit.toml)."""
    from mxstab.experiments.calibrate import CALIBRATION_FILE
    from mxstab.experiments.calibrate import calibrate as run_calibration
    from mxstab.experiments.governments import fit_governments, write_posteriors
    from mxstab.experiments.run import parse_seeds
    from mxstab.experiments.violence_fit import fit_violence, write_violence_fit

    with refused("'--seeds'", ValueError):
        seed_list = parse_seeds(seeds)
        if len(seed_list) < 2:
            raise ValueError("the violence fit's fair CRPS needs 2 or more seeds")
    if part == CalibrationPart.governments and (trials != 40 or seeds != "4" or dask):
        raise typer.BadParameter(
            "the governments' fit runs no models: --trials, --seeds and --dask are the violence "
            "fit's",
            param_hint="'--part'",
        )
    executor(dask, slurm=False)

    def fit_violence_mechanisms(known: dict[str, float]) -> list:
        fitted, lines = write_violence_fit(fit_violence(trials, seed_list, workers, dask, known))
        print(*lines, sep="\n")
        return fitted

    if part == CalibrationPart.all:
        for fitted in run_calibration(fit_violence_mechanisms):
            print(
                f"{fitted.name} = {fitted.value:.6g}  ({fitted.achieved}; target: {fitted.target})"
            )
        print(f"wrote {CALIBRATION_FILE}")
    if part == CalibrationPart.violence:
        fit_violence_mechanisms({})
        print(
            "note: leadership.splinter_rivalry was fitted on the previous violence values; "
            "`mxstab calibrate` refits it after them"
        )
    if part in (CalibrationPart.all, CalibrationPart.governments):
        for line in write_posteriors(fit_governments()):  # the fit runs the calibrated model
            print(line)


def main() -> None:
    """Run the CLI; a usage error is one line on stderr and exit code 2, never a traceback."""
    command = typer.main.get_command(app)
    try:
        code = command.main(args=sys.argv[1:] or ["--help"], standalone_mode=False)
    except typer.Exit as done:
        code = done.exit_code
    except typer.TyperException as error:
        print(f"mxstab: error: {error.format_message()}", file=sys.stderr)
        code = error.exit_code
    except typer.Abort:
        print("mxstab: aborted", file=sys.stderr)
        code = 1
    sys.exit(code or 0)
