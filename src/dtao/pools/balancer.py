"""HEAD balancer weighted pool (spec §6c; R5.2+, since 2026-06-25 ``06032d5``).

Re-expressed from opentensor/subtensor ``pallets/swap/src/pallet/balancer.rs``,
``swap_step.rs`` and ``impls.rs`` @ ``14bc6f9``, and from the exponentiation of the
``safe-bigmath`` crate the pallet uses (``SafeInt::pow_ratio_scaled`` @ ``013c499``).

Notation (as the chain): x = alpha reserve (base), y = TAO reserve (quote), both ``int``
(alpha-rao, rao). The pool stores only the quote weight w2 as a ``Perquintill``: an ``int`` of
parts per 10**18 (``quote_weight`` below); the base weight is w1 = 10**18 − w2. Both weights
must stay in [0.01, 0.99] (``MIN_WEIGHT``, bounds inclusive).

* price p = (w1/w2)·(y/x), returned as the chain's U64F64 (raw ``int`` bits, value·2**64);
* sell Δx alpha: TAO out = y·(1 − (x/(x+Δx))^(w1/w2)); buy with Δy TAO: alpha out =
  x·(1 − (y/(y+Δy))^(w2/w1)).

Fixed-point emulation: U64F64 values are plain ``int`` bit patterns (value·2**64). Every
multiplication and division truncates (floors, all values are non-negative), saturating
arithmetic clamps at the type's bounds, and conversions to ``u64`` floor — exactly as the
``substrate-fixed`` crate does. The power (x/(x+Δx))^(w1/w2) is the 18-decimal result of
``pow_ratio_scaled``: an exact integer root when the reduced exponent fraction is small, else the
crate's fixed-point ln/exp series, both emulated here bit for bit.

Rounding direction. The output amount is floored and the fee is floored (in the payer's
favour). But the power term is the *kept* fraction of the output reserve and is floored to 18
decimals (then to 2**-64), so 1 − power is rounded *up*: the pool pays
floor(exact + δ) with 0 ≤ δ < reserve·(10**-18 + 2**-64) (< 0.03 unit for reserves below the
21M-token supply). The output is therefore floor(exact), or floor(exact) + 1 when the exact
value sits within δ below an integer: "the pool never loses" holds only up to that one unit.
At a high price per alpha-rao that unit is worth something: e.g. at w2 = 0.01, y ≈ 1.84·10**16,
x ≈ 1.89·10**16, buying with 95 rao (fee 0) yields 1 alpha-rao that sells back for 96 rao.
The chain does this too (reproduced, pinned in the tests).

Extreme weights and sizes. When the reduced weight ratio is not a small fraction (any weight
after a re-fit), the power goes through the crate's ln/exp series, which stops after
internal_bits + 128 terms; for |exponent·ln(base)| ≳ 130 (e.g. w2 ≈ 0.96 and an input of
~10**3 × the reserve) it returns garbage, mapped to 0 (whole reserve paid) or to a wrong value.
Reproduced bit for bit (cross-checked against the crate), not corrected.

No state: callers own reserves and apply :class:`SwapResult`. Errors are raised as
``ProtocolError`` subclasses named after the chain's ``pallet_subtensor_swap::Error``.
"""

from __future__ import annotations

import decimal
import os
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from math import gcd
from typing import Any

from dtao import exact_compiled
from dtao.errors import (
    InsufficientLiquidity,
    PriceLimitExceeded,
    ReservesOutOfBalance,
    ReservesTooLow,
    SwapInputTooLarge,
)
from dtao.fixed import FRAC64, ONE64, U64F64
from dtao.units import U64_MAX

ACCURACY = 10**18
"""Perquintill denominator: weights are parts per 10**18."""
MIN_WEIGHT = ACCURACY // 100
"""Lower bound of either weight (0.01), inclusive."""
MAX_QUOTE_WEIGHT = ACCURACY - MIN_WEIGHT
"""Upper bound of the quote weight (0.99), inclusive."""
DEFAULT_QUOTE_WEIGHT = ACCURACY // 2
"""w2 of a freshly initialised pool (0.5)."""
DEFAULT_FEE_RATE = 33
"""``FeeRate`` default (u16, divided by 65 535: ≈ 0.0504 %)."""
FEE_DENOMINATOR = 65_535
SWAP_MINIMUM_RESERVE = 1_000_000
"""``SwapMinimumReserve``: the output reserve must hold at least this before a swap."""
MAX_SWAP_INPUT_RESERVE_MULTIPLIER = 1_000
"""Net swap input may be at most this many times the input reserve."""
RAO_PER_ALPHA = 10**9
MIN_PRICE_RAO = 1_000
"""``min_price_inner``: default limit of a sell, rao per whole alpha (10**-6 TAO/alpha)."""
MAX_PRICE_RAO = 10**15
"""``max_price_inner``: default limit of a buy, rao per whole alpha (10**6 TAO/alpha)."""

EXP_PRECISION = 256
"""Binary precision the pallet asks ``pow_ratio_scaled`` for in swaps."""
LIMIT_PRECISION = 1024
"""Binary precision the pallet asks ``pow_ratio_scaled`` for in limit-order deltas."""

