"""Pool strategies the engine calls through ``rules.pool``: math objects and fee policies.

* :class:`ConstantProduct` — the launch pool (x·y = k in I110F18, :mod:`.constant_product`).
* :class:`Stable` — root (netuid 0) at the launch: TAO staked 1:1, never refused.
* :class:`FlatFeeInPool` — the launch fee: a flat ``DefaultStakingFee`` per add or remove
  (half per leg of a move), left in the pool's TAO reserve (dtao-economics.md §6a, §7).
* :class:`Balancer` — the 14bc6f9 weighted pool of one subnet (:mod:`.balancer`, §6c).
* :class:`Superellipse` — the §6.3 curve of one subnet (:mod:`.superellipse`), same fee.
* :class:`SwapFeeToAuthor` — the 14bc6f9 fee: 33/65 535 of the input, to the block author.

Every result is an int and floors so that the pool never loses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from dtao.errors import (
    InsufficientLiquidity,
    PriceLimitExceeded,
    ProtocolError,
    ReservesTooLow,
    SwapInputTooLarge,
)
from dtao.pools import balancer as bal
from dtao.pools import constant_product as cp
from dtao.pools import superellipse as se
from dtao.units import U64_MAX

_FRAC18 = 2.0**-18
_RAO_PER_ALPHA = 10**9


@dataclass(frozen=True)
class ConstantProduct:
    """Constant-product math with the era's minimum liquidity (rao / alpha-rao)."""

    min_liquidity: int
    name: str = "constant_product"

    def sim_buy(self, y: int, x: int, tao: int) -> int | None:
        return cp.sim_swap_tao_for_alpha(y, x, tao, self.min_liquidity)

    def sim_sell(self, y: int, x: int, alpha: int) -> int | None:
        return cp.sim_swap_alpha_for_tao(y, x, alpha, self.min_liquidity)

    def max_buy(self, y: int, x: int, limit_price: int) -> int:
        return cp.max_tao_for_limit(y, x, limit_price)

    def max_sell(self, y: int, x: int, limit_price: int) -> int:
        return cp.max_alpha_for_limit(y, x, limit_price)

    def sell_many(
        self, y: np.ndarray, x: np.ndarray, alpha: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Vectorised :meth:`sim_sell`: (TAO out, refused mask), exact.

        The chain pays ⌊y − ⌊x·y/(x+Δ)⌋₁₈⌋ (new reserve floored to 2^-18), i.e.
        ⌊y·Δ/(x+Δ) + ε⌋ with 0 ≤ ε < 2^-18. float64 screens every lane; a lane within rounding
        distance of an integer step, near the liquidity guard, or with k beyond float-exact range
        (> 1e30) is recomputed with the integer function.
        """
        min_liquidity = self.min_liquidity
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
            exact = self.sim_sell(int(y[lane]), int(x[lane]), int(alpha[lane]))
            refused[lane] = exact is None
            out[lane] = 0 if exact is None else exact
        refused &= alpha > 0
        out[refused | (alpha == 0)] = 0
        return out, refused


@dataclass(frozen=True)
class Stable:
    """Root at the launch (``SubnetMechanism`` 0): 1 TAO buys 1 root "alpha", never refused."""

    name: str = "stable"

    def sim_buy(self, y: int, x: int, tao: int) -> int | None:
        return tao

    def sim_sell(self, y: int, x: int, alpha: int) -> int | None:
        return alpha

    def max_buy(self, y: int, x: int, limit_price: int) -> int:
        """The price is 1.0 (10^9 rao per alpha): any limit at or above it allows everything."""
        return U64_MAX if limit_price >= _RAO_PER_ALPHA else 0

    def max_sell(self, y: int, x: int, limit_price: int) -> int:
        return U64_MAX if limit_price <= _RAO_PER_ALPHA else 0

    def sell_many(
        self, y: np.ndarray, x: np.ndarray, alpha: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        return alpha.copy(), np.zeros(len(alpha), dtype=bool)


@dataclass(frozen=True)
class FlatFeeInPool:
    """A flat fee (rao) per add or remove, ``amount // legs`` per leg of a move, never more than
    the amount it is taken from; the caller adds it to the pool's TAO (root: SubnetTAO[0])."""

    amount: int
    name: str = "flat_in_pool"

    def buy_fee(self, tao: int, legs: int = 1) -> int:
        return min(self.amount // legs, tao)

    def sell_fee(self, tao_out: int, legs: int = 1) -> int:
        return min(self.amount // legs, tao_out)

    def minimum_gross(self, min_stake: int, legs: int = 1) -> int:
        return min_stake + self.amount // legs


@dataclass(frozen=True)
class Balancer:
    """The 14bc6f9 weighted pool of one subnet (:mod:`.balancer`): its quote weight w2
    (Perquintill parts), the fee rate (u16, /65 535) and ``SwapMinimumReserve``.

    The ``PoolMath`` reads (``sim_buy``, ``sim_sell``, ``max_buy``, ``max_sell``) are the
    fee-free swap at the chain's default price limit, ``None`` where the pallet refuses it;
    :meth:`swap` is the whole ``do_swap`` (fee, limit price, guards, chain errors).
    """

    quote_weight: int = bal.DEFAULT_QUOTE_WEIGHT
    fee_rate: int = bal.DEFAULT_FEE_RATE
    min_reserve: int = bal.SWAP_MINIMUM_RESERVE
    name: str = "balancer"

    def price_bits(self, y: int, x: int) -> int:
        """Spot price (w1/w2)·(y/x) as U64F64 bits (0 when x = 0)."""
        return bal.calculate_price(y, x, self.quote_weight) if x else 0

    def with_weight(self, quote_weight: int) -> Balancer:
        """The same pool kind at another quote weight (one subnet's)."""
        if quote_weight == self.quote_weight:
            return self
        return Balancer(quote_weight, self.fee_rate, self.min_reserve)

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
        (``None``: the pallet's default for the direction); ``kernel``: ``do_swap``'s compiled
        twin (None: the reference). Raises the swap pallet's errors."""
        bits = None if limit_price is None else bal.price_bits_from_rao_per_alpha(limit_price)
        return bal.do_swap(
            y,
            x,
            self.quote_weight,
            amount,
            buy=buy,
            limit_price=bits,
            fee_rate=self.fee_rate,
            drop_fees=drop_fees,
            simulate=simulate,
            min_reserve=self.min_reserve,
            kernel=kernel,
        )

    def _out(self, y: int, x: int, amount: int, buy: bool) -> int | None:
        try:
            return self.swap(y, x, amount, buy=buy, drop_fees=True).amount_paid_out
        except ProtocolError:
            return None

    def sim_buy(self, y: int, x: int, tao: int) -> int | None:
        return self._out(y, x, tao, True)

    def sim_sell(self, y: int, x: int, alpha: int) -> int | None:
        return self._out(y, x, alpha, False)

    def max_buy(self, y: int, x: int, limit_price: int) -> int:
        try:
            got = self.swap(y, x, y * 1_000, buy=True, limit_price=limit_price, simulate=True)
        except ProtocolError:
            return 0
        return got.amount_paid_in + got.fee_paid

    def max_sell(self, y: int, x: int, limit_price: int) -> int:
        try:
            got = self.swap(y, x, x * 1_000, buy=False, limit_price=limit_price, simulate=True)
        except ProtocolError:
            return 0
        return got.amount_paid_in + got.fee_paid

    def sell_many(
        self, y: np.ndarray, x: np.ndarray, alpha: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`sim_sell` lane by lane (exact; the balancer has no float screen)."""
        out = np.zeros(len(alpha), dtype=np.int64)
        refused = np.zeros(len(alpha), dtype=bool)
        for lane in np.flatnonzero(alpha > 0):
            got = self.sim_sell(int(y[lane]), int(x[lane]), int(alpha[lane]))
            refused[lane] = got is None
            out[lane] = got or 0
        return out, refused


@dataclass(frozen=True)
class Superellipse:
    """The §6.3 superellipse of one subnet (:mod:`.superellipse`): its curve (None for a pool
    that cannot be calibrated: an empty reserve), the fee rate and ``SwapMinimumReserve``.

    :meth:`swap` has the balancer's shape and guards (:func:`.balancer.do_swap`): the fee
    first, the net input ≤ 1 000 × the input reserve (``SwapInputTooLarge``), the output
    reserve ≥ the minimum (``ReservesTooLow``), the limit beyond the price
    (``PriceLimitExceeded``), then the whole net input if the post-trade price stays within
    the limit, else the largest input that does (binary search on exact payouts, the fee
    re-computed on it). A full order past the curve's end or beyond the output reserve is
    refused (``InsufficientLiquidity``); a simulation caps it at the limit instead (how the
    chain's limit maxima are read).
    """

    curve: se.Curve | None = None
    fee_rate: int = bal.DEFAULT_FEE_RATE
    min_reserve: int = bal.SWAP_MINIMUM_RESERVE
    name: str = "superellipse"

    def with_curve(self, curve: se.Curve | None) -> Superellipse:
        """The same pool kind on one subnet's curve."""
        return Superellipse(curve, self.fee_rate, self.min_reserve)

    def _curve(self) -> se.Curve:
        if self.curve is None:
            raise ReservesTooLow("the pool has no curve (an empty reserve)")
        return self.curve

    def price_bits(self, y: int, x: int) -> int:
        """``current_price`` on the curve (U64F64 bits; 0 when x = 0 or it cannot be priced)."""
        if x == 0 or self.curve is None:
            return 0
        try:
            return se.price_bits(self.curve, x, y)
        except ProtocolError:
            return 0

    def _out(self, y: int, x: int, amount: int, buy: bool) -> int:
        curve = self._curve()
        return se.buy_output(curve, x, y, amount) if buy else se.sell_output(curve, x, y, amount)

    def _delta_to_limit(self, y: int, x: int, limit: int, buy: bool) -> int:
        curve = self._curve()
        if buy:
            return se.buy_delta_to_price(curve, x, y, limit)
        return se.sell_delta_to_price(curve, x, y, limit)

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
    ) -> bal.SwapResult:
        """One swap on reserves (y rao, x alpha-rao); ``limit_price`` in rao per whole alpha
        (``None``: the pallet's default for the direction). Rounding: fee floored in the
        payer's favour, payout floored (the pool keeps the dust)."""
        bound = bal.MAX_PRICE_RAO if buy else bal.MIN_PRICE_RAO
        limit = bal.price_bits_from_rao_per_alpha(bound if limit_price is None else limit_price)
        in_reserve, out_reserve = (y, x) if buy else (x, y)
        rate = 0 if drop_fees else self.fee_rate
        fee = bal.fee_amount(amount, rate)
        requested = amount - fee
        if requested > min(in_reserve * bal.MAX_SWAP_INPUT_RESERVE_MULTIPLIER, U64_MAX):
            raise SwapInputTooLarge(f"net input {requested} > 1000 x input reserve {in_reserve}")
        if out_reserve < self.min_reserve:
            raise ReservesTooLow(f"output reserve {out_reserve} < minimum {self.min_reserve}")
        current = self.price_bits(y, x)
        if self.curve is None:
            raise ReservesTooLow("the pool has no curve (an empty reserve)")
        if not (current < limit if buy else current > limit):
            raise PriceLimitExceeded(f"limit {limit} is not beyond the current price {current}")
        try:
            out = self._out(y, x, requested, buy)
            after = (
                self.price_bits(y + requested, x - out)
                if buy
                else self.price_bits(y - out, x + requested)
            )
            within = after <= limit if buy else after >= limit
        except InsufficientLiquidity:
            if not simulate:
                raise
            within = False
        if within:
            delta_in = requested
        else:
            delta_in = self._delta_to_limit(y, x, limit, buy)
            fee = bal.limit_fee_amount(delta_in, rate)
        delta_out = self._out(y, x, delta_in, buy)
        if delta_in != 0 and delta_out == 0:
            raise ReservesTooLow(f"input {delta_in} buys nothing")
        return bal.SwapResult(delta_in, delta_out, fee, fee if delta_in != 0 else 0)

    def _sim(self, y: int, x: int, amount: int, buy: bool) -> int | None:
        try:
            return self.swap(y, x, amount, buy=buy, drop_fees=True).amount_paid_out
        except ProtocolError:
            return None

    def sim_buy(self, y: int, x: int, tao: int) -> int | None:
        return self._sim(y, x, tao, True)

    def sim_sell(self, y: int, x: int, alpha: int) -> int | None:
        return self._sim(y, x, alpha, False)

    def _max(self, y: int, x: int, limit_price: int, buy: bool) -> int:
        try:
            got = self.swap(
                y, x, (y if buy else x) * 1_000, buy=buy, limit_price=limit_price, simulate=True
            )
        except ProtocolError:
            return 0
        return got.amount_paid_in + got.fee_paid

    def max_buy(self, y: int, x: int, limit_price: int) -> int:
        return self._max(y, x, limit_price, True)

    def max_sell(self, y: int, x: int, limit_price: int) -> int:
        return self._max(y, x, limit_price, False)

    def sell_many(
        self, y: np.ndarray, x: np.ndarray, alpha: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`sim_sell` lane by lane (exact)."""
        out = np.zeros(len(alpha), dtype=np.int64)
        refused = np.zeros(len(alpha), dtype=bool)
        for lane in np.flatnonzero(alpha > 0):
            got = self.sim_sell(int(y[lane]), int(x[lane]), int(alpha[lane]))
            refused[lane] = got is None
            out[lane] = got or 0
        return out, refused


@dataclass(frozen=True)
class SwapFeeToAuthor:
    """The 14bc6f9 fee: ``fee_rate``/65 535 of every swap's input (floored in the payer's
    favour, :func:`.balancer.fee_amount`), paid to the block author, never kept in the pool.
    A cross-subnet move pays it once (``legs`` is ignored: one leg is fee-free)."""

    fee_rate: int = bal.DEFAULT_FEE_RATE
    name: str = "to_block_author"

    def buy_fee(self, tao: int, legs: int = 1) -> int:
        return bal.fee_amount(tao, self.fee_rate)

    def sell_fee(self, tao_out: int, legs: int = 1) -> int:
        """0: a sale's fee is charged in alpha on its input, inside the swap."""
        return 0

    def minimum_gross(self, min_stake: int, legs: int = 1) -> int:
        return min_stake + bal.fee_amount(min_stake, self.fee_rate)
