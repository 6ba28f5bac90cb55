"""Pool strategies the engine calls through ``rules.pool``: math objects and fee policies.

* :class:`ConstantProduct` — the launch pool (x·y = k in I110F18, :mod:`.constant_product`).
* :class:`Stable` — root (netuid 0) at the launch: TAO staked 1:1, never refused.
* :class:`FlatFeeInPool` — the launch fee: a flat ``DefaultStakingFee`` per add or remove
  (half per leg of a move), left in the pool's TAO reserve (dtao-economics.md §6a, §7).
* :class:`Balancer` — the 14bc6f9 weighted pool of one subnet (:mod:`.balancer`, §6c).
* :class:`SwapFeeToAuthor` — the 14bc6f9 fee: 33/65 535 of the input, to the block author.

Every result is an int and floors so that the pool never loses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dtao.errors import ProtocolError
from dtao.pools import balancer as bal
from dtao.pools import constant_product as cp
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
    ) -> bal.SwapResult:
        """``do_swap`` on reserves (y rao, x alpha-rao); ``limit_price`` in rao per whole alpha
        (``None``: the pallet's default for the direction). Raises the swap pallet's errors."""
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
