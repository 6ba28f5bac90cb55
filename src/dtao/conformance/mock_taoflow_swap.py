"""The taoflow (ec2212c) overlay of the ops mock for the swap pallet's own tests
(ops_taoflow_swap.json: ``pallets/swap/src/pallet/tests.rs``), a standalone runtime.

The pallet's mock reserves are fixed per netuid (1e12 rao / 4e12 alpha-rao, price 0.25;
10 000 / 10 000 for netuid 123; 1e11 / 4e11 for 124). Swaps run the engine's v3 pool
(:class:`dtao.pools.v3.FullRangeV3`) on those reserves at the netuid's fee rate; the pool's
√price is then the engine's price after the swap. The protocol position, its boundary ticks and
``CurrentLiquidity`` are what ``maybe_initialize_v3`` writes (L = ⌊√(y·x)⌋ on [MIN, MAX]); the
engine has no positions (user liquidity was off on mainnet), so a swap leaves them as they are.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dtao import errors as E
from dtao import operations as ops
from dtao.conformance.cases_ops import MockChain, register_overlay
from dtao.fixed import FRAC64, ONE64, U64F64
from dtao.pools import v3
from dtao.units import RAO_PER_TAO

#: TickIndex::MIN / MAX of the pallet (log base 1.0001 of the price)
MIN_TICK, MAX_TICK = -887_272, 887_272
MAX_FEE_RATE = 10_000  # the swap mock's MaxFeeRate
DEFAULT_FEE_RATE = 33
#: the swap mock's TaoReserve / AlphaReserve by netuid (the rest: 1e12 / 4e12)
_RESERVES = {123: (10_000, 10_000), 124: (100_000_000_000, 400_000_000_000)}


@dataclass
class _Pool:
    sqrt_bits: int  # AlphaSqrtPrice (U64F64 raw)
    liquidity: int  # the protocol position's L (= CurrentLiquidity)


def _pools(chain: MockChain) -> dict[int, _Pool]:
    return chain.__dict__.setdefault("v3_pools", {})


def _fees(chain: MockChain) -> dict[int, int]:
    return chain.__dict__.setdefault("v3_fee_rates", {})


def _reserves(netuid: int) -> tuple[int, int]:
    return _RESERVES.get(netuid, (1_000_000_000_000, 4_000_000_000_000))


def _sqrt_bits(price_bits: int) -> int:
    """√price in U64F64 (floored)."""
    return math.isqrt(price_bits << FRAC64)


def tick_of_sqrt_price(sqrt_bits: int) -> int:
    """``TickIndex::from_sqrt_price_bounded``: ⌊log_1.0001(√p²)⌋ clamped to [MIN, MAX]."""
    if sqrt_bits <= 0:
        return MIN_TICK
    tick = math.floor(2 * math.log(sqrt_bits / ONE64) / math.log(1.0001))
    return max(MIN_TICK, min(MAX_TICK, tick))


def set_fee_rate(chain: MockChain, origin: str, netuid: int, fee_rate: int) -> None:
    if origin != "root":
        raise E.BadOrigin("set_fee_rate needs the root origin")
    if int(fee_rate) > MAX_FEE_RATE:
        raise E.FeeRateTooHigh(f"fee rate {fee_rate} > {MAX_FEE_RATE}")
    _fees(chain)[int(netuid)] = int(fee_rate)


def maybe_initialize_v3(chain: MockChain, netuid: int) -> None:
    netuid = int(netuid)
    if netuid in _pools(chain):
        return
    y, x = _reserves(netuid)
    _pools(chain)[netuid] = _Pool(_sqrt_bits(v3.price_bits(y, x)), math.isqrt(y * x))


def do_swap(
    chain: MockChain,
    netuid: int,
    order: str,
    amount: int,
    limit_price: float,
    drop_fees: bool,
    simulate: bool,
) -> dict[str, int]:
    netuid = int(netuid)
    maybe_initialize_v3(chain, netuid)
    y, x = _reserves(netuid)
    pool = v3.FullRangeV3(fee_rate=_fees(chain).get(netuid, DEFAULT_FEE_RATE), min_reserve=1)
    buy = order == "GetAlphaForTao"
    limit = round(float(limit_price) * RAO_PER_TAO)
    got = pool.swap(
        y, x, int(amount), buy=buy, limit_price=limit, drop_fees=drop_fees, simulate=simulate
    )
    if not simulate:
        after = (y + got.amount_paid_in, x - got.amount_paid_out)
        if not buy:
            after = (y - got.amount_paid_out, x + got.amount_paid_in)
        _pools(chain)[netuid].sqrt_bits = _sqrt_bits(v3.price_bits(*after))
    return {
        "amount_paid_in": got.amount_paid_in,
        "amount_paid_out": got.amount_paid_out,
        "fee_paid": got.fee_paid,
        "fee_to_block_author": got.fee_to_block_author,
        "paid_in_reserve_delta": got.amount_paid_in,
        "paid_out_reserve_delta": -got.amount_paid_out,
    }


def get_proportional_alpha_tao_and_remainders(
    chain: MockChain, sqrt_price: float, amount_tao: int, amount_alpha: int
) -> list[int]:
    """The split ``adjust_protocol_liquidity`` makes of an injection at √price s: with
    p = s² (U64F64), all the alpha and ⌊alpha·p⌋ TAO when that TAO is at hand, else all the
    TAO and ⌊tao/p⌋ alpha; [tao used, alpha used, tao left, alpha left]. (dtao's engine adds
    an injection whole to the reserves: its price is y/x, see :mod:`dtao.pools.v3`.)"""
    sqrt_bits = U64F64.from_f64(float(sqrt_price))
    price = U64F64.saturating_mul(sqrt_bits, sqrt_bits)
    tao, alpha = int(amount_tao), int(amount_alpha)
    tao_equivalent = U64F64.saturating_to_uint(U64F64.saturating_mul(alpha << FRAC64, price))
    if tao_equivalent <= tao:
        return [tao_equivalent, alpha, tao - tao_equivalent, 0]
    alpha_equivalent = U64F64.saturating_to_uint(U64F64.safe_div(tao << FRAC64, price))
    return [tao, alpha_equivalent, 0, alpha - alpha_equivalent]


def _position(chain: MockChain, netuid: int, field: str) -> Any:
    pool = _pools(chain)[int(netuid)]
    values = {"liquidity": pool.liquidity, "tick_low": "MIN", "tick_high": "MAX"}
    return values.get(field, 0)  # fees_tao / fees_alpha: the position earns no fee (split 0)


def _tick(chain: MockChain, netuid: int, tick: str, field: str) -> int:
    liquidity = _pools(chain)[int(netuid)].liquidity
    if field == "liquidity_gross":
        return liquidity
    return liquidity if tick == "MIN" else -liquidity


def _tick_of(chain: MockChain, sqrt_price: Any) -> int:
    """``TickOfSqrtPrice`` of a float, or of a quantity read now (a ``ref`` key: the files
    refer to the same step's ``AlphaSqrtPrice``)."""
    if isinstance(sqrt_price, dict):
        ref = sqrt_price["ref"]
        sqrt_price = chain.read(ref["quantity"], ref.get("keys", {}))
    return tick_of_sqrt_price(U64F64.from_f64(float(sqrt_price)))


RECORD_ACTIONS: dict[str, Callable[..., ops.Operation]] = {}
ACTIONS: dict[str, Callable[..., Any]] = {
    "set_fee_rate": set_fee_rate,
    "maybe_initialize_v3": maybe_initialize_v3,
    "do_swap": do_swap,
    "get_proportional_alpha_tao_and_remainders": get_proportional_alpha_tao_and_remainders,
}
STORAGE: dict[str, Callable[[MockChain, dict[str, Any], Any], None]] = {}
QUANTITIES: dict[str, Callable[..., Any]] = {
    "FeeRate": lambda c, netuid: _fees(c).get(int(netuid), DEFAULT_FEE_RATE),
    "SwapV3Initialized": lambda c, netuid: int(netuid) in _pools(c),
    "AlphaSqrtPrice": lambda c, netuid: _pools(c)[int(netuid)].sqrt_bits / ONE64,
    "CurrentTick": lambda c, netuid: tick_of_sqrt_price(_pools(c)[int(netuid)].sqrt_bits),
    "TickOfSqrtPrice": _tick_of,
    "CurrentLiquidity": lambda c, netuid: _pools(c)[int(netuid)].liquidity,
    "PoolPrice": lambda c, netuid: (_pools(c)[int(netuid)].sqrt_bits ** 2 >> FRAC64) / ONE64,
    "ProtocolPositionCount": lambda c, netuid: 1 if int(netuid) in _pools(c) else 0,
    "ProtocolPosition": _position,
    "Tick": _tick,
}

register_overlay("taoflow", sys.modules[__name__])
