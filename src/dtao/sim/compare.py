"""One scenario under several presets, side by side (``dtao compare``; ``docs/compare.md``).

Each preset's run is the scenario with only its ``preset`` replaced: the same genesis rows
(``dtao.Genesis`` maps them into each era's state by the era's genesis rule), agents, seed and
shocks. Every run writes its own folder (``OUT/<preset>/``, as ``dtao sim run``); the
comparison reads their Parquet tables and writes ``compare_subnets.parquet`` /
``compare_network.parquet`` (the runs' tables with a ``preset`` column), ``compare.json`` (the
figures below, per preset), ``compare.html`` (plotly inlined) and PNGs.

Figures per preset (floats; TAO where named):

* ``nakamoto`` / ``gini``: of ``metrics.emission_control_stakes`` at the last sample (the era
  answers which stake decides emission: root seats' stake under ``root-vote``, alpha holders'
  spot value since dTAO);
* ``root_apy`` / ``alpha_apy``: the mean over the samples of the run's simple APYs;
* ``manipulation_cost_tao``: the last projection of ``metrics.manipulation_cost`` (TAO to
  raise the largest-share subnet's share by 10 % within 30 days; None where no buy can);
  ``manipulation_gain_tao``: the last projection of ``metrics.manipulation_gain``, what that
  buy earns over the 30 days: its alpha's pro-rata part of the subnet's extra TAO emission,
  less the round trip's loss (fees and slippage in and out; negative: it does not pay);
  ``manipulation_extra_emission_tao``: the extra TAO emission the subnet itself would receive,
  10 % × its final share × the block emission at the run's end issuance × 216 000 blocks (the
  ceiling of any holder's gain);
* ``new_subnet_days_to_1pct``: for each subnet absent at the first sample, the days until its
  emission share first reaches 1 % (None: not within the run);
* ``below_median_share``: the mean over samples of the emission share received by the subnets
  whose share is strictly below that sample's median;
* ``refused``: per agent, the records of its the chain refused, by error name (an agent whose
  calls the era lacks, e.g. alpha trades under ``root-vote``, is refused and the run goes on;
  the report notes it).
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from statistics import median
from typing import Any, TypeGuard

import pyarrow as pa
import pyarrow.parquet as pq

from dtao.emission import block_emission
from dtao.network import Network
from dtao.params import get_preset
from dtao.rule_lab import ShareRuleError
from dtao.sim import report
from dtao.sim.runner import Model, run_model
from dtao.sim.scenario import Scenario
from dtao.sim.view import BLOCKS_PER_DAY
from dtao.units import RAO_PER_TAO

#: what each comparison figure says (the HTML table's header; module docstring for methods)
FIGURES = {
    "nakamoto": "Nakamoto coefficient of the stake that decides emission",
    "gini": "Gini of that stake",
    "root_apy": "root staking yield (mean simple APY)",
    "alpha_apy": "alpha staking yield (mean simple APY)",
    "manipulation_cost_tao": "TAO to move the top subnet's share by 10 % in 30 days",
    "manipulation_gain_tao": "what that buy earns in the 30 days (claim − round-trip loss)",
    "manipulation_extra_emission_tao": "extra TAO emission to that subnet over the 30 days",
    "new_subnet_days_to_1pct": "days for a new subnet to reach 1 % of emission",
    "below_median_share": "emission share of the subnets below the median (mean)",
    "refused": "agents' records the era refused (the agent is skipped; the run goes on)",
}
SHARE_GAIN = 0.10  # the manipulation's relative share gain (metrics.manipulation_cost's)
MANIPULATION_DAYS = 30
NEW_SUBNET_SHARE = 0.01  # the share a new subnet is timed to
TOP = 3  # subnets per preset drawn in the share and price charts


def variants(
    scenario: Scenario, presets: list[str], share_rule: str | None = None
) -> list[tuple[str, Scenario]]:
    """(label, scenario) of each run: the scenario under each preset (its own ``share_rule``
    kept); with ``share_rule``, also ``<preset>+<function>`` with the rule for every preset that
    has a per-block share step a rule can replace (``ShareRuleError`` if none has)."""
    out = [(p, scenario.model_copy(update={"preset": p})) for p in presets]
    if share_rule is None:
        return out
    function = share_rule.partition(":")[2] or share_rule
    ruled = [
        (f"{p}+{function}", scenario.model_copy(update={"preset": p, "share_rule": share_rule}))
        for p in presets
        if Network(p).rules.block_shares is not None
    ]
    if not ruled:
        raise ShareRuleError(f"share rule {share_rule}: none of {presets} has a share step")
    return out + ruled


def run_comparison(
    scenario: Scenario, presets: list[str], out_dir: Path, share_rule: str | None = None
) -> dict[str, Any]:
    """Run ``scenario`` under each of :func:`variants` into ``out_dir/<label>/`` and write the
    side-by-side files (module docstring); the comparison's figures, per label."""
    runs: dict[str, dict[str, Any]] = {}
    labelled = variants(scenario, presets, share_rule)
    for preset, variant in labelled:
        run_dir = out_dir / preset
        run_dir.mkdir(parents=True, exist_ok=True)
        model = Model(variant)
        run_model(model, run_dir)
        runs[preset] = report.load_run(run_dir)
        params = get_preset(variant.preset, **scenario.overrides)
        runs[preset]["block_emission"] = block_emission(
            runs[preset]["summary"]["total_issuance_end"], params
        )
        runs[preset]["refused"] = model.refused
    figures = {preset: figures_of(run) for preset, run in runs.items()}
    result = {"scenario": scenario.name, "presets": [p for p, _ in labelled], "figures": figures}
    _write_tables(runs, out_dir)
    (out_dir / "compare.json").write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    charts = compare_charts(runs)
    _write_html(scenario, result, charts, out_dir / "compare.html")
    for chart in charts:
        report.write_png(chart, out_dir / f"compare_{chart['id']}.png")
    return result


