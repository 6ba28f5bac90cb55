"""Two processes write one local network at the same time: nothing is lost or duplicated.

Each process submits 200 operations, 2 ms apart (process 0 also runs a block after every
25th), each through its own :class:`dtao.store.Store`. Afterwards the log holds all 400
operations exactly once, in an order each process's own order respects, and replaying the log
from genesis gives the stored state's digest.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import dtao
from dtao import operations as ops
from dtao.store import Store

OPS_PER_PROCESS = 200
BLOCK_EVERY = 25

WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from dtao import operations as ops
    from dtao.store import Store

    data_dir, me, count, block_every = sys.argv[1:]
    me, count, block_every = int(me), int(count), int(block_every)
    store = Store.open(Path(data_dir))
    (Path(data_dir) / f"ready{me}").touch()  # start together, once both are loaded
    while not all((Path(data_dir) / f"ready{k}").exists() for k in (0, 1)):
        time.sleep(0.001)
    for k in range(count):
        store.submit(ops.Fund(f"writer{me}", 1_000_000 + k))
        time.sleep(0.002)  # a moment between commands, as two users' shells have
        if me == 0 and (k + 1) % block_every == 0:
            store.step(1)
    store.close()
    """
)


def test_two_writers_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    genesis = dtao.Network("launch")
    Store.create(tmp_path, genesis).close()
    env = {**os.environ, "DTAO_NO_JIT": "1"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), str(me)]
            + [str(OPS_PER_PROCESS), str(BLOCK_EVERY)],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for me in (0, 1)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    with Store.open(tmp_path) as store:
        funds = [h["record"] for h in store.history(kind="fund")]
        blocks = store.history(kind="block")
        report = store.verify()
        balances = [store.network.balance(f"writer{me}") for me in (0, 1)]
    assert len(funds) == 2 * OPS_PER_PROCESS
    for me in (0, 1):  # each writer's operations, all there, once, in its order
        mine = [f["amount"] for f in funds if f["coldkey"] == f"writer{me}"]
        assert mine == [1_000_000 + k for k in range(OPS_PER_PROCESS)]
    owners = [f["coldkey"] for f in funds]
    switches = sum(a != b for a, b in zip(owners, owners[1:], strict=False))
    assert switches >= 20, "the writers did not overlap"  # they did write at the same time
    assert len(blocks) == OPS_PER_PROCESS // BLOCK_EVERY
    assert balances == [sum(1_000_000 + k for k in range(OPS_PER_PROCESS))] * 2
    assert report["ok"], report["mismatches"]
    assert report["digest"] == report["replay_digest"]
    oracle = dtao.Network.from_json(genesis.to_json())  # the same interleaving, by the library
    with Store.open(tmp_path) as store:
        rows = sorted(store.history(kind="op") + store.history(kind="block"), key=_seq)
    for row in rows:
        if row["entry"] == "op":
            oracle.submit(ops.from_dict(row["record"]))
        else:
            oracle.step(1)
    assert oracle.digest() == report["digest"]


def _seq(row: dict) -> int:
    return row["seq"]


def test_a_writer_gets_its_turn_during_a_long_step(tmp_path: Path) -> None:
    """A long ``dtao step`` leaves the lock free now and then: an operation from another
    process commits within a second, between two of its blocks, and both count."""
    Store.create(tmp_path, dtao.Network("launch")).close()
    step = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dtao.cli",
            "step",
            "--blocks",
            "100000",
            "--data-dir",
            str(tmp_path),
        ],
        env={**os.environ, "DTAO_NO_JIT": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with Store.open(tmp_path, busy_timeout=2.0) as store:
            deadline = time.monotonic() + 60
            while len(store.history(kind="block", limit=3)) < 3:  # the step is under way
                assert time.monotonic() < deadline and step.poll() is None
                time.sleep(0.01)
            for k in range(5):
                store.submit(ops.Fund("other", 1 + k))  # StoreError "busy" after 2 s
            assert step.poll() is None  # the step was still running throughout
    finally:
        step.kill()
        step.wait()
    with Store.open(tmp_path) as store:
        assert store.network.balance("other") == 15
        assert store.verify()["ok"]
