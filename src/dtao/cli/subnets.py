"""``dtao subnets``: list, show, price, costs and hyperparameters of subnets; create and start a
subnet; register a neuron (``burned_register``). Column names follow btcli v9."""

from __future__ import annotations

from math import floor
from pathlib import Path
from typing import Any

import typer

from dtao import operations as ops
from dtao.cli import txn
from dtao.cli.common import console
from dtao.cli.common import show as show_value
from dtao.cli.txn import DATA_DIR, DRY_RUN, HOTKEY, JSON, NAME, NETUID, YES, alpha, tao
from dtao.network import Network
from dtao.params import describe

subnets_app = typer.Typer(
    help="Subnets: list, show, create, start, register a neuron.", no_args_is_help=True
)


def subnet_row(net: Network, netuid: int) -> dict[str, Any]:
    """btcli's ``subnets list`` figures of one subnet (amounts in rao / alpha-rao)."""
    view = net.subnet(netuid)
    price = net.spot_price(netuid)
    supply = view.alpha_in + view.alpha_out
    return {
        "netuid": netuid,
        "price": price,
        "market_cap": floor(supply * price),
        "emission_share": view.emission_share,
        "tao_in": view.tao_in,
        "alpha_in": view.alpha_in,
        "alpha_out": view.alpha_out,
        "supply": supply,
        "moving_price": view.moving_price,
        "tempo": view.tempo,
        "blocks_since_last_step": net.block - view.last_epoch_block,
        "neurons": view.n,
        "burn": view.burn,
        "owner_coldkey": view.owner_coldkey,
        "owner_hotkey": view.owner_hotkey,
    }


@subnets_app.command("list")
def subnets_list(as_json: bool = JSON, data_dir: Path | None = DATA_DIR) -> None:
    """Every subnet, by market cap (α·price) as btcli sorts them."""
    with txn.local_network(data_dir) as store:
        net = store.network
        rows = sorted((subnet_row(net, n) for n in net.netuids), key=lambda r: -r["market_cap"])
        if as_json:
            txn.print_json("subnets list", {"block": net.block, "subnets": rows})
            return
        columns = (
            "Netuid",
            "Price (τ/α)",
            "Market Cap (α * Price)",
            "Emission share",
            "P (τ_in, α_in)",
            "Stake (α_out)",
            "Tempo (k/n)",
            "Neurons",
        )
        lines = [
            (
                str(r["netuid"]),
                txn.rate(r["price"], 9),
                tao(r["market_cap"]),
                f"{100 * r['emission_share']:.4f} %",
                f"{tao(r['tao_in'])}, {alpha(r['alpha_in'], r['netuid'])}",
                alpha(r["alpha_out"], r["netuid"]),
                f"{r['blocks_since_last_step']}/{r['tempo']}",
                str(r["neurons"]),
            )
            for r in rows
        ]
        console().print(txn.table(f"Subnets at block {net.block}", columns, lines))


@subnets_app.command("show")
def subnets_show(
    netuid: int = NETUID, as_json: bool = JSON, data_dir: Path | None = DATA_DIR
) -> None:
    """One subnet: its pool and every neuron (btcli's metagraph columns)."""
    with txn.local_network(data_dir) as store:
        net = store.network
        row = subnet_row(net, netuid)
        nv = net.neurons(netuid)
        uids: list[dict[str, Any]] = [
            {
                "uid": uid,
                "hotkey": nv.hotkeys[uid],
                "coldkey": nv.coldkeys[uid],
                "stake": int(nv.stake[uid]),
                "root_stake": int(nv.root_stake[uid]),
                "incentive": int(nv.incentive[uid]) / 65535,
                "dividends": int(nv.dividends[uid]) / 65535,
                "emission": int(nv.emission[uid]),
                "validator_permit": bool(nv.validator_permit[uid]),
            }
            for uid in range(len(nv.hotkeys))
        ]
        if as_json:
            txn.print_json("subnets show", {"block": net.block, "subnet": row, "uids": uids})
            return
        out = console()
        pool = [
            ("Price (τ per α)", txn.rate(row["price"], 9)),
            ("Pool (τ_in, α_in)", f"{tao(row['tao_in'])}, {alpha(row['alpha_in'], netuid)}"),
            ("Stake (α_out)", alpha(row["alpha_out"], netuid)),
            ("Registration cost (burn)", tao(row["burn"])),
            ("Owner", f"{row['owner_coldkey']} ({row['owner_hotkey']})"),
            ("Tempo (k/n)", f"{row['blocks_since_last_step']}/{row['tempo']}"),
        ]
        out.print(txn.table(f"Subnet {netuid} at block {net.block}", None, pool))
        columns = (
            "UID",
            "Stake (α)",
            "Root (τ)",
            "Dividends",
            "Incentive",
            "Emissions (α)",
            "Hotkey",
            "Coldkey",
        )
        lines = [
            (
                str(u["uid"]),
                alpha(u["stake"], netuid),
                tao(u["root_stake"]),
                f"{u['dividends']:.4f}",
                f"{u['incentive']:.4f}",
                alpha(u["emission"], netuid),
                u["hotkey"],
                u["coldkey"],
            )
            for u in uids
        ]
        out.print(txn.table("Neurons", columns, lines))


def _moving_price(net: Network, netuid: int) -> float:
    """The EMA price of a subnet (root: 1, it has no pool)."""
    return net.subnet(netuid).moving_price if netuid else 1.0


