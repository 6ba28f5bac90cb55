"""Amounts as integer rao, and their text forms.

Every TAO and alpha amount in dtao is an ``int`` in rao: 1 TAO = 1 alpha = 10**9 rao
(opentensor/subtensor ``DefaultBlockEmission`` = 10^9 is "1 TAO"; alpha uses the same scale).
Parsing is exact (decimal, no float); formatting mirrors the bittensor SDK's ``Balance``
(``τ1.500000000`` / ``α1.500000000``).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from dtao.errors import DtaoError

RAO_PER_TAO = 10**9
U16_MAX = 2**16 - 1
U64_MAX = 2**64 - 1
TAO_SYMBOL = "τ"
ALPHA_SYMBOL = "α"


class AmountError(DtaoError, ValueError):
    """Text or number that is not a valid amount (negative, not numeric, beyond u64)."""


def check_rao(value: object, what: str = "amount") -> int:
    """Validate an amount already in rao: a non-negative ``int`` that fits in u64."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise AmountError(f"{what} must be an integer number of rao, got {value!r}")
    if value < 0:
        raise AmountError(f"{what} must not be negative, got {value}")
    if value > U64_MAX:
        raise AmountError(f"{what} {value} does not fit in u64 (max {U64_MAX})")
    return value


def parse_amount(text: str | int, what: str = "amount") -> int:
    """Parse a token amount like ``"1.5"``, ``"τ1.5"`` or ``"2 α"`` into rao (exact).

    More than 9 decimals is an error, never a silent rounding.
    """
    if isinstance(text, int) and not isinstance(text, bool):
        return check_rao(text * RAO_PER_TAO, what)
    if not isinstance(text, str):
        raise AmountError(f"{what} must be text like '1.5', got {text!r}")
    cleaned = text.strip().replace("_", "").replace(",", "")
    for symbol in (TAO_SYMBOL, ALPHA_SYMBOL, "TAO", "tao", "alpha"):
        cleaned = cleaned.replace(symbol, "")
    cleaned = cleaned.strip()
    if not cleaned:
        raise AmountError(f"{what} is empty")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise AmountError(f"{what} {text!r} is not a number") from None
    if not value.is_finite():
        raise AmountError(f"{what} {text!r} is not a finite number")
    if value < 0:
        raise AmountError(f"{what} must not be negative, got {text!r}")
    rao = value * RAO_PER_TAO
    if rao != rao.to_integral_value():
        raise AmountError(f"{what} {text!r} has more than 9 decimals (finer than 1 rao)")
    return check_rao(int(rao), what)


def parse_rao(text: str | int, what: str = "amount") -> int:
    """Parse an integer rao amount given as text or int."""
    if isinstance(text, str):
        try:
            text = int(text.strip().replace("_", ""))
        except ValueError:
            raise AmountError(f"{what} {text!r} is not an integer number of rao") from None
    return check_rao(text, what)


def format_amount(rao: int, symbol: str = TAO_SYMBOL) -> str:
    """Format rao as the SDK does: symbol, integer part, 9 decimals (``τ1.500000000``)."""
    sign = "-" if rao < 0 else ""
    whole, frac = divmod(abs(rao), RAO_PER_TAO)
    return f"{sign}{symbol}{whole:,}.{frac:09d}"


def tao(rao: int) -> str:
    """``format_amount`` with the TAO symbol."""
    return format_amount(rao, TAO_SYMBOL)


def alpha(rao: int) -> str:
    """``format_amount`` with the alpha symbol."""
    return format_amount(rao, ALPHA_SYMBOL)


def to_tao(rao: int) -> float:
    """rao -> TAO as a float (display and analysis only, never for state)."""
    return rao / RAO_PER_TAO


def check_u16(value: object, what: str = "value") -> int:
    """Validate a u16 integer (weights, takes, u16 fractions)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= U16_MAX:
        raise AmountError(f"{what} must be an integer in [0, {U16_MAX}], got {value!r}")
    return value
