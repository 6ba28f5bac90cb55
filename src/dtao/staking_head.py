"""Staking at 14bc6f9 (summer-2026): the balancer pool's swaps, the fee to the block author, and
the stake extrinsics with their limit variants.

Re-expressed from opentensor/subtensor @ ``14bc6f9``: ``staking/stake_utils.rs``
(``swap_tao_for_alpha``, ``swap_alpha_for_tao``, ``stake_into_subnet``, ``unstake_from_subnet``,
``transfer_stake_within_subnet``, ``validate_add_stake``, ``validate_remove_stake``,
``validate_stake_transition``), ``staking/add_stake.rs``, ``staking/remove_stake.rs``,
``staking/move_stake.rs``, ``staking/recycle_alpha.rs`` and ``pallets/swap/src/pallet/impls.rs``
(``do_swap``, ``sim_swap``, ``maybe_initialize_palswap``).

Rules of the era that differ from the launch (:mod:`dtao.extrinsics`):

* every swap on a dynamic subnet runs the balancer at the subnet's quote weight (0.5 until the
  pool is initialised: each swap first initialises an uninitialised pool to 0.5), with its fee
  ``FeeRate``/65 535 taken from the input;
* a buy's TAO fee goes from the subnet to the block author (``params.block_author``); a sale's
  alpha fee is sold fee-free into the same pool and that TAO goes to the author; without an
  author the TAO is burned (held by nobody, ``lost_tao``) and the alpha is burned (still in
  ``SubnetAlphaOut``, the summer column ``alpha_burned``);
* a limit price is handed to the swap: a limited sale executes up to the limit and refunds the
  rest of the alpha to the position; a limited buy is first capped to ``get_max_amount_add``;
* a same-subnet move or transfer re-assigns the stake without a swap; a cross-subnet move pays
  one fee (on the origin sale, or on the destination buy when the origin is root);
* the debit of a stake keeps the existential deposit (``transfer_tao_to_subnet``).

Every extrinsic checks in the chain's order and plans its swaps on copies of the reserves before
its first write, so a rejection (the chain's error, :mod:`dtao.errors`) changes nothing. Amounts
are int rao / alpha-rao; limit prices rao per whole alpha (the chain's u64).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dtao import baskets, exact_compiled, flows, ledger, root_claim, staking_marks
from dtao import curve as CV
from dtao import errors as E
from dtao import extrinsics as X
from dtao.fixed import FRAC64, U64F64
from dtao.pools import balancer as bal
from dtao.pools.strategies import Balancer, Superellipse
from dtao.receipts import Event, Lost, StakeSwap
from dtao.rules import Rules
from dtao.state import SharePool, State
from dtao.summer import COLUMNS, SummerColumns, summer_columns
from dtao.units import RAO_PER_TAO, U64_MAX

ROOT = 0
#: ``max_price_inner`` / ``min_price_inner``: the default limits of a buy and of a sale
MAX_PRICE = bal.MAX_PRICE_RAO
MIN_PRICE = bal.MIN_PRICE_RAO


# -- reads ------------------------------------------------------------------------------------


def summer_value(state: State, column: str, netuid: int) -> int:
    """One summer-2026 column value without creating the section (reads never write)."""
    ext = state.extensions.get(SummerColumns.name)
    return COLUMNS[column] if ext is None else ext.get(column, netuid)  # type: ignore[attr-defined]


def quote_weight(state: State, netuid: int) -> int:
    """The quote weight w2 (Perquintill parts) the next swap on ``netuid`` uses: the stored
    ``SwapBalancer`` once ``PalSwapInitialized``, else 0.5 (``maybe_initialize_palswap(None)``
    runs at the start of every swap)."""
    if summer_value(state, "pool_initialized", netuid):
        return summer_value(state, "quote_weight", netuid)
    return bal.DEFAULT_QUOTE_WEIGHT


@dataclass(frozen=True)
class BalancerBinding:
    """``PoolRules.bind`` of the era: ``base`` at each subnet's quote weight
    (:func:`quote_weight`); a class so that fast twins can tell this binding from others."""

    base: Balancer

    def __call__(self, state: State, netuid: int) -> Balancer:
        return self.base.with_weight(quote_weight(state, netuid))


def bind_balancer(base: Balancer) -> Callable[[State, int], Balancer]:
    """``PoolRules.bind`` of the era: ``base`` at each subnet's quote weight."""
    return BalancerBinding(base)


def bind_superellipse(base: Superellipse) -> Callable[[State, int], Superellipse]:
    """``PoolRules.bind`` with the superellipse on (dtao-current.md §6.3): ``base`` on each
    subnet's stored curve, or on the calibration its first swap would store (from the weight
    :func:`quote_weight` gives, at the current reserves)."""

    def bind(state: State, netuid: int) -> Superellipse:
        return base.with_curve(CV.curve_for(state, netuid, quote_weight(state, netuid)))

    return bind


def _pool(state: State, rules: Rules, netuid: int) -> Balancer | Superellipse:
    math = X.pool_math(state, rules, netuid)
    if not isinstance(math, Balancer | Superellipse):
        raise E.ConfigError(f"the era's pool {math.name!r} is not the balancer")
    return math


def current_price_bits(state: State, rules: Rules, netuid: int) -> int:
    """``current_alpha_price`` as U64F64 bits: the pool's price of a dynamic subnet (the
    balancer's (w1/w2)·y/x, or the superellipse's b²X/(a²Y); 0 when x = 0), 1.0 on root and
    stable subnets."""
    if not X.is_dynamic(state, netuid):
        return 1 << FRAC64
    y, x = X.reserves(state, netuid)
    return _pool(state, rules, netuid).price_bits(y, x)


