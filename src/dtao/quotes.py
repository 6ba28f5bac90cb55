"""Quotes in the SDK's shape (bittensor 11 ``SwapQuote``): what a stake, unstake or move would
do now, per era, without writing anything.

Each era's quote reads its own pool and fee policy (``rules.quotes``):

* launch (5073ade): the flat fee off the TAO (a buy) or off the proceeds (a sale), the constant
  product for the rest; a move pays half the fee on each leg;
* root-vote (d4d8182): no pools, stake is TAO 1:1 (the era's fee, none at d4d8182, off the
  amount); no slippage; the netuid is not read (stake is global, as the record ignores it);
  there is no move extrinsic, so a move quote is ``CallUnavailable`` as the record is;
* summer-2026 (14bc6f9): the swap pallet's ``sim_swap`` at the default price limit; a buy's fee
  is in TAO, a sale's in alpha (its TAO goes to the block author, not to the seller); a move
  pays one fee (the origin sale's, or the destination buy's when the origin is root).

Slippage is measured against the spot price p before the trade (launch: y/x exactly; the
balancer: the chain's U64F64 price): for a buy with net TAO t and alpha out a,
``alpha_slippage`` = max(0, ⌊t/p⌋ − a) and ``tao_slippage`` = max(0, t − ⌊a·p⌋); for a sale
of net alpha a for TAO t, ``tao_slippage`` = max(0, ⌊a·p⌋ − t) and ``alpha_slippage`` =
max(0, a − ⌊t/p⌋) (0 when p = 0). Amounts rao / alpha-rao. A quote assumes the whole amount is
paid (a coldkey's existential deposit is not known here).
"""

from __future__ import annotations

from fractions import Fraction
from math import floor

from dtao import errors as E
from dtao import extrinsics as X
from dtao import staking_head as H
from dtao.fixed import ONE64
from dtao.receipts import SwapQuote
from dtao.rules import QuoteRules, Rules
from dtao.state import State

ROOT = 0


def _buy_slippage(tao: int, alpha: int, price: Fraction) -> tuple[int, int]:
    """(tao_slippage, alpha_slippage) of a buy of net ``tao`` that returned ``alpha``."""
    if price <= 0:
        return 0, 0
    return max(0, tao - floor(alpha * price)), max(0, floor(tao / price) - alpha)


def _sell_slippage(alpha: int, tao: int, price: Fraction) -> tuple[int, int]:
    """(tao_slippage, alpha_slippage) of a sale of net ``alpha`` that returned ``tao``."""
    if price <= 0:
        return 0, 0
    return max(0, floor(alpha * price) - tao), max(0, alpha - floor(tao / price))


def _check_subnet(state: State, netuid: int) -> None:
    if not X.subnet_exists(state, netuid):
        raise E.SubnetNotExists(f"subnet {netuid} does not exist")


# -- launch -----------------------------------------------------------------------------------


def _launch_price(state: State, netuid: int) -> Fraction:
    if not X.is_dynamic(state, netuid):
        return Fraction(1)
    y, x = X.reserves(state, netuid)
    return Fraction(y, x) if x else Fraction(0)


def _launch_buy(state: State, rules: Rules, netuid: int, tao: int, legs: int) -> SwapQuote:
    fee = rules.pool.fee.buy_fee(tao, legs)
    alpha = X.sim_buy(state, rules, netuid, tao - fee)
    if alpha is None:
        raise E.InsufficientLiquidity(f"subnet {netuid} pool cannot supply that much alpha")
    slip = _buy_slippage(tao - fee, alpha, _launch_price(state, netuid))
    return SwapQuote(tao, alpha, fee, 0, *slip)


def _launch_sell(state: State, rules: Rules, netuid: int, alpha: int, legs: int) -> SwapQuote:
    tao = X.sim_sell(state, rules, netuid, alpha)
    if tao is None:
        raise E.InsufficientLiquidity(f"subnet {netuid} pool cannot pay for that alpha")
    fee = rules.pool.fee.sell_fee(tao, legs)
    slip = _sell_slippage(alpha, tao, _launch_price(state, netuid))
    return SwapQuote(tao - fee, alpha, fee, 0, *slip)


def launch_stake(state: State, rules: Rules, netuid: int, tao: int) -> SwapQuote:
    """``add_stake(tao)`` at the launch: alpha for ``tao`` less the flat fee."""
    _check_subnet(state, netuid)
    return _launch_buy(state, rules, netuid, tao, 1)


def launch_unstake(state: State, rules: Rules, netuid: int, alpha: int) -> SwapQuote:
    """``remove_stake(alpha)`` at the launch: the proceeds less the flat fee."""
    _check_subnet(state, netuid)
    return _launch_sell(state, rules, netuid, alpha, 1)


