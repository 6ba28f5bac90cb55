"""Pure, vectorised Yuma Consensus epoch (``epoch_mechanism`` of opentensor/subtensor @ 14bc6f9).

The epoch is written **once** (:func:`epoch`) over a small arithmetic backend:

* ``"exact"`` (:data:`EXACT`): raw ``I32F32`` values in ``numpy.int64`` arrays with the chain's
  rounding (products floor, quotients truncate, ``safe_div`` -> 0), ``I64F64`` stake
  normalisation and ``I96F32`` emission conversion on Python ints. Reproduces the chain
  bit-exactly (all upstream epoch vectors, see ``dtao.conformance.cases_epoch``).
* ``"float"`` (:data:`FLOAT`, default): the same algebra in float64 without truncation. Normalised
  outputs agree with the exact backend to ~1e-9; u16 outputs may differ by one step where the
  chain's truncation lands on a boundary. rao amounts are floored.

Specification: ``shared/spec/yuma.md`` §3 (HEAD) and ``dtao-economics.md`` §9/§11 (launch). Only
rows that can carry weights or bonds (old validator permits, plus any row that still holds bonds)
are processed, so the matrices are ``k x n`` with ``k <= max_allowed_validators`` (+ stragglers),
not ``n x n``.

Sparse-storage semantics that matter for bit-exactness are kept with a *presence* mask next to
the dense values: ``set_weights`` stores explicit zeros, clipping removes entries whose consensus
is 0, and the Yuma3 liquid-alpha EMA only emits entries present in the bonds-weight row (a bond
without a weight entry is dropped, not decayed; spec §3 step 11b).

Public API (called by the block step): :class:`YumaParams`, :class:`YumaInputs`,
:class:`YumaResult`, :func:`epoch`, :func:`max_upscale_weights_u16`, plus the math primitives
(:func:`weighted_median_cols`, :func:`col_clip`, :func:`interpolate`, :func:`mat_ema`,
:func:`mat_ema_alpha`, :func:`matmul`, ... and the backends' ``normalize``/``row_normalize``/
``col_normalize``/``col_max_upscale``/``to_u16``).

Changes against the brief's API sketch (all additive):

* ``YumaInputs.commit_block`` (optional): per-uid block of the earliest unexpired weight commit
  (commit-reveal mask, spec §3 step 5); ``None`` = commit-reveal off.
* ``YumaResult`` also carries ``stake_f``, ``active_stake_f``, ``consensus_f``,
  ``validator_trust_f`` (float, normalised like the u16 outputs).
* ``stake`` may be an integer array (exact rao), a float array (converted with ``from_num(f64)``
  in the exact backend) or an object array of Python ints.
* Launch-era *per-column* liquid alpha on the legacy bonds path (quantile/logistic, removed
  upstream) is not implemented: as at HEAD, ``liquid_alpha`` only acts when ``yuma3`` is on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

from dtao import fixed as fx

Array = npt.NDArray[Any]
BoolArray = npt.NDArray[np.bool_]
Backend = Literal["float", "exact"]
BondMask = Literal["registered_since_last_tempo", "weight_older_than_registration"]

_TWO32 = float(1 << 32)


# ============================================================================================
# arithmetic backends
# ============================================================================================


class Arith(Protocol):
    """Arithmetic used by the epoch; values are raw I32F32 ``int64`` (exact) or ``float64``."""

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

    def from_float(self, x: float) -> Any:
        """Scalar constant (exact backend: ``from_num(f64)``)."""
        ...

    def mul(self, a: Any, b: Any) -> Array:
        """Element-wise product (exact: floor)."""
        ...

    def div(self, a: Any, b: Any) -> Array:
        """Element-wise ``safe_div`` (exact: truncation toward zero; 0 on a zero divisor)."""
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

    def stake_weights(self, stake: Array, keep: BoolArray) -> Array:
        """Normalised stake ``S`` (I64F64 normalisation, then floor to I32F32) of ``stake*keep``."""
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
        return np.asarray(u).astype(np.int64) << 32

    def u16_fraction(self, u: Array) -> Array:
        return (np.asarray(u).astype(np.int64) << 32) // fx.U16_MAX

    def ratio_u16(self, u: int) -> int:
        return fx.u16_proportion_to_fixed(u)

    def from_float(self, x: float) -> int:
        return fx.from_f64(x)

    def mul(self, a: Any, b: Any) -> Array:
        return fx.mul_arr(a, b)

    def div(self, a: Any, b: Any) -> Array:
        return fx.div_arr(a, b)

    def to_u16(self, x: Array) -> npt.NDArray[np.uint16]:
        return fx.fixed_proportion_to_u16_arr(x)

    def to_float(self, x: Array) -> npt.NDArray[np.float64]:
        return np.asarray(x, dtype=np.int64).astype(np.float64) / _TWO32

    def to_rao(self, x: Array, rao_emission: int) -> npt.NDArray[np.int64]:
        raw = np.asarray(x, dtype=np.int64).astype(object)
        scaled = (raw * int(rao_emission)) >> 32  # == I96F32 mul then floor to integer
        return np.clip(scaled, 0, fx.U64_MAX).astype(np.int64)

    def exp_safe(self, x: Array) -> Array:
        return fx.exp_arr(x)

    def stake_weights(self, stake: Array, keep: BoolArray) -> Array:
        raw64 = [_to_i64f64(v) if k else 0 for v, k in zip(stake.tolist(), keep.tolist(), strict=True)]
        total = sum(raw64)
        if total == 0:
            return np.zeros(len(raw64), dtype=np.int64)
        # I64F64 safe_div then drop 32 bits == floor(v * 2^32 / total) for v, total >= 0
        return np.array([fx.fixed64_to_fixed32(fx.safe_div(v, total, 64, 128)) for v in raw64],
                        dtype=np.int64)

    def rank_key(self, s: Array) -> Array:
        return s

    def bma_alpha(self, bonds_moving_average: int) -> int:
        return fx.bonds_moving_average_to_alpha(bonds_moving_average)

    def steepness(self, alpha_sigmoid_steepness: int) -> int:
        return fx.saturating_div(int(alpha_sigmoid_steepness) << 32, -100 << 32)


class FloatArith:
    """float64 numpy arithmetic (no truncation); the fast default."""

    name = "float"
    one = 1.0
    zero = 0.0
    dtype = np.float64

    def from_u16(self, u: Array) -> Array:
        return np.asarray(u, dtype=np.float64)

    def u16_fraction(self, u: Array) -> Array:
        return np.asarray(u, dtype=np.float64) * (1.0 / fx.U16_MAX)

    def ratio_u16(self, u: int) -> float:
        return int(u) / fx.U16_MAX

    def from_float(self, x: float) -> float:
        return float(x)

    def mul(self, a: Any, b: Any) -> Array:
        return np.multiply(a, b)

    def div(self, a: Any, b: Any) -> Array:
        a_arr, b_arr = np.broadcast_arrays(np.asarray(a, dtype=np.float64),
                                           np.asarray(b, dtype=np.float64))
        out = np.zeros(a_arr.shape, dtype=np.float64)
        np.divide(a_arr, b_arr, out=out, where=b_arr != 0)
        return out

    def to_u16(self, x: Array) -> npt.NDArray[np.uint16]:
        return np.clip(np.floor(np.asarray(x) * fx.U16_MAX), 0, fx.U16_MAX).astype(np.uint16)

    def to_float(self, x: Array) -> npt.NDArray[np.float64]:
        return np.asarray(x, dtype=np.float64)

    def to_rao(self, x: Array, rao_emission: int) -> npt.NDArray[np.int64]:
        scaled = np.floor(np.asarray(x, dtype=np.float64) * float(rao_emission))
        return np.clip(scaled, 0, float(2**63 - 1024)).astype(np.int64)

    def exp_safe(self, x: Array) -> Array:
        return np.exp(np.clip(x, -20.0, 20.0))

    def stake_weights(self, stake: Array, keep: BoolArray) -> Array:
        s = np.where(keep, np.asarray(stake, dtype=np.float64), 0.0)
        total = s.sum()
        return s / total if total != 0 else s

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


def _to_i64f64(value: Any) -> int:
    """A stake value as raw I64F64: ints exactly, floats via ``from_num(f64)``."""
    if isinstance(value, int | np.integer):
        return int(value) << 64
    return fx.from_f64(float(value), 64, 128)


# ============================================================================================
# math primitives (dense values + optional presence masks standing in for sparse entries)
# ============================================================================================


def normalize(A: Arith, x: Array) -> Array:
    """Divide by the sum unless the sum is exactly 0 (then unchanged)."""
    total = x.sum()
    if total == 0:
        return x.copy()
    return A.div(x, total)


def row_normalize(A: Arith, m: Array) -> Array:
    """Divide each row with a positive sum by that sum; other rows unchanged."""
    out = m.copy()
    if m.size == 0:
        return out
    sums = m.sum(axis=1)
    rows = sums > 0
    if rows.any():
        out[rows] = A.div(m[rows], sums[rows, None])
    return out


def col_normalize(A: Arith, m: Array) -> Array:
    """Divide each column with a non-zero sum by that sum; other columns unchanged."""
    out = m.copy()
    if m.size == 0:
        return out
    sums = m.sum(axis=0)
    cols = sums != 0
    if cols.all():
        return A.div(m, sums[None, :])
    if cols.any():
        out[:, cols] = A.div(m[:, cols], sums[None, cols])
    return out


def col_max_upscale(A: Arith, m: Array) -> Array:
    """Divide each column by its maximum (taken with 0 as floor) unless that maximum is 0."""
    out = m.copy()
    if m.size == 0:
        return out
    maxes = np.maximum(m.max(axis=0), A.zero)
    cols = maxes != 0
    if cols.any():
        out[:, cols] = A.div(m[:, cols], maxes[None, cols])
    return out


def row_sum(m: Array) -> Array:
    """Sum of each row (plain additions)."""
    return m.sum(axis=1)


def matmul(A: Arith, m: Array, v: Array) -> Array:
    """``r_j = sum_i v_i * m_ij`` (ranks), each product rounded on its own."""
    return A.mul(v[:, None], m).sum(axis=0)


def matmul_transpose(A: Arith, m: Array, v: Array) -> Array:
    """``d_i = sum_j v_j * m_ij`` (legacy dividends)."""
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
    if not pos.any():
        return np.zeros(n_cols, dtype=A.dtype)
    use = normalize(A, stake[pos])
    minority = use.sum() - majority
    sub = w[pos] if not pos.all() else w
    k = sub.shape[0]
    if k == 1:
        return sub[0].copy()
    wt = np.ascontiguousarray(sub.T)  # (n_cols, k): sort along the contiguous axis
    order = np.argsort(wt, axis=1, kind="stable")
    sorted_w = np.take_along_axis(wt, order, axis=1)
    cum = np.cumsum(use[order], axis=1)
    idx = np.minimum((cum <= minority).sum(axis=1), k - 1)
    return sorted_w[np.arange(n_cols), idx]


def mask_diag(present: BoolArray, rows: Array, except_index: int | None = None) -> BoolArray:
    """Drop the self-weights ``(r, rows[r])`` of a row block (``rows`` = UID of each row), except
    the one of ``except_index`` (the subnet owner at HEAD). Returns a new presence mask."""
    out = present.copy()
    k = rows.shape[0]
    drop = rows != except_index if except_index is not None else np.ones(k, dtype=bool)
    cols = rows[drop]
    inside = cols < out.shape[1]
    out[np.arange(k)[drop][inside], cols[inside]] = False
    return out


def vec_mask(first: Array, second: Array, fn: Any = np.less_equal) -> BoolArray:
    """``fn(first[i], second[j])`` for every entry: True = remove (``vec_mask_sparse_matrix``;
    the epoch drops weights with ``last_update[i] <= block_at_registration[j]``)."""
    return np.asarray(fn(np.asarray(first)[:, None], np.asarray(second)[None, :]), dtype=bool)


def col_clip(
    w: Array, c: Array, present: BoolArray | None = None
) -> tuple[Array, BoolArray | None]:
    """``min(w_ij, c_j)``; with a presence mask, entries above a column threshold <= 0 are removed
    (sparse ``col_clip_sparse``)."""
    clipped = np.minimum(w, c[None, :])
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
    out = A.mul(alpha, new) + A.mul(A.one - alpha, old)
    return np.where(out > 0, out, A.zero)


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
    (``>= 2**62`` or ``None`` = no commit / commit-reveal off).
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


@dataclass
class YumaResult:
    """Per-UID epoch outputs. u16 outputs are ``floor(x*65535)``; rao amounts are floored ints.

    ``bonds`` is the new stored bonds matrix: rows of new permit holders replaced by this
    epoch's bonds, rows of UIDs that lost their permit cleared, other rows untouched.
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
    bonds: npt.NDArray[np.uint16]
    server_emission: npt.NDArray[np.int64]
    validator_emission: npt.NDArray[np.int64]
    emission: npt.NDArray[np.int64]
    stake_f: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    active_stake_f: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    consensus_f: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    validator_trust_f: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))


