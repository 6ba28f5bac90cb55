"""The seeds' claims, tested (``dtao claims``, ``docs/claims.md``).

The suite (``claims.toml`` beside this module) lists each claim with the sentence it tests, a
scenario (merged over the suite's ``[base]`` keys; ``--quick`` merges the ``[quick]`` keys on
top), a predicate over the run's metric series (:mod:`dtao.sim.predicate`) and one
counter-scenario or several (keys replaced) on each of which the predicate must flip — the tests
run them. A claim with ``compare`` (preset names) also runs its scenario under each of those
presets, and its predicate reads those runs with ``preset=NAME``. A claim's verdict is the
predicate evaluated on its runs' tables; nothing in the verdict is written by hand.

Outputs of :func:`run_claims` in ``out_dir``: one run folder per claim (``<id>/``, the
simulator's tables; ``<id>/<preset>/`` for each compared preset), ``claims.parquet`` and
``claims.json`` (one row per claim: id, sentence, scenario, preset, compare, blocks, predicate,
the numbers it read as JSON, verdict) and ``report.html``
(the table and one plotly chart per claim of the series its predicate reads; plotly.js
inlined).
"""

from __future__ import annotations

import html
import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from dtao.errors import ConfigError
from dtao.sim import predicate
from dtao.sim.collector import BLOCKS_PER_DAY
from dtao.sim.report import load_run
from dtao.sim.runner import run_scenario
from dtao.sim.scenario import Scenario, scenario_from_dict

SUITE = "claims.toml"
CLAIMS_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("sentence", pa.string()),
        ("scenario", pa.string()),
        ("preset", pa.string()),
        ("compare", pa.string()),
        ("blocks", pa.int64()),
        ("predicate", pa.string()),
        ("numbers", pa.string()),
        ("verdict", pa.bool_()),
    ]
)


@dataclass(frozen=True)
class Claim:
    """One claim of the suite (the keys of its ``[[claims]]`` entry)."""

    id: str
    sentence: str
    predicate: str
    scenario: dict[str, Any]
    counters: tuple[dict[str, Any], ...] = ()  # each replaces keys of the scenario
    compare: tuple[str, ...] = ()  # other presets the scenario also runs under


@dataclass(frozen=True)
class Suite:
    """The suite: shared scenario keys, the quick run's keys, the claims."""

    base: dict[str, Any]
    quick: dict[str, Any]
    claims: tuple[Claim, ...]

    def scenario(
        self,
        claim: Claim,
        quick: bool = False,
        counter: int | None = None,
        preset: str | None = None,
    ) -> Scenario:
        """The validated scenario of a claim (or of its ``counter``-th counter-scenario),
        under ``preset`` (None: the scenario's own)."""
        data = {**self.base, **claim.scenario, "name": claim.id}
        if counter is not None:
            data.update(claim.counters[counter])
            data["name"] = f"{claim.id}-counter-{counter}"
        if quick:
            data.update(self.quick)
        if preset is not None:
            data["preset"] = preset
        return scenario_from_dict(data, f"{SUITE}: claim {claim.id}")


def suite_path() -> Path:
    """The shipped suite file."""
    return Path(str(resources.files("dtao.sim") / SUITE))


def load_suite(path: Path | None = None) -> Suite:
    """Read and check a suite (``ConfigError`` of one line naming the claim and key)."""
    path = path or suite_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the claims suite ({exc})") from None
    claims = []
    for i, entry in enumerate(data.get("claims", [])):
        where = f"{path.name}: claims[{i}]"
        unknown = set(entry) - {"id", "sentence", "predicate", "scenario", "counter", "compare"}
        missing = {"id", "sentence", "predicate", "scenario"} - set(entry)
        if unknown or missing:
            what = f"unknown key {min(unknown)}" if unknown else f"missing key {min(missing)}"
            raise ConfigError(f"{where}: {what}")
        tree = predicate.parse(entry["predicate"])  # a syntax error names the predicate
        counters = entry.get("counter", [])
        counters = [counters] if isinstance(counters, dict) else counters
        compare = entry.get("compare", [])
        if not isinstance(counters, list) or not all(isinstance(c, dict) for c in counters):
            raise ConfigError(f"{where}: counter must be a table or an array of tables")
        if not isinstance(compare, list) or not all(isinstance(p, str) for p in compare):
            raise ConfigError(f"{where}: compare must be a list of preset names")
        unrun = predicate.presets(tree) - set(compare)
        if unrun:
            raise ConfigError(f"{where}: the predicate reads preset={min(unrun)}, not in compare")
        claims.append(
            Claim(
                id=entry["id"],
                sentence=entry["sentence"],
                predicate=entry["predicate"],
                scenario=entry["scenario"],
                counters=tuple(counters),
                compare=tuple(compare),
            )
        )
    if not claims:
        raise ConfigError(f"{path.name}: no [[claims]]")
    return Suite(base=data.get("base", {}), quick=data.get("quick", {}), claims=tuple(claims))


