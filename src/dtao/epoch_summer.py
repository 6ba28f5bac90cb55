"""A subnet's epoch in the summer-2026 era (the 14bc6f9 runtime; dtao-economics.md §5b, §10,
§14a step 8): the stateful scheduler, the drain of the four pots and the payout.

Re-expressed from opentensor/subtensor ``coinbase/run_coinbase.rs`` @ 14bc6f9:
``drain_pending`` / ``should_run_epoch`` (scheduler), ``distribute_emission``,
``calculate_dividend_distribution`` (:func:`dtao.distribution.dividend_distribution_bits`),
``get_owner_hotkeys`` and ``distribute_dividends_and_incentives``.

Scheduler, per block, for every subnet in netuid order: BlocksSinceLastStep += 1; the epoch is
due when tempo > 0 and (PendingEpochAt ∈ (0, b], or BlocksSinceLastStep > MAX_TEMPO, or
b − LastEpochBlock ≥ tempo); under ``cap_blocks_since_last_step`` (current) the counter
saturates at tempo + 1; at most ``max_epochs_per_block`` run, later due subnets are
deferred (PendingEpochAt = b + 1). A subnet that runs gets BlocksSinceLastStep = 0,
LastEpochBlock = b, PendingEpochAt = 0; one whose epoch input is inconsistent (a hotkey on two
UIDs, :func:`epoch_input_consistent`) gets only the last two, and nothing is drained.

Payout of pots (server s, validator v, root r, owner cut c), Yuma on s + v + r:

* owner cut → alpha stake of (owner hotkey, owner coldkey) when the subnet has both;
* incentive → alpha stake of each miner hotkey's owner, except hotkeys of the owner coldkey
  (and the owner hotkey) with a UID: burned (kept in o as ``alpha_burned``); MinerBurned =
  withheld / total incentive (U96F32);
* dividends split by each hotkey's own stake mix and rescaled to the pots (v, or v + s when
  Σ incentive = 0; r); the take (Delegates/65 535, U96F32) of each part → the owner's alpha
  stake; the alpha rest → the hotkey's pool for all holders; the root rest → accrued for root
  claims (:func:`dtao.root_claim.increase_root_claimable`). Each part is floored on credit.

Stake weight in Yuma: inherited alpha + tw·inherited root stake (:mod:`dtao.childkeys`, §11);
the dividend of each UID is shared with its parents by the era's childkey split before the
stake-mix split (§5d). Under ``memberless_dividends_to_owner`` (current) the alpha rest of a
hotkey whose pool has no members is staked to the hotkey's owner instead.
Alpha a payout does not credit (flooring dust, an owner cut without an owner, the server pot's
rest when Yuma pays miners less than it) stays in o unheld: ``alpha_unbacked``, derived from
those causes (:mod:`dtao.invariants`); miners paid more than the server pot make it negative.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from itertools import repeat
from typing import NamedTuple

import numpy as np

from dtao import childkeys, exact_compiled, ledger, stake_index, yuma
from dtao.distribution import dividend_distribution_bits, tao_weight_bits
from dtao.epoch import _store_outputs, stake_bits_i64f64, stake_weights
from dtao.epoch_null import NULL, epoch_consensus, null_epoch, recycle_unearned_root
from dtao.errors import InvariantViolation
from dtao.fixed import U96F32
from dtao.receipts import EpochPayouts
from dtao.root_claim import increase_root_claimable
from dtao.rules import RootDividendRoute, Rules
from dtao.state import State, Subnet
from dtao.summer import summer_columns
from dtao.units import U16_MAX

ROOT = 0
_POTS = ("pending_server", "pending_validator", "pending_root_alpha")
_NO_OWNER = object()  # a hotkey without an owner (equals no coldkey)


def should_run_epoch(state: State, netuid: int) -> bool:
    """``should_run_epoch`` @ 14bc6f9 at the current block."""
    tempo = state.columns.get("tempo", netuid)
    if tempo == 0:
        return False
    ext = summer_columns(state)
    pending = ext.get("pending_epoch_at", netuid)
    if 0 < pending <= state.block:
        return True
    if ext.get("blocks_since_last_step", netuid) > state.params.max_tempo:
        return True
    return state.block - ext.get("last_epoch_block", netuid) >= tempo


def epoch_input_consistent(state: State, netuid: int) -> bool:
    """``is_epoch_input_state_consistent``: no hotkey holds two UIDs (always true of a state
    the operations build; a direct ``Keys`` write in a test can break it)."""
    hotkeys = state.subnets[netuid].neurons.hotkeys
    return len(set(hotkeys)) == len(hotkeys)


def due_epochs_stateful(state: State, subnets: int) -> list[int]:
    """The scheduler part of ``drain_pending``: advance every subnet's counters and return the
    netuids whose epoch runs this block (ascending, at most ``max_epochs_per_block``)."""
    ext = summer_columns(state)
    block, cap = state.block, state.params.max_epochs_per_block
    due: list[int] = []
    for netuid in state.netuids:
        count = ext.get("blocks_since_last_step", netuid) + 1
        if state.params.cap_blocks_since_last_step:  # saturates at tempo + 1 (current)
            count = min(count, state.columns.get("tempo", netuid) + 1)
        ext.set("blocks_since_last_step", netuid, count)
        if not should_run_epoch(state, netuid):
            continue
        if len(due) >= cap:
            ext.set("pending_epoch_at", netuid, block + 1)
            continue
        if not epoch_input_consistent(state, netuid):  # the slot is consumed, nothing drained
            ext.set("last_epoch_block", netuid, block)
            ext.set("pending_epoch_at", netuid, 0)
            continue
        ext.set("blocks_since_last_step", netuid, 0)
        due.append(netuid)
        ext.set("last_epoch_block", netuid, block)
        ext.set("pending_epoch_at", netuid, 0)
    return due


def run_epoch_summer(state: State, rules: Rules, netuid: int) -> EpochPayouts:
    """Drain the four pots of ``netuid`` and pay them out (:func:`distribute_emission`)."""
    ext = summer_columns(state)
    server, validator, root = (ext.get(pot, netuid) for pot in _POTS)
    for pot in _POTS:
        ext.set(pot, netuid, 0)
    owner_cut = state.columns.get("pending_owner_cut", netuid)
    state.columns.pending_owner_cut[netuid] = 0
    return distribute_emission(state, rules, netuid, server, validator, root, owner_cut)


def run_yuma(state: State, rules: Rules, netuid: int, total: int) -> yuma.YumaResult:
    """Yuma on ``total`` alpha-rao over the subnet's UIDs (stake α + tw·τ), outputs stored."""
    params = state.params
    subnet = state.subnets[netuid]
    neurons = subnet.neurons
    n = neurons.n
    pools = stake_index.subnet_pools(state, subnet) if rules.fast else None  # kept references
    alpha_stake, root_stake, stake = (
        stake_weights(state, subnet) if pools is None else stake_index.stake_weights(state, pools)
    )
    borrowed = childkeys.inherited_stake(state, netuid, neurons.hotkeys)
    if borrowed is not None:  # parents and children weigh what they lend (§11)
        alpha_stake, root_stake = (np.array(v, dtype=np.int64) for v in borrowed)
        stake = alpha_stake + params.tao_weight * root_stake
    tempo = state.columns.get("tempo", netuid)
    last_tempo = (
        subnet.last_epoch_block + 1 if subnet.last_epoch_block else max(state.block - tempo, 0)
    )
    inputs = yuma.YumaInputs(
        current_block=state.block,
        last_tempo=last_tempo,
        stake=stake,
        last_update=neurons.last_update[:n],
        block_at_registration=neurons.registered_at[:n],
        validator_permit=neurons.validator_permit[:n],
        owner_uid=neurons.uid_of(subnet.owner_hotkey),
        weights=neurons.weights[:n, :n],
        bonds=neurons.bonds[:n, :n],
        weights_present=neurons.weights_present[:n, :n],
    )
    if rules.yuma.backend == "exact":
        inputs.stake_bits = stake_bits_i64f64(alpha_stake, root_stake, params.tao_weight_u64)
    result = yuma.epoch(inputs, rules.yuma.params_for(params, subnet), total, rules.yuma.backend)
    _store_outputs(subnet, result)
    subnet.last_epoch_block = state.block  # LastMechansimStepBlock
    return result