def subtoken_enabled(state: State, netuid: int) -> bool:
    """``SubtokenEnabled`` (root: always, set at genesis)."""
    return netuid == ROOT or bool(summer_value(state, "subtoken_enabled", netuid))


def _ensure_subtoken(state: State, netuid: int) -> None:
    if not subtoken_enabled(state, netuid):
        raise E.SubtokenDisabled(f"subnet {netuid}: the token is not enabled (start_call)")


# -- swaps: planned on reserves, then written --------------------------------------------------


def plan_swap(
    state: State,
    rules: Rules,
    netuid: int,
    amount: int,
    *,
    buy: bool,
    limit_price: int | None = None,
    drop_fees: bool = False,
    simulate: bool = False,
    reserves: tuple[int, int] | None = None,
) -> bal.SwapResult:
    """The swap the pallet would make now (``SwapInterface::swap``), without writing.

    Stable subnets and root trade 1:1 with no fee (a simulation on a netuid that does not exist
    trades 0, as ``sim_swap``). ``reserves`` (y, x) replaces the stored ones (a later leg of
    the same extrinsic). Raises the swap pallet's errors.
    """
    if not X.is_dynamic(state, netuid):
        if simulate and not X.subnet_exists(state, netuid):
            amount = 0
        return bal.SwapResult(amount, amount, 0, 0)
    y, x = X.reserves(state, netuid) if reserves is None else reserves
    pool = _pool(state, rules, netuid)
    # the balancer's compiled twin under fast rules (the superellipse has none)
    twin = {"kernel": exact_compiled.kernels()} if rules.fast and type(pool) is Balancer else {}
    return pool.swap(
        y,
        x,
        amount,
        buy=buy,
        limit_price=limit_price,
        drop_fees=drop_fees,
        simulate=simulate,
        **twin,
    )


def sim_swap(state: State, rules: Rules, netuid: int, amount: int, *, buy: bool) -> bal.SwapResult:
    """``sim_swap``: the swap at the default price limit with fees, rolled back."""
    return plan_swap(state, rules, netuid, amount, buy=buy, simulate=True)


def _after(
    state: State, netuid: int, result: bal.SwapResult, buy: bool, reserves: tuple[int, int]
) -> tuple[int, int]:
    """Reserves (y, x) after ``result`` (a dynamic subnet)."""
    y, x = reserves
    if buy:
        return y + result.amount_paid_in, x - result.amount_paid_out
    return y - result.amount_paid_out, x + result.amount_paid_in


def _mark_initialised(state: State, netuid: int) -> None:
    """``maybe_initialize_palswap(None)`` of a committed swap, before its reserves move:
    w2 = 0.5 on first use; with the superellipse on, the pool's curve is stored (calibrated at
    these reserves) if it has none yet (:func:`dtao.curve.ensure_curve`)."""
    ext = summer_columns(state)
    if state.params.superellipse:
        CV.ensure_curve(state, netuid, quote_weight(state, netuid))
    if not ext.get("pool_initialized", netuid):
        ext.set("quote_weight", netuid, bal.DEFAULT_QUOTE_WEIGHT)
        ext.set("pool_initialized", netuid, 1)


def write_buy(state: State, netuid: int, gross: int, result: bal.SwapResult) -> None:
    """``swap_tao_for_alpha``'s writes: x −= out (saturating), o += out, y += net in,
    TotalStake += the gross TAO (fee included). The fee is the caller's to pay out."""
    X.add_total_stake(state, gross)
    paid_in, out = result.amount_paid_in, result.amount_paid_out
    if netuid == ROOT:
        state.root_tao += paid_in
        return
    if netuid not in state.subnets:
        return
    if X.is_dynamic(state, netuid):
        _mark_initialised(state, netuid)
    cols = state.columns
    cols.add("alpha_in", netuid, -min(out, cols.get("alpha_in", netuid)))
    cols.add("alpha_out", netuid, out)
    cols.add("tao_in", netuid, paid_in)


def write_sell(state: State, netuid: int, result: bal.SwapResult) -> None:
    """``swap_alpha_for_tao``'s writes: x += net in, o −= net in, y −= out, TotalStake −= out
    (each saturating at 0 as the chain's; a stable subnet paying beyond its reserve pays new
    TAO, counted as negative loss, and alpha beyond o is counted in ``alpha_unbacked``)."""
    paid_in, out = result.amount_paid_in, result.amount_paid_out
    X.add_total_stake(state, -out)
    if netuid == ROOT:
        state.root_tao = max(state.root_tao - out, 0)
        return
    if netuid not in state.subnets:
        return
    if X.is_dynamic(state, netuid):
        _mark_initialised(state, netuid)
    cols = state.columns
    cols.add("alpha_in", netuid, paid_in)
    counted = cols.get("alpha_out", netuid)
    cols.add("alpha_out", netuid, -min(paid_in, counted))
    cols.add("alpha_unbacked", netuid, max(paid_in - counted, 0))
    from_pool = min(out, cols.get("tao_in", netuid))
    cols.add("tao_in", netuid, -from_pool)
    state.lost_tao -= out - from_pool


def _pay_author(state: State, events: list[Event], tao: int) -> None:
    """A fee in TAO to the block author; burned (held by nobody) when there is none."""
    author = state.params.block_author
    if author:
        ledger.increase_balance(state, author, tao)
    elif tao:
        state.lost_tao += tao
        events.append(Lost(tao, "swap fee burned (no block author)"))


