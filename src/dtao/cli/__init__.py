"""The ``dtao`` command line (typer + rich), thin over the public API.

One module per command group (``dtao.cli.presets``, ``dtao.cli.vectors``, …), registered here.
Errors from the protocol or from bad input become one clear line on stderr and exit code 1
(2 for usage errors), never a traceback.
"""

from __future__ import annotations

import json
import sys

import typer

from dtao import __version__
from dtao.cli.common import console as _console
from dtao.cli.common import err
from dtao.cli.presets import presets_app
from dtao.cli.sim import sim_app, snapshot_command
from dtao.cli.sim_sweep import sweep_command
from dtao.cli.vectors import vectors_app
from dtao.errors import DtaoError
from dtao.params import DEFAULT_PRESET

app = typer.Typer(
    help="dtao: an exact engine and simulator of Bittensor's Dynamic TAO economy.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(vectors_app, name="vectors")
app.add_typer(presets_app, name="presets")
sim_app.command("sweep")(sweep_command)
app.add_typer(sim_app, name="sim")
app.command("snapshot")(snapshot_command)


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
