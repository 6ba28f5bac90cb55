"""``dtao root``: root (netuid 0) seats, stake and claims, and the validator baskets of Root
Reborn (the ``current`` preset). Root stake is TAO, 1:1, no slippage."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import typer

from dtao import operations as ops
from dtao.cli import txn
from dtao.cli.common import console
from dtao.cli.txn import DATA_DIR, DRY_RUN, HOTKEY, JSON, NAME, YES, alpha, tao

root_app = typer.Typer(
    help="Root (netuid 0): seats, stake, claims, validator baskets.", no_args_is_help=True
)

ROOT = 0
#: at most this many subnets per ``claim_root`` call (the chain's bound)
MAX_CLAIM_SUBNETS = 5


@root_app.command("register")
def root_register(
    name: str = NAME,
    hotkey: str = HOTKEY,
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Take a root seat for a hotkey (``root_register``; pays the root burn)."""
    with txn.local_network(data_dir) as store:
        ck, hk = txn.coldkey(store, name), txn.hotkey(store, name, hotkey)
        txn.write(
            store,
            "root register",
            ops.RootRegister(ck, hk),
            None,
            yes=yes,
            dry_run=dry_run,
            as_json=as_json,
            done=lambda uid: f"{hk} holds root seat {uid}",
        )


def _root_write(
    command: str,
    adding: bool,
    name: str,
    hotkey: str,
    amount: str | None,
    everything: bool,
    flags: dict[str, Any],
) -> None:
    """Stake or unstake root TAO (an AddStake / RemoveStake on netuid 0, 1:1)."""
    with txn.local_network(flags.pop("data_dir")) as store:
        net = store.network
        ck, hk = txn.coldkey(store, name), txn.hotkey(store, name, hotkey)
        whole = net.balance(ck) if adding else net.stake(ck, hk, ROOT)
        if everything and amount is not None:
            txn.usage("give --amount or --all, not both")
        rao = whole if everything else txn.amount_rao(amount)
        quote = net.quote_stake(ROOT, rao) if adding else net.quote_unstake(ROOT, rao)
        got = quote.alpha if adding else quote.tao
        rows = [
            ("Hotkey", hk),
            ("Amount (τ)", tao(rao)),
            ("Root stake now (τ)", tao(net.stake(ck, hk, ROOT))),
            ("Est. received", tao(got)),
            ("Fee (τ)", tao(quote.tao_fee + quote.alpha_fee)),
        ]
        preview = txn.quote_preview(
            command.capitalize(), quote, rows, {"hotkey": hk, "amount": rao}
        )
        verb = "staked" if adding else "unstaked"
        op_type = ops.AddStake if adding else ops.RemoveStake
        txn.write(
            store,
            command,
            op_type(ck, hk, ROOT, rao),
            preview,
            **flags,
            done=lambda result: f"{verb} {tao(rao)} on root through {hk} (received {tao(result)})",
        )


