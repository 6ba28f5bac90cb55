"""Metric functions of the simulator: pure reads of a :class:`~dtao.sim.view.MarketView` and of
block receipts, each with its method in its docstring (``docs/metrics.md`` states them all).

Amounts are int rao (TAO) or alpha-rao; yields and shares are floats. Nothing here writes the
viewed network: what-ifs run on :meth:`MarketView.clone`.
"""

from __future__ import annotations

from collections.abc import Iterable
from math import floor
from typing import Any

import numpy as np

from dtao import operations as ops
from dtao.emission import block_emission
from dtao.errors import DtaoError
from dtao.receipts import BlockReceipt
from dtao.sim.view import BLOCKS_PER_DAY, MarketView

ROOT = 0
DAYS_PER_YEAR = 365
PROBE_MARGIN = 10**9  # rao a probe on a clone holds beside its buy (extrinsic fees, deposit)

# -- concentration ------------------------------------------------------------------------------


def nakamoto(values: Iterable[float], threshold: float = 0.5) -> int:
    """Nakamoto coefficient: the fewest holders whose combined value is strictly more than
    ``threshold`` of the total (largest first); 0 when the total is 0. Negative values are an
    error."""
    array = np.sort(np.asarray(list(values), dtype=float))[::-1]
    if (array < 0).any():
        raise ValueError("nakamoto needs non-negative values")
    total = array.sum()
    if total <= 0:
        return 0
    reached = np.cumsum(array) > threshold * total
    return int(np.argmax(reached)) + 1


def gini(values: Iterable[float]) -> float:
    """Gini coefficient of non-negative values: Σ_i Σ_j |x_i − x_j| / (2 n² mean), computed on
    the sorted values as (2 Σ_i i·x_(i)) / (n Σ x) − (n + 1)/n (i from 1); 0 for equal values
    or a zero total, (n − 1)/n when one holder has everything."""
    array = np.sort(np.asarray(list(values), dtype=float))
    if (array < 0).any():
        raise ValueError("gini needs non-negative values")
    n, total = len(array), array.sum()
    if n == 0 or total <= 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float(2 * (ranks * array).sum() / (n * total) - (n + 1) / n)


def emission_control_stakes(view: MarketView) -> list[int]:
    """The stake that decides emission, per holder (rao, descending), as the viewed era
    answers it (:meth:`MarketView.emission_control_stakes`): under ``root-vote`` the root
    validators' stake (the seats' votes are weighted by it); since dTAO the spot TAO value of
    each coldkey's alpha across subnets, root excluded (a subnet's share follows its pool's EMA
    price, set by who holds, and could sell or buy, its alpha; root stake sets no price)."""
    return sorted(view.emission_control_stakes().values(), reverse=True)


# -- holdings -----------------------------------------------------------------------------------


def spot_value(view: MarketView, coldkey: str) -> int:
    """The coldkey's stake positions valued at spot (rao): Σ alpha × the era's spot price,
    floored per position; root stake at 1:1. Free balance is not included."""
    total = 0
    for _, _, netuid, amount in view.positions(coldkey):
        total += amount if netuid == ROOT else floor(amount * view.spot_price(netuid))
    return total


def exit_value(view: MarketView, coldkey: str) -> int:
    """What unstaking every position of the coldkey now would pay (rao), slippage and fees
    included: on a clone of the network, ``RemoveStake`` of each whole position (no limit, in
    the order of :meth:`MarketView.positions`) at the current block; the value is the clone's
    balance gain. A removal the chain refuses (dust below the min stake, a locked position)
    pays nothing. Free balance is not included."""
    positions = view.positions(coldkey)
    if not positions:
        return 0
    clone = view.trade_clone()  # unstaking reads the UIDs, never writes them
    before = clone.balance(coldkey)
    for _, hotkey, netuid, amount in positions:
        if amount <= 0:
            continue
        try:
            clone.submit(ops.RemoveStake(coldkey, hotkey, netuid, amount))
        except DtaoError:
            continue
    return clone.balance(coldkey) - before


def demand_shares(view: MarketView) -> dict[int, float]:
    """Each emitting subnet's demand share as the summer/current share rule states it, read in
    floats: m·(1 − min(b, 1)) normalised, with m the EMA price and b MinerBurned (launch: b = 0,
    so the EMA-price shares). This is the share the gate's bar θ is compared with."""
    weights = {}
    for netuid in view.netuids:
        terms = view.terms(netuid)
        if terms.emission_enabled and terms.subtoken_enabled:
            moving = max(view.subnet(netuid).moving_price, 0.0)
            weights[netuid] = moving * (1 - min(terms.miner_burned, 1.0))
    total = sum(weights.values())
    return {n: w / total if total > 0 else 0.0 for n, w in weights.items()}