def distribute_emission(
    state: State,
    rules: Rules,
    netuid: int,
    server: int,
    validator: int,
    root: int,
    owner_cut: int,
) -> EpochPayouts:
    """``distribute_emission``: Yuma (or the subnet's Null consensus, :mod:`dtao.epoch_null`) on
    server + validator + root, each dividend shared with the hotkey's parents
    (``rules.childkey_split``, the CKBurn part recycled out of o), then the payout."""
    subnet = state.subnets[netuid]
    recycled = 0
    if subnet.neurons.n and epoch_consensus(state, netuid) == NULL:  # SubnetEpochConsensus
        terms = null_epoch(state, netuid, server + validator)
        recycled = recycle_unearned_root(state, netuid, root, terms)
        incentive_arr, dividend_arr = terms.server_emission, terms.validator_emission
    elif subnet.neurons.n:
        result = run_yuma(state, rules, netuid, server + validator + root)
        incentive_arr, dividend_arr = result.server_emission, result.validator_emission
    else:
        incentive_arr = dividend_arr = np.zeros(0, dtype=np.int64)
        subnet.last_epoch_block = state.block  # the slot ran (pending children apply)
    hotkeys = subnet.neurons.hotkeys
    # int64 rao (Yuma's and the null consensus's): tolist() gives Python ints
    incentives = dict(
        zip(hotkeys, incentive_arr.astype(np.int64, copy=False).tolist(), strict=True)
    )
    dividends = dict(zip(hotkeys, dividend_arr.astype(np.int64, copy=False).tolist(), strict=True))
    if childkeys.linked(state, netuid) and rules.childkey_split is not None:
        shared, amounts, burned, _ = childkeys.distribute_dividends(
            state, rules.childkey_split, netuid, hotkeys, dividend_arr.tolist()
        )
        dividends = {h: 0 for h in hotkeys} | dict(zip(shared, amounts, strict=True))
        recycled += childkeys.recycle_ck_burn(state, netuid, burned)
    payouts = pay_epoch(
        state,
        netuid,
        server,
        validator,
        root,
        owner_cut,
        incentives,
        dividends,
        rules.root_route,
        fast=rules.fast,
    )
    state.columns.alpha_unbacked[netuid] -= recycled  # o fell by it; the pots were paid whole
    return payouts