def figures_of(run: dict[str, Any]) -> dict[str, Any]:
    """The comparison's figures of one run's tables (module docstring)."""
    network, subnets, summary = run["network"], run["subnets"], run["summary"]
    costs = [c for c in network["manipulation_cost_tao"] if _finite(c)]
    per_block = run.get("block_emission", 0)
    top_share = summary["top_subnets"][0]["emission_share"] if summary["top_subnets"] else 0.0
    extra = SHARE_GAIN * top_share * per_block * MANIPULATION_DAYS * BLOCKS_PER_DAY
    gains = [g for g in network.get("manipulation_gain_tao", []) if _finite(g)]
    return {
        "nakamoto": network["nakamoto"][-1],
        "gini": network["gini"][-1],
        "root_apy": _mean(network["root_apy_simple"]),
        "alpha_apy": _mean(network["alpha_apy_simple"]),
        "manipulation_cost_tao": costs[-1] if costs else None,
        "manipulation_gain_tao": gains[-1] if gains else None,
        "manipulation_extra_emission_tao": extra / RAO_PER_TAO,
        "new_subnet_days_to_1pct": new_subnet_days(subnets),
        "below_median_share": _mean(list(below_median_shares(subnets).values())),
        "refused": run.get("refused", {}),
    }


def _finite(value: float | None) -> TypeGuard[float]:
    """Whether a table value is a number (not a null sample, not NaN)."""
    return value is not None and math.isfinite(value)


def _mean(values: list[float | None]) -> float | None:
    """The mean of the finite values (None, NaN: no sample); None when there is none."""
    kept = [v for v in values if _finite(v)]
    return sum(kept) / len(kept) if kept else None


def _by_sample(subnets: dict[str, list[Any]]) -> dict[int, dict[int, float]]:
    """run_block -> netuid -> emission share."""
    out: dict[int, dict[int, float]] = {}
    for block, netuid, share in zip(
        subnets["run_block"], subnets["netuid"], subnets["emission_share"], strict=True
    ):
        out.setdefault(block, {})[netuid] = share
    return out


def below_median_shares(subnets: dict[str, list[Any]]) -> dict[int, float]:
    """run_block -> Σ emission share of the subnets strictly below the sample's median."""
    out = {}
    for block, shares in _by_sample(subnets).items():
        middle = median(shares.values())
        out[block] = sum(s for s in shares.values() if s < middle)
    return out


def new_subnet_days(subnets: dict[str, list[Any]]) -> dict[str, float | None]:
    """For each subnet absent at the first sample, the days until its share first reaches
    :data:`NEW_SUBNET_SHARE` after the first sample it appears in (None: never in the run)."""
    samples = _by_sample(subnets)
    if not samples:
        return {}
    first = samples[min(samples)]
    seen: dict[int, int] = {}
    reached: dict[int, float | None] = {}
    for block in sorted(samples):
        for netuid, share in samples[block].items():
            if netuid in first:
                continue
            seen.setdefault(netuid, block)
            reached.setdefault(netuid, None)
            if reached[netuid] is None and share >= NEW_SUBNET_SHARE:
                reached[netuid] = (block - seen[netuid]) / BLOCKS_PER_DAY
    return {str(n): d for n, d in sorted(reached.items())}


