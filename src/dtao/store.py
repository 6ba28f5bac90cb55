"""SQLite persistence of a local network: one database file in a data directory.

The database (``<data dir>/dtao.sqlite``, stdlib :mod:`sqlite3` in WAL mode) holds

- ``log``: the append-only history. Row 1 is the ``init`` entry; then one row per operation
  applied (``op``: the record and its receipt), per block run (``block``: a summary of the
  block's receipt) and per rewind (``rewind``). Replaying the live ``op`` and ``block`` rows in
  ``seq`` order from the genesis snapshot (``Network.submit`` for an op, an empty
  ``Network.process_block`` for a block) rebuilds the state bit for bit. A rewind never
  deletes: it marks the rows it discards (``discarded_by`` = the rewind's ``seq``).
- ``snapshots``: the state (compressed canonical JSON) at genesis and after every
  ``snapshot_every``-th block; the bases of a rewind and checkpoints of ``verify``.
- ``head``: the current state as of log row ``seq`` (a checkpoint, canonical JSON): rewritten
  by every rewind, at the end of every ``step``, and whenever ``checkpoint_every`` log rows
  (operations or blocks) or :data:`HEAD_EVERY_S` seconds have passed since (for a large
  state: not before 20 times the last rewrite's cost). The current state is ``head`` plus the
  live rows after it, so every committed row counts, and opening replays a few seconds of work
  at most.
- ``wallets`` / ``hotkeys``: the named local wallets (no cryptography, not on chain).

Every write is one transaction (``BEGIN IMMEDIATE``): an operation with its receipt, or one
block. Inside it the store first compares the log's last ``seq`` with the one its in-memory
state reflects and, if another process wrote meanwhile, applies that process's rows (or
reloads, after a rewind), so two writers interleave and never apply onto a stale state. A
writer that finds the database locked polls it about every millisecond, up to
``busy_timeout`` seconds, and a long ``step`` leaves it free for a moment every 0.2 s so
that a waiting writer gets its turn. ``synchronous=NORMAL``: a process
killed at any point leaves the database at its last commit; a power cut may lose the last
commits but never corrupts it (SQLite's WAL guarantee).

Schema versions (``PRAGMA user_version``), each reached by one migration from the previous:
v1 the first layout (log, snapshots, head, meta; no rewind marker, no wallets, no history
filter columns); v2 adds ``log.discarded_by``, the ``accounts`` / ``netuids`` filter columns
(back-filled from the stored records and receipts) and the wallet tables.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import os
import random
import re
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from dtao import __version__, invariants
from dtao import operations as ops
from dtao.errors import ConfigError, DtaoError, InvariantViolation, ProtocolError
from dtao.network import RECORD_TYPES, Network
from dtao.receipts import BlockReceipt, Receipt

SCHEMA_VERSION = 2
DB_NAME = "dtao.sqlite"
HOME_ENV = "DTAO_HOME"
DEFAULT_DATA_DIR = Path(".dtao")
SNAPSHOT_EVERY = 1_000  # blocks between snapshots
CHECKPOINT_EVERY = 100  # log rows between rewrites of the head state …
HEAD_EVERY_S = 1.0  # … or seconds, whichever comes first …
HEAD_SHARE = 0.05  # … but at most this share of the time spent rewriting it
BUSY_TIMEOUT_S = 60.0  # how long a writer waits for the lock in all
_CONNECT_TIMEOUT_S = 5.0  # SQLite's busy handler while a connection is set up
_POLL_S = 0.001  # a waiting writer retries the lock this often (s, with jitter)
_YIELD_EVERY_S = 0.2  # a long step leaves the lock free this often …
_YIELD_FOR_S = 0.005  # … for this long (s), so that a waiting writer gets its turn
#: record fields that name an account (a coldkey or a hotkey), for the history filter
_ACCOUNT_FIELDS = (
    "coldkey",
    "hotkey",
    "destination",
    "destination_coldkey",
    "origin_hotkey",
    "destination_hotkey",
    "origin",
)
_WALLET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class StoreError(DtaoError):
    """The local network's database is missing, corrupt, newer than this dtao, busy, or was
    asked something impossible (a one-line message)."""


def resolve_data_dir(option: Path | None) -> Path:
    """The data directory: ``option`` if given, else ``$DTAO_HOME``, else ``./.dtao``."""
    if option is not None:
        return Path(option)
    home = os.environ.get(HOME_ENV, "").strip()
    return Path(home) if home else DEFAULT_DATA_DIR


# -- schema and migrations ------------------------------------------------------------------------


def _schema_v1(conn: sqlite3.Connection) -> None:
    """v1: the first layout."""
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.execute(
        "CREATE TABLE log (seq INTEGER PRIMARY KEY, entry TEXT NOT NULL, name TEXT NOT NULL,"
        " block INTEGER NOT NULL, record TEXT, receipt TEXT)"
    )
    conn.execute(
        "CREATE TABLE snapshots (seq INTEGER PRIMARY KEY, block INTEGER NOT NULL,"
        " digest TEXT NOT NULL, state BLOB NOT NULL)"
    )
    conn.execute(
        "CREATE TABLE head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL,"
        " block INTEGER NOT NULL, digest TEXT NOT NULL, state TEXT NOT NULL)"
    )


def _schema_v2(conn: sqlite3.Connection) -> None:
    """v2: rewinds mark what they discard; history filter columns, back-filled; wallets."""
    conn.execute("ALTER TABLE log ADD COLUMN discarded_by INTEGER")
    conn.execute("ALTER TABLE log ADD COLUMN accounts TEXT NOT NULL DEFAULT '|'")
    conn.execute("ALTER TABLE log ADD COLUMN netuids TEXT NOT NULL DEFAULT '|'")
    rows = conn.execute("SELECT seq, entry, record, receipt FROM log").fetchall()
    for seq, entry, record, receipt in rows:
        if entry in ("op", "block"):
            rec = json.loads(record) if record else {}
            rcp = json.loads(receipt) if receipt else {}
            accounts, netuids = _filter_keys(rec, rcp)
            conn.execute(
                "UPDATE log SET accounts = ?, netuids = ? WHERE seq = ?", (accounts, netuids, seq)
            )
    conn.execute("CREATE TABLE wallets (name TEXT PRIMARY KEY, created_block INTEGER NOT NULL)")
    conn.execute(
        "CREATE TABLE hotkeys (wallet TEXT NOT NULL REFERENCES wallets (name),"
        " name TEXT NOT NULL, PRIMARY KEY (wallet, name))"
    )


#: ``MIGRATIONS[v - 1]`` turns a database of schema v - 1 into schema v (v0: empty)
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_schema_v1, _schema_v2)
assert len(MIGRATIONS) == SCHEMA_VERSION


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the database in ``conn`` (inside the caller's write transaction) from its
    ``user_version`` to ``target``; returns the version it had."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for step in range(version, target):
        MIGRATIONS[step](conn)
    conn.execute(f"PRAGMA user_version = {int(target)}")
    return version


# -- records, receipts and their history keys -----------------------------------------------------


def _plain(value: Any) -> Any:
    """JSON-ready data: tuples as lists, numpy scalars as Python numbers."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def event_to_dict(event: Any) -> dict[str, Any]:
    """An event as plain data: ``{"event": "StakeSwap", ...fields}`` (amounts as ints)."""
    return {"event": type(event).__name__, **_plain(dataclasses.asdict(event))}


