"""Fixed-point arithmetic with the chain's rounding (substrate-fixed I32F32 / I64F64 / I96F32).

A fixed-point number is stored as its *raw* integer ``value * 2**frac``. The chain uses
encointer/substrate-fixed v0.6.0 (pinned by opentensor/subtensor ``Cargo.toml`` @ 14bc6f9); the
rules reproduced here are the ones listed in ``shared/spec/yuma.md`` §0:

* multiplication: exact double-width product, arithmetic shift right by ``frac`` -> **floor**
  (toward -inf); ``saturating`` variants clamp to the type range, ``checked`` ones return ``None``;
* division: ``(a << frac) / b`` in integers -> **truncation toward zero**; :func:`safe_div` returns
  0 when the divisor is 0 or the quotient does not fit (the subtensor ``safe_math`` helper);
* fixed -> fixed with fewer fraction bits (``I64F64 -> I32F32``): extra bits dropped -> floor;
* float -> fixed (``from_num(f32/f64)``): exact binary value, round to nearest, ties to even;
* fixed -> integer (``to_num``/``saturating_to_num``): floor, saturating into the target range;
* ``round()`` (only in :func:`vec_max_upscale_to_u16`): nearest, ties away from zero.

Two layers:

* scalar helpers on Python ``int`` raw values (arbitrary precision, used for vectors, constants
  and O(n) work such as stake normalisation and the conversion of emission to rao);
* vectorised helpers on ``numpy.int64`` raw ``I32F32`` arrays (:func:`mul_arr`, :func:`div_arr`,
  :func:`exp_arr`) used by the exact Yuma backend. They split 64x64-bit products into 32-bit limbs
  and do the 96/64-bit division in chunks, so nothing overflows ``int64``; they do **not**
  saturate (epoch values are bounded far below the I32F32 range: weights <= 65535, sums of at most
  4096 of them).

Types. :class:`FixedType` describes one substrate-fixed type (total bits, fraction bits,
signedness); the module constants :data:`I32F32`, :data:`I64F64`, :data:`U64F64`, :data:`I96F32`,
:data:`U96F32` and :data:`I110F18` are the types the chain uses, and the one home of their
layout. Modules that need a type's bounds in a hot loop import the plain ``int`` constants
(``FRAC64``, ``ONE64``, ``U64F64_MAX``, ``I110F18_MAX``, ...), which are derived from them.
Integer bounds (``U16_MAX``, ``U64_MAX``) live in :mod:`dtao.units` and are re-exported here.

Naming: ``*_arr`` functions take/return ``numpy`` arrays of raw I32F32 values.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from dtao.units import U16_MAX, U64_MAX

IntArray = npt.NDArray[np.int64]


# --------------------------------------------------------------------------------------------
# fixed-point types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FixedType:
    """One substrate-fixed type, e.g. ``U64F64``: ``bits`` total bits, ``frac`` of them fractional.

    A value of the type is handled as its raw ``int`` bit pattern ``value * 2**frac`` (as in the
    rest of this module); the methods take and return raw values. ``one``, ``min_raw`` and
    ``max_raw`` are plain ``int`` attributes (computed once), cheap to read in loops. Rounding is
    the chain's (see the module docstring): multiplication floors, division truncates toward
    zero, conversion to an integer floors; ``saturating_*`` clamp to ``[min_raw, max_raw]``,
    ``checked_*`` return ``None`` when the result does not fit.

    Raw values of an unsigned type are never negative, so for them truncation and flooring are
    the same, a product or quotient of two of them is never negative, and the arithmetic
    methods only check the upper bound (plain floor division, one comparison).
    """

    name: str
    bits: int
    frac: int
    signed: bool
    one: int = field(init=False, repr=False, compare=False)
    """1.0 (raw): ``2**frac``."""
    min_raw: int = field(init=False, repr=False, compare=False)
    """Smallest raw value: ``-2**(bits-1)`` if signed, else 0."""
    max_raw: int = field(init=False, repr=False, compare=False)
    """Largest raw value: ``2**(bits-1) - 1`` if signed, else ``2**bits - 1``."""

    def __post_init__(self) -> None:
        if not 0 <= self.frac <= self.bits:
            raise ValueError(f"{self.name}: {self.frac} fraction bits out of {self.bits}")
        object.__setattr__(self, "one", 1 << self.frac)
        if self.signed:
            object.__setattr__(self, "min_raw", -(1 << (self.bits - 1)))
            object.__setattr__(self, "max_raw", (1 << (self.bits - 1)) - 1)
        else:
            object.__setattr__(self, "min_raw", 0)
            object.__setattr__(self, "max_raw", (1 << self.bits) - 1)

    @property
    def int_bits(self) -> int:
        """Integer bits (sign bit included for a signed type): ``bits - frac``."""
        return self.bits - self.frac

    def saturate(self, raw: int) -> int:
        """Clamp a raw value into the type's range (what every ``saturating_*`` op ends with)."""
        if raw > self.max_raw:
            return self.max_raw
        if raw < self.min_raw:
            return self.min_raw
        return raw

    def from_int(self, value: int) -> int:
        """``from_num(integer)`` as raw: ``value * 2**frac``, exact, saturating."""
        return self.saturate(int(value) << self.frac)

    def from_f64(self, value: float) -> int:
        """``from_num(f64)`` as raw: the float's exact value rounded to the nearest multiple of
        ``2**-frac`` (ties to even), saturating."""
        return self.saturate(round(Fraction(value) * self.one))  # Fraction rounds half to even

    def to_int_floor(self, raw: int) -> int:
        """``to_num::<integer>`` without a target range: floor (arithmetic shift)."""
        return raw >> self.frac

    def saturating_to_uint(self, raw: int, max_value: int = U64_MAX) -> int:
        """``saturating_to_num::<uN>`` (``u64`` by default): floor, clamped to
        ``[0, max_value]``."""
        value = raw >> self.frac
        return 0 if value < 0 else max_value if value > max_value else value

    def checked_mul(self, a: int, b: int) -> int | None:
        """``checked_mul``: product ``floor(a*b / 2**frac)`` (floored toward -inf); ``None`` if
        it does not fit."""
        product = (a * b) >> self.frac
        if product > self.max_raw or (self.signed and product < self.min_raw):
            return None
        return product

    def saturating_mul(self, a: int, b: int) -> int:
        """``saturating_mul``: product ``floor(a*b / 2**frac)`` (floored toward -inf), clamped
        to the range."""
        product = (a * b) >> self.frac
        if product > self.max_raw:
            return self.max_raw
        if self.signed and product < self.min_raw:
            return self.min_raw
        return product

    def checked_div(self, a: int, b: int) -> int | None:
        """``checked_div``: quotient ``(a << frac) / b`` truncated toward zero; ``None`` when
        ``b == 0`` or the quotient does not fit."""
        if b == 0:
            return None
        if self.signed:
            q = trunc_div(a << self.frac, b)
            return q if self.min_raw <= q <= self.max_raw else None
        q = (a << self.frac) // b  # non-negative operands: truncation == floor
        return q if q <= self.max_raw else None

    def safe_div(self, a: int, b: int) -> int:
        """subtensor ``safe_div`` (``checked_div(..).unwrap_or(0)``): truncating division, 0 on
        a zero divisor or on overflow."""
        q = self.checked_div(a, b)
        return 0 if q is None else q


