"""Fast twin of the launch coinbase (:func:`dtao.coinbase.inject_launch`): same numbers.

The common block: subnets are netuids 1 … n with no gap, no subnet has halved its alpha
emission, every reserve is positive, registration is open everywhere, the EMA is the plain
launch one (cap 1.0, no warm-up) and all moving prices are ≤ 1. Then every subnet gets the same
alpha emission Eα = base, so the owner cut and the root split's numerator are scalars, and the
whole step runs in place on preallocated buffers (one set per state). Every float expression
whose value reaches state is the reference path's expression, operand for operand (same IEEE
operations, so the same bits); the two exactness screens (root sale, EMA price) are different
but equally sound: a lane they cannot decide goes to the exact integer code.

With the C kernels on (:func:`dtao.exact_compiled.kernels`), the block runs lane by lane in
``dtao._exact.launch_inject``: the same float operations, compiled without fused multiply-add,
and the root sale and the capped price in exact 128-bit integers; off, on numpy columns.

:mod:`dtao.eras` picks this twin for a preset whose shares are EMA-price shares on constant
product pools and whose constants :meth:`LaunchFastInjection.for_params` accepts; a block it
does not cover goes to the reference path, having written nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import numpy as np

from dtao import exact_compiled
from dtao.emission import ema_cap_bits, price_bits
from dtao.fixed import FRAC32, ONE32
from dtao.params import Params
from dtao.pools.strategies import ConstantProduct
from dtao.rules import Rules
from dtao.state import State
from dtao.units import U64_MAX

_FRAC18 = 2.0**-18
_TWO32 = float(ONE32)
_EXACT_F64 = 2.0**53  # integers below this convert to float64 exactly
_K_SCREEN_MAX = 1e32  # x·y bound of the fast root-sale screen, below the I110F18 saturation


class _Scratch:
    """Work arrays for n subnets; contents are meaningless between calls."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.f0, self.f1, self.f2 = (np.empty(n) for _ in range(3))
        self.i0, self.i1, self.i2, self.i3, self.i4, self.i5 = (
            np.empty(n, dtype=np.int64) for _ in range(6)
        )
        self.b0 = np.empty(n, dtype=bool)
        self.ones = np.ones(n, dtype=np.int64)  # sums as dot products


def _scratch(state: State, n: int) -> _Scratch:
    """This state's work arrays for n subnets (kept in ``state.scratch``, never shared)."""
    buffers = state.scratch.get("launch_coinbase")
    if buffers is None or buffers.n != n:
        buffers = state.scratch["launch_coinbase"] = _Scratch(n)
    return buffers


