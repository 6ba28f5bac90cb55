"""Basket trading (dtao-current.md §5.7, post-469): ``swap_basket`` and ``swap_basket_many``,
the only way a fund's composition changes. Re-expressed from RaoFoundation/subtensor
``staking/basket_trade.rs`` (id:71557293251) with the ``lib.rs`` defaults (id:68884137211).

Each leg sells ``amount`` of the fund's origin row (netuid 0 = the cash slot, 1:1) for TAO
and buys the destination row with it, through the era's pool with the swap fee (to the block
author) on both AMM legs; shares, ρ and κ are untouched. Guardrails per leg: the price band
(each AMM leg fills within ``basket_band_bps`` of the strictest of the slow EMA, the fast EMA
and spot: a
floor for the sale, a ceiling for the buy), the turnover bucket (``basket_turnover_cap_u16`` of
NAV, refilling linearly over ``basket_turnover_refill`` blocks, full at first use), the
liquidity cap (destination holding ≤ ``basket_liquidity_cap_bps`` of the pool's alpha reserve)
and the concentration cap (destination value ≤ ``basket_concentration_cap_u16`` of NAV, skipped
while fewer subnets exist than the cap needs), the minimum leg (proceeds ≥ max(min stake,
``basket_min_trade``)) and ``min_amount_out``. The legs are run on a copy first and written only
when every one passes, so a refused batch changes nothing.
"""

from __future__ import annotations

import copy

from dtao import baskets as B
from dtao import errors as E
from dtao import extrinsics as X
from dtao import ledger
from dtao import root_reborn as RR
from dtao import staking_head as H
from dtao.baskets import ESCROW, ROOT
from dtao.fixed import FRAC32, FRAC64
from dtao.receipts import BasketSwapped, Event
from dtao.rules import Rules
from dtao.state import State
from dtao.summer import FAST_PRICE, wide_value
from dtao.units import U16_MAX

BPS = 10_000
#: a leg: (origin netuid, destination netuid, amount, min amount out)
Leg = tuple[int, int, int, int]


def _check_call(state: State, coldkey: str, hotkey: str, legs: list[Leg]) -> None:
    """The call-level checks, in the chain's order."""
    params = state.params
    if not params.basket_trading_enabled:
        raise E.BasketTradingDisabled("BasketTradingEnabled is false")
    if hotkey in B.baskets(state).frozen:
        raise E.BasketTradingFrozen(f"the fund of {hotkey!r} is frozen")
    if not legs:
        raise E.BasketSwapBatchEmpty("no legs")
    if len(legs) > params.basket_max_legs:
        raise E.BasketSwapBatchTooLarge(f"{len(legs)} legs > {params.basket_max_legs}")
    if state.hotkey_owner.get(hotkey) != coldkey:
        raise E.NonAssociatedColdKey(f"{coldkey!r} does not own {hotkey!r}")
    if not B.on_root(state, hotkey):
        raise E.HotKeyNotRegisteredInSubNet(f"{hotkey!r} has no root seat")


def _reference_prices(state: State, rules: Rules, netuid: int) -> list[int]:
    """Spot, the slow EMA (when seeded) and the fast EMA (``SubnetFastMovingPrice``, when
    seeded: :mod:`dtao.fast_ema`) as U64F64 bits."""
    prices = [H.current_price_bits(state, rules, netuid)]
    ema = int(state.columns.get("moving_price_bits", netuid))
    if ema > 0:
        prices.append(ema << (FRAC64 - FRAC32))
    fast = wide_value(state, FAST_PRICE, netuid)
    if fast:
        prices.append(fast)
    return prices


def _refill(state: State, hotkey: str, capacity: int) -> int:
    """The turnover bucket of ``hotkey`` now (rao): full at first use, refilled linearly."""
    level, last = B.baskets(state).turnover.get(hotkey, (capacity, state.block))
    refill = capacity * (state.block - last) // state.params.basket_turnover_refill
    return min(capacity, level + refill)


