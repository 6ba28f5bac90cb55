"""``dtao quote``: what a stake, unstake or move would do now (``Network.quote_*``), nothing
written. Fields as the SDK's ``SwapQuote``; amounts in rao in ``--json``."""

from __future__ import annotations

from pathlib import Path

import typer

from dtao.cli import txn
from dtao.cli.common import console
from dtao.cli.txn import DATA_DIR, JSON, NETUID, alpha, tao
from dtao.receipts import SwapQuote

quote_app = typer.Typer(
    help="Quotes: what a trade would do now (nothing is written).", no_args_is_help=True
)


def _show(
    command: str, quote: SwapQuote, tao_side: str, alpha_netuid: int, data: dict, as_json: bool
) -> None:
    if as_json:
        txn.print_json(command, {**data, "quote": quote})
        return
    rows = [
        (f"TAO ({tao_side})", tao(quote.tao)),
        ("Alpha", alpha(quote.alpha, alpha_netuid)),
        ("Fee (τ)", tao(quote.tao_fee)),
        ("Fee (α)", alpha(quote.alpha_fee, data.get("origin_netuid", alpha_netuid))),
        ("Slippage (τ)", tao(quote.tao_slippage)),
        ("Slippage (α)", alpha(quote.alpha_slippage, alpha_netuid)),
    ]
    console().print(txn.table(f"Quote: {command.removeprefix('quote ')}", None, rows))


@quote_app.command("stake")
def quote_stake(
    netuid: int = NETUID,
    amount: str = typer.Option(..., "--amount", "-a", help="TAO to spend (fee included)."),
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Alpha that staking ``--amount`` TAO would credit now."""
    with txn.local_network(data_dir) as store:
        net = store.network
        rao = txn.amount_rao(amount)
        quote = net.quote_stake(netuid, rao)
        _show("quote stake", quote, "paid", netuid, {"netuid": netuid, "amount": rao}, as_json)


@quote_app.command("unstake")
def quote_unstake(
    netuid: int = NETUID,
    amount: str = typer.Option(..., "--amount", "-a", help="Alpha to sell."),
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """TAO that unstaking ``--amount`` alpha would pay now."""
    with txn.local_network(data_dir) as store:
        net = store.network
        rao = txn.amount_rao(amount)
        quote = net.quote_unstake(netuid, rao)
        _show(
            "quote unstake", quote, "received", netuid, {"netuid": netuid, "amount": rao}, as_json
        )


@quote_app.command("move")
def quote_move(
    origin_netuid: int = typer.Option(..., "--origin-netuid", "-o", min=0, max=65535),
    dest_netuid: int = typer.Option(..., "--dest-netuid", "-d", min=0, max=65535),
    amount: str = typer.Option(..., "--amount", "-a", help="Origin alpha to move."),
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Destination alpha that moving ``--amount`` origin alpha would credit now."""
    with txn.local_network(data_dir) as store:
        net = store.network
        rao = txn.amount_rao(amount)
        quote = net.quote_move(origin_netuid, dest_netuid, rao)
        data = {"origin_netuid": origin_netuid, "destination_netuid": dest_netuid, "amount": rao}
        _show("quote move", quote, "between the legs", dest_netuid, data, as_json)
