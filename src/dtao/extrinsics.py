"""Launch-era extrinsics: validate everything, then apply (the handlers behind ``apply``).

Each public function mirrors one extrinsic of opentensor/subtensor @ 5073ade (2025-02-24, R1.2):
``staking/{add_stake,remove_stake,move_stake,stake_utils}.rs``, ``subnets/{subnet,registration,
weights}.rs``, ``staking/increase_take.rs`` / ``decrease_take.rs``. A rejected call raises the
chain-named :class:`~dtao.errors.ProtocolError` before its first write, so state is unchanged.
Pool math, fees and prices come from ``rules`` (:class:`~dtao.rules.Rules`); what happened is
appended to ``events``. Amounts are int rao (TAO) or alpha-rao; limit prices are rao per whole
alpha.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dtao import childkeys, ledger, root_claim
from dtao import errors as E
from dtao.epoch_null import NULL, epoch_consensus
from dtao.fixed import FRAC32, FRAC64, U64F64_MAX, check_vec_max_limited
from dtao.receipts import Event, Lost, Registered, StakeSwap
from dtao.rules import PoolMath, Rules
from dtao.state import FLOAT_COLUMNS, INT_COLUMNS, Neurons, State, Subnet
from dtao.units import RAO_PER_TAO as RAO_PER_ALPHA
from dtao.units import U16_MAX, U64_MAX, check_rao, check_u16
from dtao.yuma import max_upscale_weights_u16

ROOT = 0


# -- reads shared by validation and the block step ----------------------------------------------


def subnet_exists(state: State, netuid: int) -> bool:
    """Root (0) always exists; others once registered."""
    return netuid == ROOT or netuid in state.subnets


def get_subnet(state: State, netuid: int) -> Subnet:
    """The subnet, or ``SubnetNotExists``."""
    subnet = state.subnets.get(netuid)
    if subnet is None:
        raise E.SubnetNotExists(f"subnet {netuid} does not exist")
    return subnet


def reserves(state: State, netuid: int) -> tuple[int, int]:
    """(tao_in, alpha_in) of a subnet's pool (rao, alpha-rao)."""
    cols = state.columns
    return cols.get("tao_in", netuid), cols.get("alpha_in", netuid)


def is_dynamic(state: State, netuid: int) -> bool:
    """Whether ``netuid`` trades on the era's pool (``SubnetMechanism`` 1); root and every
    netuid not registered as dynamic (mechanism 0, the storage default) are stable: 1:1."""
    cols = state.columns
    return netuid != ROOT and netuid < cols.capacity and bool(cols.mechanism[netuid])


def pool_math(state: State, rules: Rules, netuid: int) -> PoolMath:
    """The math that prices ``netuid``: the era's pool (bound to the subnet's own state where
    the era's pool has some, e.g. the balancer's quote weight), or the stable 1:1 one."""
    return _era_pool(state, rules, netuid) if is_dynamic(state, netuid) else rules.pool.root


def _era_pool(state: State, rules: Rules, netuid: int) -> PoolMath:
    bind = rules.pool.bind
    return rules.pool.subnet if bind is None else bind(state, netuid)


def _priced(state: State, rules: Rules, netuid: int) -> tuple[PoolMath, int, int]:
    """(:func:`pool_math`, y, x) of ``netuid``, the mechanism read once: the era's pool and
    its reserves, or the stable 1:1 math and (0, 0)."""
    if not is_dynamic(state, netuid):
        return rules.pool.root, 0, 0
    cols = state.columns
    return _era_pool(state, rules, netuid), int(cols.tao_in[netuid]), int(cols.alpha_in[netuid])


def sim_buy(state: State, rules: Rules, netuid: int, tao: int) -> int | None:
    """Alpha a buy of ``tao`` (net of fees) would return; None if refused."""
    math, y, x = _priced(state, rules, netuid)
    return math.sim_buy(y, x, tao)


def sim_sell(state: State, rules: Rules, netuid: int, alpha: int) -> int | None:
    """TAO a sale of ``alpha`` would return (before fees); None if refused."""
    math, y, x = _priced(state, rules, netuid)
    return math.sim_sell(y, x, alpha)


def hotkey_exists(state: State, hotkey: str) -> bool:
    return hotkey in state.hotkey_owner


# -- pool writes (stake_utils.rs swap_*, stake_into_subnet, unstake_from_subnet) -------------


def swap_tao_for_alpha(state: State, rules: Rules, netuid: int, tao: int) -> int | None:
    """Buy alpha with ``tao``: y += tao, x −= alpha, o += alpha; None (no change) if refused."""
    alpha = sim_buy(state, rules, netuid, tao)
    if alpha is None:
        return None
    add_total_stake(state, tao)
    if netuid == ROOT:
        state.root_tao += tao
        return alpha
    cols = state.columns
    if not is_dynamic(state, netuid):  # stable: x saturates at 0 (stake_utils.rs @ 5073ade)
        if netuid not in state.subnets:
            return alpha  # a netuid that was never added: nothing is stored
        cols.add("alpha_in", netuid, -min(alpha, cols.get("alpha_in", netuid)))
    else:
        cols.add("alpha_in", netuid, -alpha)
    cols.add("alpha_out", netuid, alpha)
    cols.add("tao_in", netuid, tao)
    return alpha