def _write_tables(runs: dict[str, dict[str, Any]], out_dir: Path) -> None:
    for name in ("subnets", "network"):
        tables = []
        for preset, run in runs.items():
            table = pa.Table.from_pydict(run[name])
            tables.append(table.append_column("preset", pa.array([preset] * table.num_rows)))
        pq.write_table(pa.concat_tables(tables), out_dir / f"compare_{name}.parquet")


def compare_charts(runs: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The side-by-side charts (``report.chart_data``'s shape), one line per preset (and per
    top subnet where named)."""
    shares, prices, yields, nakamoto, gini, below = [], [], [], [], [], []
    for preset, run in runs.items():
        subnets, network = run["subnets"], run["network"]
        days = [b / BLOCKS_PER_DAY for b in network["run_block"]]
        share_lines = report.series(subnets, "netuid", "emission_share")
        price_lines = report.series(subnets, "netuid", "price")
        for row in run["summary"]["top_subnets"][:TOP]:
            n = row["netuid"]
            shares.append((f"{preset}: subnet {n}", *share_lines[n]))
            prices.append((f"{preset}: subnet {n}", *price_lines[n]))
        yields.append((f"{preset} root", days, network["root_apy_simple"]))
        yields.append((f"{preset} alpha", days, network["alpha_apy_simple"]))
        nakamoto.append((preset, days, network["nakamoto"]))
        gini.append((preset, days, network["gini"]))
        lows = below_median_shares(subnets)
        below.append((preset, [b / BLOCKS_PER_DAY for b in lows], list(lows.values())))
    return [
        {"id": "emission_shares", "title": "Emission share (top subnets of each preset)",
         "y": "share of the block's TAO emission", "lines": shares},
        {"id": "prices", "title": "Spot price (top subnets of each preset)",
         "y": "TAO per alpha", "lines": prices},
        {"id": "yields", "title": "Root vs alpha staking yield (simple APY)",
         "y": "APY", "lines": yields},
        {"id": "nakamoto", "title": "Nakamoto coefficient of the stake that decides emission",
         "y": "holders", "lines": nakamoto},
        {"id": "gini", "title": "Gini of the stake that decides emission",
         "y": "Gini", "lines": gini},
        {"id": "below_median", "title": "Emission share of the subnets below the median",
         "y": "share", "lines": below},
    ]  # fmt: skip


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_cell(v)}" for k, v in value.items()) or "none"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _write_html(
    scenario: Scenario, result: dict[str, Any], charts: list[dict[str, Any]], path: Path
) -> None:
    import plotly.io as pio

    parts = [
        pio.to_html(
            report.plotly_figure(chart),
            full_html=False,
            include_plotlyjs=i == 0,
            div_id=f"chart-{chart['id']}",
            config={"displaylogo": False},
        )
        for i, chart in enumerate(charts)
    ]
    presets = result["presets"]
    header = "".join(f"<th>{html.escape(p)}</th>" for p in presets)
    rows = "".join(
        f"<tr><td>{html.escape(label)}</td>"
        + "".join(f"<td>{html.escape(_cell(result['figures'][p][key]))}</td>" for p in presets)
        + "</tr>"
        for key, label in FIGURES.items()
    )
    title = f"dtao compare: {html.escape(scenario.name)}"
    page = (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title>"
        "<style>body{font-family:sans-serif;max-width:1100px;margin:auto;padding:1em}"
        "td,th{border:1px solid #ccc;padding:4px 8px}table{border-collapse:collapse}</style>"
        f"</head><body><h1>{title}</h1><p>seed {scenario.seed}, "
        f"{scenario.total_blocks:,} blocks ({scenario.total_blocks / BLOCKS_PER_DAY:.2f} days); "
        "each preset's run folder is beside this page.</p>"
        f"<table id='figures'><tr><th>figure</th>{header}</tr>{rows}</table>"
        + "\n".join(f"<section class='chart'>{p}</section>" for p in parts)
        + "</body></html>\n"
    )
    path.write_text(page, encoding="utf-8")
