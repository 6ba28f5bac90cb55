"""A simulated year (or ``--days N``) of the full-size network of ``bench_block.py`` under a
seeded stream of stake operations, compared with the same run's numpy floor.

Each block a seeded generator (:class:`StakeFlow`) submits a handful of ``AddStake`` /
``RemoveStake`` records on random subnets, through random validator hotkeys, by a few funded
stakers, via ``Network.process_block(ops)``; rejected records are counted, not raised. Nothing
per block is kept: each receipt is read for its counts and dropped.

Progress goes to stderr once per simulated day. At the end stdout gets ``key=value`` lines:
blocks/s, seconds per simulated day (wall, and this process's CPU), peak RSS, operations
applied/rejected, the numpy floor's day (7 200 × its numpy coinbase + the day's epochs × its
n = 256 epoch, from
``shared/bench/numpy_floor.py`` run after the simulation), and last ``ratio=<dtao day / floor
day>``.

    .venv/bin/python benchmarks/bench_year.py [--days 365] [--preset launch] [--seed 0]
        [--subnets 128] [--uids 256] [--flow 4] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from bench_block import build
from bench_block import floor_figures as bench_floor_figures

import dtao

TAO = 10**9
BLOCKS_PER_DAY = 7_200
HERE = Path(__file__).resolve().parent
FLOOR_SCRIPT = Path("bench") / "numpy_floor.py"
FLOOR_COINBASE = "coinbase_block_numpy_us"
FLOOR_EPOCH = "epoch_compactT_n256_V25_us"


def default_shared() -> Path:
    """``$DTAO_SHARED``, else the ``shared`` folder beside this checkout."""
    return Path(os.environ.get("DTAO_SHARED", HERE.parents[1] / "shared"))


def validators_for(uids: int) -> int:
    """Validators per subnet: 64 at the full size (256 UIDs), a quarter of the UIDs below."""
    return max(1, min(64, uids // 4))


def build_network(subnets: int, uids: int, seed: int = 0, preset: str = "launch") -> dtao.Network:
    """``bench_block.build`` at this size under the preset (started subnets, emission on)."""
    dtao.get_preset(preset)  # ConfigError for an unknown preset, before any work
    return build(subnets, uids, validators=validators_for(uids), seed=seed, preset=preset)


class StakeFlow:
    """A seeded stream of stake records: about ``per_block`` a block (uniform on
    0 … 2 × per_block), half ``AddStake`` of 0.1–10 τ by a random staker on a random subnet
    through a random validator hotkey, half ``RemoveStake`` of 25–100 % of a random position
    the stakers opened (``AddStake`` instead while they hold none).

    The generator reads the network only for the stake of the position it sells; it keeps the
    set of open positions and running counts, nothing per block.
    """

    def __init__(
        self,
        net: dtao.Network,
        seed: int,
        validators: int,
        per_block: float = 4.0,
        stakers: int = 4,
        funds: int = 250_000 * TAO,
    ) -> None:
        self.net = net
        self.rng = random.Random(seed)
        self.span = max(0, round(2 * per_block))
        self.coldkeys = [f"staker{i}" for i in range(stakers)]
        for coldkey in self.coldkeys:
            net.fund(coldkey, funds)
        self.targets = [
            (netuid, f"hk{netuid}-{u}") for netuid in net.netuids for u in range(1, validators + 1)
        ]
        self.open: list[tuple[str, str, int]] = []  # positions, swap-removed
        self.index: dict[tuple[str, str, int], int] = {}
        self.applied = 0
        self.rejected = 0
        self.errors: Counter[str] = Counter()

    def ops(self) -> list[dtao.Operation]:
        """The records of the next block."""
        rng = self.rng
        out: list[dtao.Operation] = []
        for _ in range(rng.randint(0, self.span)):
            if self.open and rng.random() < 0.5:
                position = self.open[rng.randrange(len(self.open))]
                held = self.net.stake(*position)
                if held == 0:
                    self._close(position)
                    continue
                amount = held if rng.random() < 0.25 else int(held * rng.uniform(0.25, 1.0))
                out.append(dtao.RemoveStake(*position, max(1, amount)))
            else:
                netuid, hotkey = self.targets[rng.randrange(len(self.targets))]
                coldkey = self.coldkeys[rng.randrange(len(self.coldkeys))]
                amount = rng.randint(TAO // 10, 10 * TAO)
                out.append(dtao.AddStake(coldkey, hotkey, netuid, amount))
        return out

    def observe(self, receipt: dtao.BlockReceipt) -> None:
        """Count a block's operation receipts; note positions opened (closed ones are noticed
        when next drawn)."""
        for r in receipt.receipts:
            if r.error is not None:
                self.rejected += 1
                self.errors[type(r.error).__name__] += 1
                continue
            self.applied += 1
            op = r.op
            if isinstance(op, dtao.AddStake):
                position = (op.coldkey, op.hotkey, op.netuid)
                if position not in self.index:
                    self.index[position] = len(self.open)
                    self.open.append(position)

    def _close(self, position: tuple[str, str, int]) -> None:
        i = self.index.pop(position)
        last = self.open.pop()
        if i < len(self.open):
            self.open[i] = last
            self.index[last] = i


def run_blocks(net: dtao.Network, flow: StakeFlow, blocks: int) -> int:
    """Run ``blocks`` blocks with the flow's records; the number of epochs that ran."""
    epochs = 0
    for _ in range(blocks):
        receipt = net.process_block(flow.ops())
        flow.observe(receipt)
        epochs += len(receipt.epochs)
    return epochs


