"""Pure, vectorised Yuma Consensus epoch (``epoch_mechanism`` of opentensor/subtensor @ 14bc6f9).

The epoch is written **once** (:func:`epoch`) over a small arithmetic backend:

* ``"exact"`` (:data:`EXACT`): raw ``I32F32`` values in ``numpy.int64`` arrays with the chain's
  rounding (products floor, quotients truncate, ``safe_div`` -> 0), ``I64F64`` stake
  normalisation and ``I96F32`` emission conversion on Python ints. Reproduces the chain
  bit-exactly (all upstream epoch vectors, see ``dtao.conformance.cases_epoch``).
* ``"float"`` (:data:`FLOAT`, default): the same algebra in float64 without truncation. The chain
  floors every product and quotient, so sums over ``n`` columns of the exact backend sit up to
  ``n * 2^-32`` lower (about 2.5e-7 at n = 1024, < 1e-8 for small subnets); u16 outputs and
  stored bonds may differ by one step; rao amounts are floored. Permits agree except where two
  stakes are closer than ``total / 2^32``.

Specification: ``shared/spec/yuma.md`` §3 (HEAD) and ``dtao-economics.md`` §9/§11 (launch). Only
rows that can carry weights or bonds (old validator permits, plus any row that still holds bonds)
are processed, so the matrices are ``k x n`` with ``k <= max_allowed_validators`` (+ stragglers),
not ``n x n`` (and columns without any weight or bond at either end are left out). The large
float temporaries live in per-thread buffers reused across epochs (:class:`_Workspace`).

Sparse-storage semantics that matter for bit-exactness are kept with a *presence* mask next to
the dense values: ``set_weights`` stores explicit zeros, clipping removes entries whose consensus
is 0, and the Yuma3 liquid-alpha EMA only emits entries present in the bonds-weight row (a bond
without a weight entry is dropped, not decayed; spec §3 step 11b).

Public API (called by the block step): :class:`YumaParams`, :class:`YumaInputs`,
:class:`YumaResult`, :func:`epoch`, :func:`max_upscale_weights_u16`, plus the math primitives
(:func:`weighted_median_cols`, :func:`col_clip`, :func:`interpolate`, :func:`mat_ema`,
:func:`mat_ema_alpha`, :func:`mat_ema_dense`, :func:`compute_bonds`, :func:`matmul`, ... and
the backends' ``normalize``/``row_normalize``/``col_normalize``/``col_max_upscale``/``to_u16``).

Changes against the brief's API sketch (all additive):

* ``YumaInputs.commit_block`` (optional): per-uid block of the earliest unexpired weight commit
  (commit-reveal mask, spec §3 step 5); ``None`` = commit-reveal off.
* ``YumaResult`` also carries ``stake_f``, ``active_stake_f``, ``consensus_f``,
  ``validator_trust_f`` (float, normalised like the u16 outputs).
* ``stake`` may be an integer array (exact rao), a float array (converted with ``from_num(f64)``
  in the exact backend) or an object array of Python ints; ``YumaInputs.stake_bits``
  (optional) carries the exact I64F64 stake for the exact backend.
* ``YumaResult.bonds`` is a lazily materialised property; ``bonds_rows``/``bonds_new``/
  ``bonds_cleared`` and :meth:`YumaResult.apply_bonds` give the change without an ``n x n``
  copy (the epoch never copies the full matrices).
* Launch-era *per-column* liquid alpha on the legacy bonds path (quantile/logistic, removed
  upstream) is not implemented: as at HEAD, ``liquid_alpha`` only acts when ``yuma3`` is on.
"""

from __future__ import annotations

import math
import os
import threading
import warnings
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

from dtao import fixed as fx
from dtao.units import U16_MAX, U64_MAX

Array = npt.NDArray[Any]
BoolArray = npt.NDArray[np.bool_]
Backend = Literal["float", "exact"]
BondMask = Literal["registered_since_last_tempo", "weight_older_than_registration"]

_TWO32 = float(fx.ONE32)
_U16_MAX_UP = float(U16_MAX) * (1.0 + 2.0**-48)  # 65535, rounded up by 2^-48 (relative)


class _Workspace(threading.local):
    """Per-thread buffers for the epoch's large ``k x n`` temporaries, reused across calls.

    Fresh arrays of that size (100 kB - 1 MB) make the C allocator hand memory back to the OS
    and fault it in again on every epoch, which costs as much as the arithmetic. A buffer is
    only ever used under one name at a time, and never for a value that leaves :func:`epoch`
    (or the primitive that asked for it).
    """

    def __init__(self) -> None:
        self.buffers: dict[str, Array] = {}
        self.views: dict[tuple[str, tuple[int, ...], Any], Array] = {}

    def get(self, name: str, shape: tuple[int, ...], dtype: Any = np.float64) -> Array:
        """An uninitialised array of ``shape``/``dtype`` backed by the buffer ``name``."""
        view = self.views.get((name, shape, dtype))
        if view is None:
            size = math.prod(shape)
            buf = self.buffers.get(name)
            if buf is None or buf.dtype != dtype or buf.shape[0] < size:
                buf = self.buffers[name] = np.empty(size, dtype=dtype)
                self.views = {key: v for key, v in self.views.items() if key[0] != name}
            if len(self.views) > 64:  # many shapes seen: start over
                self.views.clear()
            view = self.views[name, shape, dtype] = buf[:size].reshape(shape)
        return view


_WORK = _Workspace()


# ============================================================================================
# arithmetic backends
# ============================================================================================


