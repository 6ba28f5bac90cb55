"""What the user commands of a local network share: keys by name, amounts, the preview →
confirm → submit flow of a write, and the two outputs (btcli-style tables, ``--json``).

The store, the ``--data-dir`` / ``--dry-run`` options, one-line failures and the ``--json``
envelope come from :mod:`dtao.cli.localnet`: bad input (an amount that is not a number, an
unknown wallet or hotkey) is :func:`usage` (one line, exit 2); a rejected operation raises the
chain-named ``ProtocolError`` from ``store.submit``, which :func:`local_network` turns into one
line and exit 1, having written nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from fractions import Fraction
from math import floor
from typing import Any

import typer
from rich.table import Table

from dtao.cli.common import console
from dtao.cli.localnet import DATA_DIR_OPTION as DATA_DIR
from dtao.cli.localnet import DRY_RUN_OPTION as DRY_RUN
from dtao.cli.localnet import emit_json, local_network, receipt_data, usage
from dtao.operations import Operation
from dtao.receipts import Receipt, SwapQuote
from dtao.store import Store
from dtao.units import RAO_PER_TAO, AmountError, format_amount, parse_amount

__all__ = ["DATA_DIR", "DRY_RUN", "local_network", "usage"]

#: btcli v9's default rate tolerance for safe staking (``Defaults.rate_tolerance``, 0.5 %)
DEFAULT_TOLERANCE = 0.005

#: btcli's symbols per netuid (bittensor ``settings.UNITS``: root τ, then the Greek letters);
#: later subnets fall back to ``α`` with the netuid (bittensor 11's ``α₄₂``)
_SYMBOLS = "ταβγδεζηθικλμνξοπρσ"
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


# -- options shared by the commands --------------------------------------------------------------

NAME = typer.Option(..., "--name", "--wallet-name", "-w", help="The wallet (coldkey) name.")
HOTKEY = typer.Option(
    ..., "--hotkey", "-H", help="A hotkey: a name of the wallet's, or WALLET/NAME."
)
NETUID = typer.Option(..., "--netuid", "-n", min=0, max=65535, help="The subnet.")
YES = typer.Option(False, "--no-prompt", "--yes", "-y", help="Do not ask for confirmation.")
JSON = typer.Option(False, "--json", "--json-output", help="Print machine output (JSON).")
SAFE = typer.Option(
    True,
    "--safe/--unsafe",
    "--safe-staking/--no-safe-staking",
    "--slippage-protection/--no-slippage-protection",
    help="Refuse a fill beyond the rate tolerance (a limit price).",
)
TOLERANCE = typer.Option(
    DEFAULT_TOLERANCE,
    "--tolerance",
    "--rate-tolerance",
    min=0.0,
    max=0.999,
    help="Rate tolerance of --safe: limit = price·(1 ± tolerance), e.g. 0.05 for 5 %.",
)
PARTIAL = typer.Option(
    False,
    "--partial/--no-partial",
    "--allow-partial-stake/--no-allow-partial-stake",
    help="With --safe, fill what the limit allows instead of refusing.",
)


# -- input -------------------------------------------------------------------------------------


def amount_rao(text: str | None, flag: str = "--amount") -> int:
    """A token amount (``"1.5"``, ``"τ1.5"``) as rao, exactly; a usage error otherwise."""
    if text is None:
        usage(f"missing option '{flag}' (or pass --all)")
    try:
        return parse_amount(text, flag)
    except AmountError as exc:
        usage(str(exc))


def coldkey(store: Store, name: str) -> str:
    """The state's coldkey of wallet ``name``; a usage error naming the known wallets."""
    wallets = store.wallets()
    if name not in wallets:
        known = ", ".join(sorted(wallets)) or "none; create one with 'dtao wallet create'"
        usage(f"unknown wallet {name!r} (known: {known})")
    return name


def hotkey(store: Store, wallet: str, name: str) -> str:
    """The state's hotkey for ``name``: one of ``wallet``'s hotkeys, ``WALLET/NAME`` of any
    wallet, or a hotkey the chain knows (a validator of a snapshot's network); a usage error
    naming the wallet's hotkeys otherwise."""
    wallets = store.wallets()
    owner, _, short = name.rpartition("/")
    if owner and short in wallets.get(owner, ()):
        return store.wallet_hotkey(owner, short)
    if name in wallets.get(wallet, ()):
        return store.wallet_hotkey(wallet, name)
    if name.strip() and store.network.hotkey_owner(name) is not None:
        return name
    known = ", ".join(wallets.get(wallet, ())) or "none; add one with 'dtao wallet create --hotkey'"
    usage(f"unknown hotkey {name!r} of wallet {wallet!r} (its hotkeys: {known})")