def market_cap(view: MarketView, netuid: int) -> int:
    """A subnet's market cap (rao): spot price × (alpha_in + alpha_out), floored (btcli's
    ``Market Cap (α * Price)``; taostats' circulating alpha × price)."""
    subnet = view.subnet(netuid)
    return floor(view.spot_price(netuid) * (subnet.alpha_in + subnet.alpha_out))


def pruning_rank(view: MarketView) -> dict[int, int | None]:
    """Each subnet's rank in the pruning order (1 = the next to be pruned: lowest EMA price
    past immunity, ties to the earlier registration then lower netuid); None while immune."""
    order = {netuid: i + 1 for i, netuid in enumerate(view.pruning_order())}
    return {netuid: order.get(netuid) for netuid in view.netuids}


# -- yields -------------------------------------------------------------------------------------


def realised_return(start_value: int, end_value: int, flows: int = 0) -> float:
    """Realised return over a window, in the unit of the values (TAO terms for rao values):
    (end − start − flows) / start, ``flows`` = value added (+) or withdrawn (−) meanwhile;
    0 when ``start`` is 0."""
    return (end_value - start_value - flows) / start_value if start_value else 0.0


def simple_apy(window_return: float, window_blocks: int) -> float:
    """Simple annualisation as taostats publishes its APY ("actual returns in the period,
    extrapolated to a year"; nom/1k/24BTday × 365): return × 365 × 7 200 / window_blocks."""
    if window_blocks <= 0:
        raise ValueError("the window must be at least one block")
    return window_return * DAYS_PER_YEAR * BLOCKS_PER_DAY / window_blocks


def compound_apy(window_return: float, window_blocks: int) -> float:
    """Compounded annualisation (taoyield's): (1 + return)^(365 × 7 200 / window_blocks) − 1;
    ``inf`` beyond the float range."""
    if window_blocks <= 0:
        raise ValueError("the window must be at least one block")
    try:
        return (1 + window_return) ** (DAYS_PER_YEAR * BLOCKS_PER_DAY / window_blocks) - 1
    except OverflowError:
        return float("inf")


def hotkey_dividends(receipts: Iterable[BlockReceipt], hotkey: str, netuid: int) -> int:
    """Alpha dividends credited through ``hotkey`` on ``netuid`` by the epochs of ``receipts``
    (alpha-rao: the validator take plus the nominators' part, ``alpha_take + alpha_rest``)."""
    total = 0
    for receipt in receipts:
        for payout in receipt.epochs:
            if payout.netuid != netuid:
                continue
            for i, validator in enumerate(payout.validator_hotkeys):
                if validator == hotkey:
                    total += payout.alpha_take[i] + payout.alpha_rest[i]
    return total


def subnet_dividends(receipts: Iterable[BlockReceipt]) -> dict[int, int]:
    """Alpha dividends paid to each subnet's stakers by the epochs of ``receipts``
    (alpha-rao, Σ ``alpha_take + alpha_rest``)."""
    out: dict[int, int] = {}
    for receipt in receipts:
        for payout in receipt.epochs:
            out[payout.netuid] = (
                out.get(payout.netuid, 0) + sum(payout.alpha_take) + sum(payout.alpha_rest)
            )
    return out


def alpha_dividend_return(view: MarketView, dividends: dict[int, int]) -> float:
    """The alpha stakers' realised return over a window in TAO terms, from the dividends
    (:func:`subnet_dividends`) paid in it: Σ_n dividends_n × price_n / Σ_n staked alpha_n ×
    price_n, over the subnets that paid, at the prices and stake of ``view`` (the window's
    end). 0 when nothing is staked."""
    paid = staked = 0.0
    for netuid, alpha in dividends.items():
        if netuid not in view.netuids:
            continue
        price = float(view.spot_price(netuid))
        paid += alpha * price
        staked += float(view.neurons(netuid).stake.sum()) * price
    return paid / staked if staked > 0 else 0.0


# -- manipulation -------------------------------------------------------------------------------


