"""Per-block coinbase of the launch era, vectorised over every subnet (dtao-economics.md §3a,
§4, §5a, §14b steps 2-5; ``run_coinbase`` in coinbase/run_coinbase.rs @ 5073ade).

Per block, for all non-root subnets i at once (float64, each write floored to rao):

1. E from total issuance; T_i = ⌊E·m_i/Σm⌋ exactly in I96F32 bits (0 for all if Σm = 0).
2. Eα_i from A_i = x_i + o_i; alpha_in_i = min(T_i/p_i, Eα_i) (Eα_i if p_i = 0);
   x += ⌊alpha_in⌋, o += Eα, y += ⌊T_i⌋, I += ⌊T_i⌋ (zeroed when registration is closed).
3. owner cut c = Eα·cut → PendingOwnerCut += ⌊c⌋; X' = Eα − c;
   rp = tw·R/(tw·R + A_i) with A_i after step 2; root alpha r = rp·X'/2 is sold into the pool
   at once (fee-free, exact constant product) → PendingRootDivs (TAO);
   PendingAlphaSwapped += ⌊r⌋; PendingEmission += ⌊X' − r⌋.
4. EMA: m ← a·min(p, 1) + (1 − a)·m with p read after the sale (exact I96F32).

The pool never loses: the root sale uses the exact integer pool math (float only screens the
easy lanes; any lane within rounding distance of an integer or of the liquidity guard is
recomputed exactly).

Speed: the common block (subnets 1 … n, no halving, EMA cap 1.0, no warm-up) runs through
:func:`_inject_launch_fast`, which writes the same numbers as :func:`_inject_launch_general`
with scalar alpha emission, preallocated buffers and cheaper (equally exact) screens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from dtao.emission import (
    FRAC32,
    ONE32,
    SHARE_RULES,
    alpha_emissions,
    block_emission,
    ema_cap_bits,
    price_bits,
    share_rule,
    tao_in_by_ema_price,
    updated_moving_price_bits,
)
from dtao.errors import ConfigError
from dtao.params import Params
from dtao.pools import constant_product as cp
from dtao.state import State, contiguous_subnets

_FRAC18 = 2.0**-18
_TWO32 = float(ONE32)
_EXACT_F64 = 2.0**53  # integers below this convert to float64 exactly
_K_SCREEN_MAX = 1e32  # x·y bound of the fast root-sale screen, below the I110F18 saturation


def sell_alpha_many(
    y: np.ndarray, x: np.ndarray, alpha: np.ndarray, min_liquidity: int
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`cp.sim_swap_alpha_for_tao`: (TAO out, refused mask), exact.

    The chain pays ⌊y − ⌊x·y/(x+Δ)⌋₁₈⌋ (new reserve floored to 2^-18), i.e. ⌊y·Δ/(x+Δ) + ε⌋
    with 0 ≤ ε < 2^-18. float64 screens every lane; a lane within rounding distance of an
    integer step, near the liquidity guard, or with k beyond float-exact range (> 1e30) is
    recomputed with the integer function.
    """
    q = y.astype(np.float64) * alpha / np.maximum(x + alpha, 1)
    tol = 1e-6 + q * 4e-15
    shifted = q + (_FRAC18 + tol)
    out = shifted.astype(np.int64)  # floor
    unsure = shifted - out < _FRAC18 + 2 * tol
    new_reserve = y - out
    refused = new_reserve < min_liquidity
    unsure |= np.abs(new_reserve - min_liquidity) < 2
    if float(y.max(initial=0)) * float(x.max(initial=0)) > 1e30:
        unsure[:] = True
    unsure &= alpha > 0
    for lane in np.flatnonzero(unsure):
        exact = cp.sim_swap_alpha_for_tao(
            int(y[lane]), int(x[lane]), int(alpha[lane]), min_liquidity
        )
        refused[lane] = exact is None
        out[lane] = 0 if exact is None else exact
    refused &= alpha > 0
    out[refused | (alpha == 0)] = 0
    return out, refused


def inject_launch(state: State, subnets: int | None = None) -> None:
    """Launch injection, split and root-alpha sale, on whole columns at once.

    Runs :func:`_inject_launch_fast` when the block qualifies (the common case) and the
    general :func:`_inject_launch_general` otherwise; both write the same numbers.
    ``subnets``: :func:`contiguous_subnets` of this state, if the caller has it.
    """
    if not _inject_launch_fast(state, subnets):
        _inject_launch_general(state)


