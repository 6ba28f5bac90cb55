"""The ``dtao`` command line (typer + rich), thin over the public API.

Errors from the protocol or from bad input become one clear line on stderr and exit code 1
(2 for usage errors), never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from dtao import __version__
from dtao.errors import DtaoError
from dtao.params import DEFAULT_PRESET, PRESETS, describe, differences, get_preset

app = typer.Typer(
    help="dtao: an exact engine and simulator of Bittensor's Dynamic TAO economy.",
    no_args_is_help=True,
    add_completion=False,
)
vectors_app = typer.Typer(help="Replay the chain's test vectors.", no_args_is_help=True)
app.add_typer(vectors_app, name="vectors")
presets_app = typer.Typer(
    help="The presets (eras): their constants with units and sources.", no_args_is_help=True
)
app.add_typer(presets_app, name="presets")
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


def _console() -> Console:
    """Standard output; 160 columns wide when it is not a terminal (pipes, tests)."""
    console = Console()
    return console if console.is_terminal else Console(width=160)


def _show(value: object) -> str:
    """A constant as text: strings as they are, numbers and switches by ``repr``."""
    return value if isinstance(value, str) else repr(value)


@presets_app.command("list")
def presets_list(
    as_json: bool = typer.Option(False, "--json", help="Print the list as JSON."),
) -> None:
    """Every preset: its name, the upstream commit it mirrors, what it is (default marked)."""
    default = get_preset(DEFAULT_PRESET)
    rows: list[dict[str, Any]] = [
        {
            "name": name,
            "commit": params.commit,
            "description": params.description,
            "default": name == DEFAULT_PRESET,
            "differs_from_default": len(differences(default, params)),
        }
        for name, params in PRESETS.items()
    ]
    if as_json:
        print(json.dumps(rows, indent=1))
        return
    table = Table(title="dtao presets")
    for header in ("preset", "commit", "constants ≠ default", "description"):
        table.add_column(header)
    for row in rows:
        name = f"{row['name']} (default)" if row["default"] else row["name"]
        table.add_row(name, row["commit"], str(row["differs_from_default"]), row["description"])
    _console().print(table)


@presets_app.command("show")
def presets_show(
    name: str = typer.Argument(..., help="A preset name (see 'dtao presets list')."),
    as_json: bool = typer.Option(False, "--json", help="Print the constants as JSON."),
) -> None:
    """Every constant of a preset with its value, unit and upstream source."""
    params = get_preset(name)
    rows = describe(params)
    if as_json:
        doc = {"preset": name, "commit": params.commit, "description": params.description}
        print(json.dumps({**doc, "constants": rows}, indent=1))
        return
    table = Table(title=f"preset {name} ({params.commit}): {params.description}")
    for header in ("constant", "value", "unit", "source"):
        table.add_column(header)
    for row in rows:
        table.add_row(row["name"], _show(row["value"]), row["unit"], row["source"])
    _console().print(table)


@presets_app.command("diff")
def presets_diff(
    a: str = typer.Argument(..., help="A preset name."),
    b: str = typer.Argument(..., help="Another preset name."),
    as_json: bool = typer.Option(False, "--json", help="Print the differences as JSON."),
) -> None:
    """The constants whose values differ between presets A and B, with units and sources."""
    first, second = get_preset(a), get_preset(b)
    rows = differences(first, second)
    if as_json:
        commits = {"commit_a": first.commit, "commit_b": second.commit}
        print(json.dumps({"a": a, "b": b, **commits, "differences": rows}, indent=1))
        return
    title = f"{a} ({first.commit}) → {b} ({second.commit}): {len(rows)} constants differ"
    if not rows:
        print(title)
        return
    table = Table(title=title)
    for header in ("constant", a, b, "unit", f"source ({b})"):
        table.add_column(header)
    for row in rows:
        table.add_row(row["name"], _show(row["a"]), _show(row["b"]), row["unit"], row["source_b"])
    _console().print(table)


@app.command()
def demo(
    days: float = typer.Option(1.0, min=0.0, max=365.0, help="Simulated days (7200 blocks/day)."),
    subnets: int = typer.Option(4, min=1, max=128, help="Number of subnets."),
    seed: int = typer.Option(7, help="Random seed of the agents."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    preset: str = typer.Option(
        DEFAULT_PRESET, "--preset", help="The era's rules (a preset name; see 'dtao presets list')."
    ),
) -> None:
    """Run a small network under a preset's rules and print a per-subnet summary."""
    from dtao.sim.demo import print_summary, run_demo

    summary = run_demo(days=days, subnets=subnets, seed=seed, progress=err, preset=preset)
    if as_json:
        print(json.dumps(summary, indent=1, sort_keys=True))
        return
    print_summary(summary, _console())


def main() -> None:
    """Entry point: run the app, turning dtao errors into one line and exit code 1."""
    try:
        app()
    except DtaoError as exc:
        err.print(f"error: {type(exc).__name__}: {exc}")
        sys.exit(1)


if __name__ == "__main__":
    main()