def _decay(view: MarketView, netuid: int, blocks: int) -> float:
    """Π over the next ``blocks`` blocks of (1 − a_k), the weight the EMA price keeps of its
    current value: a_k = ema_alpha·b_k/(b_k + H) with the preset's warm-up H (a_k = ema_alpha
    without one), b_k = blocks since the subnet's registration + k (the registration stands in
    for its first emission block)."""
    params = view.params
    a = params.ema_alpha
    if params.ema_warmup_blocks is None:
        return float((1 - a) ** blocks)
    age = max(view.block - view.subnet(netuid).registered_at, 0)
    b = age + np.arange(1, blocks + 1, dtype=float)
    return float(np.exp(np.log1p(-a * b / (b + params.ema_warmup_blocks)).sum()))


def _gated(shares: dict[int, float], view: MarketView) -> dict[int, float]:
    """The gate applied to demand shares in floats where the preset has one: θ the
    ``emission_bar_rank``-th largest positive share (the smallest positive one when fewer;
    rank 0: the share where the descending running sum reaches ``emission_bar_quantile``),
    s·1/(1 + (θ/s)^h) renormalised."""
    if view.emission_gate_bar() is None:
        return shares
    params = view.params
    positive = sorted((s for s in shares.values() if s > 0), reverse=True)
    if not positive:
        return shares
    if params.emission_bar_rank > 0:
        theta = positive[min(params.emission_bar_rank, len(positive)) - 1]
    else:
        running = np.cumsum(positive)
        theta = positive[int(np.searchsorted(running, params.emission_bar_quantile))]
    h = params.emission_gate_exponent
    gated = {n: s / (1 + (theta / s) ** h) if s > 0 else 0.0 for n, s in shares.items()}
    total = sum(gated.values())
    return {n: g / total for n, g in gated.items()} if total > 0 else shares


def _buy_on_clone(view: MarketView, netuid: int, tao: int) -> tuple[Any, int]:
    """A clone of the network on which a probe coldkey (funded with ``tao`` and
    :data:`PROBE_MARGIN` beside it for fees) has bought ``tao`` rao of ``netuid``'s alpha
    through the owner's hotkey; the clone and the alpha credited."""
    clone = view.trade_clone()
    probe = "metrics:probe"
    clone.fund(probe, tao + PROBE_MARGIN)
    alpha = clone.add_stake(probe, view.subnet(netuid).owner_hotkey, netuid, tao)
    return clone, alpha


def _price_after_buy(view: MarketView, netuid: int, tao: int) -> float:
    """The spot price after a buy of ``tao`` rao on ``netuid``. On a weighted-product pool
    (constant product, balancer) from the exact quote: p·(y'/y)·(x/x') with y' = y + tao − fee,
    x' = x − alpha (a swap leaves the weights alone; where the fee stays in the pool, launch's
    flat fee, the price is low by about fee / y); on the superellipse curve by executing the
    buy on a clone (:func:`_buy_on_clone`; slower: a copy of the state)."""
    subnet = view.subnet(netuid)
    if view.params.superellipse:
        clone, _ = _buy_on_clone(view, netuid, tao)
        return float(clone.spot_price(netuid))
    quote = view.quote_stake(netuid, tao)
    y_after = subnet.tao_in + tao - quote.tao_fee
    x_after = subnet.alpha_in - quote.alpha
    return float(view.spot_price(netuid)) * (y_after / subnet.tao_in) * (subnet.alpha_in / x_after)


