"""The data collector: reads block receipts and, at the metric cadence, the market; streams
three Parquet tables into the run folder and writes manifest.json and summary.json.

Tables (one row per sample; ``block`` is the chain's block number, ``run_block`` counts from
the run's start, 0 = genesis after setup; amounts are int rao / alpha-rao):

* ``subnets.parquet``: per subnet ``price`` (TAO/alpha, tao_in / alpha_in), ``ema_price`` (the
  moving price), ``market_cap`` (TAO: price × (alpha_in + alpha_out)), ``emission_share`` (of
  the last block's TAO emission), ``bar_gap`` (EMA-price share minus the gate's bar, where the
  preset has one), ``tao_in``, ``alpha_in``, ``alpha_out``, ``tao_flow`` (rao staked in net of
  unstaked since the previous sample: Δtao_in − TAO injected), ``root_proportion``
  (tw·root TAO / (tw·root TAO + alpha issuance), the chain's split of dividends), ``prune_rank``
  (1 = first to be pruned);
* ``agents.parquet``: per agent ``balance`` (free rao), ``spot_value`` and ``exit_value``
  (rao: holdings at spot, and what unstaking everything would pay now);
* ``network.parquet``: ``total_issuance``, the yields (simple APY × 365 over the window, TAO
  terms; the method is in the column name), ``nakamoto`` and ``gini`` of the stake that
  controls emission, ``manipulation_cost`` (TAO to move the top subnet's share by 10 % within
  30 days).

Rows are buffered and written ``FLUSH_EVERY`` samples at a time, so memory stays flat; the
files carry no timestamps, so the same run gives byte-identical files.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from dtao import __version__
from dtao.params import describe
from dtao.units import RAO_PER_TAO

if TYPE_CHECKING:
    from dtao.sim.runner import Model

FLUSH_EVERY = 64  # samples buffered before a row group is written
YIELD_WINDOW_DAYS = 7  # the realised-yield window (days; shorter runs use the whole run)
BLOCKS_PER_DAY = 7_200

SUBNET_SCHEMA = pa.schema(
    [
        ("block", pa.int64()),
        ("run_block", pa.int64()),
        ("netuid", pa.int32()),
        ("price", pa.float64()),
        ("ema_price", pa.float64()),
        ("market_cap", pa.float64()),
        ("emission_share", pa.float64()),
        ("bar_gap", pa.float64()),
        ("tao_in", pa.int64()),
        ("alpha_in", pa.int64()),
        ("alpha_out", pa.int64()),
        ("tao_flow", pa.int64()),
        ("root_proportion", pa.float64()),
        ("prune_rank", pa.int32()),
    ]
)
AGENT_SCHEMA = pa.schema(
    [
        ("block", pa.int64()),
        ("run_block", pa.int64()),
        ("agent", pa.string()),
        ("balance", pa.int64()),
        ("spot_value", pa.int64()),
        ("exit_value", pa.int64()),
    ]
)
NETWORK_SCHEMA = pa.schema(
    [
        ("block", pa.int64()),
        ("run_block", pa.int64()),
        ("total_issuance", pa.int64()),
        ("root_apy_simple", pa.float64()),
        ("alpha_apy_simple", pa.float64()),
        ("nakamoto", pa.int32()),
        ("gini", pa.float64()),
        ("manipulation_cost_tao", pa.float64()),
    ]
)
TABLES = {"subnets": SUBNET_SCHEMA, "agents": AGENT_SCHEMA, "network": NETWORK_SCHEMA}


def params_hash(params: Any) -> str:
    """sha256 of every constant of a parameter set (name → value, canonical JSON)."""
    values = {row["name"]: row["value"] for row in describe(params)}
    text = json.dumps(values, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


class _Table:
    """Rows of one table, buffered and streamed to a Parquet file (or only kept last)."""

    def __init__(self, name: str, schema: pa.Schema, out_dir: Path | None) -> None:
        self.schema = schema
        self.path = None if out_dir is None else out_dir / f"{name}.parquet"
        self.rows: dict[str, list[Any]] = {f.name: [] for f in schema}
        self.pending = 0
        self.writer: pq.ParquetWriter | None = None
        self.last: list[dict[str, Any]] = []

    def add(self, rows: list[dict[str, Any]]) -> None:
        self.last = rows
        if self.path is None:
            return
        for row in rows:
            for key, column in self.rows.items():
                column.append(row[key])
        self.pending += 1
        if self.pending >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        if self.path is None:
            return
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")
        batch = pa.table(self.rows, schema=self.schema)
        if batch.num_rows:
            self.writer.write_table(batch)
        self.rows = {key: [] for key in self.rows}
        self.pending = 0

    def close(self) -> None:
        self.flush()
        if self.writer is not None:
            self.writer.close()


class Collector:
    """Samples a :class:`~dtao.sim.runner.Model` (module docstring) into ``out_dir``."""

    def __init__(self, model: Model, out_dir: Path | None) -> None:
        self.model = model
        self.out_dir = out_dir
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
        self.tables = {name: _Table(name, schema, out_dir) for name, schema in TABLES.items()}
        self.injected: dict[int, int] = {}  # rao injected into each pool since the last sample
        self.last_tao_in: dict[int, int] = {}
        self.history: list[tuple[int, int, int]] = []  # (run_block, root stake, alpha stake)
        self.start_issuance = model.net.total_issuance

    def observe(self, receipt: Any) -> None:
        """Accumulate what a block injected into each pool (for the TAO flow)."""
        emissions = receipt.emissions
        if emissions is None:
            return
        for netuid, tao in zip(emissions.netuids.tolist(), emissions.tao_in.tolist(), strict=True):
            self.injected[netuid] = self.injected.get(netuid, 0) + tao

    def collect(self, run_block: int) -> None:
        """One sample of every table at the current block."""
        net = self.model.net
        block = net.block
        params = net.params
        root_tao = sum(a for _, _, netuid, a in net.positions() if netuid == 0)
        tw = params.tao_weight
        views = [net.subnet(netuid) for netuid in net.netuids]
        ema_total = sum(v.moving_price for v in views) or 1.0
        bar = _bar(self.model.view)
        order = sorted(views, key=lambda v: (v.moving_price, -v.netuid))
        prune_rank = {v.netuid: i + 1 for i, v in enumerate(order)}
        rows = []
        for v in views:
            before = self.last_tao_in.get(v.netuid, v.tao_in)
            flow = v.tao_in - before - self.injected.get(v.netuid, 0) if run_block else 0
            weighted_root = tw * root_tao
            issuance = v.alpha_in + v.alpha_out
            rows.append(
                {
                    "block": block,
                    "run_block": run_block,
                    "netuid": v.netuid,
                    "price": v.price,
                    "ema_price": v.moving_price,
                    "market_cap": v.price * issuance / RAO_PER_TAO,
                    "emission_share": v.emission_share,
                    "bar_gap": math.nan if bar is None else v.moving_price / ema_total - bar,
                    "tao_in": v.tao_in,
                    "alpha_in": v.alpha_in,
                    "alpha_out": v.alpha_out,
                    "tao_flow": flow,
                    "root_proportion": weighted_root / (weighted_root + issuance)
                    if weighted_root + issuance
                    else 0.0,
                    "prune_rank": prune_rank[v.netuid],
                }
            )
            self.last_tao_in[v.netuid] = v.tao_in
        self.injected = {}
        self.tables["subnets"].add(rows)
        self.tables["agents"].add(
            [
                {
                    "block": block,
                    "run_block": run_block,
                    "agent": agent.name,
                    "balance": net.balance(agent.coldkey),
                    **_values(self.model.view, net, agent.coldkey),
                }
                for agent in self.model.agents
            ]
        )
        self.tables["network"].add([self._network_row(block, run_block, root_tao)])

    def _network_row(self, block: int, run_block: int, root_tao: int) -> dict[str, Any]:
        net = self.model.net
        stakes = _control_stakes(net)
        return {
            "block": block,
            "run_block": run_block,
            "total_issuance": net.total_issuance,
            "root_apy_simple": math.nan,
            "alpha_apy_simple": math.nan,
            "nakamoto": _nakamoto(stakes),
            "gini": _gini(stakes),
            "manipulation_cost_tao": math.nan,
        }

    def finish(self, wall_seconds: float) -> dict[str, Any]:
        """Close the tables, write manifest.json and summary.json; the summary."""
        for table in self.tables.values():
            table.close()
        summary = self.summary()
        if self.out_dir is not None:
            _write_json(self.out_dir / "manifest.json", self.manifest())
            _write_json(self.out_dir / "summary.json", summary)
        return summary

    def manifest(self) -> dict[str, Any]:
        model = self.model
        params = model.net.params
        return {
            "dtao_version": __version__,
            "preset": model.scenario.preset,
            "params_sha256": params_hash(get_initial_params(model)),
            "seed": model.scenario.seed,
            "scenario": model.scenario.to_table(),
            "start_block": model.start_block,
            "end_block": model.net.block,
            "final_params_sha256": params_hash(params),
            "tables": {name: f"{name}.parquet" for name in TABLES},
        }

    def summary(self) -> dict[str, Any]:
        model = self.model
        net = model.net
        last = self.tables["subnets"].last
        top = sorted(last, key=lambda r: (-r["emission_share"], r["netuid"]))[:10]
        network = dict(self.tables["network"].last[0]) if self.tables["network"].last else {}
        return {
            "scenario": model.scenario.name,
            "preset": model.scenario.preset,
            "seed": model.scenario.seed,
            "blocks": model.scenario.total_blocks,
            "start_block": model.start_block,
            "end_block": net.block,
            "subnets": len(net.netuids),
            "total_issuance_start": self.start_issuance,
            "total_issuance_end": net.total_issuance,
            "state_digest": net.digest(),
            "top_subnets": [
                {k: r[k] for k in ("netuid", "emission_share", "price", "ema_price", "tao_in")}
                for r in top
            ],
            "network": {k: _jsonable(v) for k, v in network.items()},
            "shocks": model.shock_log,
            "agents": {agent.name: agent.report() for agent in model.agents},
            "agent_funding": {agent.name: agent.initial_balance for agent in model.agents},
        }


def get_initial_params(model: Model) -> Any:
    """The parameters the run started with (the preset and its overrides)."""
    from dtao.params import get_preset

    return get_preset(model.scenario.preset, **model.scenario.overrides)


def _bar(view: Any) -> float | None:
    """The gate's bar (a share of demand, 0–1) where the view offers it."""
    getter = getattr(view, "emission_bar", None)
    if getter is None:
        return None
    value = getter() if callable(getter) else getter
    return None if value is None else float(value)


