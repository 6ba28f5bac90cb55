"""Launch pool (spec §6a; R1, 2025-02-13 → 2025-06-30): constant product x·y = k.

Re-expressed from opentensor/subtensor ``pallets/subtensor/src/staking/stake_utils.rs``
(``get_alpha_price``, ``sim_swap_tao_for_alpha``, ``sim_swap_alpha_for_tao``) and
``staking/add_stake.rs`` / ``remove_stake.rs`` (``get_max_amount_add`` / ``_remove``) @
``5073ade`` (identical at ``e2b8367``).

Notation: y = ``SubnetTAO`` (rao), x = ``SubnetAlphaIn`` (alpha-rao), all plain ``int``.

Fixed point. The chain does the swap in I110F18 (signed, 18 fractional bits). Reserves and
inputs are integers, so k = x·y is exact (until it saturates at the type's maximum,
2**109 ≈ 6.5·10**32); the new output reserve k/(y + Δy) is floored to a multiple of 2**-18; the
payout = old reserve − new reserve is floored to an integer. Emulated here on ``int`` bits.

Rounding direction. The output is floor(x − ⌊k/(y+Δy)⌋₁₈) where ⌊·⌋₁₈ floors to 2**-18. That is
the exact floor(x − k/(y+Δy)) — the pool keeps the dust and k does not decrease — except when
k/(y+Δy) lies within 2**-18 above an integer: then the chain's floored reserve lands on that
integer and the payout is one unit more than the exact floor (the user gets less than 2**-18
more than the real-valued payout, but a whole unit more than its floor), so k can shrink by
less than (y+Δy)·2**-18. The tests pin "chain = strict floor, or strict floor + 1 inside that
sliver" against exact models (e.g. y = 10**12, x = 4·10**12, Δy = 1 rao pays 4 alpha-rao where
the strict floor is 3).

Fees are not charged here: the flat 50 000-rao staking fee (:data:`STAKING_FEE`) is applied by
the staking operation (deducted from the TAO before a buy, from the TAO out after a sell, and
added to ``SubnetTAO``); :func:`deduct_flat_fee` is the saturating helper for that step.
"""

from __future__ import annotations

from fractions import Fraction

from dtao.fixed import FRAC18, FRAC32, I110F18_MAX
from dtao.units import U64_MAX

MIN_LIQUIDITY = 10_000_000
"""``DefaultMinimumPoolLiquidity``: a swap may not leave the output reserve below this."""
STAKING_FEE = 50_000
"""``DefaultStakingFee``: flat fee per add/remove, rao (half per leg of a move)."""
RAO_PER_ALPHA = 10**9
"""Limit prices are given in rao per whole alpha (price × 10**9)."""


def price(tao_reserve: int, alpha_reserve: int) -> Fraction:
    """Spot price y/x in TAO per alpha (= rao per alpha-rao), exact; 0 when x = 0.

    A ``Fraction`` rather than a float: it is exact, so comparisons (limit checks, tests) are
    free of float rounding, and callers choose where to round. The chain's own value is
    I96F32 (floored to 2**-32): see :func:`price_i96f32_bits`.
    """
    if alpha_reserve == 0:
        return Fraction(0)
    return Fraction(tao_reserve, alpha_reserve)


def price_i96f32_bits(tao_reserve: int, alpha_reserve: int) -> int:
    """``get_alpha_price`` of a dynamic subnet as raw I96F32 bits: floor(y·2**32 / x); 0 if
    x = 0. This is the value the launch EMA and emission shares read."""
    if alpha_reserve == 0:
        return 0
    return (tao_reserve << FRAC32) // alpha_reserve


def _new_reserve_bits(reserve_out: int, reserve_in: int, amount_in: int) -> int:
    """New output reserve k/(reserve_in + amount_in) as I110F18 bits, floored; k saturates."""
    k_bits = min(reserve_out * reserve_in << FRAC18, I110F18_MAX)
    divisor = reserve_in + amount_in
    if divisor == 0:
        return 0  # safe_div / checked_div(..).unwrap_or(0)
    return (k_bits << FRAC18) // (divisor << FRAC18)