def receipt_to_dict(receipt: Receipt) -> dict[str, Any]:
    """An applied operation's receipt as plain data: block, result, events (ints)."""
    return {
        "block": receipt.block,
        "result": _plain(receipt.result),
        "events": [event_to_dict(e) for e in receipt.events],
    }


def block_summary(receipt: BlockReceipt) -> dict[str, Any]:
    """What the log keeps of a block: the TAO injected (rao), each epoch's drained pots and
    owner cut (alpha-rao; root in rao), and the automatic root claims (events)."""
    out: dict[str, Any] = {"block": receipt.block}
    if receipt.emissions is not None:
        out["tao_in"] = int(np.asarray(receipt.emissions.tao_in, dtype=np.int64).sum())
    if receipt.epochs:
        out["epochs"] = [
            {
                "netuid": int(e.netuid),
                "owner_cut": int(e.owner_cut),
                "drained_alpha": int(e.drained_alpha),
                "drained_tao": int(e.drained_tao),
            }
            for e in receipt.epochs
        ]
    if receipt.root_claims:
        out["events"] = [event_to_dict(e) for e in receipt.root_claims]
    return out


def _filter_keys(record: dict[str, Any], receipt: dict[str, Any]) -> tuple[str, str]:
    """The ``accounts`` and ``netuids`` columns of a log row: ``|a|b|`` lists of the accounts
    and subnets the record, its events and a block's epochs name."""
    accounts: set[str] = set()
    netuids: set[int] = set()
    for key, value in record.items():
        if key in _ACCOUNT_FIELDS and isinstance(value, str):
            accounts.add(value)
        elif key.endswith("netuid") and isinstance(value, int):
            netuids.add(value)
        elif key == "subnets":
            netuids.update(v for v in value if isinstance(v, int))
        elif key == "children":
            accounts.update(c[1] for c in value if isinstance(c, list | tuple) and len(c) == 2)
    for item in (*receipt.get("events", ()), *receipt.get("epochs", ())):
        for key in ("coldkey", "hotkey"):
            if isinstance(item.get(key), str):
                accounts.add(item[key])
        if isinstance(item.get("netuid"), int):
            netuids.add(item["netuid"])
        for pair in item.get("weights", ()):  # Dissolved: (hotkey, coldkey, value)
            accounts.update(str(x) for x in pair[:2])
    return _bar(sorted(accounts)), _bar(sorted(netuids))