def launch_move(
    state: State, rules: Rules, origin_netuid: int, destination_netuid: int, alpha: int
) -> SwapQuote:
    """A launch move: sell on the origin, buy on the destination, half the fee per leg
    (``tao`` = the origin proceeds after both legs' fees, as the chain's move event carries;
    ``alpha`` = destination alpha; fees summed)."""
    _check_subnet(state, origin_netuid)
    _check_subnet(state, destination_netuid)
    sale = _launch_sell(state, rules, origin_netuid, alpha, 2)
    buy = _launch_buy(state, rules, destination_netuid, sale.tao, 2)
    return SwapQuote(
        sale.tao - buy.tao_fee,
        buy.alpha,
        sale.tao_fee + buy.tao_fee,
        0,
        sale.tao_slippage + buy.tao_slippage,
        buy.alpha_slippage,
    )


LAUNCH = QuoteRules(
    stake=launch_stake,
    unstake=launch_unstake,
    move=launch_move,
    price=lambda state, rules, netuid: _launch_price(state, netuid),
)


# -- summer-2026 (14bc6f9) --------------------------------------------------------------------


def _head_price(state: State, rules: Rules, netuid: int) -> Fraction:
    return Fraction(H.current_price_bits(state, rules, netuid), ONE64)


def _head_buy(
    state: State, rules: Rules, netuid: int, tao: int, drop_fees: bool = False
) -> SwapQuote:
    got = H.plan_swap(state, rules, netuid, tao, buy=True, drop_fees=drop_fees, simulate=True)
    slip = _buy_slippage(got.amount_paid_in, got.amount_paid_out, _head_price(state, rules, netuid))
    return SwapQuote(tao, got.amount_paid_out, got.fee_paid, 0, *slip)


def _head_sell(
    state: State, rules: Rules, netuid: int, alpha: int, drop_fees: bool = False
) -> SwapQuote:
    got = H.plan_swap(state, rules, netuid, alpha, buy=False, drop_fees=drop_fees, simulate=True)
    price = _head_price(state, rules, netuid)
    slip = _sell_slippage(got.amount_paid_in, got.amount_paid_out, price)
    return SwapQuote(got.amount_paid_out, alpha, 0, got.fee_paid, *slip)


def head_stake(state: State, rules: Rules, netuid: int, tao: int) -> SwapQuote:
    """``add_stake(tao)`` at 14bc6f9: ``sim_swap`` of a buy (fee in TAO, to the author)."""
    _check_subnet(state, netuid)
    return _head_buy(state, rules, netuid, tao)


def head_unstake(state: State, rules: Rules, netuid: int, alpha: int) -> SwapQuote:
    """``remove_stake(alpha)`` at 14bc6f9: ``sim_swap`` of a sale (fee in alpha)."""
    _check_subnet(state, netuid)
    return _head_sell(state, rules, netuid, alpha)


def head_move(
    state: State, rules: Rules, origin_netuid: int, destination_netuid: int, alpha: int
) -> SwapQuote:
    """A 14bc6f9 move of ``alpha``. Within a subnet no swap: ``tao`` = its value at the spot
    price (the event's amount). Across subnets the origin sale, then the destination buy of
    its TAO (``tao`` = the origin proceeds), one fee: ``alpha_fee`` on the origin sale, or
    ``tao_fee`` on the buy when the origin is root."""
    _check_subnet(state, origin_netuid)
    _check_subnet(state, destination_netuid)
    if origin_netuid == destination_netuid:
        value = floor(alpha * _head_price(state, rules, origin_netuid))
        return SwapQuote(value, alpha, 0, 0, 0, 0)
    from_root = origin_netuid == ROOT
    sale = _head_sell(state, rules, origin_netuid, alpha, drop_fees=from_root)
    buy = _head_buy(state, rules, destination_netuid, sale.tao, drop_fees=not from_root)
    return SwapQuote(
        sale.tao,
        buy.alpha,
        buy.tao_fee,
        sale.alpha_fee,
        sale.tao_slippage + buy.tao_slippage,
        buy.alpha_slippage,
    )


BALANCER = QuoteRules(stake=head_stake, unstake=head_unstake, move=head_move, price=_head_price)


# -- root-vote (d4d8182) ------------------------------------------------------------------------


def stable_stake(state: State, rules: Rules, netuid: int, tao: int) -> SwapQuote:
    """``add_stake(tao)`` at d4d8182: ``tao`` less the era's fee, staked 1:1."""
    fee = rules.pool.fee.buy_fee(tao)
    return SwapQuote(tao, tao - fee, fee, 0, 0, 0)


def stable_unstake(state: State, rules: Rules, netuid: int, stake: int) -> SwapQuote:
    """``remove_stake(stake)`` at d4d8182: ``stake`` back 1:1, less the era's fee."""
    fee = rules.pool.fee.sell_fee(stake)
    return SwapQuote(stake - fee, stake, fee, 0, 0, 0)


def stable_move(
    state: State, rules: Rules, origin_netuid: int, destination_netuid: int, stake: int
) -> SwapQuote:
    """d4d8182 has no ``move_stake``: ``CallUnavailable``, as the ``MoveStake`` record."""
    raise E.CallUnavailable("MoveStake is not an extrinsic of this era")


STABLE = QuoteRules(
    stake=stable_stake,
    unstake=stable_unstake,
    move=stable_move,
    price=lambda state, rules, netuid: Fraction(1),  # stake is TAO, 1:1
)
