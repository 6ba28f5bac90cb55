"""The local network driven as a user would: the real ``dtao`` executable in subprocesses over a
temporary data directory. Every number a command prints (``--json``) is checked against the
library (``dtao.Network``) on the same state: the test loads the store, applies the same
operation record to a copy, and compares the receipt, the quote and the state digest."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from fractions import Fraction
from math import floor
from pathlib import Path

import pytest

from dtao import Network
from dtao import operations as ops
from dtao.cli.localnet import json_ready
from dtao.store import Store

TAO = 10**9
_EXE = Path(sys.executable).with_name("dtao")
DTAO = [str(_EXE)] if _EXE.exists() else [sys.executable, "-m", "dtao.cli"]


def dtao(data_dir: Path, *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    """Run ``dtao ARGS`` on ``data_dir`` (through ``DTAO_HOME``); assert its exit code."""
    env = {**os.environ, "DTAO_HOME": str(data_dir), "DTAO_NO_JIT": "1"}
    result = subprocess.run(
        [*DTAO, *args], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL
    )
    assert result.returncode == code, (args, result.stdout[-2000:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    return result


def dtao_json(data_dir: Path, *args: str) -> dict:
    doc = json.loads(dtao(data_dir, *args, "--json").stdout)
    assert doc["schema_version"] == 1
    return doc


def network(data_dir: Path) -> Network:
    """The stored network, loaded as the library sees it."""
    store = Store.open(data_dir)
    store.close()
    return store.network


def expect(data_dir: Path, op: ops.Operation) -> tuple[Network, object]:
    """The library's outcome of ``op`` on a copy of the stored state: (network after, receipt)."""
    copy = Network.from_json(network(data_dir).to_json())
    return copy, copy.submit(op)


def write(data_dir: Path, op: ops.Operation, *args: str) -> dict:
    """Run a write command and check it did exactly what the library does with ``op``."""
    after, receipt = expect(data_dir, op)
    doc = dtao_json(data_dir, *args, "-y")
    assert doc["kind"] == " ".join(args[:2])
    assert doc["receipt"]["op"] == json_ready({"op": ops.to_dict(op)})["op"]
    assert doc["receipt"]["result"] == json_ready({"result": receipt.result})["result"]
    assert doc["receipt"]["block"] == receipt.block
    assert doc["receipt"]["dry_run"] is False
    assert network(data_dir).digest() == after.digest()
    return doc


def quote_fields(quote) -> dict[str, str]:
    """A quote as the JSON output writes it (amounts as decimal strings of rao)."""
    return {k: str(v) for k, v in dataclasses.asdict(quote).items()}


