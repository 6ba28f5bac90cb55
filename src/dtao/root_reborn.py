"""Root Reborn flows (dtao-current.md §5): root seats, basket deposits in place, redemption to
root stake, the per-block basket flush. The ``current`` preset's root policy.

Re-expressed from RaoFoundation/subtensor ``staking/claim_root.rs`` (id:68851360157),
``staking/basket_flush.rs`` (id:61908491633, the uncurated in-place flow), the realizable
valuation (id:68897403454) and ``coinbase/root.rs`` (id:61465281520). Storage:
:mod:`dtao.baskets`.

Units: rao / alpha-rao ints; ρ raw I96F32 bits; values are *realizable*: the TAO a fee-free
sale of the whole holding returns at current reserves (1:1 on root and stable subnets, 0 for a
pool too shallow to sell: "terminal"). Every product floors. Each entry point checks before it
writes, so a refused call leaves the state unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dtao import baskets as B
from dtao import errors as E
from dtao import exact_compiled, ledger
from dtao import extrinsics as X
from dtao import root_claim as rc
from dtao import staking_head as H
from dtao.baskets import ESCROW, ROOT
from dtao.fixed import FRAC32, FRAC64
from dtao.lifecycle import decay_factor_q32, mul_by_q32
from dtao.params import Params
from dtao.pools import balancer as bal
from dtao.receipts import BasketClaimDustSkipped, Event
from dtao.rules import Rules
from dtao.state import StakeTable, State
from dtao.summer import FAST_PRICE, SummerColumns, wide_value
from dtao.units import U64_MAX

BPS = 10_000
#: the root origin of sudo calls (as :mod:`dtao.claims`)
ROOT_ORIGIN = "root"


# -- valuation --------------------------------------------------------------------------------


def value_of(
    state: State, rules: Rules, netuid: int, alpha: int, kernel: Any = exact_compiled.FROM_ENV
) -> int:
    """val_i(a): rao a fee-free sale of ``alpha`` on ``netuid`` returns now (1:1 on root and
    stable subnets; 0 when the pool refuses: a terminal holding). With fast twins on, the
    era's balancer sells through :func:`dtao.pools.balancer.fee_free_swap_fast` where it
    answers (``kernel``: its compiled kernels, as the caller resolved them)."""
    if alpha <= 0:
        return 0
    if not X.is_dynamic(state, netuid):
        return alpha
    binding = rules.pool.bind
    if rules.fast and isinstance(binding, H.BalancerBinding):  # fast twin: the common sale
        y, x = X.reserves(state, netuid)
        weight = H.quote_weight(state, netuid)
        out = bal.fee_free_swap_fast(
            y, x, weight, alpha, binding.base.min_reserve, buy=False, kernel=kernel
        )
        if out is not None:
            return out
    try:
        sale = H.plan_swap(state, rules, netuid, alpha, buy=False, drop_fees=True)
    except E.ProtocolError:
        return 0
    return sale.amount_paid_out


def holdings(state: State, hotkey: str) -> dict[int, int]:
    """The fund's rows: netuid -> the escrow's stake on ``hotkey`` (cash slot = netuid 0)."""
    rows = {}
    stakes = state.stakes
    if isinstance(stakes, StakeTable):  # its hotkey index
        netuids = stakes.netuids_of(hotkey)
    else:  # a plain dict (a hand-built state)
        netuids = sorted(n for h, n in stakes if h == hotkey)
    for netuid in netuids:
        if ESCROW in stakes[(hotkey, netuid)].shares:
            amount = ledger.get_stake(state, ESCROW, hotkey, netuid)
            if amount:
                rows[netuid] = amount
    return rows


def nav(state: State, rules: Rules, hotkey: str) -> int:
    """N(V): the fund's realizable NAV, rao (Σ :func:`value_of` over its holdings)."""
    kernel = exact_compiled.kernels()  # once for every holding
    rows = holdings(state, hotkey)
    if rules.fast and kernel is not None:
        total = _nav_compiled(state, rules, kernel, rows)
        if total is not None:
            return total
    return sum(value_of(state, rules, i, a, kernel) for i, a in rows.items())


