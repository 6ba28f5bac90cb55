"""Compiled (numba) float64 kernel of the legacy-bonds Yuma epoch (the launch era's path).

:func:`dtao.yuma.epoch` hands a ``"float"`` epoch to :func:`epoch_fields` when numba is
installed and compilation is not switched off (``DTAO_NO_JIT=1``, or ``DTAO_NO_FAST=1``, the
suite's reference mode); this module returns ``None`` for inputs it does not cover and the numpy
float code runs instead. The numpy float backend stays the reference.

Covered: ``yuma3`` off (legacy bonds; ``liquid_alpha`` is then not consulted, as in numpy),
``0 <= 1 - bonds_moving_average / 1e6 <= 1``, any ``bonds_penalty`` and ``kappa``, the stake
threshold (applied here as in numpy, ``stake_bits`` included), both bond-mask rules, the
HEAD/launch permit and self-weight switches, the commit-reveal mask, and ``n >= 1`` UIDs with
``(n, n)`` u16 weights and bonds (a view of larger storage is copied first).

The kernel follows :class:`dtao.yuma.FloatArith` operation by operation: the same row
normalisation by a reciprocal, the same packed sort keys for the weighted median (value bits
with the low bits cleared for the row index; the keys are sorted by numpy between the two
compiled halves, as numba's sort is far slower on many short rows), sequential cumulative stake,
numpy's pairwise summation for every ``sum()``, the same span of live columns, stable top-k
permits, the fused legacy bond EMA and the same u16 / rao / pruning-score conversions. Only the
three matrix-vector products (stake-weighted ranks and the EMA's column sums: in row order;
dividends: four lanes) add in another order than BLAS, so those values, and what follows from
them, may differ from the numpy backend in the last bits (a u16 or rao step at a rounding edge).

The module imports without numba (:data:`AVAILABLE` is then false and :func:`epoch_fields`
returns ``None``); nothing in ``dtao`` imports it except :func:`dtao.yuma.epoch`, lazily.
"""

from __future__ import annotations

import importlib
import time
from typing import Any

import numpy as np
import numpy.typing as npt

try:
    numba: Any = importlib.import_module("numba")
except ImportError:  # pragma: no cover - exercised only where numba is not installed
    numba = None

#: Whether numba imported (the kernel then compiles, or loads from its cache, on first use).
AVAILABLE = numba is not None

_TWO32 = 2.0**32
_U16_MAX = 65535.0
_U16_MAX_UP = 65535.0 * (1.0 + 2.0**-48)  # dtao.yuma._U16_MAX_UP
_RAO_MAX = float(2**63 - 1024)
_NO_COMMIT = 2**62
_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1
_NO_ORDER = np.zeros(0, dtype=np.int64)


def _jit() -> Any:
    """``numba.njit(cache=True)`` (compiled on first call, per argument types, and cached on
    disk next to this file); a no-op decorator without numba."""
    if numba is None:  # pragma: no cover
        return lambda fn: fn
    return numba.njit(cache=True)


@_jit()
def _block_sum(a: Any) -> float:  # pragma: no cover - compiled
    """numpy's pairwise sum of a run of at most 128 values (eight lanes, then the rest)."""
    n = a.shape[0]
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[0], a[1], a[2], a[3]
    r4, r5, r6, r7 = a[4], a[5], a[6], a[7]
    end = n - n % 8
    for i in range(8, end, 8):
        r0 += a[i]
        r1 += a[i + 1]
        r2 += a[i + 2]
        r3 += a[i + 3]
        r4 += a[i + 4]
        r5 += a[i + 5]
        r6 += a[i + 6]
        r7 += a[i + 7]
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for i in range(end, n):
        res += a[i]
    return res


