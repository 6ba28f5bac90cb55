"""SIGKILL at random points of ``dtao step --blocks 100000`` never breaks the local network.

Each round starts the real command on a small network, waits until it has committed a block,
lets it run a random while longer (so the kill lands anywhere: inside a block's transaction,
a checkpoint, a snapshot, between blocks) and kills it with SIGKILL. After every kill the
database must open at a whole block (every committed block and nothing else: the block
entries are consecutive and the state's block is the last of them), verify (replay from
genesis gives the stored digest) and hold every invariant.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import dtao
from dtao import invariants
from dtao import operations as ops
from dtao.store import DB_NAME, Store

TAO = 10**9
KILLS = 20


def _small_network() -> dtao.Network:
    """Two started subnets with a validator each, and a short tempo so epochs run often."""
    net = dtao.Network(network_rate_limit=1, start_call_delay=0, tempo=20)
    for s in (1, 2):
        net.fund(f"owner{s}", net.network_lock_cost() + 100 * TAO)
        net.fund(f"val{s}", 500 * TAO)
        netuid = net.register_network(f"owner{s}", f"owner{s}/hk")
        net.submit(ops.StartCall(f"owner{s}", netuid))
        net.submit(ops.SetSubnetEmissionEnabled(netuid, True))
        net.step(1)
        net.burned_register(f"val{s}", f"val{s}/hk", netuid)
        net.add_stake(f"val{s}", f"val{s}/hk", netuid, 100 * TAO)
    return net


def _last_seq(path: Path) -> int:
    conn = sqlite3.connect(path / DB_NAME, timeout=5)
    try:
        return conn.execute("SELECT max(seq) FROM log").fetchone()[0]
    finally:
        conn.close()


def test_sigkill_during_step_always_leaves_a_whole_block(tmp_path: Path) -> None:
    # short intervals, so that kills also land in checkpoint and snapshot writes
    Store.create(tmp_path, _small_network(), snapshot_every=40, checkpoint_every=15).close()
    with Store.open(tmp_path) as store:
        genesis_block = store.genesis_block
    rng = random.Random(14)
    env = {**os.environ, "DTAO_NO_JIT": "1"}
    command = [sys.executable, "-m", "dtao.cli", "step", "--blocks", "100000"]
    progressed = 0
    for _ in range(KILLS):
        before = _last_seq(tmp_path)
        proc = subprocess.Popen(
            [*command, "--data-dir", str(tmp_path)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while _last_seq(tmp_path) == before and proc.poll() is None:
            assert time.monotonic() < deadline, "dtao step never committed a block"
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL  # it was still running: killed mid-step
        with Store.open(tmp_path) as store:
            blocks = [h["block"] for h in store.history(kind="block", limit=None)]
            assert blocks == list(range(genesis_block + 1, genesis_block + 1 + len(blocks)))
            assert store.network.block == genesis_block + len(blocks)
            invariants.check(store.network.state)
            report = store.verify()
            assert report["ok"], report["mismatches"]
        progressed = max(progressed, len(blocks))
    assert progressed > KILLS  # the kills came after real progress, not at start-up
    done = subprocess.run(
        [sys.executable, "-m", "dtao.cli", "verify", "--data-dir", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert f"block {genesis_block + progressed} digest" in done.stdout
