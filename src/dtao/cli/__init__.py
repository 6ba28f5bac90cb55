"""The ``dtao`` command line (typer + rich), thin over the public API.

One module per command group (``dtao.cli.presets``, ``dtao.cli.vectors``, …), registered here.
:func:`main` turns every failure into one line on stderr, never a traceback: a usage error (an
unknown command or option, a bad value, an unknown wallet or hotkey) exits 2; a rejected
operation or another dtao error names the error (the chain's name for a rejection) and exits 1.
"""

from __future__ import annotations

import json
import os
import sys

import typer

from dtao import __version__
from dtao.cli import local
from dtao.cli.claims import claims_command
from dtao.cli.common import console as _console
from dtao.cli.common import err
from dtao.cli.compare import compare_command
from dtao.cli.presets import presets_app
from dtao.cli.quote import quote_app
from dtao.cli.root import root_app
from dtao.cli.sim import sim_app, snapshot_command
from dtao.cli.sim_sweep import sweep_command
from dtao.cli.stake import stake_app
from dtao.cli.subnets import subnets_app
from dtao.cli.vectors import vectors_app
from dtao.cli.wallet import wallet_app
from dtao.cli.weights import weights_app
from dtao.errors import DtaoError
from dtao.params import DEFAULT_PRESET

app = typer.Typer(
    help="dtao: an exact engine and simulator of Bittensor's Dynamic TAO economy.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(vectors_app, name="vectors")
app.add_typer(presets_app, name="presets")
local.register(app)  # init, step, history, verify, rewind
app.add_typer(wallet_app, name="wallet")
app.add_typer(stake_app, name="stake")
app.add_typer(subnets_app, name="subnets")
app.add_typer(root_app, name="root")
app.add_typer(weights_app, name="weights")
app.add_typer(quote_app, name="quote")
sim_app.command("sweep")(sweep_command)
app.add_typer(sim_app, name="sim")
app.command("snapshot")(snapshot_command)
app.command("compare")(compare_command)
app.command("claims")(claims_command)


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


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _usage_line(exc: typer.TyperException) -> str:
    """A click error as one line: the command it concerns, then what was wrong."""
    ctx = getattr(exc, "ctx", None)
    where = f"{ctx.command_path}: " if ctx is not None else ""
    return _one_line(f"error: {where}{exc.format_message()}")


def run(args: list[str] | None = None) -> int:
    """Run the app on ``args`` (default: the process's) and return the exit code; every
    failure is one line on stderr (see the module docstring)."""
    try:
        code = app(args=args, prog_name="dtao", standalone_mode=False)
    except typer.TyperException as exc:  # usage errors: 2
        if type(exc).__name__ == "NoArgsIsHelpError":  # the help is already printed
            return exc.exit_code
        print(_usage_line(exc), file=sys.stderr)
        return exc.exit_code
    except typer.Abort:
        print("error: aborted (nothing was submitted)", file=sys.stderr)
        return 1
    except DtaoError as exc:  # a rejected operation (chain-named) or another dtao error
        print(_one_line(f"error: {type(exc).__name__}: {exc}"), file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: still one line unless asked for the traceback
        if os.environ.get("DTAO_DEBUG"):
            raise
        name = type(exc).__name__
        print(
            _one_line(f"error: internal {name}: {exc} (DTAO_DEBUG=1 shows the traceback)"),
            file=sys.stderr,
        )
        return 1
    return code if isinstance(code, int) else 0


def main() -> None:
    """Entry point of the ``dtao`` executable."""
    sys.exit(run())