def pay_epoch(
    state: State,
    netuid: int,
    server: int,
    validator: int,
    root: int,
    owner_cut: int,
    incentives: dict[str, int],
    dividends: dict[str, int],
    route: RootDividendRoute | None = None,
    fast: bool = False,
) -> EpochPayouts:
    """The payout of an epoch whose Yuma gave ``incentives`` and ``dividends`` (alpha-rao per
    hotkey): the validator pot is v (v + s when Σ incentive = 0), the dividends are split by
    stake mix and rescaled to it and to r (``calculate_dividend_distribution``), then
    credited (:func:`distribute_dividends_and_incentives`). ``route``: the era's root
    dividend route (Root Reborn), else root claims. ``fast``: the same numbers in fewer steps
    (integer dividends, whose U96F32 bits are the ``Fraction`` path's; the stakes of non-zero
    dividends only, read through the subnet's kept pool references; the payout's twins)."""
    validator_pot = validator if sum(incentives.values()) else validator + server
    if fast:  # a zero dividend's stakes are not read (dividend_distribution_bits, fast)
        stakes = _dividend_stakes(state, netuid, dividends)
    else:
        stakes = {
            h: (ledger.get_hotkey_stake(state, h, netuid), ledger.get_hotkey_stake(state, h, ROOT))
            for h in dividends
        }
    alpha_bits, root_bits = dividend_distribution_bits(
        validator_pot,
        root,
        tao_weight_bits(state.params.tao_weight_u64),
        stakes,
        dividends if fast else {h: Fraction(d) for h, d in dividends.items()},
        None if route is None else lambda h: route.eligible(state, h),
        fast=fast,
    )
    return distribute_dividends_and_incentives(
        state,
        netuid,
        owner_cut,
        incentives,
        alpha_bits,
        root_bits,
        drained=server + validator + root,
        miner_pot=server,
        credit_root=increase_root_claimable if route is None else route.credit,
        fast=fast,
    )