def test_full_session(tmp_path):
    d = tmp_path / "net"
    dtao(d, "init")
    dtao(d, "wallet", "create", "--name", "alice", "-H", "owner")
    dtao(d, "wallet", "create", "--name", "bob", "-H", "miner")
    dtao(d, "wallet", "create", "--name", "carol", "-H", "spare")
    with Store.open(d) as store:
        assert store.wallets() == {"alice": ["owner"], "bob": ["miner"], "carol": ["spare"]}

    write(d, ops.Fund("alice", 5_000 * TAO), "wallet", "faucet", "--name", "alice", "-a", "5000")
    write(d, ops.Fund("bob", 100 * TAO), "wallet", "faucet", "--name", "bob", "-a", "100")
    write(d, ops.Fund("carol", 1_000 * TAO), "wallet", "faucet", "--name", "carol", "-a", "1e3")
    write(
        d,
        ops.Transfer("carol", "bob", 5 * TAO // 2),
        "wallet",
        "transfer",
        "--name",
        "carol",
        "--dest",
        "bob",
        "-a",
        "2.5",
    )

    # create and start a subnet
    cost = network(d).network_lock_cost()
    doc = write(
        d,
        ops.RegisterNetwork("alice", "alice/owner"),
        "subnets",
        "create",
        "--name",
        "alice",
        "-H",
        "owner",
    )
    assert doc["receipt"]["result"] == "1"  # the netuid
    assert doc["preview"]["lock_cost"] == str(cost)
    write(d, ops.StartCall("alice", 1), "subnets", "start", "--name", "alice", "-n", "1")
    dtao(d, "step", "--blocks", "2")

    # register a neuron
    doc = write(
        d,
        ops.BurnedRegister("bob", "bob/miner", 1),
        "subnets",
        "register",
        "--name",
        "bob",
        "-H",
        "miner",
        "-n",
        "1",
    )
    assert doc["receipt"]["result"] == "1"

    # stake with --safe: the limit is price·(1 + tolerance), the preview is the library's quote
    net = network(d)
    price = net.spot_price(1)
    limit = floor(price * (1 + Fraction("0.05")) * TAO)
    quote = net.quote_stake(1, 20 * TAO)
    op = ops.AddStake("carol", "alice/owner", 1, 20 * TAO, limit, False)
    doc = write(
        d,
        op,
        "stake",
        "add",
        "--name",
        "carol",
        "-H",
        "alice/owner",
        "-n",
        "1",
        "-a",
        "20",
        "--safe",
        "--tolerance",
        "0.05",
    )
    assert doc["preview"]["quote"] == quote_fields(quote)
    assert doc["preview"]["limit_price"] == str(limit)
    assert doc["receipt"]["result"] == str(quote.alpha)  # the quote is what the chain did

    # --partial with a tight tolerance: the chain fills only what the limit allows
    net = network(d)
    limit = floor(net.spot_price(1) * (1 + Fraction("0.001")) * TAO)
    op = ops.AddStake("carol", "alice/owner", 1, 200 * TAO, limit, True)
    doc = write(
        d,
        op,
        "stake",
        "add",
        "--name",
        "carol",
        "-H",
        "alice/owner",
        "-n",
        "1",
        "-a",
        "200",
        "--tolerance",
        "0.001",
        "--partial",
    )
    assert 0 < int(doc["receipt"]["result"]) < net.quote_stake(1, 200 * TAO).alpha

    # step past an epoch
    tempo = network(d).subnet(1).tempo
    dtao(d, "step", "--blocks", str(tempo + 5))
    net = network(d)
    assert net.subnet(1).last_epoch_block > 0

    # list stakes: value at spot and after slippage, per subnet and in total
    doc = dtao_json(d, "stake", "list")
    rows = [r for r in net.positions() if r[3]]
    assert len(doc["positions"]) == len(rows) >= 2  # carol's stake and the owner's cut
    for row in doc["positions"]:
        netuid, amount = int(row["netuid"]), int(row["stake"])
        assert net.stake(row["coldkey"], row["hotkey"], netuid) == amount
        assert int(row["value"]) == floor(amount * net.spot_price(netuid))
        assert int(row["value_after_slippage"]) == net.quote_unstake(netuid, amount).tao
    assert int(doc["total"]["value"]) == sum(int(r["value"]) for r in doc["positions"])
    assert int(doc["total"]["value_after_slippage"]) == sum(
        int(r["value_after_slippage"]) for r in doc["positions"]
    )
    balance = dtao_json(d, "wallet", "balance", "--name", "carol")["balances"][0]
    assert int(balance["free"]) == net.balance("carol")

    # move part of carol's stake to bob's hotkey, then unstake some of it
    held = net.stake("carol", "alice/owner", 1)
    move = ops.MoveStake("carol", "alice/owner", "bob/miner", 1, 1, held // 4)
    doc = write(
        d,
        move,
        "stake",
        "move",
        "--name",
        "carol",
        "-H",
        "alice/owner",
        "--to",
        "bob/miner",
        "-o",
        "1",
        "-d",
        "1",
        "-a",
        f"{held // 4 / TAO:.9f}",
    )
    assert doc["preview"]["quote"] == quote_fields(net.quote_move(1, 1, held // 4))
    net = network(d)
    moved = net.stake("carol", "bob/miner", 1)
    sell = ops.RemoveStake("carol", "bob/miner", 1, moved, None, False)
    doc = write(
        d,
        sell,
        "stake",
        "remove",
        "--name",
        "carol",
        "-H",
        "bob/miner",
        "-n",
        "1",
        "--all",
        "--unsafe",
    )
    assert doc["preview"]["quote"] == quote_fields(net.quote_unstake(1, moved))

    # claim (root dividends; Swap by default)
    write(d, ops.ClaimRoot("carol", (1,)), "root", "claim", "--name", "carol", "--netuids", "1")

    # a dry run shows the receipt and commits nothing
    before = network(d).digest()
    doc = dtao_json(d, "wallet", "faucet", "--name", "bob", "-a", "1", "--dry-run")
    assert doc["receipt"]["dry_run"] is True and doc["receipt"]["op"]["amount"] == str(TAO)
    assert network(d).digest() == before

    # history, verify, rewind
    history = dtao(d, "history").stdout
    for name in ("Fund", "RegisterNetwork", "AddStake", "MoveStake", "RemoveStake", "ClaimRoot"):
        assert name in history
    dtao(d, "verify")
    block = network(d).block
    dtao(d, "step", "--blocks", "3")
    dtao(d, "rewind", "--to-block", str(block))
    assert network(d).block == block
    assert network(d).digest() == before


#: a representative set of bad inputs through the executable (the rest: test_cli_local_errors)
BAD = [
    (("stake", "frobnicate"), 2, "No such command 'frobnicate'"),
    (("stake", "add", "--name", "alice", "--bogus"), 2, "No such option: --bogus"),
    (
        ("stake", "add", "--name", "alice", "-H", "owner", "-n", "1", "-a", "1x", "-y"),
        2,
        "'1x' is not a number",
    ),
    (
        ("stake", "add", "--name", "ghost", "-H", "owner", "-n", "1", "-a", "1", "-y"),
        2,
        "unknown wallet 'ghost'",
    ),
    (
        ("stake", "add", "--name", "alice", "-H", "owner", "-n", "7", "-a", "1", "-y"),
        1,
        "SubnetNotExists",
    ),
    (
        ("wallet", "transfer", "--name", "alice", "--dest", "alice", "-a", "1e9", "-y"),
        1,
        "NotEnoughBalanceToTransfer",
    ),
    (("root", "unstake", "--name", "alice", "-H", "owner", "-a", "1", "-y"), 1, "AmountTooLow"),
    (("wallet", "transfer", "--name", "alice", "--dest", "alice", "-a", "1"), 1, "aborted"),
]


@pytest.fixture(scope="module")
def small_network(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad")
    dtao(d, "init")
    dtao(d, "wallet", "create", "--name", "alice", "-H", "owner")
    dtao(d, "wallet", "faucet", "--name", "alice", "-a", "10", "-y")
    return d


@pytest.mark.parametrize(("args", "code", "fragment"), BAD, ids=[" ".join(b[0]) for b in BAD])
def test_bad_input_through_the_executable(small_network, args, code, fragment):
    before = network(small_network).digest()
    result = dtao(small_network, *args, code=code)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], lines
    assert network(small_network).digest() == before


def test_commands_on_the_real_network_snapshot(tmp_path):
    """The shipped snapshot of the real network (dtao.sim.snapshot): the subnet table, a safe
    stake through one of its validators, and the stake list, each checked against the library."""
    from dtao.sim.snapshot import build_genesis, read_snapshot

    d = tmp_path / "real"
    real = Network.from_genesis(build_genesis(read_snapshot(), "current", 0))
    for netuid in real.netuids:  # as the simulator's runner sets the real network up
        real.submit(ops.StartCall(real.subnet(netuid).owner_coldkey, netuid))
        real.submit(ops.SetSubnetEmissionEnabled(netuid, True))
    Store.create(d, real, source="snapshot").close()
    dtao(d, "wallet", "create", "--name", "carol", "-H", "spare")
    write(d, ops.Fund("carol", 1_000 * TAO), "wallet", "faucet", "--name", "carol", "-a", "1000")

    net = network(d)
    subnets = dtao_json(d, "subnets", "list")["subnets"]
    assert [s["netuid"] for s in subnets] == sorted(
        net.netuids, key=lambda n: -floor(net.subnet(n).alpha_issuance * net.spot_price(n))
    )
    for row in subnets:
        n = row["netuid"]
        assert int(row["market_cap"]) == floor(net.subnet(n).alpha_issuance * net.spot_price(n))

    deepest = max(net.netuids, key=lambda n: net.subnet(n).tao_in)
    validator = net.neurons(deepest).hotkeys[1]  # a snapshot validator (UID 0 is the owner)
    limit = floor(net.spot_price(deepest) * (1 + Fraction("0.01")) * TAO)
    op = ops.AddStake("carol", validator, deepest, 100 * TAO, limit, False)
    doc = write(
        d,
        op,
        "stake",
        "add",
        "--name",
        "carol",
        "-H",
        validator,
        "-n",
        str(deepest),
        "-a",
        "100",
        "--tolerance",
        "0.01",
    )
    assert doc["preview"]["quote"] == quote_fields(net.quote_stake(deepest, 100 * TAO))

    net = network(d)
    (row,) = dtao_json(d, "stake", "list", "--name", "carol")["positions"]
    amount = net.stake("carol", validator, deepest)
    assert int(row["stake"]) == amount > 0
    assert int(row["value_after_slippage"]) == net.quote_unstake(deepest, amount).tao


def test_full_session_from_the_snapshot(tmp_path):
    """The full session on the real network: ``dtao init --from-snapshot shipped`` (the
    2026-04-11 snapshot, 128 subnets = the subnet limit) under the default era, ``current``.

    At the limit ``current`` (spec 475) queues a new registration instead of refusing it: the
    create pays the lock cost into an escrow, returns no netuid (null: none yet) and dissolves the
    subnet first in the pruning order; the next block's idle hook finishes that cleanup and
    settles the queue, registering the subnet on the freed netuid. The test takes that path (the
    era a user gets by default) rather than ``summer-2026``, which prunes and registers at once;
    the rest of the session then runs on the new subnet, every number checked against the
    library as in :func:`test_full_session`. The new subnet's epoch comes ~290 blocks in (at
    ~25 ms a block); snapshots every 100 blocks keep the rewind's replay short."""
    from dtao.summer import summer_columns

    d = tmp_path / "real"
    doc = dtao_json(d, "init", "--from-snapshot", "shipped", "--snapshot-every", "100")
    net = network(d)
    assert net.params.preset_name == "current"
    assert len(net.netuids) == net.params.subnet_limit == 128
    assert doc["digest"] == net.digest() and doc["subnets"] == 128
    for name, hotkey in (("alice", "owner"), ("bob", "miner"), ("carol", "spare")):
        dtao(d, "wallet", "create", "--name", name, "-H", hotkey)
    write(d, ops.Fund("alice", 5_000 * TAO), "wallet", "faucet", "--name", "alice", "-a", "5000")
    write(d, ops.Fund("bob", 100 * TAO), "wallet", "faucet", "--name", "bob", "-a", "100")
    write(d, ops.Fund("carol", 1_000 * TAO), "wallet", "faucet", "--name", "carol", "-a", "1e3")

    # create at the limit: queued (no netuid yet), the weakest non-immune subnet dissolved
    net = network(d)
    cost, weakest = net.network_lock_cost(), net.pruning_order()[0]
    doc = write(
        d,
        ops.RegisterNetwork("alice", "alice/owner"),
        "subnets",
        "create",
        "--name",
        "alice",
        "-H",
        "owner",
    )
    assert doc["receipt"]["result"] is None  # queued: no netuid yet
    assert doc["preview"]["lock_cost"] == str(cost)
    assert [e["netuid"] for e in doc["receipt"]["events"] if e["event"] == "Dissolved"] == [weakest]
    assert network(d).balance("alice") == 5_000 * TAO - cost  # escrowed

    # one block settles the queue: the subnet registers on the freed netuid, as the library does
    library = network(d)
    library.process_block()
    assert dtao_json(d, "step", "--blocks", "1")["digest"] == library.digest()
    net = network(d)
    netuid = weakest
    assert net.subnet(netuid).owner_coldkey == "alice"
    assert net.subnet(netuid).owner_hotkey == "alice/owner"
    assert len(net.netuids) == 128
    write(
        d, ops.StartCall("alice", netuid), "subnets", "start", "--name", "alice", "-n", f"{netuid}"
    )

    # register a neuron
    n = str(netuid)
    doc = write(
        d,
        ops.BurnedRegister("bob", "bob/miner", netuid),
        "subnets",
        "register",
        "--name",
        "bob",
        "-H",
        "miner",
        "-n",
        n,
    )
    assert doc["receipt"]["result"] == "1"  # UID 0 is the owner's

    # stake with --safe: the limit is price·(1 + tolerance), the preview is the library's quote
    # (the new pool holds a few TAO, so a safe stake is small or its tolerance wide)
    net = network(d)
    limit = floor(net.spot_price(netuid) * (1 + Fraction("0.5")) * TAO)
    quote = net.quote_stake(netuid, TAO // 5)
    op = ops.AddStake("carol", "alice/owner", netuid, TAO // 5, limit, False)
    args = ("stake", "add", "--name", "carol", "-H", "alice/owner", "-n", n)
    doc = write(d, op, *args, "-a", "0.2", "--safe", "--tolerance", "0.5")
    assert doc["preview"]["quote"] == quote_fields(quote)
    assert doc["preview"]["limit_price"] == str(limit)
    assert doc["receipt"]["result"] == str(quote.alpha)

    # 20 TAO at 5 % would move the thin pool far past the limit: --partial fills what it allows
    net = network(d)
    limit = floor(net.spot_price(netuid) * (1 + Fraction("0.05")) * TAO)
    op = ops.AddStake("carol", "alice/owner", netuid, 20 * TAO, limit, True)
    doc = write(d, op, *args, "-a", "20", "--tolerance", "0.05", "--partial")
    assert 0 < int(doc["receipt"]["result"]) < net.quote_stake(netuid, 20 * TAO).alpha // 10

    # step past the new subnet's next epoch: current's stateful scheduler runs it once
    # block − LastEpochBlock ≥ tempo (at most max_epochs_per_block a block: a few spare blocks)
    net = network(d)
    due = summer_columns(net.state).get("last_epoch_block", netuid) + net.subnet(netuid).tempo
    assert 0 < due - net.block <= net.subnet(netuid).tempo
    dtao(d, "step", "--blocks", str(due - net.block + 4))
    net = network(d)
    assert net.subnet(netuid).last_epoch_block > net.subnet(netuid).registered_at

    # list stakes: value at spot and after slippage, per subnet and in total
    doc = dtao_json(d, "stake", "list", "--name", "carol")
    rows = net.positions("carol")
    assert len(doc["positions"]) == len(rows) == 1
    for row in doc["positions"]:
        amount = int(row["stake"])
        assert net.stake("carol", row["hotkey"], int(row["netuid"])) == amount > 0
        assert int(row["value"]) == floor(amount * net.spot_price(netuid))
        assert int(row["value_after_slippage"]) == net.quote_unstake(netuid, amount).tao
    assert int(doc["total"]["value_after_slippage"]) == sum(
        int(r["value_after_slippage"]) for r in doc["positions"]
    )
    balance = dtao_json(d, "wallet", "balance", "--name", "carol")["balances"][0]
    assert int(balance["free"]) == net.balance("carol")

    # move a quarter of carol's stake to bob's hotkey, then unstake all of it
    held = net.stake("carol", "alice/owner", netuid)
    move = ops.MoveStake("carol", "alice/owner", "bob/miner", netuid, netuid, held // 4)
    doc = write(
        d,
        move,
        "stake",
        "move",
        "--name",
        "carol",
        "-H",
        "alice/owner",
        "--to",
        "bob/miner",
        "-o",
        n,
        "-d",
        n,
        "-a",
        f"{held // 4 / TAO:.9f}",
    )
    assert doc["preview"]["quote"] == quote_fields(net.quote_move(netuid, netuid, held // 4))
    net = network(d)
    moved = net.stake("carol", "bob/miner", netuid)
    sell = ops.RemoveStake("carol", "bob/miner", netuid, moved, None, False)
    args = ("stake", "remove", "--name", "carol", "-H", "bob/miner", "-n", n, "--all")
    doc = write(d, sell, *args, "--unsafe")
    assert doc["preview"]["quote"] == quote_fields(net.quote_unstake(netuid, moved))

    # claim (root dividends), history, verify (replay from the snapshot genesis), rewind
    write(d, ops.ClaimRoot("carol", (netuid,)), "root", "claim", "--name", "carol", "--netuids", n)
    history = dtao(d, "history", "--account", "carol").stdout
    for name in ("Fund", "AddStake", "MoveStake", "RemoveStake", "ClaimRoot"):
        assert name in history
    net = network(d)
    report = dtao_json(d, "verify")
    assert report["ok"] and report["block"] == net.block
    assert report["digest"] == report["replay_digest"] == net.digest()
    block, before = net.block, net.digest()
    dtao(d, "step", "--blocks", "2")
    dtao(d, "rewind", "--to-block", str(block))
    assert network(d).block == block
    assert network(d).digest() == before
