"""Compiled (numba) twin of the emission gate's power (:func:`dtao.gate.safe_pow`) over many
lanes, bit for bit.

The gate's ``safe_pow`` works in I32F32 (raw ``int64``): r → ln r (log2 by halving and 32
squarings, divided by the 23-bit log2 e, truncating), h·ln r (saturating, floored) and exp (the
31-term series, every step checked). Every intermediate fits in 64 bits except the products,
taken here as 128-bit values from 32-bit halves (unsigned), so each floor and each overflow
check is the one of :mod:`dtao.gate` / :func:`dtao.fixed.exp_fixed`; the tests compare the two
on random and edge inputs.

The module imports without numba (:data:`AVAILABLE` is then false and :func:`pow_many` is not
compiled); :mod:`dtao.coinbase_current_fast` then calls :func:`dtao.gate.safe_pow` per lane.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from dtao.fixed import E_RAW, FRAC32, I32F32_MAX, I32F32_MIN, ONE32

try:
    numba: Any = importlib.import_module("numba")
except ImportError:  # pragma: no cover - exercised only where numba is not installed
    numba = None

#: Whether numba imported (the kernel then compiles, or loads from its cache, on first use).
AVAILABLE = numba is not None

_MASK32 = (1 << 32) - 1
_TWO33 = 1 << 33
_LOG2_E_23 = 12_102_203  # log2(e) as I9F23 bits: (a << 32) / (c << 9) == (a << 23) / c
_U64_MAX = (1 << 64) - 1


def _jit() -> Any:
    """``numba.njit(cache=True)``; a no-op decorator without numba."""
    if numba is None:  # pragma: no cover
        return lambda fn: fn
    return numba.njit(cache=True)


@_jit()
def _mul_shr32(a: int, b: int) -> Any:  # pragma: no cover - compiled
    """⌊a·b / 2^32⌋ for 0 ≤ a, b < 2^63: (value, overflow past I32F32::MAX, low 32 bits of a·b
    non-zero)."""
    m = np.uint64(_MASK32)
    s = np.uint64(32)
    ua, ub = np.uint64(a), np.uint64(b)
    ah, al, bh, bl = ua >> s, ua & m, ub >> s, ub & m
    hh = ah * bh
    ll = al * bl
    low = (ll & m) != np.uint64(0)
    limit = np.uint64(I32F32_MAX)
    if hh >= np.uint64(1 << 31):
        return 0, True, low
    r = hh << s
    for part in (ah * bl, al * bh, ll >> s):
        r = r + part
        if r > limit:
            return 0, True, low
    return np.int64(r), False, low


@_jit()
def _two64_div(d: int) -> Any:  # pragma: no cover - compiled
    """⌊2^64 / d⌋ for d ≥ 2 as an unsigned value (the caller checks the I32F32 range)."""
    ud = np.uint64(d)
    q = np.uint64(_U64_MAX) // ud
    if np.uint64(_U64_MAX) - q * ud == ud - np.uint64(1):
        q = q + np.uint64(1)
    return q


@_jit()
def _log2_at_least_one(x: Any) -> Any:  # pragma: no cover - compiled
    """:func:`dtao.gate._log2_at_least_one` for ONE32 ≤ x < 2^63."""
    result = 0
    while x >= _TWO33:
        result += 1
        x = (x >> 1) + (x & 1)
    if x == ONE32:
        return result << FRAC32
    m = np.uint64(_MASK32)
    for _ in range(FRAC32):
        a = x >> FRAC32  # x < 2^33: x² >> 32 = a²·2^32 + 2ab + (b² >> 32)
        b = np.uint64(x) & m
        x = ((a * a) << FRAC32) + 2 * a * np.int64(b) + np.int64((b * b) >> np.uint64(32))
        result <<= 1
        if x >= _TWO33:
            result |= 1
            x = (x >> 1) + (x & 1)
    return result


@_jit()
def _ln(raw: Any) -> Any:  # pragma: no cover - compiled
    """:func:`dtao.gate.ln_i32f32`: (ok, ln) with ok false where it returns None."""
    if raw <= 0:
        return False, 0
    if raw < ONE32:
        if raw == 1:
            return False, 0
        inverse = _two64_div(raw)
        if inverse > np.uint64(I32F32_MAX):
            return False, 0
        log2 = -_log2_at_least_one(np.int64(inverse))
    else:
        log2 = _log2_at_least_one(raw)
    if log2 < 0:  # truncating division of (log2 << 32) by (log2 e << 9)
        return True, -(((-log2) << 23) // _LOG2_E_23)
    return True, (log2 << 23) // _LOG2_E_23


@_jit()
def _saturating_mul(e: Any, log: Any) -> Any:  # pragma: no cover - compiled
    """``I32F32::saturating_mul(e, log)`` for 0 ≤ e: ⌊e·log / 2^32⌋ clamped."""
    if log >= 0:
        value, overflow, _ = _mul_shr32(e, log)
        return I32F32_MAX if overflow else value
    value, overflow, low = _mul_shr32(e, -log)  # floor of a negative: −⌈e·|log| / 2^32⌉
    if overflow or (value == I32F32_MAX and low):
        return I32F32_MIN
    return -(value + 1) if low else -value


@_jit()
def _exp(raw: Any) -> Any:  # pragma: no cover - compiled
    """:func:`dtao.fixed.exp_fixed`: (ok, e^raw) with ok false where it returns None."""
    if raw == 0:
        return True, ONE32
    if raw == ONE32:
        return True, E_RAW
    neg = raw < 0
    if neg:
        if raw == I32F32_MIN:
            return False, 0
        raw = -raw
    if raw > I32F32_MAX - ONE32:
        return False, 0
    result = raw + ONE32
    term = raw
    for i in range(2, FRAC32):
        prod, overflow, _ = _mul_shr32(term, raw)
        if overflow:
            return False, 0
        term = prod // i
        if result > I32F32_MAX - term:
            return False, 0
        result += term
    if neg:
        return True, np.int64(_two64_div(result))  # result > 2^32: the quotient fits
    return True, result


@_jit()
def pow_many(values: Any, exponent: int, out: Any) -> None:  # pragma: no cover - compiled
    """``safe_pow`` on I32F32 lanes: out[i] = max(e^(exponent·ln values[i]), 0) as I32F32 raw
    (0 where ln fails, I32F32::MAX where exp fails); ``values`` ≥ 0 and ``exponent`` ≥ 0 are
    the already-narrowed I32F32 inputs (``min(bits >> 32, I32F32::MAX)``)."""
    for i in range(values.shape[0]):
        ok, log = _ln(values[i])
        if not ok:
            out[i] = 0
            continue
        ok, result = _exp(_saturating_mul(exponent, log))
        out[i] = max(result, 0) if ok else I32F32_MAX