def max_upscale_weights_u16(values: npt.ArrayLike) -> npt.NDArray[np.uint16]:
    """What ``set_weights`` stores for submitted u16 weights: each row (last axis) scaled so its
    maximum becomes 65535, rounded half away from zero (``vec_u16_max_upscale_to_u16``)."""
    return fx.max_upscale_u16_arr(values)


def _fit(values: npt.ArrayLike, n: int, fill: Any, dtype: Any) -> Array:
    arr = np.asarray(values)
    out = np.full(n, fill, dtype=dtype)
    m = min(arr.shape[0], n)
    out[:m] = arr[:m]
    return out


def epoch(
    inputs: YumaInputs,
    params: YumaParams,
    rao_emission: int,
    backend: Backend = "float",
) -> YumaResult:
    """Run one Yuma epoch (spec ``yuma.md`` §3 steps 1-13) and return the outputs.

    ``backend="exact"`` reproduces the chain bit-for-bit; ``"float"`` is the fast float64 path.
    Pure: the inputs are not modified.
    """
    A = get_backend(backend)
    stake = np.asarray(inputs.stake)
    n = int(stake.shape[0])
    current_block = int(inputs.current_block)

    # -- step 1: activity ----------------------------------------------------------------
    lu_raw = np.asarray(inputs.last_update, dtype=np.int64).reshape(-1)
    has_lu = np.zeros(n, dtype=bool)
    has_lu[: min(lu_raw.shape[0], n)] = True
    last_update = _fit(lu_raw, n, 0, np.int64)
    active = has_lu & (last_update + int(params.activity_cutoff) >= current_block)
    # inplace_mask_vector skips masking when the mask (LastUpdate) is empty
    activity_ok = active if lu_raw.shape[0] > 0 else np.ones(n, dtype=bool)
    bar = _fit(inputs.block_at_registration, n, 0, np.int64)

    owner = inputs.owner_uid
    owner = int(owner) if owner is not None and 0 <= int(owner) < n else None

    # -- step 2: stake -------------------------------------------------------------------
    keep_stake = np.ones(n, dtype=bool)
    if params.stake_threshold > 0:
        floor_stake = np.floor(stake.astype(np.float64)) if stake.dtype.kind == "f" else stake
        keep_stake = np.asarray(floor_stake >= params.stake_threshold, dtype=bool)
        if owner is not None:
            keep_stake[owner] = True
    s = A.stake_weights(stake, keep_stake)

    # -- step 3: validator permits ---------------------------------------------------------
    old_permit = _fit(inputs.validator_permit, n, False, bool)
    if params.owner_always_permitted and owner is not None:
        old_permit[owner] = True
    new_permit = is_topk(A.rank_key(s), int(params.max_allowed_validators),
                         nonzero=params.permit_requires_stake)
    if params.owner_always_permitted and owner is not None:
        new_permit[owner] = True

    # -- step 4: active stake --------------------------------------------------------------
    active_stake = normalize(A, np.where(activity_ok & old_permit, s, A.zero))

    # rows that can carry weights (old permits) or bonds
    bonds_in = np.asarray(inputs.bonds)
    rows = np.flatnonzero(old_permit | bonds_in.any(axis=1))
    k = rows.shape[0]
    sa_k = active_stake[rows]

    # -- step 5: weights -------------------------------------------------------------------
    need_presence = params.yuma3 and params.liquid_alpha
    w_u16 = np.asarray(inputs.weights)[rows]
    keep = (w_u16 > 0) if inputs.weights_present is None else np.asarray(
        inputs.weights_present, dtype=bool)[rows].copy()
    keep &= old_permit[rows][:, None]
    keep = mask_diag(keep, rows, owner if params.owner_self_weight_kept else None)
    lu_k = last_update[rows]
    if k and lu_k.min() <= bar.max():
        keep &= ~vec_mask(lu_k, bar, np.less_equal)
    if inputs.commit_block is not None:
        cb = _fit(inputs.commit_block, n, 2**62, np.int64)[rows]
        keep &= ~vec_mask(cb, bar, np.less)
    w = np.where(keep, A.from_u16(w_u16), A.zero)
    w = row_normalize(A, w)
    present = keep if need_presence else None

    # -- steps 6-9: consensus, clipping, trust, incentive -----------------------------------
    kappa = A.ratio_u16(params.kappa)
    consensus = weighted_median_cols(A, sa_k, w, kappa) if k else np.zeros(n, dtype=A.dtype)
    w_clip, present_clip = col_clip(w, consensus, present)
    vt_k = row_sum(w_clip)
    ranks = matmul(A, w_clip, sa_k) if k else np.zeros(n, dtype=A.dtype)
    incentive = normalize(A, ranks)

    # -- step 10: weights for bonds ----------------------------------------------------------
    beta = A.ratio_u16(params.bonds_penalty)
    w_b, present_b = interpolate(A, w, w_clip, beta, present, present_clip)

    # -- step 11: bonds and dividends ---------------------------------------------------------
    b_u16 = bonds_in[rows]
    if params.bond_mask == "registered_since_last_tempo":
        bond_keep = (int(inputs.last_tempo) > bar)[None, :]
    else:
        bond_keep = ~vec_mask(lu_k, bar, np.less_equal)
    dividends = np.zeros(n, dtype=A.dtype)
    if params.yuma3:
        bonds = np.where(bond_keep, A.u16_fraction(b_u16), A.zero)
        if params.liquid_alpha and consensus.shape[0] and (consensus != 0).any():
            alphas = liquid_alpha(
                A, consensus, w_b, bonds, A.ratio_u16(params.alpha_low),
                A.ratio_u16(params.alpha_high), A.steepness(params.alpha_sigmoid_steepness))
            pres = present_b if present_b is not None else w_b > 0
            ema = mat_ema_alpha(A, w_b, bonds, alphas, pres)
        else:
            ema = mat_ema(A, w_b, bonds, A.bma_alpha(params.bonds_moving_average))
        ema_norm = col_normalize(A, ema)
        per_validator = row_sum(mat_vec_mul(A, ema_norm, incentive))
        dividends[rows] = vec_mul(A, per_validator, sa_k)
        dividends = normalize(A, dividends)
        bonds_out_k = A.to_u16(ema)
    else:
        bonds = col_normalize(A, np.where(bond_keep, A.from_u16(b_u16), A.zero))
        delta = col_normalize(A, row_hadamard(A, w_b, sa_k))
        ema = col_normalize(A, mat_ema(A, delta, bonds, A.bma_alpha(params.bonds_moving_average)))
        dividends[rows] = matmul_transpose(A, ema, incentive)
        dividends = normalize(A, dividends)
        bonds_out_k = A.to_u16(col_max_upscale(A, ema))

    # -- step 12: emission ---------------------------------------------------------------------
    combined = incentive + dividends
    emission_sum = combined.sum()
    if emission_sum != 0:
        server_norm = A.div(incentive, emission_sum)
        validator_norm = A.div(dividends, emission_sum)
    else:
        server_norm = incentive
        validator_norm = dividends
    combined_norm = normalize(A, combined)
    if emission_sum == 0:
        fallback = s if active_stake.sum() == 0 else active_stake
        validator_norm = fallback
        combined_norm = fallback

    # -- step 13: outputs, bonds persistence ---------------------------------------------------
    vt = np.zeros(n, dtype=A.dtype)
    vt[rows] = vt_k
    bonds_out = bonds_in.astype(np.uint16, copy=True)
    bonds_out[old_permit & ~new_permit] = 0
    bonds_out[new_permit] = 0
    take = new_permit[rows]
    bonds_out[rows[take]] = bonds_out_k[take]

    return YumaResult(
        active=active,
        new_validator_permit=new_permit,
        stake_weight=A.to_u16(s),
        consensus=A.to_u16(consensus),
        validator_trust=A.to_u16(vt),
        incentive=A.to_u16(incentive),
        dividends=A.to_u16(dividends),
        incentive_f=A.to_float(incentive),
        dividends_f=A.to_float(dividends),
        bonds=bonds_out,
        server_emission=A.to_rao(server_norm, rao_emission),
        validator_emission=A.to_rao(validator_norm, rao_emission),
        emission=A.to_rao(combined_norm, rao_emission),
        stake_f=A.to_float(s),
        active_stake_f=A.to_float(active_stake),
        consensus_f=A.to_float(consensus),
        validator_trust_f=A.to_float(vt),
    )