def peak_rss_mib() -> float:
    """Peak resident set of this process (``ru_maxrss``: KiB on Linux, bytes on macOS)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 2**10


def floor_figures(script: Path) -> dict[str, float]:
    """The floor's numpy coinbase and n = 256 compact epoch (µs), as bench_block reads them."""
    figures = bench_floor_figures(script) or {}
    missing = {FLOOR_COINBASE, FLOOR_EPOCH} - figures.keys()
    if missing:
        raise SystemExit(f"{script} printed no {', '.join(sorted(missing))}")
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=365.0, help="simulated days (7 200 blocks)")
    parser.add_argument("--preset", default="launch", choices=sorted(dtao.PRESETS))
    parser.add_argument("--seed", type=int, default=0, help="network and stake-flow seed")
    parser.add_argument("--subnets", type=int, default=128)
    parser.add_argument("--uids", type=int, default=256)
    parser.add_argument("--flow", type=float, default=4.0, help="stake records per block (mean)")
    parser.add_argument(
        "--shared",
        type=Path,
        default=default_shared(),
        help="the shared folder holding bench/numpy_floor.py (default: $DTAO_SHARED or the "
        "checkout's sibling shared/)",
    )
    args = parser.parse_args(argv)
    floor_script = args.shared / FLOOR_SCRIPT
    if not floor_script.is_file():
        parser.error(f"no numpy floor at {floor_script} (give --shared or DTAO_SHARED)")
    if args.days <= 0 or args.subnets < 1 or args.uids < 2:
        parser.error("--days must be > 0, --subnets ≥ 1, --uids ≥ 2")
    blocks = max(1, round(args.days * BLOCKS_PER_DAY))

    load_start = os.getloadavg()[0]  # the machine's load (this process included) as context
    t0 = time.perf_counter()
    net = build_network(args.subnets, args.uids, args.seed, args.preset)
    flow = StakeFlow(net, args.seed, validators_for(args.uids), per_block=args.flow)
    build_s = time.perf_counter() - t0
    print(
        f"built {args.subnets} subnets × {args.uids} UIDs ({args.preset}) in {build_s:.1f} s; "
        f"running {blocks} blocks ({blocks / BLOCKS_PER_DAY:g} days)",
        file=sys.stderr,
        flush=True,
    )

    epochs = 0
    done = 0
    t0 = time.perf_counter()
    cpu0 = time.process_time()  # this process's CPU time: less load-sensitive than the wall
    while done < blocks:
        chunk = min(BLOCKS_PER_DAY, blocks - done)
        epochs += run_blocks(net, flow, chunk)
        done += chunk
        elapsed = time.perf_counter() - t0
        print(
            f"day {done / BLOCKS_PER_DAY:.2f}: block {net.block}, {elapsed:.1f} s, "
            f"{done / elapsed:.0f} blocks/s, ops applied={flow.applied} "
            f"rejected={flow.rejected}, rss {peak_rss_mib():.0f} MiB",
            file=sys.stderr,
            flush=True,
        )
    run_s = time.perf_counter() - t0
    cpu_day_s = (time.process_time() - cpu0) * BLOCKS_PER_DAY / blocks
    day_s = run_s * BLOCKS_PER_DAY / blocks
    epochs_per_day = epochs * BLOCKS_PER_DAY / blocks

    floor = floor_figures(floor_script)
    floor_day_s = (
        BLOCKS_PER_DAY * floor[FLOOR_COINBASE] + epochs_per_day * floor[FLOOR_EPOCH]
    ) * 1e-6
    rejected = ",".join(f"{name}:{n}" for name, n in flow.errors.most_common()) or "-"
    lines = [
        f"network={args.subnets}x{args.uids} preset={args.preset} seed={args.seed} "
        f"flow={args.flow:g}",
        f"machine=python {platform.python_version()} numpy {np.__version__} "
        f"cpus {os.cpu_count()} loadavg_1m_start={load_start:.2f} "
        f"loadavg_1m_end={os.getloadavg()[0]:.2f}",
        f"build_seconds={build_s:.2f}",
        f"blocks={blocks} days={blocks / BLOCKS_PER_DAY:g} seconds={run_s:.2f}",
        f"blocks_per_s={blocks / run_s:.1f}",
        f"seconds_per_day={day_s:.3f} cpu_seconds_per_day={cpu_day_s:.3f}",
        f"epochs={epochs} epochs_per_day={epochs_per_day:.1f}",
        f"peak_rss_mib={peak_rss_mib():.1f}",
        f"ops_applied={flow.applied} ops_rejected={flow.rejected} rejected_by={rejected}",
        f"total_issuance={net.total_issuance}",
        f"floor_coinbase_us={floor[FLOOR_COINBASE]:.1f} "
        f"floor_epoch_n256_us={floor[FLOOR_EPOCH]:.1f}",
        f"floor_seconds_per_day={floor_day_s:.3f}",
        f"ratio={day_s / floor_day_s:.2f}",
    ]
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    main()
