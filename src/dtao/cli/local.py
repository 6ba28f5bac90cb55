"""The local network's own commands: ``dtao init``, ``step``, ``history``, ``verify``,
``rewind`` (thin over :class:`dtao.store.Store`; see docs/local-network.md)."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from dtao.cli.common import console as _console
from dtao.cli.localnet import (
    DATA_DIR_OPTION,
    DRY_RUN_OPTION,
    JSON_OPTION,
    emit_json,
    fail,
    json_ready,
    local_network,
    usage,
)
from dtao.errors import DtaoError
from dtao.network import Network
from dtao.params import DEFAULT_PRESET, PRESETS
from dtao.store import (
    DB_NAME,
    ENTRIES,
    SNAPSHOT_EVERY,
    Store,
    StoreError,
    is_history_kind,
    resolve_data_dir,
)
from dtao.units import tao

SECONDS_PER_DAY = 86_400
SHIPPED = "shipped"  # --from-snapshot shipped: the snapshot that comes with dtao


def register(app: typer.Typer) -> None:
    """Add the local network's commands to the ``dtao`` app."""
    for command in (init, step, history, verify, rewind):
        app.command()(command)


def init(
    preset: str | None = typer.Option(
        None,
        "--preset",
        help=f"The era's rules (see 'dtao presets list'; default {DEFAULT_PRESET}).",
        show_default=False,
    ),
    from_snapshot: Path | None = typer.Option(
        None,
        "--from-snapshot",
        help=f"Start from a real-network snapshot (SDK JSON file; '{SHIPPED}': dtao's own).",
    ),
    scenario: Path | None = typer.Option(
        None, "--scenario", help="Start from a scenario's genesis (a TOML file or a shipped name)."
    ),
    seed: int = typer.Option(
        0, "--seed", min=0, help="Seed of a snapshot's synthesised keys (validators, holders)."
    ),
    force: bool = typer.Option(False, "--force", help="Replace an existing local network."),
    snapshot_every: int = typer.Option(
        SNAPSHOT_EVERY, "--snapshot-every", min=1, help="Blocks between stored snapshots."
    ),
    data_dir: Path | None = DATA_DIR_OPTION,
    dry_run: bool = DRY_RUN_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Create a local network: an empty chain under a preset, a real-network snapshot, or a
    scenario's genesis."""
    if preset is not None and preset not in PRESETS:
        usage(f"unknown preset {preset!r}; known: {', '.join(PRESETS)}")
    if from_snapshot is not None and scenario is not None:
        usage("give --from-snapshot or --scenario, not both")
    if from_snapshot is not None and str(from_snapshot) != SHIPPED and not from_snapshot.is_file():
        usage(f"no such file: {from_snapshot}")
    if scenario is not None and scenario.suffix == ".toml" and not scenario.is_file():
        usage(f"no such file: {scenario}")  # otherwise a shipped scenario's name
    directory = resolve_data_dir(data_dir)
    if (directory / DB_NAME).exists() and not force:  # before building a large genesis
        fail(f"a local network already exists in {directory} (use --force to replace it)")
    network, source = _genesis(preset, from_snapshot, scenario, seed)
    result = {
        "data_dir": str(directory),
        "era": network.params.preset_name,
        "block": network.block,
        "digest": network.digest(),
        "subnets": len(network.netuids),
        "source": source,
        "dry_run": dry_run,
    }
    if not dry_run:
        try:
            Store.create(
                directory, network, force=force, snapshot_every=snapshot_every, source=source
            ).close()
        except StoreError as exc:
            fail(str(exc))
    if as_json:
        emit_json("init", result)
        return
    verb = "would create" if dry_run else "created"
    print(
        f"{verb} a local network in {directory}: {result['era']} at block {result['block']},"
        f" {result['subnets']} subnets ({source}); digest {result['digest']}"
    )


def _genesis(
    preset: str | None, snapshot: Path | None, scenario: Path | None, seed: int
) -> tuple[Network, str]:
    """The genesis network and a note of where it came from: the simulator's genesis
    (``dtao.sim.runner.Model``: the network after its setup blocks) of a scenario
    (``dtao.sim.scenario.load_scenario``), or of a scenario that only names the snapshot
    (a file, or ``shipped``: the 2026-04-11 snapshot dtao ships), the preset and the seed."""
    if snapshot is None and scenario is None:
        return Network(preset or DEFAULT_PRESET), f"preset {preset or DEFAULT_PRESET}"
    try:
        from dtao.sim.runner import Model
        from dtao.sim.scenario import load_scenario, scenario_from_dict
    except ImportError as exc:
        fail(f"--from-snapshot and --scenario need the simulator (dtao.sim): {exc}")
    try:
        if snapshot is not None:
            where = "snapshot" if str(snapshot) == SHIPPED else f"snapshot:{snapshot.resolve()}"
            spec = {
                "name": "dtao init",
                "preset": preset or DEFAULT_PRESET,
                "seed": seed,
                "blocks": 1,
            }
            loaded = scenario_from_dict({**spec, "genesis": {"source": where}}, str(snapshot))
            return Model(loaded).net, f"snapshot {snapshot}"
        assert scenario is not None
        loaded = load_scenario(scenario)
        if preset is not None and preset != loaded.preset:
            usage(f"the scenario names preset {loaded.preset!r}; drop --preset {preset}")
        return Model(loaded).net, f"scenario {scenario}"
    except DtaoError as exc:
        usage(str(exc))


def step(
    blocks: int | None = typer.Option(None, "--blocks", min=0, help="Blocks to run."),
    days: float | None = typer.Option(
        None, "--days", min=0.0, help="Simulated days to run (at the preset's block time)."
    ),
    data_dir: Path | None = DATA_DIR_OPTION,
    dry_run: bool = DRY_RUN_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Advance the local network (1 block by default), each block committed on its own.
    Ctrl-C stops at a whole block."""
    if blocks is not None and days is not None:
        usage("give --blocks or --days, not both")
    with local_network(data_dir) as store:
        start = store.network.block
        if days is not None:
            blocks = int(days * SECONDS_PER_DAY / store.network.params.block_time_s)
        total = 1 if blocks is None else blocks
        if dry_run:
            trial = store.preview()
            trial.step(total)
            done, block, digest = total, trial.block, trial.digest()
            interrupted = False
        else:
            done, interrupted = _run_blocks(store, total)
            block, digest = store.network.block, store.network.digest()
    result = {
        "from_block": start,
        "block": block,
        "blocks": done,
        "digest": digest,
        "interrupted": interrupted,
        "dry_run": dry_run,
    }
    if as_json:
        emit_json("step", result)
    else:
        verb = "would run" if dry_run else "ran"
        note = f" (stopped by Ctrl-C after {done} of {total})" if interrupted else ""
        print(f"{verb} {done} blocks: block {start} → {block}{note}; digest {digest}")
    if interrupted:
        raise typer.Exit(130)


def _run_blocks(store: Store, total: int) -> tuple[int, bool]:
    """Run ``total`` blocks with a progress bar on stderr; Ctrl-C stops at a whole block.
    Returns (blocks run, whether Ctrl-C stopped it)."""
    stop = {"asked": False}

    def on_interrupt(signum: int, frame: Any) -> None:
        stop["asked"] = True

    previous = signal.signal(signal.SIGINT, on_interrupt)
    err = Console(stderr=True)
    columns = (
        TextColumn("blocks"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    try:
        with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task("step", total=total)
            done = store.step(
                total,
                progress=lambda n, _: bar.update(task, completed=n),
                should_stop=lambda: stop["asked"],
            )
    finally:
        signal.signal(signal.SIGINT, previous)
    return done, stop["asked"] and done < total


def history(
    kind: str | None = typer.Option(
        None, "--kind", help="An entry (op, block, init, rewind) or an operation (add_stake)."
    ),
    account: str | None = typer.Option(
        None, "--account", help="A coldkey, hotkey or wallet name the entry names."
    ),
    netuid: int | None = typer.Option(
        None, "--netuid", min=0, max=65_535, help="A subnet the entry names."
    ),
    since: int | None = typer.Option(None, "--since", min=0, help="From this block on."),
    limit: int = typer.Option(50, "--limit", min=0, help="The last N entries (0: all)."),
    data_dir: Path | None = DATA_DIR_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Operations and events of the local network, oldest first (entries undone by a rewind
    are marked). Without --kind, blocks in which nothing happened are left out."""
    if kind is not None and not is_history_kind(kind):
        usage(f"unknown --kind {kind!r}: one of {', '.join(ENTRIES)} or an operation (add_stake)")
    with local_network(data_dir) as store:
        rows = store.history(
            kind=kind, account=account, netuid=netuid, since_block=since, limit=limit or None
        )
    if as_json:
        emit_json("history", {"entries": rows})
        return
    table = Table(title=f"history ({len(rows)} entries)")
    for header in ("seq", "block", "kind", "details", ""):
        table.add_column(header)
    for row in rows:
        mark = f"undone by #{row['discarded_by']}" if row["discarded_by"] else ""
        table.add_row(str(row["seq"]), str(row["block"]), row["kind"], _details(row), mark)
    _console().print(table)


def _details(row: dict[str, Any]) -> str:
    """One line about a history entry (amounts in τ/α-rao as stored)."""
    record, receipt = row["record"] or {}, row["receipt"] or {}
    if row["entry"] == "block":
        parts = [f"emission {tao(receipt['tao_in'])}"] if "tao_in" in receipt else []
        parts += [f"epoch on {e['netuid']}" for e in receipt.get("epochs", ())]
        parts += [f"{len(receipt['events'])} root claims"] if receipt.get("events") else []
        return ", ".join(parts)
    if row["entry"] == "rewind":
        return f"to block {record['to_block']}: {receipt['discarded']} entries undone"
    if row["entry"] == "init":
        return f"{record.get('era')} from {record.get('source') or 'a network'}"
    fields = ", ".join(f"{k}={json.dumps(v)}" for k, v in json_ready(record).items() if k != "op")
    result = receipt.get("result")
    return fields if result is None else f"{fields} → {result}"


def verify(
    data_dir: Path | None = DATA_DIR_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Replay the log from genesis and check it gives the stored state, and that every
    invariant holds; prints the block and the state digest (exit 1 if anything fails)."""
    with local_network(data_dir) as store:
        report = store.verify()
    if as_json:  # the store's schema version beside the envelope's own
        fields = {k: v for k, v in report.items() if k != "schema_version"}
        emit_json("verify", {**fields, "store_schema_version": report["schema_version"]})
    else:
        status = "ok" if report["ok"] else "FAILED"
        print(
            f"block {report['block']} digest {report['digest']}: {status}"
            f" (replayed {report['entries']} entries, {report['checkpoints']} checkpoints,"
            f" invariants {'hold' if report['invariants']['ok'] else 'fail'})"
        )
        for problem in report["mismatches"]:
            print(f"  mismatch: {problem}")
        if report["invariants"]["error"]:
            print(f"  invariant: {report['invariants']['error']}")
    if not report["ok"]:
        raise typer.Exit(1)


def rewind(
    to_block: int = typer.Option(..., "--to-block", min=0, help="The block to go back to."),
    data_dir: Path | None = DATA_DIR_OPTION,
    dry_run: bool = DRY_RUN_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Restore the network as it was at the end of a block; what came after stays in the
    history, marked as undone."""
    with local_network(data_dir) as store:
        first, last = store.genesis_block, store.network.block
        if not first <= to_block <= last:
            usage(f"cannot rewind to block {to_block}: the network holds blocks {first} to {last}")
        result = store.rewind(to_block, dry_run=dry_run)
    if as_json:
        emit_json("rewind", result)
        return
    verb = "would rewind" if dry_run else "rewound"
    print(
        f"{verb} to block {to_block} (from {result['from_block']}): {result['discarded']}"
        f" entries undone (kept in the history); digest {result['digest']}"
    )
