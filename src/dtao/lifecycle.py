"""Subnet and neuron lifecycle of the 14bc6f9 runtime (summer-2026, dtao-economics.md §8–§9):
subnet registration with the lock kept in the pool at the median price, the subnet limit and
pruning, dissolution with its payout, ``start_call``, and the neuron burn that is bumped on each
registration and decays every block.

Sources (opentensor/subtensor @ 14bc6f9): ``subnets/subnet.rs`` (``do_register_network``,
``init_new_network``, ``do_start_call``), ``coinbase/root.rs`` (``do_dissolve_network``,
``remove_network``, ``get_network_to_prune``), ``staking/remove_stake.rs``
(``destroy_alpha_in_out_stakes``), ``subnets/registration.rs`` (``do_register``,
``get_neuron_to_prune``, ``update_registration_prices_for_networks``,
``bump_registration_price_after_registration``), ``utils/misc.rs`` (the Q32 helpers),
``staking/stake_utils.rs`` (``get_median_subnet_alpha_price``, ``get_moving_alpha_price``).

The subnet's pallet account is modelled as its pool TAO ``SubnetTAO`` plus the summer column
``account_tao`` (what the account holds beyond it; negative when a lock below MinLock left the
pool partly unbacked). Amounts are int rao / alpha-rao; prices are U64F64 raw bits.
"""

from __future__ import annotations

from functools import lru_cache

from dtao import conviction, flows, ledger, root_claim
from dtao import errors as E
from dtao import extrinsics as X
from dtao.curve import pool_price_bits
from dtao.fixed import FRAC32, FRAC64, ONE64
from dtao.receipts import Dissolved, Event, Registered
from dtao.registration_queue import QueuedRegistration, queue_view, registration_queue
from dtao.rules import Rules
from dtao.state import FLOAT_COLUMNS, INT_COLUMNS, State, Subnet
from dtao.summer import summer_columns
from dtao.summer_subnets import registration_terms
from dtao.units import U64_MAX

ROOT = 0
ONE_Q32 = 1 << 32
HALF_Q32 = 1 << 31


# -- Q32 helpers of the neuron burn (utils/misc.rs @ 14bc6f9) -----------------------------------


def mul_by_q32(value: int, factor_q32: int) -> int:
    """``mul_by_q32``: ⌊value·factor / 2^32⌋, saturated at u64::MAX."""
    return min((value * factor_q32) >> 32, U64_MAX)


def pow_q32(base_q32: int, exp: int) -> int:
    """``pow_q32``: base^exp in Q32 by squaring, every product floored by :func:`mul_by_q32`."""
    result, factor, power = ONE_Q32, base_q32, exp
    while power > 0:
        if power & 1:
            result = mul_by_q32(result, factor)
        power >>= 1
        if power > 0:
            factor = mul_by_q32(factor, factor)
    return result


@lru_cache(maxsize=1024)
def decay_factor_q32(half_life: int) -> int:
    """``decay_factor_q32``: the largest Q32 f with pow_q32(f, half_life) ≤ 1/2 (binary search);
    1.0 for a half-life of 0 (no decay)."""
    if half_life == 0:
        return ONE_Q32
    lo, hi = 0, ONE_Q32
    while lo + 1 < hi:
        mid = lo + ((hi - lo) >> 1)
        if pow_q32(mid, half_life) > HALF_Q32:
            hi = mid
        else:
            lo = mid
    return lo


def clamp_burn(burn: int, subnet: Subnet) -> int:
    """``burn`` (rao) clamped to the subnet's [MinBurn, MaxBurn] (MaxBurn wins if they cross)."""
    return min(max(burn, subnet.burn_min), subnet.burn_max)


def decay_burns(state: State, rules: Rules, subnets: int) -> None:
    """``update_registration_prices_for_networks`` (start of every block): on blocks after the
    first, burn ← ⌊burn·f⌋ with f = :func:`decay_factor_q32` of the subnet's BurnHalfLife, then
    clamped to [MinBurn, MaxBurn]. RegistrationsThisBlock needs no reset here (it counts only
    while its block is the current one). Root has no registration terms in dtao."""
    half_lives = summer_columns(state)
    for netuid, subnet in state.subnets.items():
        half_life = half_lives.get("burn_half_life", netuid)
        burn = subnet.burn
        if half_life > 0 and state.block > 1:
            burn = mul_by_q32(burn, decay_factor_q32(half_life))
        subnet.burn = clamp_burn(burn, subnet)


def bump_burn(state: State, netuid: int) -> None:
    """``bump_registration_price_after_registration``: burn ← ⌊burn·max(BurnIncreaseMult, 1)⌋
    in U64F64 (saturating at u64::MAX), clamped to [MinBurn, MaxBurn]; nothing on root."""
    subnet = state.subnets.get(netuid)
    if subnet is None:
        return
    mult = max(registration_terms(state).mult_bits(state.params, netuid), ONE64)
    subnet.burn = clamp_burn(min((subnet.burn * mult) >> FRAC64, U64_MAX), subnet)


