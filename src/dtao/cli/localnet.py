"""Shared pieces of the local-network commands (``dtao init``, ``step``, ``wallet``, ``stake`` …).

- the options every such command takes: :data:`DATA_DIR_OPTION` (``--data-dir``; default
  ``$DTAO_HOME``, else ``./.dtao``), :data:`JSON_OPTION`, :data:`DRY_RUN_OPTION`;
- :func:`local_network`: opens the store and turns every expected failure into one line on
  stderr and an exit code (:func:`fail`): 1 for a rejected operation (the chain's error name
  first) or a store problem (missing, corrupt, busy), 2 for bad input (:func:`usage`);
- :func:`emit_json`: the ``--json`` envelope ``{"schema_version": 1, "kind": …, …}`` in which
  every integer is a decimal string (amounts in rao / alpha-rao exceed 2^53) except the
  identifiers and counts in :data:`PLAIN_INT_KEYS` (netuids, uids, blocks, …).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import typer

from dtao.errors import ConfigError, DtaoError, ProtocolError
from dtao.operations import to_dict
from dtao.receipts import Receipt
from dtao.store import Store, StoreError, receipt_to_dict, resolve_data_dir

#: version of the ``--json`` envelope (bumped when a field changes meaning)
JSON_SCHEMA_VERSION = 1
#: keys whose integers stay JSON numbers in the envelope (identifiers, counts, blocks, u16s)
PLAIN_INT_KEYS = frozenset(
    {
        "schema_version",
        "store_schema_version",
        "block",
        "blocks",
        "seq",
        "netuid",
        "netuids",
        "origin_netuid",
        "destination_netuid",
        "subnets",
        "uid",
        "uids",
        "weights",
        "take",
        "tempo",
        "n",
        "mode",
        "origin",
        "destination",
        "rows",
        "count",
        "done",
        "discarded",
        "discarded_by",
        "replayed",
        "entries",
        "checkpoints",
        "to_block",
        "from_block",
        "snapshot_block",
        "since_block",
        "limit",
        "exit_code",
    }
)


#: ``--data-dir``: where the local network lives (default ``$DTAO_HOME``, else ``./.dtao``)
DATA_DIR_OPTION: Any = typer.Option(
    None,
    "--data-dir",
    help="Directory of the local network (default: $DTAO_HOME, else ./.dtao).",
    show_default=False,
)
#: ``--json``: machine output (the envelope of :func:`emit_json`)
JSON_OPTION: Any = typer.Option(
    False, "--json", help="Print machine output (JSON; amounts as decimal strings of rao)."
)
#: ``--dry-run``: show what would happen (the receipt) without committing
DRY_RUN_OPTION: Any = typer.Option(
    False, "--dry-run", help="Show what would happen; commit nothing."
)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``error: message`` as one line on stderr and exit with ``code``."""
    line = " ".join(str(message).split())
    print(f"error: {line}", file=sys.stderr)
    raise typer.Exit(code)


def usage(message: str) -> NoReturn:
    """Bad input (a value out of range, an unknown name): one line, exit 2."""
    fail(message, 2)


def rejected(exc: DtaoError) -> NoReturn:
    """A rejected operation: ``error: ChainErrorName: message``, exit 1."""
    fail(f"{type(exc).__name__}: {exc}", 1)


@contextmanager
def local_network(data_dir: Path | None) -> Iterator[Store]:
    """The open store of ``data_dir`` (resolved by :func:`resolve_data_dir`), closed after.

    Inside the block, a chain rejection (``ProtocolError``) or a ``ConfigError`` becomes
    :func:`rejected` (exit 1), a ``StoreError`` one line and exit 1; the state is unchanged
    (the store wrote nothing).
    """
    try:
        store = Store.open(resolve_data_dir(data_dir))
    except StoreError as exc:
        fail(str(exc), 1)
    try:
        yield store
    except StoreError as exc:
        fail(str(exc), 1)
    except (ProtocolError, ConfigError) as exc:
        rejected(exc)
    finally:
        store.close()


def json_ready(value: Any, key: str | None = None) -> Any:
    """``value`` with every int turned into a decimal string unless it sits under a key in
    :data:`PLAIN_INT_KEYS` (lists and tuples inherit their key; bools stay bools)."""
    if isinstance(value, dict):
        return {str(k): json_ready(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v, key) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return value if key in PLAIN_INT_KEYS else str(value)
    return value


def emit_json(kind: str, data: dict[str, Any]) -> None:
    """Print the ``--json`` envelope: ``{"schema_version", "kind", **data}`` (sorted keys);
    ``data`` may not carry either envelope key (it would overwrite it)."""
    clash = {"schema_version", "kind"} & data.keys()
    if clash:
        raise ValueError(f"{kind} output would overwrite the envelope's {sorted(clash)}")
    payload = {"schema_version": JSON_SCHEMA_VERSION, "kind": kind, **data}
    print(json.dumps(json_ready(payload), indent=1, sort_keys=True))


def receipt_data(receipt: Receipt, *, dry_run: bool = False) -> dict[str, Any]:
    """An operation's receipt for output: the record, block, result, events, ``dry_run``."""
    return {"op": to_dict(receipt.op), **receipt_to_dict(receipt), "dry_run": dry_run}
