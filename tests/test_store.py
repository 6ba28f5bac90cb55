"""The local network's store (dtao.store): persistence, replay, rewind, migrations, wallets.

Each test compares the store against the same operations and blocks applied to a plain
``dtao.Network`` (the library is the oracle), or against digests the store must reproduce.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
from functools import cache
from pathlib import Path

import pytest

import dtao
from dtao import operations as ops
from dtao.cli.localnet import json_ready
from dtao.errors import NotEnoughBalanceToStake, SubnetNotExists
from dtao.network import RECORD_TYPES
from dtao.store import (
    DB_NAME,
    SCHEMA_VERSION,
    Store,
    StoreError,
    migrate,
    record_json,
    resolve_data_dir,
)

TAO = 10**9
FIXTURE_V1 = Path(__file__).parent / "fixtures" / "store_v1.sqlite"
V1_BLOCK, V1_DIGEST = 424, "909232bb759e52357c1c36b9260320d8ef651517ef17a8a28eca42704fdc7bf6"


@cache
def _genesis_json() -> str:
    """A small current-era network: one started subnet, an owner, a validator with stake."""
    net = dtao.Network(network_rate_limit=1, start_call_delay=0)
    net.fund("owner", net.network_lock_cost() + 1_000 * TAO)
    net.fund("val", 1_000 * TAO)
    netuid = net.register_network("owner", "owner/hk")
    net.submit(ops.StartCall("owner", netuid))
    net.submit(ops.SetSubnetEmissionEnabled(netuid, True))
    net.step(1)
    net.burned_register("val", "val/hk", netuid)
    net.add_stake("val", "val/hk", netuid, 100 * TAO)
    return net.to_json()


def genesis() -> dtao.Network:
    return dtao.Network.from_json(_genesis_json())


def _rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path / DB_NAME)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture
def store(tmp_path: Path):
    with Store.create(tmp_path, genesis(), snapshot_every=50, checkpoint_every=10) as s:
        yield s


def test_create_and_open_keep_the_digest(tmp_path: Path) -> None:
    net = genesis()
    Store.create(tmp_path, net).close()
    with Store.open(tmp_path) as s:
        assert s.network.digest() == net.digest()
        assert s.network.block == net.block == s.genesis_block
        assert s.schema_version == SCHEMA_VERSION


def test_operations_and_blocks_match_the_library(store: Store, tmp_path: Path) -> None:
    oracle = genesis()
    script = [
        ops.Fund("alice", 50 * TAO),
        ops.AddStake("alice", "val/hk", 1, 10 * TAO),
        12,
        ops.RemoveStake("alice", "val/hk", 1, 3 * TAO),
        400,  # past an epoch (tempo 360)
        ops.Transfer("alice", "bob", TAO),
    ]
    for item in script:
        if isinstance(item, int):
            assert store.step(item) == item
            oracle.step(item)
        else:
            assert store.submit(item).result == oracle.submit(item).result
    assert store.network.digest() == oracle.digest()
    store.close()
    with Store.open(tmp_path) as again:
        assert again.network.digest() == oracle.digest()
        report = again.verify()
    assert report["ok"] and report["invariants"]["ok"]
    assert report["digest"] == report["replay_digest"] == oracle.digest()
    assert report["block"] == oracle.block
    assert report["checkpoints"] >= 400 // 50  # the snapshots on the way were compared


def test_a_rejection_writes_nothing(store: Store, tmp_path: Path) -> None:
    before = store.network.digest()
    rows = _rows(tmp_path, "SELECT count(*) FROM log")
    with pytest.raises(NotEnoughBalanceToStake):
        store.submit(ops.AddStake("nobody", "val/hk", 1, 10 * TAO))
    with pytest.raises(SubnetNotExists):
        store.submit(ops.AddStake("val", "val/hk", 9, TAO))
    assert store.network.digest() == before
    assert _rows(tmp_path, "SELECT count(*) FROM log") == rows
    with Store.open(tmp_path) as again:
        assert again.network.digest() == before


def test_dry_run_returns_the_receipt_and_writes_nothing(store: Store, tmp_path: Path) -> None:
    before, rows = store.network.digest(), _rows(tmp_path, "SELECT count(*) FROM log")
    op = ops.AddStake("val", "val/hk", 1, 10 * TAO)
    trial = store.submit(op, dry_run=True)
    assert store.network.digest() == before
    assert _rows(tmp_path, "SELECT count(*) FROM log") == rows
    assert trial.result == genesis().submit(op).result
    assert store.submit(op).result == trial.result  # the real thing matches the preview


def test_crash_between_checkpoints_replays_the_tail(tmp_path: Path) -> None:
    """The head checkpoint lags the log by up to checkpoint_every blocks during a step; a
    process killed there reopens at its last committed block (simulated by rolling the head
    row back to an older checkpoint, as a kill between checkpoints leaves it)."""
    net = genesis()
    with Store.create(tmp_path, net, checkpoint_every=1_000) as s:
        s.step(10)  # head written at the end
        stale = _rows(tmp_path, "SELECT seq, block, digest, state FROM head")[0]
        s.step(25)
        final = s.network.digest()
    conn = sqlite3.connect(tmp_path / DB_NAME)
    conn.execute("UPDATE head SET seq = ?, block = ?, digest = ?, state = ?", stale)
    conn.commit()
    conn.close()
    net.step(35)
    with Store.open(tmp_path) as again:
        assert again.network.digest() == final == net.digest()
        assert again.verify()["ok"]


def test_verify_catches_a_tampered_log(store: Store, tmp_path: Path) -> None:
    store.submit(ops.Fund("alice", 5 * TAO))
    store.step(3)
    conn = sqlite3.connect(tmp_path / DB_NAME)
    conn.execute(
        "UPDATE log SET record = ? WHERE name = 'Fund'",
        (json.dumps(ops.to_dict(ops.Fund("alice", 6 * TAO))),),
    )
    conn.commit()
    conn.close()
    report = store.verify()
    assert not report["ok"]
    assert report["digest"] != report["replay_digest"]
    assert any("differs" in m for m in report["mismatches"])


def test_rewind_restores_the_end_of_a_block_and_keeps_the_tail(
    store: Store, tmp_path: Path
) -> None:
    store.submit(ops.Fund("alice", 50 * TAO))
    store.step(120)  # snapshots at 50 and 100
    target = store.network.block
    store.submit(ops.AddStake("alice", "val/hk", 1, 5 * TAO))  # in block `target`: kept
    expected = store.network.digest()
    store.step(30)
    store.submit(ops.Fund("carol", TAO))  # undone
    store.step(5)
    latest = store.network.digest()
    preview = store.rewind(target, dry_run=True)
    assert store.network.digest() == latest  # the dry run changed nothing
    result = store.rewind(target)
    assert result == {**preview, "dry_run": False}
    assert result["digest"] == store.network.digest() == expected
    assert result["discarded"] == 30 + 1 + 5 and result["snapshot_block"] == 100
    assert store.network.balance("carol") == 0
    undone = [h for h in store.history(kind="fund") if h["discarded_by"]]
    assert [h["record"]["coldkey"] for h in undone] == ["carol"]  # kept, marked
    store.step(2)
    with Store.open(tmp_path) as again:
        report = again.verify()
        assert report["ok"] and again.network.block == target + 2
    with pytest.raises(StoreError, match="holds blocks"):
        store.rewind(store.network.block + 1)
    with pytest.raises(StoreError, match="holds blocks"):
        store.rewind(store.genesis_block - 1)


def test_history_filters(store: Store) -> None:
    store.submit(ops.Fund("alice", 50 * TAO))
    store.submit(ops.AddStake("alice", "val/hk", 1, 5 * TAO))
    store.submit(ops.Transfer("val", "bob", TAO))
    store.step(400)
    kinds = [h["kind"] for h in store.history()]
    assert kinds == ["init", "Fund", "AddStake", "Transfer", "block"]  # one epoch block only
    assert [h["kind"] for h in store.history(kind="add_stake")] == ["AddStake"]
    assert [h["kind"] for h in store.history(account="alice")] == ["Fund", "AddStake"]
    assert [h["kind"] for h in store.history(account="val")] == ["AddStake", "Transfer"]
    assert [h["kind"] for h in store.history(account="bob")] == ["Transfer"]
    assert [h["kind"] for h in store.history(netuid=1)] == ["AddStake", "block"]
    assert len(store.history(kind="block")) == 400
    assert len(store.history(kind="block", limit=7)) == 7
    assert store.history(kind="block", limit=1)[0]["block"] == store.network.block
    since = store.network.block - 9
    assert len(store.history(kind="block", since_block=since)) == 10
    with pytest.raises(StoreError, match="unknown kind"):
        store.history(kind="stakeadd")
    swap = store.history(kind="AddStake")[0]["receipt"]["events"][0]
    assert swap["event"] == "StakeSwap" and swap["tao"] + swap["fee"] == 5 * TAO


def test_two_stores_never_apply_onto_a_stale_state(tmp_path: Path) -> None:
    oracle = genesis()
    Store.create(tmp_path, oracle).close()
    a, b = Store.open(tmp_path), Store.open(tmp_path)
    for k in range(5):
        op_a, op_b = ops.Fund("a", TAO + k), ops.Transfer("val", "b", TAO + k)
        a.submit(op_a)
        b.submit(op_b)
        b.step(1)
        oracle.submit(op_a)
        oracle.submit(op_b)
        oracle.step(1)
    a.step(1)
    oracle.step(1)
    assert a.network.digest() == oracle.digest()
    assert a.verify()["ok"]
    b.rewind(a.network.block - 3)  # a rewind elsewhere: `a` reloads rather than replays on
    a.submit(ops.Fund("after", TAO))
    assert a.network.block == b.network.block
    assert a.network.balance("after") == TAO and a.network.balance("a") < oracle.balance("a")
    assert a.verify()["ok"]
    a.close()
    b.close()


def test_a_locked_database_is_reported_as_busy(tmp_path: Path) -> None:
    Store.create(tmp_path, genesis()).close()
    holder = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Store.open(tmp_path, busy_timeout=0.2) as s:
            before = s.network.digest()
            with pytest.raises(StoreError, match="busy"):
                s.submit(ops.Fund("alice", TAO))
            assert s.network.digest() == before
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_wallets(store: Store, tmp_path: Path) -> None:
    store.create_wallet("alice")
    assert store.add_hotkey("alice", "default") == "alice/default"
    store.add_hotkey("alice", "miner-1")
    store.create_wallet("bob")
    assert store.wallets() == {"alice": ["default", "miner-1"], "bob": []}
    assert store.wallet_coldkey("alice") == "alice"
    assert store.wallet_hotkey("alice", "miner-1") == "alice/miner-1"
    for bad in ("", "a/b", "-x", "x" * 65, "a b"):
        with pytest.raises(StoreError, match="name"):
            store.create_wallet(bad)
    with pytest.raises(StoreError, match="already exists"):
        store.create_wallet("alice")
    with pytest.raises(StoreError, match="already has"):
        store.add_hotkey("alice", "default")
    with pytest.raises(StoreError, match="unknown wallet"):
        store.add_hotkey("carol", "x")
    with pytest.raises(StoreError, match="no hotkey"):
        store.wallet_hotkey("bob", "default")
    with Store.open(tmp_path) as again:
        assert again.wallets() == store.wallets()


def test_opening_refuses_missing_corrupt_and_newer(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no local network"):
        Store.open(tmp_path / "absent")
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / DB_NAME).write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="not a readable dtao database"):
        Store.open(tmp_path / "junk")
    Store.create(tmp_path / "new", genesis()).close()
    conn = sqlite3.connect(tmp_path / "new" / DB_NAME)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store.open(tmp_path / "new")
    Store.create(tmp_path / "bad", genesis()).close()
    conn = sqlite3.connect(tmp_path / "bad" / DB_NAME)
    conn.execute('UPDATE head SET state = \'{"format": "dtao-state/1"}\'')
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="corrupt"):
        Store.open(tmp_path / "bad")


def test_create_refuses_an_existing_network_unless_forced(tmp_path: Path) -> None:
    Store.create(tmp_path, genesis()).close()
    with Store.open(tmp_path) as s:
        s.submit(ops.Fund("alice", TAO))
    with pytest.raises(StoreError, match="already exists"):
        Store.create(tmp_path, dtao.Network("launch"))
    with Store.create(tmp_path, dtao.Network("launch"), force=True) as s:
        assert s.network.params.era == "launch" and s.history(kind="op") == []
    with pytest.raises(StoreError, match="snapshot_every"):
        Store.create(tmp_path / "x", genesis(), snapshot_every=0)


def test_records_that_cannot_be_stored_are_refused(store: Store) -> None:
    before = store.network.digest()
    with pytest.raises(StoreError, match="cannot be stored"):
        store.submit(ops.Governance("tempo", float("nan")))
    assert store.network.digest() == before


def test_schema_v1_fixture_is_migrated_and_verified(tmp_path: Path) -> None:
    shutil.copy(FIXTURE_V1, tmp_path / DB_NAME)
    assert _rows(tmp_path, "PRAGMA user_version") == [(1,)]
    with Store.open(tmp_path) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert s.network.block == V1_BLOCK and s.network.digest() == V1_DIGEST
        report = s.verify()
        assert report["ok"] and report["replay_digest"] == V1_DIGEST
        # the v2 columns were back-filled from the v1 records
        assert [h["kind"] for h in s.history(account="bob")] == [
            "Fund",
            "BurnedRegister",
            "AddStake",
            "AddStake",
            "RemoveStake",
        ]
        s.create_wallet("dave")  # v2 tables exist
        s.step(3)
        s.rewind(V1_BLOCK)
        assert s.network.digest() == V1_DIGEST
    with Store.open(tmp_path) as again:
        assert again.verify()["ok"]


def test_migrate_runs_every_step_once(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.sqlite", isolation_level=None)
    assert migrate(conn, 1) == 0
    assert migrate(conn) == 1
    assert migrate(conn) == SCHEMA_VERSION  # already current: nothing to do
    columns = {row[1] for row in conn.execute("PRAGMA table_info(log)")}
    assert {"discarded_by", "accounts", "netuids"} <= columns
    conn.close()


def test_resolve_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DTAO_HOME", raising=False)
    assert resolve_data_dir(None) == Path(".dtao")
    monkeypatch.setenv("DTAO_HOME", str(tmp_path))
    assert resolve_data_dir(None) == tmp_path
    assert resolve_data_dir(tmp_path / "x") == tmp_path / "x"


def test_json_envelope_turns_amounts_into_strings() -> None:
    data = {"netuid": 3, "amount": 2**60, "events": [{"tao": 5, "uid": 2}], "ok": True}
    assert json_ready(data) == {
        "netuid": 3,
        "amount": str(2**60),
        "events": [{"tao": "5", "uid": 2}],
        "ok": True,
    }


def _sample(cls: type) -> ops.Operation:
    """A valid record of ``cls`` with a value of the right type in every required field."""
    special = {
        "children": ((2**63, "child/hk"),),
        "uids": (0, 1),
        "weights": (65_535, 1),
        "subnets": (1, 2),
        "claim_type": "Keep",
        "legs": ((1, 2, TAO, 0),),
        "value": 7,
    }
    fields = {}
    for field in dataclasses.fields(cls):
        if field.default is not dataclasses.MISSING:
            continue
        if field.name in special:
            fields[field.name] = special[field.name]
        elif "str" in str(field.type):
            fields[field.name] = f"{field.name}/x"
        elif "bool" in str(field.type):
            fields[field.name] = True
        else:
            fields[field.name] = 3
    return cls(**fields)


@pytest.mark.parametrize("cls", RECORD_TYPES, ids=lambda c: c.__name__)
def test_every_record_type_is_stored_faithfully(cls: type) -> None:
    op = _sample(cls)
    assert ops.from_dict(json.loads(record_json(op))) == op


def test_a_failure_inside_a_block_is_rolled_back_and_the_state_reloaded(store: Store) -> None:
    """A block that fails half-way (here: a change, then an error) commits nothing, and the
    store reloads its state before the next write instead of building on the damaged copy."""
    before = store.network.digest()
    damaged = store.network

    def broken_block(records: object) -> None:
        damaged.submit(ops.Fund("ghost", TAO))  # a change the block does not survive
        raise SubnetNotExists("failed half-way")

    damaged.process_block = broken_block  # type: ignore[method-assign]
    with pytest.raises(SubnetNotExists):
        store.step(1)
    store.submit(ops.Fund("alice", TAO))
    oracle = genesis()
    oracle.submit(ops.Fund("alice", TAO))
    assert store.network is not damaged and store.network.digest() == oracle.digest() != before
    assert store.network.balance("ghost") == 0