@root_app.command("stake")
def root_stake(
    name: str = NAME,
    hotkey: str = HOTKEY,
    amount: str | None = typer.Option(None, "--amount", "-a", help="TAO, e.g. 10."),
    everything: bool = typer.Option(False, "--all", help="The whole free balance."),
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Stake TAO on root through a hotkey."""
    flags: dict[str, Any] = {
        "yes": yes,
        "dry_run": dry_run,
        "as_json": as_json,
        "data_dir": data_dir,
    }
    _root_write("root stake", True, name, hotkey, amount, everything, flags)


@root_app.command("unstake")
def root_unstake(
    name: str = NAME,
    hotkey: str = HOTKEY,
    amount: str | None = typer.Option(None, "--amount", "-a", help="TAO, e.g. 10."),
    everything: bool = typer.Option(False, "--all", help="The whole root position."),
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Unstake TAO from root."""
    flags: dict[str, Any] = {
        "yes": yes,
        "dry_run": dry_run,
        "as_json": as_json,
        "data_dir": data_dir,
    }
    _root_write("root unstake", False, name, hotkey, amount, everything, flags)


@root_app.command("list")
def root_list(as_json: bool = JSON, data_dir: Path | None = DATA_DIR) -> None:
    """Root stake per hotkey, and each position on root."""
    with txn.local_network(data_dir) as store:
        net = store.network
        positions: list[dict[str, Any]] = [
            {"coldkey": ck, "hotkey": hk, "stake": amount}
            for ck, hk, netuid, amount in net.positions()
            if netuid == ROOT and amount
        ]
        by_hotkey: dict[str, int] = defaultdict(int)
        for p in positions:
            by_hotkey[p["hotkey"]] += p["stake"]
        hotkeys: list[dict[str, Any]] = [
            {"hotkey": hk, "owner": net.hotkey_owner(hk), "stake": net.hotkey_stake(hk, ROOT)}
            for hk in sorted(by_hotkey, key=lambda h: -by_hotkey[h])
        ]
        if as_json:
            txn.print_json(
                "root list", {"block": net.block, "hotkeys": hotkeys, "positions": positions}
            )
            return
        out = console()
        if not hotkeys:
            out.print(f"no root stake at block {net.block}", highlight=False)
            return
        lines = [(h["hotkey"], h["owner"] or "-", tao(h["stake"])) for h in hotkeys]
        out.print(
            txn.table(f"Root at block {net.block}", ("Hotkey", "Owner", "Root stake (τ)"), lines)
        )
        lines = [(p["coldkey"], p["hotkey"], tao(p["stake"])) for p in positions]
        out.print(txn.table("Positions", ("Coldkey", "Hotkey", "Stake (τ)"), lines))


@root_app.command("claim")
def root_claim(
    name: str = NAME,
    netuids: str | None = typer.Option(
        None, "--netuids", "-n", help="Subnets to claim on, e.g. 1,2 (default: every subnet, ≤ 5)."
    ),
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Claim the root dividends the wallet is owed (by its claim type: Swap or Keep)."""
    with txn.local_network(data_dir) as store:
        ck = txn.coldkey(store, name)
        subnets = txn.netuid_list(netuids) or tuple(store.network.netuids)
        if len(subnets) > MAX_CLAIM_SUBNETS:
            txn.usage(f"at most {MAX_CLAIM_SUBNETS} subnets per claim; choose them with --netuids")
        if not subnets:
            txn.usage("there is no subnet to claim on")
        txn.write(
            store,
            "root claim",
            ops.ClaimRoot(ck, subnets),
            None,
            yes=yes,
            dry_run=dry_run,
            as_json=as_json,
            done=lambda result: (
                f"{ck} claimed root dividends on subnets "
                f"{', '.join(map(str, subnets))} ({result or 0} claimed)"
            ),
        )


@root_app.command("basket-stake")
def root_basket_stake(
    name: str = NAME,
    hotkey: str = HOTKEY,
    amount: str = typer.Option(..., "--amount", "-a", help="TAO to buy into the basket."),
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Buy TAO into a root validator's basket (``stake_into_basket``, Root Reborn)."""
    with txn.local_network(data_dir) as store:
        ck, hk = txn.coldkey(store, name), txn.hotkey(store, name, hotkey)
        rao = txn.amount_rao(amount)
        txn.write(
            store,
            "root basket-stake",
            ops.StakeIntoBasket(ck, hk, rao),
            None,
            yes=yes,
            dry_run=dry_run,
            as_json=as_json,
            done=lambda shares: f"bought {tao(rao)} into the basket of {hk} ({shares} shares)",
        )


@root_app.command("basket-claim")
def root_basket_claim(
    name: str = NAME,
    hotkey: str = HOTKEY,
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Redeem the wallet's owed basket shares of a validator into root stake
    (``claim_root_with_hotkey``, Root Reborn)."""
    with txn.local_network(data_dir) as store:
        ck, hk = txn.coldkey(store, name), txn.hotkey(store, name, hotkey)
        txn.write(
            store,
            "root basket-claim",
            ops.ClaimRootWithHotkey(ck, hk),
            None,
            yes=yes,
            dry_run=dry_run,
            as_json=as_json,
            done=lambda got: f"redeemed {tao(got or 0)} of {hk}'s basket into root stake",
        )


@root_app.command("basket-swap")
def root_basket_swap(
    name: str = NAME,
    hotkey: str = HOTKEY,
    origin_netuid: int = typer.Option(..., "--origin-netuid", "-o", min=0, max=65535),
    dest_netuid: int = typer.Option(..., "--dest-netuid", "-d", min=0, max=65535),
    amount: str = typer.Option(..., "--amount", "-a", help="Alpha of the origin row to sell."),
    min_out: str = typer.Option("0", "--min-out", help="Least destination alpha to buy."),
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """The validator rebalances its basket: sell a row, buy another (0 = the cash slot)."""
    rao, least = txn.amount_rao(amount), txn.amount_rao(min_out, "--min-out")
    with txn.local_network(data_dir) as store:
        ck, hk = txn.coldkey(store, name), txn.hotkey(store, name, hotkey)
        txn.write(
            store,
            "root basket-swap",
            ops.SwapBasket(ck, hk, origin_netuid, dest_netuid, rao, least),
            None,
            yes=yes,
            dry_run=dry_run,
            as_json=as_json,
            done=lambda got: (
                f"basket of {hk}: sold {alpha(rao, origin_netuid)} for "
                f"{alpha(got or 0, dest_netuid)}"
            ),
        )