def netuid_list(text: str | None, flag: str = "--netuids") -> tuple[int, ...]:
    """``"1,2,3"`` as netuids; a usage error naming the bad item."""
    if not text:
        return ()
    out = []
    for item in text.split(","):
        try:
            netuid = int(item.strip())
        except ValueError:
            usage(f"invalid value for {flag}: {item.strip()!r} is not an integer")
        if not 0 <= netuid <= 65535:
            usage(f"invalid value for {flag}: {netuid} is not in [0, 65535]")
        out.append(netuid)
    return tuple(out)


def limit_price(price: Fraction, tolerance: float, up: bool) -> int:
    """btcli's safe-staking limit, rao per whole alpha: ⌊price·(1 ± tolerance)·10^9⌋ (a buy may
    pay up to ``price·(1 + tol)``, a sale accepts down to ``price·(1 − tol)``)."""
    tol = Fraction(str(tolerance))
    return floor(price * (1 + tol if up else 1 - tol) * RAO_PER_TAO)


# -- amounts as btcli shows them -----------------------------------------------------------------


def symbol(netuid: int) -> str:
    """The token symbol of a subnet (root: τ)."""
    if netuid < len(_SYMBOLS):
        return _SYMBOLS[netuid]
    return "α" + str(netuid).translate(_SUBSCRIPTS)


def tao(rao: int) -> str:
    """``τ1,234.567890123``."""
    return format_amount(rao, "τ")


def alpha(rao: int, netuid: int) -> str:
    """Alpha of ``netuid`` with its symbol (TAO on root)."""
    return format_amount(rao, symbol(netuid))


def rate(value: Fraction | float, digits: int = 6) -> str:
    """A price or rate as a decimal."""
    return f"{float(value):,.{digits}f}"


def percent(part: int, whole: int) -> str:
    """``part / whole`` as a percentage (0 when ``whole`` is 0)."""
    return f"{100 * part / whole:.4f} %" if whole else "0.0000 %"


def table(title: str, columns: Sequence[str] | None, rows: Sequence[Sequence[str]]) -> Table:
    """A rich table with right-aligned amount columns (the first column left); ``columns``
    None: two columns (label, value) without a header."""
    out = Table(title=title, show_header=columns is not None)
    columns = columns or ("", "")
    for i, column in enumerate(columns):
        out.add_column(column, justify="left" if i == 0 else "right")
    for row in rows:
        out.add_row(*row)
    return out


# -- machine output --------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """Data for :func:`emit_json`: dataclasses (a quote) as dicts of their fields, exact
    prices (``Fraction``) as decimal strings of 18 significant digits."""
    if isinstance(value, Fraction):
        return f"{float(value):.18g}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def print_json(kind: str, data: dict[str, Any]) -> None:
    """The ``--json`` envelope of :mod:`dtao.cli.localnet` (amounts as decimal strings)."""
    emit_json(kind, plain(data))


# -- writes ----------------------------------------------------------------------------------------


@dataclasses.dataclass
class Preview:
    """What a write will do, shown before it is sent: a title, (label, value) rows for the
    table, and the same figures as plain data for ``--json``."""

    title: str
    rows: list[tuple[str, str]]
    data: dict[str, Any]


def quote_preview(
    title: str, quote: SwapQuote, rows: list[tuple[str, str]], data: dict[str, Any]
) -> Preview:
    """A preview holding a quote (its fields go into the JSON as ``quote``)."""
    return Preview(title, rows, {**data, "quote": quote})


def write(
    store: Store,
    command: str,
    op: Operation,
    preview: Preview | None,
    *,
    yes: bool,
    dry_run: bool,
    as_json: bool,
    done: Callable[[Any], str],
) -> Receipt:
    """Show ``preview``, ask (unless ``yes``, ``dry_run`` or ``as_json``), submit ``op``
    (committed unless ``dry_run``) and report the receipt with the sentence ``done(result)``.
    A rejection propagates as the chain's error with nothing written."""
    out = console()
    if preview is not None and not as_json:
        out.print(table(preview.title, None, preview.rows))
    if not (yes or dry_run or as_json):
        typer.confirm("Submit this operation?", abort=True)
    receipt = store.submit(op, dry_run=dry_run)
    if as_json:
        data: dict[str, Any] = {"receipt": receipt_data(receipt, dry_run=dry_run)}
        if preview is not None:
            data["preview"] = preview.data
        print_json(command, data)
        return receipt
    prefix = "dry run (nothing committed): " if dry_run else ""
    line = f"{prefix}{done(receipt.result)} at block {receipt.block}"
    out.print(line, highlight=False, markup=False)
    return receipt
