"""The run of a scenario (Mesa's ``Model``): genesis, agents, shocks, block by block.

Order within a run (the contract in ``docs/simulator.md``, "How a run goes"):

1. genesis: :func:`dtao.sim.snapshot.build_genesis` from the scenario's rows and preset;
2. setup blocks, before the run's first block: every agent's coldkey funded (``Fund``), the
   start call and emission switch of every subnet that had emitted (some alpha out or a
   moving price; one with neither had not been started by its owner and stays so), where the
   era has them (a ``CallUnavailable`` rejection is the era saying it has none), then one
   ``RootRegister`` per block for each synthetic validator (where the era has root seats; one
   the genesis map already seated stands); where the era runs an epoch only at its tempo slot,
   empty blocks first until every subnet's first epoch has granted validator permits (the
   validators' first votes need them);
3. run blocks 1 … N: the scheduled shocks' records of the block first, then the agents due
   (``block % every == offset``, ``block`` the number of the block being made) in a seeded
   permutation (``numpy.random.default_rng([seed, block])``), each with its own generator
   ``default_rng([seed, 1000 + i])``; one ``Network.process_block(records)``; every agent
   observes the receipt; the collector reads the receipt and, every ``metrics_every`` blocks
   (and at the last block), the market.

Agents and shocks only return operation records; nothing here writes state but
``process_block``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from dtao import invariants, rule_lab
from dtao.errors import ConfigError
from dtao.network import Network
from dtao.operations import (
    AddStake,
    Fund,
    Governance,
    MoveStake,
    Operation,
    RegisterNetwork,
    RootRegister,
    SetSubnetEmissionEnabled,
    StartCall,
)
from dtao.receipts import BlockReceipt
from dtao.sim import scenario as sc
from dtao.sim import snapshot
from dtao.sim.agents import make_agents
from dtao.sim.collector import Collector
from dtao.sim.incumbents import Incumbents
from dtao.sim.view import MarketView

#: rejections that mean "this era has no such call" during setup (not an error)
_ABSENT = {"CallUnavailable"}
#: TAO a register_subnet shock's coldkey gets above the lock cost (fees, the owner's first UID)
#: the rejection of a root seat the genesis map already gave (root-vote: its top validators)
_SEATED = frozenset({"HotKeyAlreadyRegisteredInSubNet"})
REGISTER_MARGIN = 10 * 10**9  # rao


class Model:
    """A scenario's network, agents and shocks (see the module docstring).

    ``agents`` replaces the scenario's agents (a list of objects following
    ``dtao.sim.agents.Agent``), for tests and for library users with their own agents.
    """

    def __init__(self, scenario: sc.Scenario, agents: Sequence[Any] | None = None) -> None:
        self.scenario = scenario
        spec = scenario.genesis
        issuance = spec.issuance_tao
        synthesis = snapshot.Synthesis(
            validators=spec.validators,
            holders=spec.holders,
            miners=spec.miners,
            issuance=snapshot.ASSUMED_ISSUANCE
            if issuance is None and spec.source != "synthetic"
            else (0 if issuance is None else sc.to_rao(issuance)),
        )
        rows = spec.rows(scenario.seed)
        block = snapshot.SNAPSHOT_BLOCK if spec.source != "synthetic" else snapshot.SYNTHETIC_BLOCK
        genesis = snapshot.build_genesis(
            rows, scenario.preset, scenario.seed, synthesis, block=block, **scenario.overrides
        )
        self.net = Network.from_genesis(genesis)
        if scenario.share_rule is not None:
            self.net.use_share_rule(rule_lab.load(scenario.share_rule), scenario.share_rule)
        self.view = MarketView(self.net)
        if agents is None:
            agents = _make_agents(scenario, self.view)
        self.agents = list(agents)
        self.rngs = [
            np.random.default_rng([scenario.seed, 1000 + i]) for i in range(len(self.agents))
        ]
        self.validators = snapshot.validator_hotkeys(spec.validators)
        incumbents = None
        if spec.weights_every:
            incumbents = Incumbents(self.validators, scenario.seed, spec.weights_every, 0)
        self._setup(incumbents)
        self.start_block = self.net.block
        if incumbents is not None:  # next votes one period after the setup's
            incumbents.offset = self.start_block % incumbents.every
            self.agents.append(incumbents)
            self.rngs.append(np.random.default_rng([scenario.seed, 1000 + len(self.rngs)]))
        self.shock_log: list[dict[str, Any]] = []
        self._pending: dict[int, list[Operation]] = {}  # follow-up records by run block
        self._registrations: dict[int, sc.RegisterShock] = {}
        #: queued registrations (at the subnet limit): the shock, its log entry, and the netuids
        #: its coldkey owned then (a pruned subnet's netuid is reused by the new one)
        self._queued: list[tuple[sc.RegisterShock, dict[str, Any], frozenset[int]]] = []
        #: agent name -> error name -> how many of its records the chain refused in the run
        self.refused: dict[str, dict[str, int]] = {}

    # -- setup -------------------------------------------------------------------------------

    def _setup(self, incumbents: Incumbents | None) -> None:
        net = self.net
        cap = net.params.max_epochs_per_block
        # every subnet's first epoch (validator permits) before anything emits: the cap on
        # epochs a block is lifted for one block (the block after this one runs them all)
        self._setup_block([Governance("max_epochs_per_block", 255)])
        if incumbents is not None:
            self._await_permits()
        records: list[Operation] = [Governance("max_epochs_per_block", cap)]
        records += [
            Fund(agent.coldkey, agent.initial_balance)
            for agent in self.agents
            if agent.initial_balance > 0
        ]
        for netuid in net.netuids:
            subnet = net.subnet(netuid)
            if subnet.alpha_out == 0 and subnet.moving_price == 0:
                continue  # it never emitted: its owner had not sent the start call
            records += [StartCall(subnet.owner_coldkey, netuid)]
            records += [SetSubnetEmissionEnabled(netuid, True)]
        if incumbents is not None:  # the validators' first votes, as if cast before genesis
            limit = net.params.weights_rate_limit
            records.append(Governance("weights_rate_limit", 0))
            rng = np.random.default_rng([self.scenario.seed, 999])
            records += incumbents.act(self.view, rng)
            records.append(Governance("weights_rate_limit", limit))
        self._setup_block(records)
        for hotkey in self.validators:  # a seat the genesis map already gave stands
            seat: list[Operation] = [RootRegister(f"genesis:{hotkey}", hotkey)]
            if not self._setup_block(seat, tolerated=_SEATED):
                break  # the era has no root seats

    def _await_permits(self) -> None:
        """Where the lifted cap ran no epoch (schedules that run one only at its tempo slot,
        ``(block + netuid + 1) % (tempo + 1) == 0``: launch, taoflow, root-vote), empty setup
        blocks until every subnet's first epoch has granted validator permits (at most the
        largest tempo + 1); nothing where it ran them (summer-2026, current)."""
        view = self.view

        def permits() -> list[bool]:
            return [bool(view.neurons(n).validator_permit.any()) for n in view.netuids]

        if any(permits()):
            return
        for _ in range(max((s.tempo for s in view.subnets()), default=0) + 1):
            if all(permits()):
                return
            self._setup_block([])

    def _setup_block(self, records: list[Operation], tolerated: frozenset = frozenset()) -> bool:
        """One setup block; False if the era lacks a call; ``ConfigError`` on any other
        rejection not in ``tolerated`` (the genesis would not be what the docs say)."""
        receipt = self.net.process_block(records)
        absent = False
        for rejected in receipt.rejected:
            if rejected.error_name in tolerated:
                continue
            if rejected.error_name in _ABSENT:
                absent = True
                continue
            raise ConfigError(
                f"setup block {receipt.block}: {type(rejected.op).__name__} refused "
                f"({rejected.error_name}: {rejected.error})"
            )
        return not absent

    # -- the run -----------------------------------------------------------------------------

    def blocks(self, count: int) -> Iterator[BlockReceipt]:
        """Run ``count`` blocks, yielding each block's receipt after the agents observed it."""
        for _ in range(count):
            yield self.step()

    def step(self) -> BlockReceipt:
        """One run block (module docstring, step 3)."""
        net = self.net
        block = net.block + 1
        run_block = block - self.start_block
        records = self._pending.pop(run_block, [])
        shocks = [s for s in self.scenario.shocks if s.at == run_block]
        shock_spans = []
        for shock in shocks:
            made = self._shock_records(shock, run_block)
            shock_spans.append((shock, len(records), len(records) + len(made)))
            records += made
        due = [i for i, agent in enumerate(self.agents) if block % agent.every == agent.offset]
        spans = []
        if due:
            order = np.random.default_rng([self.scenario.seed, block]).permutation(len(due))
            for k in order:
                i = due[int(k)]
                made = self.agents[i].act(self.view, self.rngs[i])
                spans.append((i, len(records), len(records) + len(made)))
                records += made
        owned = {
            s.coldkey: self._owned_by(s.coldkey)
            for s, _, _ in shock_spans
            if s.kind == "register_subnet"
        }
        receipt = net.process_block(records)
        for shock, lo, hi in shock_spans:
            self._log_shock(
                shock, receipt, lo, hi, run_block, owned.get(getattr(shock, "coldkey", ""))
            )
        self._start_dequeued(run_block)
        for i, lo, hi in spans:
            for r in receipt.receipts[lo:hi]:
                if not r.ok:
                    counts = self.refused.setdefault(self.agents[i].name, {})
                    counts[r.error_name or "?"] = counts.get(r.error_name or "?", 0) + 1
        for agent in self.agents:
            agent.observe(receipt)
        return receipt

    def _shock_records(self, shock: Any, run_block: int) -> list[Operation]:
        net = self.net
        if isinstance(shock, sc.BuyShock):
            rao = sc.to_rao(shock.tao)
            if shock.hotkey is not None:
                hotkey = shock.hotkey
            elif shock.netuid == 0:
                hotkey = self.validators[0]
            else:
                hotkey = net.subnet(shock.netuid).owner_hotkey
            return [Fund(shock.coldkey, rao), AddStake(shock.coldkey, hotkey, shock.netuid, rao)]
        if isinstance(shock, sc.MoveRootShock):
            # no root position: through val-0, which the chain refuses (logged as refused)
            origin = shock.hotkey or _largest_root_position(net, shock.coldkey) or "val-0"
            rao = sc.to_rao(shock.tao)
            return [MoveStake(shock.coldkey, origin, origin, 0, shock.netuid, rao)]
        if isinstance(shock, sc.RegisterShock):
            self._registrations[run_block] = shock
            cost = net.network_lock_cost() + REGISTER_MARGIN
            return [Fund(shock.coldkey, cost), RegisterNetwork(shock.coldkey, shock.hotkey)]
        if isinstance(shock, sc.GovernanceShock):
            return [Governance(shock.parameter, shock.value)]
        assert isinstance(shock, sc.EmissionSwitchShock)
        return [SetSubnetEmissionEnabled(shock.netuid, shock.enabled)]

    def _log_shock(
        self,
        shock: Any,
        receipt: BlockReceipt,
        lo: int,
        hi: int,
        run_block: int,
        owned_before: frozenset[int] | None = None,
    ) -> None:
        mine = receipt.receipts[lo:hi]
        entry: dict[str, Any] = {
            "kind": shock.kind,
            "at": shock.at,
            "block": receipt.block,
            "ok": all(r.ok for r in mine),
            "errors": [f"{r.error_name}: {r.error}" for r in mine if not r.ok],
            "results": [r.result for r in mine],
        }
        shock_reg = self._registrations.pop(run_block, None)
        netuid = mine[-1].result if mine else None
        if shock_reg is not None and entry["ok"] and netuid is not None:
            self._start_later(shock_reg, entry, netuid, run_block)
        elif shock_reg is not None and entry["ok"]:  # queued at the limit: watch for it
            entry["queued"] = True
            before = owned_before if owned_before is not None else frozenset()
            self._queued.append((shock_reg, entry, before))
        self.shock_log.append(entry)

    def _start_later(
        self, shock: sc.RegisterShock, entry: dict[str, Any], netuid: int, run_block: int
    ) -> None:
        """The new subnet's start call (and emission switch) in the next run block."""
        entry["netuid"] = netuid
        follow: list[Operation] = [StartCall(shock.coldkey, netuid)]
        if shock.emission:
            follow.append(SetSubnetEmissionEnabled(netuid, True))
        self._pending.setdefault(run_block + 1, []).extend(follow)

    def _owned_by(self, coldkey: str) -> frozenset[int]:
        """The netuids whose owner is ``coldkey``."""
        net = self.net
        return frozenset(n for n in net.netuids if net.subnet(n).owner_coldkey == coldkey)

    def _start_dequeued(self, run_block: int) -> None:
        """A queued registration that a block has now carried out (a netuid the shock's
        coldkey did not own at the shock) gets its start call like an immediate one."""
        for item in list(self._queued):
            shock, entry, before = item
            added = sorted(self._owned_by(shock.coldkey) - before)
            if added:
                self._queued.remove(item)
                entry["registered_block"] = self.net.block
                self._start_later(shock, entry, added[0], run_block)