def adjust_protocol_liquidity(
    state: State, netuid: int, tao_delta: int, alpha_delta: int
) -> tuple[int, int]:
    """``adjust_protocol_liquidity`` (swap impls.rs): re-weight the stored balancer of
    ``netuid`` so that adding (Δy rao, Δx alpha-rao) keeps its price; returns what may be added
    — both deltas, or (0, 0) when the new weight would leave [0.01, 0.99] (nothing changes).
    Only the weight is written; the caller adds the reserves. It reads the stored weight
    (not the 0.5 an uninitialised pool's first swap will reset it to), as the chain does."""
    y, x = X.reserves(state, netuid)
    stored = summer_value(state, "quote_weight", netuid)
    weight, tao, alpha = bal.adjust_protocol_liquidity(y, x, stored, tao_delta, alpha_delta)
    if weight != stored:  # a refused injection returns the stored weight
        summer_columns(state).set("quote_weight", netuid, weight)
    return tao, alpha


# -- stake_into_subnet / unstake_from_subnet -------------------------------------------------


@dataclass(frozen=True)
class StakePlan:
    """A checked ``stake_into_subnet``: the TAO debited, the swap, the alpha credited."""

    hotkey: str
    coldkey: str
    netuid: int
    tao_staked: int  # rao taken from the coldkey (the existential deposit kept)
    swap: bal.SwapResult


def plan_stake(
    state: State,
    rules: Rules,
    hotkey: str,
    coldkey: str,
    netuid: int,
    tao: int,
    limit_price: int | None,
    drop_fees: bool,
    balance: int | None = None,
) -> StakePlan:
    """Check a ``stake_into_subnet`` (no validation of the extrinsic's own): the debit keeps the
    existential deposit (``InsufficientBalance`` when nothing can move), the buy at
    ``limit_price``, ``AmountTooLow`` if it buys nothing, ``InsufficientLiquidity`` if the
    hotkey's share pool cannot hold it. ``balance``: the coldkey's balance by then (a later leg)."""
    if balance is None:
        balance = ledger.get_balance(state, coldkey)
    tao_staked = 0
    if tao:
        tao_staked = max(min(tao, balance - state.params.existential_deposit), 0)
        if not tao_staked:
            raise E.InsufficientBalance(f"{coldkey} cannot pay {tao} rao and keep the ED")
    swap = plan_swap(
        state, rules, netuid, tao_staked, buy=True, limit_price=limit_price, drop_fees=drop_fees
    )
    if swap.amount_paid_out == 0:
        raise E.AmountTooLow(f"{tao_staked} rao buys no alpha on subnet {netuid}")
    if not ledger.can_add_for_one(ledger.get_pool(state, hotkey, netuid), swap.amount_paid_out):
        raise E.InsufficientLiquidity(f"hotkey pool cannot represent {swap.amount_paid_out}")
    return StakePlan(hotkey, coldkey, netuid, tao_staked, swap)


def commit_stake(state: State, events: list[Event], plan: StakePlan, mark: bool = False) -> int:
    """Write a :class:`StakePlan`; returns the alpha credited. TAO not swapped (a limit cut
    the order short) stays in the subnet's account, outside the pool: counted as lost.
    ``mark``: the call sets the staking rate limiter (``set_limit``)."""
    swap = plan.swap
    ledger.decrease_balance(state, plan.coldkey, plan.tao_staked)
    write_buy(state, plan.netuid, plan.tao_staked, swap)
    flows.record_user_flow(state, plan.netuid, swap.amount_paid_in)  # record_tao_inflow
    if mark:
        staking_marks.mark(state, plan.hotkey, plan.coldkey, plan.netuid)
    ledger.increase_stake(state, plan.coldkey, plan.hotkey, plan.netuid, swap.amount_paid_out)
    if plan.netuid == ROOT:  # RootClaimed += rate × the root stake bought
        root_claim.root_stake_added(state, plan.coldkey, plan.hotkey, swap.amount_paid_out)
        baskets.rebase_root_stake(state, plan.coldkey, plan.hotkey, swap.amount_paid_out)
    _pay_author(state, events, swap.fee_to_block_author)
    stranded = plan.tao_staked - swap.amount_paid_in - swap.fee_to_block_author
    if stranded:
        state.lost_tao += stranded
        events.append(Lost(stranded, "unswapped TAO left in the subnet account"))
    events.append(
        StakeSwap(
            plan.netuid,
            plan.coldkey,
            plan.hotkey,
            True,
            swap.amount_paid_in,
            swap.amount_paid_out,
            swap.fee_paid,
        )
    )
    return swap.amount_paid_out


def stake_into_subnet(
    state: State,
    rules: Rules,
    events: list[Event],
    hotkey: str,
    coldkey: str,
    netuid: int,
    tao: int,
    limit_price: int | None = MAX_PRICE,
    drop_fees: bool = False,
    mark: bool = False,
) -> int:
    """``stake_into_subnet``: take ``tao`` (ED kept), buy at the limit, credit; alpha back.
    ``mark``: ``set_limit`` (the staking rate limiter, where the era has it)."""
    plan = plan_stake(state, rules, hotkey, coldkey, netuid, tao, limit_price, drop_fees)
    return commit_stake(state, events, plan, mark)


@dataclass(frozen=True)
class UnstakePlan:
    """A checked ``unstake_from_subnet``: the alpha taken, the sale, the fee's sale."""

    hotkey: str
    coldkey: str
    beneficiary: str
    netuid: int
    removed: int  # alpha-rao taken off the position (share-pool dust rule included)
    swap: bal.SwapResult
    fee_swap: bal.SwapResult | None  # the fee alpha sold for the author; None: burned

    @property
    def refund(self) -> int:
        """Alpha a limit left unsold, credited back to the position."""
        return self.removed - self.swap.amount_paid_in - self.swap.fee_paid

    @property
    def tao(self) -> int:
        """Rao paid to the beneficiary."""
        return self.swap.amount_paid_out


