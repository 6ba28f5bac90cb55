"""Small hand-built networks and a minimal runner for the simulator's agent and metric tests.

``world(preset)``: three subnets (pools 1 000·k τ / 10 000 α, EMA price 0.1·k), two validators
and three miners each, 1 000 τ of root stake on every validator; under eras with a start call
and an emission switch both are made. ``run(net, agents, blocks, seed)`` follows the simulator's
activation contract (due agents in a seeded permutation, each with its own generator) and
returns every block's receipt.
"""

from __future__ import annotations

import contextlib

import numpy as np

import dtao
from dtao.errors import CallUnavailable
from dtao.operations import SetSubnetEmissionEnabled, StartCall
from dtao.sim.view import MarketView

TAO = 10**9


def world(preset: str = "current", subnets: int = 3, tempo: int = 20, **overrides) -> dtao.Network:
    genesis = dtao.Genesis(
        preset, start_call_delay=0, tempo=tempo, network_rate_limit=1, **overrides
    )
    for n in range(1, subnets + 1):
        genesis.subnet(
            n,
            f"o{n}",
            f"o{n}-hk",
            tao_in=1_000 * TAO * n,
            alpha_in=10_000 * TAO,
            moving_price_bits=int(0.1 * n * 2**32),
        )
        for k in range(2):
            genesis.neuron(n, f"v{n}{k}", f"vc{n}{k}")
            genesis.stake(f"vc{n}{k}", f"v{n}{k}", n, (100 + 50 * k) * TAO)
            genesis.stake("rs", f"v{n}{k}", 0, 1_000 * TAO)
        for k in range(3):
            genesis.neuron(n, f"m{n}{k}", f"mc{n}{k}")
    net = dtao.Network.from_genesis(genesis)
    for n in range(1, subnets + 1):
        for op in (StartCall(f"o{n}", n), SetSubnetEmissionEnabled(n, True)):
            with contextlib.suppress(CallUnavailable):
                net.submit(op)
    return net


def fund(net: dtao.Network, agents) -> None:
    for agent in agents:
        if agent.initial_balance:
            net.fund(agent.coldkey, agent.initial_balance)


def run(net: dtao.Network, agents, blocks: int, seed: int = 0, check_view=False):
    """Run ``blocks`` blocks; with ``check_view`` assert that no ``act`` changes the network."""
    view = MarketView(net)
    rngs = [np.random.default_rng([seed, 1000 + i]) for i in range(len(agents))]
    receipts = []
    for _ in range(blocks):
        block = net.block + 1
        due = [i for i, a in enumerate(agents) if block % a.every == a.offset]
        records = []
        for j in np.random.default_rng([seed, block]).permutation(len(due)):
            i = due[j]
            before = net.digest() if check_view else None
            records += agents[i].act(view, rngs[i])
            if check_view:
                assert net.digest() == before, f"{agents[i].name} changed the network"
        receipt = net.process_block(records)
        for agent in agents:
            agent.observe(receipt)
        receipts.append(receipt)
    return receipts