@_jit()
def _pairwise(a: Any, frames: Any, lefts: Any) -> float:  # pragma: no cover - compiled
    """``a.sum()`` exactly as numpy adds a contiguous float64 vector: runs of at most 128 by
    :func:`_block_sum`; a longer run is split at ``n // 2`` rounded down to a multiple of 8 and
    its halves added (left + right). Evaluated on an explicit stack (``frames``: ``(64, 3)``
    int64 start/length/stage, ``lefts``: 64 floats), as numba cannot reload a cached recursive
    function."""
    n = a.shape[0]
    if n <= 128:
        return _block_sum(a)
    frames[0, 0], frames[0, 1], frames[0, 2] = 0, n, 0
    depth = 1
    while True:
        top = depth - 1
        start, length = frames[top, 0], frames[top, 1]
        if length > 128:  # split; the left half first (stage 1: waiting for it)
            half = length // 2
            half -= half % 8
            frames[top, 2] = 1
            frames[depth, 0], frames[depth, 1], frames[depth, 2] = start, half, 0
            depth += 1
            continue
        value = _block_sum(a[start : start + length])
        depth -= 1
        while depth:  # hand the value up; a finished left half starts its right sibling
            p = depth - 1
            if frames[p, 2] == 1:
                lefts[p] = value
                frames[p, 2] = 2
                half = frames[p, 1] // 2
                half -= half % 8
                frames[depth, 0] = frames[p, 0] + half
                frames[depth, 1] = frames[p, 1] - half
                frames[depth, 2] = 0
                depth += 1
                break
            value = lefts[p] + value
            depth -= 1
        if not depth:
            return value


@_jit()
def _normalize(x: Any, frames: Any, lefts: Any) -> None:  # pragma: no cover - compiled
    """``FloatArith.normalize`` in place: divide by the (pairwise) sum unless it is 0."""
    total = _pairwise(x, frames, lefts)
    if total != 0:
        for i in range(x.shape[0]):
            x[i] = x[i] / total


@_jit()
def _dot(a: Any, b: Any) -> float:  # pragma: no cover - compiled
    """``sum(a * b)`` in four lanes (a BLAS-like order; not numpy's bits)."""
    n = a.shape[0]
    s0 = s1 = s2 = s3 = 0.0
    end = n - n % 4
    for c in range(0, end, 4):
        s0 += a[c] * b[c]
        s1 += a[c + 1] * b[c + 1]
        s2 += a[c + 2] * b[c + 2]
        s3 += a[c + 3] * b[c + 3]
    for c in range(end, n):
        s0 += a[c] * b[c]
    return (s0 + s1) + (s2 + s3)


