"""``dtao stake``: add, remove, move, transfer, swap and list stake, with btcli's flags; the
children, root claim type and lock operations of the built presets.

Every write previews what it will do from the library's quotes (``Network.quote_*``): the rate,
the estimated amount received, the fee and the price impact (the quote's slippage as a share of
the trade at the spot price, the SDK's definition), then asks (``-y`` skips), then submits one
operation record. ``--safe`` (the default, as btcli) sets the chain's limit price from the spot
price and ``--tolerance``; ``--partial`` lets the chain fill up to that limit.
"""

from __future__ import annotations

from fractions import Fraction
from math import floor
from pathlib import Path
from typing import Any

import typer

from dtao import operations as ops
from dtao.cli import txn
from dtao.cli.common import console
from dtao.cli.txn import (
    DATA_DIR,
    DRY_RUN,
    HOTKEY,
    JSON,
    NAME,
    NETUID,
    PARTIAL,
    SAFE,
    TOLERANCE,
    YES,
    alpha,
    tao,
)
from dtao.errors import ProtocolError
from dtao.network import Network
from dtao.receipts import SwapQuote

stake_app = typer.Typer(
    help="Stake, unstake, move, transfer, swap and list stake.", no_args_is_help=True
)
child_app = typer.Typer(
    help="Childkeys: lend a hotkey's stake weight to children.", no_args_is_help=True
)
stake_app.add_typer(child_app, name="child")

AMOUNT_TAO = typer.Option(
    None, "--amount", "--amount-tao", "-a", help="TAO to spend, e.g. 1.5 (fee included)."
)
AMOUNT_ALPHA = typer.Option(
    None, "--amount", "--amount-alpha", "-a", help="Alpha of the origin subnet, e.g. 1.5."
)
ALL = typer.Option(False, "--all", help="The whole free balance / the whole position.")
ORIGIN_NETUID = typer.Option(..., "--origin-netuid", "-o", min=0, max=65535, help="From subnet.")
DEST_NETUID = typer.Option(..., "--dest-netuid", "-d", min=0, max=65535, help="To subnet.")

#: u64 proportion of a child (``SetChildren``: proportion / (2^64 − 1))
_U64_MAX = 2**64 - 1
#: u16 shares (takes: value / 65535)
_U16_MAX = 2**16 - 1


def _amount(text: str | None, everything: bool, whole: int) -> int:
    """``--amount`` in rao, or ``whole`` with ``--all`` (not both)."""
    if everything:
        if text is not None:
            txn.usage("give --amount or --all, not both")
        return whole
    return txn.amount_rao(text)


def _impact(slippage: int, received: int) -> str:
    """Price impact: the slippage as a share of what the trade was worth at the spot price."""
    return txn.percent(slippage, received + slippage)


def _fee(quote: SwapQuote, netuid: int) -> str:
    """The quote's fee in its unit (TAO on a buy, the origin's alpha on a sale)."""
    return alpha(quote.alpha_fee, netuid) if quote.alpha_fee else tao(quote.tao_fee)


def _limit_rows(
    price: Fraction, limit: int | None, partial: bool, unit: str = "τ per α"
) -> list[tuple[str, str]]:
    """The safe-staking rows of a preview: the price now and the limit, in ``unit``."""
    if limit is None:
        return [("Safe staking", "off (--unsafe)")]
    return [
        (f"Price now ({unit})", txn.rate(price, 9)),
        (f"Limit price ({unit})", txn.rate(Fraction(limit, 10**9), 9)),
        ("Partial fill", "allowed" if partial else "no (refused beyond the limit)"),
    ]