def _nav_compiled(state: State, rules: Rules, kernel: Any, rows: dict[int, int]) -> int | None:
    """:func:`nav`'s sum with the rows' reserves and weights gathered in one step and each
    dynamic holding's sale asked of the compiled swap directly (what :func:`value_of`'s fast
    twin asks first); a sale it does not answer is :func:`value_of`'s (the same number, by
    its longer way). None (the caller sums :func:`value_of`) for another era's pool or a row
    outside the columns."""
    cols, summer = state.columns, state.extensions.get(SummerColumns.name)
    binding = rules.pool.bind
    if (
        not rows
        or not isinstance(summer, SummerColumns)
        or not isinstance(binding, H.BalancerBinding)
    ):
        return None
    netuids = list(rows)
    alphas = list(rows.values())
    if max(netuids) >= min(cols.capacity, summer.capacity) or max(alphas) > U64_MAX:
        return None
    ix = np.array(netuids, dtype=np.int64)
    dynamic = ((cols.mechanism[ix] != 0) & (ix != ROOT)).tolist()
    ys, xs = cols.tao_in[ix], cols.alpha_in[ix]
    ext = summer.columns
    weights = np.where(
        ext["pool_initialized"][ix] != 0, ext["quote_weight"][ix], bal.DEFAULT_QUOTE_WEIGHT
    )
    if min(int(ys.min()), int(xs.min()), int(weights.min())) < 0:
        return None
    limit = bal.DEFAULT_LIMITS[False]  # a sale's default limit, as fee_free_swap_fast's
    high, low = limit >> 64, limit & U64_MAX
    min_reserve = binding.base.min_reserve
    sale = kernel.fee_free_swap
    total = 0
    for netuid, alpha, live, y, x, w in zip(
        netuids, alphas, dynamic, ys.tolist(), xs.tolist(), weights.tolist(), strict=True
    ):
        if not live:  # root's cash slot and stable subnets: 1:1
            total += alpha
            continue
        out = sale(y, x, w, alpha, min_reserve, False, high, low)
        total += out if type(out) is int else value_of(state, rules, netuid, alpha, kernel)
    return total


def claimant_base(state: State, hotkey: str) -> tuple[int, int]:
    """(R_V, R_E): the claimants' root stake on ``hotkey`` and the escrow's cash slot."""
    escrow = ledger.get_stake(state, ESCROW, hotkey, ROOT)
    return ledger.get_hotkey_stake(state, hotkey, ROOT) - escrow, escrow


def threshold(state: State) -> int:
    """``RootClaimableThreshold[ROOT]`` in rao (floored from its I96F32)."""
    ext = rc.peek(state)
    if ext is None:
        return state.params.root_claim_threshold
    return rc.threshold_bits(ext, state.params, ROOT) >> FRAC32


# -- deposits ---------------------------------------------------------------------------------


def _recycle(state: State, ext: B.Baskets, netuid: int, alpha: int) -> None:
    """Queued alpha recycled: it leaves SubnetAlphaOut (nothing where the subnet is gone)."""
    if netuid in state.subnets:
        cols = state.columns
        cols.add("alpha_out", netuid, -min(alpha, cols.get("alpha_out", netuid)))
    ext.recycled_alpha[netuid] = ext.recycled_alpha.get(netuid, 0) + alpha


def flush(state: State, rules: Rules, hotkey: str) -> int:
    """``flush_basket_deposits_for_hotkey`` (§5.4): deposit V's flushable credits in place as
    one batch; shares minted (0 when nothing was flushed or the batch rolled back)."""
    ext = B.peek(state)
    queue = ext.pending.get(hotkey) if ext is not None else None
    if not queue:
        return 0
    assert ext is not None
    if hotkey not in ext.seats:  # V left root: every queued credit is recycled
        for netuid, alpha in ext.pending.pop(hotkey).items():
            _recycle(state, ext, netuid, alpha)
        return 0
    floor = threshold(state)
    batch = {}
    for netuid, alpha in sorted(queue.items()):
        if netuid not in state.subnets:
            _recycle(state, ext, netuid, alpha)
            del queue[netuid]
        elif (H.current_price_bits(state, rules, netuid) * alpha) >> FRAC64 >= floor:
            batch[netuid] = alpha
    if not batch:
        if not queue:
            del ext.pending[hotkey]
        return 0
    nav0 = nav(state, rules, hotkey)
    added, kernel = 0, exact_compiled.kernels()
    for netuid, alpha in batch.items():
        held = ledger.get_stake(state, ESCROW, hotkey, netuid)
        before = value_of(state, rules, netuid, held, kernel)
        added += value_of(state, rules, netuid, held + alpha, kernel) - before
    base, escrow_root = claimant_base(state, hotkey)
    stakers_value = added * base // (base + escrow_root) if base + escrow_root else 0
    supply = ext.shares.get(hotkey, 0)
    minted = B.basket_share(stakers_value, nav0, supply)
    step = (minted << FRAC32) // base if base else 0
    for netuid in batch:
        del queue[netuid]
    if not queue:
        del ext.pending[hotkey]
    if base and (minted == 0 or step == 0):  # the batch rolls back: its credits are recycled
        for netuid, alpha in batch.items():
            _recycle(state, ext, netuid, alpha)
        return 0
    for netuid, alpha in batch.items():
        ledger.increase_stake(state, ESCROW, hotkey, netuid, alpha)
    if base:
        ext.shares[hotkey] = supply + minted
        ext.rate[hotkey] = ext.rate.get(hotkey, 0) + step
        return minted
    return 0