def _dividend_stakes(
    state: State, netuid: int, dividends: dict[str, int]
) -> dict[str, tuple[int, int]]:
    """(alpha stake on ``netuid``, root stake) of every hotkey with a non-zero dividend, read
    through the subnet's kept pool references (:mod:`dtao.stake_index`; a hotkey without a
    UID there, such as a childkey parent, is looked up); (0, 0) for a zero dividend."""
    stakes = dict.fromkeys(dividends, (0, 0))
    pools = stake_index.subnet_pools(state, state.subnets[netuid])
    alpha = {} if pools is None else pools.alpha_by_hotkey
    root = {} if pools is None else pools.root_by_hotkey
    get = ledger.get_hotkey_stake
    for hotkey, dividend in dividends.items():
        if dividend:
            pool, root_pool = alpha.get(hotkey), root.get(hotkey)
            stakes[hotkey] = (
                get(state, hotkey, netuid) if pool is None else pool.value,
                get(state, hotkey, ROOT) if root_pool is None else root_pool.value,
            )
    return stakes


def owner_hotkeys(state: State, netuid: int) -> list[str]:
    """``get_owner_hotkeys``: hotkeys of the subnet owner's coldkey with a UID, latest
    registration first (then lower UID), the owner hotkey first when it has a UID."""
    subnet = state.subnets[netuid]
    neurons = subnet.neurons
    owned = [h for h, c in state.hotkey_owner.items() if c == subnet.owner_coldkey]
    triples = []
    for hotkey in owned:
        uid = neurons.uid_of(hotkey)
        if uid is not None:
            triples.append((-int(neurons.registered_at[uid]), uid, hotkey))
    return _owner_first(subnet, [h for _, _, h in sorted(triples)])


def owner_hotkeys_by_uid(state: State, netuid: int) -> list[str]:
    """:func:`owner_hotkeys` read from the subnet's UIDs (each hotkey at its first UID, as
    ``uid_of`` finds it) instead of from every hotkey's owner: the same hotkeys in the same
    order, in O(n) rather than O(all hotkeys)."""
    subnet = state.subnets[netuid]
    neurons = subnet.neurons
    coldkey, get = subnet.owner_coldkey, state.hotkey_owner.get
    hotkeys = neurons.hotkeys
    first: dict[str, int] = {}
    owners = map(get, hotkeys, repeat(_NO_OWNER))  # one lookup per UID, in C
    for uid in [uid for uid, owner in enumerate(owners) if owner == coldkey]:
        first.setdefault(hotkeys[uid], uid)
    triples = [(-int(neurons.registered_at[uid]), uid, h) for h, uid in first.items()]
    return _owner_first(subnet, [h for _, _, h in sorted(triples)])


def _owner_first(subnet: Subnet, ordered: list[str]) -> list[str]:
    """``ordered`` with the owner hotkey put first when it has a UID and is not in it."""
    neurons = subnet.neurons
    owner = subnet.owner_hotkey
    if owner and neurons.uid_of(owner) is not None and owner not in ordered:
        ordered.insert(0, owner)
    return ordered


