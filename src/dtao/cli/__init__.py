"""The ``dtao`` command line (typer + rich), thin over the public API.

One module per command group (``dtao.cli.presets``, ``dtao.cli.vectors``, …), registered here.
Errors from the protocol or from bad input become one clear line on stderr and exit code 1
(2 for usage errors), never a traceback.
"""

from __future__ import annotations

import json
import sys
from typing import NoReturn

import typer

from dtao import __version__
from dtao.cli import local
from dtao.cli.common import console as _console
from dtao.cli.common import err
from dtao.cli.presets import presets_app
from dtao.cli.sim import sim_app, snapshot_command
from dtao.cli.sim_sweep import sweep_command
from dtao.cli.vectors import vectors_app
from dtao.errors import DtaoError
from dtao.params import DEFAULT_PRESET

try:  # typer >= 0.2x carries its own click
    from typer._click import exceptions as _click_errors
except ImportError:  # pragma: no cover - typer over the click package
    from click import exceptions as _click_errors  # type: ignore[no-redef]

app = typer.Typer(
    help="dtao: an exact engine and simulator of Bittensor's Dynamic TAO economy.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(vectors_app, name="vectors")
app.add_typer(presets_app, name="presets")
local.register(app)  # init, step, history, verify, rewind
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
    """Entry point: run the app. A usage error (unknown command or option, a bad value)
    becomes one line on stderr and exit code 2; a dtao error one line and exit code 1."""
    try:
        code = app(standalone_mode=False)
    except _click_errors.NoArgsIsHelpError as exc:  # a bare group: its help, as click does
        print(exc.ctx.get_help() if exc.ctx else str(exc), file=sys.stderr)
        sys.exit(2)
    except _click_errors.UsageError as exc:
        where = f"{exc.ctx.command_path}: " if exc.ctx else ""
        _fail(f"{where}{exc.format_message()}", 2)
    except _click_errors.ClickException as exc:
        _fail(exc.format_message(), exc.exit_code)
    except typer.Abort:
        _fail("aborted", 130)
    except DtaoError as exc:
        _fail(f"{type(exc).__name__}: {exc}", 1)
    sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str, code: int) -> NoReturn:
    """``error: message`` as one line on stderr, then exit ``code``."""
    print("error: " + " ".join(message.split()), file=sys.stderr)
    sys.exit(code)