def block_step(state: State, rules: Rules, events: list[Event]) -> None:
    """Root Reborn's part of the block step, after the coinbase: the root burn decays, then
    one basket flush (§9.4 step 8; its exact place among steps 5-7 is uncertain, §13.8)."""
    decay_root_burn(state)
    flush_next_basket(state, rules)


def flush_next_basket(state: State, rules: Rules) -> None:
    """The block step's basket flush: one queued hotkey per block, round robin over the
    queued hotkeys in key order."""
    ext = B.peek(state)
    if ext is None or not ext.pending:
        return
    queued = sorted(ext.pending)
    hotkey = queued[ext.flush_cursor % len(queued)]
    ext.flush_cursor = (ext.flush_cursor + 1) % max(len(queued), 1)
    flush(state, rules, hotkey)


# -- redemption -------------------------------------------------------------------------------


def _sell(state: State, rules: Rules, hotkey: str, netuid: int, alpha: int) -> int:
    """Sell ``alpha`` of the escrow's row fee-free (what the share pool's dust rule removes
    with it included); the rao out. An unexecuted rest of the sale stays in the row."""
    removed = ledger.decrease_stake(state, ESCROW, hotkey, netuid, alpha)
    sale = H.plan_swap(state, rules, netuid, removed, buy=False, drop_fees=True)
    H.write_sell(state, netuid, sale)
    ledger.increase_stake(state, ESCROW, hotkey, netuid, removed - sale.amount_paid_in)
    return sale.amount_paid_out


def _to_root(state: State, coldkey: str, hotkey: str, tao: int) -> None:
    """New TAO (a sale's proceeds, already out of its pool) staked on root for ``coldkey``."""
    ledger.increase_stake(state, coldkey, hotkey, ROOT, tao)
    state.root_tao += tao
    X.add_total_stake(state, tao)


def consolidate_dust(state: State, rules: Rules, hotkey: str) -> None:
    """§5.6 step 2: every subnet row worth less than the threshold is sold fee-free into the
    cash slot; a terminal row (worth 0) is written off (its alpha recycled)."""
    floor = threshold(state)
    ext = B.baskets(state)
    for netuid, alpha in holdings(state, hotkey).items():
        worth = value_of(state, rules, netuid, alpha)
        if netuid == ROOT or worth >= floor:
            continue
        if worth == 0 and X.is_dynamic(state, netuid):
            ledger.decrease_stake(state, ESCROW, hotkey, netuid, alpha)
            _recycle(state, ext, netuid, alpha)
        elif worth < floor:
            _to_root(state, ESCROW, hotkey, _sell(state, rules, hotkey, netuid, alpha))


def anchored_value(state: State, netuid: int, alpha: int, value: int) -> int:
    """§5.6 step 3: a row's anchored value min(val, a · ``SubnetFastMovingPrice``) in rao (the
    product floored); the cash slot and a subnet whose fast EMA is not seeded keep ``value``
    (the chain's slow-EMA guard for an unseeded fast EMA is not modelled)."""
    fast = wide_value(state, FAST_PRICE, netuid) if netuid != ROOT else None
    return value if fast is None else min(value, (alpha * fast) >> FRAC64)


