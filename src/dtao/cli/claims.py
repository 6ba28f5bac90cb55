"""``dtao claims``: run the shipped suite of the seeds' claims and write its report
(``docs/claims.md``). A bad suite or predicate is one line on stderr and exit code 2."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from dtao.cli.common import console, err
from dtao.errors import ConfigError


def claims_command(
    quick: bool = typer.Option(False, "--quick", help="Short horizons (a couple of minutes)."),
    out: Path = typer.Option(Path("runs/claims"), "--out", help="Report folder."),
) -> None:
    """Test the claims made for and against dTAO: a scenario and a predicate each."""
    from dtao.sim.claims import load_suite, run_claims
    from dtao.sim.scenario import ScenarioError

    started = time.perf_counter()
    try:
        suite = load_suite()
        out.mkdir(parents=True, exist_ok=True)
        rows = run_claims(out, quick=quick, suite=suite)
    except (ConfigError, ScenarioError, OSError) as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    screen = console()
    for row in rows:
        verdict = "holds" if row["verdict"] else "does not hold"
        screen.print(f"{row['id']:<20} {verdict:<14} {row['sentence']}", markup=False)
    seconds = time.perf_counter() - started
    screen.print(
        f"wrote {out}/ (report.html, claims.parquet, claims.json) in {seconds:.0f} s",
        markup=False,
    )
