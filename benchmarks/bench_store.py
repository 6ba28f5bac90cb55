"""Store benchmarks: operations per second through :class:`dtao.store.Store` and blocks per
second with the store on, each against the same work on a plain :class:`dtao.Network`.

    .venv/bin/python benchmarks/bench_store.py [--subnets 4] [--ops 1000] [--blocks 2000]
        [--preset current] [--json]

The network is the demo's (``dtao.sim.demo.build``: owners, validators, miners, stakers on
``--subnets`` subnets). Operations alternate a stake and an unstake of 1 τ (each commits the
record, its receipt and the head state in one transaction); blocks run through ``Store.step``
(one transaction per block, the head rewritten every 100 blocks, a snapshot every 1000). The
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


def _operations(count: int, netuid: int, alpha: int) -> list[dtao.Operation]:
    """A stake of 1 τ then an unstake of ``alpha``, repeated (validator ``val1a``)."""
    stake = dtao.AddStake("val1a", "val1a-hk", netuid, TAO)
    unstake = dtao.RemoveStake("val1a", "val1a-hk", netuid, alpha)
    return [stake if k % 2 == 0 else unstake for k in range(count)]


def run(subnets: int, ops: int, blocks: int, preset: str) -> dict[str, float]:
    network, _ = build(subnets, seed=7, preset=preset)
    genesis = network.to_json()
    alpha = network.quote_stake_alpha(1, TAO) // 2  # less than each stake bought
    records = _operations(ops, 1, alpha)
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
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures = run(args.subnets, args.ops, args.blocks, args.preset)
    if args.json:
        print(json.dumps(figures, indent=1))
        return
    print(
        f"preset={args.preset} subnets={args.subnets} ops={args.ops} blocks={args.blocks}"
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