class Arith(Protocol):
    """Arithmetic used by the epoch; values are raw I32F32 ``int64`` (exact) or ``float64``.

    Normalisations are backend methods so that the float backend can scale by reciprocals
    while the exact backend divides entry by entry (``safe_div``, truncating) like the chain.
    """

    name: str
    one: Any
    zero: Any
    dtype: Any

    def from_u16(self, u: Array) -> Array:
        """u16 read as an integer-valued number (weights; legacy bonds)."""
        ...

    def u16_fraction(self, u: Array) -> Array:
        """``u / 65535`` (Yuma3 bonds; ``safe_div``, truncated)."""
        ...

    def ratio_u16(self, u: int) -> Any:
        """Scalar ``u / 65535`` (kappa, bonds penalty, alpha low/high)."""
        ...

    def mul(self, a: Any, b: Any) -> Array:
        """Element-wise product (exact: floor)."""
        ...

    def div(self, a: Any, b: Any) -> Array:
        """Element-wise ``safe_div`` (exact: truncation toward zero; 0 on a zero divisor)."""
        ...

    def normalize(self, x: Array) -> Array:
        """Divide by the sum unless the sum is exactly 0 (then unchanged)."""
        ...

    def row_normalize(self, m: Array) -> Array:
        """Divide each row with a positive sum by that sum; other rows unchanged."""
        ...

    def col_normalize(self, m: Array) -> Array:
        """Divide each column with a non-zero sum by that sum; other columns unchanged."""
        ...

    def col_max_upscale(self, m: Array) -> Array:
        """Divide each column by its maximum (floored at 0) unless that maximum is 0."""
        ...

    def sort_keys(self, m: Array, bits: int, out: npt.NDArray[np.int64]) -> bool:
        """Write ``m`` (same shape as ``out``) as order-preserving int64 keys with ``bits`` zero
        low bits into ``out``; ``False``: unable (``out`` then undefined). Keys of negative
        values may come out negative instead (callers check the sorted minimum)."""
        ...

    def row_normalize_u16(self, w: Array, out: Array | None = None) -> Array:
        """Stored u16 weights read as integers, then :meth:`row_normalize` (one pass in float);
        ``out`` (optional) may receive the result."""
        ...

    def legacy_bond_ema(
        self, w_b: Array, stake: Array, bonds_u16: Array, alpha: Any, out: Array | None = None
    ) -> Array:
        """Legacy bonds (spec §3 step 11a.3-5): ``colnorm(colnorm(w_b o stake) * alpha +
        colnorm(bonds) * (1 - alpha))`` with entries <= 0 dropped. Bonds are stored u16 read as
        integers (already masked); no rows (``(0, n)``) means all zero. ``out`` (optional) may
        receive the result."""
        ...

    def stored_legacy_bonds(self, ema: Array) -> npt.NDArray[np.uint16]:
        """``to_u16(col_max_upscale(ema))``: how legacy bonds are stored (may overwrite ``ema``)."""
        ...

    def to_u16(self, x: Array) -> npt.NDArray[np.uint16]:
        """``fixed_proportion_to_u16``: ``floor(x*65535)`` saturated into u16."""
        ...

    def to_float(self, x: Array) -> npt.NDArray[np.float64]:
        """Values as float64."""
        ...

    def to_rao(self, x: Array, rao_emission: int) -> npt.NDArray[np.int64]:
        """``floor(x * rao_emission)`` saturated into [0, u64::MAX] (int64 storage)."""
        ...

    def exp_safe(self, x: Array) -> Array:
        """``exp`` of the argument clamped to [-20, 20] (exact: substrate-fixed Taylor series)."""
        ...

    def stake_weights(
        self, stake: Array, keep: BoolArray | None, bits: Array | None = None
    ) -> Array:
        """Normalised stake ``S`` (I64F64 normalisation, then floor to I32F32) of ``stake*keep``
        (``keep=None``: all); ``bits`` (raw I64F64 stakes), when given, is used by the exact
        backend instead."""
        ...

    def rank_key(self, s: Array) -> Array:
        """Sort key for validator permits that ties exactly where the chain's I32F32 ties."""
        ...

    def bma_alpha(self, bonds_moving_average: int) -> Any:
        """EMA alpha ``1 - bonds_moving_average / 1e6``."""
        ...

    def steepness(self, alpha_sigmoid_steepness: int) -> Any:
        """``steepness / -100`` (saturating division)."""
        ...


class ExactArith:
    """Raw I32F32 in ``int64`` with the chain's rounding (see :mod:`dtao.fixed`)."""

    name = "exact"
    one = fx.ONE32
    zero = 0
    dtype = np.int64

    def from_u16(self, u: Array) -> Array:
        return np.asarray(u).astype(np.int64) << fx.FRAC32

    def u16_fraction(self, u: Array) -> Array:
        return (np.asarray(u).astype(np.int64) << fx.FRAC32) // U16_MAX

    def ratio_u16(self, u: int) -> int:
        return fx.u16_proportion_to_fixed(u)

    def mul(self, a: Any, b: Any) -> Array:
        return fx.mul_arr(a, b)

    def div(self, a: Any, b: Any) -> Array:
        return fx.div_arr(a, b)

    def normalize(self, x: Array) -> Array:
        total = x.sum()
        return x.copy() if total == 0 else fx.div_arr(x, total)

    def row_normalize(self, m: Array) -> Array:
        out = m.copy()
        if m.size:
            sums = m.sum(axis=1)
            rows = sums > 0
            if rows.any():
                out[rows] = fx.div_arr(m[rows], sums[rows, None])
        return out

    def col_normalize(self, m: Array) -> Array:
        return self._scale_cols(m, m.sum(axis=0) if m.size else np.zeros(m.shape[1], np.int64))

    def col_max_upscale(self, m: Array) -> Array:
        if not m.size:
            return m.copy()
        return self._scale_cols(m, np.maximum(m.max(axis=0), 0))

    @staticmethod
    def _scale_cols(m: Array, divisors: Array) -> Array:
        out = m.copy()
        cols = divisors != 0
        if cols.all() and m.size:
            return fx.div_arr(m, divisors[None, :])
        if cols.any():
            out[:, cols] = fx.div_arr(m[:, cols], divisors[None, cols])
        return out

    def sort_keys(self, m: Array, bits: int, out: npt.NDArray[np.int64]) -> bool:
        if not m.size or m.min() < 0 or int(m.max()) >= 1 << (62 - bits):
            return False
        np.left_shift(m, bits, out=out)  # exact: raw values keep every bit
        return True

    def row_normalize_u16(self, w: Array, out: Array | None = None) -> Array:
        return self.row_normalize(self.from_u16(w))

    def legacy_bond_ema(
        self, w_b: Array, stake: Array, bonds_u16: Array, alpha: Any, out: Array | None = None
    ) -> Array:
        return _legacy_bond_ema_steps(self, w_b, stake, _bond_rows(bonds_u16, w_b.shape), alpha)

    def stored_legacy_bonds(self, ema: Array) -> npt.NDArray[np.uint16]:
        return self.to_u16(self.col_max_upscale(ema))

    def to_u16(self, x: Array) -> npt.NDArray[np.uint16]:
        return fx.fixed_proportion_to_u16_arr(x)

    def to_float(self, x: Array) -> npt.NDArray[np.float64]:
        return np.asarray(x, dtype=np.int64).astype(np.float64) / _TWO32

    def to_rao(self, x: Array, rao_emission: int) -> npt.NDArray[np.int64]:
        raw = np.asarray(x, dtype=np.int64).astype(object)
        scaled = (raw * int(rao_emission)) >> fx.FRAC32  # == I96F32 mul then floor to integer
        return np.clip(scaled, 0, U64_MAX).astype(np.int64)

    def exp_safe(self, x: Array) -> Array:
        return fx.exp_arr(x)

    def stake_weights(
        self, stake: Array, keep: BoolArray | None, bits: Array | None = None
    ) -> Array:
        values = [int(b) for b in bits] if bits is not None else [_to_i64f64(v) for v in stake]
        if keep is None:
            raw64 = values
        else:
            raw64 = [v if k else 0 for v, k in zip(values, keep.tolist(), strict=True)]
        total = sum(raw64)
        if total == 0:
            return np.zeros(len(raw64), dtype=np.int64)
        # I64F64 safe_div, then drop 32 fraction bits (floor)
        return np.array(
            [fx.fixed64_to_fixed32(fx.I64F64.safe_div(v, total)) for v in raw64], dtype=np.int64
        )

    def rank_key(self, s: Array) -> Array:
        return s

    def bma_alpha(self, bonds_moving_average: int) -> int:
        return fx.bonds_moving_average_to_alpha(bonds_moving_average)

    def steepness(self, alpha_sigmoid_steepness: int) -> int:
        return fx.saturating_div(
            int(alpha_sigmoid_steepness) << fx.FRAC32, fx.I32F32.from_int(-100)
        )