_U128_MAX = (1 << 128) - 1  # u128 integer bound (Perquintill arithmetic, reserve products)
_MAX_EXACT_EXPONENT = 1_024
_GUARD_BITS = 24
_MAX_ITERS = 4_096
_NO_FAST_ENV = "DTAO_NO_FAST"  # = dtao.eras.NO_FAST_ENV (the suite's reference mode)


# --------------------------------------------------------------------------------------------
# Fixed-point and Perquintill helpers (U64F64 as raw bits: ``dtao.fixed.U64F64``)
#
# U64F64 ``safe_div`` (``checked_div(..).unwrap_or_default()``) is ``U64F64.safe_div``: the
# quotient floored, 0 when the divisor is 0 or the quotient overflows; ``saturating_mul`` is
# ``U64F64.saturating_mul`` (floored, clamped); ``saturating_to_num::<u64>()`` is
# ``U64F64.saturating_to_uint`` (floored, clamped to [0, u64::MAX]).


def u64f64_from_float(value: float) -> int:
    """``U64F64::from_num(f64)`` as raw bits: the float's exact value rounded to nearest, ties
    to even (how the ``fixed`` crate converts floats), clamped to the type's range."""
    return U64F64.from_f64(value)


def price_bits_from_rao_per_alpha(limit_rao_per_alpha: int) -> int:
    """Limit price given in extrinsics (rao per whole alpha) → U64F64 bits, as
    ``SwapEngine::swap`` does: U64F64(limit) / U64F64(10**9), floored."""
    return U64F64.safe_div(limit_rao_per_alpha << FRAC64, RAO_PER_ALPHA << FRAC64)


def perquintill_from_rational(p: int, q: int) -> int:
    """``Perquintill::from_rational(p, q)``: floor(min(p, q)·10**18 / q) parts (rounds down);
    10**18 (one) when q = 0."""
    if q == 0:
        return ACCURACY
    return min(p, q) * ACCURACY // q


def is_valid_quote_weight(quote_weight: int) -> bool:
    """Both weights ≥ 0.01 (``check_constraints``): 0.01 ≤ w2 ≤ 0.99, bounds included."""
    return MIN_WEIGHT <= quote_weight <= MAX_QUOTE_WEIGHT


def _check_weight(quote_weight: int) -> None:
    if not is_valid_quote_weight(quote_weight):
        raise ValueError(f"quote weight {quote_weight} parts is outside [0.01, 0.99]")