def distribute_dividends_and_incentives(
    state: State,
    netuid: int,
    owner_cut: int,
    incentives: dict[str, int],
    alpha_dividends: dict[str, int],
    root_alpha_dividends: dict[str, int],
    drained: int | None = None,
    miner_pot: int | None = None,
    credit_root: Callable[[State, str, int, int], None] = increase_root_claimable,
    fast: bool = False,
) -> EpochPayouts:
    """``distribute_dividends_and_incentives``: credit the owner cut, the incentives and the
    two dividend parts (U96F32 bits per hotkey), floored; record the payouts. ``drained``:
    alpha the caller took from the pots for ``incentives`` and the dividends (default: their
    floored sum), so what is not credited is accounted as unheld alpha.

    ``miner_pot``: the server pot. Miners are paid Yuma's share of the whole epoch total while
    validators are paid their pots, so the miners may receive up to Σ incentive − server more
    than their pot (the chain then credits alpha beyond o: ``alpha_unbacked`` goes negative by
    that much); anything beyond it is an ``InvariantViolation``. ``fast``: the owner's hotkeys
    from the UIDs (:func:`owner_hotkeys_by_uid`) and the credits batched (:func:`_pay_fast`;
    else one by one, :func:`_pay_reference`)."""
    subnet = state.subnets[netuid]
    ext = summer_columns(state)
    owner_paid = owner_cut if subnet.owner_hotkey and subnet.owner_coldkey else 0
    ledger.increase_stake(state, subnet.owner_coldkey, subnet.owner_hotkey, netuid, owner_paid)

    withheld_from = (owner_hotkeys_by_uid if fast else owner_hotkeys)(state, netuid)
    validators = sorted(set(alpha_dividends) | set(root_alpha_dividends))
    pay = _pay_fast if fast else _pay_reference
    payout = _Payout(
        netuid,
        incentives,
        alpha_dividends,
        root_alpha_dividends,
        validators,
        withheld_from,
        credit_root,
    )
    total, withheld, miners, paid_incentive, splits = pay(state, payout)
    alpha_take, alpha_rest, root_take, root_rest = splits
    burned = U96F32.checked_div(U96F32.from_int(withheld), U96F32.from_int(total)) or 0
    ext.set("miner_burned_bits", netuid, burned)
    ext.set("alpha_burned", netuid, ext.get("alpha_burned", netuid) + withheld)

    # what the pots held but nobody was credited: an unpaid owner cut and the flooring dust of
    # the dividend shares, re-derived from those causes
    if drained is None:
        drained = total + sum(
            U96F32.saturating_to_uint(v)
            for v in (*alpha_dividends.values(), *root_alpha_dividends.values())
        )
    credited = total + sum(alpha_take + alpha_rest + root_take + root_rest)  # burned included
    unheld = drained + owner_cut - owner_paid - credited
    overpaid = max(total - miner_pot, 0) if miner_pot is not None else 0
    if unheld < -overpaid:
        raise InvariantViolation(f"subnet {netuid}: the payout credits {-unheld} beyond its pots")
    state.columns.alpha_unbacked[netuid] += unheld
    return EpochPayouts(
        netuid=netuid,
        block=state.block,
        owner_hotkey=subnet.owner_hotkey,
        owner_cut=owner_paid,
        miner_hotkeys=miners,
        incentive=paid_incentive,
        validator_hotkeys=validators,
        alpha_take=alpha_take,
        alpha_rest=alpha_rest,
        tao_take=root_take,
        tao_rest=root_rest,
        drained_alpha=drained + owner_cut,
        drained_tao=0,
    )


_Splits = tuple[list[int], list[int], list[int], list[int]]  # alpha take/rest, root take/rest
_Paid = tuple[int, int, list[str], list[int], _Splits]


class _Payout(NamedTuple):
    """One epoch's payout inputs, as both payers read them (amounts U96F32 bits by hotkey)."""

    netuid: int
    incentives: dict[str, int]
    alpha_dividends: dict[str, int]
    root_alpha_dividends: dict[str, int]
    validators: list[str]  # every dividend hotkey, ascending
    withheld_from: list[str]  # the owner's hotkeys: their incentive is burned
    credit_root: Callable[[State, str, int, int], None]


def _take_rate(state: State, hotkey: str) -> int:
    """The hotkey's take (``Delegates``, else the default) as a U96F32 rate of 65 535."""
    take_u16 = state.takes.get(hotkey, state.params.default_take_u16)
    return U96F32.safe_div(U96F32.from_int(take_u16), U96F32.from_int(U16_MAX))


def _split(take_rate: int, bits: int) -> tuple[int, int]:
    """(take, rest) of a dividend of ``bits`` (U96F32): the take's product, then both floored."""
    take = U96F32.saturating_mul(take_rate, bits)
    return U96F32.saturating_to_uint(take), U96F32.saturating_to_uint(bits - take)


def _pay_reference(state: State, payout: _Payout) -> _Paid:
    """The miners' and the validators' credits one by one, as the chain makes them: (Σ
    incentive, withheld, paid miners, their incentives, the validators' splits)."""
    netuid, incentives, alpha_dividends, root_alpha_dividends = payout[:4]
    validators, withheld_from, credit_root = payout[4:]
    total = withheld = 0
    miners, paid_incentive = [], []
    for hotkey, incentive in sorted(incentives.items()):
        total += incentive
        if hotkey in withheld_from:  # burned (RecycleOrBurn default): stays in o
            withheld += incentive
            continue
        owner = state.hotkey_owner.get(hotkey, "0")
        ledger.increase_stake(state, owner, hotkey, netuid, incentive)
        if incentive:
            miners.append(hotkey)
            paid_incentive.append(incentive)
    splits: _Splits = ([], [], [], [])
    memberless = state.params.memberless_dividends_to_owner
    for hotkey in validators:
        owner = state.hotkey_owner.get(hotkey, "0")
        take_rate = _take_rate(state, hotkey)
        a_take, a_rest = _split(take_rate, alpha_dividends.get(hotkey, 0))
        r_take, r_rest = _split(take_rate, root_alpha_dividends.get(hotkey, 0))
        ledger.increase_stake(state, owner, hotkey, netuid, a_take)
        pool = state.stakes.get((hotkey, netuid))
        if memberless and not (pool and pool.total_shares):
            ledger.increase_stake(state, owner, hotkey, netuid, a_rest)  # no member to share
        else:
            ledger.credit_stakes(state, [(owner, hotkey, netuid, 0, a_rest)])
        ledger.increase_stake(state, owner, hotkey, netuid, r_take)
        if hotkey in root_alpha_dividends:
            credit_root(state, hotkey, netuid, r_rest)
        for column, value in zip(splits, (a_take, a_rest, r_take, r_rest), strict=True):
            column.append(value)
    return total, withheld, miners, paid_incentive, splits