def swap_alpha_for_tao(state: State, rules: Rules, netuid: int, alpha: int) -> int:
    """Sell ``alpha``: x += alpha, o −= alpha, y −= tao. Refused swaps change nothing (0)."""
    tao = sim_sell(state, rules, netuid, alpha)
    if tao is None:
        return 0
    add_total_stake(state, -tao)
    if netuid == ROOT:
        state.root_tao = max(state.root_tao - tao, 0)
        return tao
    cols = state.columns
    if netuid not in state.subnets:
        return tao  # stable and never added: nothing is stored
    cols.add("alpha_in", netuid, alpha)
    # SubnetAlphaOut saturates at 0: alpha the epoch credited beyond o (the 02-24 drift) is
    # settled here, so the drift moves by what the counter could not give back
    out = cols.get("alpha_out", netuid)
    cols.add("alpha_out", netuid, -min(alpha, out))
    cols.add("alpha_unbacked", netuid, max(alpha - out, 0))
    # SubnetTAO saturates at 0 too (a stable subnet pays 1:1 whatever it holds): TAO paid
    # beyond the reserve is new TAO, counted as negative loss
    from_pool = min(tao, cols.get("tao_in", netuid))
    cols.add("tao_in", netuid, -from_pool)
    state.lost_tao -= tao - from_pool
    return tao


def add_total_stake(state: State, delta: int) -> None:
    """``TotalStake`` += delta (rao), saturating at 0 and u64::MAX as the chain does."""
    state.total_stake = min(max(state.total_stake + delta, 0), U64_MAX)


def _keep_fee(state: State, netuid: int, fee: int) -> None:
    """A fee kept in the pool (flat-in-pool policy); on root in SubnetTAO[0], owned by nobody.
    It counts in ``TotalStake`` too."""
    add_total_stake(state, fee)
    if netuid == ROOT:
        state.root_tao += fee
        state.root_fee_tao += fee
    else:
        state.columns.add("tao_in", netuid, fee)


def _stake_into_subnet(
    state: State,
    rules: Rules,
    events: list[Event],
    hotkey: str,
    coldkey: str,
    netuid: int,
    tao: int,
    legs: int = 1,
    fee: int | None = None,
) -> int:
    """Swap ``tao`` (already taken from the payer) less the fee into the pool and credit it.

    The fee is the era's policy for ``legs``, or ``fee`` rao (capped at ``tao``) when given,
    as the pallet's ``stake_into_subnet`` takes it.
    """
    fee = rules.pool.fee.buy_fee(tao, legs) if fee is None else min(fee, tao)
    tao_staked = tao - fee
    alpha = swap_tao_for_alpha(state, rules, netuid, tao_staked)
    refused = alpha is None
    if alpha is None:  # refused swap: the chain keeps the TAO nowhere
        state.lost_tao += tao_staked
        events.append(Lost(tao_staked, "refused buy"))
        alpha = 0
    credited = 0
    if tao_staked > 0 and alpha > 0:
        ledger.increase_stake(state, coldkey, hotkey, netuid, alpha)
        credited = alpha
        if netuid == ROOT:  # RootClaimed += rate × alpha
            root_claim.root_stake_added(state, coldkey, hotkey, alpha)
    _keep_fee(state, netuid, fee)
    events.append(StakeSwap(netuid, coldkey, hotkey, True, tao_staked, credited, fee, refused))
    return credited


def _unstake_from_subnet(
    state: State,
    rules: Rules,
    events: list[Event],
    hotkey: str,
    coldkey: str,
    netuid: int,
    alpha: int,
    legs: int = 1,
    fee: int | None = None,
) -> int:
    """Debit ``alpha`` from the position, sell it, keep the fee; returns TAO net of the fee
    (the policy's fee for ``legs``, or ``fee`` rao capped at the proceeds when given)."""
    removed = ledger.decrease_stake(state, coldkey, hotkey, netuid, alpha)
    if netuid == ROOT:  # RootClaimed −= rate × alpha
        root_claim.root_stake_removed(state, coldkey, hotkey, alpha)
    tao = swap_alpha_for_tao(state, rules, netuid, removed)
    refused = tao == 0 and removed > 0
    if refused and netuid != ROOT:  # refused sale: alpha stays counted in o
        state.columns.add("alpha_unbacked", netuid, removed)
    fee = rules.pool.fee.sell_fee(tao, legs) if fee is None else min(fee, tao)
    _keep_fee(state, netuid, fee)
    events.append(StakeSwap(netuid, coldkey, hotkey, False, tao, removed, fee, refused))
    return tao - fee


# -- staking extrinsics ---------------------------------------------------------------------


def _check_amount(amount: object, what: str = "amount") -> int:
    try:
        return check_rao(amount, what)
    except ValueError as exc:
        raise E.InvalidAmount(str(exc)) from None


def _check_u16(value: object, what: str) -> int:
    try:
        return check_u16(value, what)
    except ValueError as exc:
        raise E.InvalidAmount(str(exc)) from None


def max_amount_add(state: State, rules: Rules, netuid: int, limit_price: int | None) -> int:
    """Largest TAO amount a limited add may spend (``get_max_amount_add``); U64_MAX if none."""
    if limit_price is None:
        return U64_MAX
    math, y, x = _priced(state, rules, netuid)
    return math.max_buy(y, x, limit_price)