def _inject_launch_general(state: State) -> None:
    """The launch coinbase for any state (gaps, halvings, warm-up, uncapped EMA, …).

    Works on views of rows 1 … highest netuid; rows that hold no subnet are masked to zero,
    so there is no gather or scatter: every write is an in-place column update.
    """
    params = state.params
    cols = state.columns
    rows = slice(1, int(np.flatnonzero(cols.exists)[-1]) + 1)
    live = cols.exists[rows]
    emission = block_emission(state.total_issuance, params)
    y, x, o = cols.tao_in[rows], cols.alpha_in[rows], cols.alpha_out[rows]
    m = cols.moving_price_bits[rows]

    # 1-2. shares, TAO and alpha injection
    tao_in = share_rule(params)(emission, m)
    tao_in[cols.registration_allowed[rows] == 0] = 0  # §3: zeroed, alpha_in still computed
    alpha_emission = alpha_emissions(x + o, params) * live
    ea_f = alpha_emission.astype(np.float64)
    total_m = int(m.sum())
    shares = m * (1.0 / total_m) if total_m > 0 else np.zeros(len(m))
    with np.errstate(divide="ignore", invalid="ignore"):
        # alpha_in = min(T/p, Eα) with p = y/x, i.e. min(T·x/y, Eα); y = 0 gives p = 0 → Eα
        # (inf), and rows without a subnet give nan, which fmin drops in favour of Eα = 0
        alpha_in = np.fmin((emission * shares) * x / y, ea_f).astype(np.int64)  # floor ≥ 0
    alpha_in[x == 0] = alpha_emission[x == 0]  # p = 0 when the alpha reserve is empty
    x += alpha_in
    o += alpha_emission
    y += tao_in
    state.total_issuance += int(tao_in.sum())

    # 3. owner cut, root proportion, pending pots, root-alpha sale
    owner_cut_f = ea_f * params.owner_cut
    owner_cut = owner_cut_f.astype(np.int64)
    rest_f = ea_f - owner_cut_f
    weighted_root = params.tao_weight * float(state.root_tao)
    unheld = alpha_emission - owner_cut
    if weighted_root > 0:
        root_alpha_f = rest_f * (weighted_root * 0.5) / ((x + o) + weighted_root)
        root_alpha = root_alpha_f.astype(np.int64)
        pending = (rest_f - root_alpha_f).astype(np.int64)
        sold_tao, refused = sell_alpha_many(y, x, root_alpha, params.min_pool_liquidity)
        sold_alpha = root_alpha if not refused.any() else np.where(refused, 0, root_alpha)
        x += sold_alpha
        o -= sold_alpha
        y -= sold_tao
        cols.pending_alpha_swapped[rows] += root_alpha
        cols.pending_root_divs[rows] += sold_tao
        unheld -= sold_alpha  # root alpha whose sale was refused stays in o with no holder
    else:
        pending = rest_f.astype(np.int64)
    unheld -= pending
    cols.pending_owner_cut[rows] += owner_cut
    cols.pending_emission[rows] += pending
    cols.alpha_unbacked[rows] += unheld  # flooring dust (+ refused root sales)
    cols.tao_in_emission[rows] = tao_in
    cols.alpha_in_emission[rows] = alpha_in
    cols.alpha_out_emission[rows] = alpha_emission
    cols.emission_share[rows] = shares

    # 4. EMA of the price read after the sale
    age = state.block - _registered_at(state)[rows] if params.ema_warmup_blocks else None
    observed = price_bits(y, x, ema_cap_bits(params))
    m[:] = updated_moving_price_bits(m, observed, age, params) * live


# -- fast path ----------------------------------------------------------------------------------
#
# The common block: subnets are netuids 1 … n with no gap, no subnet has halved its alpha
# emission, every reserve is positive, registration is open everywhere, the EMA is the plain
# launch one (cap 1.0, no warm-up) and all moving prices are ≤ 1. Then every subnet gets the same
# alpha emission Eα = base, so the owner cut and the root split's numerator are scalars, and the
# whole step runs in place on preallocated buffers. Every float expression whose value reaches
# state is the general path's expression, operand for operand (same IEEE operations, so the same
# bits); the two exactness screens (root sale, EMA price) are different but equally sound: a
# lane they cannot decide goes to the exact integer code.


class _LaunchConstants(NamedTuple):
    """Per-preset scalars of the fast path (None from :func:`_launch_constants` if ineligible)."""

    base: int  # Eα = E_base when no subnet has halved (alpha-rao)
    base_f: float
    half_supply: int  # S // 2: alpha issuance from which a subnet's emission halves
    owner_cut: int  # ⌊Eα·cut⌋ (alpha-rao)
    rest_f: float  # Eα − Eα·cut, float64 as the general path computes it
    tao_weight: float  # TaoWeight as a ratio
    ema_a: int  # a = from_num(ema_alpha) as I96F32 bits