def _leg(state: State, rules: Rules, events: list[Event], hotkey: str, leg: Leg, nav: int) -> None:
    """Check and run one leg on ``state`` (the trial copy or, once it passed, the real one)."""
    origin, destination, amount, min_out = leg
    params = state.params
    if origin == destination:
        raise E.BasketSameSubnet(f"origin and destination are both {origin}")
    for netuid in (origin, destination):
        if not X.subnet_exists(state, netuid):
            raise E.SubnetNotExists(f"subnet {netuid} does not exist")
    for netuid in (origin, destination):
        if netuid != ROOT and not H.subtoken_enabled(state, netuid):
            raise E.SubtokenDisabled(f"subnet {netuid} has its subtoken disabled")
    if amount == 0:
        raise E.AmountTooLow("a zero leg")
    held = ledger.get_stake(state, ESCROW, hotkey, origin)
    if held < amount:
        raise E.NotEnoughStakeToWithdraw(f"the fund holds {held} on {origin}, leg sells {amount}")
    band = params.basket_band_bps
    sale_refs = _reference_prices(state, rules, origin) if X.is_dynamic(state, origin) else []
    buy_refs = (
        _reference_prices(state, rules, destination) if X.is_dynamic(state, destination) else []
    )
    sale = H.plan_unstake(state, rules, hotkey, ESCROW, ESCROW, origin, amount, None, False)
    tao = sale.tao
    if tao < max(params.min_stake, params.basket_min_trade):
        raise E.AmountTooLow(f"leg proceeds {tao} rao are below the minimum leg")
    if sale_refs and tao * BPS << FRAC64 < amount * max(sale_refs) * (BPS - band):
        raise E.BasketPriceBandExceeded(f"the sale of {amount} on {origin} fills below the band")
    capacity = params.basket_turnover_cap_u16 * nav // U16_MAX
    level = _refill(state, hotkey, capacity)
    if tao > level:
        raise E.BasketTurnoverCapExceeded(f"{tao} rao > {level} left in the turnover bucket")
    H.commit_unstake(state, events, sale)
    buy = H.plan_stake(
        state,
        rules,
        hotkey,
        ESCROW,
        destination,
        tao,
        None,
        False,
        balance=tao + params.existential_deposit,
    )
    bought = buy.swap.amount_paid_out
    if buy_refs and bought * min(buy_refs) * (BPS + band) < tao * BPS << FRAC64:
        raise E.BasketPriceBandExceeded(f"the buy on {destination} fills above the band")
    if bought < min_out:
        raise E.SlippageTooHigh(f"bought {bought}, asked at least {min_out}")
    H.commit_stake(state, events, buy)
    X.add_total_stake(state, -buy.swap.fee_to_block_author)  # the buy fee left the stake
    B.baskets(state).turnover[hotkey] = (level - tao, state.block)
    if X.is_dynamic(state, destination):
        after = ledger.get_stake(state, ESCROW, hotkey, destination)
        reserve = state.columns.get("alpha_in", destination)
        if after * BPS > reserve * params.basket_liquidity_cap_bps:
            raise E.BasketLiquidityCapExceeded(f"{after} on {destination} > the pool cap")
        cap = params.basket_concentration_cap_u16
        if cap and len(state.subnets) * cap >= U16_MAX:
            worth = RR.value_of(state, rules, destination, after)
            if worth * U16_MAX > nav * cap:
                raise E.BasketConcentrationCapExceeded(f"{worth} rao on {destination}")
    events.append(BasketSwapped(hotkey, origin, destination, amount, tao, bought))


def swap_basket_many(
    state: State, rules: Rules, events: list[Event], coldkey: str, hotkey: str, legs: list[Leg]
) -> int:
    """``swap_basket_many``: every leg or none (one flush, one NAV valuation first); the rao
    that passed through the middle of the legs."""
    _check_call(state, coldkey, hotkey, legs)
    trial = copy.deepcopy(state)
    RR.flush(trial, rules, hotkey)
    nav = RR.nav(trial, rules, hotkey)
    for leg in legs:
        _leg(trial, rules, [], hotkey, leg, nav)
    RR.flush(state, rules, hotkey)
    written: list[Event] = []
    for leg in legs:
        _leg(state, rules, written, hotkey, leg, nav)
    events.extend(written)
    return sum(e.tao_mid for e in written if isinstance(e, BasketSwapped))


def swap_basket(
    state: State,
    rules: Rules,
    events: list[Event],
    coldkey: str,
    hotkey: str,
    leg: Leg,
) -> int:
    """``swap_basket``: one leg."""
    return swap_basket_many(state, rules, events, coldkey, hotkey, [leg])