@subnets_app.command("price")
def subnets_price(
    netuids: str | None = typer.Option(None, "--netuid", "--netuids", "-n", help="e.g. 1 or 1,2."),
    everything: bool = typer.Option(False, "--all", help="Every subnet."),
    as_json: bool = JSON,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """The spot price (the era's ``current_alpha_price``) and the EMA price of subnets."""
    with txn.local_network(data_dir) as store:
        net = store.network
        chosen = net.netuids if everything else txn.netuid_list(netuids, "--netuid")
        if not chosen:
            txn.usage("give --netuid or --all")
        rows: list[dict[str, Any]] = [
            {"netuid": n, "price": net.spot_price(n), "moving_price": _moving_price(net, n)}
            for n in chosen
        ]
        if as_json:
            txn.print_json("subnets price", {"block": net.block, "prices": rows})
            return
        lines = [
            (str(r["netuid"]), txn.rate(r["price"], 9), txn.rate(r["moving_price"], 9))
            for r in rows
        ]
        console().print(
            txn.table(f"Prices at block {net.block}", ("Netuid", "Price (τ/α)", "EMA price"), lines)
        )


@subnets_app.command("burn-cost")
def subnets_burn_cost(as_json: bool = JSON, data_dir: Path | None = DATA_DIR) -> None:
    """What creating a subnet costs now (the network lock cost)."""
    with txn.local_network(data_dir) as store:
        net = store.network
        cost = net.network_lock_cost()
        if as_json:
            txn.print_json("subnets burn-cost", {"block": net.block, "burn_cost": cost})
            return
        console().print(f"subnet burn cost at block {net.block}: {tao(cost)}", highlight=False)


@subnets_app.command("hyperparameters")
def subnets_hyperparameters(
    netuid: int = NETUID, as_json: bool = JSON, data_dir: Path | None = DATA_DIR
) -> None:
    """A subnet's own values (tempo, burn, …) and the era's constants in force."""
    with txn.local_network(data_dir) as store:
        net = store.network
        row = subnet_row(net, netuid)
        own = {k: row[k] for k in ("tempo", "burn", "neurons", "owner_coldkey", "owner_hotkey")}
        own["registered_at"] = net.subnet(netuid).registered_at
        constants = describe(net.params)
        if as_json:
            txn.print_json(
                "subnets hyperparameters", {"netuid": netuid, "subnet": own, "constants": constants}
            )
            return
        lines = [(k, show_value(v)) for k, v in own.items()]
        lines += [(c["name"], f"{show_value(c['value'])} {c['unit']}".rstrip()) for c in constants]
        console().print(txn.table(f"Hyperparameters of subnet {netuid}", ("Name", "Value"), lines))


@subnets_app.command("create")
def subnets_create(
    name: str = NAME,
    hotkey: str = HOTKEY,
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Pay the lock cost and open a subnet owned by the wallet (the hotkey becomes UID 0)."""
    with txn.local_network(data_dir) as store:
        net = store.network
        ck, hk = txn.coldkey(store, name), txn.hotkey(store, name, hotkey)
        cost = net.network_lock_cost()
        rows = [
            ("Owner", f"{ck} ({hk})"),
            ("Lock cost (τ)", tao(cost)),
            ("Balance (τ)", tao(net.balance(ck))),
        ]
        preview = txn.Preview("Create a subnet", rows, {"lock_cost": cost})
        txn.write(
            store,
            "subnets create",
            ops.RegisterNetwork(ck, hk),
            preview,
            yes=yes,
            dry_run=dry_run,
            as_json=as_json,
            done=lambda netuid: (
                f"subnet {netuid} created for {tao(cost)}"
                if netuid is not None
                else f"registration queued (the subnet opens after a cleanup) for {tao(cost)}"
            ),
        )


@subnets_app.command("start")
def subnets_start(
    name: str = NAME,
    netuid: int = NETUID,
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Start a subnet's emission (``start_call``, the owner)."""
    with txn.local_network(data_dir) as store:
        ck = txn.coldkey(store, name)
        txn.write(
            store,
            "subnets start",
            ops.StartCall(ck, netuid),
            None,
            yes=yes,
            dry_run=dry_run,
            as_json=as_json,
            done=lambda _: f"subnet {netuid} started (emits from the next block)",
        )


@subnets_app.command("register")
def subnets_register(
    name: str = NAME,
    hotkey: str = HOTKEY,
    netuid: int = NETUID,
    dry_run: bool = DRY_RUN,
    as_json: bool = JSON,
    yes: bool = YES,
    data_dir: Path | None = DATA_DIR,
) -> None:
    """Register a neuron: pay the subnet's burn for a UID for the hotkey."""
    with txn.local_network(data_dir) as store:
        net = store.network
        ck, hk = txn.coldkey(store, name), txn.hotkey(store, name, hotkey)
        burn = net.subnet(netuid).burn
        rows = [
            ("Netuid", str(netuid)),
            ("Hotkey", hk),
            ("Burn (τ)", tao(burn)),
            ("Balance (τ)", tao(net.balance(ck))),
        ]
        preview = txn.Preview("Register a neuron", rows, {"netuid": netuid, "burn": burn})
        txn.write(
            store,
            "subnets register",
            ops.BurnedRegister(ck, hk, netuid),
            preview,
            yes=yes,
            dry_run=dry_run,
            as_json=as_json,
            done=lambda uid: f"{hk} registered on subnet {netuid} as UID {uid} for {tao(burn)}",
        )