_CONSTANTS: dict[int, tuple[Params, _LaunchConstants | None]] = {}  # id → (params, constants)


def _launch_constants(params: Params) -> _LaunchConstants | None:
    """The fast path's constants for ``params`` (cached by identity), None if it does not apply:
    another share rule, an EMA cap other than 1.0, the warm-up switch, or a ≥ 2^31 emission."""
    cached = _CONSTANTS.get(id(params))
    if cached is not None and cached[0] is params:
        return cached[1]
    if len(_CONSTANTS) >= 32:  # many presets in one process: start over
        _CONSTANTS.clear()
    a = round(params.ema_alpha * ONE32)
    eligible = (
        SHARE_RULES.get(params.share_rule) is tao_in_by_ema_price
        and ema_cap_bits(params) == ONE32
        and not params.ema_warmup_blocks
        and 0 < a < 2**31
        and 0 < params.base_block_emission < 2**31
    )
    constants = None
    if eligible:
        base_f = float(params.base_block_emission)
        owner_cut_f = base_f * params.owner_cut
        constants = _LaunchConstants(
            base=params.base_block_emission,
            base_f=base_f,
            half_supply=params.total_supply // 2,
            owner_cut=int(owner_cut_f),
            rest_f=base_f - owner_cut_f,
            tao_weight=params.tao_weight,
            ema_a=a,
        )
    _CONSTANTS[id(params)] = (params, constants)
    return constants


class _Scratch:
    """Work arrays for n subnets; contents are meaningless between calls."""

    def __init__(self, n: int) -> None:
        self.f0, self.f1, self.f2 = (np.empty(n) for _ in range(3))
        self.i0, self.i1, self.i2, self.i3, self.i4, self.i5 = (
            np.empty(n, dtype=np.int64) for _ in range(6)
        )
        self.b0 = np.empty(n, dtype=bool)
        self.ones = np.ones(n, dtype=np.int64)  # sums as dot products


_SCRATCH: dict[int, _Scratch] = {}


def _scratch(n: int) -> _Scratch:
    """The work arrays for n subnets (one set per n, reused by every state)."""
    buffers = _SCRATCH.get(n)
    if buffers is None:
        buffers = _SCRATCH[n] = _Scratch(n)
    return buffers


def _sell_alpha_screened(
    y: np.ndarray,
    x: np.ndarray,
    alpha: np.ndarray,
    min_liquidity: int,
    tao_min: int,
    buf: _Scratch,
) -> np.ndarray | None:
    """TAO out of every root sale, exact (:func:`sell_alpha_many` without refusals), or None.

    The chain pays ⌊v⌋ with v ∈ [q, q + 2^-18), q = y·Δ/(x+Δ). q̃ (float64, 5 roundings) is
    within 5.6e-16·q̃ of q, so with δ ≥ 1e-6 + 4e-15·q̃ the payout is ⌊q̃ − δ⌋ whenever that
    equals ⌊q̃ + 2^-18 + δ⌋ (truncation is the floor there: a negative lower end means a
    payout of 0); the rare undecided lane (about one in 10^5) is recomputed with the integer
    function. δ is one scalar while every q̃ < 2.5·10^10 rao, per lane above. None, having
    written nothing to state, when a new reserve may come within 1 of ``min_liquidity``
    (refusal possible; ``tao_min`` ≤ min y rules that out for most blocks): the caller then
    uses :func:`sell_alpha_many`. The caller checks that k = x·y stays below
    :data:`_K_SCREEN_MAX` (the chain's I110F18 saturates above 2^109 ≈ 6.5e32). Needs x > 0.
    """
    q, bound, low, high = buf.f0, buf.f1, buf.i4, buf.i5
    np.add(x, alpha, out=high)
    np.multiply(y, alpha, out=q, dtype=np.float64)
    np.divide(q, high, out=q)
    q_max = float(q.max())
    if q_max < 2.5e10:  # one δ for every lane, at most 1.01e-4: few undecided lanes
        tol = 1e-6 + 4e-15 * q_max
        np.subtract(q, tol, out=bound)
        np.copyto(low, bound, casting="unsafe")  # truncation: the floor, or 0 for (-1, 0)
        np.add(q, tol + _FRAC18, out=bound)
    else:  # δ per lane, so that one huge sale leaves the others decided
        lane_tol = np.multiply(q, 4e-15, out=buf.f2)
        np.subtract(np.subtract(q, lane_tol, out=bound), 1e-6, out=bound)
        np.copyto(low, bound, casting="unsafe")
        np.add(np.add(q, lane_tol, out=bound), 1e-6 + _FRAC18, out=bound)
    np.copyto(high, bound, casting="unsafe")
    # y − q > y − high − 1, and high ≤ q̃·(1 + 4e-15) + 1e-6 + 2^-18: no new reserve falls
    # below min_liquidity when min y − max q̃ leaves room (8: float rounding of this test at
    # reserves up to 2^55), else check lane by lane
    if (
        tao_min - q_max * (1 + 1e-14) < min_liquidity + 8
        and int(np.subtract(y, high, out=buf.i3).min()) < min_liquidity + 1
    ):
        return None
    if np.count_nonzero(np.not_equal(low, high, out=buf.b0)):
        for lane in np.flatnonzero(buf.b0):
            exact = cp.sim_swap_alpha_for_tao(
                int(y[lane]), int(x[lane]), int(alpha[lane]), min_liquidity
            )
            if exact is None:  # excluded by the check above; left to the caller's fallback
                return None
            low[lane] = exact
    return low


