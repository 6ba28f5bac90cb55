"""The fast EMA of the spot price, ``SubnetFastMovingPrice`` (dtao-current.md §9.3; spec 464+).

Re-expressed from RaoFoundation/subtensor ``staking/stake_utils.rs`` ``update_fast_moving_price``
(file-version id:69155006798), which the chain calls right after the slow EMA
(``update_moving_price``) of each emitting subnet in the block step, after the coinbase and its
epochs and before the block's extrinsics. Per block, in U64F64:

* w = U64F64(ln 2) / U64F64(H) with H = ``fast_ema_half_life``
  (``BASKET_FAST_EMA_HALF_LIFE_BLOCKS``, 600): ln 2 from the f64 constant rounded to
  nearest, the quotient floored;
* the spot p is the pool's ``current_alpha_price`` at that point, **unclamped** (the slow EMA's
  observation is capped at 1.0; this one tracks the traded price above parity too);
* unseeded (the chain's OptionQuery ``None``): fast = p; otherwise fast += (p − fast)·w when
  p ≥ fast (the product floored, the sum saturating) else fast −= (fast − p)·w (floored).

It is stored per subnet as raw U64F64 bits in the summer-2026 section's wide items
(:data:`dtao.summer.WIDE`) and read only by basket trading (the price band,
:mod:`dtao.basket_trade`) and the claim dust rule (the anchored row values,
:mod:`dtao.root_reborn`); it plays no part in emission. The step runs through
``Rules.fast_prices`` when the preset's ``fast_ema_half_life`` is positive (``current``),
after ``Rules.after_coinbase`` (the slow EMA and ``RootProp``): the two EMAs and RootProp read
the same post-coinbase spot and write disjoint items, so that order gives the chain's numbers.
"""

from __future__ import annotations

import math

from dtao import coinbase_summer as S
from dtao.fixed import U64F64
from dtao.rules import Rules
from dtao.state import State
from dtao.summer import FAST_PRICE, summer_columns


def fast_ema_weight_bits(half_life: int) -> int:
    """ln 2 / H as U64F64 bits (``U64F64::saturating_from_num(LN_2).safe_div(H.max(1))``)."""
    return U64F64.safe_div(U64F64.from_f64(math.log(2)), U64F64.from_int(max(half_life, 1)))


def next_fast_price_bits(fast: int | None, spot: int, weight: int) -> int:
    """One block of the fast EMA (U64F64 bits): ``spot`` when unseeded, else a step of
    ``weight`` toward ``spot`` (the step floored, the rise saturating at U64F64::MAX)."""
    if fast is None:
        return spot
    if spot >= fast:
        return min(fast + U64F64.saturating_mul(spot - fast, weight), U64F64.max_raw)
    return max(fast - U64F64.saturating_mul(fast - spot, weight), 0)


def update_fast_prices(state: State, rules: Rules, subnets: int) -> None:
    """The block step's fast EMA for every emitting subnet (``subnets`` unused)."""
    ext = summer_columns(state)
    weight = fast_ema_weight_bits(state.params.fast_ema_half_life)
    for netuid in S.emitting_subnets(state):
        spot = S.alpha_price_bits(state, netuid)
        fast = next_fast_price_bits(ext.get_wide(FAST_PRICE, netuid), spot, weight)
        ext.set_wide(FAST_PRICE, netuid, fast)