def plan_unstake(
    state: State,
    rules: Rules,
    hotkey: str,
    coldkey: str,
    beneficiary: str,
    netuid: int,
    alpha: int,
    limit_price: int | None,
    drop_fees: bool,
) -> UnstakePlan:
    """Check an ``unstake_from_subnet``: the sale at ``limit_price`` and the fee-free sale of
    its fee alpha (author present), both raising the swap pallet's errors."""
    pool = ledger.get_pool(state, hotkey, netuid)
    trial = SharePool(pool.value, pool.total_shares, dict(pool.shares))
    removed = ledger.remove_for_one(trial, coldkey, alpha) if alpha else 0
    swap = plan_swap(
        state, rules, netuid, removed, buy=False, limit_price=limit_price, drop_fees=drop_fees
    )
    fee_swap = None
    if state.params.block_author:
        reserves = None
        if X.is_dynamic(state, netuid):
            reserves = _after(state, netuid, swap, False, X.reserves(state, netuid))
        fee_swap = plan_swap(
            state,
            rules,
            netuid,
            swap.fee_to_block_author,
            buy=False,
            limit_price=MIN_PRICE,
            drop_fees=True,
            reserves=reserves,
        )
    return UnstakePlan(hotkey, coldkey, beneficiary, netuid, removed, swap, fee_swap)


def commit_unstake(state: State, events: list[Event], plan: UnstakePlan) -> int:
    """Write an :class:`UnstakePlan`; returns the rao paid to the beneficiary."""
    netuid = plan.netuid
    if plan.removed:
        ledger.decrease_stake(state, plan.coldkey, plan.hotkey, netuid, plan.removed)
        if netuid == ROOT:  # RootClaimed −= rate × the root stake sold
            root_claim.root_stake_removed(state, plan.coldkey, plan.hotkey, plan.removed)
            baskets.rebase_root_stake(state, plan.coldkey, plan.hotkey, -plan.removed)
    write_sell(state, netuid, plan.swap)
    if plan.refund:
        ledger.increase_stake(state, plan.coldkey, plan.hotkey, netuid, plan.refund)
    ledger.increase_balance(state, plan.beneficiary, plan.tao)
    fee_alpha = plan.swap.fee_to_block_author
    fee_tao = 0
    if plan.fee_swap is not None:
        write_sell(state, netuid, plan.fee_swap)
        fee_tao = plan.fee_swap.amount_paid_out
        _pay_author(state, events, fee_tao)
    elif fee_alpha and netuid != ROOT:
        ext = summer_columns(state)
        ext.set("alpha_burned", netuid, ext.get("alpha_burned", netuid) + fee_alpha)
    flows.record_user_flow(state, netuid, -(plan.tao + fee_tao))  # record_tao_outflow
    events.append(
        StakeSwap(
            netuid,
            plan.coldkey,
            plan.hotkey,
            False,
            plan.tao,
            plan.swap.amount_paid_in,
            plan.swap.fee_paid,
        )
    )
    return plan.tao


def unstake_from_subnet(
    state: State,
    rules: Rules,
    events: list[Event],
    hotkey: str,
    coldkey: str,
    netuid: int,
    alpha: int,
    limit_price: int | None = MIN_PRICE,
    drop_fees: bool = False,
) -> int:
    """``unstake_from_subnet`` to the coldkey itself: sell, refund, pay the author; rao back."""
    plan = plan_unstake(
        state, rules, hotkey, coldkey, coldkey, netuid, alpha, limit_price, drop_fees
    )
    return commit_unstake(state, events, plan)


# -- limits -----------------------------------------------------------------------------------


def _stable(state: State, netuid: int) -> bool:
    return not X.is_dynamic(state, netuid)


def get_max_amount_add(state: State, rules: Rules, netuid: int, limit_price: int) -> int:
    """``get_max_amount_add`` (add_stake.rs): root/stable: u64::MAX if the limit is ≥ 1.0 else
    0; dynamic: net in + fee of a simulated buy of 1 000 × SubnetTAO at the limit (the swap
    pallet's errors propagate: ``PriceLimitExceeded`` when the limit is not above the price)."""
    if _stable(state, netuid):
        return U64_MAX if limit_price >= RAO_PER_TAO else 0
    return _max_amount_at_limit(state, rules, netuid, limit_price, buy=True)


def get_max_amount_remove(state: State, rules: Rules, netuid: int, limit_price: int) -> int:
    """``get_max_amount_remove`` (remove_stake.rs): root/stable: u64::MAX if the limit is
    ≤ 1.0 else 0; dynamic: net in + fee of a simulated sale of 1 000 × SubnetAlphaIn at the
    limit (errors propagate: ``ReservesTooLow``, ``PriceLimitExceeded``)."""
    if _stable(state, netuid):
        return U64_MAX if limit_price <= RAO_PER_TAO else 0
    return _max_amount_at_limit(state, rules, netuid, limit_price, buy=False)


def _max_amount_at_limit(
    state: State, rules: Rules, netuid: int, limit_price: int, buy: bool
) -> int:
    """Net in + fee of a simulated swap of 1 000 × the input-side reserve (SubnetTAO for a
    buy, SubnetAlphaIn for a sale), stopped at ``limit_price``."""
    y, x = X.reserves(state, netuid)
    got = plan_swap(
        state,
        rules,
        netuid,
        min((y if buy else x) * 1_000, U64_MAX),
        buy=buy,
        limit_price=limit_price,
        simulate=True,
    )
    return got.amount_paid_in + got.fee_paid