def max_amount_remove(state: State, rules: Rules, netuid: int, limit_price: int | None) -> int:
    """Largest alpha amount a limited remove may sell (``get_max_amount_remove``)."""
    if limit_price is None:
        return U64_MAX
    math, y, x = _priced(state, rules, netuid)
    return math.max_sell(y, x, limit_price)


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
    """``add_stake`` / ``add_stake_limit``: buy alpha with ``amount`` TAO; returns alpha credited.

    Checks in the chain's order (``validate_add_stake``): SubnetNotExists, AmountTooLow
    (< min stake + fee), SlippageTooHigh, NotEnoughBalanceToStake, HotKeyAccountNotExists,
    InsufficientLiquidity. With ``allow_partial`` the amount is cut to the limit's maximum.
    """
    amount = _check_amount(amount)
    if limit_price is not None:
        limit_price = _check_amount(limit_price, "limit_price")
    params = state.params
    if not subnet_exists(state, netuid):
        raise E.SubnetNotExists(f"subnet {netuid} does not exist")
    minimum = rules.pool.fee.minimum_gross(params.min_stake)
    if amount < minimum:
        raise E.AmountTooLow(f"stake {amount} rao is below min stake + fee ({minimum} rao)")
    max_amount = max_amount_add(state, rules, netuid, limit_price)
    if not allow_partial and amount > max_amount:
        raise E.SlippageTooHigh(f"{amount} rao exceeds the {max_amount} rao the limit allows")
    if ledger.get_balance(state, coldkey) < amount:
        raise E.NotEnoughBalanceToStake(
            f"{coldkey} holds {ledger.get_balance(state, coldkey)} rao, needs {amount}"
        )
    if not hotkey_exists(state, hotkey):
        raise E.HotKeyAccountNotExists(f"hotkey {hotkey!r} does not exist")
    expected = sim_buy(state, rules, netuid, amount)
    if expected is None:
        raise E.InsufficientLiquidity(f"subnet {netuid} pool cannot supply that much alpha")
    if not ledger.can_add_for_one(ledger.get_pool(state, hotkey, netuid), expected):
        raise E.InsufficientLiquidity(f"hotkey pool cannot represent {expected} alpha-rao")
    possible = _withdrawal(state, coldkey, min(amount, max_amount))
    ledger.decrease_balance(state, coldkey, possible)
    return _stake_into_subnet(state, rules, events, hotkey, coldkey, netuid, possible)


def _withdrawal(state: State, coldkey: str, amount: int) -> int:
    """The rao a debit of ``amount`` takes (the existential deposit stays), checked before any
    write: ``ZeroBalanceAfterWithdrawn`` when nothing can be taken of a non-zero amount."""
    taken = ledger.withdrawable(state, coldkey, amount)
    if amount and not taken:
        raise E.ZeroBalanceAfterWithdrawn(
            f"{coldkey} cannot pay {amount} rao and keep the existential deposit"
        )
    return taken


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
    """``remove_stake`` / ``remove_stake_limit``: sell ``amount`` alpha; returns TAO received.

    Checks (``validate_remove_stake``): SubnetNotExists, InsufficientLiquidity (sale would leave
    < min liquidity), AmountTooLow (simulated TAO ≤ min stake), SlippageTooHigh,
    HotKeyAccountNotExists, NotEnoughStakeToWithdraw. The fee comes off the TAO.
    """
    amount = _check_amount(amount)
    if limit_price is not None:
        limit_price = _check_amount(limit_price, "limit_price")
    params = state.params
    if not subnet_exists(state, netuid):
        raise E.SubnetNotExists(f"subnet {netuid} does not exist")
    tao_equivalent = sim_sell(state, rules, netuid, amount)
    if tao_equivalent is None:
        raise E.InsufficientLiquidity(f"subnet {netuid} pool cannot pay for {amount} alpha-rao")
    if tao_equivalent <= params.min_stake:
        raise E.AmountTooLow(
            f"{amount} alpha-rao is worth {tao_equivalent} rao, not above min stake "
            f"{params.min_stake}"
        )
    max_amount = max_amount_remove(state, rules, netuid, limit_price)
    if not allow_partial and amount > max_amount:
        raise E.SlippageTooHigh(f"{amount} exceeds the {max_amount} alpha-rao the limit allows")
    if not hotkey_exists(state, hotkey):
        raise E.HotKeyAccountNotExists(f"hotkey {hotkey!r} does not exist")
    held = ledger.get_stake(state, coldkey, hotkey, netuid)
    if held < amount:
        raise E.NotEnoughStakeToWithdraw(f"position holds {held}, asked {amount}")
    possible = min(amount, max_amount)
    tao = _unstake_from_subnet(state, rules, events, hotkey, coldkey, netuid, possible)
    ledger.increase_balance(state, coldkey, tao)
    clear_small_nomination(state, rules, events, hotkey, coldkey, netuid)
    childkeys.drop_pending_below_threshold(state, hotkey)
    return tao


def unstake_all(
    state: State, rules: Rules, events: list[Event], coldkey: str, hotkey: str, only_alpha: bool
) -> int:
    """``unstake_all`` / ``unstake_all_alpha`` (remove_stake.rs @ 5073ade): sell every non-empty
    position of (coldkey, hotkey), root first then ascending netuids, each paying the flat fee;
    ``unstake_all`` pays the TAO out, ``unstake_all_alpha`` skips root and stakes the proceeds
    on root with no second fee. ``HotKeyAccountNotExists`` only; returns the rao unstaked."""
    if not hotkey_exists(state, hotkey):
        raise E.HotKeyAccountNotExists(f"hotkey {hotkey!r} does not exist")
    total = 0
    for netuid in [ROOT, *state.netuids]:
        alpha = ledger.get_stake(state, coldkey, hotkey, netuid)
        if alpha == 0 or (only_alpha and netuid == ROOT):
            continue
        tao = _unstake_from_subnet(state, rules, events, hotkey, coldkey, netuid, alpha)
        total += tao
        if not only_alpha:
            ledger.increase_balance(state, coldkey, tao)
        clear_small_nomination(state, rules, events, hotkey, coldkey, netuid)
    if only_alpha:
        _stake_into_subnet(state, rules, events, hotkey, coldkey, ROOT, total, fee=0)
    return total


