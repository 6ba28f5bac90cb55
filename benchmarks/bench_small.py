"""The simulator's default shape: 128 `current` subnets with a few UIDs each (4 validators),
as ``bench_block.build`` makes them. Prints one JSON line: no-epoch block times (median, p10,
min, wall), 720 blocks (CPU and wall seconds, epochs), 500 blocks of ``bench_year.StakeFlow``
at 4 records a block (CPU and wall seconds, records applied) and the state digest's prefix —
CPU seconds are the figure to compare on a shared machine.

    .venv/bin/python benchmarks/bench_small.py
"""

from __future__ import annotations

import json
import statistics
import time

from bench_block import bench_block_no_epoch, build
from bench_year import StakeFlow

from dtao.block import process_block


def main() -> None:
    net = build(128, 8, validators=4, preset="current")
    state, rules = net.state, net.rules
    ts = bench_block_no_epoch(net, 400)
    out: dict[str, object] = {
        "no_epoch_median_us": round(statistics.median(ts) * 1e6, 1),
        "no_epoch_p10_us": round(ts[len(ts) // 10] * 1e6, 1),
        "no_epoch_min_us": round(ts[0] * 1e6, 1),
    }
    cpu, wall, epochs = time.process_time(), time.perf_counter(), 0
    for _ in range(720):
        epochs += len(process_block(state, rules).epochs)
    out |= {
        "day_720_cpu_s": round(time.process_time() - cpu, 3),
        "day_720_wall_s": round(time.perf_counter() - wall, 3),
        "epochs": epochs,
    }
    flow = StakeFlow(net, 0, 4)
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(500):
        flow.observe(net.process_block(flow.ops()))
    out |= {
        "stream_500_cpu_s": round(time.process_time() - cpu, 3),
        "stream_500_wall_s": round(time.perf_counter() - wall, 3),
        "applied": flow.applied,
        "digest": net.digest()[:16],
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