I32F32 = FixedType("I32F32", 64, 32, signed=True)
"""Yuma epoch values (``substrate_fixed::types::I32F32``)."""
I64F64 = FixedType("I64F64", 128, 64, signed=True)
"""Stake normalisation, share-pool share updates."""
U64F64 = FixedType("U64F64", 128, 64, signed=False)
"""Share-pool shares and value per share, balancer prices and ratios, mechanism weights."""
I96F32 = FixedType("I96F32", 128, 32, signed=True)
"""Emission amounts and the launch coinbase; launch ``get_alpha_price``."""
U96F32 = FixedType("U96F32", 128, 32, signed=False)
"""HEAD coinbase (alpha split, dividend distribution)."""
I110F18 = FixedType("I110F18", 128, 18, signed=True)
"""Launch constant-product swap and the registration burn."""

# plain int constants of those types, for hot paths and as the long-standing names
FRAC18 = I110F18.frac
FRAC32 = I32F32.frac
ONE32 = I32F32.one  # I32F32 1.0 (raw)
HALF32 = ONE32 >> 1  # I32F32 0.5 (raw)
I32F32_MIN = I32F32.min_raw
I32F32_MAX = I32F32.max_raw
FRAC64 = I64F64.frac
ONE64 = I64F64.one  # I64F64 / U64F64 1.0 (raw)
I64F64_MIN = I64F64.min_raw
I64F64_MAX = I64F64.max_raw
U64F64_MAX = U64F64.max_raw
I96F32_MIN = I96F32.min_raw
I96F32_MAX = I96F32.max_raw
U96F32_MAX = U96F32.max_raw
I110F18_MAX = I110F18.max_raw
U16_MAX_RAW = U16_MAX << FRAC32  # I32F32 65535.0 (raw)