def _sell_alpha_screened(
    y: np.ndarray,
    x: np.ndarray,
    alpha: np.ndarray,
    pool: ConstantProduct,
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
    uses the pool's ``sell_many``. The caller checks that k = x·y stays below
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
    min_liquidity = pool.min_liquidity
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
            exact = pool.sim_sell(int(y[lane]), int(x[lane]), int(alpha[lane]))
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


@dataclass(frozen=True)
class LaunchFastInjection:
    """The fast twin with its per-preset scalars and pool (see :meth:`for_params`)."""

    pool: ConstantProduct  # the era's subnet pool (root-alpha sales)
    base: int  # Eα = E_base when no subnet has halved (alpha-rao)
    base_f: float
    half_supply: int  # S // 2: alpha issuance from which a subnet's emission halves
    owner_cut: int  # ⌊Eα·cut⌋ (alpha-rao)
    rest_f: float  # Eα − Eα·cut, float64 as the reference path computes it
    tao_weight: float  # TaoWeight as a ratio
    ema_a: int  # a = from_num(ema_alpha) as I96F32 bits

    @classmethod
    def for_params(cls, params: Params, pool: ConstantProduct) -> LaunchFastInjection | None:
        """The twin for ``params``, or None where it does not apply: an EMA cap other than 1.0,
        the warm-up switch, an EMA weight or a base emission of 2^31 or more."""
        a = round(params.ema_alpha * ONE32)
        if not (
            ema_cap_bits(params) == ONE32
            and not params.ema_warmup_blocks
            and 0 < a < 2**31
            and 0 < params.base_block_emission < 2**31
        ):
            return None
        base_f = float(params.base_block_emission)
        owner_cut_f = base_f * params.owner_cut
        return cls(
            pool=pool,
            base=params.base_block_emission,
            base_f=base_f,
            half_supply=params.total_supply // 2,
            owner_cut=int(owner_cut_f),
            rest_f=base_f - owner_cut_f,
            tao_weight=params.tao_weight,
            ema_a=a,
        )

    def __call__(self, state: State, rules: Rules, subnets: int, emission: int) -> bool:
        """The launch coinbase for the common block; False, having written nothing, when the
        block does not qualify. Same numbers as :func:`dtao.coinbase.inject_launch`."""
        n = subnets
        if not n:
            return False
        if emission >= 2**31:
            return False
        kernel = exact_compiled.kernels()
        if kernel is not None:
            return self._compiled(kernel, state, n, emission)
        return self._numpy(state, n, emission)

    def _compiled(self, kernel: ModuleType, state: State, n: int, emission: int) -> bool:
        """The block by ``dtao._exact.launch_inject``: the steps of :meth:`_numpy` lane by
        lane in C (the same IEEE operations; the root sale and the EMA price in exact
        integers, which the screens below only decide more slowly)."""
        cols = state.columns
        weighted_root = self.tao_weight * float(state.root_tao)
        done = kernel.launch_inject(
            tuple(getattr(cols, name) for name in kernel.LAUNCH_COLUMNS),
            n,
            emission,
            self.base,
            self.half_supply,
            self.owner_cut,
            self.base_f,
            self.rest_f,
            weighted_root,
            self.ema_a,
            self.pool.min_liquidity,
        )
        if done is None:
            return False
        minted, sold = done
        state.total_issuance += minted
        state.total_stake = min(state.total_stake + minted, U64_MAX)
        if weighted_root > 0:
            state.total_stake = max(state.total_stake - sold, 0)
        return True

    def _numpy(self, state: State, n: int, emission: int) -> bool:
        """The block on numpy columns (the twin when the C kernels are off)."""
        cols = state.columns
        rows = slice(1, n + 1)
        y, x, o = cols.tao_in[rows], cols.alpha_in[rows], cols.alpha_out[rows]
        m = cols.moving_price_bits[rows]
        buf = _scratch(state, n)
        total_m = int(m.dot(buf.ones))  # Σm (an int64 dot is an exact sum, cheaper than .sum())
        if total_m <= 0 or (total_m > ONE32 and int(m.max()) > ONE32):  # m ≥ 0: m_i ≤ Σm
            return False
        issuance_max = int(np.add(x, o, out=buf.i0).max())  # A = x + o before the injection
        tao_min = int(y.min())  # y only grows until the sale: a lower bound for the sale's check
        if (
            issuance_max >= self.half_supply  # some subnet's alpha emission halves
            or tao_min <= 0
            or np.count_nonzero(x) < n  # p = 0 lanes (reserves are never negative)
            or np.count_nonzero(cols.registration_allowed[rows]) < n
            or np.count_nonzero(cols.mechanism[rows]) < n  # a stable (1:1) subnet
        ):
            return False

        # 1-2. T = ⌊E·m/Σm⌋ (m ≤ 2^32, E < 2^31: exact in int64); alpha_in = ⌊min(T·x/y, Eα)⌋
        tao_in = cols.tao_in_emission[rows]
        np.multiply(m, emission, out=tao_in)
        np.floor_divide(tao_in, total_m, out=tao_in)
        minted = int(tao_in.dot(buf.ones))
        state.total_issuance += minted
        state.total_stake = min(state.total_stake + minted, U64_MAX)
        shares = np.multiply(m, 1.0 / total_m, out=cols.emission_share[rows])
        alpha_in_f = np.multiply(shares, emission, out=buf.f2)
        np.multiply(alpha_in_f, x, out=alpha_in_f)
        np.divide(alpha_in_f, y, out=alpha_in_f)
        np.minimum(alpha_in_f, self.base_f, out=alpha_in_f)
        alpha_in = cols.alpha_in_emission[rows]
        np.copyto(alpha_in, alpha_in_f, casting="unsafe")  # floor (≥ 0)
        x += alpha_in
        o += self.base
        y += tao_in
        cols.alpha_out_emission[rows] = self.base
        # bounds for the float screens: x ≤ A + 2·Eα after the injection and the sale, y only falls
        tao_max = float(y.max())
        alpha_max = float(issuance_max + 2 * self.base)

        # 3. owner cut (scalar), root proportion, root-alpha sale, pending pots
        weighted_root = self.tao_weight * float(state.root_tao)
        unheld = self.base - self.owner_cut  # per lane, before the root and pending parts
        if weighted_root > 0:
            root_alpha_f = np.add(np.add(x, o, out=buf.i0), weighted_root, out=buf.f1)
            np.divide(self.rest_f * (weighted_root * 0.5), root_alpha_f, out=root_alpha_f)
            root_alpha = buf.i1
            np.copyto(root_alpha, root_alpha_f, casting="unsafe")
            pending = buf.i2
            np.copyto(pending, np.subtract(self.rest_f, root_alpha_f, out=buf.f2), casting="unsafe")
            sold_alpha = root_alpha
            sold_tao = None
            if tao_max * alpha_max <= _K_SCREEN_MAX:
                sold_tao = _sell_alpha_screened(y, x, root_alpha, self.pool, tao_min, buf)
            if sold_tao is None:
                sold_tao, refused = self.pool.sell_many(y, x, root_alpha)
                if refused.any():
                    sold_alpha = np.where(refused, 0, root_alpha)
            x += sold_alpha
            o -= sold_alpha
            y -= sold_tao
            state.total_stake = max(state.total_stake - int(sold_tao.dot(buf.ones)), 0)
            cols.pending_alpha_swapped[rows] += root_alpha
            cols.pending_root_divs[rows] += sold_tao
            cols.pending_emission[rows] += pending
            unbacked = cols.alpha_unbacked[rows]
            unbacked += unheld
            unbacked -= np.add(sold_alpha, pending, out=buf.i3)
        else:
            pending_scalar = int(self.rest_f)
            cols.pending_emission[rows] += pending_scalar
            cols.alpha_unbacked[rows] += unheld - pending_scalar
        cols.pending_owner_cut[rows] += self.owner_cut

        # 4. EMA: m ← m + ⌊a·p/2^32⌋ + ⌊−a·m/2^32⌋ = ⌊a·p/2^32⌋ + ⌊(2^32 − a)·m/2^32⌋ (exact:
        # every product < 2^63), with p = min(⌊y·2^32/x⌋, 2^32) read after the sale
        if tao_max < _EXACT_F64 and alpha_max < _EXACT_F64:
            new = _capped_price_bits(y, x, buf)
        else:
            new = price_bits(y, x, ONE32)
        np.multiply(new, self.ema_a, out=new)
        np.right_shift(new, FRAC32, out=new)
        keep = np.multiply(m, -self.ema_a, out=buf.i3)
        np.right_shift(keep, FRAC32, out=keep)  # arithmetic shift: the floor
        m += new
        m += keep
        return True
