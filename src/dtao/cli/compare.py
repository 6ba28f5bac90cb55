"""``dtao compare SCENARIO --presets a,b,…``: one scenario under several presets, side by side
(``dtao.sim.compare``; ``docs/compare.md``). A bad scenario or preset list is one line on stderr
and exit code 2, before anything runs."""

from __future__ import annotations

from pathlib import Path

import typer

from dtao.cli.common import console, err
from dtao.errors import ConfigError

DEFAULT_PRESETS = "root-vote,launch,taoflow,summer-2026,current"


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(code)


def compare_command(
    scenario: str = typer.Argument(..., help="A shipped scenario name (dtao sim list) or a TOML."),
    presets: str = typer.Option(DEFAULT_PRESETS, "--presets", help="Comma-separated presets."),
    days: float | None = typer.Option(None, "--days", help="Override the duration (days)."),
    out: Path | None = typer.Option(None, "--out", help="Folder (default runs/compare-NAME)."),
    share_rule: str | None = typer.Option(
        None, "--share-rule", help="MODULE:FUNC, also run with this share rule (rule lab)."
    ),
) -> None:
    """Run one scenario under each preset and write a side-by-side report."""
    from dtao.params import PRESETS
    from dtao.sim.scenario import ScenarioError, scenario_dict, scenario_from_dict, scenario_path

    names = [p.strip() for p in presets.split(",") if p.strip()]
    unknown = [p for p in names if p not in PRESETS]
    if not names or unknown:
        known = ", ".join(sorted(PRESETS))
        raise _fail(f"--presets: unknown preset {(unknown or [''])[0]!r}; known: {known}")
    if len(set(names)) != len(names):
        raise _fail("--presets: a preset is named twice")
    try:
        data = scenario_dict(scenario_path(scenario))
        if days is not None:
            data.pop("blocks", None)
            data["days"] = days
        parsed = scenario_from_dict(data, scenario)
        for p in names:
            scenario_from_dict({**data, "preset": p}, scenario)
        from dtao.rule_lab import load
        from dtao.sim.compare import FIGURES, run_comparison, variants

        if share_rule is not None:
            load(share_rule)
        labels = [label for label, _ in variants(parsed, names, share_rule)]
    except (ScenarioError, ConfigError) as exc:
        raise _fail(str(exc)) from None

    out_dir = out if out is not None else Path("runs") / f"compare-{parsed.name}"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(f"{out_dir}: cannot write the folder ({exc.strerror})") from None
    try:
        result = run_comparison(parsed, names, out_dir, share_rule)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    show = console()
    for preset in labels:
        figures = result["figures"][preset]
        line = ", ".join(
            f"{key} {figures[key]:.4g}" for key in FIGURES if isinstance(figures[key], int | float)
        )
        show.print(f"{preset}: {line}", markup=False, highlight=False)
    show.print(f"wrote {out_dir}/compare.html, compare.json, compare_*.parquet, compare_*.png")