def _bar(items: Sequence[object]) -> str:
    return "|" + "".join(f"{item}|" for item in items)


#: the entries of the log, besides the operation names (``history(kind=…)``)
ENTRIES = ("init", "op", "block", "rewind")


def is_history_kind(text: str) -> bool:
    """Whether :meth:`Store.history` knows ``kind=text``: an entry or an operation name
    (``AddStake``, ``add_stake``, ``add-stake``)."""
    known = {_kind_key(k) for k in (*ENTRIES, *(cls.__name__ for cls in RECORD_TYPES))}
    return _kind_key(text) in known


def _kind_key(text: str) -> str:
    """A kind as the history filter compares it: ``add_stake``, ``add-stake``, ``AddStake``
    are the same."""
    return text.replace("_", "").replace("-", "").lower()


def record_json(op: ops.Operation) -> str:
    """The record as JSON text that :func:`dtao.operations.from_dict` turns back into ``op``;
    ``StoreError`` if it would not (a governance value JSON cannot carry)."""
    try:
        text = json.dumps(_plain(ops.to_dict(op)), sort_keys=True)
        same = ops.from_dict(json.loads(text)) == op
    except (TypeError, ValueError, DtaoError):
        same = False
    if not same:
        raise StoreError(f"{type(op).__name__} cannot be stored faithfully (check its values)")
    return text


# -- the store ------------------------------------------------------------------------------------


