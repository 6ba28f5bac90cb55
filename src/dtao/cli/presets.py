"""``dtao presets``: every preset's constants with units and sources, and what differs."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.table import Table

from dtao.cli.common import console as _console
from dtao.cli.common import show as _show
from dtao.params import DEFAULT_PRESET, PRESETS, describe, differences, get_preset

presets_app = typer.Typer(
    help="The presets (eras): their constants with units and sources.", no_args_is_help=True
)


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