def _capped_price_bits(y: np.ndarray, x: np.ndarray, buf: _Scratch) -> np.ndarray:
    """min(⌊y·2^32/x⌋, 2^32) for 0 < x, y < 2^53, exact: :func:`price_bits` with cap 1.0.

    y, x and y·2^32 are exact in float64, so q̃ = fl(y·2^32/x) is the correctly rounded
    quotient: ⌊q̃⌋ is the floor unless q̃ is an integer (the quotient may lie just below it),
    and q̃ ≥ 2^32 exactly when y ≥ x (for y < x < 2^53 the quotient is below 2^32 − 2^-21).
    q̃ is clipped to 2^32 + ½ (the cap after truncation), so only lanes with an integral
    q̃ < 2^32 are undecided; they are recomputed in integers. Result in ``buf.i4``.
    """
    q, bits = buf.f0, buf.i4
    np.multiply(y, _TWO32, out=q)
    np.divide(q, x, out=q)
    np.minimum(q, _TWO32 + 0.5, out=q)
    np.copyto(bits, q, casting="unsafe")  # floor: q ≥ 0
    if np.count_nonzero(np.equal(q, bits, out=buf.b0)):  # integral: exact price or y = x
        undecided = np.logical_and(buf.b0, np.less(q, _TWO32), out=buf.b0)
        for lane in np.flatnonzero(undecided):
            bits[lane] = (int(y[lane]) << FRAC32) // int(x[lane])  # < 2^32: y < x
    return bits


