"""The translated superellipse of exponent two (dtao-current.md §6.3): code in the swap pallet,
live date unknown, a switch (``Params.superellipse``) off by default.

Re-expressed from RaoFoundation/subtensor ``pallets/swap/src/pallet/superellipse.rs`` @
``0249a4a4`` (id:71297815211) and the pallet's ``impls.rs`` @ ``0249a4a4`` (id:71100111674).

Notation: x = alpha reserve, y = TAO reserve (ints, alpha-rao and rao). A pool's curve is
:class:`Curve` — the scales a, b and the centres c_x, c_y, all Q32 (value · 2^32, plain ints:
Python's ints stand in for the chain's U512 products, so nothing overflows here). With
X = c_x − x·2^32 and Y = c_y − y·2^32 the invariant is X²·b² + Y²·a² = K, recomputed from the
reserves at every operation; trading needs X > 0 and Y > 0.

* price p = b²·X / (a²·Y), as U64F64 bits (floored);
* buy with net TAO q: Y' = Y − q·2^32 (> 0), X' = ⌊√(X² + ⌊(Y² − Y'²)·a²/b²⌋)⌋, alpha out
  ⌊(X' − X)/2^32⌋ (≤ x); a sale of net alpha d is the mirror image. Payouts floor, so K moves
  inward: the pool never loses (a round trip never returns more than it was paid);
* calibration from a balancer pool of quote weight w_q (Perquintill): a = ⌊x·(w_q≪33)/10^18⌋,
  b = ⌊y·((10^18 − w_q)≪33)/10^18⌋ (2·w_q·x and 2·w_b·y in Q32), c_x = x·2^32 + a,
  c_y = y·2^32 + b: X = a, Y = b, the balancer's price (w_b/w_q)·(y/x) and its local
  log-price response;
* injection translates both centres by the amounts added (Q32), so X, Y, a, b, the price and
  the response to a given trade are unchanged, whatever the ratio.

Errors are the swap pallet's (:mod:`dtao.errors`): a curve that cannot be built or priced is
``ReservesOutOfBalance`` (as ``maybe_initialize_palswap`` / ``adjust_protocol_liquidity`` map
it); a trade past the curve's end (Y' ≤ 0 or X' ≤ 0) or paying more than the output reserve
is ``InsufficientLiquidity`` (the superellipse swap step's own mapping was not read: dtao's
choice, dtao-current.md §13.1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from math import isqrt

from dtao.errors import InsufficientLiquidity, ReservesOutOfBalance
from dtao.fixed import FRAC64
from dtao.units import U64_MAX

Q32 = 1 << 32
#: Perquintill denominator of the balancer weight the curve is calibrated from
WEIGHT_SCALE = 10**18


@dataclass(frozen=True)
class Curve:
    """One pool's superellipse: scales ``a`` (alpha side), ``b`` (TAO side) and centres
    ``cx``, ``cy``, each Q32 (value · 2^32)."""

    a: int
    b: int
    cx: int
    cy: int


def calibrate(alpha: int, tao: int, quote_weight: int) -> Curve:
    """``Superellipse::from_weights``: the curve at reserves (x, y) matching a balancer of
    quote weight ``quote_weight`` (parts per 10^18) in price and local sensitivity; scales
    floored. ``ReservesOutOfBalance`` for an empty reserve or a weight outside (0, 1)."""
    if alpha <= 0 or tao <= 0 or not 0 < quote_weight < WEIGHT_SCALE:
        raise ReservesOutOfBalance(f"cannot calibrate a curve at ({alpha}, {tao}, {quote_weight})")
    a = alpha * (quote_weight << 33) // WEIGHT_SCALE
    b = tao * ((WEIGHT_SCALE - quote_weight) << 33) // WEIGHT_SCALE
    if a == 0 or b == 0:
        raise ReservesOutOfBalance("a curve scale rounds to 0")
    return Curve(a, b, (alpha << 32) + a, (tao << 32) + b)


def coordinates(curve: Curve, alpha: int, tao: int) -> tuple[int, int]:
    """(X, Y) = (c_x − x·2^32, c_y − y·2^32), Q32; ``InsufficientLiquidity`` off the curve's
    tradable branch (either ≤ 0)."""
    x_coord, y_coord = curve.cx - (alpha << 32), curve.cy - (tao << 32)
    if x_coord <= 0 or y_coord <= 0:
        raise InsufficientLiquidity(f"reserves ({alpha}, {tao}) are past the curve's end")
    return x_coord, y_coord


def price_bits(curve: Curve, alpha: int, tao: int) -> int:
    """``calculate_price``: b²·X·2^64 / (a²·Y), floored (U64F64 bits, TAO per alpha);
    ``ReservesOutOfBalance`` if it does not fit 128 bits or the reserves are off the curve."""
    try:
        x_coord, y_coord = coordinates(curve, alpha, tao)
    except InsufficientLiquidity as exc:
        raise ReservesOutOfBalance(str(exc)) from None
    price = (curve.b * curve.b * x_coord << FRAC64) // (curve.a * curve.a * y_coord)
    if price >= 1 << 128:
        raise ReservesOutOfBalance("the curve's price does not fit U64F64")
    return price


def _output(coord: int, other: int, amount: int, in_sq: int, out_sq: int, reserve: int) -> int:
    """One side's payout: the input coordinate ``coord`` shrinks by ``amount``·2^32, the other
    coordinate grows to ⌊√(other² + ⌊(coord² − coord'²)·in_sq/out_sq⌋)⌋; paid ⌊Δ/2^32⌋."""
    new_coord = coord - amount * Q32
    if new_coord <= 0:
        raise InsufficientLiquidity(f"an input of {amount} reaches the curve's end")
    gain = (coord - new_coord) * (coord + new_coord)
    new_other = isqrt(other * other + gain * in_sq // out_sq)
    out = (new_other - other) // Q32
    if out > reserve:
        raise InsufficientLiquidity(f"payout {out} exceeds the reserve {reserve}")
    return out


def buy_output(curve: Curve, alpha: int, tao: int, tao_in: int) -> int:
    """``buy_output``: alpha-rao out for a net ``tao_in`` rao (floored; see module)."""
    x_coord, y_coord = coordinates(curve, alpha, tao)
    if tao_in == 0:
        return 0
    return _output(y_coord, x_coord, tao_in, curve.a * curve.a, curve.b * curve.b, alpha)


def sell_output(curve: Curve, alpha: int, tao: int, alpha_in: int) -> int:
    """``sell_output``: rao out for a net ``alpha_in`` alpha-rao (floored; see module)."""
    x_coord, y_coord = coordinates(curve, alpha, tao)
    if alpha_in == 0:
        return 0
    return _output(x_coord, y_coord, alpha_in, curve.b * curve.b, curve.a * curve.a, tao)


def max_input(curve: Curve, alpha: int, tao: int, *, buy: bool, floor: int = 0) -> int:
    """``max_input``: the largest net input that stays on the curve (input coordinate > 0)
    and pays at most the output reserve minus ``floor``, also capped so the input reserve
    stays within u64. Exact: a payout ⌊(⌊√T⌋ − c)/2^32⌋ ≤ r iff T < (c + (r+1)·2^32)²."""
    x_coord, y_coord = coordinates(curve, alpha, tao)
    a2, b2 = curve.a * curve.a, curve.b * curve.b
    if buy:
        coord, out_coord, in_sq, out_sq, reserve, room = y_coord, x_coord, a2, b2, alpha, tao
    else:
        coord, out_coord, in_sq, out_sq, reserve, room = x_coord, y_coord, b2, a2, tao, alpha
    if floor > reserve:
        raise InsufficientLiquidity(f"reserve {reserve} is below the floor {floor}")
    allowance = (reserve - floor + 1) * Q32
    bound = allowance * (2 * out_coord + allowance) * out_sq
    initial = coord * coord * in_sq
    minimum = isqrt((initial - bound) // in_sq) + 1 if initial >= bound else 1
    if coord < minimum:
        raise InsufficientLiquidity("no input fits on the curve")
    return min((coord - minimum) // Q32, U64_MAX - room)


def _last_true(upper: int, predicate: Callable[[int], bool]) -> int:
    """The largest n in [0, upper] with predicate(n), for a predicate true at 0 and monotone."""
    low, high = 0, upper
    while low < high:
        mid = low + (high - low + 1) // 2
        if predicate(mid):
            low = mid
        else:
            high = mid - 1
    return low


def buy_delta_to_price(curve: Curve, alpha: int, tao: int, target: int) -> int:
    """``quote_delta_to_price``: the largest net TAO whose real post-trade price stays
    ≤ ``target`` (U64F64 bits), by binary search on exact payouts; 0 if the price is already
    there."""
    if target <= price_bits(curve, alpha, tao):
        return 0

    def within(amount: int) -> bool:
        out = buy_output(curve, alpha, tao, amount)
        try:
            return price_bits(curve, alpha - out, tao + amount) <= target
        except ReservesOutOfBalance:
            return False

    return _last_true(max_input(curve, alpha, tao, buy=True), within)


def sell_delta_to_price(curve: Curve, alpha: int, tao: int, target: int) -> int:
    """``base_delta_to_price``: the largest net alpha whose real post-trade price stays
    ≥ ``target`` (U64F64 bits); 0 if the price is already there."""
    if target >= price_bits(curve, alpha, tao):
        return 0

    def within(amount: int) -> bool:
        out = sell_output(curve, alpha, tao, amount)
        return price_bits(curve, alpha + amount, tao - out) >= target

    return _last_true(max_input(curve, alpha, tao, buy=False), within)


def alpha_needed_for_tao(curve: Curve, alpha: int, tao: int, tao_out: int) -> int:
    """``base_needed_for_quote``: the least net alpha whose sale pays at least ``tao_out``
    rao (the inverse quote rounds the input up); ``InsufficientLiquidity`` if no sale on the
    curve pays that much."""
    coordinates(curve, alpha, tao)
    if tao_out == 0:
        return 0
    if tao_out > tao:
        raise InsufficientLiquidity(f"{tao_out} rao exceeds the reserve {tao}")
    high = max_input(curve, alpha, tao, buy=False)
    if sell_output(curve, alpha, tao, high) < tao_out:
        raise InsufficientLiquidity(f"no sale on the curve pays {tao_out} rao")
    low = 0
    while low < high:
        mid = (low + high) // 2
        if sell_output(curve, alpha, tao, mid) >= tao_out:
            high = mid
        else:
            low = mid + 1
    return low


def translate(curve: Curve, alpha_delta: int, tao_delta: int) -> Curve:
    """``translate_liquidity``: both centres moved by the amounts added (Q32)."""
    return replace(curve, cx=curve.cx + (alpha_delta << 32), cy=curve.cy + (tao_delta << 32))