def judge(
    suite: Suite, claim: Claim, run_dir: Path, quick: bool, counter: int | None = None
) -> dict:
    """Run a claim's scenario (or its ``counter``-th counter-scenario) into ``run_dir``, and
    under each compared preset into ``run_dir/<preset>``, and evaluate its predicate: the
    table row."""
    scenario = suite.scenario(claim, quick=quick, counter=counter)
    run_scenario(scenario, run_dir)
    for preset in claim.compare:
        run_scenario(suite.scenario(claim, quick, counter, preset), run_dir / preset)
    runs = _runs(run_dir, claim.compare)
    verdict, numbers = predicate.evaluate(claim.predicate, runs.pop(None), runs)
    return {
        "id": claim.id,
        "sentence": claim.sentence,
        "scenario": scenario.description,
        "preset": scenario.preset,
        "compare": ", ".join(claim.compare),
        "blocks": scenario.total_blocks,
        "predicate": claim.predicate,
        "numbers": json.dumps(numbers),
        "verdict": verdict,
    }


def _runs(run_dir: Path, compare: Iterable[str]) -> dict[Any, dict[str, Any]]:
    """A claim's run (key None) and its runs under the compared presets (key: the preset)."""
    return {None: load_run(run_dir), **{p: load_run(run_dir / p) for p in compare}}


def run_claims(out_dir: Path, quick: bool = False, suite: Suite | None = None) -> list[dict]:
    """Run every claim of the suite; write the table and the report (module docstring)."""
    suite = suite or load_suite()
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = [judge(suite, claim, out_dir / claim.id, quick) for claim in suite.claims]
    pq.write_table(pa.Table.from_pylist(rows, schema=CLAIMS_SCHEMA), out_dir / "claims.parquet")
    (out_dir / "claims.json").write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    write_report(rows, out_dir, quick)
    return rows


def _chart(row: dict, runs: dict[str | None, dict[str, Any]], first: bool) -> str:
    """Every series the claim's predicate reads, one panel each (their scales differ), on a
    shared time axis; plotly.js inlined with the first chart only."""
    import plotly.io as pio
    from plotly.subplots import make_subplots

    refs: list[predicate.Ref] = []
    for item in predicate.refs(predicate.parse(row["predicate"])):
        ref = item if isinstance(item, predicate.Ref) else item.args[0]
        whole = predicate.Ref(ref.column, ref.netuid, ref.agent, preset=ref.preset)
        if whole not in refs:
            refs.append(whole)
    names = [r.text().replace("[]", "") for r in refs]
    fig = make_subplots(rows=len(refs), cols=1, shared_xaxes=True, subplot_titles=names)
    for i, ref in enumerate(refs, start=1):
        points = predicate.series(runs[ref.preset], ref)
        fig.add_scatter(
            x=[b / BLOCKS_PER_DAY for b, _ in points],
            y=[v for _, v in points],
            mode="lines+markers",
            name=names[i - 1],
            row=i,
            col=1,
        )
    fig.update_xaxes(title_text="days since the start", row=len(refs), col=1)
    fig.update_layout(
        title=f"{row['id']}: the series its predicate reads",
        template="plotly_white",
        height=120 + 180 * len(refs),
        showlegend=False,
        margin={"l": 70, "r": 20, "t": 70, "b": 50},
    )
    return str(
        pio.to_html(
            fig,
            full_html=False,
            include_plotlyjs=first,
            div_id=f"chart-{row['id']}",
            config={"displaylogo": False},
        )
    )


def write_report(rows: list[dict], out_dir: Path, quick: bool) -> Path:
    """``report.html``: the claims table, then one chart per claim."""
    cells = []
    for row in rows:
        numbers = json.loads(row["numbers"])
        shown = "<br>".join(f"{html.escape(k)} = {v:.6g}" for k, v in numbers.items())
        verdict = "holds" if row["verdict"] else "does not hold"
        presets = row["preset"] + (f" vs {row['compare']}" if row["compare"] else "")
        cells.append(
            f"<tr><td>{html.escape(row['id'])}</td><td>{html.escape(row['sentence'])}</td>"
            f"<td>{html.escape(row['scenario'])} ({html.escape(presets)}, "
            f"{row['blocks']:,} blocks)</td><td><code>{html.escape(row['predicate'])}</code></td>"
            f"<td>{shown}</td><td class='{verdict.replace(' ', '-')}'>{verdict}</td></tr>"
        )
    charts = []
    for i, row in enumerate(rows):
        compared = [p for p in row["compare"].split(", ") if p]
        charts.append(_chart(row, _runs(out_dir / row["id"], compared), first=i == 0))
    mode = "quick (short horizons)" if quick else "full"
    page = (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<title>dtao claims</title><style>body{font-family:sans-serif;max-width:1200px;"
        "margin:auto;padding:1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        "padding:.4em;vertical-align:top}.holds{background:#e6f4ea}"
        ".does-not-hold{background:#fce8e6}</style></head><body>"
        f"<h1>dtao claims: the seeds' claims, tested ({mode})</h1>"
        "<p>Each verdict is the claim's predicate evaluated on its run's metric series "
        "(docs/claims.md).</p><table><tr><th>claim</th><th>sentence tested</th>"
        "<th>scenario</th><th>predicate</th><th>numbers</th><th>verdict</th></tr>"
        + "".join(cells)
        + "</table>"
        + "\n".join(f"<section class='chart'>{c}</section>" for c in charts)
        + "</body></html>\n"
    )
    path = out_dir / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