#: substrate-fixed ``consts::E`` (U2F126 bits) truncated to I9F23 (``>> 103``), as I32F32 raw.
E_RAW = (0xADF8_5458_A2BB_4A9A_AFDC_5620_273D_3CF1 >> 103) << (FRAC32 - 23)
EXP_SAFE_MIN_RAW = -20 * ONE32  # exp_safe clamps its argument to [-20, 20]
EXP_SAFE_MAX_RAW = 20 * ONE32

_MASK32 = (1 << 32) - 1


# --------------------------------------------------------------------------------------------
# scalar helpers (Python int raw values)
# --------------------------------------------------------------------------------------------


def bounds(bits: int) -> tuple[int, int]:
    """(min, max) raw value of a signed fixed type with ``bits`` total bits."""
    return -(1 << (bits - 1)), (1 << (bits - 1)) - 1


def saturate(raw: int, bits: int = 64) -> int:
    """Clamp a raw value into a signed ``bits``-bit fixed type (``saturating_*``)."""
    lo, hi = bounds(bits)
    return lo if raw < lo else hi if raw > hi else raw


def from_int(value: int, frac: int = FRAC32, bits: int = 64) -> int:
    """``from_num(integer)``: exact, saturating."""
    return saturate(int(value) << frac, bits)


def _round_half_even(value: Fraction) -> int:
    return round(value)  # Python rounds Fractions half to even


def from_f64(value: float, frac: int = FRAC32, bits: int = 64) -> int:
    """``from_num(f64)``: exact value of the float, round to nearest (ties even), saturate."""
    return saturate(_round_half_even(Fraction(float(value)) * (1 << frac)), bits)


def f32_value(value: float) -> float:
    """The exact value of the nearest IEEE-754 single (what a Rust ``f32`` literal holds)."""
    return float(struct.unpack("<f", struct.pack("<f", float(value)))[0])


def from_f32(value: float, frac: int = FRAC32, bits: int = 64) -> int:
    """``from_num(f32)``: the literal is first rounded to f32, then converted like ``from_f64``."""
    return from_f64(f32_value(value), frac, bits)


def to_float(raw: int, frac: int = FRAC32) -> float:
    """Raw fixed value -> float (display/comparison only; rounding to nearest double)."""
    return float(Fraction(raw, 1 << frac))


def to_int_floor(raw: int, frac: int = FRAC32) -> int:
    """``to_num::<integer>``: floor (arithmetic shift)."""
    return raw >> frac


def saturating_to_uint(raw: int, frac: int, max_value: int) -> int:
    """``saturating_to_num::<uN>``: floor, then clamp into ``[0, max_value]``."""
    value = raw >> frac
    return 0 if value < 0 else max_value if value > max_value else value


def checked_mul(a: int, b: int, frac: int = FRAC32, bits: int = 64) -> int | None:
    """Fixed product ``floor(a*b / 2^frac)``; ``None`` if it does not fit."""
    product = (a * b) >> frac
    lo, hi = bounds(bits)
    return product if lo <= product <= hi else None


def saturating_mul(a: int, b: int, frac: int = FRAC32, bits: int = 64) -> int:
    """Fixed product, floored, clamped to the type range."""
    return saturate((a * b) >> frac, bits)


def saturating_add(a: int, b: int, bits: int = 64) -> int:
    """Sum clamped to the type range."""
    return saturate(a + b, bits)


