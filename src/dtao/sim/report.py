"""A run folder's report: one self-contained HTML page of interactive plotly charts (plotly.js
inlined, no network needed) and PNGs of the main charts (matplotlib, Agg), drawn from the
Parquet tables and summary.json the collector wrote (``dtao sim report RUN_DIR`` redraws them).

Charts: emission shares over time (the subnets with the largest final share), price vs EMA
price (the same subnets), the network's staking yields, the concentration of the stake that
controls emission (Nakamoto coefficient, Gini), and the agents' P&L (value at spot and after
slippage, minus what each was funded with). Chart element ids are fixed, so the same run gives
the same HTML.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from dtao.errors import ConfigError
from dtao.units import RAO_PER_TAO

TOP = 8  # subnets drawn in the share and price charts
PNG_CHARTS = ("emission_shares", "prices", "concentration")


def _read(run_dir: Path, name: str) -> dict[str, list[Any]]:
    path = run_dir / f"{name}.parquet"
    if not path.is_file():
        raise ConfigError(f"{run_dir}: no {name}.parquet (not a dtao sim run folder)")
    return pq.read_table(path).to_pydict()


def load_run(run_dir: Path) -> dict[str, Any]:
    """The tables and summary of a run folder (``ConfigError`` naming what is missing)."""
    summary_path = run_dir / "summary.json"
    if not summary_path.is_file():
        raise ConfigError(f"{run_dir}: no summary.json (not a dtao sim run folder)")
    return {
        "summary": json.loads(summary_path.read_text()),
        "subnets": _read(run_dir, "subnets"),
        "agents": _read(run_dir, "agents"),
        "network": _read(run_dir, "network"),
    }


def series(table: dict[str, list[Any]], key: str, value: str) -> dict[Any, tuple[list, list]]:
    """``value`` over ``run_block`` (days) for each ``key`` (netuid or agent)."""
    out: dict[Any, tuple[list, list]] = defaultdict(lambda: ([], []))
    for k, block, v in zip(table[key], table["run_block"], table[value], strict=True):
        out[k][0].append(block / 7_200)
        out[k][1].append(v)
    return dict(out)


def chart_data(run: dict[str, Any]) -> list[dict[str, Any]]:
    """Every chart as data: ``id``, ``title``, ``y`` label and its lines ``(name, x, y)``."""
    subnets, network, agents = run["subnets"], run["network"], run["agents"]
    top = [row["netuid"] for row in run["summary"]["top_subnets"][:TOP]]
    shares = series(subnets, "netuid", "emission_share")
    prices = series(subnets, "netuid", "price")
    emas = series(subnets, "netuid", "ema_price")
    days = [b / 7_200 for b in network["run_block"]]
    charts = [
        {
            "id": "emission_shares",
            "title": "Emission share of the subnets with the largest final share",
            "y": "share of the block's TAO emission",
            "lines": [(f"subnet {n}", *shares[n]) for n in top if n in shares],
        },
        {
            "id": "prices",
            "title": "Spot price (solid) and EMA price (dotted)",
            "y": "TAO per alpha",
            "lines": [(f"subnet {n} price", *prices[n]) for n in top if n in prices]
            + [(f"subnet {n} EMA", *emas[n]) for n in top if n in emas],
        },
        {
            "id": "yields",
            "title": "Staking yield, simple APY (realised over the window, × 365, TAO terms)",
            "y": "APY",
            "lines": [
                ("root", days, network["root_apy_simple"]),
                ("alpha", days, network["alpha_apy_simple"]),
            ],
        },
        {
            "id": "concentration",
            "title": "Concentration of the stake that controls emission",
            "y": "Nakamoto coefficient / Gini",
            "lines": [
                ("Nakamoto coefficient", days, network["nakamoto"]),
                ("Gini", days, network["gini"]),
            ],
        },
    ]
    if agents["agent"]:
        funded = run["summary"].get("agent_funding", {})
        lines = []
        for column, label in (("spot_value", "spot"), ("exit_value", "exit")):
            values = series(agents, "agent", column)
            balances = series(agents, "agent", "balance")
            for name, (x, y) in values.items():
                start = funded.get(name, 0)
                pnl = [
                    (v + b - start) / RAO_PER_TAO for v, b in zip(y, balances[name][1], strict=True)
                ]
                lines.append((f"{name} ({label})", x, pnl))
        charts.append(
            {
                "id": "agents_pnl",
                "title": "Agents' P&L: holdings at spot / after slippage + free TAO − funding",
                "y": "TAO",
                "lines": lines,
            }
        )
    return charts


_SECOND = (" EMA", " (exit)")  # the dotted twin of a line (same colour)
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf",
)  # fmt: skip


def _styles(chart: dict[str, Any]) -> list[tuple[str, bool]]:
    """Each line's colour and whether it is dotted: a line and its twin (price / EMA, spot /
    exit value) share a colour."""
    groups: dict[str, int] = {}
    out = []
    for name, _, _ in chart["lines"]:
        base = name
        for suffix in (*_SECOND, " price", " (spot)"):
            base = base.removesuffix(suffix)
        colour = PALETTE[groups.setdefault(base, len(groups)) % len(PALETTE)]
        out.append((colour, name.endswith(_SECOND)))
    return out


def plotly_figure(chart: dict[str, Any]) -> Any:
    import plotly.graph_objects as go

    fig = go.Figure()
    for (name, x, y), (colour, dotted) in zip(chart["lines"], _styles(chart), strict=True):
        line = {"color": colour, "dash": "dot" if dotted else "solid"}
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", name=name, line=line))
    fig.update_layout(
        title=chart["title"],
        xaxis_title="days since the start",
        yaxis_title=chart["y"],
        template="plotly_white",
        height=420,
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
    )
    return fig


def write_html(run: dict[str, Any], charts: list[dict[str, Any]], path: Path) -> None:
    """The self-contained report page (plotly.js inlined once)."""
    import plotly.io as pio

    parts = []
    for i, chart in enumerate(charts):
        parts.append(
            pio.to_html(
                plotly_figure(chart),
                full_html=False,
                include_plotlyjs=i == 0,
                div_id=f"chart-{chart['id']}",
                config={"displaylogo": False},
            )
        )
    summary = run["summary"]
    head = (
        f"{summary['scenario']}: preset {summary['preset']}, seed {summary['seed']}, "
        f"{summary['blocks']:,} blocks ({summary['blocks'] / 7_200:.2f} days), "
        f"{summary['subnets']} subnets, blocks {summary['start_block']:,}–"
        f"{summary['end_block']:,}"
    )
    page = (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>dtao sim: {html.escape(summary['scenario'])}</title>"
        "<style>body{font-family:sans-serif;max-width:1100px;margin:auto;padding:1em}"
        "pre{background:#f6f6f6;padding:1em;overflow:auto}</style></head><body>"
        f"<h1>dtao sim: {html.escape(summary['scenario'])}</h1><p>{html.escape(head)}</p>"
        + "\n".join(f"<section class='chart'>{p}</section>" for p in parts)
        + "<h2>Summary</h2><pre>"
        + html.escape(json.dumps(summary, indent=1, sort_keys=True))
        + "</pre></body></html>\n"
    )
    path.write_text(page, encoding="utf-8")


def write_png(chart: dict[str, Any], path: Path) -> None:
    """One chart as a PNG (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4.5), dpi=100)
    for (name, x, y), (colour, dotted) in zip(chart["lines"], _styles(chart), strict=True):
        ax.plot(x, y, label=name, color=colour, linestyle=":" if dotted else "-", linewidth=1.4)
    ax.set_title(chart["title"], fontsize=11)
    ax.set_xlabel("days since the start")
    ax.set_ylabel(chart["y"])
    ax.grid(alpha=0.3)
    if chart["lines"]:
        ax.legend(fontsize=7, ncol=2, loc="best")
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def render_report(run_dir: Path, page: bool = True, pngs: bool = True) -> list[Path]:
    """Draw a run folder's report.html and PNGs from its tables; the files written."""
    run = load_run(run_dir)
    charts = chart_data(run)
    written = []
    if page:
        write_html(run, charts, run_dir / "report.html")
        written.append(run_dir / "report.html")
    if pngs:
        for chart in charts:
            if chart["id"] in PNG_CHARTS:
                path = run_dir / f"{chart['id']}.png"
                write_png(chart, path)
                written.append(path)
    return written