@_jit()
def _prepare(  # pragma: no cover - compiled
    stake: Any,
    lu_raw: Any,
    bar_raw: Any,
    permit_raw: Any,
    commit_raw: Any,
    weights: Any,
    bonds: Any,
    cutoff: int,
    last_tempo: int,
    owner: int,
    has_commit: bool,
    owner_kept: bool,
    owner_always: bool,
    mask_since_tempo: bool,
    kappa: float,
) -> Any:
    """Steps 1-5 and the median's sort keys (:func:`dtao.yuma.epoch` up to ``_column_order``).

    Loops index from 0 (slices of the live span) so that numba can vectorise them."""
    n = stake.shape[0]
    frames = np.empty((64, 3), np.int64)
    lefts = np.empty(64)
    # -- step 1: activity (a missing last_update: block 0 and inactive)
    n_lu = lu_raw.shape[0]
    last_update = np.zeros(n, np.int64)
    active = np.zeros(n, np.bool_)
    for i in range(min(n, n_lu)):
        last_update[i] = lu_raw[i]
        active[i] = lu_raw[i] >= cutoff
    bar = np.zeros(n, np.int64)
    for i in range(min(n, bar_raw.shape[0])):
        bar[i] = bar_raw[i]
    commit = np.full(n, _NO_COMMIT, np.int64)
    if has_commit:
        for i in range(min(n, commit_raw.shape[0])):
            commit[i] = commit_raw[i]

    # -- step 2: stake weights
    s = stake.copy()
    _normalize(s, frames, lefts)

    # -- step 3: permits; the sort key floor(s * 2^32) (numpy sorts it, _finish selects)
    old_permit = np.zeros(n, np.bool_)
    for i in range(min(n, permit_raw.shape[0])):
        old_permit[i] = permit_raw[i]
    if owner_always and owner >= 0:
        old_permit[owner] = True
    rank_key = np.empty(n)
    for i in range(n):
        rank_key[i] = np.floor(s[i] * _TWO32)

    # -- step 4: active stake
    active_stake = np.empty(n)
    for i in range(n):
        ok = (active[i] or n_lu == 0) and old_permit[i]
        active_stake[i] = s[i] * (1.0 if ok else 0.0)
    _normalize(active_stake, frames, lefts)

    # rows that can carry weights (old permits) or bonds
    has_bonds = np.zeros(n, np.bool_)
    any_bonds = False
    for i in range(n):
        src = bonds[i]
        acc = 0
        for j in range(n):
            acc |= src[j]
        if acc != 0:
            has_bonds[i] = True
            any_bonds = True
    k = 0
    for i in range(n):
        if old_permit[i] or has_bonds[i]:
            k += 1
    rows = np.empty(k, np.int64)
    k = 0
    for i in range(n):
        if old_permit[i] or has_bonds[i]:
            rows[k] = i
            k += 1
    sa = np.empty(k)
    for r in range(k):
        sa[r] = active_stake[rows[r]]

    # -- step 5: weights (self-weights, outdated, committed before registration: dropped);
    # ``live[j]`` counts the entries of column j (``staked[j]``: those in rows with active
    # stake, which the median sorts), ``row_total`` the u16 row sums
    max_bar = bar.max()
    except_uid = owner if owner_kept else -1
    live = np.zeros(n, np.int64)
    staked = np.zeros(n, np.int64)
    row_total = np.zeros(k)
    w = np.empty((k, n))
    for r in range(k):
        i = rows[r]
        wr = w[r]
        if not old_permit[i]:  # a row kept for its bonds only
            wr[:] = 0.0
            continue
        src = weights[i]
        lur = last_update[i]
        cm = commit[i]
        pos = 1 if sa[r] > 0 else 0
        total = 0
        if lur > max_bar and cm >= max_bar:  # no entry of this row is outdated
            for j in range(n):
                v = src[j]
                wr[j] = v
                total += v
                nz = 1 if v != 0 else 0
                live[j] += nz
                staked[j] += nz * pos
        else:
            for j in range(n):
                v = src[j]
                keep = v != 0 and lur > bar[j] and cm >= bar[j]
                wr[j] = v if keep else 0
                if keep:
                    total += v
                    live[j] += 1
                    staked[j] += pos
        if i != except_uid and wr[i] != 0.0:
            total -= src[i]
            live[i] -= 1
            staked[i] -= pos
            wr[i] = 0.0
        row_total[r] = total
    # masked bonds of the block (step 11) and their column sums (exact); none at all: no rows
    sum_b = np.zeros(n)
    if any_bonds:
        bk = np.empty((k, n))
        for r in range(k):
            i = rows[r]
            src = bonds[i]
            br = bk[r]
            lur = last_update[i]
            for j in range(n):
                v = src[j]
                if mask_since_tempo:  # HEAD: miners registered since the last epoch
                    keep = v != 0 and last_tempo > bar[j]
                else:  # launch: bonds older than the miner's registration
                    keep = v != 0 and lur > bar[j]
                br[j] = v if keep else 0
                if keep:
                    sum_b[j] += v
                    live[j] += 1
    else:
        bk = np.empty((0, 0))
    # live columns: the first through the last with any weight or bond
    lo = 0
    while lo < n and live[lo] == 0:
        lo += 1
    hi = n
    while hi > lo and live[hi - 1] == 0:
        hi -= 1
    if lo == n:
        lo = hi = 0
    m = hi - lo

    # row normalisation, scaled by the reciprocal as FloatArith.row_normalize_u16 does
    for r in range(k):
        ws = w[r, lo:hi]
        recip = 1.0 / max(row_total[r], 1.0)
        for c in range(m):
            ws[c] = ws[c] * recip

    # -- step 6 (keys): rows with positive stake, re-normalised; packed value|row sort keys
    kp = 0
    for r in range(k):
        if sa[r] > 0:
            kp += 1
    prow = np.empty(kp, np.int64)
    kp = 0
    for r in range(k):
        if sa[r] > 0:
            prow[kp] = r
            kp += 1
    use = np.empty(kp)
    for t in range(kp):
        use[t] = sa[prow[t]]
    _normalize(use, frames, lefts)
    minority = _pairwise(use, frames, lefts) - kappa
    bits = 0
    x = max(kp - 1, 1)
    while x:
        bits += 1
        x >>= 1
    low_mask = (np.int64(1) << bits) - 1
    n_key_cols = 0
    key_cols = np.empty(m, np.int64)
    if kp >= 2:  # columns with a weight among the staked rows (others: consensus 0)
        for c in range(lo, hi):
            if staked[c] > 0:
                key_cols[n_key_cols] = c
                n_key_cols += 1
    keys = np.empty((n_key_cols, kp), np.int64)
    w_bits = w.view(np.int64)
    for t in range(kp):
        row_bits = w_bits[prow[t]]
        for q in range(n_key_cols):
            keys[q, t] = (row_bits[key_cols[q]] & ~low_mask) | t
    return (
        active,
        rank_key,
        old_permit,
        s,
        active_stake,
        rows,
        sa,
        w,
        bk,
        sum_b,
        any_bonds,
        lo,
        hi,
        prow,
        use,
        minority,
        low_mask,
        key_cols[:n_key_cols],
        keys,
    )


