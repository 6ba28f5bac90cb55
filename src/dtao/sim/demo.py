"""The main job for now: a small network run for a few simulated days under a preset (``current``,
mainnet as it is now, by default; ``launch`` and ``summer-2026`` by name).

Owners open subnets, validators register and stake, miners register, a root staker delegates
to every validator, and validators re-set weights every 100 blocks, leaning toward the miners
their subnet rewards (a fixed "quality" per miner plus noise). Where the era's emission is voted
on root (``SetRootWeights``, the ``root-vote`` preset), each validator also takes a root seat
(which makes it a delegate, so the root staker can nominate it) and votes for its own subnet
with full weight and every other with half. Everything goes through the public
:class:`dtao.Network` API; the summary compares pools, prices, shares and yields.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from dtao.errors import (
    CallUnavailable,
    ConfigError,
    TooManyRegistrationsThisBlock,
    TooManyRegistrationsThisInterval,
)
from dtao.network import Network
from dtao.operations import RootRegister, SetRootWeights, SetSubnetEmissionEnabled, StartCall
from dtao.params import DEFAULT_PRESET
from dtao.units import RAO_PER_TAO, to_tao

TAO = RAO_PER_TAO
BLOCKS_PER_DAY = 7_200
MINERS_PER_SUBNET = 4
WEIGHTS_EVERY = 100  # blocks, the launch weights rate limit


@dataclass
class SubnetPlayers:
    netuid: int
    owner: str
    validators: list[str]
    miners: list[str]
    quality: np.ndarray  # hidden miner quality the validators estimate


def build(
    subnets: int, seed: int, preset: str = DEFAULT_PRESET
) -> tuple[Network, list[SubnetPlayers]]:
    """Open ``subnets`` subnets with their validators, miners and stakers. Where the era has a
    start call and a per-subnet emission switch (summer-2026, current), each owner makes the
    start call at once and governance switches the new subnet's emission on."""
    rng = np.random.default_rng(seed)
    # the demo opens all its subnets in the first blocks, and starts them at once
    net = Network(preset, network_rate_limit=1, start_call_delay=0)
    net.fund("root-staker", 20_000 * TAO)
    players = []
    for s in range(subnets):
        owner = f"owner{s + 1}"
        net.fund(owner, net.network_lock_cost() + 1_000 * TAO)
        netuid = net.register_network(owner, f"{owner}-hk")
        if netuid is None:
            raise ConfigError(f"{subnets} subnets exceed the preset's subnet limit (queued)")
        _start(net, owner, netuid)
        validators = [f"val{netuid}{c}" for c in "ab"]
        miners = [f"miner{netuid}-{k}" for k in range(MINERS_PER_SUBNET)]
        for name in validators + miners:
            net.fund(name, 400 * TAO)
        players.append(
            SubnetPlayers(
                netuid, owner, validators, miners, rng.uniform(0.2, 1.0, MINERS_PER_SUBNET)
            )
        )
        net.step(1)
    queues = {p.netuid: p.validators + p.miners for p in players}
    root_votes = net.accepts(SetRootWeights)
    if root_votes:  # root seats, one per block, ≤ 3 per 100-block root interval
        queues[0] = [v for p in players for v in p.validators]
    while any(queues.values()):  # ≤ 1 per subnet per block, ≤ 3 per 360-block interval
        for netuid, queue in queues.items():
            if queue:
                try:
                    _register(net, queue[0], netuid)
                    queue.pop(0)
                except (TooManyRegistrationsThisBlock, TooManyRegistrationsThisInterval):
                    pass
        net.step(1)
    for p in players:
        for i, name in enumerate(p.validators):
            net.add_stake(name, f"{name}-hk", p.netuid, (100 + 100 * i) * TAO)
            net.add_stake("root-staker", f"{name}-hk", 0, 20_000 * TAO // (2 * len(players)))
    if root_votes:
        _vote_on_root(net, players)
    return net, players


def _register(net: Network, name: str, netuid: int) -> None:
    """A burned registration of ``name``'s hotkey on ``netuid``; netuid 0: a root seat."""
    if netuid == 0:
        net.submit(RootRegister(name, f"{name}-hk"))
    else:
        net.burned_register(name, f"{name}-hk", netuid)


def _vote_on_root(net: Network, players: list[SubnetPlayers]) -> None:
    """Each root-seated validator votes its own subnet 65 535 and every other 32 767."""
    netuids = tuple(p.netuid for p in players)
    for p in players:
        weights = tuple(65_535 if n == p.netuid else 32_767 for n in netuids)
        for name in p.validators:
            net.submit(SetRootWeights(name, f"{name}-hk", netuids, weights))


def _start(net: Network, owner: str, netuid: int) -> None:
    """The start call and the emission switch, where the era has them."""
    for op in (StartCall(owner, netuid), SetSubnetEmissionEnabled(netuid, True)):
        with contextlib.suppress(CallUnavailable):  # launch: every subnet starts at once
            net.submit(op)


def set_weights(net: Network, players: list[SubnetPlayers], rng: np.random.Generator) -> None:
    """Each permitted validator votes for the miners it judges best (quality + noise)."""
    for p in players:
        view = net.neurons(p.netuid)
        uid_of = {h: u for u, h in enumerate(view.hotkeys)}
        miner_uids = [uid_of[f"{m}-hk"] for m in p.miners]
        for name in p.validators:
            uid = uid_of[f"{name}-hk"]
            if not view.validator_permit[uid] or net.block - view.last_update[uid] < WEIGHTS_EVERY:
                continue
            score = np.clip(p.quality + rng.normal(0, 0.1, len(miner_uids)), 0.01, None)
            weights = np.round(score / score.max() * 65_535).astype(int).tolist()
            net.set_weights(f"{name}-hk", p.netuid, miner_uids, weights)


def _positions(net: Network, players: list[SubnetPlayers]) -> dict[str, dict[int, int]]:
    """Root stake delegated to each subnet's validators, and the validators' own alpha."""
    return {
        "root": {
            p.netuid: sum(net.stake("root-staker", f"{v}-hk", 0) for v in p.validators)
            for p in players
        },
        "alpha": {
            p.netuid: sum(net.stake(v, f"{v}-hk", p.netuid) for v in p.validators) for p in players
        },
    }


def run_demo(
    days: float = 1.0,
    subnets: int = 4,
    seed: int = 7,
    progress: Console | None = None,
    preset: str = DEFAULT_PRESET,
) -> dict[str, Any]:
    """Build the network, run it for ``days`` and return a JSON-ready summary.

    Yields are measured over the last day of the run (or the whole run if shorter), so the
    launch transient of tiny seed pools does not dominate them.
    """
    rng = np.random.default_rng(seed + 1)
    net, players = build(subnets, seed, preset)
    blocks = int(days * BLOCKS_PER_DAY)
    window_start = max(blocks - BLOCKS_PER_DAY, 0)
    snapshot, snapshot_block = _positions(net, players), net.block
    done = 0
    while done < blocks:
        if done == window_start:
            snapshot, snapshot_block = _positions(net, players), net.block
        set_weights(net, players, rng)
        until_window = window_start - done if done < window_start else blocks
        step = min(WEIGHTS_EVERY, blocks - done, until_window)
        net.step(step)
        done += step
        if progress is not None and done % BLOCKS_PER_DAY < WEIGHTS_EVERY:
            progress.print(f"[dim]day {done / BLOCKS_PER_DAY:.1f}: block {net.block}[/dim]")
    return {"preset": preset, **summarize(net, players, snapshot_block, snapshot)}


def summarize(
    net: Network,
    players: list[SubnetPlayers],
    since_block: int,
    since: dict[str, dict[int, int]],
) -> dict[str, Any]:
    """Per-subnet pools, prices, shares, stakes, and yields since ``since_block`` (simple,
    annualised)."""
    elapsed = max(net.block - since_block, 1)
    per_year = 365 * BLOCKS_PER_DAY / elapsed
    now = _positions(net, players)
    rows = []
    for p in players:
        view = net.subnet(p.netuid)
        neurons = net.neurons(p.netuid)
        rows.append(
            {
                "netuid": p.netuid,
                "price": view.price,
                "moving_price": view.moving_price,
                "emission_share": view.emission_share,
                "tao_in": view.tao_in,
                "alpha_in": view.alpha_in,
                "alpha_out": view.alpha_out,
                "total_stake_alpha": int(neurons.stake.sum()),
                "root_yield": (now["root"][p.netuid] / since["root"][p.netuid] - 1) * per_year,
                "alpha_yield": (now["alpha"][p.netuid] / since["alpha"][p.netuid] - 1) * per_year,
            }
        )
    return {
        "block": net.block,
        "yield_window_days": elapsed / BLOCKS_PER_DAY,
        "total_issuance": net.total_issuance,
        "state_digest": net.digest(),
        "subnets": rows,
    }


def print_summary(summary: dict[str, Any], console: Console) -> None:
    """A readable table of :func:`run_demo`'s summary."""
    table = Table(
        title=f"dtao demo ({summary['preset']}): block {summary['block']}, "
        f"issuance τ{to_tao(summary['total_issuance']):,.3f}"
    )
    for header in (
        "netuid",
        "price τ/α",
        "EMA price",
        "share",
        "pool τ",
        "pool α",
        "α out",
        "stake α",
        "root yield/yr",
        "alpha yield/yr",
    ):
        table.add_column(header, justify="right")
    for row in summary["subnets"]:
        table.add_row(
            str(row["netuid"]),
            f"{row['price']:.4f}",
            f"{row['moving_price']:.6f}",
            f"{row['emission_share']:.1%}",
            f"{to_tao(row['tao_in']):,.2f}",
            f"{to_tao(row['alpha_in']):,.2f}",
            f"{to_tao(row['alpha_out']):,.2f}",
            f"{to_tao(row['total_stake_alpha']):,.2f}",
            f"{row['root_yield']:.2%}",
            f"{row['alpha_yield']:.1%}",
        )
    console.print(table)
    console.print(
        f"Yields over the last {summary['yield_window_days']:.2f} days, simple annualised: root "
        "= growth of the root stake delegated to the subnet's validators (TAO); alpha = "
        "growth of the validators' own alpha stake. New pools are small (launch pools start at "
        "1 τ / 1 α), so early alpha yields are enormous, as they were on chain in February "
        "2025; under summer-2026 and current root stakers earn nothing until the subnets' EMA "
        "prices sum above 1 (the root-sell flag)."
    )