def clear_small_nomination(
    state: State, rules: Rules, events: list[Event], hotkey: str, coldkey: str, netuid: int
) -> None:
    """``clear_small_nomination_if_required`` (staking/helpers.rs @ 5073ade): a nominator
    (not the hotkey's owner) left with less than ``NominatorMinRequiredStake`` is unstaked
    whole, with no fee, and paid the TAO."""
    minimum = state.params.nominator_min_stake
    if not minimum or state.hotkey_owner.get(hotkey) == coldkey:
        return
    stake = ledger.get_stake(state, coldkey, hotkey, netuid)
    if (
        stake < minimum
        and (hotkey, netuid) in state.stakes
        and coldkey in (state.stakes[(hotkey, netuid)].shares)
    ):
        tao = _unstake_from_subnet(state, rules, events, hotkey, coldkey, netuid, stake, fee=0)
        ledger.increase_balance(state, coldkey, tao)


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
    allow_partial: bool = False,
    check_transfer_toggle: bool = False,
) -> int:
    """``move_stake`` / ``transfer_stake`` / ``swap_stake`` / ``swap_stake_limit``
    (``transition_stake_internal``, move_stake.rs @ 5073ade): sell on the origin, buy on the
    destination, the fee split over the two legs.

    Checks (``validate_stake_transition``): SubnetNotExists (the destination only when it
    differs), HotKeyAccountNotExists, NotEnoughStakeToWithdraw, InsufficientLiquidity /
    AmountTooLow on the origin sale, SlippageTooHigh (a limit beyond ``get_max_amount_move``,
    unless ``allow_partial``, which moves that maximum), InsufficientLiquidity on the
    destination pool, TransferDisallowed (``transfer_stake``: a subnet's TransferToggle off).
    Returns the TAO the chain's event carries: the origin proceeds after both legs' fees
    (saturating); the TAO is lost when it is below min stake + the leg fee.
    """
    amount = _check_amount(amount)
    if limit_price is not None:
        limit_price = _check_amount(limit_price, "limit_price")
    params = state.params
    if not subnet_exists(state, origin_netuid):
        raise E.SubnetNotExists(f"subnet {origin_netuid} does not exist")
    if destination_netuid != origin_netuid and not subnet_exists(state, destination_netuid):
        raise E.SubnetNotExists(f"subnet {destination_netuid} does not exist")
    if not hotkey_exists(state, origin_hotkey):
        raise E.HotKeyAccountNotExists(f"hotkey {origin_hotkey!r} does not exist")
    if not hotkey_exists(state, destination_hotkey):
        raise E.HotKeyAccountNotExists(f"hotkey {destination_hotkey!r} does not exist")
    held = ledger.get_stake(state, origin_coldkey, origin_hotkey, origin_netuid)
    if amount > held:
        raise E.NotEnoughStakeToWithdraw(f"position holds {held}, asked {amount}")
    tao_equivalent = sim_sell(state, rules, origin_netuid, amount)
    if tao_equivalent is None:
        raise E.InsufficientLiquidity(f"subnet {origin_netuid} pool cannot pay for the stake")
    if tao_equivalent <= params.min_stake:
        raise E.AmountTooLow(f"stake worth {tao_equivalent} rao is not above min stake")
    max_amount = (
        U64_MAX
        if limit_price is None
        else max_amount_move(state, rules, origin_netuid, destination_netuid, limit_price)
    )
    if not allow_partial and amount > max_amount:
        raise E.SlippageTooHigh(f"{amount} exceeds the {max_amount} alpha-rao the limit allows")
    expected = sim_buy(state, rules, destination_netuid, tao_equivalent) or 0
    if not ledger.can_add_for_one(
        ledger.get_pool(state, destination_hotkey, destination_netuid), expected
    ):
        raise E.InsufficientLiquidity("destination hotkey pool cannot represent the stake")
    if check_transfer_toggle and not (
        _transfers_on(state, origin_netuid) and _transfers_on(state, destination_netuid)
    ):
        raise E.TransferDisallowed("TransferToggle is off on the origin or destination subnet")
    moved = min(amount, max_amount)
    tao = _unstake_from_subnet(
        state, rules, events, origin_hotkey, origin_coldkey, origin_netuid, moved, legs=2
    )
    carried = tao - rules.pool.fee.buy_fee(tao, legs=2)
    if tao >= rules.pool.fee.minimum_gross(params.min_stake, legs=2):
        _stake_into_subnet(
            state,
            rules,
            events,
            destination_hotkey,
            destination_coldkey,
            destination_netuid,
            tao,
            legs=2,
        )
    else:
        state.lost_tao += tao
        events.append(Lost(tao, "move proceeds below min stake"))
    return carried


def _transfers_on(state: State, netuid: int) -> bool:
    """``TransferToggle`` of a subnet (on unless switched off; root always on)."""
    return netuid == ROOT or not state.columns.transfers_off[netuid]