class FloatArith:
    """float64 numpy arithmetic (no truncation); the fast default.

    Normalisations multiply by reciprocals (one rounding more than a division, < 1e-15).
    """

    name = "float"
    one = 1.0
    zero = 0.0
    dtype = np.float64

    def from_u16(self, u: Array) -> Array:
        return np.asarray(u).astype(np.float64)

    def u16_fraction(self, u: Array) -> Array:
        return np.asarray(u).astype(np.float64) * (1.0 / U16_MAX)

    def ratio_u16(self, u: int) -> float:
        return int(u) / U16_MAX

    def mul(self, a: Any, b: Any) -> Array:
        return np.multiply(a, b)

    def div(self, a: Any, b: Any) -> Array:
        if np.ndim(b) == 0:
            return np.asarray(a, dtype=np.float64) / b if b != 0 else np.zeros(np.shape(a))
        a_arr, b_arr = np.broadcast_arrays(
            np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        )
        out = np.zeros(a_arr.shape, dtype=np.float64)
        np.divide(a_arr, b_arr, out=out, where=b_arr != 0)
        return out

    def normalize(self, x: Array) -> Array:
        total = x.sum()
        return x.copy() if total == 0 else x / total

    def row_normalize(self, m: Array) -> Array:
        sums = m.sum(axis=1)
        return m * _recip(np.where(sums > 0, sums, 0.0))[:, None]

    def col_normalize(self, m: Array) -> Array:
        return self._scale_cols(m, m.sum(axis=0))

    def col_max_upscale(self, m: Array) -> Array:
        if not m.size:
            return m.copy()
        maxes = np.maximum(m.max(axis=0), 0.0)
        maxes[maxes == 0] = 1.0
        return m / maxes[None, :]  # a true division, so the column maximum becomes exactly 1

    @staticmethod
    def _scale_cols(m: Array, divisors: Array) -> Array:
        return m * _recip(divisors)[None, :]

    def row_normalize_u16(self, w: Array, out: Array | None = None) -> Array:
        if out is None:
            out = w.astype(np.float64)
        else:
            np.copyto(out, w)
        sums = out.sum(axis=1)  # integers: exact in float64, and >= 1 unless the row is all 0
        out *= np.divide(1.0, np.maximum(sums, 1.0))[:, None]
        return out

    def legacy_bond_ema(
        self, w_b: Array, stake: Array, bonds_u16: Array, alpha: Any, out: Array | None = None
    ) -> Array:
        # colnorm(a*colnorm(t) + (1-a)*colnorm(b)) with t = w_b o stake, fused into two scaled
        # terms: all column sums are known from matrix-vector products (entries are >= 0).
        if not 0.0 <= alpha <= 1.0:  # negative EMA terms: follow the chain's steps literally
            bonds_u16 = _bond_rows(bonds_u16, w_b.shape)
            return _legacy_bond_ema_steps(self, w_b, stake, bonds_u16, alpha)
        # A column with only one of the two terms takes weight 1 for it, else alpha / 1 - alpha;
        # an all-zero column divides by 1 instead of 0 (its entries stay 0).
        sum_t = stake @ w_b
        has_t = sum_t > 0
        share_t: Any = 1.0
        if bonds_u16.shape[0]:  # no rows: no bonds at all
            bonds = _WORK.get("bonds", w_b.shape)
            np.copyto(bonds, bonds_u16)
            sum_b = bonds.sum(axis=0)
            has_b = sum_b > 0
            bonds *= np.where(has_t, 1.0 - alpha, 1.0) / np.where(has_b, sum_b, 1.0)
            share_t = np.where(has_b, alpha, 1.0)
        t = np.empty(w_b.shape) if out is None else out
        np.multiply.outer(stake, share_t / np.where(has_t, sum_t, 1.0), out=t)
        t *= w_b
        if bonds_u16.shape[0]:
            t += bonds
        return t

    def stored_legacy_bonds(self, ema: Array) -> npt.NDArray[np.uint16]:
        if not ema.size:
            return np.zeros(ema.shape, dtype=np.uint16)
        maxes = ema.max(axis=0)  # ema >= 0
        # floor(65535 * ema / max) by one multiplication; the factor sits 2^-48 (relative) high
        # so that the column maximum still becomes 65535 exactly (the exact backend's
        # division gives exactly 1 there), well inside u16 range
        ema *= _U16_MAX_UP / np.where(maxes > 0, maxes, 1.0)
        return ema.astype(np.uint16)  # in [0, 65535]: truncation == floor

    def sort_keys(self, m: Array, bits: int, out: npt.NDArray[np.int64]) -> bool:
        # non-negative doubles order like their bit patterns (negative ones give negative keys);
        # the low mantissa bits (<= 2^-44 relative) are cleared for the row index, which only
        # reorders near-equal values
        m = np.asarray(m, dtype=np.float64)
        np.bitwise_and(m.view(np.int64), ~np.int64((1 << bits) - 1), out=out)
        return True

    def to_u16(self, x: Array) -> npt.NDArray[np.uint16]:
        y = np.multiply(x, float(U16_MAX))
        np.maximum(y, 0.0, out=y)  # saturate
        np.minimum(y, float(U16_MAX), out=y)
        return y.astype(np.uint16)  # truncation == floor for y >= 0

    def to_float(self, x: Array) -> npt.NDArray[np.float64]:
        return np.asarray(x, dtype=np.float64)

    def to_rao(self, x: Array, rao_emission: int) -> npt.NDArray[np.int64]:
        y = np.multiply(x, float(rao_emission))
        np.floor(y, out=y)
        np.maximum(y, 0.0, out=y)
        np.minimum(y, float(2**63 - 1024), out=y)
        return y.astype(np.int64)

    def exp_safe(self, x: Array) -> Array:
        return np.exp(np.clip(x, -20.0, 20.0))

    def stake_weights(
        self, stake: Array, keep: BoolArray | None, bits: Array | None = None
    ) -> Array:
        s = np.asarray(stake, dtype=np.float64)
        if keep is not None:
            s = np.where(keep, s, 0.0)
        total = s.sum()
        return s / total if total != 0 else s.copy()

    def rank_key(self, s: Array) -> Array:
        return np.floor(s * _TWO32)

    def bma_alpha(self, bonds_moving_average: int) -> float:
        return 1.0 - int(bonds_moving_average) / 1_000_000

    def steepness(self, alpha_sigmoid_steepness: int) -> float:
        return int(alpha_sigmoid_steepness) / -100.0


EXACT = ExactArith()
FLOAT = FloatArith()
_BACKENDS: dict[str, Arith] = {"exact": EXACT, "float": FLOAT}


def get_backend(backend: Backend | Arith) -> Arith:
    """The backend object for ``"exact"`` / ``"float"`` (or pass one through)."""
    if isinstance(backend, str):
        try:
            return _BACKENDS[backend]
        except KeyError:
            raise ValueError(f"unknown Yuma backend {backend!r} (use 'float' or 'exact')") from None
    return backend