@_jit()
def _finish(  # pragma: no cover - compiled
    active: Any,
    rank_key: Any,
    old_permit: Any,
    s: Any,
    active_stake: Any,
    rows: Any,
    sa: Any,
    w: Any,
    bk: Any,
    sum_b: Any,
    any_bonds: bool,
    lo: int,
    hi: int,
    prow: Any,
    use: Any,
    minority: float,
    low_mask: int,
    key_cols: Any,
    keys: Any,
    order: Any,
    max_validators: int,
    permit_requires_stake: bool,
    owner: int,
    penalty: float,
    alpha: float,
    rao: float,
) -> Any:
    """The new permits from ``order`` (the stable ascending argsort of ``rank_key``; empty when
    ``n < max_validators``), then steps 6-13 from the sorted keys: consensus, clip, trust,
    incentive, bonds, dividends, emission and the outputs. Span vectors (``m`` live columns)
    are indexed from 0. ``owner``: the UID whose permit is forced (-1: none)."""
    n = s.shape[0]
    k = rows.shape[0]
    kp = prow.shape[0]
    m = hi - lo
    frames = np.empty((64, 3), np.int64)
    lefts = np.empty(64)

    # -- step 3: permits, the k largest keys (the first n - k of the stable order lose)
    new_permit = np.ones(n, np.bool_)
    if permit_requires_stake:
        for i in range(n):
            new_permit[i] = rank_key[i] != 0
    for t in range(min(order.shape[0], n - max_validators)):
        new_permit[order[t]] = False
    if owner >= 0:
        new_permit[owner] = True

    # -- step 6: consensus, the first sorted entry whose cumulative stake exceeds the minority
    # (the last one if none does)
    consensus = np.zeros(n)
    cons = consensus[lo:hi]
    if kp == 1:
        top_row = w[prow[0], lo:hi]
        for c in range(m):
            cons[c] = top_row[c]
    else:
        for q in range(key_cols.shape[0]):
            sorted_keys = keys[q]
            cum = 0.0
            for t in range(kp):
                idx = sorted_keys[t] & low_mask
                cum += use[idx]
                if cum > minority or t == kp - 1:
                    consensus[key_cols[q]] = w[prow[idx], key_cols[q]]
                    break

    # -- steps 7-10: clip, validator trust, ranks; the weights for bonds (in place of w) and
    # their stake-weighted column sums
    vt = np.zeros(n)
    ranks = np.zeros(m)
    sum_t = np.zeros(m)
    clipped = np.empty(m)
    for r in range(k):
        sr = sa[r]
        wr = w[r, lo:hi]
        for c in range(m):
            cl = min(wr[c], cons[c])
            clipped[c] = cl
            ranks[c] += sr * cl
        vt[rows[r]] = _pairwise(clipped, frames, lefts)
        if penalty == 1.0:
            for c in range(m):
                wr[c] = clipped[c]
        elif penalty != 0.0:
            for c in range(m):
                wr[c] = wr[c] + penalty * (clipped[c] - wr[c])
        for c in range(m):
            sum_t[c] += sr * wr[c]
    incentive = np.zeros(n)
    inc = incentive[lo:hi]
    total = _pairwise(ranks, frames, lefts)
    for c in range(m):
        inc[c] = ranks[c] / total if total != 0 else ranks[c]

    # -- step 11: legacy bond EMA, colnorm(a * colnorm(w_b o S) + (1 - a) * colnorm(B)) as
    # FloatArith.legacy_bond_ema fuses it: (S_i * g_j) * w_b_ij + B_ij * f_j
    g = np.empty(m)
    fac = np.zeros(m)
    sb = sum_b[lo:hi]
    for c in range(m):
        has_t = sum_t[c] > 0
        share = 1.0
        if any_bonds:
            has_b = sb[c] > 0
            fac[c] = (1.0 - alpha if has_t else 1.0) / (sb[c] if has_b else 1.0)
            share = alpha if has_b else 1.0
        g[c] = share / (sum_t[c] if has_t else 1.0)
    dividends = np.zeros(n)
    col_max = np.zeros(m)
    for r in range(k):
        sr = sa[r]
        wr = w[r, lo:hi]
        if any_bonds:
            br = bk[r, lo:hi]
            for c in range(m):
                wr[c] = (sr * g[c]) * wr[c] + br[c] * fac[c]
        else:
            for c in range(m):
                wr[c] = (sr * g[c]) * wr[c]
        for c in range(m):
            col_max[c] = max(col_max[c], wr[c])
        dividends[rows[r]] = _dot(wr, inc)
    _normalize(dividends, frames, lefts)

    # stored bonds: floor(65535 * ema / column max), the rows of the new permit holders
    scale = np.empty(m)
    for c in range(m):
        scale[c] = _U16_MAX_UP / (col_max[c] if col_max[c] > 0 else 1.0)
    slot = np.empty(n, np.int64)
    n_permits = 0
    n_cleared = 0
    for i in range(n):
        slot[i] = n_permits
        if new_permit[i]:
            n_permits += 1
        elif old_permit[i]:
            n_cleared += 1
    permit_rows = np.empty(n_permits, np.int64)
    cleared = np.empty(n_cleared, np.int64)
    n_cleared = 0
    for i in range(n):
        if new_permit[i]:
            permit_rows[slot[i]] = i
        elif old_permit[i]:
            cleared[n_cleared] = i
            n_cleared += 1
    bonds_out = np.zeros((n_permits, n), np.uint16)
    for r in range(k):
        i = rows[r]
        if new_permit[i]:
            out = bonds_out[slot[i], lo:hi]
            wr = w[r, lo:hi]
            for c in range(m):
                out[c] = np.uint16(wr[c] * scale[c])

    # -- step 12: emission shares
    combined = np.empty(n)
    for i in range(n):
        combined[i] = incentive[i] + dividends[i]
    emission_sum = _pairwise(combined, frames, lefts)
    shares = np.empty((3, n))
    if emission_sum != 0:
        for i in range(n):
            shares[0, i] = incentive[i] / emission_sum
            shares[1, i] = dividends[i] / emission_sum
            shares[2, i] = combined[i] / emission_sum
    else:  # no usable weights: validators by active stake (or stake)
        norm = s if _pairwise(active_stake, frames, lefts) == 0 else active_stake
        for i in range(n):
            shares[0, i] = incentive[i]
            shares[1, i] = norm[i]
            shares[2, i] = norm[i]

    # -- step 13: outputs (u16: floor(x * 65535) saturated; rao: floor, saturated)
    values = np.empty((6, n))
    values[0] = s
    values[1] = consensus
    values[2] = vt
    values[3] = incentive
    values[4] = dividends
    values[5] = active_stake
    u16 = np.empty((5, n), np.uint16)
    for q in range(5):
        for i in range(n):
            u16[q, i] = np.uint16(min(max(values[q, i] * _U16_MAX, 0.0), _U16_MAX))
    rao_out = np.empty((3, n), np.int64)
    for q in range(3):
        for i in range(n):
            rao_out[q, i] = np.int64(min(max(np.floor(shares[q, i] * rao), 0.0), _RAO_MAX))
    pruning = np.zeros(n, np.uint16)
    top = shares[2].max()
    if top > 0.0:  # vec_max_upscale_to_u16, rounded half away from zero
        up = _U16_MAX / top
        for i in range(n):
            pruning[i] = np.uint16(min(np.floor(shares[2, i] * up + 0.5), _U16_MAX))
    return active, new_permit, values, u16, rao_out, pruning, permit_rows, bonds_out, cleared