def saturating_sub(a: int, b: int, bits: int = 64) -> int:
    """Difference clamped to the type range."""
    return saturate(a - b, bits)


def trunc_div(num: int, den: int) -> int:
    """Integer division truncating toward zero (Rust's ``/``), unlike Python's flooring ``//``."""
    q = abs(num) // abs(den)
    return -q if (num < 0) != (den < 0) else q


def checked_div(a: int, b: int, frac: int = FRAC32, bits: int = 64) -> int | None:
    """Fixed quotient ``(a << frac) / b`` truncated toward zero; ``None`` on ``b == 0``/overflow."""
    if b == 0:
        return None
    q = trunc_div(a << frac, b)
    lo, hi = bounds(bits)
    return q if lo <= q <= hi else None


def safe_div(a: int, b: int, frac: int = FRAC32, bits: int = 64) -> int:
    """subtensor ``safe_div``: truncating fixed division, 0 on a zero divisor or on overflow."""
    q = checked_div(a, b, frac, bits)
    return 0 if q is None else q


def saturating_div(a: int, b: int, frac: int = FRAC32, bits: int = 64) -> int:
    """Truncating fixed division clamped to the type range (zero divisor -> saturate by sign)."""
    if b == 0:
        lo, hi = bounds(bits)
        return 0 if a == 0 else (hi if a > 0 else lo)
    return saturate(trunc_div(a << frac, b), bits)


def round_half_away(raw: int, frac: int = FRAC32) -> int:
    """``round()``: nearest integer value, ties away from zero (result is a raw fixed value)."""
    half = 1 << (frac - 1)
    if raw >= 0:
        return ((raw + half) >> frac) << frac
    return -(((-raw + half) >> frac) << frac)


def fixed_to_u16(raw: int) -> int:
    """``saturating_to_num::<u16>`` of an I32F32 (floor, clamp to [0, 65535])."""
    return saturating_to_uint(raw, FRAC32, U16_MAX)


def fixed_proportion_to_u16(raw: int) -> int:
    """How outputs and bonds are stored: ``saturating floor(x * 65535)`` as u16."""
    return fixed_to_u16(saturating_mul(raw, U16_MAX_RAW))


def u16_proportion_to_fixed(value: int) -> int:
    """``u16 / 65535`` as I32F32 (``safe_div``, truncated)."""
    return safe_div(int(value) << FRAC32, U16_MAX_RAW)


def u16_to_fixed(value: int) -> int:
    """u16 read as an integer-valued I32F32 (how weights and legacy bonds are read)."""
    return int(value) << FRAC32


def fixed64_to_fixed32(raw64: int) -> int:
    """``I64F64 -> I32F32``: drop 32 fraction bits (floor), saturate."""
    return saturate(raw64 >> 32, 64)


def fixed_to_u64(raw: int) -> int:
    """``saturating_to_num::<u64>`` of an I32F32: floor, negative values give 0."""
    return saturating_to_uint(raw, FRAC32, U64_MAX)


def fixed64_to_u64(raw64: int) -> int:
    """``saturating_to_num::<u64>`` of an I64F64: floor, clamped to ``[0, u64::MAX]``."""
    return saturating_to_uint(raw64, FRAC64, U64_MAX)


def checked_sum(values: Iterable[int], min_value: int, max_value: int) -> int | None:
    """``checked_sum``: add in order with ``checked_add`` of a type whose range is
    ``[min_value, max_value]``; ``None`` as soon as a partial sum leaves the range; 0 if empty.

    (Order matters for signed types: a partial sum may overflow even if the total fits.)
    """
    total = 0
    for value in values:
        total += int(value)
        if not min_value <= total <= max_value:
            return None
    return total


def saturating_dot(a: Sequence[int], b: Sequence[int]) -> int:
    """``sum_i a_i * b_i`` of raw I32F32 values the way the chain's row loops do it: each
    product floored and saturated, then added to the running sum with ``saturating_add``, in
    order, over the shorter of the two sequences."""
    total = 0
    for x, y in zip(a, b, strict=False):
        total = saturate(total + saturating_mul(int(x), int(y)), 64)
    return total