def _legacy_bond_ema_steps(
    A: Arith, w_b: Array, stake: Array, bonds_u16: Array, alpha: Any
) -> Array:
    """The chain's legacy bond EMA step by step (spec §3 step 11a.3-5)."""
    bonds = A.col_normalize(A.from_u16(bonds_u16))
    delta = A.col_normalize(row_hadamard(A, w_b, stake))
    return A.col_normalize(mat_ema(A, delta, bonds, alpha))


def _bond_rows(bonds_u16: Array, shape: tuple[int, ...]) -> Array:
    """Stored bonds of the block: ``bonds_u16`` itself, or zeros of ``shape`` if it has no rows."""
    return bonds_u16 if bonds_u16.shape[0] else np.zeros(shape, dtype=bonds_u16.dtype)


def _recip(x: Array) -> Array:
    """``1/x`` with 1 where ``x == 0`` (scaling by it leaves such rows/columns unchanged)."""
    safe = np.where(x == 0, 1.0, x)
    return np.divide(1.0, safe)


def _to_i64f64(value: Any) -> int:
    """A stake value as raw I64F64: ints exactly, floats via ``from_num(f64)``."""
    if isinstance(value, int | np.integer):
        return int(value) << fx.FRAC64
    return fx.I64F64.from_f64(float(value))


# ============================================================================================
# math primitives (dense values + optional presence masks standing in for sparse entries)
# ============================================================================================


def normalize(A: Arith, x: Array) -> Array:
    """Divide by the sum unless the sum is exactly 0 (then unchanged)."""
    return A.normalize(x)


def row_normalize(A: Arith, m: Array) -> Array:
    """Divide each row with a positive sum by that sum; other rows unchanged."""
    return A.row_normalize(m)


def col_normalize(A: Arith, m: Array) -> Array:
    """Divide each column with a non-zero sum by that sum; other columns unchanged."""
    return A.col_normalize(m)


def col_max_upscale(A: Arith, m: Array) -> Array:
    """Divide each column by its maximum (taken with 0 as floor) unless that maximum is 0."""
    return A.col_max_upscale(m)


def row_sum(m: Array) -> Array:
    """Sum of each row (plain additions)."""
    return m.sum(axis=1)


def matmul(A: Arith, m: Array, v: Array) -> Array:
    """``r_j = sum_i v_i * m_ij`` (ranks), each product rounded on its own."""
    if A is FLOAT:
        return np.asarray(v @ m)
    return A.mul(v[:, None], m).sum(axis=0)


def matmul_transpose(A: Arith, m: Array, v: Array) -> Array:
    """``d_i = sum_j v_j * m_ij`` (legacy dividends)."""
    if A is FLOAT:
        return np.asarray(m @ v)
    return A.mul(v[None, :], m).sum(axis=1)


def row_hadamard(A: Arith, m: Array, v: Array) -> Array:
    """``out_ij = m_ij * v_i`` (bonds delta ``W o S``)."""
    return A.mul(m, v[:, None])


def mat_vec_mul(A: Arith, m: Array, v: Array) -> Array:
    """``out_ij = m_ij * v_j`` (Yuma3 bond shares of incentive)."""
    return A.mul(m, v[None, :])


def vec_mul(A: Arith, a: Array, b: Array) -> Array:
    """Element-wise product."""
    return A.mul(a, b)


def is_topk(key: Array, k: int, nonzero: bool = False) -> BoolArray:
    """Validator permits: the ``k`` largest keys (ascending stable sort, the first ``n - k`` are
    cleared, so ties are lost by the lower index). With ``nonzero`` (HEAD ``is_topk_nonzero``)
    zero keys never qualify; without it, ``n < k`` gives every index a permit."""
    n = key.shape[0]
    result = key != 0 if nonzero else np.ones(n, dtype=bool)
    if n < k:
        return result
    order = np.argsort(key, kind="stable")
    result[order[: n - k]] = False
    return result


