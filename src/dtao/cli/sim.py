"""``dtao sim run | list | report`` and ``dtao snapshot``: scenarios from the command line.

A bad scenario (or snapshot) is one line on stderr and exit code 2, before anything runs.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import typer

from dtao.cli.common import console, err
from dtao.errors import ConfigError, DtaoError

sim_app = typer.Typer(
    help="Scenarios on the real network: run, list, report.", no_args_is_help=True
)


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(code)


@sim_app.command("run")
def run(
    scenario: str = typer.Argument(..., help="A shipped scenario name (dtao sim list) or a TOML."),
    out: Path | None = typer.Option(None, "--out", help="Run folder (default runs/NAME)."),
    days: float | None = typer.Option(None, "--days", help="Override the duration (days)."),
    seed: int | None = typer.Option(None, "--seed", help="Override the seed."),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bar, only the summary line."),
) -> None:
    """Run a scenario and write its folder: manifest, Parquet tables, summary, report."""
    from dtao.sim.scenario import ScenarioError, scenario_dict, scenario_from_dict, scenario_path

    try:
        path = scenario_path(scenario)
        data = scenario_dict(path)
        if days is not None:
            data.pop("blocks", None)
            data["days"] = days
        if seed is not None:
            data["seed"] = seed
        parsed = scenario_from_dict(data, str(path))
    except (ScenarioError, ConfigError) as exc:
        raise _fail(str(exc)) from None
    from dtao.sim.report import render_report
    from dtao.sim.runner import run_scenario

    out_dir = out if out is not None else Path("runs") / parsed.name
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(f"{out_dir}: cannot write the run folder ({exc.strerror})") from None
    started = time.perf_counter()
    try:
        summary = run_scenario(parsed, out_dir, progress=not quiet)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    seconds = time.perf_counter() - started
    files = []
    if parsed.outputs.report or parsed.outputs.png:
        files = render_report(out_dir, page=parsed.outputs.report, pngs=parsed.outputs.png)
    _print_summary(summary, out_dir, seconds, files)


def _print_summary(summary: dict, out_dir: Path, seconds: float, files: list[Path]) -> None:
    blocks = summary["blocks"]
    top = ", ".join(
        f"{row['netuid']}: {row['emission_share']:.1%}" for row in summary["top_subnets"][:5]
    )
    lines = [
        f"{summary['scenario']} ({summary['preset']}, seed {summary['seed']}): {blocks:,} blocks "
        f"({blocks / 7200:.2f} days) over {summary['subnets']} subnets in {seconds:.1f} s "
        f"({blocks / max(seconds, 1e-9):,.0f} blocks/s)",
        f"largest emission shares at the end: {top}",
    ]
    for shock in summary["shocks"]:
        status = "ok" if shock["ok"] else "refused: " + "; ".join(shock["errors"])
        lines.append(f"shock {shock['kind']} at run block {shock['at']}: {status}")
    written = "".join(f", {f.name}" for f in files)
    lines.append(f"wrote {out_dir}/ (manifest.json, summary.json, *.parquet{written})")
    out = console()
    for line in lines:
        out.print(line, markup=False, highlight=False)


@sim_app.command("list")
def list_scenarios() -> None:
    """The shipped scenarios, each with its one-line description."""
    from dtao.sim.scenario import load_scenario, shipped_scenarios

    out = console()
    for name in shipped_scenarios():
        out.print(f"{name:<16} {load_scenario(name).description}", markup=False)


@sim_app.command("report")
def report(
    run_dir: Path = typer.Argument(..., help="A run folder (dtao sim run ... --out)."),
) -> None:
    """Render the HTML report and PNG charts again from a run folder's Parquet tables."""
    from dtao.sim.report import render_report

    try:
        files = render_report(run_dir)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    console().print("wrote " + ", ".join(str(f) for f in files))


def snapshot_command(
    out: Path = typer.Argument(..., help="The snapshot file to write (JSON)."),
    network: str = typer.Option("finney", "--network", help="The SDK's network name or URL."),
) -> None:
    """Write a fresh snapshot of the live network's subnets (needs the [live] extra)."""
    from dtao.sim.live import fetch_rows

    try:
        rows = fetch_rows(network)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    except DtaoError as exc:
        raise _fail(str(exc), 1) from None
    out.write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    console().print(f"wrote {len(rows)} subnet rows to {out}")
