"""A parameter sweep, run sequentially in one process and then on a process pool of two.

16 runs: 4 seeds × 4 stake-flow intensities (mean stake records per block, the stream of
``bench_year.StakeFlow``), each ``--days`` simulated days (default 30) of a small
``bench_block.build`` network. Every run returns a small summary (final state digest, total
issuance, operation counts); the script checks that the pool gave the same digest as the
sequential run for every (seed, flow) and exits non-zero otherwise. Prints both wall times and,
last, ``speedup=<runs/s on the pool ÷ runs/s sequential>``. The pool is the executor of
``dtao sim sweep`` (``dtao.sim.sweep.execute``): a local process pool, or Dask with ``--dask``.

    .venv/bin/python benchmarks/bench_sweep.py [--days 30] [--subnets 4] [--uids 16]
        [--workers 2] [--dask local|tcp://HOST:PORT] [--quick]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from itertools import product

import numpy as np
from bench_year import BLOCKS_PER_DAY, StakeFlow, build_network, run_blocks, validators_for

from dtao.sim.sweep import execute

SEEDS = (0, 1, 2, 3)
FLOWS = (0.5, 1.0, 2.0, 4.0)  # stake records per block, mean


def run_one(seed: int, flow: float, days: float, subnets: int, uids: int) -> dict:
    """One run of the sweep (module level, so that a process pool can pickle it)."""
    t0 = time.perf_counter()
    net = build_network(subnets, uids, seed)
    stream = StakeFlow(net, seed, validators_for(uids), per_block=flow)
    epochs = run_blocks(net, stream, max(1, round(days * BLOCKS_PER_DAY)))
    return {
        "seed": seed,
        "flow": flow,
        "digest": net.digest(),
        "total_issuance": net.total_issuance,
        "epochs": epochs,
        "applied": stream.applied,
        "rejected": stream.rejected,
        "seconds": time.perf_counter() - t0,
        "pid": os.getpid(),
    }


def sweep(
    cases: list[tuple[int, float]],
    days: float,
    subnets: int,
    uids: int,
    workers: int,
    executor: str = "process",
) -> tuple[list[dict], float]:
    """The runs' summaries in case order and the wall time; ``workers`` 0: in this process,
    else on ``dtao.sim.sweep.execute`` (the executor of ``dtao sim sweep``)."""
    t0 = time.perf_counter()
    results = []
    if workers == 0:
        for seed, flow in cases:
            results.append(run_one(seed, flow, days, subnets, uids))
            _progress("sequential", results[-1], len(results), len(cases))
    else:
        tasks = [(seed, flow, days, subnets, uids) for seed, flow in cases]
        by_case: dict[int, dict] = {}
        for i, result in execute(run_one, tasks, executor, workers):
            by_case[i] = result
            _progress(f"{executor} of {workers}", result, len(by_case), len(cases))
        results = [by_case[i] for i in range(len(cases))]
    return results, time.perf_counter() - t0


def _progress(mode: str, r: dict, i: int, total: int) -> None:
    print(
        f"{mode} {i}/{total}: seed={r['seed']} flow={r['flow']:g} {r['seconds']:.1f} s "
        f"(pid {r['pid']})",
        file=sys.stderr,
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=None, help="simulated days per run (30)")
    parser.add_argument("--subnets", type=int, default=4)
    parser.add_argument("--uids", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="processes of the pool")
    parser.add_argument(
        "--dask",
        default=None,
        metavar="ADDRESS",
        help="run the parallel half on Dask: 'local' (a LocalCluster) or tcp://HOST:PORT",
    )
    parser.add_argument(
        "--quick", action="store_true", help="2 seeds × 2 flows, 0.05 days (unless --days)"
    )
    args = parser.parse_args(argv)
    seeds, flows = (SEEDS[:2], FLOWS[:2]) if args.quick else (SEEDS, FLOWS)
    days = args.days if args.days is not None else (0.05 if args.quick else 30.0)
    if days <= 0 or args.workers < 1:
        parser.error("--days must be > 0 and --workers ≥ 1")
    cases = list(product(seeds, flows))
    print(
        f"sweep: {len(cases)} runs ({len(seeds)} seeds × flows {', '.join(map(str, flows))}), "
        f"{days:g} days each of {args.subnets} subnets × {args.uids} UIDs",
        file=sys.stderr,
        flush=True,
    )

    load = [os.getloadavg()[0]]  # the machine's load (these processes included) as context
    sequential, seq_s = sweep(cases, days, args.subnets, args.uids, workers=0)
    load.append(os.getloadavg()[0])
    executor = (
        "process" if args.dask is None else "dask-local" if args.dask == "local" else args.dask
    )
    parallel, par_s = sweep(cases, days, args.subnets, args.uids, args.workers, executor)
    load.append(os.getloadavg()[0])

    lines = [
        f"runs={len(cases)} days={days:g} network={args.subnets}x{args.uids} "
        f"python={sys.version.split()[0]} numpy={np.__version__} cpus={os.cpu_count()} "
        f"loadavg_1m={'/'.join(f'{x:.2f}' for x in load)}"
    ]
    mismatches = []
    for s, p in zip(sequential, parallel, strict=True):
        same = (s["digest"], s["total_issuance"]) == (p["digest"], p["total_issuance"])
        if not same:
            mismatches.append((s["seed"], s["flow"]))
        lines.append(
            f"seed={s['seed']} flow={s['flow']:g} digest={s['digest'][:16]} "
            f"total_issuance={s['total_issuance']} epochs={s['epochs']} "
            f"ops_applied={s['applied']} ops_rejected={s['rejected']} "
            f"seconds={s['seconds']:.1f}/{p['seconds']:.1f} {'same' if same else 'DIFFERENT'}"
        )
    runs_seq, runs_par = len(cases) / seq_s, len(cases) / par_s
    lines += [
        f"sequential_seconds={seq_s:.2f} runs_per_s={runs_seq:.4f}",
        f"parallel_seconds={par_s:.2f} executor={executor} workers={args.workers} "
        f"runs_per_s={runs_par:.4f}",
        f"digests_match={not mismatches}",
        f"speedup={runs_par / runs_seq:.2f}",
    ]
    print("\n".join(lines), flush=True)
    if mismatches:
        raise SystemExit(f"parallel and sequential digests differ for (seed, flow) {mismatches}")


if __name__ == "__main__":
    main()