def get_max_amount_move(
    state: State, rules: Rules, origin_netuid: int, destination_netuid: int, limit_price: int
) -> int:
    """``get_max_amount_move`` (move_stake.rs): the limit is origin price / destination price
    (rao per whole origin alpha). Stable on both ends: 0 above 1.0 else u64::MAX; stable to
    dynamic: the add maximum at the inverted limit; dynamic to stable: the remove maximum;
    between pools, in U64F64 with the balancer prices:
    x2·(y1/(y1+y2))/limit − x1·(y2/(y1+y2)), 0 when a reserve is 0 or the limit is above the
    current ratio, u64::MAX for limit 0."""
    tao = RAO_PER_TAO << FRAC64
    stable_1, stable_2 = _stable(state, origin_netuid), _stable(state, destination_netuid)
    if stable_1 and stable_2:
        return 0 if limit_price > RAO_PER_TAO else U64_MAX
    if stable_1:
        if limit_price == 0:
            return U64_MAX
        inverted = U64F64.saturating_to_uint(
            U64F64.saturating_mul(U64F64.safe_div(tao, limit_price << FRAC64), tao)
        )
        return get_max_amount_add(state, rules, destination_netuid, inverted)
    if stable_2:
        return get_max_amount_remove(state, rules, origin_netuid, limit_price)
    y1, x1 = X.reserves(state, origin_netuid)
    y2, x2 = X.reserves(state, destination_netuid)
    if 0 in (y1, y2, x1, x2):
        return 0
    limit = U64F64.safe_div(limit_price << FRAC64, tao)
    current = U64F64.safe_div(
        current_price_bits(state, rules, origin_netuid),
        current_price_bits(state, rules, destination_netuid),
    )
    if limit > current:
        return 0
    if limit_price == 0:
        return U64_MAX
    total = min((y1 + y2) << FRAC64, (1 << 128) - 1)
    t1 = U64F64.safe_div(y1 << FRAC64, total)
    t2 = U64F64.safe_div(y2 << FRAC64, total)
    first = U64F64.safe_div(U64F64.saturating_mul(x2 << FRAC64, t1), limit)
    second = U64F64.saturating_mul(x1 << FRAC64, t2)
    return U64F64.saturating_to_uint(max(first - second, 0))


# -- validation -------------------------------------------------------------------------------


def _input_within_swap_limit(state: State, netuid: int, amount: int, buy: bool) -> None:
    """``ensure_add/remove_stake_input_within_swap_limit``: on a dynamic subnet the amount is at
    most 1 000 × the input reserve, else ``InsufficientLiquidity``."""
    if X.is_dynamic(state, netuid):
        y, x = X.reserves(state, netuid)
        if amount > (y if buy else x) * 1_000:
            raise E.InsufficientLiquidity(f"{amount} exceeds 1000 x the reserve of {netuid}")


def min_stake_amount(state: State, rules: Rules, netuid: int) -> int:
    """Smallest add: ``DefaultMinStake`` plus the fee of buying it (simulated; the formula fee
    when the simulation fails)."""
    min_stake = state.params.min_stake
    try:
        fee = sim_swap(state, rules, netuid, min_stake, buy=True).fee_paid
    except E.ProtocolError:  # approx_fee_amount: the formula fee (0 on stable subnets)
        dynamic = X.is_dynamic(state, netuid)
        fee = bal.fee_amount(min_stake, rules.params.swap_fee_rate) if dynamic else 0
    return min_stake + fee


def validate_add_stake(
    state: State,
    rules: Rules,
    coldkey: str,
    hotkey: str,
    netuid: int,
    amount: int,
    max_amount: int,
    allow_partial: bool,
) -> None:
    """``validate_add_stake`` in the chain's order: SubnetNotExists, SubtokenDisabled,
    AmountTooLow (< min stake + fee), SlippageTooHigh (no partial, above the limit's maximum),
    NotEnoughBalanceToStake, HotKeyAccountNotExists, InsufficientLiquidity (the simulated buy
    fails), AmountTooLow (TAO paid in < min stake), InsufficientLiquidity (no alpha out, or the
    hotkey's share pool cannot hold it)."""
    if not X.subnet_exists(state, netuid):
        raise E.SubnetNotExists(f"subnet {netuid} does not exist")
    _ensure_subtoken(state, netuid)
    minimum = min_stake_amount(state, rules, netuid)
    if amount < minimum:
        raise E.AmountTooLow(f"stake {amount} rao is below min stake + fee ({minimum} rao)")
    if not allow_partial:
        if amount > max_amount:
            raise E.SlippageTooHigh(f"{amount} rao exceeds the {max_amount} the limit allows")
    else:
        amount = min(amount, max_amount)
    if ledger.get_balance(state, coldkey) < amount:
        raise E.NotEnoughBalanceToStake(
            f"{coldkey} holds {ledger.get_balance(state, coldkey)} rao, needs {amount}"
        )
    if not X.hotkey_exists(state, hotkey):
        raise E.HotKeyAccountNotExists(f"hotkey {hotkey!r} does not exist")
    try:
        swap = sim_swap(state, rules, netuid, amount, buy=True)
    except E.ProtocolError:
        raise E.InsufficientLiquidity(f"subnet {netuid} cannot serve {amount} rao") from None
    if swap.amount_paid_in < state.params.min_stake:
        raise E.AmountTooLow(f"{swap.amount_paid_in} rao paid in is below the min stake")
    if swap.amount_paid_out == 0 or not ledger.can_add_for_one(
        ledger.get_pool(state, hotkey, netuid), swap.amount_paid_out
    ):
        raise E.InsufficientLiquidity(f"the buy of {amount} rao cannot be credited")