def normalize_64(values: Sequence[int]) -> list[int]:
    """``inplace_normalize_64`` on raw I64F64 values: divide by the sum (safe_div) unless 0."""
    total = sum(values)
    if total == 0:
        return list(values)
    return [safe_div(v, total, FRAC64, 128) for v in values]


def normalize(values: Sequence[int]) -> list[int]:
    """``inplace_normalize`` on raw I32F32 values (sum == 0 -> unchanged)."""
    total = sum(values)
    if total == 0:
        return list(values)
    return [safe_div(v, total) for v in values]


def ema_alpha_from_ratio64(ratio64: int) -> int:
    """EMA alpha (raw I32F32) ``1 - I32F32(ratio)`` for a raw I64F64 ratio (floor, saturating)."""
    return saturating_sub(ONE32, fixed64_to_fixed32(ratio64))


def bonds_moving_average_to_alpha(bonds_moving_average: int) -> int:
    """EMA alpha (raw I32F32) = ``1 - I32F32(I64F64(bma) / I64F64(1_000_000))``.

    The I64F64 quotient is truncated, then floored to 32 fraction bits; ``1 - x`` saturates.
    """
    ratio64 = safe_div(int(bonds_moving_average) << FRAC64, 1_000_000 << FRAC64, FRAC64, 128)
    return ema_alpha_from_ratio64(ratio64)


def vec_max_upscale_to_u16(values: Sequence[int]) -> list[int]:
    """``vec_max_upscale_to_u16`` on raw I32F32 values (non-negative input assumed).

    Scales so the maximum maps to 65535 and rounds half away from zero:
    ``max == 0`` -> each ``floor(e*65535)``; ``max > 32768`` -> ``round(e * (65535/max))``;
    otherwise ``round((e*65535)/max)``. Products saturate, divisions are ``safe_div``; the
    result saturates into u16. An empty input gives an empty list.
    """
    if not values:
        return []
    vmax = max(values)
    if vmax == 0:
        return [fixed_to_u16(saturating_mul(e, U16_MAX_RAW)) for e in values]
    if vmax > 32768 * ONE32:
        ratio = safe_div(U16_MAX_RAW, vmax)
        return [fixed_to_u16(round_half_away(saturating_mul(e, ratio))) for e in values]
    return [
        fixed_to_u16(round_half_away(safe_div(saturating_mul(e, U16_MAX_RAW), vmax)))
        for e in values
    ]


def vec_u16_max_upscale_to_u16(values: Iterable[int]) -> list[int]:
    """What ``set_weights`` stores: u16 values read as integers, max-upscaled to 65535."""
    return vec_max_upscale_to_u16([u16_to_fixed(v) for v in values])


def check_vec_max_limited(values: Sequence[int], max_limit: int) -> bool:
    """True when the normalised u16 vector has no entry above ``max_limit / 65535``."""
    limit = safe_div(int(max_limit) << FRAC32, U16_MAX_RAW)
    normalized = normalize([u16_to_fixed(v) for v in values])
    return not normalized or max(normalized) <= limit


def exp_fixed(raw: int, frac: int = FRAC32, bits: int = 64) -> int | None:
    """substrate-fixed ``transcendental::exp`` (``None`` = the library's ``Err``); I32F32 by
    default, any signed type by ``frac`` / ``bits`` (I64F64: ``frac=64, bits=128``).

    ``exp(0) = 1``; ``exp(1) = e`` truncated to 23 fraction bits; otherwise, for ``|x|``,
    ``1 + x + sum_{i=2}^{frac-1} t_i`` with ``t_i = floor(t_{i-1} * x) / i`` (fixed mul,
    truncating fixed div), all checked; a negative argument returns ``1 / exp(|x|)`` (truncated).
    """
    one = 1 << frac
    high = bounds(bits)[1]
    if raw == 0:
        return one
    if raw == one:
        return E_RAW << (frac - FRAC32) if frac >= FRAC32 else E_RAW >> (FRAC32 - frac)
    neg = raw < 0
    if neg:
        raw = -raw
        if raw > high:
            return None
    result = raw + one
    if result > high:
        return None
    term = raw
    for i in range(2, frac):
        prod = checked_mul(term, raw, frac, bits)
        if prod is None:
            return None
        q = checked_div(prod, i * one, frac, bits)
        if q is None:
            return None
        term = q
        result += term
        if result > high:
            return None
    if neg:
        return checked_div(one, result, frac, bits)
    return result