def _pay_fast(state: State, payout: _Payout) -> _Paid:
    """:func:`_pay_reference` in fewer steps, the same integers: every credit of 0 skipped (a
    no-op) but for the root accruals, each take's rate computed once, the miners' credits in
    one batch and the validators' in another through the subnet's kept pool references
    (:func:`dtao.ledger.credit_stakes_indexed`), then the root accruals in the reference's
    order. Each hotkey's credits touch only its own pool on ``netuid`` (never root: no epoch
    runs there), which no root accrual of another hotkey writes, so every pool sees the
    reference's credits in the reference's order ("no member" is known before the take is
    credited: a take > 0 gives the pool shares)."""
    netuid, incentives, alpha_dividends, root_alpha_dividends = payout[:4]
    validators, withheld_from, credit_root = payout[4:]
    kept = stake_index.subnet_pools(state, state.subnets[netuid])
    kernel = exact_compiled.kernels()
    found = {} if kept is None else kept.alpha_by_hotkey  # hotkey -> its pool on netuid
    owners = state.hotkey_owner
    total = sum(incentives.values())
    withheld = 0
    miners, paid_incentive = [], []
    credits: list[tuple[str, str, int, int, int]] = []
    for hotkey, incentive in sorted(item for item in incentives.items() if item[1]):
        if hotkey in withheld_from:
            withheld += incentive
            continue
        credits.append((owners.get(hotkey, "0"), hotkey, netuid, incentive, 0))
        miners.append(hotkey)
        paid_incentive.append(incentive)
    ledger.credit_stakes_indexed(state, credits, netuid, found, {}, kernel=kernel)

    count = len(validators)
    splits: _Splits = ([0] * count, [0] * count, [0] * count, [0] * count)
    alpha_take, alpha_rest, root_take, root_rest = splits
    rates: dict[int, int] = {}  # take (u16) -> its U96F32 rate
    memberless = state.params.memberless_dividends_to_owner
    credits = []
    root_credits: list[tuple[str, int]] = []  # (hotkey, alpha) for credit_root, in order
    for i, hotkey in enumerate(validators):
        alpha_bits, root_bits = alpha_dividends.get(hotkey, 0), root_alpha_dividends.get(hotkey, 0)
        if not (alpha_bits or root_bits):  # only the root accrual's write
            if hotkey in root_alpha_dividends:
                root_credits.append((hotkey, 0))
            continue
        owner = owners.get(hotkey, "0")
        take_u16 = state.takes.get(hotkey, state.params.default_take_u16)
        take_rate = rates.get(take_u16)
        if take_rate is None:
            take_rate = rates[take_u16] = _take_rate(state, hotkey)
        a_take, a_rest = _split(take_rate, alpha_bits)
        r_take, r_rest = _split(take_rate, root_bits)
        pool = found.get(hotkey) or state.stakes.get((hotkey, netuid))
        shared = not memberless or a_take or (pool and pool.total_shares)
        credits += (
            (owner, hotkey, netuid, a_take, 0),
            (owner, hotkey, netuid, 0, a_rest) if shared else (owner, hotkey, netuid, a_rest, 0),
            (owner, hotkey, netuid, r_take, 0),
        )
        if hotkey in root_alpha_dividends:
            root_credits.append((hotkey, r_rest))
        alpha_take[i], alpha_rest[i], root_take[i], root_rest[i] = a_take, a_rest, r_take, r_rest
    ledger.credit_stakes_indexed(state, credits, netuid, found, {}, kernel=kernel)
    for hotkey, alpha in root_credits:
        credit_root(state, hotkey, netuid, alpha)
    return total, withheld, miners, paid_incentive, splits