def _sim_swap(reserve_out: int, reserve_in: int, amount_in: int, min_liquidity: int) -> int | None:
    new_bits = _new_reserve_bits(reserve_out, reserve_in, amount_in)
    if new_bits < min_liquidity << FRAC18:
        return None
    out_bits = max((reserve_out << FRAC18) - new_bits, 0)  # saturating_sub, then to u64
    return min(out_bits >> FRAC18, U64_MAX)


def sim_swap_tao_for_alpha(
    tao_reserve: int, alpha_reserve: int, tao_in: int, min_liquidity: int = MIN_LIQUIDITY
) -> int | None:
    """Alpha out for ``tao_in`` net TAO (fee already deducted): x − k/(y + Δy), floored as
    described in the module docstring (the pool keeps the dust).

    ``None`` when refused: the new alpha reserve k/(y + Δy) would be below ``min_liquidity``
    (compared exactly on the I110F18 value). The caller then moves nothing (the chain's
    ``swap_tao_for_alpha`` returns 0). Output ≤ x − min_liquidity.
    """
    return _sim_swap(alpha_reserve, tao_reserve, tao_in, min_liquidity)


def sim_swap_alpha_for_tao(
    tao_reserve: int, alpha_reserve: int, alpha_in: int, min_liquidity: int = MIN_LIQUIDITY
) -> int | None:
    """TAO out (before the flat fee) for ``alpha_in`` alpha: y − k/(x + Δx), floored.

    ``None`` when the new TAO reserve would be below ``min_liquidity`` rao (0.01 TAO).
    Output ≤ y − min_liquidity.
    """
    return _sim_swap(tao_reserve, alpha_reserve, alpha_in, min_liquidity)


def max_tao_for_limit(tao_reserve: int, alpha_reserve: int, limit_price_rao_per_alpha: int) -> int:
    """Largest TAO amount an ``add_stake_limit`` may execute (``get_max_amount_add`` @ 5073ade).

    The chain's linear shortcut, not the curve's √(limit·k) − y:
    max(0, floor(limit·x / 10**9) − y), capped at u64::MAX. Returns 0 when x = 0, y = 0,
    limit = 0, or limit < floor(p)·10**9 (the chain floors the price to an integer *before*
    scaling, so this guard only bites for p ≥ 1; for p < 1 the subtraction saturating at 0 is
    what returns 0 for a limit below the price). A limit exactly at the price gives 0.

    Overshoot: executing the whole amount moves the price from p to limit²/p (> limit), because
    y' = limit·x while x' = k/y' — the "slippage limit" is only honoured to first order. The
    amount is compared by the caller with the gross stake (fee included).
    """
    if alpha_reserve == 0 or tao_reserve == 0:
        return 0
    if limit_price_rao_per_alpha == 0:
        return 0
    if limit_price_rao_per_alpha < (tao_reserve // alpha_reserve) * RAO_PER_ALPHA:
        return 0
    result = max(limit_price_rao_per_alpha * alpha_reserve // RAO_PER_ALPHA - tao_reserve, 0)
    return min(result, U64_MAX)


def max_alpha_for_limit(
    tao_reserve: int, alpha_reserve: int, limit_price_rao_per_alpha: int
) -> int:
    """Largest alpha amount a ``remove_stake_limit`` may execute (``get_max_amount_remove``).

    The chain's linear shortcut, not √(k/limit) − x: max(0, floor(y·10**9 / limit) − x),
    capped at u64::MAX. Corner cases in the chain's order: x = 0 or y = 0 → 0; limit = 0 →
    u64::MAX (no limit); limit ≥ floor(y·10**9 / x) (the price in rao per alpha, floored) → 0.

    Overshoot: executing the whole amount moves the price to limit²/p (< limit).
    """
    if alpha_reserve == 0 or tao_reserve == 0:
        return 0
    if limit_price_rao_per_alpha == 0:
        return U64_MAX
    if limit_price_rao_per_alpha >= tao_reserve * RAO_PER_ALPHA // alpha_reserve:
        return 0
    result = max(tao_reserve * RAO_PER_ALPHA // limit_price_rao_per_alpha - alpha_reserve, 0)
    return min(result, U64_MAX)


def deduct_flat_fee(amount: int, fee: int = STAKING_FEE) -> tuple[int, int]:
    """(amount − fee, fee actually taken), saturating at 0 as the chain does: the fee taken
    never exceeds the amount. The caller adds the fee taken to ``SubnetTAO``."""
    net = max(amount - fee, 0)
    return net, amount - net
