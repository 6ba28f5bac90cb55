"""``dtao vectors``: replay the chain's test vectors."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from dtao.cli.common import err

vectors_app = typer.Typer(help="Replay the chain's test vectors.", no_args_is_help=True)


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
