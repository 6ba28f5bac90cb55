"""Store benchmarks: operations per second through :class:`dtao.store.Store` and blocks per
second with the store on, each against the same work on a plain :class:`dtao.Network`.

    .venv/bin/python benchmarks/bench_store.py [--subnets 4] [--ops 1000] [--blocks 2000]
        [--preset current] [--snapshot] [--json]

The network is the demo's (``dtao.sim.demo.build``: owners, validators, miners, stakers on
``--subnets`` subnets), or with ``--snapshot`` the simulator's genesis of the shipped
real-network snapshot (128 subnets). Operations alternate a 1 τ stake and an unstake (each
commits the record and its receipt in one transaction); blocks run through ``Store.step`` (one
transaction per block, the head rewritten every 100 rows or second, a snapshot every 1000). The
database lives in a temporary directory on the same disk as ``/tmp``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import dtao
from dtao.sim.demo import build
from dtao.store import DB_NAME, Store

TAO = 10**9


def _network(subnets: int, preset: str, snapshot: bool) -> dtao.Network:
    """The demo network, or the simulator's genesis of the shipped 2026-04-11 snapshot."""
    if not snapshot:
        return build(subnets, seed=7, preset=preset)[0]
    from dtao.sim.runner import Model
    from dtao.sim.scenario import scenario_from_dict

    spec = {"name": "bench", "preset": preset, "blocks": 1, "genesis": {"source": "snapshot"}}
    return Model(scenario_from_dict(spec, "bench_store")).net


def _operations(network: dtao.Network, count: int) -> list[dtao.Operation]:
    """A stake of 1 τ on subnet 1 through its owner's hotkey, then an unstake of half the
    alpha it bought, repeated (by a funded coldkey ``bench``)."""
    hotkey = network.subnet(1).owner_hotkey
    network.fund("bench", count * TAO)
    stake = dtao.AddStake("bench", hotkey, 1, TAO)
    unstake = dtao.RemoveStake("bench", hotkey, 1, network.quote_stake_alpha(1, TAO) // 2)
    return [stake if k % 2 == 0 else unstake for k in range(count)]


def run(
    subnets: int, ops: int, blocks: int, preset: str, snapshot: bool = False
) -> dict[str, float]:
    network = _network(subnets, preset, snapshot)
    records = _operations(network, ops)
    genesis = network.to_json()
    subnets = len(network.netuids)
    out: dict[str, float] = {"subnets": subnets, "state_kib": len(genesis) / 1024}
    dtao.Network.from_json(genesis).step(2 * network.params.tempo)  # compile (numba), warm up

    plain = dtao.Network.from_json(genesis)
    t = time.perf_counter()
    for op in records:
        plain.submit(op)
    out["ops_per_s_plain"] = ops / (time.perf_counter() - t)
    t = time.perf_counter()
    plain.step(blocks)
    out["blocks_per_s_plain"] = blocks / (time.perf_counter() - t)

    with tempfile.TemporaryDirectory() as tmp:
        store = Store.create(Path(tmp), dtao.Network.from_json(genesis))
        t = time.perf_counter()
        for op in records:
            store.submit(op)
        out["ops_per_s_store"] = ops / (time.perf_counter() - t)
        t = time.perf_counter()
        store.step(blocks)
        out["blocks_per_s_store"] = blocks / (time.perf_counter() - t)
        assert store.network.digest() == plain.digest()  # the same work, the same state
        t = time.perf_counter()
        report = store.verify()
        out["verify_s"] = time.perf_counter() - t
        assert report["ok"]
        store.close()
        t = time.perf_counter()
        Store.open(Path(tmp)).close()
        out["open_s"] = time.perf_counter() - t
        out["db_mib"] = (Path(tmp) / DB_NAME).stat().st_size / 2**20
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subnets", type=int, default=4)
    parser.add_argument("--ops", type=int, default=1_000)
    parser.add_argument("--blocks", type=int, default=2_000)
    parser.add_argument("--preset", default=dtao.DEFAULT_PRESET)
    parser.add_argument(
        "--snapshot", action="store_true", help="the shipped real-network snapshot (128 subnets)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures = run(args.subnets, args.ops, args.blocks, args.preset, args.snapshot)
    if args.json:
        print(json.dumps(figures, indent=1))
        return
    print(
        f"preset={args.preset} subnets={figures['subnets']} ops={args.ops} blocks={args.blocks}"
        f" state_kib={figures['state_kib']:.1f}"
    )
    for kind in ("ops", "blocks"):
        store, plain = figures[f"{kind}_per_s_store"], figures[f"{kind}_per_s_plain"]
        print(
            f"{kind}_per_s_store={store:.0f} {kind}_per_s_plain={plain:.0f}"
            f" store_share={1 - store / plain:.0%}"
        )
    print(
        f"verify_s={figures['verify_s']:.2f} open_s={figures['open_s']:.3f}"
        f" db_mib={figures['db_mib']:.2f}"
    )


if __name__ == "__main__":
    main()