# -- prices ----------------------------------------------------------------------------------


def current_price_bits(state: State, netuid: int) -> int:
    """``current_alpha_price`` as U64F64 bits: the balancer's (w1/w2)·(y/x) on a dynamic subnet
    (0 when x = 0), 1.0 on root and stable subnets (swap ``impls.rs current_price``)."""
    if not X.is_dynamic(state, netuid):
        return ONE64
    return pool_price_bits(state, netuid)  # the stored superellipse's, if any (§6.3)


def median_subnet_alpha_price_bits(state: State) -> int:
    """``get_median_subnet_alpha_price`` (U64F64 bits): the median of the positive current
    prices of the non-root subnets; the floored mean of the two middle ones for an even count;
    1.0 when none is positive."""
    prices = sorted(p for p in (current_price_bits(state, n) for n in state.subnets) if p > 0)
    if not prices:
        return ONE64
    lower, upper = (len(prices) - 1) // 2, len(prices) // 2
    if lower == upper:
        return prices[upper]
    return (prices[lower] + prices[upper]) // 2


def moving_price_u64f64(state: State, netuid: int) -> int:
    """``get_moving_alpha_price`` as U64F64 bits: 1.0 on stable subnets, else SubnetMovingPrice
    (an I96F32, widened exactly; a negative value saturates to 0)."""
    if not X.is_dynamic(state, netuid):
        return ONE64
    return max(state.columns.get("moving_price_bits", netuid), 0) << (FRAC64 - FRAC32)


# -- subnet limit, pruning -------------------------------------------------------------------


def network_immune(state: State, netuid: int) -> bool:
    """Whether a subnet is within ``NetworkImmunityPeriod`` of its registration."""
    registered = state.subnets[netuid].registered_at
    return state.block < registered + state.params.network_immunity_period


def pruning_order(state: State) -> list[int]:
    """Subnets past their immunity in ``get_network_to_prune``'s order: the lowest moving price
    first; ties → earlier registration → lower netuid (the chain's storage order, which dtao
    takes as netuid order)."""
    keys = [
        (moving_price_u64f64(state, netuid), state.subnets[netuid].registered_at, netuid)
        for netuid in sorted(state.subnets)
        if not network_immune(state, netuid)
    ]
    return [key[2] for key in sorted(keys)]


def network_to_prune(state: State) -> int | None:
    """``get_network_to_prune``: the first of :func:`pruning_order`, None when every subnet is
    immune."""
    order = pruning_order(state)
    return order[0] if order else None


# -- registration ----------------------------------------------------------------------------


def init_new_network_head(
    state: State, netuid: int, owner_coldkey: str, owner_hotkey: str, tempo: int | None = None
) -> Subnet:
    """``init_new_network`` @ 14bc6f9 on top of the launch one: SubnetworkN 0, registration on,
    256 UIDs, 64 validators, immunity 5 000, Burn = DefaultNeuronBurnCost, emission switched on
    (so a reused netuid never inherits a disabled flag). The era's other per-subnet columns start
    at their defaults, except ``RegisteredSubnetCounter`` and the account's TAO, which outlive a
    dissolution. Reserves keep what storage holds; no TAO moves."""
    subnet = X.init_new_network(
        state, netuid, owner_coldkey, owner_hotkey, None, None, 0, tempo=tempo, dynamic=False
    )
    cols = summer_columns(state)
    kept = {c: cols.get(c, netuid) for c in ("registered_counter", "account_tao")}
    cols.reset(netuid)
    for column, value in kept.items():
        cols.set(column, netuid, value)
    cols.set("burn_half_life", netuid, state.params.burn_half_life)
    tempo = state.columns.get("tempo", netuid)  # the scheduler's phase: now − netuid mod tempo
    cols.set("last_epoch_block", netuid, max(state.block - netuid % max(tempo, 1), 0))
    registration_terms(state).burn_increase_mult.pop(netuid, None)
    return subnet