def _vector(values: Any, dtype: Any) -> npt.NDArray[Any]:
    """``values`` flattened, as a contiguous ``dtype`` vector (no copy when it already is)."""
    return np.ascontiguousarray(np.asarray(values).reshape(-1), dtype=dtype)


def _i64(value: int) -> bool:
    return _I64_MIN <= value <= _I64_MAX


def epoch_fields(inputs: Any, params: Any, rao_emission: int) -> dict[str, Any] | None:
    """The :class:`dtao.yuma.YumaResult` fields of one float epoch, or ``None`` when the kernel
    does not cover these inputs/params (or numba is unavailable).

    ``inputs``/``params`` are :class:`dtao.yuma.YumaInputs`/:class:`dtao.yuma.YumaParams`
    (read by attribute; this module does not import :mod:`dtao.yuma`). Pure: nothing is written
    into the inputs.
    """
    if not AVAILABLE or params.yuma3:
        return None
    alpha = 1.0 - int(params.bonds_moving_average) / 1_000_000  # FloatArith.bma_alpha
    if not 0.0 <= alpha <= 1.0:  # negative EMA terms: the numpy path's step-by-step EMA
        return None
    stake = np.asarray(inputs.stake)
    if stake.ndim != 1 or not stake.shape[0]:
        return None
    n = stake.shape[0]
    weights = np.asarray(inputs.weights)
    bonds = np.asarray(inputs.bonds)
    if (
        weights.dtype != np.uint16
        or bonds.dtype != np.uint16
        or weights.shape != (n, n)
        or bonds.shape != (n, n)
    ):
        return None
    current_block = int(inputs.current_block)
    cutoff = current_block - int(params.activity_cutoff)
    last_tempo = int(inputs.last_tempo)
    max_validators = int(params.max_allowed_validators)
    if not (_i64(cutoff) and _i64(last_tempo) and _i64(max_validators)):
        return None
    owner = inputs.owner_uid
    owner = int(owner) if owner is not None and 0 <= int(owner) < n else -1
    stake_f = np.ascontiguousarray(stake, dtype=np.float64)
    threshold = params.stake_threshold
    if threshold > 0:  # step 2 of dtao.yuma.epoch: floor(stake) < threshold -> 0, not the owner
        if inputs.stake_bits is not None:
            floor_stake: Any = np.array([int(b) >> 64 for b in inputs.stake_bits], dtype=object)
        elif stake.dtype.kind == "f":
            floor_stake = np.floor(stake)
        else:
            floor_stake = stake
        keep = np.asarray(floor_stake >= threshold, dtype=bool)
        if owner >= 0:
            keep[owner] = True
        stake_f = np.where(keep, stake_f, 0.0)
    has_commit = inputs.commit_block is not None
    commit = _vector(inputs.commit_block if has_commit else (), np.int64)
    prepared = _prepare(
        stake_f,
        _vector(inputs.last_update, np.int64),
        _vector(inputs.block_at_registration, np.int64),
        _vector(inputs.validator_permit, np.bool_),
        commit,
        np.ascontiguousarray(weights),  # a view of a larger matrix is copied: one compiled
        np.ascontiguousarray(bonds),  # layout, and row scans that vectorise
        cutoff,
        last_tempo,
        owner,
        has_commit,
        bool(params.owner_self_weight_kept),
        bool(params.owner_always_permitted),
        params.bond_mask == "registered_since_last_tempo",
        int(params.kappa) / 65535,
    )
    # numpy sorts between the halves: its (vectorised) sorts beat numba's by far
    keys = prepared[-1]
    if keys.shape[0] and keys.shape[1] > 1:
        keys.sort(axis=1)  # each column's packed value|row keys
    order = np.argsort(prepared[1], kind="stable") if n >= max_validators else _NO_ORDER
    (active, permit, values, u16, rao, pruning, permit_rows, bonds_new, cleared) = _finish(
        *prepared,
        order,
        max_validators,
        bool(params.permit_requires_stake),
        owner if params.owner_always_permitted else -1,
        int(params.bonds_penalty) / 65535,
        alpha,
        float(rao_emission),
    )
    return {
        "active": active,
        "new_validator_permit": permit,
        "stake_weight": u16[0],
        "consensus": u16[1],
        "validator_trust": u16[2],
        "incentive": u16[3],
        "dividends": u16[4],
        "incentive_f": values[3],
        "dividends_f": values[4],
        "server_emission": rao[0],
        "validator_emission": rao[1],
        "emission": rao[2],
        "pruning_score": pruning,
        "stake_f": values[0],
        "active_stake_f": values[5],
        "consensus_f": values[1],
        "validator_trust_f": values[2],
        "bonds_rows": permit_rows,
        "bonds_new": bonds_new,
        "bonds_cleared": cleared,
        "bonds_before": bonds,
    }