def manipulation_cost(
    view: MarketView, netuid: int, share_gain: float = 0.10, days: float = 30
) -> dict[str, Any]:
    """The TAO a manipulator needs to raise ``netuid``'s emission share by ``share_gain``
    (relative: to (1 + gain) × the share it would have anyway) within ``days``.

    Method (a projection, no blocks run): a one-off buy of t rao now moves the subnet's spot
    price to p'(t) (:func:`_price_after_buy`); with no other trades every subnet's EMA price goes
    geometrically toward its (capped) spot price, m_N = p + (m − p)·Π(1 − a_k) (:func:`_decay`);
    the demand shares are m_N·(1 − MinerBurned) over the emitting subnets, gated where the preset
    has a gate (:func:`_gated`, the bar recomputed from the projected shares). The cost is the
    smallest t (binary search to 0.1 %) whose projected share reaches the target. Ignored:
    emission's own price drift, other traders, the price the manipulator pays back on exit.
    ``tao_rao`` is None when no buy reaches the target (the price cap or the pool's depth)."""
    params = view.params
    blocks = max(int(days * BLOCKS_PER_DAY), 1)
    cap = params.ema_price_cap
    base: dict[int, tuple[float, float, float]] = {}  # netuid -> (m, spot, decay), weight 1-b
    weight: dict[int, float] = {}
    for n in view.netuids:
        terms = view.terms(n)
        if not (terms.emission_enabled and terms.subtoken_enabled):
            continue
        subnet = view.subnet(n)
        moving = max(subnet.moving_price, 0.0)
        base[n] = (moving, float(view.spot_price(n)), _decay(view, n, blocks))
        weight[n] = 1 - min(terms.miner_burned, 1.0)
    if netuid not in base:
        raise ValueError(f"subnet {netuid} does not emit (switched off, not started or absent)")

    def observed(price: float) -> float:
        return price if cap is None else min(price, cap)

    def projected(n: int, spot: float) -> float:
        m, _, decay = base[n]
        target = observed(spot)
        return target + (m - target) * decay

    emas = {n: projected(n, base[n][1]) for n in base}

    def share(t: int) -> float:
        spot = _price_after_buy(view, netuid, t) if t > 0 else base[netuid][1]
        demand = {n: weight[n] * (projected(n, spot) if n == netuid else emas[n]) for n in base}
        total = sum(demand.values())
        raw = {n: d / total if total > 0 else 0.0 for n, d in demand.items()}
        return _gated(raw, view)[netuid]

    baseline = share(0)
    target = baseline * (1 + share_gain)
    result: dict[str, Any] = {
        "netuid": netuid,
        "days": days,
        "share_gain": share_gain,
        "share_baseline": baseline,
        "share_target": target,
        "tao_rao": None,
        "method": "one-off buy now, EMA projected geometrically to the capped spot, "
        "demand shares (gated where the preset has a gate), binary search",
    }
    subnet = view.subnet(netuid)
    if subnet.tao_in <= 0 or subnet.alpha_in <= 0:  # no pool to buy into (root-vote)
        result["method"] = "no pool: emission does not follow a price a buy could move"
        return result
    low, high = 0, 10**9
    limit = params.total_supply
    while True:
        try:
            if share(high) >= target:
                break
        except DtaoError:
            return result  # the pool cannot serve such a buy
        low, high = high, high * 2
        if high > limit:
            return result
    while high - low > max(high // 1000, 1):
        middle = (low + high) // 2
        if share(middle) >= target:
            high = middle
        else:
            low = middle
    result["tao_rao"] = high
    result["share_projected"] = share(high)
    return result


def manipulation_gain(
    view: MarketView, netuid: int, tao: int, extra_share: float, days: float = 30
) -> dict[str, Any]:
    """What a buy of ``tao`` rao into ``netuid`` that lifts its emission share by
    ``extra_share`` (absolute, e.g. 10 % of a 5 % share: 0.005) earns over ``days``, rao.

    Method (a projection, like :func:`manipulation_cost`): the subnet receives ``extra_share``
    × the block emission at today's issuance × the window's blocks more TAO; the buyer's part of
    it is its alpha's part of the alpha outstanding after the buy, α / (alpha_out + α) (the
    pool's TAO backs the staked alpha pro rata); from that the round trip's loss is taken, the
    ``tao`` spent minus what unstaking α right after the buy would pay (fees and slippage both
    ways: ``add_stake`` and ``quote_unstake`` on a clone; extrinsic fees left out).
    ``gain_rao`` < 0 means the
    manipulation does not pay. Ignored: the price path of the window, other traders, the
    alpha emission's own dilution."""
    blocks = max(int(days * BLOCKS_PER_DAY), 1)
    subnet = view.subnet(netuid)
    clone, alpha = _buy_on_clone(view, netuid, tao)
    exit_rao = clone.quote_unstake(netuid, alpha).tao if alpha > 0 else 0
    extra_rao = floor(extra_share * block_emission(view.total_issuance, view.params) * blocks)
    outstanding = subnet.alpha_out + alpha
    claim_rao = extra_rao * alpha // outstanding if outstanding else 0
    return {
        "netuid": netuid,
        "tao_rao": tao,
        "alpha_bought": alpha,
        "extra_emission_rao": extra_rao,
        "claim_rao": claim_rao,
        "round_trip_loss_rao": tao - exit_rao,
        "gain_rao": claim_rao - (tao - exit_rao),
    }
