"""The ec2212c swap pool (taoflow): Uniswap-v3 with only the protocol's full-range position.

With one position over [MIN_TICK, MAX_TICK] of liquidity L = √(x·y) no tick is ever crossed, so
a swap moves along x·y = k (dtao-economics.md §6b, ``pallets/swap/src/pallet/impls.rs``
``do_swap``, ``maybe_initialize_v3`` @ ec2212c). dtao prices it from the reserves: price y/x
(U64F64, floored; the chain stores √price and squares it), a buy of net Δ TAO pays
⌊x·Δ/(y + Δ)⌋ alpha-rao and a sale of net Δ alpha ⌊y·Δ/(x + Δ)⌋ rao (floored: the pool never
loses). The chain's U64F64 √price arithmetic may differ from these by a few rao per swap.

The fee is ``FeeRate``/65 535 of the input (floored in the payer's favour), all of it to the block
author (``DefaultFeeSplit`` 0: the position earns none). A limit price stops the swap at the
limit (the net input reaching it, √(k·p) − y for a buy, √(k/p) − x for a sale, and the fee
re-computed on that delta), as a v3 step that ends at its target price.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from dtao.errors import InsufficientLiquidity, PriceLimitExceeded, ReservesTooLow
from dtao.fixed import FRAC64, U64F64
from dtao.pools import balancer as bal
from dtao.pools.strategies import Balancer


def price_bits(y: int, x: int) -> int:
    """Spot price y/x in TAO per alpha as U64F64 bits, floored (0 when x = 0)."""
    return U64F64.safe_div(y << FRAC64, x << FRAC64) if x else 0


def out_for_in(in_reserve: int, out_reserve: int, delta: int) -> int:
    """Output of a net input ``delta`` on x·y = k: ⌊out·Δ/(in + Δ)⌋ (floored)."""
    if delta <= 0:
        return 0
    return out_reserve * delta // (in_reserve + delta)


def delta_to_limit(y: int, x: int, limit_bits: int, buy: bool) -> int:
    """Net input that moves the price to ``limit_bits`` (U64F64): a buy adds TAO until
    y'²/k = p (y' = ⌊√(k·p)⌋), a sale adds alpha until k/x'² = p (x' = ⌊√(k/p)⌋); ≥ 0."""
    k = y * x
    if buy:
        target = math.isqrt((k * limit_bits) >> FRAC64)
        return max(target - y, 0)
    target = math.isqrt((k << FRAC64) // max(limit_bits, 1))
    return max(target - x, 0)


@dataclass(frozen=True)
class FullRangeV3(Balancer):
    """The v3 pool of one subnet with only the full-range protocol position (≡ x·y = k).

    It has the balancer's interface (:class:`~dtao.pools.strategies.Balancer`: ``swap``,
    ``price_bits``, the ``PoolMath`` reads) so that the summer-2026 stake extrinsics
    (:mod:`dtao.staking_head`) run on it unchanged; it has no weight (``with_weight`` is the
    pool itself) and no input cap beyond the reserves.
    """

    name: str = "v3"

    def price_bits(self, y: int, x: int) -> int:
        return price_bits(y, x)

    def with_weight(self, quote_weight: int) -> FullRangeV3:
        return self

    def swap(
        self,
        y: int,
        x: int,
        amount: int,
        *,
        buy: bool,
        limit_price: int | None = None,
        drop_fees: bool = False,
        simulate: bool = False,
        kernel: Any = None,
    ) -> bal.SwapResult:
        """``do_swap`` on reserves (y rao, x alpha-rao); ``limit_price`` in rao per whole alpha
        (``None``: the pallet's default for the direction); ``kernel`` is the balancer's
        parameter, unused: this curve has no compiled twin. Checks, as the pallet: the output
        reserve ≥ the minimum (``ReservesTooLow``), the limit strictly beyond the price
        (``PriceLimitExceeded``); a non-zero input buying nothing is ``ReservesTooLow``."""
        bound = bal.MAX_PRICE_RAO if buy else bal.MIN_PRICE_RAO
        limit = bal.price_bits_from_rao_per_alpha(bound if limit_price is None else limit_price)
        in_reserve, out_reserve = (y, x) if buy else (x, y)
        rate = 0 if drop_fees else self.fee_rate
        fee = bal.fee_amount(amount, rate)
        delta = amount - fee
        if out_reserve < self.min_reserve:
            raise ReservesTooLow(f"output reserve {out_reserve} < minimum {self.min_reserve}")
        current = price_bits(y, x)
        if not (current < limit if buy else current > limit):
            raise PriceLimitExceeded(f"limit {limit} is not beyond the current price {current}")
        out = out_for_in(in_reserve, out_reserve, delta)
        after = price_bits(y + delta, x - out) if buy else price_bits(y - out, x + delta)
        if not (after <= limit if buy else after >= limit):
            delta = min(delta_to_limit(y, x, limit, buy), delta)
            fee = bal.limit_fee_amount(delta, rate)
            out = out_for_in(in_reserve, out_reserve, delta)
        if delta != 0 and out == 0:
            raise ReservesTooLow(f"input {delta} buys nothing")
        if not simulate and out > out_reserve:
            raise InsufficientLiquidity(f"output {out} exceeds the reserve {out_reserve}")
        return bal.SwapResult(delta, out, fee, fee if delta != 0 else 0)