def exp_safe(raw: int) -> int:
    """``exp_safe``: clamp to [-20, 20] then :func:`exp_fixed`; on error 0 (x <= 0) or MAX."""
    x = min(max(raw, EXP_SAFE_MIN_RAW), EXP_SAFE_MAX_RAW)
    out = exp_fixed(x)
    if out is None:
        return 0 if x <= 0 else I32F32_MAX
    return out


def sigmoid_safe(x: int, rho: int, kappa: int) -> int:
    """``1 / (1 + exp_safe(-rho * (x - kappa)))`` with saturating ops and ``safe_div``."""
    offset = saturating_sub(x, kappa)
    neg_rho = saturating_mul(rho, saturate(-ONE32))
    exp_out = exp_safe(saturating_mul(neg_rho, offset))
    return safe_div(ONE32, saturating_add(exp_out, ONE32))


def emission_to_rao(raw: int, rao_emission: int) -> int:
    """``floor(I96F32(x) * I96F32(rao_emission))`` saturated into u64 (x raw I32F32)."""
    product = saturate((raw * (int(rao_emission) << FRAC32)) >> FRAC32, 128)
    return saturating_to_uint(product, FRAC32, U64_MAX)


# --------------------------------------------------------------------------------------------
# vectorised helpers on int64 raw I32F32 arrays (no saturation)
# --------------------------------------------------------------------------------------------


def mul_arr(a: npt.ArrayLike, b: npt.ArrayLike) -> IntArray:
    """Element-wise I32F32 product ``floor(a*b / 2^32)`` without int64 overflow.

    With ``a = ah*2^32 + al`` (``0 <= al < 2^32``) and likewise ``b``, the floored product is
    ``ah*bh*2^32 + ah*bl + al*bh + floor(al*bl / 2^32)`` exactly; ``al*bl`` is formed in uint64.
    The result must fit in int64 (it is not saturated).
    """
    x = np.asarray(a, dtype=np.int64)
    y = np.asarray(b, dtype=np.int64)
    xh = x >> 32
    yh = y >> 32
    xl = x & _MASK32
    yl = y & _MASK32
    low = ((xl.astype(np.uint64) * yl.astype(np.uint64)) >> np.uint64(32)).astype(np.int64)
    return np.asarray(((xh * yh) << 32) + xh * yl + xl * yh + low, dtype=np.int64)


def div_arr(a: npt.ArrayLike, b: npt.ArrayLike) -> IntArray:
    """Element-wise I32F32 ``safe_div``: ``(a << 32) / b`` truncated toward zero, 0 when ``b == 0``
    or when the quotient does not fit in I32F32.

    The 96-by-64-bit division is done as an integer quotient plus 32 quotient bits produced in
    chunks small enough that the running remainder never overflows uint64.
    """
    x = np.asarray(a, dtype=np.int64)
    y = np.asarray(b, dtype=np.int64)
    x, y = np.broadcast_arrays(x, y)
    if x.size == 0:
        return np.zeros(x.shape, dtype=np.int64)
    neg = (x < 0) != (y < 0)
    ux = np.abs(x).astype(np.uint64)  # abs(INT64_MIN) wraps to 2^63 in uint64: still correct
    uy = np.abs(y).astype(np.uint64)
    zero = uy == 0
    den = np.where(zero, np.uint64(1), uy)
    q = ux // den
    r = ux - q * den
    too_big = q > np.uint64(1 << 31)
    edge = q == np.uint64(1 << 31)  # |quotient| >= 2^63: only -2^63 exactly is representable
    bits = int(den.max()).bit_length()
    chunk = 64 - bits
    if chunk <= 0:  # divisor >= 2^63 (only |INT64_MIN|): quotient bits via Python ints
        return _div_arr_slow(x, y)
    remaining = FRAC32
    while remaining > 0:
        step = min(chunk, remaining)
        r = r << np.uint64(step)
        digit = r // den
        r = r - digit * den
        q = (q << np.uint64(step)) | digit
        remaining -= step
    q_signed = q.astype(np.int64)  # q <= 2^63 after the overflow screen (2^63 wraps to MIN)
    out = np.where(neg, -q_signed, q_signed)
    bad = zero | too_big | (edge & ~(neg & (q == np.uint64(1 << 63))))
    return np.where(bad, np.int64(0), out).astype(np.int64)


