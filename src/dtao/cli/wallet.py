"""``dtao wallet``: named coldkeys and hotkeys (no cryptography), balances, the faucet and
transfers of free TAO."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from dtao import operations as ops
from dtao.cli import txn
from dtao.cli.common import console
from dtao.cli.stake import position_rows
from dtao.cli.txn import DATA_DIR, DRY_RUN, JSON, NAME, YES, tao

wallet_app = typer.Typer(
    help="Wallets: named coldkeys with hotkeys, balances, TAO transfers.", no_args_is_help=True
)

#: the store's rule for wallet and hotkey names (checked before the first write, so a bad
#: hotkey never leaves a wallet half made)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")

AMOUNT = typer.Option(..., "--amount", "-a", help="TAO, e.g. 1.5.")


@wallet_app.command("create")
def wallet_create(
    name: str = NAME,
    hotkeys: list[str] = typer.Option(
        [], "--hotkey", "-H", help="A hotkey name to add (repeatable; the wallet may exist)."
    ),
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Create a wallet, and/or add hotkeys to it."""
    with txn.local_network(data_dir) as store:
        wallets = store.wallets()
        if name in wallets and not hotkeys:
            txn.usage(f"wallet {name!r} exists (add hotkeys with --hotkey)")
        for given in (name, *hotkeys):
            if not _NAME.fullmatch(given):
                txn.usage(
                    f"name {given!r}: 1-64 letters, digits, '_', '.', '-' starting with a letter"
                    " or digit expected"
                )
        for hotkey in hotkeys:
            if hotkey in wallets.get(name, ()):
                txn.usage(f"wallet {name!r} already has hotkey {hotkey!r}")
        if len(set(hotkeys)) != len(hotkeys):
            txn.usage("a hotkey name is given twice")
        if name not in wallets:
            store.create_wallet(name)
        ids = [store.add_hotkey(name, hotkey) for hotkey in hotkeys]
        if as_json:
            txn.print_json("wallet create", {"wallet": name, "coldkey": name, "hotkeys": ids})
            return
        console().print(f"wallet {name}: hotkeys {', '.join(ids) or 'none yet'}", highlight=False)


@wallet_app.command("list")
def wallet_list(as_json: bool = JSON, data_dir: Path | None = DATA_DIR) -> None:
    """Every wallet with its hotkeys (as the state names them)."""
    with txn.local_network(data_dir) as store:
        wallets = {
            w: [store.wallet_hotkey(w, h) for h in hs] for w, hs in sorted(store.wallets().items())
        }
        if as_json:
            txn.print_json("wallet list", {"wallets": wallets})
            return
        rows = [(w, ", ".join(hs) or "-") for w, hs in wallets.items()]
        console().print(txn.table("Wallets", ("Wallet (coldkey)", "Hotkeys"), rows))


@wallet_app.command("balance")
def wallet_balance(
    name: str | None = typer.Option(
        None, "--name", "--wallet-name", "-w", help="One wallet (default: every wallet)."
    ),
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Free TAO, staked value (at the spot price and after slippage) and the total."""
    with txn.local_network(data_dir) as store:
        net = store.network
        names = [txn.coldkey(store, name)] if name is not None else sorted(store.wallets())
        rows = []
        for ck in names:
            positions = position_rows(net, ck)
            exits = [p["value_after_slippage"] for p in positions]
            after = None if None in exits else sum(exits)
            free = net.balance(ck)
            staked = sum(p["value"] for p in positions)
            rows.append(
                {
                    "wallet": ck,
                    "free": free,
                    "staked_value": staked,
                    "staked_value_after_slippage": after,
                    "total": free + staked,
                }
            )
        if as_json:
            txn.print_json("wallet balance", {"block": net.block, "balances": rows})
            return
        columns = ("Wallet", "Free balance", "Staked value", "Staked (w/ slippage)", "Total")
        lines = [
            (
                r["wallet"],
                tao(r["free"]),
                tao(r["staked_value"]),
                "-"
                if r["staked_value_after_slippage"] is None
                else tao(r["staked_value_after_slippage"]),
                tao(r["total"]),
            )
            for r in rows
        ]
        console().print(txn.table(f"Balances at block {net.block}", columns, lines))


@wallet_app.command("faucet")
def wallet_faucet(
    name: str = NAME,
    amount: str = AMOUNT,
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Credit free TAO from the local network's faucet (counted in issuance)."""
    with txn.local_network(data_dir) as store:
        net = store.network
        ck = txn.coldkey(store, name)
        rao = txn.amount_rao(amount)
        rows = [
            ("To", ck),
            ("Amount (τ)", tao(rao)),
            ("Issuance after (τ)", tao(net.total_issuance + rao)),
        ]
        preview = txn.Preview("Faucet", rows, {"to": ck, "amount": rao})
        txn.write(
            store,
            "wallet faucet",
            ops.Fund(ck, rao),
            preview,
            yes=yes,
            dry_run=dry_run,
            as_json=as_json,
            done=lambda _: f"{ck} received {tao(rao)} from the faucet",
        )


@wallet_app.command("transfer")
def wallet_transfer(
    name: str = NAME,
    dest: str = typer.Option(..., "--dest", "--destination", help="The receiving wallet."),
    amount: str | None = typer.Option(None, "--amount", "-a", help="TAO, e.g. 1.5."),
    everything: bool = typer.Option(False, "--all", help="The whole free balance."),
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Send free TAO to another wallet."""
    with txn.local_network(data_dir) as store:
        net = store.network
        ck, dest_ck = txn.coldkey(store, name), txn.coldkey(store, dest)
        if everything and amount is not None:
            txn.usage("give --amount or --all, not both")
        rao = net.balance(ck) if everything else txn.amount_rao(amount)
        rows = [
            ("From", ck),
            ("To", dest_ck),
            ("Amount (τ)", tao(rao)),
            ("Balance now", tao(net.balance(ck))),
        ]
        preview = txn.Preview("Transfer", rows, {"from": ck, "to": dest_ck, "amount": rao})
        txn.write(
            store,
            "wallet transfer",
            ops.Transfer(ck, dest_ck, rao),
            preview,
            yes=yes,
            dry_run=dry_run,
            as_json=as_json,
            done=lambda _: f"sent {tao(rao)} from {ck} to {dest_ck}",
        )