def warm_up() -> tuple[float, str]:
    """Run the kernel once on a tiny network: ``(seconds, how)``, ``how`` = ``"compiled"``
    (numba compiled the kernel now and stored it in its on-disk cache), ``"cached"`` (loaded
    from that cache, or already loaded in this process) or ``"unavailable"`` (no numba)."""
    if not AVAILABLE:
        return 0.0, "unavailable"

    class _Params:
        yuma3 = False
        stake_threshold = 0
        bonds_moving_average = 900_000
        activity_cutoff = 5000
        max_allowed_validators = 64
        owner_self_weight_kept = False
        permit_requires_stake = False
        owner_always_permitted = False
        bond_mask = "weight_older_than_registration"
        kappa = 32767
        bonds_penalty = 0

    class _Inputs:
        current_block = 10
        last_tempo = 5
        stake = np.array([3, 1, 0], dtype=np.int64)
        last_update = np.array([9, 9, 9], dtype=np.int64)
        block_at_registration = np.zeros(3, dtype=np.int64)
        validator_permit = np.array([True, True, False])
        owner_uid = None
        weights = np.array([[0, 0, 65535], [0, 0, 65535], [0, 0, 0]], dtype=np.uint16)
        bonds = np.zeros((3, 3), dtype=np.uint16)
        commit_block = None
        stake_bits = None

    def misses() -> int:
        return sum(sum(f.stats.cache_misses.values()) for f in (_prepare, _finish))

    before = misses()
    start = time.perf_counter()
    epoch_fields(_Inputs(), _Params(), 10**9)
    seconds = time.perf_counter() - start
    return seconds, "compiled" if misses() > before else "cached"