def register_network(
    state: State, rules: Rules, events: list[Event], coldkey: str, hotkey: str
) -> int:
    """``do_register_network`` (subnets/subnet.rs @ 14bc6f9); returns the netuid.

    Checks in the chain's order: ``NonAssociatedColdKey``, ``SubNetRegistrationDisabled``
    (before ``NetworkRegistrationStartBlock``), ``NetworkTxRateLimitExceeded``, at the subnet
    limit ``SubnetLimitReached`` unless :func:`network_to_prune` finds one,
    ``CannotAffordLockCost``, ``InsufficientBalance``. Then the pruned subnet is
    dissolved (its netuid reused, else the lowest free one), the median price is taken, the lock
    moves to the subnet account (the existential deposit stays), and the pool holds
    y = max(paid, MinLock) TAO and x = ⌊y / median⌋ alpha (U64F64 division, floored), o = 0.
    Nothing is recycled and the owner gets no alpha. The new subnet starts with its emission
    switched off and its balancer weights at the default 0.5 (not initialised).
    """
    params = state.params
    owner = state.hotkey_owner.get(hotkey)
    if owner is not None and owner != coldkey:
        raise E.NonAssociatedColdKey(f"hotkey {hotkey!r} belongs to another coldkey")
    if state.block < params.network_registration_start_block:
        raise E.SubNetRegistrationDisabled(
            f"subnet registration opens at block {params.network_registration_start_block}"
        )
    last = state.network_last_lock_block
    if last and state.block - last < params.network_rate_limit:
        raise E.NetworkTxRateLimitExceeded(f"last subnet registered at block {last}")
    prune = None
    if params.subnet_limit is not None and len(state.subnets) >= params.subnet_limit:
        prune = network_to_prune(state)
        if prune is None:
            raise E.SubnetLimitReached(f"{len(state.subnets)} subnets, none can be pruned")
    lock = rules.registration.network_lock_cost(state)
    if ledger.get_balance(state, coldkey) < lock:
        raise E.CannotAffordLockCost(
            f"lock cost {lock} rao, {coldkey} holds {ledger.get_balance(state, coldkey)}"
        )
    paid = ledger.withdrawable(state, coldkey, lock)
    if lock and not paid:  # transfer_tao_to_subnet
        raise E.InsufficientBalance(f"{coldkey} must keep the existential deposit")
    if prune is not None:
        dissolve_network(state, rules, events, prune)
        paid = ledger.withdrawable(state, coldkey, lock)  # a payout may have raised it
    netuid = prune if prune is not None else _lowest_free_netuid(state)
    median = median_subnet_alpha_price_bits(state)
    subnet = init_new_network_head(state, netuid, coldkey, hotkey)
    ledger.decrease_balance(state, coldkey, paid)
    state.network_last_lock = paid
    state.network_last_lock_block = state.block
    if hotkey not in state.hotkey_owner:
        state.hotkey_owner[hotkey] = coldkey
    cols, era = state.columns, summer_columns(state)
    cols.mechanism[netuid] = 1
    y = max(paid, params.network_min_lock)
    cols.tao_in[netuid] = y
    cols.alpha_in[netuid] = (y << FRAC64) // median
    cols.alpha_out[netuid] = 0
    subnet.locked = paid
    subnet.rao_recycled = 0  # max(paid − y, 0): the whole lock stays in the pool
    era.set("account_tao", netuid, era.get("account_tao", netuid) + paid - y)
    era.set("registered_counter", netuid, era.get("registered_counter", netuid) + 1)
    era.set("emission_enabled", netuid, int(params.new_subnet_emission_enabled))
    X.add_total_stake(state, y)
    events.append(Registered(netuid, coldkey, hotkey, paid))
    return netuid


def _lowest_free_netuid(state: State) -> int:
    netuid = 1
    while netuid in state.subnets:
        netuid += 1
    return netuid


# -- dissolution -----------------------------------------------------------------------------


def _owner_emission_tao(state: State, netuid: int) -> int:
    """The TAO value of the owner's presumed share of the issued alpha (legacy refunds):
    ⌊⌊A·cut⌋·price⌋ in U96F32 with cut = SubnetOwnerCut/65535 and the current price truncated
    to 32 fractional bits (``destroy_alpha_in_out_stakes`` step 3)."""
    cols = state.columns
    issuance = cols.get("alpha_in", netuid) + cols.get("alpha_out", netuid)
    if issuance <= 0:
        return 0
    cut_bits = (state.params.owner_cut_u16 << FRAC32) // 65_535
    owner_alpha = (issuance * cut_bits) >> FRAC32
    if owner_alpha <= 0:
        return 0
    price_bits = current_price_bits(state, netuid) >> (FRAC64 - FRAC32)
    return (owner_alpha * price_bits) >> FRAC32


def no_root_dividends_to_finalize(state: State, netuid: int) -> None:
    """The era keeps no root-dividend state per subnet: nothing to finalise before a
    dissolution (the launch era; the root-claim era plugs ``finalize_all_subnet_root_dividends``
    into ``rules.registration.finalize_root_dividends``)."""


def finalize_root_claims(state: State, netuid: int) -> None:
    """``finalize_all_subnet_root_dividends`` (14bc6f9): the subnet's RootClaimable rates and
    RootClaimed watermarks are deleted, nothing is paid; the unclaimed alpha is part of the
    subnet's o and leaves with it (:func:`dtao.root_claim.finalize_subnet_root_dividends`)."""
    root_claim.finalize_subnet_root_dividends(state, netuid)