def _inject_launch_fast(state: State, subnets: int | None = None) -> bool:
    """The launch coinbase for the common block (see above); False, having written nothing,
    when the block does not qualify. Same numbers as :func:`_inject_launch_general`."""
    params = state.params
    k = _launch_constants(params)
    if k is None:
        return False
    n = contiguous_subnets(state) if subnets is None else subnets
    if not n:
        return False
    emission = block_emission(state.total_issuance, params)
    if emission >= 2**31:
        return False
    cols = state.columns
    rows = slice(1, n + 1)
    y, x, o = cols.tao_in[rows], cols.alpha_in[rows], cols.alpha_out[rows]
    m = cols.moving_price_bits[rows]
    buf = _scratch(n)
    total_m = int(m.dot(buf.ones))  # Σm (an int64 dot is an exact sum, cheaper than .sum())
    if total_m <= 0 or (total_m > ONE32 and int(m.max()) > ONE32):  # m ≥ 0: m_i ≤ Σm
        return False
    issuance_max = int(np.add(x, o, out=buf.i0).max())  # A = x + o before the injection
    tao_min = int(y.min())  # y only grows until the sale: a lower bound for the sale's check
    if (
        issuance_max >= k.half_supply  # some subnet's alpha emission halves
        or tao_min <= 0
        or np.count_nonzero(x) < n  # p = 0 lanes (reserves are never negative)
        or np.count_nonzero(cols.registration_allowed[rows]) < n
    ):
        return False

    # 1-2. T = ⌊E·m/Σm⌋ (m ≤ 2^32, E < 2^31: exact in int64); alpha_in = ⌊min(T·x/y, Eα)⌋
    tao_in = cols.tao_in_emission[rows]
    np.multiply(m, emission, out=tao_in)
    np.floor_divide(tao_in, total_m, out=tao_in)
    state.total_issuance += int(tao_in.dot(buf.ones))
    shares = np.multiply(m, 1.0 / total_m, out=cols.emission_share[rows])
    alpha_in_f = np.multiply(shares, emission, out=buf.f2)
    np.multiply(alpha_in_f, x, out=alpha_in_f)
    np.divide(alpha_in_f, y, out=alpha_in_f)
    np.minimum(alpha_in_f, k.base_f, out=alpha_in_f)
    alpha_in = cols.alpha_in_emission[rows]
    np.copyto(alpha_in, alpha_in_f, casting="unsafe")  # floor (≥ 0)
    x += alpha_in
    o += k.base
    y += tao_in
    cols.alpha_out_emission[rows] = k.base
    # bounds for the float screens: x ≤ A + 2·Eα after the injection and the sale, y only falls
    tao_max = float(y.max())
    alpha_max = float(issuance_max + 2 * k.base)

    # 3. owner cut (scalar), root proportion, root-alpha sale, pending pots
    weighted_root = k.tao_weight * float(state.root_tao)
    unheld = k.base - k.owner_cut  # per lane, before the root and pending parts
    if weighted_root > 0:
        root_alpha_f = np.add(np.add(x, o, out=buf.i0), weighted_root, out=buf.f1)
        np.divide(k.rest_f * (weighted_root * 0.5), root_alpha_f, out=root_alpha_f)
        root_alpha = buf.i1
        np.copyto(root_alpha, root_alpha_f, casting="unsafe")
        pending = buf.i2
        np.copyto(pending, np.subtract(k.rest_f, root_alpha_f, out=buf.f2), casting="unsafe")
        sold_alpha = root_alpha
        sold_tao = None
        if tao_max * alpha_max <= _K_SCREEN_MAX:
            sold_tao = _sell_alpha_screened(
                y, x, root_alpha, params.min_pool_liquidity, tao_min, buf
            )
        if sold_tao is None:
            sold_tao, refused = sell_alpha_many(y, x, root_alpha, params.min_pool_liquidity)
            if refused.any():
                sold_alpha = np.where(refused, 0, root_alpha)
        x += sold_alpha
        o -= sold_alpha
        y -= sold_tao
        cols.pending_alpha_swapped[rows] += root_alpha
        cols.pending_root_divs[rows] += sold_tao
        cols.pending_emission[rows] += pending
        unbacked = cols.alpha_unbacked[rows]
        unbacked += unheld
        unbacked -= np.add(sold_alpha, pending, out=buf.i3)
    else:
        pending_scalar = int(k.rest_f)
        cols.pending_emission[rows] += pending_scalar
        cols.alpha_unbacked[rows] += unheld - pending_scalar
    cols.pending_owner_cut[rows] += k.owner_cut

    # 4. EMA: m ← m + ⌊a·p/2^32⌋ + ⌊−a·m/2^32⌋ = ⌊a·p/2^32⌋ + ⌊(2^32 − a)·m/2^32⌋ (exact:
    # every product < 2^63), with p = min(⌊y·2^32/x⌋, 2^32) read after the sale
    if tao_max < _EXACT_F64 and alpha_max < _EXACT_F64:
        new = _capped_price_bits(y, x, buf)
    else:
        new = price_bits(y, x, ONE32)
    np.multiply(new, k.ema_a, out=new)
    np.right_shift(new, FRAC32, out=new)
    keep = np.multiply(m, -k.ema_a, out=buf.i3)
    np.right_shift(keep, FRAC32, out=keep)  # arithmetic shift: the floor
    m += new
    m += keep
    return True


def _registered_at(state: State) -> np.ndarray:
    """Registration block per row (0 where no subnet)."""
    out = np.zeros(state.columns.capacity, dtype=np.int64)
    for netuid, subnet in state.subnets.items():
        out[netuid] = subnet.registered_at
    return out


InjectionRule = Callable[[State, int | None], None]
"""(state, subnets): one block's injection; ``subnets`` is :func:`contiguous_subnets` or None."""

INJECTION_RULES: dict[str, InjectionRule] = {"launch": inject_launch}


def run_coinbase(state: State, subnets: int | None = None) -> None:
    """Emission, injection and pending accumulation for every subnet, this block.

    ``subnets``: :func:`contiguous_subnets` of this state, if the caller has it.
    """
    if not state.subnets:
        return
    try:
        inject = INJECTION_RULES[state.params.injection_rule]
    except KeyError:
        raise ConfigError(f"unknown injection rule {state.params.injection_rule!r}") from None
    inject(state, subnets)