def _div_arr_slow(x: IntArray, y: IntArray) -> IntArray:
    out = np.zeros(x.shape, dtype=np.int64)
    flat_out = out.reshape(-1)
    for idx, (a, b) in enumerate(zip(x.reshape(-1).tolist(), y.reshape(-1).tolist(), strict=True)):
        flat_out[idx] = safe_div(int(a), int(b))
    return out


def div_int_arr(a: IntArray, divisor: int) -> IntArray:
    """``a / I32F32::from_num(divisor)`` for a positive integer divisor (exact: ``trunc(a/d)``)."""
    q = np.abs(a) // divisor
    return np.where(a < 0, -q, q).astype(np.int64)


def exp_arr(x: npt.ArrayLike) -> IntArray:
    """Vectorised :func:`exp_safe` (clamp to [-20, 20], then substrate-fixed exp), bit-exact.

    Within [-20, 20] no term, product or partial sum overflows I32F32, so the library never
    returns ``Err`` and every step is an exact limb multiplication / integer division.
    """
    v = np.clip(np.asarray(x, dtype=np.int64), EXP_SAFE_MIN_RAW, EXP_SAFE_MAX_RAW)
    neg = v < 0
    op = np.abs(v)
    result = op + ONE32
    term = op
    for i in range(2, FRAC32):
        term = mul_arr(term, op) // i  # non-negative: fixed division by i == integer floor
        result = result + term
    inv = div_arr(np.full(result.shape, ONE32, dtype=np.int64), result)
    out = np.where(neg, inv, result)
    out = np.where(v == 0, ONE32, out)
    out = np.where(v == ONE32, E_RAW, out)
    return np.asarray(out, dtype=np.int64)


def fixed_proportion_to_u16_arr(x: npt.ArrayLike) -> npt.NDArray[np.uint16]:
    """Vectorised :func:`fixed_proportion_to_u16` (any raw I32F32; saturates like the chain)."""
    # values >= 2 or < 0 saturate to 65535 / 0 either way: clipping first avoids int64 overflow
    raw = np.clip(np.asarray(x, dtype=np.int64), -(1 << 33), 1 << 33)
    scaled = (raw * U16_MAX) >> 32  # == mul(raw, 65535.0) exactly, then floor to integer
    return np.clip(scaled, 0, U16_MAX).astype(np.uint16)


def max_upscale_u16_arr(values: npt.ArrayLike) -> npt.NDArray[np.uint16]:
    """Vectorised ``vec_u16_max_upscale_to_u16`` over the last axis of a u16 array.

    Same result as :func:`vec_u16_max_upscale_to_u16` row by row (inputs are u16, so nothing
    saturates): the row max becomes 65535, other entries are rounded half away from zero.
    """
    e = np.asarray(values).astype(np.int64)
    if e.size == 0:
        return np.zeros(e.shape, dtype=np.uint16)
    if (e < 0).any() or (e > U16_MAX).any():
        raise ValueError("weights must be u16 values in [0, 65535]")
    vmax = e.max(axis=-1, keepdims=True)
    safe_max = np.maximum(vmax, 1)
    # max > 32768: e * trunc(65535.0 / max) (both as I32F32), then round
    ratio = (np.int64(U16_MAX) << 32) // safe_max
    big = e * ratio  # raw I32F32 of e*ratio (exact: e is integer-valued)
    # max <= 32768: trunc((e*65535.0) / max), then round
    small = ((np.minimum(e, 32768) * U16_MAX) << 32) // safe_max  # used only when max <= 32768
    raw = np.where(vmax > 32768, big, small)
    rounded = (raw + HALF32) >> 32
    out = np.where(vmax == 0, 0, rounded)
    return np.clip(out, 0, U16_MAX).astype(np.uint16)