def _values(view: Any, net: Any, coldkey: str) -> dict[str, int]:
    """Spot and exit value of a coldkey's holdings (rao), by ``dtao.sim.metrics``."""
    try:
        metrics = importlib.import_module("dtao.sim.metrics")
    except ImportError:  # pragma: no cover - until the metrics module lands
        return {"spot_value": 0, "exit_value": 0}

    return {
        "spot_value": int(metrics.spot_value(view, coldkey)),
        "exit_value": int(metrics.exit_value(view, coldkey)),
    }


def _control_stakes(net: Any) -> list[int]:
    stakes: dict[str, int] = {}
    for _, hotkey, _, amount in net.positions():
        stakes[hotkey] = stakes.get(hotkey, 0) + amount
    return sorted(stakes.values())


def _nakamoto(values: list[int], threshold: float = 0.5) -> int:
    total = sum(values)
    acc, count = 0, 0
    for v in sorted(values, reverse=True):
        acc += v
        count += 1
        if acc > threshold * total:
            return count
    return count


def _gini(values: list[int]) -> float:
    x = np.sort(np.asarray(values, dtype=float))
    if not len(x) or x.sum() == 0:
        return 0.0
    n = len(x)
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * x.sum()))


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=1, sort_keys=True, default=_jsonable) + "\n")