def max_amount_move(
    state: State, rules: Rules, origin_netuid: int, destination_netuid: int, limit_price: int
) -> int:
    """Largest alpha a limited move may carry (``get_max_amount_move``, move_stake.rs @
    5073ade); ``limit_price`` in rao per whole origin alpha, priced in destination alpha.

    Stable (or root) on both ends: u64::MAX unless the limit exceeds 1.0 (then 0). Stable to
    dynamic: the add limit at the inverted price; dynamic to stable: the remove limit. Between
    two pools, in U64F64 (multiplications floor, divisions truncate, saturating):
    x2·(y1/(y1+y2))/limit − x1·(y2/(y1+y2)), 0 when a reserve is 0 or the limit is above
    price1/price2 (I96F32), u64::MAX for limit 0.
    """
    dynamic_1 = is_dynamic(state, origin_netuid)
    dynamic_2 = is_dynamic(state, destination_netuid)
    if not dynamic_1 and not dynamic_2:
        return 0 if limit_price > RAO_PER_ALPHA else U64_MAX
    if not dynamic_1:
        if limit_price == 0:
            return U64_MAX
        inverted = (((RAO_PER_ALPHA << FRAC64) // limit_price) * RAO_PER_ALPHA) >> FRAC64
        return max_amount_add(state, rules, destination_netuid, inverted)
    if not dynamic_2:
        return max_amount_remove(state, rules, origin_netuid, limit_price)
    y1, x1 = reserves(state, origin_netuid)
    y2, x2 = reserves(state, destination_netuid)
    if 0 in (y1, y2, x1, x2):
        return 0
    limit_raw = (limit_price << FRAC64) // RAO_PER_ALPHA  # U64F64
    price_1, price_2 = (y1 << FRAC32) // x1, (y2 << FRAC32) // x2  # I96F32
    current = (price_1 << FRAC32) // price_2 if price_2 else 0  # I96F32 safe_div
    if limit_raw > current << (FRAC64 - FRAC32):
        return 0
    if limit_price == 0:
        return U64_MAX
    total = y1 + y2
    t1_raw = (y1 << FRAC64) // total
    t2_raw = (y2 << FRAC64) // total
    first = min(x2 * t1_raw, U64F64_MAX)  # x2 · t1 (U64F64 · integer: exact)
    first = min((first << FRAC64) // limit_raw, U64F64_MAX)
    second = min(x1 * t2_raw, U64F64_MAX)
    return min(max(first - second, 0) >> FRAC64, U64_MAX)


def transfer(state: State, coldkey: str, destination: str, amount: int) -> None:
    """Balances ``transfer_allow_death``: move free TAO between coldkeys."""
    amount = _check_amount(amount)
    if ledger.get_balance(state, coldkey) < amount:
        raise E.NotEnoughBalanceToTransfer(
            f"{coldkey} holds {ledger.get_balance(state, coldkey)} rao, needs {amount}"
        )
    ledger.decrease_balance(state, coldkey, amount)
    ledger.increase_balance(state, destination, amount)


def _take_checks(state: State, coldkey: str, hotkey: str, take: object) -> int:
    """``do_take_checks``: the hotkey exists and belongs to ``coldkey``; the take is a u16."""
    checked = _check_u16(take, "take")
    if not hotkey_exists(state, hotkey):
        raise E.HotKeyAccountNotExists(f"hotkey {hotkey!r} does not exist")
    if state.hotkey_owner[hotkey] != coldkey:
        raise E.NonAssociatedColdKey(f"{coldkey} does not own hotkey {hotkey!r}")
    return checked


def increase_take(state: State, coldkey: str, hotkey: str, take: int) -> None:
    """``increase_take`` (staking/increase_take.rs @ 5073ade): above the stored take (if any,
    else ``DelegateTakeTooLow``), at most MaxDelegateTake (``DelegateTakeTooHigh``), and more
    than ``take_rate_limit`` blocks after the hotkey's last take change
    (``DelegateTxRateLimitExceeded``)."""
    take = _take_checks(state, coldkey, hotkey, take)
    params = state.params
    current = state.takes.get(hotkey)
    if current is not None and take <= current:
        raise E.DelegateTakeTooLow(f"take {take} is not above the current {current}")
    if take > params.max_take_u16:
        raise E.DelegateTakeTooHigh(f"take {take} above max {params.max_take_u16}")
    last = state.take_changed_at.get(hotkey, 0)
    if last != 0 and state.block - last <= params.take_rate_limit:
        raise E.DelegateTxRateLimitExceeded(
            f"take changed at block {last}; increases wait {params.take_rate_limit} blocks"
        )
    state.takes[hotkey] = take
    state.take_changed_at[hotkey] = state.block


def decrease_take(state: State, coldkey: str, hotkey: str, take: int) -> None:
    """``decrease_take`` (staking/decrease_take.rs @ 5073ade): below the stored take (if any)
    and at least MinDelegateTake, both else ``DelegateTakeTooLow``; from 02-24 it also records
    the block for the increase rate limit."""
    take = _take_checks(state, coldkey, hotkey, take)
    params = state.params
    current = state.takes.get(hotkey)
    if current is not None and take >= current:
        raise E.DelegateTakeTooLow(f"take {take} is not below the current {current}")
    if take < params.min_take_u16:
        raise E.DelegateTakeTooLow(f"take {take} below min {params.min_take_u16}")
    state.takes[hotkey] = take
    state.take_changed_at[hotkey] = state.block


def set_take(state: State, coldkey: str, hotkey: str, take: int) -> None:
    """:func:`increase_take` when ``take`` is above the hotkey's take (stored, or the default),
    else :func:`decrease_take`."""
    current = state.takes.get(hotkey, state.params.default_take_u16)
    if isinstance(take, int) and not isinstance(take, bool) and take > current:
        increase_take(state, coldkey, hotkey, take)
    else:
        decrease_take(state, coldkey, hotkey, take)


# -- subnets and neurons --------------------------------------------------------------------


def _claim_hotkey(state: State, coldkey: str, hotkey: str) -> None:
    """Create the hotkey for ``coldkey`` if new (``create_account_if_non_existent``)."""
    if hotkey not in state.hotkey_owner:
        state.hotkey_owner[hotkey] = coldkey


def _check_hotkey_ownership(state: State, coldkey: str, hotkey: str) -> None:
    owner = state.hotkey_owner.get(hotkey)
    if owner is not None and owner != coldkey:
        raise E.NonAssociatedColdKey(f"hotkey {hotkey!r} belongs to another coldkey")


def register_network(
    state: State, rules: Rules, events: list[Event], coldkey: str, hotkey: str
) -> int:
    """``register_network`` (subnets/subnet.rs @ 5073ade): pay the lock, create a pool.

    The pool is seeded with y = x = MinLock (price 1.0), o = 0, m = 0; lock − MinLock leaves
    ``TotalIssuance``; the owner hotkey becomes UID 0. Returns the new netuid (lowest free).
    """
    params = state.params
    if not isinstance(hotkey, str) or not hotkey or not isinstance(coldkey, str) or not coldkey:
        raise E.InvalidAmount("coldkey and hotkey must be non-empty names")
    _check_hotkey_ownership(state, coldkey, hotkey)
    # Rate limit: now − NetworkLastRegistered ≥ limit. The chain applies it to the storage
    # default 0 too; dtao exempts a chain where no subnet was ever registered, which on mainnet
    # (millions of blocks) is the same thing.
    last = state.network_last_lock_block
    if last and state.block - last < params.network_rate_limit:
        raise E.NetworkTxRateLimitExceeded(
            f"last subnet registered at block {last}; wait until block "
            f"{last + params.network_rate_limit}"
        )
    if params.subnet_limit is not None and len(state.subnets) >= params.subnet_limit:
        raise E.SubnetLimitReached(f"{len(state.subnets)} subnets, limit {params.subnet_limit}")
    lock = rules.registration.network_lock_cost(state)
    if ledger.get_balance(state, coldkey) < lock:  # the chain names it NotEnoughBalanceToStake
        raise E.NotEnoughBalanceToStake(
            f"lock cost {lock} rao, {coldkey} holds {ledger.get_balance(state, coldkey)}"
        )
    netuid = 1
    while netuid in state.subnets:
        netuid += 1
    lock = _withdrawal(state, coldkey, lock)  # the lock actually paid (ED kept)
    ledger.decrease_balance(state, coldkey, lock)
    # the pool starts at y = x = NetworkMinLockCost whatever was paid (subnet.rs @ 5073ade);
    # the lock above it leaves issuance (saturating), a lock below it creates the difference
    seed = params.network_min_lock
    state.total_issuance = max(state.total_issuance - max(lock - seed, 0), 0)
    state.lost_tao -= max(seed - lock, 0)
    _claim_hotkey(state, coldkey, hotkey)
    state.network_last_lock = lock
    state.network_last_lock_block = state.block
    init_new_network(state, netuid, coldkey, hotkey, tao_in=seed, alpha_in=seed, locked=lock)
    events.append(Registered(netuid, coldkey, hotkey, lock))
    return netuid


def dissolve_network(state: State, events: list[Event], coldkey: str, netuid: int) -> None:
    """``dissolve_network`` (root only) = ``user_remove_network`` (coinbase/root.rs @ 5073ade):
    ``SubNetworkDoesNotExist``, ``NotSubnetOwner`` unless ``coldkey`` owns the subnet; then
    ``remove_network``: the lock (``SubnetLocked``) goes back to the owner's free balance and
    the subnet, its UIDs and its parameters are erased.

    At 5073ade the pool's reserves and the stakes on the subnet are left in storage with no
    subnet; dtao counts that TAO as lost and the returned lock as issued (it left issuance at
    registration), so the identities keep holding.
    """
    if netuid not in state.subnets:
        raise E.SubNetworkDoesNotExist(f"subnet {netuid} does not exist")
    subnet = state.subnets[netuid]
    if subnet.owner_coldkey != coldkey:
        raise E.NotSubnetOwner(f"{coldkey} does not own subnet {netuid}")
    cols = state.columns
    orphaned = cols.get("tao_in", netuid) + cols.get("pending_root_divs", netuid)
    state.lost_tao += orphaned
    if orphaned:
        events.append(Lost(orphaned, f"pool of dissolved subnet {netuid}"))
    ledger.increase_balance(state, subnet.owner_coldkey, subnet.locked)
    state.total_issuance += subnet.locked
    del state.subnets[netuid]
    for name in ("exists", *INT_COLUMNS, *FLOAT_COLUMNS):
        getattr(cols, name)[netuid] = 0


def init_new_network(
    state: State,
    netuid: int,
    owner_coldkey: str,
    owner_hotkey: str,
    tao_in: int | None,
    alpha_in: int | None,
    locked: int,
    tempo: int | None = None,
    dynamic: bool = True,
) -> Subnet:
    """Create subnet ``netuid`` with the preset's hyper-parameters (``init_new_network``,
    subnet.rs @ 5073ade): o = 0, m = 0, empty pots, registration open; the pool reserves set to
    ``tao_in`` / ``alpha_in`` (rao, alpha-rao; None keeps what the storage holds); the owner
    hotkey becomes UID 0 (an empty ``owner_hotkey``: no owner, no UID, as the test mock's
    ``add_network``). ``dynamic``: SubnetMechanism 1 (a pool) or 0 (stable, 1:1).

    It moves no TAO: the caller pays the lock and accounts for issuance.
    """
    params = state.params
    subnet = Subnet(
        netuid=netuid,
        owner_coldkey=owner_coldkey,
        owner_hotkey=owner_hotkey,
        registered_at=state.block,
        locked=locked,
        max_uids=params.max_uids,
        max_validators=params.max_validators,
        immunity_period=params.immunity_period,
        burn=params.burn_initial,
        burn_min=params.burn_min,
        burn_max=params.burn_max,
        neurons=Neurons(capacity=params.max_uids),
        adjustment_alpha_u64=params.burn_adjustment_alpha_u64,
    )
    state.subnets[netuid] = subnet
    cols = state.columns
    cols.ensure(netuid)
    for name in (
        "alpha_out",
        "pending_emission",
        "pending_alpha_swapped",
        "pending_root_divs",
        "pending_owner_cut",
        "alpha_unbacked",
    ):
        getattr(cols, name)[netuid] = 0
    cols.exists[netuid] = True
    cols.mechanism[netuid] = 1 if dynamic else 0
    if tao_in is not None:
        cols.tao_in[netuid] = tao_in
    if alpha_in is not None:
        cols.alpha_in[netuid] = alpha_in
    cols.moving_price_bits[netuid] = 0
    cols.tempo[netuid] = params.tempo if tempo is None else tempo
    cols.registration_allowed[netuid] = 1
    cols.pow_registration_allowed[netuid] = 1
    cols.adjustment_interval[netuid] = params.burn_adjustment_interval
    cols.target_registrations[netuid] = params.target_registrations
    cols.max_registrations_per_block[netuid] = params.max_registrations_per_block
    cols.last_burn_adjustment[netuid] = 0  # storage default: first adjustment comes at once
    cols.registration_block[netuid] = 0
    cols.registrations_this_block[netuid] = 0
    if owner_hotkey:
        append_neuron(subnet, owner_hotkey, state.block)
    return subnet


def append_neuron(subnet: Subnet, hotkey: str, block: int) -> int:
    neurons = subnet.neurons
    uid = neurons.n
    neurons.hotkeys.append(hotkey)
    _reset_uid(neurons, uid, block)
    neurons.pruning_score[uid] = 0
    return uid


def _reset_uid(neurons: Neurons, uid: int, block: int) -> None:
    """Fresh UID state (``replace_neuron`` / ``append_neuron``)."""
    neurons.registered_at[uid] = block
    neurons.last_update[uid] = block
    neurons.weights[uid, :] = 0
    neurons.weights_present[uid, :] = False
    neurons.weights[:, uid] = 0  # votes for the old occupant no longer count
    neurons.bonds[uid, :] = 0
    neurons.validator_permit[uid] = False
    for name in ("incentive", "dividends", "emission", "consensus", "validator_trust"):
        getattr(neurons, name)[uid] = 0
    neurons.active[uid] = False


def neuron_to_prune(subnet: Subnet, block: int) -> int | None:
    """Launch ``get_neuron_to_prune`` (registration.rs @ 5073ade).

    Skip the owner hotkey; among non-immune UIDs the lowest pruning score, ties → earliest
    registration → lowest UID; if every candidate is immune, the same rule over immune ones.
    """
    neurons = subnet.neurons
    n = neurons.n
    uids = np.arange(n)
    candidates = uids[np.array([h != subnet.owner_hotkey for h in neurons.hotkeys], dtype=bool)]
    if len(candidates) == 0:
        return None
    immune = block - neurons.registered_at[candidates] < subnet.immunity_period
    pool = candidates[~immune] if (~immune).any() else candidates
    order = np.lexsort((pool, neurons.registered_at[pool], neurons.pruning_score[pool]))
    return int(pool[order[0]])


def burned_register(
    state: State, rules: Rules, events: list[Event], coldkey: str, hotkey: str, netuid: int
) -> int:
    """``burned_register`` (registration.rs ``do_burned_registration`` @ 5073ade); returns uid.

    The burn buys alpha fee-free from the pool and that alpha is destroyed (o −= bought).
    A full subnet replaces the UID chosen by :func:`neuron_to_prune`.
    """
    if not isinstance(hotkey, str) or not hotkey:
        raise E.InvalidAmount("hotkey must be a non-empty name")
    if netuid == ROOT:
        raise E.RegistrationNotPermittedOnRootSubnet("use root registration for netuid 0")
    if netuid not in state.subnets:
        raise E.SubNetworkDoesNotExist(f"subnet {netuid} does not exist")
    subnet = state.subnets[netuid]
    refusal = registration_refusal(state, netuid)
    if refusal is not None:
        raise refusal
    if subnet.neurons.uid_of(hotkey) is not None:
        raise E.HotKeyAlreadyRegisteredInSubNet(f"{hotkey!r} is registered on subnet {netuid}")
    cost = subnet.burn
    if ledger.get_balance(state, coldkey) < cost:
        raise E.NotEnoughBalanceToStake(
            f"burn is {cost} rao, {coldkey} holds {ledger.get_balance(state, coldkey)}"
        )
    _check_hotkey_ownership(state, coldkey, hotkey)
    if subnet.max_uids == 0:
        raise E.NoNeuronIdAvailable(f"subnet {netuid} allows no UIDs")
    replace = None
    if subnet.neurons.n >= subnet.max_uids:
        replace = neuron_to_prune(subnet, state.block)
        if replace is None:
            raise E.NoNeuronIdAvailable(f"subnet {netuid} is full and nothing can be pruned")
    paid = _withdrawal(state, coldkey, cost)  # the burn actually paid (ED kept)
    ledger.decrease_balance(state, coldkey, paid)
    _claim_hotkey(state, coldkey, hotkey)
    burned_alpha = swap_tao_for_alpha(state, rules, netuid, paid)
    if burned_alpha is None:  # refused swap: the TAO left the coldkey and went nowhere
        state.lost_tao += paid
        events.append(Lost(paid, "refused burn swap"))
        burned_alpha = 0
    state.columns.add("alpha_out", netuid, -burned_alpha)
    uid, replaced = register_neuron(state, subnet, hotkey, replace)
    subnet.burn_registrations_this_interval += 1
    subnet.rao_recycled += cost  # RAORecycledForRegistration
    events.append(Registered(netuid, coldkey, hotkey, cost, uid, replaced))
    return uid


def registration_refusal(state: State, netuid: int) -> E.ProtocolError | None:
    """Why a burned registration on an existing subnet would be refused now for want of room
    (``SubNetRegistrationDisabled``, ``TooManyRegistrationsThisBlock``, or
    ``TooManyRegistrationsThisInterval``: more than 3 × TargetRegistrationsPerInterval), or
    None."""
    cols = state.columns
    if not cols.registration_allowed[netuid]:
        return E.SubNetRegistrationDisabled(f"registration is off on subnet {netuid}")
    if registrations_this_block(state, netuid) >= cols.get("max_registrations_per_block", netuid):
        return E.TooManyRegistrationsThisBlock(f"subnet {netuid}: wait for the next block")
    interval = state.subnets[netuid].registrations_this_interval
    if interval >= 3 * cols.get("target_registrations", netuid):
        return E.TooManyRegistrationsThisInterval(f"subnet {netuid}: interval is full")
    return None


def registrations_this_block(state: State, netuid: int) -> int:
    """``RegistrationsThisBlock`` of a subnet (0 once the block has moved on)."""
    cols = state.columns
    return (
        cols.get("registrations_this_block", netuid)
        if cols.registration_block[netuid] == (state.block)
        else 0
    )


def register_neuron(
    state: State, subnet: Subnet, hotkey: str, replace: int | None
) -> tuple[int, str | None]:
    """``register_neuron`` (registration.rs @ 5073ade): append ``hotkey`` as a new UID, or put
    it in UID ``replace`` (pruning score u16::MAX), and count the registration; returns
    (uid, the hotkey replaced or None). Moves no TAO."""
    replaced = None
    if replace is None:
        uid = append_neuron(subnet, hotkey, state.block)
    else:
        uid = replace
        replaced = subnet.neurons.hotkeys[uid]
        subnet.neurons.hotkeys[uid] = hotkey
        _reset_uid(subnet.neurons, uid, state.block)
        subnet.neurons.pruning_score[uid] = U16_MAX
    cols = state.columns
    netuid = subnet.netuid
    this_block = registrations_this_block(state, netuid)
    cols.registration_block[netuid] = state.block
    cols.registrations_this_block[netuid] = this_block + 1
    subnet.registrations_this_interval += 1
    return uid, replaced


def set_weights(
    state: State, hotkey: str, netuid: int, uids: Sequence[int], weights: Sequence[int]
) -> None:
    """``set_weights`` (subnets/weights.rs @ 5073ade): store max-upscaled u16 weights.

    Checks in the chain's order; non-self weights need a validator permit; the row is stored
    max-upscaled (largest entry 65535) with explicit zeros, and ``last_update`` = now.
    """
    uids = [_check_u16(uid, "uid") for uid in uids]
    weights = [_check_u16(weight, "weight") for weight in weights]
    if netuid == ROOT:
        raise E.CanNotSetRootNetworkWeights("root weights are not modelled after dTAO")
    if len(uids) != len(weights):
        raise E.WeightVecNotEqualSize(f"{len(uids)} uids but {len(weights)} weights")
    if netuid not in state.subnets:
        raise E.SubNetworkDoesNotExist(f"subnet {netuid} does not exist")
    subnet = state.subnets[netuid]
    neurons = subnet.neurons
    if len(uids) > neurons.n:
        raise E.UidsLengthExceedUidsInSubNet(f"{len(uids)} uids on a subnet of {neurons.n}")
    uid = neurons.uid_of(hotkey)
    if uid is None:
        raise E.HotKeyNotRegisteredInSubNet(f"{hotkey!r} is not registered on subnet {netuid}")
    params = state.params
    if _stake_weight_bits(state, hotkey, netuid) < params.stake_threshold << FRAC64:
        raise E.NotEnoughStakeToSetWeights(f"stake weight below {params.stake_threshold}")
    last = int(neurons.last_update[uid])
    if last != 0 and state.block - last < params.weights_rate_limit:
        raise E.SettingWeightsTooFast(
            f"uid {uid} set weights at block {last}; wait {params.weights_rate_limit} blocks"
        )
    self_weight = len(weights) == 1 and uids[0] == uid
    # a Null-consensus subnet (spec 474) exempts no self-weight from the permit
    exempt = self_weight and epoch_consensus(state, netuid) != NULL
    if not exempt and not neurons.validator_permit[uid]:
        raise E.NeuronNoValidatorPermit(f"uid {uid} has no validator permit")
    if len(set(uids)) != len(uids):
        raise E.DuplicateUids("a uid appears twice")
    if any(u >= neurons.n for u in uids):
        raise E.UidVecContainInvalidOne(f"uids must be < {neurons.n}")
    if not self_weight and len(weights) < min(neurons.n, params.min_allowed_weights):
        raise E.WeightVecLengthIsLow(f"at least {params.min_allowed_weights} weights needed")
    stored = max_upscale_weights_u16(np.asarray(weights, dtype=np.int64))
    # max_weight_limited (weights.rs @ 5073ade): self-weights and a limit of u16::MAX pass;
    # otherwise the max-upscaled vector, normalised in I32F32, must stay ≤ limit / 65535
    if (
        not self_weight
        and params.max_weights_limit != U16_MAX
        and not check_vec_max_limited(stored.tolist(), params.max_weights_limit)
    ):
        raise E.MaxWeightExceeded(f"a weight exceeds {params.max_weights_limit}/65535")
    neurons.weights[uid, :] = 0
    neurons.weights_present[uid, :] = False
    index = np.asarray(uids, dtype=np.int64)
    neurons.weights[uid, index] = stored
    neurons.weights_present[uid, index] = True
    neurons.last_update[uid] = state.block


def _stake_weight_bits(state: State, hotkey: str, netuid: int) -> int:
    """α + tw·τ of a hotkey on a subnet as raw I64F64 (``check_weights_min_stake``), both
    inherited through parents and children (:func:`dtao.childkeys.inherited`)."""
    alpha = childkeys.inherited(state, hotkey, netuid, netuid)
    root = childkeys.inherited(state, hotkey, netuid, ROOT)
    return ledger.stake_weight_bits(alpha, root, state.params.tao_weight_u64)