def _mul_perquintill_round(parts: int, value: int) -> int:
    """value·parts/10**18 rounded half up (U256 in the chain), clamped to u128."""
    return min((value * parts + ACCURACY // 2) // ACCURACY, _U128_MAX)


# --------------------------------------------------------------------------------------------
# pow_ratio_scaled: (a/b)^(p/q) · scale, floored


def _iroot(n: int, k: int) -> int:
    """Largest r ≥ 0 with r**k ≤ n (exact integer k-th root, Newton from above)."""
    if n < 2 or k == 1:
        return n
    r = 1 << -(-n.bit_length() // k)  # 2**ceil(bits/k) ≥ the root
    while True:
        nxt = ((k - 1) * r + n // r ** (k - 1)) // k
        if nxt >= r:
            return r
        r = nxt


def _round_guard(value: int, guard: int) -> int:
    """Drop the guard bits: divide truncating toward zero, then round half away from zero."""
    quotient = abs(value) // guard
    if 2 * (abs(value) - quotient * guard) >= guard:
        quotient += 1
    return quotient if value >= 0 else -quotient


def _ln1p_series(x: int, scale: int, guard: int, max_iters: int) -> int:
    """ln(1 + x/scale)·scale by the alternating Taylor series, stopping like the crate: when a
    term vanishes, falls below the guard unit, or no longer changes the guard-rounded value."""
    term = x
    result = x
    previous = _round_guard(result, guard)
    for n in range(2, max_iters + 1):
        term = term * x // scale
        if term == 0:
            break
        step = term // n
        if step == 0:
            break
        result = result - step if n % 2 == 0 else result + step
        rounded = _round_guard(result, guard)
        if abs(step) < guard or rounded == previous:
            break
        previous = rounded
    return result


def _exp_series(x: int, scale: int, guard: int, max_iters: int) -> int:
    """exp(x/scale)·scale by the Taylor series, with the crate's stopping rules."""
    term = scale
    result = scale
    previous = _round_guard(result, guard)
    for n in range(1, max_iters + 1):
        term = term * x // (scale * n)
        if term == 0:
            break
        result += term
        rounded = _round_guard(result, guard)
        if abs(term) < guard or rounded == previous:
            break
        previous = rounded
    return result


@lru_cache(maxsize=8)
def _ln_two(internal_bits: int, max_iters: int) -> int:
    scale = 1 << internal_bits
    return -_ln1p_series(-(scale >> 1), scale, 1 << _GUARD_BITS, max_iters)


def _ln_int(value: int, internal_bits: int, max_iters: int) -> int:
    """ln(value)·2**internal_bits for an integer value ≥ 1: mantissa normalised into
    [0.75, 1.5), series on the mantissa, plus shift·ln 2."""
    scale = 1 << internal_bits
    shift = value.bit_length() - 1
    mantissa = (value << internal_bits) >> shift
    if mantissa >= scale + (scale >> 1):
        mantissa >>= 1
        shift += 1
    ln_mantissa = _ln1p_series(mantissa - scale, scale, 1 << _GUARD_BITS, max_iters)
    return ln_mantissa + _ln_two(internal_bits, max_iters) * shift


def pow_ratio_scaled(
    base_num: int,
    base_den: int,
    exp_num: int,
    exp_den: int,
    precision: int,
    scale: int,
    *,
    memo: bool | None = None,
) -> int | None:
    """(base_num/base_den)^(exp_num/exp_den) · scale as an integer, as ``safe-bigmath`` computes it.

    * ``None`` when a denominator is 0 or an input is negative; 0 when base_num = 0; ``scale``
      when the exponent is 0.
    * Exact path: with the exponent reduced to p/q and p, q ≤ 1 024, the result is the exact
      floor of the real value (integer q-th root of base_num**p·scale**q / base_den**p).
    * Otherwise: the crate's fixed-point path with max(precision, 32, bits(scale) + 8) bits plus
      24 guard bits — ln of numerator and denominator by series, times p/q (floored), exp by
      series, guard bits rounded off, times scale, floored. This is the floor of the real value
      to within ~2**-precision, except for very negative logarithms (|p/q·ln(base)| ≳ 130 at
      precision 256), where the crate's truncated series drifts; the drift is reproduced.

    ``memo``: take the series path's fast twin (default :func:`memo_enabled`).
    """
    if base_den == 0 or exp_den == 0:
        return None
    if base_num == 0:
        return 0
    if scale < 0 or base_num < 0 or base_den < 0 or exp_num < 0 or exp_den < 0:
        return None
    if exp_num == 0:
        return scale
    divisor = gcd(exp_num, exp_den)
    p, q = exp_num // divisor, exp_den // divisor
    if p <= _MAX_EXACT_EXPONENT and q <= _MAX_EXACT_EXPONENT:
        return _iroot(base_num**p * scale**q // base_den**p, q)

    if memo_enabled() if memo is None else memo:
        return _fast_power(base_num, base_den, p, q, precision, scale)
    return _series_power(base_num, base_den, p, q, precision, scale, _ln_int)


def memo_enabled() -> bool:
    """Whether the series results are memoised (not when ``DTAO_NO_FAST`` is 1/true/yes, the
    suite's reference mode; read on every call)."""
    return os.environ.get(_NO_FAST_ENV, "").strip().lower() not in ("1", "true", "yes")


def _series_power(
    base_num: int,
    base_den: int,
    p: int,
    q: int,
    precision: int,
    scale: int,
    ln: Callable[[int, int, int], int],
) -> int:
    """The series path of :func:`pow_ratio_scaled` for the reduced exponent p/q; ``ln`` is
    :func:`_ln_int` or its memo."""
    target_bits = max(precision, 32, scale.bit_length() + 8)
    internal_bits = target_bits + _GUARD_BITS
    max_iters = min(_MAX_ITERS, internal_bits + 128)
    ln_base = ln(base_num, internal_bits, max_iters) - ln(base_den, internal_bits, max_iters)
    ln_scaled = ln_base * p // q
    exp_fixed = _exp_series(ln_scaled, 1 << internal_bits, 1 << _GUARD_BITS, max_iters)
    return _round_guard(exp_fixed, 1 << _GUARD_BITS) * scale >> target_bits


# The fast path of the series power: a certified decimal evaluation, the series itself when
# that cannot decide the floor, both memoised (a quote and its swap, and consecutive swaps on
# one pool — one swap's new reserve is the next one's old — ask for the same powers).
_ln_int_memo = lru_cache(maxsize=4_096)(_ln_int)

_CERT_DIGITS = 40
"""Decimal digits of the certified evaluation (its roundings: ≤ 10**-39 relative each)."""
_CERT_SLACK_DIGITS = 34
"""The certified value's error bound: (|value| + 1)·10**-34 units. The five roundings add at
most (4·|exponent·ln(base)| + 5)·10**-39 relative (≤ 1.7·10**-37 at the range's edge, 600
times less); the crate's own error, measured against 150-digit values on random inputs in the
range, stayed below 10**-28 of this bound (its series end below 2**-256 of the result's unit)."""
_CERT_MAX_LOG = 40
"""Largest |exponent·ln(base)| certified: well inside the range where the crate's series
stop rules hold (its drift starts near 130, see the module docstring)."""
_CERT_MIN_TARGET_BITS = 192
_CERT_CONTEXT = decimal.Context(
    prec=_CERT_DIGITS, rounding=decimal.ROUND_HALF_EVEN, Emax=10**6, Emin=-(10**6)
)


def _certified_power(
    base_num: int, base_den: int, p: int, q: int, precision: int, scale: int
) -> int | None:
    """floor((base_num/base_den)^(p/q)·scale) without the series, when that is provably the
    series' answer: the real value is evaluated to 40 digits (``decimal``: the quotient, ln,
    exp and products each correctly rounded; a base just below 1 first by the cheaper
    :func:`_near_one_power`) and accepted only when the floor is the same at both ends of its
    error bound, which also covers the crate's own error. ``None`` (use the series) outside the
    certified range or when the value is that close to an integer."""
    if max(precision, 32, scale.bit_length() + 8) < _CERT_MIN_TARGET_BITS:
        return None
    if base_num == base_den:  # the crate's two logarithms cancel exactly: exp(0)·scale
        return scale
    if 0 < base_num < base_den and (base_den - base_num) << _NEAR_ONE_BITS <= base_den:
        near = _near_one_power(base_num, base_den, p, q, scale)
        if near is not None:
            return near
    ctx = _CERT_CONTEXT
    exponent_log = ctx.divide(
        ctx.multiply(ctx.ln(ctx.divide(decimal.Decimal(base_num), base_den)), p), q
    )
    if abs(exponent_log) > _CERT_MAX_LOG:
        return None
    value = ctx.multiply(ctx.exp(exponent_log), scale)
    slack = ctx.multiply(ctx.add(abs(value), 1), decimal.Decimal(1).scaleb(-_CERT_SLACK_DIGITS))
    low = ctx.subtract(value, slack).to_integral_value(rounding=decimal.ROUND_FLOOR)
    high = ctx.add(value, slack).to_integral_value(rounding=decimal.ROUND_FLOOR)
    return int(low) if low == high else None


_NEAR_BITS = 128
"""Fixed-point bits of :func:`_near_one_power` (value · 2**128)."""
_NEAR_ONE_BITS = 8
""":func:`_near_one_power` takes bases in [1 − 2**-8, 1): a swap small against its reserve."""
_NEAR_ERROR_ULPS = 1 << 16
"""Bound on :func:`_near_one_power`'s error in units of 2**-128: t is floored (< 1 unit,
carried by 1/(1−t) ≤ 1.004), each of the ≤ 16 terms of −ln(1−t) by ≤ 2 units (its power and
its division), their tail < 1 unit; times p/q ≤ 99 (weights in [0.01, 0.99]) plus 1 for the
floor: < 99·60 + 1; each of the ≤ 40 exp terms ≤ 2 units (z < 1: the factors do not grow an
error), its tail < 1 unit. 2**16 covers the sum with room to spare: an absolute error below
2**-112 ≈ 1.9·10**-34 of the power, added to the crate's slack in the acceptance test."""


def _near_one_power(base_num: int, base_den: int, p: int, q: int, scale: int) -> int | None:
    """The certified value of :func:`_certified_power` for a base a/b in [1 − 2**-8, 1) and
    p/q ≤ 99, on plain ints: exp(−(p/q)·Σ tⁿ/n)·scale with t = 1 − a/b, every step floored at
    2**-128 (error below :data:`_NEAR_ERROR_ULPS` units), accepted, as there, only when the
    floor is the same at both ends of that error plus the crate's (:data:`_CERT_SLACK_DIGITS`).
    ``None`` (the decimal evaluation decides) when p/q > 99 or the value is that close to an
    integer."""
    if p > 99 * q:
        return None
    bits = _NEAR_BITS
    one = 1 << bits
    t = ((base_den - base_num) << bits) // base_den
    log = term = t  # −ln(1 − t) = Σ tⁿ/n
    n = 1
    while term:
        n += 1
        term = term * t >> bits
        log += term // n
    z = log * p // q  # the power is exp(−z), z ≤ 99·0.0040 < 1
    value = term = one  # exp(−z) = Σ (−z)ⁿ/n!
    n = 0
    while term:
        n += 1
        term = term * z // (n << bits)
        value += -term if n & 1 else term
    value *= scale
    slack = (value + one) // 10**_CERT_SLACK_DIGITS + 1 + _NEAR_ERROR_ULPS * scale
    low = (value - slack) >> bits
    return low if low == (value + slack) >> bits else None


@lru_cache(maxsize=1_024)
def _fast_power(base_num: int, base_den: int, p: int, q: int, precision: int, scale: int) -> int:
    certified = _certified_power(base_num, base_den, p, q, precision, scale)
    if certified is not None:
        return certified
    return _series_power(base_num, base_den, p, q, precision, scale, _ln_int_memo)


# --------------------------------------------------------------------------------------------
# Price and curve


def calculate_price(tao_reserve: int, alpha_reserve: int, quote_weight: int) -> int:
    """Spot price (w1/w2)·(y/x) in TAO per alpha as U64F64 bits (``calculate_price``).

    Each of w1/w2, y/x and their product is floored to 2**-64; 0 when x = 0.
    """
    base_weight = ACCURACY - quote_weight
    weight_ratio = U64F64.safe_div(base_weight << FRAC64, quote_weight << FRAC64)
    reserve_ratio = U64F64.safe_div(tao_reserve << FRAC64, alpha_reserve << FRAC64)
    return U64F64.saturating_mul(weight_ratio, reserve_ratio)


def price(tao_reserve: int, alpha_reserve: int, quote_weight: int) -> Fraction:
    """The chain's spot price (``current_price`` of a dynamic subnet) as an exact ``Fraction``
    of its U64F64 value: TAO per alpha, floored to 2**-64; 0 when the alpha reserve is 0."""
    if alpha_reserve == 0:
        return Fraction(0)
    return Fraction(calculate_price(tao_reserve, alpha_reserve, quote_weight), ONE64)


def _exp_scaled(
    reserve: int, delta: int, quote_weight: int, *, base_quote: bool, memo: bool | None = None
) -> int:
    """(reserve/(reserve+delta))^(w1/w2 if base_quote else w2/w1) as U64F64 bits.

    The power is taken to 18 decimals (floored), converted to U64F64 (floored), and clamped to
    ≤ 1 for a non-negative delta; the sum reserve+delta saturates at u64::MAX; 0 if it is 0.
    ``memo`` as in :func:`pow_ratio_scaled`.
    """
    total = min(reserve + delta, U64_MAX) if delta >= 0 else max(reserve + delta, 0)
    if total == 0:
        return 0
    base_weight = ACCURACY - quote_weight
    num, den = (base_weight, quote_weight) if base_quote else (quote_weight, base_weight)
    power = pow_ratio_scaled(reserve, total, num, den, EXP_PRECISION, ACCURACY, memo=memo)
    if power is None or not 0 <= power <= U64_MAX:
        return 0
    result = U64F64.safe_div(power << FRAC64, ACCURACY << FRAC64)
    return min(result, ONE64) if delta >= 0 else result


def exp_base_quote(alpha_reserve: int, alpha_in: int, quote_weight: int) -> int:
    """(x/(x+Δx))^(w1/w2) as U64F64 bits (sell side, ≤ 1, floored)."""
    return _exp_scaled(alpha_reserve, alpha_in, quote_weight, base_quote=True)


def exp_quote_base(tao_reserve: int, tao_in: int, quote_weight: int) -> int:
    """(y/(y+Δy))^(w2/w1) as U64F64 bits (buy side, ≤ 1, floored)."""
    return _exp_scaled(tao_reserve, tao_in, quote_weight, base_quote=False)


def alpha_out_for_tao_in(
    tao_reserve: int, alpha_reserve: int, quote_weight: int, tao_in: int
) -> int:
    """Buy curve (``convert_deltas`` TAO→alpha): floor(x·(1 − (y/(y+Δy))^(w2/w1))) alpha-rao.

    ``tao_in`` is the net amount (fee already taken). Output floored (see module docstring for
    the at-most-one-unit bound against the exact curve). No reserve checks: see :func:`do_swap`.
    """
    e = exp_quote_base(tao_reserve, tao_in, quote_weight)
    return U64F64.saturating_to_uint(U64F64.saturating_mul(alpha_reserve << FRAC64, ONE64 - e))


def tao_out_for_alpha_in(
    tao_reserve: int, alpha_reserve: int, quote_weight: int, alpha_in: int
) -> int:
    """Sell curve (``convert_deltas`` alpha→TAO): floor(y·(1 − (x/(x+Δx))^(w1/w2))) rao.

    ``alpha_in`` is the net amount (fee already taken). Output floored. No reserve checks.
    """
    e = exp_base_quote(alpha_reserve, alpha_in, quote_weight)
    return U64F64.saturating_to_uint(U64F64.saturating_mul(tao_reserve << FRAC64, ONE64 - e))


def convert_deltas(
    tao_reserve: int, alpha_reserve: int, quote_weight: int, delta_in: int, *, buy: bool
) -> int:
    """Swap output for a net input: alpha out of a buy (``buy=True``, ``delta_in`` TAO) or TAO
    out of a sell (``buy=False``, ``delta_in`` alpha). Floored; see the two curve functions."""
    if buy:
        return alpha_out_for_tao_in(tao_reserve, alpha_reserve, quote_weight, delta_in)
    return tao_out_for_alpha_in(tao_reserve, alpha_reserve, quote_weight, delta_in)


# --------------------------------------------------------------------------------------------
# Fees and limit orders


def fee_amount(amount: int, fee_rate: int = DEFAULT_FEE_RATE) -> int:
    """Swap fee on a gross input (``calculate_fee_amount``), in the input's unit.

    The chain multiplies by the U64F64 ratio fee_rate/65 535 (itself floored to 2**-64) and
    floors, so the fee is floor(amount·rate/65 535) except that it comes out one lower when
    amount·rate/65 535 is an exact integer (e.g. amount 21 845 at rate 33 → 10, not 11).
    Never more than the exact value: rounds in the payer's favour.
    """
    rate = U64F64.safe_div(fee_rate << FRAC64, FEE_DENOMINATOR << FRAC64)
    return U64F64.saturating_to_uint(U64F64.saturating_mul(amount << FRAC64, rate))


def limit_fee_amount(delta_in: int, fee_rate: int = DEFAULT_FEE_RATE) -> int:
    """Fee re-computed when a limit price caps the swap: floor(Δ·rate/(65 535 − rate)), the
    ratio floored to 2**-64 first (so that gross·rate/65 535 ≈ fee for gross = Δ + fee)."""
    rate = U64F64.safe_div(fee_rate << FRAC64, (FEE_DENOMINATOR - fee_rate) << FRAC64)
    return U64F64.saturating_to_uint(U64F64.saturating_mul(delta_in << FRAC64, rate))


def _delta_in_for_price(
    numerator_price: int, denominator_price: int, reserve: int, weight_parts: int
) -> int:
    """reserve·((num/den)^weight − 1), the power at 18 decimals, U64F64-floored, ≥ 0."""
    power = pow_ratio_scaled(
        numerator_price, denominator_price, weight_parts, ACCURACY, LIMIT_PRECISION, ACCURACY
    )
    if power is None or power < 0:
        return 0
    power_fixed = min(power, U64_MAX) << FRAC64  # above u64 the chain saturates to u64::MAX
    ratio = U64F64.safe_div(power_fixed, ACCURACY << FRAC64)
    return U64F64.saturating_to_uint(
        U64F64.saturating_mul(reserve << FRAC64, max(ratio - ONE64, 0))
    )


def quote_delta_in(
    current_price: int, target_price: int, tao_reserve: int, quote_weight: int
) -> int:
    """Net TAO that moves a buy from ``current_price`` up to ``target_price`` (U64F64 bits):
    y·((p'/p)^w1 − 1), floored (``calculate_quote_delta_in``)."""
    return _delta_in_for_price(target_price, current_price, tao_reserve, ACCURACY - quote_weight)


def base_delta_in(
    current_price: int, target_price: int, alpha_reserve: int, quote_weight: int
) -> int:
    """Net alpha that moves a sell from ``current_price`` down to ``target_price`` (U64F64
    bits): x·((p/p')^w2 − 1), floored (``calculate_base_delta_in``)."""
    return _delta_in_for_price(current_price, target_price, alpha_reserve, quote_weight)


@dataclass(frozen=True)
class SwapResult:
    """Outcome of :func:`do_swap` (the chain's ``SwapResult``), all ``int``.

    * ``amount_paid_in``: net input added to the input reserve (fee excluded);
    * ``amount_paid_out``: output removed from the output reserve;
    * ``fee_paid``: fee charged on the input, in the input's unit (goes to the block author);
    * ``fee_to_block_author``: ``fee_paid`` when something was swapped, else 0.

    The unexecuted rest of a limit-capped order is amount − amount_paid_in − fee_paid.
    """

    amount_paid_in: int
    amount_paid_out: int
    fee_paid: int
    fee_to_block_author: int


def do_swap(
    tao_reserve: int,
    alpha_reserve: int,
    quote_weight: int,
    amount: int,
    *,
    buy: bool,
    limit_price: int | None = None,
    fee_rate: int = DEFAULT_FEE_RATE,
    drop_fees: bool = False,
    simulate: bool = False,
    min_reserve: int = SWAP_MINIMUM_RESERVE,
    kernel: Any = None,
) -> SwapResult:
    """One swap on a dynamic (mechanism 1) subnet's balancer pool (``do_swap`` + ``swap_inner``
    + ``BasicSwapStep``); pure: reserves are not changed here.

    ``buy=True``: ``amount`` TAO in, alpha out; ``buy=False``: ``amount`` alpha in, TAO out.
    ``limit_price`` is U64F64 bits (see :func:`price_bits_from_rao_per_alpha`); ``None`` means
    the chain's default (10**6 TAO/alpha for a buy, 10**-6 for a sell). ``drop_fees`` is for
    protocol swaps. Order of checks, as the chain:

    1. net input (amount − fee) ≤ 1 000 × input reserve, else ``SwapInputTooLarge``;
    2. output reserve ≥ ``min_reserve``, else ``ReservesTooLow``;
    3. the limit strictly beyond the current price, else ``PriceLimitExceeded``;
    4. execute all of amount − fee if the resulting price stays within the limit, else only the
       delta that reaches the limit, with the fee re-computed on that delta;
    5. a non-zero input that buys nothing → ``ReservesTooLow``;
    6. unless ``simulate``: output > output reserve → ``InsufficientLiquidity``.

    Rounding: fee floored in the payer's favour, output floored (the pool keeps the dust).

    ``kernel`` (the fast twin: :func:`dtao.exact_compiled.kernels` as the caller resolved
    it): the compiled fee-free swap of the net input answers first where the whole of it
    executes within the limit; everything else, and ``None`` (the default), is the code below.
    """
    rate = 0 if drop_fees else fee_rate
    if kernel is not None:
        args = (tao_reserve, alpha_reserve, quote_weight, amount, buy, limit_price, rate)
        whole = _whole_swap_compiled(kernel, *args, min_reserve)
        if whole is not None:
            return whole
    _check_weight(quote_weight)
    if limit_price is None:
        limit_price = price_bits_from_rao_per_alpha(MAX_PRICE_RAO if buy else MIN_PRICE_RAO)
    in_reserve, out_reserve = (tao_reserve, alpha_reserve) if buy else (alpha_reserve, tao_reserve)

    fee = fee_amount(amount, rate)
    requested = amount - fee
    if requested > min(in_reserve * MAX_SWAP_INPUT_RESERVE_MULTIPLIER, U64_MAX):
        raise SwapInputTooLarge(f"net input {requested} > 1000 x input reserve {in_reserve}")
    if out_reserve < min_reserve:
        raise ReservesTooLow(f"output reserve {out_reserve} < minimum {min_reserve}")
    current = calculate_price(tao_reserve, alpha_reserve, quote_weight)  # 0 when x = 0
    if not (current < limit_price if buy else current > limit_price):
        raise PriceLimitExceeded(f"limit {limit_price} is not beyond the current price {current}")

    out_full = convert_deltas(tao_reserve, alpha_reserve, quote_weight, requested, buy=buy)
    if buy:
        target = calculate_price(
            min(tao_reserve + requested, U64_MAX), max(alpha_reserve - out_full, 0), quote_weight
        )
        within = target <= limit_price
    else:
        target = calculate_price(
            max(tao_reserve - out_full, 0), min(alpha_reserve + requested, U64_MAX), quote_weight
        )
        within = target >= limit_price
    if within:  # the chain evaluates the curve again on the same input: the same output
        delta_in, delta_out = requested, out_full
    else:
        if buy:
            delta_in = quote_delta_in(current, limit_price, tao_reserve, quote_weight)
        else:
            delta_in = base_delta_in(current, limit_price, alpha_reserve, quote_weight)
        fee = limit_fee_amount(delta_in, rate)
        delta_out = convert_deltas(tao_reserve, alpha_reserve, quote_weight, delta_in, buy=buy)
    if delta_in != 0 and delta_out == 0:
        raise ReservesTooLow(f"input {delta_in} buys nothing")
    if not simulate and delta_out > out_reserve:
        raise InsufficientLiquidity(f"output {delta_out} > reserve {out_reserve}")
    return SwapResult(
        amount_paid_in=delta_in,
        amount_paid_out=delta_out,
        fee_paid=fee,
        fee_to_block_author=fee if delta_in != 0 else 0,
    )


#: the default limit prices (U64F64 bits) of a sale and of a buy, indexed by ``buy``
DEFAULT_LIMITS = (
    price_bits_from_rao_per_alpha(MIN_PRICE_RAO),  # a sale's
    price_bits_from_rao_per_alpha(MAX_PRICE_RAO),  # a buy's
)


def fee_free_swap_fast(
    tao_reserve: int,
    alpha_reserve: int,
    quote_weight: int,
    amount: int,
    min_reserve: int,
    *,
    buy: bool,
    kernel: Any = exact_compiled.FROM_ENV,
) -> int | None:
    """Fast twin of a protocol swap, ``do_swap(.., amount, buy=buy, drop_fees=True)`` at the
    default limit (the chain buy; a holding's realizable value): the amount out (its
    ``amount_paid_in`` is all of ``amount``), or ``None`` where :func:`do_swap` would raise or
    stop at the limit (the caller then runs it). The same checks and curve as :func:`do_swap`,
    the curve evaluated once, its power on the fast path (:func:`_fast_power`) whatever the
    environment: callers take it only with fast twins on. The compiled kernel
    (:mod:`dtao.exact_compiled`) answers first where it can: u64 inputs and a unit exponent or
    a base near 1 (:func:`_near_one_power`); the Python below answers the rest. ``kernel``:
    :func:`dtao.exact_compiled.kernels` if the caller resolved it (default: resolved here)."""
    if kernel is exact_compiled.FROM_ENV:
        kernel = exact_compiled.kernels()
    if (
        kernel is not None
        and amount > 0
        and _all_u64(tao_reserve, alpha_reserve, amount, min_reserve)
    ):
        limit = DEFAULT_LIMITS[buy]
        out = kernel.fee_free_swap(
            tao_reserve,
            alpha_reserve,
            quote_weight if 0 <= quote_weight <= U64_MAX else 0,  # 0: refused as invalid
            amount,
            min_reserve,
            buy,
            limit >> 64,
            limit & U64_MAX,
        )
        if out is not False:
            return out
    return _fee_free_swap_python(
        tao_reserve, alpha_reserve, quote_weight, amount, min_reserve, buy=buy
    )


def _whole_swap_compiled(
    kernel: Any,
    tao_reserve: int,
    alpha_reserve: int,
    quote_weight: int,
    amount: int,
    buy: bool,
    limit_price: int | None,
    rate: int,
    min_reserve: int,
) -> SwapResult | None:
    """:func:`do_swap`'s result when the compiled fee-free swap of the net input at the limit
    answers (the whole net input executes within it: ``do_swap``'s first branch, all of it
    paid in, the fee kept, the output of the one curve evaluation); None otherwise."""
    limit = DEFAULT_LIMITS[buy] if limit_price is None else limit_price
    fee = fee_amount(amount, rate)
    requested = amount - fee
    if not (
        requested > 0
        and _all_u64(tao_reserve, alpha_reserve, requested, min_reserve, quote_weight)
        and 0 <= limit <= _U128_MAX
    ):
        return None
    out = kernel.fee_free_swap(
        tao_reserve,
        alpha_reserve,
        quote_weight,
        requested,
        min_reserve,
        buy,
        limit >> 64,
        limit & U64_MAX,
    )
    if out is None or out is False:
        return None
    return SwapResult(
        amount_paid_in=requested, amount_paid_out=out, fee_paid=fee, fee_to_block_author=fee
    )


def _all_u64(*values: int) -> bool:
    return all(0 <= v <= U64_MAX for v in values)


def _fee_free_swap_python(
    tao_reserve: int,
    alpha_reserve: int,
    quote_weight: int,
    amount: int,
    min_reserve: int,
    *,
    buy: bool,
) -> int | None:
    """:func:`fee_free_swap_fast` in Python (every input)."""
    y, x, w = tao_reserve, alpha_reserve, quote_weight
    in_reserve, out_reserve = (y, x) if buy else (x, y)
    if not 0 < amount <= min(in_reserve * MAX_SWAP_INPUT_RESERVE_MULTIPLIER, U64_MAX):
        return None
    if out_reserve < min_reserve or not is_valid_quote_weight(w):
        return None
    limit = DEFAULT_LIMITS[buy]
    current = calculate_price(y, x, w)
    if not (current < limit if buy else current > limit):
        return None
    e = _exp_scaled(in_reserve, amount, w, base_quote=not buy, memo=True)
    out = U64F64.saturating_to_uint(U64F64.saturating_mul(out_reserve << FRAC64, ONE64 - e))
    if not 0 < out <= out_reserve:
        return None
    if buy:
        return out if calculate_price(min(y + amount, U64_MAX), x - out, w) <= limit else None
    return out if calculate_price(y - out, min(x + amount, U64_MAX), w) >= limit else None


# --------------------------------------------------------------------------------------------
# Weights: initialisation and the price-preserving re-fit on injection


def initial_quote_weight(
    tao_reserve: int, alpha_reserve: int, price_bits: int | None = None
) -> int:
    """Quote weight of a newly initialised pool (``maybe_initialize_palswap``), Perquintill parts.

    Without a price: 0.5. With a price p (U64F64 bits): w2 = y/(p·x + y), where p·x is
    floor(p)·x + floor(x·frac(p)) and the ratio is rounded down. Raises
    ``ReservesOutOfBalance`` when p·x + y = 0 or w2 falls outside [0.01, 0.99].
    """
    if price_bits is None:
        return DEFAULT_QUOTE_WEIGHT
    px_high = min((price_bits >> FRAC64) * alpha_reserve, _U128_MAX)
    px_low = U64F64.saturating_mul(alpha_reserve << FRAC64, price_bits & U64_MAX) >> FRAC64
    denominator = min(px_high + px_low + tao_reserve, _U128_MAX)
    if denominator == 0:
        raise ReservesOutOfBalance("both reserves are zero")
    weight = perquintill_from_rational(tao_reserve, denominator)
    if not is_valid_quote_weight(weight):
        raise ReservesOutOfBalance(f"initial quote weight {weight} outside [0.01, 0.99]")
    return weight


def update_weights_for_added_liquidity(
    tao_reserve: int, alpha_reserve: int, quote_weight: int, tao_delta: int, alpha_delta: int
) -> int | None:
    """New quote weight after adding (Δy, Δx) with the price kept (Perquintill parts), or
    ``None`` when it would leave [0.01, 0.99] (the chain then injects nothing).

    w2' = q2/(q1 + q2) with q1 = w1·y·(x+Δx) and q2 = w2·x·(y+Δy), each product rounded half
    up to an integer and the ratio rounded down; 0.5 when q1 + q2 = 0. Then
    (w1'/w2')·(y+Δy)/(x+Δx) = (w1/w2)·y/x up to those roundings.
    """
    new_tao = min(tao_reserve + tao_delta, _U128_MAX)
    new_alpha = min(alpha_reserve + alpha_delta, _U128_MAX)
    q1 = _mul_perquintill_round(ACCURACY - quote_weight, min(tao_reserve * new_alpha, _U128_MAX))
    q2 = _mul_perquintill_round(quote_weight, min(alpha_reserve * new_tao, _U128_MAX))
    total = min(q1 + q2, _U128_MAX)
    weight = perquintill_from_rational(q2, total) if total else DEFAULT_QUOTE_WEIGHT
    return weight if is_valid_quote_weight(weight) else None


def adjust_protocol_liquidity(
    tao_reserve: int, alpha_reserve: int, quote_weight: int, tao_delta: int, alpha_delta: int
) -> tuple[int, int, int]:
    """Emission injection with re-weight (``adjust_protocol_liquidity``).

    Returns (new quote weight, TAO actually added, alpha actually added): either
    (w2', tao_delta, alpha_delta) or, when w2' would leave [0.01, 0.99],
    (quote_weight, 0, 0) — the chain refuses the whole injection. The caller adds the returned
    amounts to the reserves.
    """
    weight = update_weights_for_added_liquidity(
        tao_reserve, alpha_reserve, quote_weight, tao_delta, alpha_delta
    )
    if weight is None:
        return quote_weight, 0, 0
    return weight, tao_delta, alpha_delta