def validate_remove_stake(
    state: State,
    rules: Rules,
    coldkey: str,
    hotkey: str,
    netuid: int,
    alpha: int,
    max_amount: int,
    allow_partial: bool,
) -> None:
    """``validate_remove_stake``: SubnetNotExists, StakingOperationRateLimitExceeded (where the
    era has the limiter, :mod:`dtao.staking_marks`), AmountTooLow (zero), NotEnoughStakeToWithdraw,
    InsufficientLiquidity (the simulated sale fails), AmountTooLow (a partial removal worth less
    than the min stake), SlippageTooHigh, HotKeyAccountNotExists."""
    if not X.subnet_exists(state, netuid):
        raise E.SubnetNotExists(f"subnet {netuid} does not exist")
    staking_marks.ensure_unmarked(state, hotkey, coldkey, netuid)
    if alpha == 0:
        raise E.AmountTooLow("cannot unstake zero")
    held = ledger.get_stake(state, coldkey, hotkey, netuid)
    if held < alpha:
        raise E.NotEnoughStakeToWithdraw(f"position holds {held}, asked {alpha}")
    try:
        swap = sim_swap(state, rules, netuid, alpha, buy=False)
    except E.ProtocolError:
        raise E.InsufficientLiquidity(f"subnet {netuid} cannot pay for {alpha}") from None
    if held - alpha and swap.amount_paid_out < state.params.min_stake:
        raise E.AmountTooLow(f"{alpha} alpha-rao is worth {swap.amount_paid_out} rao")
    if not allow_partial and alpha > max_amount:
        raise E.SlippageTooHigh(f"{alpha} exceeds the {max_amount} alpha-rao the limit allows")
    if not X.hotkey_exists(state, hotkey):
        raise E.HotKeyAccountNotExists(f"hotkey {hotkey!r} does not exist")
    if netuid == ROOT and not baskets.root_hold_elapsed(state, coldkey, hotkey):
        raise E.RootStakeLocked(f"root stake of ({coldkey!r}, {hotkey!r}) is held")


# -- extrinsics -------------------------------------------------------------------------------


def add_stake(
    state: State,
    rules: Rules,
    events: list[Event],
    coldkey: str,
    hotkey: str,
    netuid: int,
    amount: int,
    limit_price: int | None = None,
    allow_partial: bool = False,
) -> int:
    """``add_stake`` (no limit) / ``add_stake_limit``; returns the alpha credited.

    The amount is at most 1 000 × SubnetTAO (``InsufficientLiquidity``); a limit first caps it
    to ``get_max_amount_add`` (its errors propagate) and is passed to the swap."""
    _input_within_swap_limit(state, netuid, amount, buy=True)
    if limit_price is None:
        validate_add_stake(state, rules, coldkey, hotkey, netuid, amount, amount, False)
        return stake_into_subnet(
            state, rules, events, hotkey, coldkey, netuid, amount, MAX_PRICE, mark=True
        )
    max_amount = get_max_amount_add(state, rules, netuid, limit_price)
    validate_add_stake(state, rules, coldkey, hotkey, netuid, amount, max_amount, allow_partial)
    amount = min(amount, max_amount)
    return stake_into_subnet(
        state, rules, events, hotkey, coldkey, netuid, amount, limit_price, mark=True
    )


def remove_stake(
    state: State,
    rules: Rules,
    events: list[Event],
    coldkey: str,
    hotkey: str,
    netuid: int,
    amount: int,
    limit_price: int | None = None,
    allow_partial: bool = False,
) -> int:
    """``remove_stake`` (no limit: SubtokenDisabled first, the amount capped to the position) /
    ``remove_stake_limit`` (capped to ``get_max_amount_remove``, the rest of a limited sale
    refunded); returns the rao paid."""
    if limit_price is None:
        _ensure_subtoken(state, netuid)
        amount = min(amount, ledger.get_stake(state, coldkey, hotkey, netuid))
        _input_within_swap_limit(state, netuid, amount, buy=False)
        validate_remove_stake(state, rules, coldkey, hotkey, netuid, amount, amount, False)
        tao = unstake_from_subnet(state, rules, events, hotkey, coldkey, netuid, amount)
    else:
        _input_within_swap_limit(state, netuid, amount, buy=False)
        max_amount = get_max_amount_remove(state, rules, netuid, limit_price)
        validate_remove_stake(
            state, rules, coldkey, hotkey, netuid, amount, max_amount, allow_partial
        )
        tao = unstake_from_subnet(
            state, rules, events, hotkey, coldkey, netuid, min(amount, max_amount), limit_price
        )
    clear_small_nomination(state, rules, events, hotkey, coldkey, netuid)
    return tao


def clear_small_nomination(
    state: State, rules: Rules, events: list[Event], hotkey: str, coldkey: str, netuid: int
) -> None:
    """``clear_small_nomination_if_required`` (helpers.rs @ 14bc6f9): a nominator (not the
    hotkey's owner) whose position is worth less than ``NominatorMinRequiredStake`` (rao,
    turned into alpha at the spot price, floored) is sold whole at the market, fee included;
    if that sale fails the alpha is dropped (still counted in o: ``alpha_burned``)."""
    minimum = state.params.nominator_min_stake
    if not minimum or state.hotkey_owner.get(hotkey) == coldkey:
        return
    stake = ledger.get_stake(state, coldkey, hotkey, netuid)
    price = current_price_bits(state, rules, netuid)
    min_alpha = U64F64.saturating_to_uint(U64F64.safe_div(minimum << FRAC64, price))
    if not 0 < stake < min_alpha:
        return
    try:
        plan = plan_unstake(state, rules, hotkey, coldkey, coldkey, netuid, stake, MIN_PRICE, False)
    except E.ProtocolError:
        removed = ledger.decrease_stake(state, coldkey, hotkey, netuid, stake)
        if netuid != ROOT:
            ext = summer_columns(state)
            ext.set("alpha_burned", netuid, ext.get("alpha_burned", netuid) + removed)
        return
    commit_unstake(state, events, plan)