class Store:
    """A local network persisted in ``<data_dir>/dtao.sqlite``.

    Open one with :meth:`create` (a new network) or :meth:`open`; ``network`` is the current
    state (callers treat it as read-only: every change goes through :meth:`submit`,
    :meth:`step` or :meth:`rewind`, which commit it).

    Named wallets (local bookkeeping, no cryptography, not on chain, not rewound): a wallet's
    coldkey is the wallet's name, and hotkey ``h`` of wallet ``w`` is the state's hotkey string
    ``"w/h"`` (:meth:`wallet_coldkey`, :meth:`wallet_hotkey`). Names are 1–64 characters of
    ``A-Z a-z 0-9 _ . -`` starting with a letter or digit, so ``"/"`` separates the two
    unambiguously. A hotkey exists on chain only once a registration creates it.
    """

    network: Network  # the current state (set when the store is opened)

    def __init__(self, path: Path, conn: sqlite3.Connection, busy_timeout: float) -> None:
        """Use :meth:`create` or :meth:`open`."""
        self.path = path
        self._conn = conn
        self._busy_timeout = busy_timeout
        self._snapshot_every = SNAPSHOT_EVERY  # both read from ``meta`` when opened
        self._checkpoint_every = CHECKPOINT_EVERY
        self._head = -1  # the last log seq the in-memory state reflects (-1: reload)
        self._head_row = -1  # the seq of the stored head state
        self._head_time = 0.0  # when the head was last written or read (monotonic s)
        self._head_cost = 0.0  # what the last rewrite took (s)

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        data_dir: Path,
        network: Network,
        *,
        force: bool = False,
        snapshot_every: int = SNAPSHOT_EVERY,
        checkpoint_every: int = CHECKPOINT_EVERY,
        source: str = "",
        busy_timeout: float = BUSY_TIMEOUT_S,
    ) -> Store:
        """A new local network holding ``network`` as its genesis (its state is copied).

        ``StoreError`` if a network exists there (unless ``force``: it is replaced), for bad
        intervals, or if the directory cannot be written. The database is built beside the
        final file and renamed into place, so a crash never leaves half a network. ``source``
        says where the genesis came from (kept in the ``init`` entry).
        """
        if not isinstance(network, Network):
            raise StoreError(f"create needs a dtao Network, got {type(network).__name__}")
        for name, value in (
            ("snapshot_every", snapshot_every),
            ("checkpoint_every", checkpoint_every),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise StoreError(f"{name} must be a positive number of blocks, got {value!r}")
        data_dir = Path(data_dir)
        path = data_dir / DB_NAME
        if path.exists() and not force:
            raise StoreError(
                f"a local network already exists in {data_dir} (use --force to replace it)"
            )
        genesis = network.to_json()
        digest = Network.from_json(genesis).digest()  # checked: a valid, consistent state
        tmp = data_dir / f".{DB_NAME}.{os.getpid()}.tmp"
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            _remove_db(tmp)
            conn = _connect(tmp)
            try:
                conn.execute("BEGIN IMMEDIATE")
                migrate(conn)
                meta = {
                    "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "dtao_version": __version__,
                    "era": network.params.preset_name,
                    "snapshot_every": str(snapshot_every),
                    "checkpoint_every": str(checkpoint_every),
                }
                conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
                record = json.dumps({"era": network.params.preset_name, "source": source})
                receipt = json.dumps({"block": network.block, "digest": digest})
                conn.execute(
                    "INSERT INTO log (seq, entry, name, block, record, receipt)"
                    " VALUES (1, 'init', 'init', ?, ?, ?)",
                    (network.block, record, receipt),
                )
                conn.execute(
                    "INSERT INTO snapshots VALUES (1, ?, ?, ?)",
                    (network.block, digest, zlib.compress(genesis.encode())),
                )
                conn.execute(
                    "INSERT INTO head VALUES (1, 1, ?, ?, ?)", (network.block, digest, genesis)
                )
                conn.execute("COMMIT")
            finally:
                conn.close()
            if force:
                _remove_db(path)
            os.replace(tmp, path)
        except OSError as exc:
            raise StoreError(f"cannot write a local network in {data_dir}: {exc}") from None
        except sqlite3.Error as exc:
            raise StoreError(f"cannot create {path}: {exc}") from None
        return cls.open(data_dir, busy_timeout=busy_timeout)

    @classmethod
    def open(cls, data_dir: Path, *, busy_timeout: float = BUSY_TIMEOUT_S) -> Store:
        """The local network in ``data_dir``, at its last committed block (an older schema is
        migrated first). ``StoreError`` if there is none, or it is corrupt or newer."""
        data_dir = Path(data_dir)
        path = data_dir / DB_NAME
        if not path.is_file():
            raise StoreError(f"no local network in {data_dir} (run 'dtao init' first)")
        try:
            conn = _connect(path)
        except sqlite3.Error as exc:
            raise StoreError(f"{path} is not a readable dtao database: {exc}") from None
        store = cls(path, conn, busy_timeout)
        try:
            with store._read():
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise StoreError(
                        f"{path} has schema v{version}, newer than this dtao's v{SCHEMA_VERSION}"
                        " (upgrade dtao)"
                    )
                if version < 1:
                    raise StoreError(f"{path} is not a dtao database (no schema)")
                meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            store._snapshot_every = int(meta.get("snapshot_every", SNAPSHOT_EVERY))
            store._checkpoint_every = int(meta.get("checkpoint_every", CHECKPOINT_EVERY))
            if version < SCHEMA_VERSION:
                with store._write():
                    migrate(conn)
            with store._read():
                store._reload()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{path} is not a readable dtao database: {exc}") from None
        except BaseException:
            conn.close()
            raise
        return store

    def close(self) -> None:
        """Close the database (the state stays in :attr:`network`)."""
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def genesis_block(self) -> int:
        """The block of the genesis state (the first block a rewind can reach)."""
        with self._read():
            row = self._conn.execute("SELECT block FROM snapshots WHERE seq = 1").fetchone()
        return int(row[0])

    @property
    def schema_version(self) -> int:
        with self._read():
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    # -- writes -----------------------------------------------------------------------------

    def submit(self, op: ops.Operation, *, dry_run: bool = False) -> Receipt:
        """Apply one operation record at the current block (as :meth:`Network.submit`) and
        commit the record with its receipt in one transaction.

        A rejection raises the chain-named error and writes nothing (the state is unchanged).
        ``dry_run``: apply it on a copy of the current state and return the receipt; nothing
        is written and :attr:`network` is unchanged.
        """
        if dry_run:
            with self._read():
                self._sync()
            return self.preview().submit(op)
        text = record_json(op) if type(op) in RECORD_TYPES else None
        with self._write(rejections_are_clean=True):
            self._sync()
            receipt = self.network.submit(op)  # a rejection rolls back; nothing was written
            assert text is not None  # submit refuses anything but a record
            receipt_data = receipt_to_dict(receipt)
            seq = self._append("op", type(op).__name__, receipt.block, text, receipt_data)
            if self._head_due(seq):
                self._write_head(seq)
        return receipt

    def preview(self) -> Network:
        """A copy of the current state to try things on (a dry run); changes to it are never
        stored."""
        return Network.from_state(copy.deepcopy(self.network.state))

    def step(
        self,
        blocks: int,
        *,
        progress: Callable[[int, int], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> int:
        """Run ``blocks`` blocks (no operations), each committed in its own transaction;
        returns how many ran.

        ``progress(done, blocks)`` is called after each committed block; ``should_stop()``
        before each one, and a true answer ends the run at that whole block.
        """
        if isinstance(blocks, bool) or not isinstance(blocks, int) or blocks < 0:
            raise StoreError(f"blocks must be a non-negative integer, got {blocks!r}")
        done = 0
        last_yield = time.monotonic()
        try:
            while done < blocks:
                if should_stop is not None and should_stop():
                    break
                with self._write():
                    self._sync()
                    receipt = self.network.process_block(())
                    seq = self._append(
                        "block", "block", receipt.block, None, block_summary(receipt)
                    )
                    if receipt.block % self._snapshot_every == 0:
                        self._snapshot(seq)
                    if self._head_due(seq):
                        self._write_head(seq)
                done += 1
                if progress is not None:
                    progress(done, blocks)
                if time.monotonic() - last_yield > _YIELD_EVERY_S:
                    time.sleep(_YIELD_FOR_S)  # another writer's turn
                    last_yield = time.monotonic()
        finally:
            if self._head >= 0 and self._head_row != self._head:
                self._checkpoint()
        return done

    def rewind(self, to_block: int, *, dry_run: bool = False) -> dict[str, Any]:
        """Restore the network as it was at the end of block ``to_block`` (after that block's
        operations): the latest snapshot before it plus the log up to it. The rows after are
        kept in the history, marked as discarded by this rewind.

        Returns ``{"to_block", "from_block", "digest", "snapshot_block", "replayed",
        "discarded", "dry_run"}`` (``discarded``: operations and blocks undone);
        ``dry_run`` computes it and writes nothing. ``StoreError`` for a block outside
        [genesis block, current block].
        """
        if isinstance(to_block, bool) or not isinstance(to_block, int):
            raise StoreError(f"the block to rewind to must be an integer, got {to_block!r}")
        with self._read() if dry_run else self._write():
            self._sync()
            current = self.network.block
            genesis_block = self.genesis_block
            if not genesis_block <= to_block <= current:
                raise StoreError(
                    f"cannot rewind to block {to_block}: the network holds blocks"
                    f" {genesis_block} to {current}"
                )
            row = self._conn.execute(
                "SELECT min(seq) FROM log WHERE discarded_by IS NULL AND entry = 'block'"
                " AND block > ?",
                (to_block,),
            ).fetchone()
            cut = row[0] if row[0] is not None else self._head + 1
            base_seq, base_block, base_state = self._conn.execute(
                "SELECT seq, block, state FROM snapshots WHERE seq < ? ORDER BY seq DESC LIMIT 1",
                (cut,),
            ).fetchone()
            rows = self._live_rows(base_seq, cut)
            network = _load(zlib.decompress(base_state).decode(), f"snapshot at block {base_block}")
            _replay(network, rows)
            discarded = self._conn.execute(
                "SELECT count(*) FROM log WHERE discarded_by IS NULL AND seq >= ?"
                " AND entry IN ('op', 'block')",
                (cut,),
            ).fetchone()[0]
            digest = network.digest()
            result = {
                "to_block": to_block,
                "from_block": current,
                "digest": digest,
                "snapshot_block": base_block,
                "replayed": len(rows),
                "discarded": discarded,
                "dry_run": dry_run,
            }
            if not dry_run:
                record = json.dumps({"to_block": to_block, "from_block": current})
                receipt = {"discarded": discarded, "digest": digest}
                seq = self._append("rewind", "rewind", to_block, record, receipt)
                self._conn.execute(
                    "UPDATE log SET discarded_by = ? WHERE seq >= ? AND seq < ?"
                    " AND discarded_by IS NULL",
                    (seq, cut, seq),
                )
                self._conn.execute("DELETE FROM snapshots WHERE seq >= ?", (cut,))
                self.network = network
                self._write_head(seq)
        return result

    # -- wallets ----------------------------------------------------------------------------

    def create_wallet(self, name: str) -> None:
        """Add a named wallet (its coldkey is ``name``); ``StoreError`` if the name is not
        valid or taken."""
        _check_wallet_name(name, "wallet")
        with self._write():
            if self._exists("SELECT 1 FROM wallets WHERE name = ?", name):
                raise StoreError(f"wallet {name!r} already exists")
            self._conn.execute("INSERT INTO wallets VALUES (?, ?)", (name, self.network.block))

    def add_hotkey(self, wallet: str, hotkey: str) -> str:
        """Add hotkey ``hotkey`` to a wallet; returns the state's hotkey string
        ``"wallet/hotkey"``. ``StoreError`` for an unknown wallet or a name not valid or taken."""
        _check_wallet_name(hotkey, "hotkey")
        with self._write():
            self.wallet_coldkey(wallet)
            if self._exists("SELECT 1 FROM hotkeys WHERE wallet = ? AND name = ?", wallet, hotkey):
                raise StoreError(f"wallet {wallet!r} already has a hotkey {hotkey!r}")
            self._conn.execute("INSERT INTO hotkeys VALUES (?, ?)", (wallet, hotkey))
        return f"{wallet}/{hotkey}"

    def wallets(self) -> dict[str, list[str]]:
        """Every wallet (by name) with its hotkey names, both sorted."""
        with self._read():
            names = self._conn.execute("SELECT name FROM wallets ORDER BY name").fetchall()
            keys = self._conn.execute("SELECT wallet, name FROM hotkeys ORDER BY name").fetchall()
        out: dict[str, list[str]] = {name: [] for (name,) in names}
        for wallet, name in keys:
            out[wallet].append(name)
        return out

    def wallet_coldkey(self, wallet: str) -> str:
        """The coldkey of a wallet (its name); ``StoreError`` if there is no such wallet."""
        if not self._exists("SELECT 1 FROM wallets WHERE name = ?", wallet):
            raise StoreError(f"unknown wallet {wallet!r} (see 'dtao wallet list')")
        return wallet

    def wallet_hotkey(self, wallet: str, hotkey: str) -> str:
        """The state's hotkey string of a wallet's hotkey (``"wallet/hotkey"``); ``StoreError``
        for an unknown wallet or hotkey."""
        self.wallet_coldkey(wallet)
        if not self._exists("SELECT 1 FROM hotkeys WHERE wallet = ? AND name = ?", wallet, hotkey):
            raise StoreError(f"wallet {wallet!r} has no hotkey {hotkey!r}")
        return f"{wallet}/{hotkey}"

    def _exists(self, sql: str, *args: object) -> bool:
        if not all(isinstance(a, str) for a in args):
            return False
        with self._read():
            return self._conn.execute(sql, args).fetchone() is not None

    # -- reads ------------------------------------------------------------------------------

    def history(
        self,
        *,
        kind: str | None = None,
        account: str | None = None,
        netuid: int | None = None,
        since_block: int | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Log entries, oldest first: ``{"seq", "entry", "kind", "block", "record",
        "receipt", "discarded_by"}`` (amounts as ints; ``discarded_by``: the rewind that
        undid the entry, or None).

        ``kind``: an entry (``op``, ``block``, ``init``, ``rewind``) or an operation name
        (``AddStake``, ``add_stake``); without it, blocks in which nothing happened (no epoch,
        no claim) are left out. ``account``: a coldkey or hotkey the entry names (a wallet
        name also matches its hotkeys ``wallet/…``); ``netuid``: a subnet it names;
        ``since_block``: from that block on; ``limit``: the last ``limit`` entries.
        """
        where: list[str] = ["1"]
        args: list[object] = []
        if kind is not None and not is_history_kind(kind):
            raise StoreError(f"unknown kind {kind!r}: one of {', '.join(ENTRIES)} or an operation")
        if kind is not None:
            where.append("(entry = ? OR lower(name) = ?)")
            args += [kind.lower(), _kind_key(kind)]
        else:
            where.append("NOT (entry = 'block' AND netuids = '|' AND accounts = '|')")
        if account is not None:
            where.append("(instr(accounts, ?) > 0 OR instr(accounts, ?) > 0)")
            args += [f"|{account}|", f"|{account}/"]
        if netuid is not None:
            where.append("instr(netuids, ?) > 0")
            args.append(f"|{int(netuid)}|")
        if since_block is not None:
            where.append("block >= ?")
            args.append(int(since_block))
        sql = (
            "SELECT seq, entry, name, block, record, receipt, discarded_by FROM log"
            f" WHERE {' AND '.join(where)} ORDER BY seq DESC"
        )
        if limit is not None:
            sql += f" LIMIT {max(int(limit), 0)}"
        with self._read():
            rows = self._conn.execute(sql, args).fetchall()
        return [
            {
                "seq": seq,
                "entry": entry,
                "kind": name,
                "block": block,
                "record": json.loads(record) if record else None,
                "receipt": json.loads(receipt) if receipt else None,
                "discarded_by": discarded_by,
            }
            for seq, entry, name, block, record, receipt, discarded_by in reversed(rows)
        ]

    def verify(self) -> dict[str, Any]:
        """Replay the live log from the genesis snapshot and compare with what is stored.

        Returns ``{"block", "digest", "replay_digest", "ok", "invariants", "checkpoints",
        "mismatches", "entries", "schema_version"}``: ``digest`` of the stored state (head
        plus the rows after it), ``replay_digest`` of the replay; every snapshot and the head
        on the way compared by digest (``checkpoints`` counted, ``mismatches`` listed);
        ``invariants``: ``{"ok", "error"}`` of :func:`dtao.invariants.check` on the stored
        state. ``ok`` when everything agrees.
        """
        with self._read():
            head_seq, head_digest, head_state = self._conn.execute(
                "SELECT seq, digest, state FROM head"
            ).fetchone()
            snapshots = self._conn.execute(
                "SELECT seq, block, digest, state FROM snapshots ORDER BY seq"
            ).fetchall()
            rows = self._live_rows(0, None)
        mismatches: list[str] = []
        stored = _load(head_state, "the head state")
        if stored.digest() != head_digest:
            mismatches.append(f"head state (seq {head_seq}) does not load to its digest")
        _replay(stored, [r for r in rows if r[0] > head_seq])
        genesis_seq, genesis_block, genesis_digest, genesis_state = snapshots[0]
        replayed = _load(zlib.decompress(genesis_state).decode(), "the genesis snapshot")
        if replayed.digest() != genesis_digest:
            mismatches.append("the genesis snapshot does not load to its digest")
        expected = sorted(
            [(seq, f"snapshot at block {block}", digest) for seq, block, digest, _ in snapshots[1:]]
            + [(head_seq, "the head state", head_digest)]
        )
        checked = 0

        def compare_before(limit: float) -> None:  # every checkpoint taken before row ``limit``
            nonlocal checked
            while expected and expected[0][0] < limit:
                seq, what, digest = expected.pop(0)
                checked += 1
                if replayed.digest() != digest:
                    mismatches.append(f"{what} (log entry {seq}) differs from the replay")

        for row in rows:
            if row[0] > genesis_seq:
                compare_before(row[0])
                _replay(replayed, [row])
        compare_before(float("inf"))
        try:
            invariants.check(stored.state)
            held: dict[str, Any] = {"ok": True, "error": None}
        except InvariantViolation as exc:
            held = {"ok": False, "error": str(exc)}
        digest, replay_digest = stored.digest(), replayed.digest()
        if digest != replay_digest:
            mismatches.append("the stored state differs from the replay of the log")
        return {
            "block": stored.block,
            "digest": digest,
            "replay_digest": replay_digest,
            "ok": not mismatches and held["ok"],
            "invariants": held,
            "checkpoints": checked,
            "mismatches": mismatches,
            "entries": len(rows),
            "schema_version": self.schema_version,
        }

    # -- internals --------------------------------------------------------------------------

    @contextmanager
    def _write(self, *, rejections_are_clean: bool = False) -> Iterator[None]:
        """One write transaction (``BEGIN IMMEDIATE``, waiting for the lock). On an error it
        rolls back, and the in-memory state is reloaded next time, unless the error is a
        rejection and the caller says rejections change nothing (``Network.submit``'s
        contract)."""
        self._begin("BEGIN IMMEDIATE")
        try:
            yield
            self._conn.execute("COMMIT")
        except BaseException as exc:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            if not (rejections_are_clean and isinstance(exc, ProtocolError | ConfigError)):
                self._head = -1
            raise

    @contextmanager
    def _read(self) -> Iterator[None]:
        """One read transaction: a consistent view of the database (inside a transaction
        already open: that one)."""
        if self._conn.in_transaction:
            yield
            return
        self._begin("BEGIN")
        try:
            yield
        finally:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")

    def _begin(self, sql: str) -> None:
        """Start a transaction, polling every millisecond or so (with jitter) while another
        process holds the lock, for up to ``busy_timeout`` seconds in all."""
        deadline = time.monotonic() + self._busy_timeout
        while True:
            try:
                self._conn.execute(sql)
                if sql == "BEGIN":  # take the read snapshot now
                    self._conn.execute("SELECT 1 FROM sqlite_master").fetchone()
                return
            except sqlite3.OperationalError as exc:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise StoreError(f"{self.path}: {exc}") from None
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"{self.path} is busy: another dtao process held it for"
                        f" {self._busy_timeout:g} s"
                    ) from None
                time.sleep(_POLL_S * random.uniform(0.5, 1.5))

    def _sync(self) -> None:
        """Inside a transaction: bring the state up to the log's last row if another process
        wrote meanwhile: by applying just its rows, or (after a rewind, or when the state may
        be damaged) by reloading from the head."""
        last = self._conn.execute("SELECT coalesce(max(seq), 0) FROM log").fetchone()[0]
        if last == self._head:
            return
        rewound = self._conn.execute(
            "SELECT 1 FROM log WHERE seq > ? AND entry = 'rewind' LIMIT 1", (self._head,)
        ).fetchone()
        if self._head < 0 or rewound:
            self._reload()
            return
        _replay(self.network, self._live_rows(self._head, None))
        self._head = last
        self._head_row = self._conn.execute("SELECT seq FROM head").fetchone()[0]

    def _reload(self) -> None:
        """The current state: the head checkpoint plus the live rows after it."""
        seq, state = self._conn.execute("SELECT seq, state FROM head").fetchone()
        network = _load(state, "the head state")
        _replay(network, self._live_rows(seq, None))
        self.network = network
        self._head_row = seq
        self._head_time = time.monotonic()
        self._head = self._conn.execute("SELECT max(seq) FROM log").fetchone()[0]

    def _head_due(self, seq: int) -> bool:
        """Whether to rewrite the head at row ``seq``: ``checkpoint_every`` rows or
        :data:`HEAD_EVERY_S` seconds after the last one (so that opening the store replays
        little), but never sooner than the last rewrite's cost allows (at most
        :data:`HEAD_SHARE` of the time goes to rewriting a large state)."""
        rows = seq - self._head_row
        elapsed = time.monotonic() - self._head_time
        if rows <= 0 or elapsed * HEAD_SHARE < self._head_cost:
            return False
        return rows >= self._checkpoint_every or elapsed >= HEAD_EVERY_S

    def _live_rows(self, after: int, before: int | None) -> list[tuple[int, str, str, str | None]]:
        """Live ``op`` and ``block`` rows with ``after < seq < before``, in order."""
        sql = (
            "SELECT seq, entry, name, record FROM log WHERE seq > ? AND discarded_by IS NULL"
            " AND entry IN ('op', 'block')"
        )
        args: list[int] = [after]
        if before is not None:
            sql += " AND seq < ?"
            args.append(before)
        return self._conn.execute(sql + " ORDER BY seq", args).fetchall()

    def _append(
        self, entry: str, name: str, block: int, record: str | None, receipt: dict[str, Any]
    ) -> int:
        """Append one log row; returns its seq (the in-memory state now reflects it)."""
        accounts, netuids = _filter_keys(json.loads(record) if record else {}, receipt)
        cursor = self._conn.execute(
            "INSERT INTO log (entry, name, block, record, receipt, accounts, netuids)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (entry, name, block, record, json.dumps(receipt, sort_keys=True), accounts, netuids),
        )
        seq = cursor.lastrowid
        assert seq is not None
        self._head = seq
        return seq

    def _write_head(self, seq: int) -> None:
        """Store the in-memory state as the head checkpoint at log row ``seq``."""
        start = time.monotonic()
        text = self.network.to_json()
        self._conn.execute(
            "UPDATE head SET seq = ?, block = ?, digest = ?, state = ? WHERE id = 1",
            (seq, self.network.block, _digest(text), text),
        )
        self._head_row = seq
        self._head_time = time.monotonic()
        self._head_cost = self._head_time - start

    def _snapshot(self, seq: int) -> None:
        text = self.network.to_json()
        self._conn.execute(
            "INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?, ?)",
            (seq, self.network.block, _digest(text), zlib.compress(text.encode())),
        )

    def _checkpoint(self) -> None:
        """Write the head checkpoint in its own transaction (after a step)."""
        with self._write():
            self._sync()
            self._write_head(self._head)


def _digest(text: str) -> str:
    """The digest of canonical state JSON (:meth:`Network.digest` of the state it encodes)."""
    return hashlib.sha256(text.encode()).hexdigest()


def _load(text: str, what: str) -> Network:
    """A network from stored JSON; ``StoreError`` if it is not a valid, consistent state."""
    try:
        return Network.from_json(text)
    except ConfigError as exc:
        raise StoreError(f"the database is corrupt: {what}: {exc}") from None


def _replay(network: Network, rows: Sequence[tuple[int, str, str, str | None]]) -> None:
    """Apply log rows to ``network``: an ``op`` row's record, or one empty block."""
    for seq, entry, name, record in rows:
        if entry == "block":
            network.process_block(())
            continue
        try:
            network.submit(ops.from_dict(json.loads(record or "null")))
        except (DtaoError, ValueError) as exc:
            raise StoreError(
                f"the log does not replay: entry {seq} ({name}) fails: {type(exc).__name__}: {exc}"
            ) from None


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=_CONNECT_TIMEOUT_S, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 0")  # waits are Store._begin's short polls
    return conn


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _check_wallet_name(name: object, what: str) -> None:
    if not isinstance(name, str) or not _WALLET_NAME.fullmatch(name):
        raise StoreError(
            f"a {what} name must be 1-64 characters of letters, digits, '_', '.', '-'"
            f" starting with a letter or digit, got {name!r}"
        )
