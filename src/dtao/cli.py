"""The ``dtao`` command line (typer + rich), thin over the public API.

Errors from the protocol or from bad input become one clear line on stderr and exit code 1
(2 for usage errors), never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console

from dtao import __version__
from dtao.errors import DtaoError

app = typer.Typer(
    help="dtao: an exact engine and simulator of Bittensor's Dynamic TAO economy.",
    no_args_is_help=True,
    add_completion=False,
)
vectors_app = typer.Typer(help="Replay the chain's test vectors.", no_args_is_help=True)
app.add_typer(vectors_app, name="vectors")
err = Console(stderr=True)


def _print_version(value: bool) -> None:
    if value:
        print(f"dtao {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """dtao: an exact engine and simulator of Bittensor's Dynamic TAO economy."""


@vectors_app.command("run")
def vectors_run(
    paths: list[Path] = typer.Argument(..., help="Vector files or folders (*.json, recursive)."),
    preset: str | None = typer.Option(
        None, "--preset", help="Only cases of this preset (and preset-free ones)."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List every pending case."),
) -> None:
    """Run every case; print counts per file and per preset and a last line
    'N passed, M failed' (', K pending' when cases wait for a preset or feature)."""
    from dtao.conformance.runner import run

    try:
        _, failed = run(paths, sys.stdout, verbose=verbose, preset=preset)
    except FileNotFoundError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(2) from None
    raise typer.Exit(1 if failed else 0)


@app.command()
def demo(
    days: float = typer.Option(3.0, min=0.0, max=365.0, help="Simulated days (7200 blocks/day)."),
    subnets: int = typer.Option(4, min=1, max=128, help="Number of subnets."),
    seed: int = typer.Option(7, help="Random seed of the agents."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    preset: str = typer.Option("launch", "--preset", help="The era's rules (a preset name)."),
) -> None:
    """Run a small network under a preset's rules and print a per-subnet summary."""
    from dtao.sim.demo import print_summary, run_demo

    summary = run_demo(days=days, subnets=subnets, seed=seed, progress=err, preset=preset)
    if as_json:
        print(json.dumps(summary, indent=1, sort_keys=True))
        return
    console = Console()
    if not console.is_terminal:
        console = Console(width=160)
    print_summary(summary, console)


def main() -> None:
    """Entry point: run the app, turning dtao errors into one line and exit code 1."""
    try:
        app()
    except DtaoError as exc:
        err.print(f"error: {type(exc).__name__}: {exc}")
        sys.exit(1)


if __name__ == "__main__":
    main()