@stake_app.command("add")
def stake_add(
    name: str = NAME,
    hotkey: str = HOTKEY,
    netuid: int = NETUID,
    amount: str | None = AMOUNT_TAO,
    everything: bool = ALL,
    safe: bool = SAFE,
    tolerance: float = TOLERANCE,
    partial: bool = PARTIAL,
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Buy alpha of a subnet with TAO and stake it through a hotkey (netuid 0: root stake)."""
    with txn.local_network(data_dir) as store:
        net = store.network
        ck, hk = txn.coldkey(store, name), txn.hotkey(store, name, hotkey)
        rao = _amount(amount, everything, net.balance(ck))
        quote = net.quote_stake(netuid, rao)
        price = net.spot_price(netuid)
        limit = txn.limit_price(price, tolerance, up=True) if safe else None
        sym = txn.symbol(netuid)
        rows = [
            ("Netuid", str(netuid)),
            ("Hotkey", hk),
            ("Amount (τ)", tao(rao)),
            (f"Rate ({sym} per τ)", txn.rate(1 / price) if price else "-"),
            ("Est. received", alpha(quote.alpha, netuid)),
            ("Fee (τ)", tao(quote.tao_fee)),
            ("Price impact", _impact(quote.alpha_slippage, quote.alpha)),
            *_limit_rows(price, limit, partial),
        ]
        data = {"netuid": netuid, "hotkey": hk, "amount": rao, "price": price, "limit_price": limit}
        preview = txn.quote_preview("Stake add", quote, rows, data)
        op = ops.AddStake(ck, hk, netuid, rao, limit, partial and safe)
        txn.write(
            store,
            "stake add",
            op,
            preview,
            yes=yes,
            dry_run=dry_run,
            as_json=as_json,
            done=lambda got: (
                f"staked {tao(rao)} for {alpha(got, netuid)} on subnet {netuid} ({hk})"
            ),
        )


@stake_app.command("remove")
def stake_remove(
    name: str = NAME,
    hotkey: str = HOTKEY,
    netuid: int = NETUID,
    amount: str | None = AMOUNT_ALPHA,
    everything: bool = typer.Option(False, "--all", "--unstake-all", help="The whole position."),
    safe: bool = SAFE,
    tolerance: float = TOLERANCE,
    partial: bool = PARTIAL,
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Sell alpha of a position for TAO (``--amount`` in the subnet's alpha)."""
    with txn.local_network(data_dir) as store:
        net = store.network
        ck, hk = txn.coldkey(store, name), txn.hotkey(store, name, hotkey)
        held = net.stake(ck, hk, netuid)
        rao = _amount(amount, everything, held)
        quote = net.quote_unstake(netuid, rao)
        price = net.spot_price(netuid)
        limit = txn.limit_price(price, tolerance, up=False) if safe else None
        sym = txn.symbol(netuid)
        rows = [
            ("Netuid", str(netuid)),
            ("Hotkey", hk),
            (f"Amount ({sym})", alpha(rao, netuid)),
            (f"Position ({sym})", alpha(held, netuid)),
            (f"Rate (τ per {sym})", txn.rate(price)),
            ("Est. received", tao(quote.tao)),
            ("Fee", _fee(quote, netuid)),
            ("Price impact", _impact(quote.tao_slippage, quote.tao)),
            *_limit_rows(price, limit, partial),
        ]
        data = {"netuid": netuid, "hotkey": hk, "amount": rao, "price": price, "limit_price": limit}
        preview = txn.quote_preview("Stake remove", quote, rows, data)
        op = ops.RemoveStake(ck, hk, netuid, rao, limit, partial and safe)
        txn.write(
            store,
            "stake remove",
            op,
            preview,
            yes=yes,
            dry_run=dry_run,
            as_json=as_json,
            done=lambda got: f"unstaked {alpha(rao, netuid)} for {tao(got)} from subnet {netuid}",
        )


def _move_preview(
    net: Network,
    title: str,
    origin: int,
    destination: int,
    rao: int,
    held: int,
    rows: list[tuple[str, str]],
) -> txn.Preview:
    """The preview of a move of ``rao`` origin alpha out of a position of ``held``: both legs
    from ``Network.quote_move``."""
    quote = net.quote_move(origin, destination, rao)
    p_origin, p_dest = net.spot_price(origin), net.spot_price(destination)
    ratio = p_origin / p_dest if p_dest else Fraction(0)
    so, sd = txn.symbol(origin), txn.symbol(destination)
    lost = quote.tao_slippage
    rows = [
        *rows,
        ("Origin → destination", f"{origin} → {destination}"),
        (f"Amount ({so})", alpha(rao, origin)),
        (f"Position ({so})", alpha(held, origin)),
        (f"Rate ({sd} per {so})", txn.rate(ratio)),
        ("TAO between the legs", tao(quote.tao)),
        ("Est. received", alpha(quote.alpha, destination)),
        ("Fee", _fee(quote, origin)),
        ("Price impact", _impact(lost, quote.tao) if origin != destination else "0.0000 %"),
    ]
    data = {"origin_netuid": origin, "destination_netuid": destination, "amount": rao}
    return txn.quote_preview(title, quote, rows, {**data, "rate": ratio})


@stake_app.command("move")
def stake_move(
    name: str = NAME,
    hotkey: str = typer.Option(..., "--hotkey", "--from", "-H", help="The origin hotkey."),
    dest_hotkey: str | None = typer.Option(
        None, "--dest-hotkey", "--to", help="The destination hotkey (default: the same)."
    ),
    origin_netuid: int = ORIGIN_NETUID,
    dest_netuid: int = DEST_NETUID,
    amount: str | None = AMOUNT_ALPHA,
    everything: bool = ALL,
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Move stake to another hotkey and/or subnet (same coldkey; ``--amount`` in origin alpha)."""
    with txn.local_network(data_dir) as store:
        net = store.network
        ck, hk = txn.coldkey(store, name), txn.hotkey(store, name, hotkey)
        dest = txn.hotkey(store, name, dest_hotkey) if dest_hotkey else hk
        held = net.stake(ck, hk, origin_netuid)
        rao = _amount(amount, everything, held)
        rows = [("Hotkey", f"{hk} → {dest}")]
        preview = _move_preview(net, "Stake move", origin_netuid, dest_netuid, rao, held, rows)
        op = ops.MoveStake(ck, hk, dest, origin_netuid, dest_netuid, rao)
        txn.write(
            store,
            "stake move",
            op,
            preview,
            yes=yes,
            dry_run=dry_run,
            as_json=as_json,
            done=lambda got: (
                f"moved {alpha(rao, origin_netuid)} ({tao(got)}) to subnet {dest_netuid} ({dest})"
            ),
        )


@stake_app.command("transfer")
def stake_transfer(
    name: str = NAME,
    hotkey: str = HOTKEY,
    dest: str = typer.Option(
        ..., "--dest", "--dest-coldkey", help="The wallet that receives the stake."
    ),
    origin_netuid: int = ORIGIN_NETUID,
    dest_netuid: int = DEST_NETUID,
    amount: str | None = AMOUNT_ALPHA,
    everything: bool = ALL,
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Give stake to another wallet (same hotkey), possibly on another subnet."""
    with txn.local_network(data_dir) as store:
        net = store.network
        ck, hk = txn.coldkey(store, name), txn.hotkey(store, name, hotkey)
        dest_ck = txn.coldkey(store, dest)
        held = net.stake(ck, hk, origin_netuid)
        rao = _amount(amount, everything, held)
        rows = [("Hotkey", hk), ("Coldkey", f"{ck} → {dest_ck}")]
        preview = _move_preview(net, "Stake transfer", origin_netuid, dest_netuid, rao, held, rows)
        op = ops.TransferStake(ck, dest_ck, hk, origin_netuid, dest_netuid, rao)
        txn.write(
            store,
            "stake transfer",
            op,
            preview,
            yes=yes,
            dry_run=dry_run,
            as_json=as_json,
            done=lambda got: f"transferred {alpha(rao, origin_netuid)} ({tao(got)}) to {dest_ck}",
        )


@stake_app.command("swap")
def stake_swap(
    name: str = NAME,
    hotkey: str = HOTKEY,
    origin_netuid: int = ORIGIN_NETUID,
    dest_netuid: int = DEST_NETUID,
    amount: str | None = AMOUNT_ALPHA,
    everything: bool = ALL,
    safe: bool = SAFE,
    tolerance: float = TOLERANCE,
    partial: bool = PARTIAL,
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Swap stake to another subnet (same keys). ``--safe``: the limit is btcli's
    (origin price / destination price)·(1 − tolerance), destination alpha per origin alpha."""
    with txn.local_network(data_dir) as store:
        net = store.network
        ck, hk = txn.coldkey(store, name), txn.hotkey(store, name, hotkey)
        held = net.stake(ck, hk, origin_netuid)
        rao = _amount(amount, everything, held)
        rows = [("Hotkey", hk)]
        preview = _move_preview(net, "Stake swap", origin_netuid, dest_netuid, rao, held, rows)
        ratio = preview.data["rate"]
        limit = txn.limit_price(ratio, tolerance, up=False) if safe else None
        unit = f"{txn.symbol(dest_netuid)} per {txn.symbol(origin_netuid)}"
        preview.rows += _limit_rows(ratio, limit, partial, unit)
        preview.data["limit_price"] = limit
        op = ops.SwapStake(ck, hk, origin_netuid, dest_netuid, rao, limit, partial and safe)
        txn.write(
            store,
            "stake swap",
            op,
            preview,
            yes=yes,
            dry_run=dry_run,
            as_json=as_json,
            done=lambda got: (
                f"swapped {alpha(rao, origin_netuid)} ({tao(got)}) to subnet {dest_netuid}"
            ),
        )


def exit_value(net: Network, netuid: int, amount: int) -> int | None:
    """What unstaking ``amount`` now would pay (rao; root 1:1), or None if the pool refuses."""
    try:
        return net.quote_unstake(netuid, amount).tao
    except ProtocolError:
        return None


def position_rows(net: Network, coldkey: str | None) -> list[dict[str, Any]]:
    """Each non-empty position of ``coldkey`` (every coldkey if None): keys, stake, price, its
    value at the spot price ⌊stake·price⌋ and after slippage (what unstaking it now pays)."""
    rows = []
    for ck, hk, netuid, amount in net.positions(coldkey):
        if amount == 0:
            continue
        price = net.spot_price(netuid)
        rows.append(
            {
                "coldkey": ck,
                "hotkey": hk,
                "netuid": netuid,
                "stake": amount,
                "price": price,
                "value": floor(amount * price),
                "value_after_slippage": exit_value(net, netuid, amount),
            }
        )
    return sorted(rows, key=lambda r: (r["netuid"], r["coldkey"], r["hotkey"]))


def _total(rows: list[dict[str, Any]], key: str) -> int | None:
    values = [r[key] for r in rows]
    return None if None in values else sum(values)


@stake_app.command("list")
def stake_list(
    name: str | None = typer.Option(
        None, "--name", "--wallet-name", "-w", help="One wallet (default: every wallet)."
    ),
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Every position with its value at the spot price and after slippage (what unstaking it
    now would pay), per subnet and in total."""
    with txn.local_network(data_dir) as store:
        net = store.network
        ck = txn.coldkey(store, name) if name is not None else None
        rows = position_rows(net, ck)
        netuids = sorted({r["netuid"] for r in rows})
        subnets = [
            {
                "netuid": n,
                "stake": sum(r["stake"] for r in rows if r["netuid"] == n),
                "value": _total([r for r in rows if r["netuid"] == n], "value"),
                "value_after_slippage": _total(
                    [r for r in rows if r["netuid"] == n], "value_after_slippage"
                ),
            }
            for n in netuids
        ]
        total = {
            "value": _total(rows, "value"),
            "value_after_slippage": _total(rows, "value_after_slippage"),
        }
        if as_json:
            txn.print_json(
                "stake list",
                {"block": net.block, "positions": rows, "subnets": subnets, "total": total},
            )
            return
        out = console()
        columns = (
            "Netuid",
            "Coldkey",
            "Hotkey",
            "Stake",
            "Price (τ/α)",
            "Value (τ)",
            "Value after slippage (τ)",
        )

        def money(value: int | None) -> str:
            return "-" if value is None else tao(value)

        lines = []
        for sub in subnets:
            n = sub["netuid"]
            for r in (r for r in rows if r["netuid"] == n):
                lines.append(
                    (
                        str(n),
                        r["coldkey"],
                        r["hotkey"],
                        alpha(r["stake"], n),
                        txn.rate(r["price"]),
                        money(r["value"]),
                        money(r["value_after_slippage"]),
                    )
                )
            lines.append(
                (
                    f"{n} total",
                    "",
                    "",
                    alpha(sub["stake"], n),
                    "",
                    money(sub["value"]),
                    money(sub["value_after_slippage"]),
                )
            )
        lines.append(
            ("Total", "", "", "", "", money(total["value"]), money(total["value_after_slippage"]))
        )
        title = f"Stake at block {net.block}" + (f" of {ck}" if ck else "")
        out.print(txn.table(title, columns, lines))


@stake_app.command("set-claim")
def stake_set_claim(
    name: str = NAME,
    claim_type: str = typer.Option(
        ..., "--type", "--claim-type", help="Swap, Keep or KeepSubnets (root dividends)."
    ),
    netuids: str | None = typer.Option(
        None, "--netuids", help="With KeepSubnets: the subnets to keep, e.g. 1,3."
    ),
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """How root dividends are claimed: sold for root stake (Swap), kept as alpha (Keep), or
    kept on some subnets (KeepSubnets)."""
    if claim_type not in ops.ROOT_CLAIM_TYPES:
        txn.usage(f"--type must be one of {', '.join(ops.ROOT_CLAIM_TYPES)}, got {claim_type!r}")
    subnets = txn.netuid_list(netuids)
    if subnets and claim_type != "KeepSubnets":
        txn.usage("--netuids goes with --type KeepSubnets only")
    with txn.local_network(data_dir) as store:
        ck = txn.coldkey(store, name)
        op = ops.SetRootClaimType(ck, claim_type, subnets)
        txn.write(
            store,
            "stake set-claim",
            op,
            None,
            yes=yes,
            dry_run=dry_run,
            as_json=as_json,
            done=lambda _: f"root claim type of {ck} set to {claim_type}",
        )


@stake_app.command("lock")
def stake_lock(
    name: str = NAME,
    hotkey: str = HOTKEY,
    netuid: int = NETUID,
    amount: str = typer.Option(..., "--amount", "-a", help="Alpha to lock, e.g. 1.5."),
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Lock alpha of a position to a hotkey (conviction grows on it)."""
    with txn.local_network(data_dir) as store:
        ck, hk = txn.coldkey(store, name), txn.hotkey(store, name, hotkey)
        rao = txn.amount_rao(amount)
        op = ops.LockStake(ck, hk, netuid, rao)
        txn.write(
            store,
            "stake lock",
            op,
            None,
            yes=yes,
            dry_run=dry_run,
            as_json=as_json,
            done=lambda _: f"locked {alpha(rao, netuid)} on subnet {netuid} to {hk}",
        )


def _children(store: Any, wallet: str, specs: list[str]) -> tuple[tuple[int, str], ...]:
    """``HOTKEY=PROPORTION`` items (proportion in [0, 1]) as (u64 proportion, child hotkey)."""
    out = []
    for spec in specs:
        child, sep, share = spec.rpartition("=")
        if not sep or not child:
            txn.usage(f"--child must be HOTKEY=PROPORTION, got {spec!r}")
        try:
            value = Fraction(share.strip())
        except (ValueError, ZeroDivisionError):
            txn.usage(f"--child {spec!r}: {share!r} is not a proportion")
        if not 0 <= value <= 1:
            txn.usage(f"--child {spec!r}: the proportion must be in [0, 1]")
        out.append((floor(value * _U64_MAX), txn.hotkey(store, wallet, child)))
    return tuple(out)


def _set_children(
    name: str, hotkey: str, netuid: int, specs: list[str], flags: dict[str, Any]
) -> None:
    with txn.local_network(flags.pop("data_dir")) as store:
        ck, hk = txn.coldkey(store, name), txn.hotkey(store, name, hotkey)
        children = _children(store, name, specs)
        op = ops.SetChildren(ck, hk, netuid, children)
        what = ", ".join(f"{c} ({p / _U64_MAX:.4f})" for p, c in children) or "none"
        txn.write(
            store,
            "stake child set" if children else "stake child revoke",
            op,
            None,
            **flags,
            done=lambda due: (
                f"children of {hk} on subnet {netuid}: {what} (effective at block {due})"
            ),
        )


@child_app.command("set")
def child_set(
    name: str = NAME,
    hotkey: str = HOTKEY,
    netuid: int = NETUID,
    child: list[str] = typer.Option(
        ..., "--child", "-c", help="HOTKEY=PROPORTION, e.g. bob/miner=0.5 (repeatable)."
    ),
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Set a hotkey's children on a subnet (effective after the chain's cooldown)."""
    flags: dict[str, Any] = {
        "yes": yes,
        "dry_run": dry_run,
        "as_json": as_json,
        "data_dir": data_dir,
    }
    _set_children(name, hotkey, netuid, child, flags)


@child_app.command("revoke")
def child_revoke(
    name: str = NAME,
    hotkey: str = HOTKEY,
    netuid: int = NETUID,
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Remove every child of a hotkey on a subnet."""
    flags: dict[str, Any] = {
        "yes": yes,
        "dry_run": dry_run,
        "as_json": as_json,
        "data_dir": data_dir,
    }
    _set_children(name, hotkey, netuid, [], flags)


def _u16_share(text: str, flag: str) -> int:
    """A share in [0, 1] (``"0.18"``) as u16 / 65535, floored."""
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        txn.usage(f"{flag} {text!r} is not a number")
    if not 0 <= value <= 1:
        txn.usage(f"{flag} must be in [0, 1], got {text!r}")
    return floor(value * _U16_MAX)


@child_app.command("take")
def child_take(
    name: str = NAME,
    hotkey: str = HOTKEY,
    netuid: int = NETUID,
    take: str = typer.Option(..., "--take", help="The child's take, e.g. 0.09 for 9 %."),
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Set a child hotkey's take of its parents' dividends on a subnet."""
    u16 = _u16_share(take, "--take")
    with txn.local_network(data_dir) as store:
        ck, hk = txn.coldkey(store, name), txn.hotkey(store, name, hotkey)
        txn.write(
            store,
            "stake child take",
            ops.SetChildkeyTake(ck, hk, netuid, u16),
            None,
            yes=yes,
            dry_run=dry_run,
            as_json=as_json,
            done=lambda _: f"childkey take of {hk} on subnet {netuid}: {u16}/65535",
        )


@stake_app.command("set-take")
def stake_set_take(
    name: str = NAME,
    hotkey: str = HOTKEY,
    take: str = typer.Option(..., "--take", help="The validator take, e.g. 0.18 for 18 %."),
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Set a hotkey's validator take (raised rate-limited, lowered at once)."""
    u16 = _u16_share(take, "--take")
    with txn.local_network(data_dir) as store:
        ck, hk = txn.coldkey(store, name), txn.hotkey(store, name, hotkey)
        txn.write(
            store,
            "stake set-take",
            ops.SetTake(ck, hk, u16),
            None,
            yes=yes,
            dry_run=dry_run,
            as_json=as_json,
            done=lambda _: f"take of {hk}: {u16}/65535",
        )


@stake_app.command("perpetual-lock")
def stake_perpetual_lock(
    name: str = NAME,
    netuid: int = NETUID,
    enable: bool = typer.Option(
        ..., "--enable/--disable", help="Stop the lock decaying, or let it decay again."
    ),
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Make the wallet's lock on a subnet perpetual (no decay), or decaying again."""
    with txn.local_network(data_dir) as store:
        ck = txn.coldkey(store, name)
        txn.write(
            store,
            "stake perpetual-lock",
            ops.SetPerpetualLock(ck, netuid, enable),
            None,
            yes=yes,
            dry_run=dry_run,
            as_json=as_json,
            done=lambda _: (
                f"lock of {ck} on subnet {netuid}: " + ("perpetual" if enable else "decaying")
            ),
        )


@stake_app.command("unstake-all")
def stake_unstake_all(
    name: str = NAME,
    hotkey: str = HOTKEY,
    alpha_only: bool = typer.Option(
        False, "--all-alpha", help="Sell every subnet position and stake the TAO on root."
    ),
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Sell every position held through a hotkey (``unstake_all``; ``--all-alpha``:
    ``unstake_all_alpha``, the proceeds restaked on root)."""
    with txn.local_network(data_dir) as store:
        net = store.network
        ck, hk = txn.coldkey(store, name), txn.hotkey(store, name, hotkey)
        rows = [r for r in position_rows(net, ck) if r["hotkey"] == hk]
        if alpha_only:
            rows = [r for r in rows if r["netuid"] != 0]
        lines = [
            (
                f"Subnet {r['netuid']}",
                f"{alpha(r['stake'], r['netuid'])} → "
                + ("-" if r["value_after_slippage"] is None else tao(r["value_after_slippage"])),
            )
            for r in rows
        ]
        preview = txn.Preview("Unstake all", lines or [("Positions", "none")], {"positions": rows})
        op = (ops.UnstakeAllAlpha if alpha_only else ops.UnstakeAll)(ck, hk)
        txn.write(
            store,
            "stake unstake-all",
            op,
            preview,
            yes=yes,
            dry_run=dry_run,
            as_json=as_json,
            done=lambda got: (
                f"unstaked every position of {hk} for {tao(got or 0)}"
                + (" (restaked on root)" if alpha_only else "")
            ),
        )