def _largest_root_position(net: Network, coldkey: str) -> str | None:
    """The hotkey of a coldkey's largest root stake (ties: the first hotkey by name)."""
    rows = [(-amount, hotkey) for _, hotkey, netuid, amount in net.positions(coldkey) if not netuid]
    return min(rows)[1] if rows else None


def _make_agents(scenario: sc.Scenario, view: MarketView) -> list[Any]:
    specs = [spec.model_dump() for spec in scenario.agents]
    return list(make_agents(specs, view, scenario.seed)) if specs else []


def run_scenario(
    scenario: sc.Scenario,
    out_dir: Path | None,
    progress: bool = False,
    agents: Sequence[Any] | None = None,
) -> dict[str, Any]:
    """Run a scenario; write its outputs to ``out_dir`` (None: nothing written) and return
    its summary (the numbers summary.json holds). Invariants are checked at the end
    (``InvariantViolation`` if one fails)."""
    return run_model(Model(scenario, agents), out_dir, progress)


def run_model(model: Model, out_dir: Path | None, progress: bool = False) -> dict[str, Any]:
    """:func:`run_scenario` of a model already made (its ``refused`` counts read after)."""
    scenario = model.scenario
    collector = Collector(model, out_dir)
    total = scenario.total_blocks
    started = time.perf_counter()
    with _progress(progress, total) as advance:
        collector.collect(0)
        for k in range(1, total + 1):
            receipt = model.step()
            collector.observe(receipt)
            if k % scenario.metrics_every == 0 or k == total:
                collector.collect(k, final=k == total)
            advance(k)
    invariants.check(model.net.state)
    summary = collector.finish(wall_seconds=time.perf_counter() - started)
    return summary


class _NoProgress:
    def __enter__(self) -> Any:
        return lambda k: None

    def __exit__(self, *exc: object) -> None:
        return None


class _RichProgress:
    """A rich progress bar on stderr with blocks/s (only on a terminal)."""

    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self.total = total
        self.progress = Progress(
            TextColumn("[bold]block {task.completed}/{task.total}"),
            BarColumn(),
            TextColumn("{task.fields[rate]} blocks/s"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self.started = time.perf_counter()

    def __enter__(self) -> Any:
        self.progress.__enter__()
        task = self.progress.add_task("run", total=self.total, rate="-")

        def advance(k: int) -> None:
            if k % 20 == 0 or k == self.total:
                rate = k / max(time.perf_counter() - self.started, 1e-9)
                self.progress.update(task, completed=k, rate=f"{rate:,.0f}")

        return advance

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)


def _progress(enabled: bool, total: int) -> Any:
    if enabled and sys.stderr.isatty():
        return _RichProgress(total)
    return _NoProgress()
