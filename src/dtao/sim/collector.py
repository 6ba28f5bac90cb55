"""The data collector: reads block receipts and, at the metric cadence, the market; streams
three Parquet tables into the run folder and writes manifest.json and summary.json.

Tables (one row per sample; ``block`` is the chain's block number, ``run_block`` counts from
the run's start, 0 = genesis after setup; amounts are int rao / alpha-rao):

* ``subnets.parquet``: per subnet ``price`` (the era's spot price, TAO per alpha),
  ``ema_price`` (the moving price), ``market_cap`` (rao: spot price × (alpha_in + alpha_out)),
  ``emission_share`` (of the last block's TAO emission), ``bar_gap`` (the subnet's demand
  share, EMA price × (1 − MinerBurned) normalised, minus the gate's bar θ, where the preset has
  a gate), ``tao_in``, ``alpha_in``, ``alpha_out``, ``tao_flow`` (rao staked in net of unstaked
  since the previous sample: Δtao_in − TAO injected), ``root_proportion`` (tw·root TAO /
  (tw·root TAO + alpha issuance), the chain's split of dividends), ``prune_rank``
  (``metrics.pruning_rank``: 1 = the next to be pruned, null while immune);
* ``agents.parquet``: per funded agent ``balance`` (free rao), ``spot_value`` and
  ``exit_value`` (``metrics.spot_value`` / ``exit_value``: holdings at spot, and what
  unstaking everything would pay now, rao);
* ``network.parquet``: ``total_issuance``; ``root_apy_simple`` and ``alpha_apy_simple``: the
  dividends the epochs credited over the last day (``YIELD_WINDOW``; the run so far when
  shorter) in TAO terms (root: :func:`_root_paid_tao` of each epoch receipt over the root
  stake; alpha: ``metrics.alpha_dividend_return``) annualised simply (× 365 × 7 200 / window
  blocks, as taostats publishes APY); ``nakamoto``
  and ``gini`` of ``metrics.emission_control_stakes``; ``manipulation_cost_tao``
  (``metrics.manipulation_cost``: TAO to raise the subnet with the largest share by 10 %
  within 30 days; projected once a day and at the last sample, null between);
  ``manipulation_gain_tao`` (``metrics.manipulation_gain``: what that buy earns over the 30
  days, its pro-rata part of the subnet's extra emission less the round trip's loss; same
  samples).

Rows are buffered and written ``FLUSH_EVERY`` samples at a time, so memory stays flat; the
files carry no timestamps, so the same run gives byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from dtao import __version__
from dtao.errors import DtaoError
from dtao.params import describe, get_preset
from dtao.sim import metrics
from dtao.sim.agents import demand_shares
from dtao.sim.view import MarketView
from dtao.units import RAO_PER_TAO

if TYPE_CHECKING:
    from dtao.sim.runner import Model

FLUSH_EVERY = 64  # samples buffered before a row group is written
MANIPULATION_EVERY = 7_200  # blocks between manipulation-cost projections (and the last sample)
YIELD_WINDOW = 7_200  # blocks: yields are realised over the last day (or the run so far)
BLOCKS_PER_DAY = 7_200

SUBNET_SCHEMA = pa.schema(
    [
        ("block", pa.int64()),
        ("run_block", pa.int64()),
        ("netuid", pa.int32()),
        ("price", pa.float64()),
        ("ema_price", pa.float64()),
        ("market_cap", pa.int64()),
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
        ("manipulation_gain_tao", pa.float64()),
    ]
)
TABLES = {"subnets": SUBNET_SCHEMA, "agents": AGENT_SCHEMA, "network": NETWORK_SCHEMA}


def _manipulation(view: MarketView, netuid: int) -> tuple[float, float]:
    """(TAO to raise ``netuid``'s share by 10 % within 30 days, what that buy earns in TAO)
    (``metrics.manipulation_cost`` / ``manipulation_gain``); NaN where no buy can, or the
    subnet does not emit (switched off meanwhile)."""
    try:
        cost = metrics.manipulation_cost(view, netuid)
    except ValueError:
        return math.nan, math.nan
    if cost["tao_rao"] is None:
        return math.nan, math.nan
    extra = cost["share_target"] - cost["share_baseline"]
    try:
        gain = metrics.manipulation_gain(view, netuid, cost["tao_rao"], extra, cost["days"])
    except DtaoError:  # the engine refuses the buy itself (the projection does not check)
        return cost["tao_rao"] / RAO_PER_TAO, math.nan
    return cost["tao_rao"] / RAO_PER_TAO, gain["gain_rao"] / RAO_PER_TAO


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
        self.alpha_paid: dict[int, int] = {}  # alpha dividends per subnet in the window
        self.root_paid: list[Any] = []  # the window's epoch payouts (root dividends)
        self.windows: deque[tuple[int, dict[int, int], float]] = deque()  # the yield window
        self.start_issuance = model.net.total_issuance

    def observe(self, receipt: Any) -> None:
        """Accumulate what a block injected into each pool (for the TAO flow) and the
        dividends its epochs paid (for the yields)."""
        emissions = receipt.emissions
        if emissions is not None:
            for netuid, tao in zip(
                emissions.netuids.tolist(), emissions.tao_in.tolist(), strict=True
            ):
                self.injected[netuid] = self.injected.get(netuid, 0) + tao
        if receipt.epochs:
            for netuid, alpha in metrics.subnet_dividends([receipt]).items():
                self.alpha_paid[netuid] = self.alpha_paid.get(netuid, 0) + alpha
            for payout in receipt.epochs:
                self.root_paid.append(payout)

    def collect(self, run_block: int, final: bool = False) -> None:
        """One sample of every table at the current block (``final``: the run's last)."""
        net, view = self.model.net, self.model.view
        block = net.block
        root_tao = sum(a for _, _, netuid, a in net.positions() if netuid == 0)
        weighted_root = net.params.tao_weight * root_tao
        bar = view.emission_gate_bar()
        demand = demand_shares(view)
        ranks = metrics.pruning_rank(view)
        rows = []
        for v in view.subnets():
            before = self.last_tao_in.get(v.netuid, v.tao_in)
            flow = v.tao_in - before - self.injected.get(v.netuid, 0) if run_block else 0
            issuance = v.alpha_in + v.alpha_out
            gap = math.nan
            if bar is not None and v.netuid in demand:
                gap = demand[v.netuid] - bar
            rows.append(
                {
                    "block": block,
                    "run_block": run_block,
                    "netuid": v.netuid,
                    "price": float(view.spot_price(v.netuid)),
                    "ema_price": v.moving_price,
                    "market_cap": metrics.market_cap(view, v.netuid),
                    "emission_share": v.emission_share,
                    "bar_gap": gap,
                    "tao_in": v.tao_in,
                    "alpha_in": v.alpha_in,
                    "alpha_out": v.alpha_out,
                    "tao_flow": flow,
                    "root_proportion": weighted_root / (weighted_root + issuance)
                    if weighted_root + issuance
                    else 0.0,
                    "prune_rank": ranks.get(v.netuid),
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
                    "spot_value": metrics.spot_value(view, agent.coldkey),
                    "exit_value": metrics.exit_value(view, agent.coldkey),
                }
                for agent in self.model.agents
                if agent.initial_balance > 0  # the incumbent validators hold nothing
            ]
        )
        self.tables["network"].add([self._network_row(run_block, root_tao, rows, final)])

    def _network_row(
        self, run_block: int, root_tao: int, subnets: list[dict[str, Any]], final: bool
    ) -> dict[str, Any]:
        net, view = self.model.net, self.model.view
        root_now = sum(_root_paid_tao(view, p) for p in self.root_paid)
        self.windows.append((run_block, self.alpha_paid, root_now))
        self.alpha_paid, self.root_paid = {}, []
        while self.windows and self.windows[0][0] <= run_block - YIELD_WINDOW:
            self.windows.popleft()
        start = max(run_block - YIELD_WINDOW, 0)
        window = run_block - start
        root_apy = alpha_apy = math.nan
        if window > 0:
            alpha: dict[int, int] = {}
            for _, paid, _ in self.windows:
                for netuid, amount in paid.items():
                    alpha[netuid] = alpha.get(netuid, 0) + amount
            root = sum(r for _, _, r in self.windows)
            root_apy = metrics.simple_apy(root / root_tao if root_tao else 0.0, window)
            alpha_apy = metrics.simple_apy(metrics.alpha_dividend_return(view, alpha), window)
        stakes = metrics.emission_control_stakes(view)
        cost = gain = math.nan
        top = max(subnets, key=lambda r: (r["emission_share"], -r["netuid"]), default=None)
        due = final or run_block % MANIPULATION_EVERY == 0
        if due and top is not None and top["emission_share"] > 0:
            cost, gain = _manipulation(view, top["netuid"])
        return {
            "block": net.block,
            "run_block": run_block,
            "total_issuance": net.total_issuance,
            "root_apy_simple": root_apy,
            "alpha_apy_simple": alpha_apy,
            "nakamoto": metrics.nakamoto(stakes),
            "gini": metrics.gini(stakes),
            "manipulation_cost_tao": cost,
            "manipulation_gain_tao": gain,
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
            "params_sha256": params_hash(
                get_preset(model.scenario.preset, **model.scenario.overrides)
            ),
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
            "agent_funding": {
                agent.name: agent.initial_balance
                for agent in model.agents
                if agent.initial_balance > 0
            },
        }


def _root_paid_tao(view: Any, payout: Any) -> float:
    """An epoch's root dividends, take included, in TAO (rao): the receipt's ``tao_take +
    tao_rest``. Where the epoch drained a TAO pot (launch, root-vote) they are rao paid to the
    validators' root stake. Otherwise (taoflow, summer-2026, current) they are alpha of the
    subnet, the take staked to the validator's owner and the rest accrued for the root stakers
    (root claims; current: the validator's basket queue), valued at the subnet's spot price at
    the sample (a dissolved subnet's: 0). What a claim later realises differs by the sale's
    slippage and the price drift meanwhile (tests/test_root_yield.py: within 0.3 %)."""
    paid = sum(payout.tao_take) + sum(payout.tao_rest)
    if payout.drained_tao or payout.netuid not in view.netuids:
        return float(paid) if payout.drained_tao else 0.0
    return paid * float(view.spot_price(payout.netuid))


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=1, sort_keys=True, default=_jsonable) + "\n")