def clear_small_nominations(state: State, rules: Rules, events: list[Event]) -> None:
    """``clear_small_nominations``: :func:`clear_small_nomination` for every position, in
    storage order (run when governance raises ``NominatorMinRequiredStake``)."""
    positions = [
        (hotkey, coldkey, netuid)
        for (hotkey, netuid), pool in sorted(state.stakes.items())
        for coldkey in sorted(pool.shares)
    ]
    for hotkey, coldkey, netuid in positions:
        clear_small_nomination(state, rules, events, hotkey, coldkey, netuid)


def unstake_all(
    state: State, rules: Rules, events: list[Event], coldkey: str, hotkey: str, only_alpha: bool
) -> int:
    """``unstake_all`` (every subnet, root included) / ``unstake_all_alpha`` (every subnet but
    root, the proceeds then staked on root through the same hotkey); returns the rao unstaked.

    Subnets whose token is off or whose removal would not validate are skipped; unstake_all_alpha
    with nothing to restake fails as its root stake does (``AmountTooLow``)."""
    if not X.hotkey_exists(state, hotkey):
        raise E.HotKeyAccountNotExists(f"hotkey {hotkey!r} does not exist")
    plans: list[UnstakePlan] = []
    for netuid in [ROOT, *state.netuids]:
        if not subtoken_enabled(state, netuid) or (only_alpha and netuid == ROOT):
            continue
        alpha = ledger.get_stake(state, coldkey, hotkey, netuid)
        try:
            validate_remove_stake(state, rules, coldkey, hotkey, netuid, alpha, alpha, False)
        except E.ProtocolError:
            continue
        plans.append(
            plan_unstake(state, rules, hotkey, coldkey, coldkey, netuid, alpha, MIN_PRICE, False)
        )
    total = sum(plan.tao for plan in plans)
    if only_alpha:  # checked now; planned again below on the balance the clearings leave
        balance = ledger.get_balance(state, coldkey) + total
        plan_stake(state, rules, hotkey, coldkey, ROOT, total, MAX_PRICE, False, balance)
    for plan in plans:
        commit_unstake(state, events, plan)
        clear_small_nomination(state, rules, events, hotkey, coldkey, plan.netuid)
    if only_alpha:
        stake_into_subnet(state, rules, events, hotkey, coldkey, ROOT, total, MAX_PRICE, False)
    return total


def transition_stake(
    state: State,
    rules: Rules,
    events: list[Event],
    origin_coldkey: str,
    destination_coldkey: str,
    origin_hotkey: str,
    destination_hotkey: str,
    origin_netuid: int,
    destination_netuid: int,
    amount: int,
    limit_price: int | None = None,
    allow_partial: bool | None = None,
    check_transfer_toggle: bool = False,
) -> int:
    """``move_stake`` / ``transfer_stake`` / ``swap_stake`` / ``swap_stake_limit``
    (``transition_stake_internal``); returns the TAO moved (the chain's event amount).

    The amount is capped to the origin position; checks (``validate_stake_transition``):
    SameNetuid, StakingOperationRateLimitExceeded (the origin staked into this block, where the
    era has the limiter), SubnetNotExists, SubtokenDisabled, HotKeyAccountNotExists,
    NotEnoughStakeToWithdraw, and across subnets InsufficientLiquidity / AmountTooLow (the
    simulated sale must exceed the min stake) and SlippageTooHigh (a limit without partial
    beyond ``get_max_amount_move``); TransferDisallowed. Within a subnet the shares move with
    no swap and no fee (the TAO value at the spot price must reach the min stake). Across
    subnets: sell on the origin (fee-free from root), hand the TAO to the destination coldkey,
    and buy on the destination (fee-free unless the origin is root) when it reaches the min
    stake, else the TAO stays free."""
    available = ledger.get_stake(state, origin_coldkey, origin_hotkey, origin_netuid)
    amount = min(amount, available)
    cross = origin_netuid != destination_netuid
    max_amount = amount
    if cross and limit_price is not None:
        max_amount = get_max_amount_move(
            state, rules, origin_netuid, destination_netuid, limit_price
        )
    _validate_transition(
        state,
        rules,
        origin_coldkey,
        destination_coldkey,
        origin_hotkey,
        destination_hotkey,
        origin_netuid,
        destination_netuid,
        amount,
        max_amount,
        allow_partial,
        check_transfer_toggle,
    )
    moved = min(amount, max_amount)
    if not cross:
        return _move_within_subnet(
            state,
            rules,
            events,
            origin_coldkey,
            origin_hotkey,
            destination_coldkey,
            destination_hotkey,
            origin_netuid,
            moved,
        )
    fee_on_origin = origin_netuid != ROOT
    sale = plan_unstake(
        state,
        rules,
        origin_hotkey,
        origin_coldkey,
        origin_coldkey,
        origin_netuid,
        moved,
        MIN_PRICE,
        not fee_on_origin,
    )
    tao = sale.tao
    buy = None
    if tao >= state.params.min_stake:
        balance = ledger.get_balance(state, destination_coldkey) + tao
        if origin_coldkey == destination_coldkey and state.params.block_author == origin_coldkey:
            balance += sale.fee_swap.amount_paid_out if sale.fee_swap else 0
        buy = plan_stake(
            state,
            rules,
            destination_hotkey,
            destination_coldkey,
            destination_netuid,
            tao,
            MAX_PRICE,
            fee_on_origin,
            balance,
        )
    commit_unstake(state, events, sale)
    if origin_coldkey != destination_coldkey:
        ledger.decrease_balance(state, origin_coldkey, tao)
        ledger.increase_balance(state, destination_coldkey, tao)
    if buy is not None:  # move and swap set the limiter, transfer does not (move_stake.rs)
        commit_stake(state, events, buy, mark=not check_transfer_toggle)
    return tao


