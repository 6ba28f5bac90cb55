"""A scenario's blocks per second (default: ``default``, the README's first command): the model
is built (timed apart: the setup), then ``--blocks`` blocks are run through ``Model.blocks``
with the scenario's agents and shocks, timed in CPU seconds of this process
(``time.process_time``, steadier on a shared machine) and in wall seconds.

Prints ``key=value`` lines: the scenario, setup seconds (wall), blocks, CPU and wall seconds,
CPU ms a block, wall blocks/s, the minutes the scenario's whole run (its total blocks) would
take at the CPU rate, and last ``blocks_per_s=<CPU rate>``. ``--digest`` adds the final state
digest (to compare two checkouts, or the fast twins against ``DTAO_NO_FAST=1``).

    DTAO_SHARED=../shared .venv/bin/python benchmarks/bench_scenario.py [--scenario default]
        [--blocks 2000] [--digest]
"""

from __future__ import annotations

import argparse
import sys
import time

from dtao.errors import DtaoError
from dtao.sim.runner import Model
from dtao.sim.scenario import load_scenario


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="default", help="a scenario name or TOML path")
    parser.add_argument("--blocks", type=int, default=2_000, help="blocks to time (≥ 1)")
    parser.add_argument("--digest", action="store_true", help="print the final state digest")
    args = parser.parse_args(argv)
    if args.blocks < 1:
        parser.error("--blocks must be at least 1")
    try:
        scenario = load_scenario(args.scenario)
    except (DtaoError, OSError) as exc:
        print(f"bench_scenario: {exc}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    model = Model(scenario)
    setup = time.perf_counter() - t0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for _ in model.blocks(args.blocks):
        pass
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    run_blocks = scenario.total_blocks
    rate = args.blocks / cpu if cpu else float("inf")
    print(f"scenario={args.scenario}")
    print(f"setup_s={setup:.2f}")
    print(f"blocks={args.blocks}")
    print(f"cpu_s={cpu:.2f}")
    print(f"wall_s={wall:.2f}")
    print(f"cpu_ms_per_block={1000 * cpu / args.blocks:.3f}")
    print(f"wall_blocks_per_s={args.blocks / wall:.1f}")
    print(f"run_blocks={run_blocks}")
    print(f"run_minutes_at_cpu_rate={run_blocks / rate / 60:.1f}")
    if args.digest:
        print(f"digest={model.net.digest()}")
    print(f"blocks_per_s={rate:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
