"""``dtao weights set``: a validator's weights over UIDs (``set_weights``)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import typer

from dtao import operations as ops
from dtao.cli import txn
from dtao.cli.txn import DATA_DIR, DRY_RUN, HOTKEY, JSON, NAME, NETUID, YES

weights_app = typer.Typer(help="Validator weights.", no_args_is_help=True)

U16_MAX = 65535


def u16_weights(text: str) -> tuple[int, ...]:
    """``"0.5,0.25"`` (non-negative numbers, any scale) as u16 weights max-upscaled as the chain
    stores them: round(w·65535 / max w), half up."""
    try:
        values = [Fraction(item.strip()) for item in text.split(",")]
    except (ValueError, ZeroDivisionError):
        txn.usage(f"--weights must be numbers separated by commas, got {text!r}")
    if any(v < 0 for v in values):
        txn.usage(f"--weights must not be negative, got {text!r}")
    top = max(values)
    if top == 0:
        txn.usage("--weights are all zero")
    return tuple(int(v * U16_MAX / top + Fraction(1, 2)) for v in values)


@weights_app.command("set")
def weights_set(
    name: str = NAME,
    hotkey: str = HOTKEY,
    netuid: int = NETUID,
    uids: str = typer.Option(..., "--uids", help="UIDs, e.g. 0,1,2."),
    weights: str = typer.Option(..., "--weights", help="Weights, e.g. 0.5,0.3,0.2."),
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Set the hotkey's weights on a subnet (one per UID)."""
    with txn.local_network(data_dir) as store:
        txn.coldkey(store, name)
        hk = txn.hotkey(store, name, hotkey)
        uid_list = txn.netuid_list(uids, "--uids")
        values = u16_weights(weights)
        if len(uid_list) != len(values):
            txn.usage(f"{len(uid_list)} --uids but {len(values)} --weights")
        pairs = ", ".join(f"{u}: {w}" for u, w in zip(uid_list, values, strict=True))
        txn.write(
            store,
            "weights set",
            ops.SetWeights(hk, netuid, uid_list, values),
            None,
            yes=yes,
            dry_run=dry_run,
            as_json=as_json,
            done=lambda _: f"weights of {hk} on subnet {netuid} set (uid: u16) {pairs}",
        )