def dissolve_network(state: State, rules: Rules, events: list[Event], netuid: int) -> None:
    """``do_dissolve_network`` (coinbase/root.rs @ 14bc6f9): ``SubnetNotExists`` for root or an
    unknown netuid; root dividends finalised; then ``destroy_alpha_in_out_stakes``:

    1. weights: every (hotkey, coldkey) position's alpha value (its raw share when the pool has
       no denominator), plus the protocol's x + SubnetProtocolAlpha (only SubnetProtocolAlpha
       for subnets registered at or before ``TaoInRefundDeploymentBlock``);
    2. the pot (SubnetTAO) leaves TotalStake; each staker is paid ⌊pot·w/Σw⌋ from the subnet
       account to its free balance, the leftover rao going one each to the largest remainders
       (ties in position order); the protocol's share is not paid; a transfer the balances
       pallet refuses (:func:`_transfer_out`) pays nothing;
    3. subnets registered before ``NetworkRegistrationStartBlock`` refund the owner
       max(0, lock − :func:`_owner_emission_tao`), at most what the account holds beyond the
       protocol's share;
    4. every stake, reserve and alpha counter of the subnet is deleted and the account's TAO
       above the existential deposit is recycled (TotalIssuance falls by it).

    Then ``remove_network`` erases the subnet; ``RegisteredSubnetCounter`` and the deposit
    left on the account remain with the netuid. Stakers are visited in (hotkey, coldkey) order
    where the chain uses its storage order (which only matters for equal remainders).
    """
    subnet = state.subnets.get(netuid)
    if subnet is None or netuid == ROOT:
        raise E.SubnetNotExists(f"subnet {netuid} does not exist")
    rules.registration.finalize_root_dividends(state, netuid)
    params, cols, era = state.params, state.columns, summer_columns(state)
    legacy = subnet.registered_at < params.network_registration_start_block
    owner_tao = _owner_emission_tao(state, netuid) if legacy and subnet.locked else 0
    protocol_weight = era.get("protocol_alpha", netuid)
    if subnet.registered_at > params.tao_in_refund_deployment_block:
        protocol_weight += cols.get("alpha_in", netuid)
    weights = []
    hotkeys = sorted(hk for (hk, n) in state.stakes if n == netuid)
    for hotkey in hotkeys:
        pool = state.stakes[(hotkey, netuid)]
        for coldkey in sorted(pool.shares):
            shares = pool.shares[coldkey]
            value = ledger.value_of_shares(pool, shares) or min(shares >> FRAC64, U64_MAX)
            if value > 0:
                weights.append((hotkey, coldkey, value))
    total_weight = protocol_weight + sum(w for _, _, w in weights)
    pot = cols.get("tao_in", netuid)
    account = held = pot + era.get("account_tao", netuid)
    shares_out = _largest_remainder(pot, [w for _, _, w in weights] + [protocol_weight])
    paid: list[tuple[str, int]] = []
    dust = 0
    for (_, coldkey, _), share in zip(weights, shares_out, strict=False):
        share, account, reaped = _transfer_out(state, account, coldkey, share)
        paid.append((coldkey, share))
        dust += reaped
    protocol = shares_out[-1] if total_weight else 0
    refund = 0
    if legacy and subnet.locked > owner_tao:
        wanted = min(subnet.locked - owner_tao, max(account - protocol, 0))
        refund, account, reaped = _transfer_out(state, account, subnet.owner_coldkey, wanted)
        dust += reaped
    kept = min(params.existential_deposit, account)
    recycled = account - kept + dust
    state.total_issuance -= recycled
    if pot:
        X.add_total_stake(state, -pot)
    state.lost_tao += cols.get("pending_root_divs", netuid)  # launch-era TAO pot, unpaid
    for hotkey in hotkeys:
        del state.stakes[(hotkey, netuid)]
    conviction.destroy_lock_maps(state, netuid)
    _remove_network(state, netuid)
    era.set("account_tao", netuid, kept)
    events.append(
        Dissolved(
            netuid=netuid,
            account=held,
            pot=pot,
            weights=tuple(weights),
            protocol_weight=protocol_weight,
            paid=tuple(paid),
            protocol=protocol,
            refund=refund,
            recycled=recycled,
            kept=kept,
        )
    )


def _transfer_out(state: State, account: int, coldkey: str, amount: int) -> tuple[int, int, int]:
    """``transfer_tao`` from a subnet account (``Expendable``): (rao paid, rao left on the
    account, dust burned). It fails (nothing moves) beyond the account's balance or when it
    would open an account below the existential deposit; a remainder below the deposit is
    reaped, its dust leaving issuance."""
    deposit = state.params.existential_deposit
    if amount <= 0 or amount > account:
        return 0, account, 0
    if amount < deposit and ledger.get_balance(state, coldkey) == 0:
        return 0, account, 0
    ledger.increase_balance(state, coldkey, amount)
    account -= amount
    if account < deposit:
        return amount, 0, account
    return amount, account, 0