def _validate_transition(
    state: State,
    rules: Rules,
    origin_coldkey: str,
    destination_coldkey: str,
    origin_hotkey: str,
    destination_hotkey: str,
    origin_netuid: int,
    destination_netuid: int,
    amount: int,
    max_amount: int,
    allow_partial: bool | None,
    check_transfer_toggle: bool,
) -> None:
    """``validate_stake_transition`` in the chain's order (see :func:`transition_stake`)."""
    if (
        origin_coldkey == destination_coldkey
        and origin_hotkey == destination_hotkey
        and origin_netuid == destination_netuid
    ):
        raise E.SameNetuid("the move changes neither keys nor subnet")
    staking_marks.ensure_unmarked(state, origin_hotkey, origin_coldkey, origin_netuid)
    for netuid in dict.fromkeys((origin_netuid, destination_netuid)):
        if not X.subnet_exists(state, netuid):
            raise E.SubnetNotExists(f"subnet {netuid} does not exist")
    _ensure_subtoken(state, origin_netuid)
    _ensure_subtoken(state, destination_netuid)
    for hotkey in (origin_hotkey, destination_hotkey):
        if not X.hotkey_exists(state, hotkey):
            raise E.HotKeyAccountNotExists(f"hotkey {hotkey!r} does not exist")
    held = ledger.get_stake(state, origin_coldkey, origin_hotkey, origin_netuid)
    if amount > held:
        raise E.NotEnoughStakeToWithdraw(f"position holds {held}, asked {amount}")
    if origin_netuid != destination_netuid:
        try:
            tao = sim_swap(state, rules, origin_netuid, amount, buy=False).amount_paid_out
        except E.ProtocolError:
            raise E.InsufficientLiquidity(f"subnet {origin_netuid} cannot pay") from None
        if tao <= state.params.min_stake:
            raise E.AmountTooLow(f"stake worth {tao} rao is not above the min stake")
        if allow_partial is False and amount > max_amount:
            raise E.SlippageTooHigh(f"{amount} exceeds the {max_amount} the limit allows")
    if check_transfer_toggle:
        for netuid in dict.fromkeys((origin_netuid, destination_netuid)):
            if netuid != ROOT and state.columns.transfers_off[netuid]:
                raise E.TransferDisallowed(f"TransferToggle is off on subnet {netuid}")


def _move_within_subnet(
    state: State,
    rules: Rules,
    events: list[Event],
    origin_coldkey: str,
    origin_hotkey: str,
    destination_coldkey: str,
    destination_hotkey: str,
    netuid: int,
    alpha: int,
) -> int:
    """``transfer_stake_within_subnet``: the alpha changes owner with no swap; returns its TAO
    value floor(price·alpha) (U64F64), which must reach the min stake (``AmountTooLow``)."""
    price = current_price_bits(state, rules, netuid)
    tao = U64F64.saturating_to_uint(U64F64.saturating_mul(price, alpha << FRAC64))
    if tao < state.params.min_stake:
        raise E.AmountTooLow(f"{alpha} alpha-rao is worth {tao} rao, below the min stake")
    removed = ledger.decrease_stake(state, origin_coldkey, origin_hotkey, netuid, alpha)
    ledger.increase_stake(state, destination_coldkey, destination_hotkey, netuid, removed)
    if netuid == ROOT:  # the claimed watermark moves with the root stake
        root_claim.root_stake_moved(
            state, origin_coldkey, origin_hotkey, destination_coldkey, destination_hotkey, alpha
        )
        baskets.rebase_root_stake(state, origin_coldkey, origin_hotkey, -alpha)
        baskets.rebase_root_stake(state, destination_coldkey, destination_hotkey, alpha)
    return tao


def recycle_alpha(
    state: State,
    rules: Rules,
    events: list[Event],
    coldkey: str,
    hotkey: str,
    netuid: int,
    amount: int,
    recycle: bool,
) -> int:
    """``recycle_alpha`` (``recycle=True``: SubnetAlphaOut falls, the issuance shrinks) /
    ``burn_alpha`` (the alpha leaves the position but stays counted in SubnetAlphaOut,
    ``alpha_burned``); returns the alpha destroyed. Checks: SubnetNotExists,
    CannotBurnOrRecycleOnRootSubnet, SubtokenDisabled, HotKeyAccountNotExists, then the amount
    is capped to the position and must not exceed SubnetAlphaOut (InsufficientLiquidity)."""
    if not X.subnet_exists(state, netuid):
        raise E.SubnetNotExists(f"subnet {netuid} does not exist")
    if netuid == ROOT:
        raise E.CannotBurnOrRecycleOnRootSubnet("root stake cannot be burned or recycled")
    _ensure_subtoken(state, netuid)
    if not X.hotkey_exists(state, hotkey):
        raise E.HotKeyAccountNotExists(f"hotkey {hotkey!r} does not exist")
    amount = min(amount, ledger.get_stake(state, coldkey, hotkey, netuid))
    if state.columns.get("alpha_out", netuid) < amount:
        raise E.InsufficientLiquidity(f"SubnetAlphaOut of {netuid} is below {amount}")
    if not amount:
        return 0
    removed = ledger.decrease_stake(state, coldkey, hotkey, netuid, amount)
    if recycle:
        state.columns.add("alpha_out", netuid, -removed)
    else:
        ext = summer_columns(state)
        ext.set("alpha_burned", netuid, ext.get("alpha_burned", netuid) + removed)
    return removed
