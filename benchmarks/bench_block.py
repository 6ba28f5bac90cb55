"""Block-step benchmarks: one block over 128 subnets with no epoch due, and one simulated day
of a 128-subnet, 256-UID network (64 validators per subnet setting weights). Prints figures
(median of repeats) and the same-run numbers of ``shared/bench/numpy_floor.py``'s coinbase.

    .venv/bin/python benchmarks/bench_block.py [--subnets 128] [--uids 256] [--quick]
        [--preset launch] [--validators N]

The network is the launch era's unless ``--preset`` names another (``current``, ``summer-2026``):
where the era has start calls and a per-subnet emission switch, each subnet is started and its
emission switched on through operation records, so every subnet emits as on a live chain.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import dtao
from dtao.block import process_block
from dtao.coinbase import run_coinbase
from dtao.emission import block_emission
from dtao.state import contiguous_subnets

TAO = 10**9
HERE = Path(__file__).resolve().parent


def build(
    subnets: int, uids: int, validators: int = 64, seed: int = 0, preset: str = "launch"
) -> dtao.Network:
    """A large network of the preset through the public API (registration limits lifted; each
    subnet started and its emission switched on where the era has those calls)."""
    rng = np.random.default_rng(seed)
    net = dtao.Network(
        preset,
        network_rate_limit=1,
        lock_reduction_interval=1,
        max_registrations_per_block=uids,
        target_registrations=uids,
        network_min_lock=1_000 * TAO,
    )
    net.fund("owner", subnets * 2_000 * TAO)
    net.fund("whale", 10_000_000 * TAO)
    for s in range(subnets):
        netuid = net.register_network("owner", f"own{s}")
        start(net, "owner", netuid)
        net.step(2)
    for netuid in net.netuids:
        for u in range(1, uids):
            net.burned_register("whale", f"hk{netuid}-{u}", netuid)
        for u in range(1, validators + 1):
            net.add_stake("whale", f"hk{netuid}-{u}", netuid, int(rng.uniform(1, 50) * TAO))
        net.add_stake("whale", f"hk{netuid}-1", 0, 1_000 * TAO)
    net.step(362)  # every subnet ran one epoch: validator permits
    for netuid in net.netuids:
        targets = list(range(validators + 1, uids))
        permits = net.neurons(netuid).validator_permit
        for u in range(1, validators + 1):
            if permits[u]:  # the owner's UID takes one of the 64 permits
                weights = rng.integers(1, 65_535, len(targets)).tolist()
                net.set_weights(f"hk{netuid}-{u}", netuid, targets, weights)
    return net


def start(net: dtao.Network, owner: str, netuid: int) -> None:
    """The start call and the emission switch, where the era has them (launch: neither)."""
    for op in (dtao.StartCall(owner, netuid), dtao.SetSubnetEmissionEnabled(netuid, True)):
        with contextlib.suppress(dtao.errors.CallUnavailable):
            net.submit(op)


def timeit(fn, repeats: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples), min(samples)


def bench_block_no_epoch(net: dtao.Network, repeats: int) -> list[float]:
    """Sorted seconds of process_block over blocks where no subnet's epoch is due."""
    state, rules = net.state, net.rules
    times = []
    while len(times) < repeats:
        state.block += 1
        due = len(rules.epoch_schedule(state, contiguous_subnets(state)))
        state.block -= 1
        if due:
            process_block(state, rules)
            continue
        t0 = time.perf_counter()
        process_block(state, rules)
        times.append(time.perf_counter() - t0)
    return sorted(times)


def floor_figures(script: Path | None = None) -> dict | None:
    """Same-run numbers from shared/bench/numpy_floor.py (or ``script``; the shared folder is
    ``$DTAO_SHARED``, else the checkout's sibling): its coinbase and compact epochs (µs, one
    decimal); None when the script is not there."""
    shared = Path(os.environ.get("DTAO_SHARED", HERE.parents[1] / "shared"))
    script = script or shared / "bench" / "numpy_floor.py"
    if not script.exists():
        return None
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True
    ).stdout
    figures = {}
    for row in (json.loads(line) for line in out.splitlines() if line.startswith("{")):
        if row["kind"].startswith("coinbase"):
            figures[row["kind"] + "_us"] = round(row["us_median"], 1)
        elif row["kind"] == "epoch" and row["layout"] == "compactT":
            figures[f"epoch_compactT_n{row['n']}_V{row['V']}_us"] = round(row["us_median"], 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subnets", type=int, default=128)
    parser.add_argument("--uids", type=int, default=256)
    parser.add_argument("--quick", action="store_true", help="a tenth of a day")
    parser.add_argument("--preset", default="launch", choices=sorted(dtao.PRESETS))
    parser.add_argument(
        "--validators", type=int, default=None, help="per subnet (default: uids / 4, at most 64)"
    )
    args = parser.parse_args()
    t0 = time.perf_counter()
    validators = args.validators or max(1, min(64, args.uids // 4))  # 64 at the full size
    net = build(args.subnets, args.uids, validators, preset=args.preset)
    print(
        json.dumps(
            {
                "kind": "build",
                "preset": args.preset,
                "subnets": args.subnets,
                "uids": args.uids,
                "seconds": round(time.perf_counter() - t0, 2),
            }
        ),
        flush=True,
    )
    state, rules = net.state, net.rules
    block_s = bench_block_no_epoch(net, 300)
    print(
        json.dumps(
            {
                "kind": "block_step_no_epoch",
                "subnets": args.subnets,
                "us_median": round(statistics.median(block_s) * 1e6, 1),
                "us_p10": round(block_s[len(block_s) // 10] * 1e6, 1),
                "us_min": round(block_s[0] * 1e6, 1),
            }
        ),
        flush=True,
    )
    subnets = contiguous_subnets(state)
    emission = block_emission(state.total_issuance, state.params)
    coinbase_s, _ = timeit(lambda: run_coinbase(state, rules, subnets, emission), 300)
    print(
        json.dumps(
            {
                "kind": "coinbase_only",
                "subnets": args.subnets,
                "us_median": round(coinbase_s * 1e6, 1),
            }
        ),
        flush=True,
    )
    blocks = 720 if args.quick else 7_200
    t0 = time.perf_counter()
    epochs = 0
    for _ in range(blocks):
        epochs += len(process_block(state, rules).epochs)
    day_s = (time.perf_counter() - t0) * 7_200 / blocks
    print(
        json.dumps(
            {
                "kind": "simulated_day",
                "subnets": args.subnets,
                "uids": args.uids,
                "blocks": blocks,
                "epochs": epochs,
                "seconds_per_day": round(day_s, 3),
            }
        ),
        flush=True,
    )
    floor = floor_figures()
    if floor:
        print(json.dumps({"kind": "numpy_floor_same_run", **floor}), flush=True)
        # the floor's day: 7 200 of its coinbases + the day's epochs at its n = 256 epoch
        floor_day_s = (
            7_200 * floor["coinbase_block_numpy_us"]
            + epochs * 7_200 / blocks * floor["epoch_compactT_n256_V25_us"]
        ) * 1e-6
        print(
            json.dumps(
                {
                    "kind": "day_vs_floor",
                    "floor_seconds_per_day": round(floor_day_s, 3),
                    "ratio": round(day_s / floor_day_s, 2),
                }
            ),
            flush=True,
        )
    print(
        json.dumps(
            {
                "kind": "machine",
                "cpus": os.cpu_count(),
                "numpy": np.__version__,
                "python": sys.version.split()[0],
            }
        )
    )


if __name__ == "__main__":
    main()