def weighted_median(
    stake: list[Any], score: list[Any], partition_idx: list[int], minority: Any, lo: Any, hi: Any
) -> Any:
    """The chain's mid-pivot partition search for a stake-weighted median (reference version).

    Deterministic: pivot = ``score[idx[len // 2]]``; recurse into the strictly lower scores if
    ``minority < lo + lower_stake``, into the strictly higher ones if ``hi - upper_stake <=
    minority``, else return the pivot. Empty -> 0. Works on Python ints (raw fixed, exact) or
    floats. The epoch uses the equivalent vectorised :func:`weighted_median_cols`.
    """
    zero = 0 if not stake or isinstance(stake[0], int) else 0.0
    if len(stake) != len(score):
        return zero
    current = list(partition_idx)
    for _ in range(len(partition_idx) + 1):
        if not current:
            return zero
        if len(current) == 1:
            return score[current[0]]
        pivot = score[current[len(current) // 2]]
        lower = [i for i in current if score[i] < pivot]
        upper = [i for i in current if score[i] > pivot]
        lo_stake = sum((stake[i] for i in lower), zero)
        hi_stake = sum((stake[i] for i in upper), zero)
        if minority < lo + lo_stake and lower:
            current, hi = lower, lo + lo_stake
        elif hi - hi_stake <= minority and upper:
            current, lo = upper, hi - hi_stake
        else:
            return pivot
    return zero


def weighted_median_cols(A: Arith, stake: Array, w: Array, majority: Any) -> Array:
    """Consensus: per column, the stake-weighted kappa-median of ``w`` over rows with stake > 0.

    Rows with positive stake are kept and their stakes re-normalised; ``minority = sum - kappa``;
    the result is the smallest column value ``c`` with ``sum(stake[w <= c]) > minority`` (the
    column maximum if none). This equals the chain's pivot search (:func:`weighted_median`)
    because its partition bounds are exact sums. No positive stake -> all zeros.
    """
    n_cols = w.shape[1]
    pos = stake > 0
    if pos.all():
        sub, use = w, normalize(A, stake)
    elif pos.any():
        sub, use = w[pos], normalize(A, stake[pos])
    else:
        return np.zeros(n_cols, dtype=A.dtype)
    k = sub.shape[0]
    if k == 1:
        return sub[0].copy()
    minority = use.sum() - majority
    order = _column_order(A, sub)  # (n_cols, k)
    cum = np.take(use, order, out=_WORK.get("cum", order.shape, use.dtype), mode="clip")
    np.cumsum(cum, axis=1, out=cum)  # stake at or below each sorted entry
    # the first sorted entry whose cumulative stake exceeds the minority; none: the last one
    cum[:, -1] = np.inf if cum.dtype.kind == "f" else fx.I32F32_MAX  # int64: raw I32F32
    at = np.argmax(cum > minority, axis=1)
    cols = np.arange(n_cols)
    return sub[order[cols, at], cols]


def _column_order(A: Arith, m: Array) -> npt.NDArray[np.int64]:
    """``argsort(m, axis=0, kind="stable").T``: for each column, its row indices by ascending
    value (ties by row), as an ``(n_cols, k)`` array (a workspace buffer).

    Value and row index are packed in one int64 key (:meth:`Arith.sort_keys`), so one contiguous
    int64 sort per column does it (several times faster than ``argsort``); the float keys drop
    the lowest mantissa bits, which only reorders values within ~2^-46 (relative) of each other.
    """
    k, n_cols = m.shape
    bits = max(k - 1, 1).bit_length()
    keys = _WORK.get("keys", (n_cols, k), np.int64)
    if A.sort_keys(m.T, bits, keys):
        keys |= _row_ids(k)
        keys.sort(axis=1)
        if not n_cols or keys[:, 0].min() >= 0:  # negative values: keys out of order
            keys &= (1 << bits) - 1
            return keys
    keys[...] = np.argsort(m.T, axis=1, kind="stable")
    return keys


def _row_ids(k: int) -> npt.NDArray[np.int64]:
    """``arange(k)`` as int64 (cached, read-only)."""
    ids = _ROW_IDS.get(k)
    if ids is None:
        ids = _ROW_IDS[k] = np.arange(k, dtype=np.int64)
        ids.flags.writeable = False
    return ids


_ROW_IDS: dict[int, npt.NDArray[np.int64]] = {}


def diag_positions(
    rows: Array, n_cols: int, except_index: int | None = None
) -> tuple[Array, Array]:
    """Positions ``(r, rows[r])`` of the self-weights in a row block whose row ``r`` is UID
    ``rows[r]``, leaving out ``except_index`` (the owner's self-weight at HEAD)."""
    k = rows.shape[0]
    if except_index is None and (not k or rows.max() < n_cols):
        return np.arange(k), rows
    drop = rows < n_cols
    if except_index is not None:
        drop &= rows != except_index
    return np.arange(k)[drop], rows[drop]


def mask_diag(present: BoolArray, rows: Array, except_index: int | None = None) -> BoolArray:
    """Drop the self-weights ``(r, rows[r])`` of a row block (``rows`` = UID of each row), except
    the one of ``except_index`` (the subnet owner at HEAD). Returns a new presence mask."""
    out = present.copy()
    out[diag_positions(rows, out.shape[1], except_index)] = False
    return out


def vec_mask(first: Array, second: Array, fn: Any = np.less_equal) -> BoolArray:
    """``fn(first[i], second[j])`` for every entry: True = remove (``vec_mask_sparse_matrix``;
    the epoch drops weights with ``last_update[i] <= block_at_registration[j]``)."""
    return np.asarray(fn(np.asarray(first)[:, None], np.asarray(second)[None, :]), dtype=bool)


def col_clip(
    w: Array, c: Array, present: BoolArray | None = None, out: Array | None = None
) -> tuple[Array, BoolArray | None]:
    """``min(w_ij, c_j)``; with a presence mask, entries above a column threshold <= 0 are removed
    (sparse ``col_clip_sparse``). ``out`` (optional) receives the clipped values."""
    clipped = np.minimum(w, c[None, :], out=out)
    if present is None:
        return clipped, None
    return clipped, present & ~((w > c[None, :]) & (c[None, :] <= 0))


def interpolate(
    A: Arith,
    m1: Array,
    m2: Array,
    ratio: Any,
    p1: BoolArray | None = None,
    p2: BoolArray | None = None,
) -> tuple[Array, BoolArray | None]:
    """``m1 + ratio * (m2 - m1)``; ratio 0 / 1 return ``m1`` / ``m2`` unchanged (presence too).
    Otherwise (sparse semantics) only entries > 0 are present."""
    if ratio == 0:
        return m1, p1
    if ratio == A.one:
        return m2, p2
    out = m1 + A.mul(ratio, m2 - m1)
    present = out > 0 if (p1 is not None or p2 is not None) else None
    return out, present


def mat_ema(A: Arith, new: Array, old: Array, alpha: Any) -> Array:
    """Scalar-alpha EMA over the union of entries, ``alpha*new + (1-alpha)*old``; entries <= 0
    dropped (sparse ``mat_ema_sparse``; products rounded separately)."""
    out = A.mul(alpha, new)
    out += A.mul(A.one - alpha, old)
    return np.maximum(out, A.zero, out=out)


def mat_ema_dense(A: Arith, new: Array, old: Array, alpha: Any) -> Array:
    """Dense ``mat_ema``: ``alpha*new + (1-alpha)*old`` for every entry, none dropped (the
    dense ``compute_bonds`` without liquid alpha; products rounded separately). Not used by
    :func:`epoch`, which works on the sparse variant :func:`mat_ema`."""
    return A.mul(alpha, new) + A.mul(A.one - alpha, old)


def mat_ema_alpha(
    A: Arith, new: Array, old: Array, alpha: Array, new_present: BoolArray | None = None
) -> Array:
    """Per-entry-alpha EMA ``min(1, (1-a)*old + max(0, a*new))``.

    With ``new_present`` (sparse ``mat_ema_alpha_sparse``) only entries present in ``new`` are
    emitted (an old bond without a new entry is dropped) and only values > 0 kept; without it
    (dense ``mat_ema_alpha``) every entry decays.
    """
    inc = np.maximum(A.mul(alpha, new), A.zero)
    out = np.minimum(A.mul(A.one - alpha, old) + inc, A.one)
    if new_present is None:
        return out
    return np.where(new_present & (out > 0), out, A.zero)


def liquid_alpha(
    A: Arith, consensus: Array, wb: Array, b: Array, low: Any, high: Any, steepness: Any
) -> Array:
    """Per-entry liquid alpha (``alpha_sigmoid``), clamped to ``[low, high]``.

    ``diff = clamp(w - c, 0, 1)`` if ``w >= b`` else ``clamp(b - w, 0, 1)``;
    ``sigma = 1 / (1 + exp_safe(steepness * (diff - 0.5)))`` with ``steepness = s / -100``;
    ``alpha = low + sigma * (high - low)``.
    """
    one = A.one
    half = one / 2 if isinstance(one, float) else one >> 1
    diff = np.where(
        wb >= b,
        np.clip(wb - consensus[None, :], A.zero, one),
        np.clip(b - wb, A.zero, one),
    )
    e = A.exp_safe(A.mul(steepness, diff - half))
    sigma = A.div(one, e + one)
    alpha = low + A.mul(sigma, high - low)
    return np.maximum(np.minimum(alpha, high), low)


def compute_bonds(
    A: Arith, weights: Array, bonds: Array, consensus: Array, params: YumaParams
) -> Array:
    """Dense ``compute_bonds``: the bond EMA of ``k x m`` weights and bonds as the chain's
    run_epoch helper computes it; ``consensus`` has at least ``m`` values (extra ones only take
    part in the liquid-alpha condition, as the chain's zip of rows with consensus ignores them).

    With ``params.liquid_alpha`` and some non-zero consensus value: per-entry alphas from
    :func:`liquid_alpha` (``alpha_low``/``alpha_high`` as u16 fractions, the sigmoid steepness)
    and :func:`mat_ema_alpha` (every entry decays, clamped to ``[0, 1]``); otherwise the scalar
    :func:`mat_ema_dense` with ``alpha = 1 - bonds_moving_average / 1e6``. The yuma3 switch is
    not consulted (the helper does not read it). :func:`epoch` makes the same choice inline, on
    its sparse presence masks; this function is not on its path.
    """
    if params.liquid_alpha and consensus.shape[0] and (consensus != 0).any():
        alphas = liquid_alpha(
            A,
            consensus[: weights.shape[1]],
            weights,
            bonds,
            A.ratio_u16(params.alpha_low),
            A.ratio_u16(params.alpha_high),
            A.steepness(params.alpha_sigmoid_steepness),
        )
        return mat_ema_alpha(A, weights, bonds, alphas)
    return mat_ema_dense(A, weights, bonds, A.bma_alpha(params.bonds_moving_average))


# ============================================================================================
# the epoch
# ============================================================================================


@dataclass(frozen=True)
class YumaParams:
    """Per-subnet hyperparameters and era switches (defaults: HEAD @ 14bc6f9).

    Ratios are u16 (``/65535``); ``bonds_moving_average`` is parts per million; blocks are ints.
    The launch preset (2025-02) uses ``bonds_penalty=0`` and flips the four era switches.
    """

    kappa: int = 32767
    bonds_penalty: int = 65535
    bonds_moving_average: int = 900_000
    yuma3: bool = False
    liquid_alpha: bool = False
    alpha_low: int = 45875
    alpha_high: int = 58982
    alpha_sigmoid_steepness: int = 1000
    max_allowed_validators: int = 64
    activity_cutoff: int = 5000
    stake_threshold: int = 0
    #: HEAD keeps the subnet owner's self-weight; launch masks every self-weight.
    owner_self_weight_kept: bool = True
    #: HEAD: top-k among non-zero stake (``is_topk_nonzero``); launch: plain top-k.
    permit_requires_stake: bool = True
    #: HEAD forces the owner's old and new permit to true; launch does not.
    owner_always_permitted: bool = True
    #: HEAD masks bonds on miners registered since the last epoch; launch (before 2025-03-28)
    #: masks ``b_ij`` when ``last_update[i] <= block_at_registration[j]``.
    bond_mask: BondMask = "registered_since_last_tempo"


@dataclass
class YumaInputs:
    """Epoch inputs for one subnet mechanism (arrays over the ``n`` UIDs).

    ``stake`` is the combined stake weight in rao (alpha + tao_weight * root, inherited);
    ``last_update`` may be shorter/longer than ``n`` (missing entries are inactive and count as
    block 0 for the outdated-weight mask); ``weights``/``bonds`` are dense ``(n, n)`` u16 as
    stored (weights max-upscaled per row; legacy bonds column-max-upscaled, Yuma3 bonds absolute);
    ``weights_present`` marks stored entries (explicit zeros included), ``None`` = value > 0;
    ``commit_block`` (optional) is the block of each UID's earliest unexpired weight commit
    (``>= 2**62`` or ``None`` = no commit / commit-reveal off); ``stake_bits`` (optional) is the
    same stake as raw I64F64 bits (Python ints, ``value * 2**64``) for callers that compute it
    exactly like the chain: the exact backend then uses it instead of ``stake``.
    """

    current_block: int
    last_tempo: int
    stake: Array
    last_update: Array
    block_at_registration: Array
    validator_permit: Array
    owner_uid: int | None
    weights: Array
    bonds: Array
    weights_present: Array | None = None
    commit_block: Array | None = None
    stake_bits: Array | None = None


@dataclass
class YumaResult:
    """Per-UID epoch outputs. u16 outputs are ``floor(x*65535)``; rao amounts are floored ints.

    Bonds persistence (spec §3 step 13): rows of UIDs holding a new permit are replaced by this
    epoch's bonds (``bonds_rows`` / ``bonds_new``), rows of UIDs that lost their permit are
    cleared (``bonds_cleared``), other rows are untouched. :attr:`bonds` materialises the full
    new ``(n, n)`` matrix on first access (the epoch itself never copies it);
    :meth:`apply_bonds` writes the change into a stored matrix in place.
    """

    active: BoolArray
    new_validator_permit: BoolArray
    stake_weight: npt.NDArray[np.uint16]
    consensus: npt.NDArray[np.uint16]
    validator_trust: npt.NDArray[np.uint16]
    incentive: npt.NDArray[np.uint16]
    dividends: npt.NDArray[np.uint16]
    incentive_f: npt.NDArray[np.float64]
    dividends_f: npt.NDArray[np.float64]
    server_emission: npt.NDArray[np.int64]
    validator_emission: npt.NDArray[np.int64]
    emission: npt.NDArray[np.int64]
    #: PruningScores: the normalised combined emission, max-upscaled to u16 (rounded)
    pruning_score: npt.NDArray[np.uint16]
    stake_f: npt.NDArray[np.float64]
    active_stake_f: npt.NDArray[np.float64]
    consensus_f: npt.NDArray[np.float64]
    validator_trust_f: npt.NDArray[np.float64]
    bonds_rows: npt.NDArray[np.intp]
    bonds_new: npt.NDArray[np.uint16]
    bonds_cleared: npt.NDArray[np.intp]
    bonds_before: npt.NDArray[np.uint16] = field(repr=False)
    _bonds: npt.NDArray[np.uint16] | None = field(default=None, repr=False)

    def apply_bonds(self, stored: npt.NDArray[np.uint16]) -> None:
        """Write this epoch's bond changes into ``stored`` (the ``(n, n)`` bonds) in place."""
        stored[self.bonds_cleared] = 0
        stored[self.bonds_rows] = self.bonds_new

    @property
    def bonds(self) -> npt.NDArray[np.uint16]:
        """The new stored ``(n, n)`` bonds (u16), computed once from ``bonds_before``."""
        if self._bonds is None:
            full = np.array(self.bonds_before, dtype=np.uint16, copy=True)
            self.apply_bonds(full)
            self._bonds = full
        return self._bonds


def max_upscale_weights_u16(values: npt.ArrayLike) -> npt.NDArray[np.uint16]:
    """What ``set_weights`` stores for submitted u16 weights: each row (last axis) scaled so its
    maximum becomes 65535, rounded half away from zero (``vec_u16_max_upscale_to_u16``)."""
    return fx.max_upscale_u16_arr(values)


def _fit(values: npt.ArrayLike, n: int, fill: Any, dtype: Any, copy: bool = True) -> Array:
    """``values`` as a length-``n`` vector of ``dtype`` (cut or padded with ``fill``);
    ``copy=False`` may return the input itself (for callers that never write to it)."""
    arr = np.asarray(values)
    if arr.shape == (n,) and arr.dtype == dtype:
        return arr.copy() if copy else arr
    arr = arr.reshape(-1)
    out = np.full(n, fill, dtype=dtype)
    m = min(arr.shape[0], n)
    out[:m] = arr[:m]
    return out


def _rows_with_bonds(bonds: Array) -> BoolArray:
    """``bonds.any(axis=1)`` for an ``(n, n)`` u16 matrix, reading 4 entries per 64-bit word."""
    if (
        bonds.dtype == np.uint16
        and bonds.flags.c_contiguous
        and bonds.shape[1] % 4 == 0
        and bonds.shape[1]
    ):
        return np.bitwise_or.reduce(bonds.view(np.uint64), axis=1) != 0
    return np.asarray(bonds.any(axis=1), dtype=bool)


def _zero_where(
    block: Array, first: Array, second: Array, fn: Any, present: BoolArray | None = None
) -> None:
    """Zero ``block[i, j]`` (and clear ``present``) where ``fn(first[i], second[j])``, in place.

    ``fn`` is ``<=`` or ``<``, monotone in ``second``: only rows ``i`` with ``fn(first[i],
    max(second))`` can be hit, so the mask is only built for those (usually none or a few)."""
    if not first.shape[0] or not second.shape[0]:
        return
    rows = fn(first, second.max()).nonzero()[0]
    if rows.shape[0]:
        hit = fn(first[rows, None], second)
        block[rows] = np.where(hit, 0, block[rows])
        if present is not None:
            present[rows] &= ~hit


#: ``DTAO_NO_JIT=1`` switches the compiled float kernel (:mod:`dtao.yuma_compiled`) off.
NO_JIT_ENV = "DTAO_NO_JIT"
_NO_FAST_ENV = "DTAO_NO_FAST"  # = dtao.eras.NO_FAST_ENV (the suite's reference mode)
_compiled: Any = None  # dtao.yuma_compiled once imported (False: numba unavailable)


def jit_enabled() -> bool:
    """Whether a float epoch may use the compiled kernel: not when ``DTAO_NO_JIT`` or
    ``DTAO_NO_FAST`` is set to 1/true/yes (read on every call)."""
    off = ("1", "true", "yes")
    env = os.environ
    return (
        env.get(NO_JIT_ENV, "").strip().lower() not in off
        and env.get(_NO_FAST_ENV, "").strip().lower() not in off
    )


def _compiled_kernel() -> Any:
    """:mod:`dtao.yuma_compiled` if numba imports and compiles it (the first call compiles the
    kernel or loads it from numba's cache), else ``None`` (with a warning if compiling failed)."""
    global _compiled
    if _compiled is None:
        _compiled = False
        try:
            from dtao import yuma_compiled

            if yuma_compiled.AVAILABLE:
                yuma_compiled.warm_up()
                _compiled = yuma_compiled
        except ImportError:
            pass
        except Exception as exc:  # e.g. a numba release that cannot compile it: numpy then
            warnings.warn(
                f"dtao: compiled Yuma kernel unavailable ({exc!r}); the numpy code runs",
                RuntimeWarning,
                stacklevel=3,
            )
    return _compiled or None


def epoch(
    inputs: YumaInputs,
    params: YumaParams,
    rao_emission: int,
    backend: Backend = "float",
) -> YumaResult:
    """Run one Yuma epoch (spec ``yuma.md`` §3 steps 1-13) and return the outputs.

    ``backend="exact"`` reproduces the chain bit-for-bit; ``"float"`` is the fast float64 path,
    run by the compiled kernel :func:`dtao.yuma_compiled.epoch_fields` where it covers the
    inputs, numba is installed and :func:`jit_enabled` (else by the numpy code below, the
    reference). Pure: the inputs are not modified.
    """
    if backend == "float" and jit_enabled():
        compiled = _compiled_kernel()
        if compiled is not None:
            fields = compiled.epoch_fields(inputs, params, rao_emission)
            if fields is not None:  # None: a case the kernel does not cover
                return YumaResult(**fields)
    A = get_backend(backend)
    stake = np.asarray(inputs.stake)
    n = int(stake.shape[0])
    current_block = int(inputs.current_block)

    # -- step 1: activity ----------------------------------------------------------------
    lu_raw = np.asarray(inputs.last_update, dtype=np.int64).reshape(-1)
    last_update = _fit(lu_raw, n, 0, np.int64, copy=False)  # missing: block 0 for the masks
    active = last_update >= current_block - int(params.activity_cutoff)
    if lu_raw.shape[0] < n:
        active[lu_raw.shape[0] :] = False  # ... and inactive
    # inplace_mask_vector skips masking when the mask (LastUpdate) is empty
    activity_ok = active if lu_raw.shape[0] > 0 else np.ones(n, dtype=bool)
    bar = _fit(inputs.block_at_registration, n, 0, np.int64, copy=False)

    owner = inputs.owner_uid
    owner = int(owner) if owner is not None and 0 <= int(owner) < n else None

    # -- step 2: stake -------------------------------------------------------------------
    keep_stake: BoolArray | None = None
    if params.stake_threshold > 0:  # fixed64_to_u64(stake) < threshold -> 0, except the owner
        if inputs.stake_bits is not None:
            floor_stake: Any = np.array(
                [int(b) >> fx.FRAC64 for b in inputs.stake_bits], dtype=object
            )
        elif stake.dtype.kind == "f":
            floor_stake = np.floor(stake)
        else:
            floor_stake = stake
        keep_stake = np.asarray(floor_stake >= params.stake_threshold, dtype=bool)
        if owner is not None:
            keep_stake[owner] = True
    s = A.stake_weights(stake, keep_stake, inputs.stake_bits)

    # -- step 3: validator permits ---------------------------------------------------------
    force_owner = params.owner_always_permitted and owner is not None
    old_permit = _fit(inputs.validator_permit, n, False, bool, copy=force_owner)
    if force_owner:
        old_permit[owner] = True
    new_permit = is_topk(
        A.rank_key(s), int(params.max_allowed_validators), nonzero=params.permit_requires_stake
    )
    if force_owner:
        new_permit[owner] = True

    # -- step 4: active stake --------------------------------------------------------------
    active_stake = A.normalize(s * (activity_ok & old_permit))

    # Only rows that can carry weights (old permits) or bonds take part in the matrix work, so
    # the matrices are k x n (k ~ max_allowed_validators), read once from the stored u16.
    bonds_in = np.asarray(inputs.bonds)
    has_bonds = _rows_with_bonds(bonds_in)
    rows = (old_permit | has_bonds).nonzero()[0]
    k = rows.shape[0]
    sa_k = active_stake[rows]
    lu_k = last_update[rows]

    # -- step 5: weights -------------------------------------------------------------------
    w_u16 = np.asarray(inputs.weights).take(rows, axis=0)
    present: BoolArray | None = None
    if params.yuma3 and params.liquid_alpha:  # entry presence only matters for liquid alpha
        present = (
            (w_u16 > 0)
            if inputs.weights_present is None
            else np.asarray(inputs.weights_present).take(rows, axis=0).astype(bool, copy=False)
        )
    drop_rows = ~old_permit[rows]  # rows kept for their bonds only
    if drop_rows.any():
        w_u16[drop_rows] = 0
        if present is not None:
            present[drop_rows] = False
    diag = diag_positions(rows, n, owner if params.owner_self_weight_kept else None)
    w_u16[diag] = 0
    if present is not None:
        present[diag] = False
    # weights older than the target's registration; committed before it (commit-reveal)
    _zero_where(w_u16, lu_k, bar, np.less_equal, present)
    if inputs.commit_block is not None:
        commit = _fit(inputs.commit_block, n, 2**62, np.int64, copy=False)[rows]
        _zero_where(w_u16, commit, bar, np.less, present)

    # bonds of the block (step 11), masked; none at all: no rows
    b_u16 = bonds_in.take(rows if has_bonds[rows].any() else rows[:0], axis=0)
    if params.bond_mask == "registered_since_last_tempo":
        new_cols = int(inputs.last_tempo) <= bar  # miners registered since the last epoch
        if new_cols.any():
            b_u16[:, new_cols] = 0
    else:  # launch: bond older than the miner's registration
        _zero_where(b_u16, lu_k[: b_u16.shape[0]], bar, np.less_equal)

    # Columns without any weight or bond in the block have zero consensus, incentive and bonds:
    # the matrix work skips those before the first and after the last live column (typically
    # the validators' own UIDs, registered first).
    live = np.bitwise_or.reduce(w_u16, axis=0)
    if b_u16.shape[0]:
        live |= np.bitwise_or.reduce(b_u16, axis=0)
    live_cols = live.nonzero()[0]
    span = slice(live_cols[0], live_cols[-1] + 1) if live_cols.shape[0] else slice(0, 0)
    narrow = span != slice(0, n)
    if narrow:
        w_u16, b_u16 = w_u16[:, span], b_u16[:, span]
        if present is not None:
            present = present[:, span]
    w = A.row_normalize_u16(w_u16, out=_WORK.get("w", w_u16.shape, A.dtype))

    # -- steps 6-9: consensus, clipping, trust, incentive -----------------------------------
    consensus = (
        weighted_median_cols(A, sa_k, w, A.ratio_u16(params.kappa))
        if k
        else np.zeros(w.shape[1], dtype=A.dtype)
    )
    w_clip, present_clip = col_clip(w, consensus, present, out=_WORK.get("clip", w.shape, w.dtype))
    vt = np.zeros(n, dtype=A.dtype)
    vt[rows] = row_sum(w_clip)
    incentive = A.normalize(matmul(A, w_clip, sa_k))

    # -- step 10: weights for bonds ----------------------------------------------------------
    w_b, present_b = interpolate(
        A, w, w_clip, A.ratio_u16(params.bonds_penalty), present, present_clip
    )

    # -- step 11: bonds and dividends ---------------------------------------------------------
    alpha = A.bma_alpha(params.bonds_moving_average)
    if params.yuma3:
        bonds = A.u16_fraction(_bond_rows(b_u16, w.shape))
        if params.liquid_alpha and consensus.shape[0] and (consensus != 0).any():
            alphas = liquid_alpha(
                A,
                consensus,
                w_b,
                bonds,
                A.ratio_u16(params.alpha_low),
                A.ratio_u16(params.alpha_high),
                A.steepness(params.alpha_sigmoid_steepness),
            )
            ema = mat_ema_alpha(
                A, w_b, bonds, alphas, present_b if present_b is not None else w_b > 0
            )
        else:
            ema = mat_ema(A, w_b, bonds, alpha)
        per_validator = matmul_transpose(A, A.col_normalize(ema), incentive)
        dividends_k = vec_mul(A, per_validator, sa_k)
        bonds_new = A.to_u16(ema)  # absolute bonds, stored as floor(b * 65535)
    else:
        ema = A.legacy_bond_ema(w_b, sa_k, b_u16, alpha, out=_WORK.get("ema", w_b.shape, A.dtype))
        dividends_k = matmul_transpose(A, ema, incentive)
        bonds_new = A.stored_legacy_bonds(ema)  # stored column-max-upscaled (ema is consumed)
    dividends = np.zeros(n, dtype=A.dtype)
    dividends[rows] = dividends_k
    dividends = A.normalize(dividends)
    if narrow:  # back to all n columns
        consensus, incentive = _widen(span, n, consensus), _widen(span, n, incentive)
        bonds_new = _widen(span, n, bonds_new)

    # -- step 12: emission ---------------------------------------------------------------------
    combined = incentive + dividends
    emission_sum = combined.sum()
    if emission_sum != 0:  # server, validator and combined shares (normalize(combined) too)
        shares = A.div(np.array([incentive, dividends, combined]), emission_sum)
    else:  # no usable weights: pay validators by active stake (or stake)
        validator_norm = s if active_stake.sum() == 0 else active_stake
        shares = np.array([incentive, validator_norm, validator_norm])

    # -- step 13: outputs ----------------------------------------------------------------------
    # one conversion per output kind (row order as unpacked below)
    values = np.array([s, consensus, vt, incentive, dividends, active_stake])
    u16 = A.to_u16(values[:5])
    f64 = A.to_float(values)
    rao = A.to_rao(shares, rao_emission)
    permit_rows = new_permit.nonzero()[0]
    take = new_permit[rows]
    if take.all():
        bonds_out = _rows_for(permit_rows, rows, bonds_new, n)
    else:
        bonds_out = _rows_for(permit_rows, rows[take], bonds_new[take], n)
    return YumaResult(
        active=active,
        new_validator_permit=new_permit,
        stake_weight=u16[0],
        consensus=u16[1],
        validator_trust=u16[2],
        incentive=u16[3],
        dividends=u16[4],
        incentive_f=f64[3],
        dividends_f=f64[4],
        server_emission=rao[0],
        validator_emission=rao[1],
        emission=rao[2],
        pruning_score=_pruning_scores(A, shares[2]),
        stake_f=f64[0],
        active_stake_f=f64[5],
        consensus_f=f64[1],
        validator_trust_f=f64[2],
        bonds_rows=permit_rows,
        bonds_new=bonds_out,
        bonds_cleared=(old_permit & ~new_permit).nonzero()[0],
        bonds_before=bonds_in,
    )


def _pruning_scores(A: Arith, combined: Array) -> npt.NDArray[np.uint16]:
    """``vec_max_upscale_to_u16`` of the normalised combined emission (run_epoch.rs @
    5073ade): the largest becomes 65535, the others e·65535/max rounded half away from zero.
    Exact on the fixed-point backend; the same formula in float64 on the float one."""
    if A.name == "exact":
        return np.array(fx.vec_max_upscale_to_u16([int(v) for v in combined]), dtype=np.uint16)
    values = np.asarray(combined, dtype=np.float64)
    top = float(values.max()) if values.size else 0.0
    if top <= 0.0:
        return np.zeros(values.shape, dtype=np.uint16)
    return np.minimum(np.floor(values * (fx.U16_MAX / top) + 0.5), fx.U16_MAX).astype(np.uint16)


def _widen(span: slice, n: int, values: Array) -> Array:
    """``values`` given for the columns ``span`` (last axis), as all ``n`` columns (zeros)."""
    out = np.zeros((*values.shape[:-1], n), dtype=values.dtype)
    out[..., span] = values
    return out


def _rows_for(
    targets: Array, have: Array, values: npt.NDArray[np.uint16], n: int
) -> npt.NDArray[np.uint16]:
    """Rows for ``targets`` (ascending UIDs): ``values`` where computed (``have``), else zero."""
    if have.shape[0] == targets.shape[0]:  # every new permit holder was processed (usual case)
        return np.ascontiguousarray(values)
    out = np.zeros((targets.shape[0], n), dtype=np.uint16)
    out[np.searchsorted(targets, have)] = values
    return out