def _largest_remainder(pot: int, weights: list[int]) -> list[int]:
    """⌊pot·w_i/Σw⌋ per weight, then the leftover rao one each to the largest remainders (a
    stable sort, so equal remainders keep their order); all zeros when Σw = 0 or pot = 0."""
    total = sum(weights)
    if pot <= 0 or total <= 0:
        return [0] * len(weights)
    shares = [min(pot * w // total, U64_MAX) for w in weights]
    remainders = [pot * w % total for w in weights]
    leftover = pot - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: -remainders[i])
    for i in order[: max(min(leftover, len(weights)), 0)]:
        shares[i] += 1
    return shares


def _remove_network(state: State, netuid: int) -> None:
    """``remove_network``: the subnet, its UIDs and every per-subnet column are erased (the
    era's columns back to their defaults, but the registration counter), and its flow EMAs."""
    del state.subnets[netuid]
    cols = state.columns
    for name in ("exists", *INT_COLUMNS, *FLOAT_COLUMNS):
        getattr(cols, name)[netuid] = 0
    era = summer_columns(state)
    counter = era.get("registered_counter", netuid)
    era.reset(netuid)
    era.set("registered_counter", netuid, counter)
    registration_terms(state).burn_increase_mult.pop(netuid, None)
    flows.forget_subnet(state, netuid)  # the flow EMAs (taoflow), if any


def dissolve_network_by_root(
    state: State, rules: Rules, events: list[Event], coldkey: str, netuid: int
) -> None:
    """The ``dissolve_network`` extrinsic @ 14bc6f9 (root origin; the coldkey argument is
    ignored): :func:`dissolve_network`."""
    dissolve_network(state, rules, events, netuid)


def dissolve_network_launch(
    state: State, rules: Rules, events: list[Event], coldkey: str, netuid: int
) -> None:
    """The ``dissolve_network`` extrinsic @ 5073ade (:func:`dtao.extrinsics.dissolve_network`:
    the owner's lock returned, the pool left behind)."""
    X.dissolve_network(state, events, coldkey, netuid)


# -- start call ------------------------------------------------------------------------------


def start_call(state: State, rules: Rules, events: list[Event], coldkey: str, netuid: int) -> None:
    """``do_start_call`` (subnets/subnet.rs @ 14bc6f9): ``SubnetNotExists``, ``BadOrigin``
    unless ``coldkey`` owns the subnet, ``FirstEmissionBlockNumberAlreadySet``,
    ``NeedWaitingMoreBlocksToStarCall`` before registration + ``StartCallDelay``; then
    FirstEmissionBlockNumber = now + 1 and SubtokenEnabled."""
    subnet = state.subnets.get(netuid)
    if subnet is None:
        raise E.SubnetNotExists(f"subnet {netuid} does not exist")
    if subnet.owner_coldkey != coldkey:
        raise E.BadOrigin(f"{coldkey} does not own subnet {netuid}")
    era = summer_columns(state)
    if era.get("first_emission_block", netuid) >= 0:
        raise E.FirstEmissionBlockNumberAlreadySet(f"subnet {netuid} has started")
    ready = subnet.registered_at + state.params.start_call_delay
    if state.block < ready:
        raise E.NeedWaitingMoreBlocksToStarCall(f"start_call allowed from block {ready}")
    era.set("first_emission_block", netuid, state.block + 1)
    era.set("subtoken_enabled", netuid, 1)


def start_call_unavailable(
    state: State, rules: Rules, events: list[Event], coldkey: str, netuid: int
) -> None:
    """Eras before ``start_call`` (launch, 5073ade): every subnet emits at once; the call does
    not exist."""
    raise E.CallUnavailable("start_call does not exist in this era's runtime")


# -- neuron registration ---------------------------------------------------------------------


def neuron_to_prune(state: State, subnet: Subnet) -> int | None:
    """``get_neuron_to_prune`` @ 14bc6f9: skip the owner's immortal hotkeys (the owner hotkey,
    then the owner coldkey's earliest-registered hotkeys, ``ImmuneOwnerUidsLimit`` in all); among
    the rest the lowest last-epoch Emission, ties → earlier registration → lower UID, taken from
    the non-immune UIDs when more than ``MinNonImmuneUids`` of them exist, else from the immune
    ones; None when no UID is left."""
    neurons, params = subnet.neurons, state.params
    immortal = _immune_owner_hotkeys(state, subnet, params.immune_owner_uids_limit)
    best_free: tuple[int, int, int] | None = None
    best_immune: tuple[int, int, int] | None = None
    free = 0
    for uid, hotkey in enumerate(neurons.hotkeys):
        if hotkey in immortal:
            continue
        key = (int(neurons.emission[uid]), int(neurons.registered_at[uid]), uid)
        if state.block - int(neurons.registered_at[uid]) < subnet.immunity_period:
            best_immune = key if best_immune is None or key < best_immune else best_immune
        else:
            free += 1
            best_free = key if best_free is None or key < best_free else best_free
    if free > params.min_non_immune_uids and best_free is not None:
        return best_free[2]
    return None if best_immune is None else best_immune[2]


def _immune_owner_hotkeys(state: State, subnet: Subnet, limit: int) -> set[str]:
    """``get_immune_owner_hotkeys``: the owner coldkey's hotkeys holding a UID, earliest
    registration (then UID) first, cut to ``limit``, with the owner hotkey put first."""
    neurons = subnet.neurons
    owned = sorted(
        (int(neurons.registered_at[uid]), uid, hk)
        for uid, hk in enumerate(neurons.hotkeys)
        if state.hotkey_owner.get(hk) == subnet.owner_coldkey
    )
    chosen = [hk for _, _, hk in owned][:limit]
    owner_hk = subnet.owner_hotkey
    if owner_hk and neurons.uid_of(owner_hk) is not None and owner_hk not in chosen:
        chosen = [owner_hk, *chosen][:limit]
    return set(chosen)


def neuron_to_prune_launch(state: State, subnet: Subnet) -> int | None:
    """The launch rule (:func:`dtao.extrinsics.neuron_to_prune`, registration.rs @ 5073ade)."""
    return X.neuron_to_prune(subnet, state.block)


def burned_register(
    state: State, rules: Rules, events: list[Event], coldkey: str, hotkey: str, netuid: int
) -> int:
    """``burned_register`` = ``do_register`` (subnets/registration.rs @ 14bc6f9); the uid.

    Checks in the chain's order: ``RegistrationNotPermittedOnRootSubnet``, ``SubnetNotExists``,
    ``SubNetRegistrationDisabled``, ``HotKeyAlreadyRegisteredInSubNet``,
    ``NotEnoughBalanceToStake`` (balance < Burn), ``NonAssociatedColdKey``,
    ``NoNeuronIdAvailable`` (no UIDs, or full with none to prune), ``InsufficientBalance``,
    ``InsufficientLiquidity`` (the pool refuses the buy). No per-block or per-interval count
    limits. The burn moves to the subnet (the existential deposit stays), buys alpha that is
    destroyed (o −= bought), the UID is appended or replaces :func:`neuron_to_prune`, the burn
    is bumped (:func:`bump_burn`), RAORecycledForRegistration += Burn and SubnetTaoFlow += paid.
    The buy is fee-free here (the era's pool fee is not applied to registrations yet).
    """
    if netuid == ROOT:
        raise E.RegistrationNotPermittedOnRootSubnet("use root registration for netuid 0")
    subnet = state.subnets.get(netuid)
    if subnet is None:
        raise E.SubnetNotExists(f"subnet {netuid} does not exist")
    if not state.columns.registration_allowed[netuid]:
        raise E.SubNetRegistrationDisabled(f"registration is off on subnet {netuid}")
    if subnet.neurons.uid_of(hotkey) is not None:
        raise E.HotKeyAlreadyRegisteredInSubNet(f"{hotkey!r} is registered on subnet {netuid}")
    cost = subnet.burn
    if ledger.get_balance(state, coldkey) < cost:
        raise E.NotEnoughBalanceToStake(
            f"burn is {cost} rao, {coldkey} holds {ledger.get_balance(state, coldkey)}"
        )
    owner = state.hotkey_owner.get(hotkey, coldkey)
    if owner != coldkey:
        raise E.NonAssociatedColdKey(f"hotkey {hotkey!r} belongs to another coldkey")
    if subnet.max_uids == 0:
        raise E.NoNeuronIdAvailable(f"subnet {netuid} allows no UIDs")
    replace = None
    if subnet.neurons.n >= subnet.max_uids:
        replace = rules.registration.neuron_to_prune(state, subnet)
        if replace is None:
            raise E.NoNeuronIdAvailable(f"subnet {netuid} is full and nothing can be pruned")
    paid = ledger.withdrawable(state, coldkey, cost)
    if cost and not paid:  # transfer_tao_to_subnet
        raise E.InsufficientBalance(f"{coldkey} must keep the existential deposit")
    if paid and X.sim_buy(state, rules, netuid, paid) is None:
        raise E.InsufficientLiquidity(f"subnet {netuid} pool refuses a buy of {paid} rao")
    state.hotkey_owner.setdefault(hotkey, coldkey)
    ledger.decrease_balance(state, coldkey, paid)
    bought = (X.swap_tao_for_alpha(state, rules, netuid, paid) or 0) if paid else 0
    state.columns.add("alpha_out", netuid, -min(bought, state.columns.get("alpha_out", netuid)))
    uid, replaced = X.register_neuron(state, subnet, hotkey, replace)
    bump_burn(state, netuid)
    subnet.burn_registrations_this_interval += 1
    subnet.rao_recycled += cost
    era = summer_columns(state)
    era.set("tao_flow", netuid, era.get("tao_flow", netuid) + paid)
    events.append(Registered(netuid, coldkey, hotkey, paid, uid, replaced))
    return uid


# -- spec 475: the registration queue, escrow, exact seeding (dtao-current.md §8.2) ----------
# Sources: RaoFoundation/subtensor ``subnets/subnet.rs`` ``do_register_network`` /
# ``set_new_network_state`` and ``utils/tao.rs`` (escrow, id 71289367744); the queue's tests in
# ``tests/networks.rs`` @ 0249a4a4 (id 71315464685). dtao dissolves a subnet at once; its netuid
# stays in the cleanup queue (counted against the subnet limit, not reusable) until the next
# idle phase (:func:`on_idle_queue`), where the chain would run its phased cleanup.


def next_free_netuid(state: State) -> int:
    """``get_next_netuid``: the lowest netuid ≥ 1 neither added nor waiting for cleanup."""
    cleanup = set(queue_view(state).cleanup)
    netuid = 1
    while netuid in state.subnets or netuid in cleanup:
        netuid += 1
    return netuid


def set_new_network_state(
    state: State,
    rules: Rules,
    events: list[Event],
    coldkey: str,
    hotkey: str,
    mechanism: int,
    lock_amount: int,
    median_bits: int,
    lock_id: int | None,
) -> int:
    """``set_new_network_state`` (473): the subnet opened at :func:`next_free_netuid`; returns
    it. ``SubnetLimitReached`` when the added subnets fill the limit. ``lock_amount`` (rao) comes
    from the coldkey's free balance (``lock_id`` None: the existential deposit stays, and the
    whole cost must move, else ``CannotAffordLockCost``; LastLock and the lock block are set) or
    from the escrow ``lock_id`` (which must hold exactly that much). The pool holds exactly the
    TAO paid, x = ⌊paid / median⌋ alpha (U64F64 division, floored), o = 0; nothing is recycled;
    the owner hotkey is UID 0; the emission is off until root enables it."""
    limit = state.params.subnet_limit
    if limit is not None and len(state.subnets) >= limit:
        raise E.SubnetLimitReached(f"{len(state.subnets)} subnets added, the limit is {limit}")
    if median_bits <= 0:
        raise E.InvalidAmount(f"median price bits {median_bits}")
    queue = queue_view(state)
    if lock_id is None:
        if ledger.withdrawable(state, coldkey, lock_amount) != lock_amount:
            raise E.CannotAffordLockCost(f"{coldkey} cannot pay {lock_amount} rao")
    elif queue.escrow.get(lock_id, ("", -1))[1] != lock_amount:
        raise E.CannotAffordLockCost(f"escrow {lock_id} does not hold {lock_amount} rao")
    netuid = next_free_netuid(state)
    subnet = init_new_network_head(state, netuid, coldkey, hotkey)
    if lock_id is None:
        ledger.decrease_balance(state, coldkey, lock_amount)
        state.network_last_lock = lock_amount
        state.network_last_lock_block = state.block
    else:
        del registration_queue(state).escrow[lock_id]
    state.hotkey_owner.setdefault(hotkey, coldkey)
    cols, era = state.columns, summer_columns(state)
    cols.mechanism[netuid] = mechanism
    cols.tao_in[netuid] = lock_amount
    cols.alpha_in[netuid] = (lock_amount << FRAC64) // median_bits
    cols.alpha_out[netuid] = 0
    subnet.locked = lock_amount
    subnet.rao_recycled = 0
    era.set("registered_counter", netuid, era.get("registered_counter", netuid) + 1)
    era.set("emission_enabled", netuid, 0)
    X.add_total_stake(state, lock_amount)
    events.append(Registered(netuid, coldkey, hotkey, lock_amount))
    return netuid


def dissolve_network_queued(state: State, rules: Rules, events: list[Event], netuid: int) -> None:
    """``do_dissolve_network`` (475): the subnet leaves ``NetworksAdded`` (dtao pays it out at
    once, :func:`dissolve_network`) and its netuid joins the dissolve-cleanup queue."""
    dissolve_network(state, rules, events, netuid)
    registration_queue(state).cleanup.append(netuid)


def dissolve_network_by_root_queued(
    state: State, rules: Rules, events: list[Event], coldkey: str, netuid: int
) -> None:
    """The ``dissolve_network`` extrinsic (root origin; the coldkey is ignored) at 475."""
    dissolve_network_queued(state, rules, events, netuid)


def register_network_queued(
    state: State, rules: Rules, events: list[Event], coldkey: str, hotkey: str
) -> int | None:
    """``do_register_network`` at spec 475; returns the netuid, or None when the registration
    was queued (no netuid yet: the block's idle phase opens it).

    Checks in order: ``NonAssociatedColdKey``, ``SubNetRegistrationDisabled``,
    ``NetworkTxRateLimitExceeded``; when added subnets + the cleanup queue fill
    ``SubnetLimit`` the registration is queued: it waits for a cleanup when the cleanup queue
    is longer than the registration queue, else :func:`network_to_prune` picks a subnet
    (none → ``SubnetLimitReached``); then the cost is priced now and must be payable keeping the
    existential deposit (``CannotAffordLockCost``). Immediate path: :func:`set_new_network_state`
    at the current median. Queued path: the cost moves into a new escrow, the median is
    snapshotted, the hotkey is reserved for the payer, the entry is queued, LastLock and the lock
    block are set (rate limit and lock pricing consumed now), then the prune candidate is
    dissolved (:func:`dissolve_network_queued`)."""
    params = state.params
    owner = state.hotkey_owner.get(hotkey)
    if owner is not None and owner != coldkey:
        raise E.NonAssociatedColdKey(f"hotkey {hotkey!r} belongs to another coldkey")
    if state.block < params.network_registration_start_block:
        raise E.SubNetRegistrationDisabled(
            f"subnet registration opens at block {params.network_registration_start_block}"
        )
    last = state.network_last_lock_block
    if last and state.block - last < params.network_rate_limit:
        raise E.NetworkTxRateLimitExceeded(f"last subnet registered at block {last}")
    view = queue_view(state)
    prune = None
    queued = params.subnet_limit is not None and (
        len(state.subnets) + len(view.cleanup) >= params.subnet_limit
    )
    if queued and len(view.cleanup) <= len(view.entries):
        prune = network_to_prune(state)
        if prune is None:
            raise E.SubnetLimitReached(f"{len(state.subnets)} subnets, none can be pruned")
    cost = rules.registration.network_lock_cost(state)
    if ledger.withdrawable(state, coldkey, cost) < cost:
        raise E.CannotAffordLockCost(
            f"lock cost {cost} rao, {coldkey} holds {ledger.get_balance(state, coldkey)}"
        )
    median = median_subnet_alpha_price_bits(state)
    if not queued:
        return set_new_network_state(state, rules, events, coldkey, hotkey, 1, cost, median, None)
    queue = registration_queue(state)
    lock_id = queue.next_lock_id
    queue.next_lock_id += 1
    ledger.decrease_balance(state, coldkey, cost)
    queue.escrow[lock_id] = (coldkey, cost)
    queue.entries.append(QueuedRegistration(coldkey, hotkey, cost, median, lock_id))
    state.hotkey_owner.setdefault(hotkey, coldkey)
    state.network_last_lock = cost
    state.network_last_lock_block = state.block
    if prune is not None:
        dissolve_network_queued(state, rules, events, prune)
    return None


def process_registration_queue(state: State, rules: Rules, events: list[Event]) -> int | None:
    """``process_network_registration_queue``: while the cleanup queue is empty, settle the
    first entry (:func:`set_new_network_state` from its escrow, at its snapshotted cost and
    median; LastLock is not touched again) and drop it; a settlement that fails refunds the
    escrow to the payer (``NetworkRegistrationCancelled``). Returns the new netuid, else None."""
    view = queue_view(state)
    if view.cleanup or not view.entries:
        return None
    entry = view.entries[0]
    try:
        netuid: int | None = set_new_network_state(
            state,
            rules,
            events,
            entry.coldkey,
            entry.hotkey,
            1,
            entry.cost,
            entry.median_bits,
            entry.lock_id,
        )
    except E.ProtocolError:
        coldkey, amount = view.escrow.pop(entry.lock_id, (entry.coldkey, 0))
        ledger.increase_balance(state, coldkey, amount)
        netuid = None
    view.entries.pop(0)
    return netuid


def finish_cleanup(state: State) -> None:
    """The phased dissolve cleanup run to its end (dtao dissolved the data already)."""
    view = queue_view(state)
    if view.cleanup:
        view.cleanup.clear()


def on_idle_queue(state: State, rules: Rules) -> None:
    """``on_idle`` with weight to spare, after the block's extrinsics: the cleanup phases, then
    one registration-queue entry."""
    finish_cleanup(state)
    process_registration_queue(state, rules, [])
