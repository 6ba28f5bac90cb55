"""``dtao sim sweep SWEEP``: a grid of scenario keys × seeds (registered by ``dtao.cli.sim``)."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from dtao.cli.common import err
from dtao.errors import DtaoError


def sweep_command(
    sweep: str = typer.Argument(..., help="A sweep file (TOML) or a shipped sweep's name."),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Output folder (default: the file's outputs.dir, else sweeps/<name>).",
    ),
    workers: int = typer.Option(
        os.cpu_count() or 1, "--workers", min=1, help="Processes (of the pool or LocalCluster)."
    ),
    dask: str | None = typer.Option(
        None,
        "--dask",
        help="Run on Dask: 'local' (a LocalCluster of --workers processes) or a scheduler's "
        "address tcp://HOST:PORT. Needs Dask (the dask extra of dtao).",
    ),
    resume: bool = typer.Option(
        True, "--resume/--no-resume", help="Skip runs that finished before (default) or redo all."
    ),
) -> None:
    """Run a sweep: every grid point × seed, in a process pool or on Dask; write
    results.parquet (one row per run, sorted by run id) and summary.html."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from dtao.sim.sweep import SweepError, load_sweep, run_sweep

    executor = "process" if dask is None else "dask-local" if dask == "local" else dask
    try:
        plan = load_sweep(sweep)
        if dask is not None and dask != "local" and "://" not in dask:
            raise SweepError(f"--dask {dask!r}: expected 'local' or an address tcp://HOST:PORT")
    except DtaoError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None

    counts = {"ran": 0, "skipped": 0}
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(f"sweep {plan.name}", total=len(plan.runs))

        def advance(_run: object, skipped: bool) -> None:
            counts["skipped" if skipped else "ran"] += 1
            bar.advance(task)

        try:
            table = run_sweep(plan, out, executor, workers, resume, on_run=advance)
        except SweepError as exc:  # Dask missing or unreachable: a usage error
            bar.stop()
            err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
    print(
        f"{len(plan.runs)} runs: {counts['ran']} ran, {counts['skipped']} skipped "
        f"(finished before); table {table}; summary {table.with_name('summary.html')}"
    )