def row_dust_floor(params: Params, nav: int) -> int:
    """``basket_claim_row_dust_floor``: min(row cap, bps of the anchored NAV), rao."""
    return min(params.basket_row_dust_cap, nav * params.basket_row_dust_bps // BPS)


def _row_dust(params: Params, anchored: int, nav_anchored: int, owed: int, supply: int) -> bool:
    """§5.6 step 4: whether a subnet row is skipped as dust (forfeit cap 0: never)."""
    if params.basket_forfeit_cap == 0:
        return False
    claimant_slice = owed * anchored // supply
    if claimant_slice > params.basket_forfeit_cap:
        return False
    return (
        anchored < row_dust_floor(params, nav_anchored) or claimant_slice < params.basket_slice_dust
    )


def claim_with_hotkey(
    state: State,
    rules: Rules,
    events: list[Event],
    coldkey: str,
    hotkey: str,
    ignore_threshold: bool = False,
) -> int:
    """``claim_root_with_hotkey`` (§5.6): redeem ``coldkey``'s owed shares of V's fund into
    root stake on V; rao staked (0: a no-op). No fee here (the record charges it)."""
    ext = B.baskets(state)
    flush(state, rules, hotkey)
    supply = ext.shares.get(hotkey, 0)
    rate = ext.rate.get(hotkey, 0)
    root_stake = ledger.get_stake(state, coldkey, hotkey, ROOT)
    owed = min(B.owed_shares(rate, root_stake, ext.claimed.get((hotkey, coldkey), 0)), supply)
    if owed == 0 or supply == 0:
        return 0
    consolidate_dust(state, rules, hotkey)
    params = state.params
    rows = holdings(state, hotkey)
    values = {i: value_of(state, rules, i, a) for i, a in rows.items()}
    terminal = any(v == 0 and i != ROOT for i, v in values.items())
    anchored = {i: anchored_value(state, i, a, values[i]) for i, a in rows.items()}
    nav_anchored = sum(anchored.values())
    skipped = set()
    if owed < supply:
        for i in rows:
            if (
                i != ROOT
                and values[i]
                and _row_dust(params, anchored[i], nav_anchored, owed, supply)
            ):
                skipped.add(i)
    if skipped:
        events.append(BasketClaimDustSkipped(hotkey, coldkey, len(skipped)))
    estimate = owed * sum(v for i, v in values.items() if i not in skipped) // supply
    if estimate == 0 or (estimate < threshold(state) and not terminal and not ignore_threshold):
        return 0
    total = kept = 0
    for i, alpha in rows.items():
        if i in skipped:
            continue
        entitlement = owed * values[i] // supply
        take = alpha * owed // supply
        if take == 0 and entitlement > 0 and i != ROOT:
            take = 1
        if take == 0:
            continue
        if i == ROOT:  # the share pool's dust rule may take a little more than ``take``
            removed = ledger.decrease_stake(state, ESCROW, hotkey, ROOT, take)
            paid = removed if owed == supply else min(removed, take)
            ledger.increase_stake(state, coldkey, hotkey, ROOT, paid)
            total += paid
            kept += removed - paid
        elif values[i] == 0:
            _recycle(state, ext, i, ledger.decrease_stake(state, ESCROW, hotkey, i, take))
        else:
            proceeds = _sell(state, rules, hotkey, i, take)
            rc.root_claims(state).root_sell_tao[i] = (
                rc.root_claims(state).root_sell_tao.get(i, 0) + proceeds
            )
            paid = proceeds if owed == supply else min(proceeds, entitlement)
            _to_root(state, coldkey, hotkey, paid)
            total += paid
            kept += proceeds - paid
    if kept:
        _to_root(state, ESCROW, hotkey, kept)
    key = (hotkey, coldkey)
    ext.claimed[key] = ext.claimed.get(key, 0) + B.rebase(rate, total) + owed
    ext.shares[hotkey] = supply - owed
    ext.last_root_stake_block[(coldkey, hotkey)] = state.block
    ext.redeemed_tao[hotkey] = ext.redeemed_tao.get(hotkey, 0) + total
    return total


def stake_into_basket(
    state: State, rules: Rules, events: list[Event], coldkey: str, hotkey: str, tao: int
) -> int:
    """``do_stake_into_basket`` (§5.5): buy into V's fund with ``tao`` rao split over its rows
    in proportion to their realizable values (an empty fund: the cash slot at par; the last
    row takes the remainder), each slice bought with the swap fee; the shares (granted through
    the watermark, κ −= shares; ρ unchanged). ``AmountTooLow`` below the min stake or for a
    slice that buys nothing, ``NotEnoughBalanceToStake`` without the TAO."""
    if tao < state.params.min_stake:
        raise E.AmountTooLow(f"{tao} rao is below the min stake")
    if ledger.get_balance(state, coldkey) < tao:
        raise E.NotEnoughBalanceToStake(f"{coldkey!r} cannot pay {tao} rao")
    flush(state, rules, hotkey)
    ext = B.baskets(state)
    rows = holdings(state, hotkey)
    values = {i: v for i, a in rows.items() if (v := value_of(state, rules, i, a))}
    nav0 = sum(values.values())
    slices = {ROOT: tao} if not values else {i: tao * v // nav0 for i, v in values.items()}
    last = max(slices)
    slices[last] += tao - sum(slices.values())
    deposit = state.params.existential_deposit
    plans = []
    for i, amount in slices.items():
        if amount == 0:
            raise E.AmountTooLow(f"a zero slice on subnet {i}")
        plans.append(
            H.plan_stake(
                state, rules, hotkey, ESCROW, i, amount, None, False, balance=amount + deposit
            )
        )
    ledger.decrease_balance(state, coldkey, tao)
    ledger.increase_balance(state, ESCROW, tao)
    held_before = dict(rows)
    for plan in plans:
        H.commit_stake(state, events, plan)
    added = sum(
        value_of(state, rules, i, ledger.get_stake(state, ESCROW, hotkey, i))
        - value_of(state, rules, i, held_before.get(i, 0))
        for i in slices
    )
    supply = ext.shares.get(hotkey, 0)
    minted = B.basket_share(added, nav0, supply)
    for i, held in held_before.items():
        if i in slices and held:
            grown = ledger.get_stake(state, ESCROW, hotkey, i) - held
            minted = min(minted, grown * supply // held)
    key = (hotkey, coldkey)
    ext.claimed[key] = ext.claimed.get(key, 0) - minted
    ext.shares[hotkey] = supply + minted
    return minted


def root_relevant_hotkeys(state: State, coldkey: str) -> list[str]:
    """The hotkeys ``claim_root`` walks: root stake of ``coldkey`` on them, or κ < 0."""
    found = {h for (h, n), pool in state.stakes.items() if n == ROOT and coldkey in pool.shares}
    ext = B.peek(state)
    if ext is not None:
        found |= {h for (h, c), k in ext.claimed.items() if c == coldkey and k < 0}
    return sorted(found)


def claim_fee(state: State, coldkey: str) -> None:
    """The claim's weight fee (``basket_claim_fee`` rao, on top of the flat ``tx_fee_rao``
    that :mod:`dtao.tx_fees` charges every signed record), recycled: it leaves issuance."""
    fee = state.params.basket_claim_fee
    if fee and ledger.withdrawable(state, coldkey, fee) < fee:  # keeping the ED, as tx_fees
        raise E.InsufficientBalance(f"{coldkey!r} cannot pay the claim fee of {fee} rao")
    ledger.decrease_balance(state, coldkey, fee)
    state.total_issuance -= fee
    B.baskets(state).recycled_tao += fee


def claim_root_with_hotkey(
    state: State, rules: Rules, events: list[Event], coldkey: str, hotkey: str
) -> int:
    """The ``claim_root_with_hotkey`` record: the fee, then the claim."""
    if not B.on_root(state, hotkey) and hotkey not in state.hotkey_owner:
        raise E.HotKeyAccountNotExists(f"hotkey {hotkey!r} does not exist")
    claim_fee(state, coldkey)
    return claim_with_hotkey(state, rules, events, coldkey, hotkey)


def claim_root(state: State, rules: Rules, events: list[Event], coldkey: str) -> int:
    """The ``claim_root`` record (its subnets are ignored): the fee, then a claim on every
    root-relevant hotkey of ``coldkey``; rao staked in total."""
    claim_fee(state, coldkey)
    return sum(
        claim_with_hotkey(state, rules, events, coldkey, h)
        for h in root_relevant_hotkeys(state, coldkey)
    )


def sudo_set_root_claim_threshold(state: State, origin: str, netuid: int, value: int) -> None:
    """``sudo_set_root_claim_threshold`` (spec 475): claims and the deposit gate read only the
    ROOT entry, so only root may set it and only on netuid 0 (``BadOrigin``,
    ``InvalidRootClaimThreshold``), at most ``root_claim_threshold_max``; stored as I96F32."""
    if origin != ROOT_ORIGIN:
        raise E.BadOrigin(f"{origin!r} is not root")
    if netuid != ROOT or value > state.params.root_claim_threshold_max:
        raise E.InvalidRootClaimThreshold(f"netuid {netuid}, value {value}")
    rc.root_claims(state).threshold[ROOT] = value << FRAC32


# -- root seats -------------------------------------------------------------------------------


def root_burn(state: State) -> int:
    """Burn[ROOT] now, rao."""
    ext = B.peek(state)
    burn = ext.burn if ext is not None else None
    return state.params.root_burn_floor if burn is None else burn


def decay_root_burn(state: State) -> None:
    """Each block: Burn[ROOT] ← max(⌊burn·2^(−1/half-life)⌋, floor) (as the neuron burn)."""
    ext = B.peek(state)
    if ext is None or ext.burn is None:
        return
    half_life = state.params.root_burn_half_life
    if half_life:
        ext.burn = max(
            mul_by_q32(ext.burn, decay_factor_q32(half_life)), state.params.root_burn_floor
        )


def is_immune(state: State, hotkey: str) -> bool:
    """Whether ``hotkey``'s root seat is inside its immunity period."""
    ext = B.peek(state)
    seat = ext.seats.get(hotkey) if ext is not None else None
    return seat is not None and state.block - seat[1] < state.params.root_seat_immunity


def seat_to_replace(state: State) -> str | None:
    """The lowest-staked non-immune seat (ties: the higher UID, as the chain's scan), or None."""
    ext = B.baskets(state)
    candidates = [
        (ledger.get_hotkey_stake(state, h, ROOT), -uid, h)
        for h, (uid, _) in ext.seats.items()
        if not is_immune(state, h)
    ]
    return min(candidates)[2] if candidates else None


def root_register(
    state: State, rules: Rules, events: list[Event], coldkey: str, hotkey: str
) -> int:
    """``root_register`` (burn-based, §5.8): take a root seat for ``hotkey``; its UID.

    Checks, in order: the hotkey is not seated (``HotKeyAlreadyRegisteredInSubNet``), it is
    unowned or owned by ``coldkey`` (``NonAssociatedColdKey``), the per-block limit
    (``TooManyRegistrationsThisBlock``), the burn (``NotEnoughBalanceToStake``), a free or
    replaceable seat (``NoNeuronIdAvailable``). Then the burn is recycled, the burn price ×
    ``root_burn_increase_mult``, the seat immune from now, the hotkey a delegate."""
    ext = B.baskets(state)
    if hotkey in ext.seats:
        raise E.HotKeyAlreadyRegisteredInSubNet(f"{hotkey!r} already has a root seat")
    owner = state.hotkey_owner.get(hotkey)
    if owner is not None and owner != coldkey:
        raise E.NonAssociatedColdKey(f"{hotkey!r} is owned by {owner!r}")
    this_block = ext.registrations_this_block if ext.registered_block == state.block else 0
    if this_block >= state.params.root_registrations_per_block:
        raise E.TooManyRegistrationsThisBlock(f"{this_block} root registrations this block")
    burn = root_burn(state)
    if ledger.get_balance(state, coldkey) < burn:
        raise E.NotEnoughBalanceToStake(f"root burn {burn} rao")
    replaced = None
    if len(ext.seats) >= state.params.root_seats:
        replaced = seat_to_replace(state)
        if replaced is None:
            raise E.NoNeuronIdAvailable("every root seat is immune")
    ledger.decrease_balance(state, coldkey, burn)
    state.total_issuance -= burn
    ext.recycled_tao += burn
    if replaced is not None:
        uid = ext.seats.pop(replaced)[0]
    else:
        uid = len(ext.seats)
    ext.seats[hotkey] = (uid, state.block)
    ext.registered_block = state.block
    ext.registrations_this_block = this_block + 1
    mult = int(state.params.root_burn_increase_mult * (1 << FRAC64))  # U64F64 from f64
    ext.burn = max((burn * mult) >> FRAC64, state.params.root_burn_floor)
    state.hotkey_owner.setdefault(hotkey, coldkey)
    state.takes.setdefault(hotkey, state.params.default_take_u16)
    return uid
