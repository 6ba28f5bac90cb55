"""A subnet's epoch in the launch era: drain the pots, run Yuma, pay everyone.

``drain_pending_emission`` in coinbase/run_coinbase.rs @ 5073ade (R1.2, 2025-02-24):

* Yuma (:mod:`dtao.yuma`) runs on PendingEmission + PendingAlphaSwapped with stake weight
  S_h = α_h + tw·τ_h (own alpha and root stake of each UID's hotkey; no childkeys here).
* Owner cut → alpha stake of (owner hotkey, owner coldkey); miner incentive → alpha stake of the
  miner hotkey's owner coldkey.
* Each validator dividend D_h splits into an alpha and a root part by the era's root-dividend
  policy (``rules.root_dividends``): the 02-24 stake-mix rule :func:`dividends_by_stake_mix`,
  or R1.4's :func:`dividends_rescaled`.
* Root TAO: PendingRootDivs · root_h/Σ root, credited to h's root pool (R is not increased).
* The take (``Delegates[h]``/65535) of both parts goes to h's owner coldkey as a position; the
  rest is added to h's pool for all its nominators. Every credit is floored.

Accounting: the epoch credits stake without touching o, so the launch drift and flooring dust
land in ``alpha_unbacked`` (alpha) and ``lost_tao`` (undistributed root TAO); see
:mod:`dtao.invariants`.
"""

from __future__ import annotations

import math
from itertools import repeat
from operator import attrgetter

import numpy as np

from dtao import childkeys, exact_compiled, ledger, stake_index, yuma
from dtao.receipts import EpochPayouts
from dtao.rules import Rules
from dtao.state import SharePool, State, Subnet
from dtao.units import U16_MAX, U64_MAX

ROOT = 0
_NO_POOL = SharePool()  # read-only stand-in (value 0) for a hotkey without a pool


def stake_weights(state: State, subnet: Subnet) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(alpha stake, root stake, S = α + tw·τ) per UID (rao, float64 for S)."""
    get = state.stakes.get
    hotkeys = subnet.neurons.hotkeys
    value = attrgetter("value")
    # pool value per UID on this subnet and on root (0 where the hotkey has no pool), gathered
    # with C-level map/zip: one dict lookup per (hotkey, netuid) key
    alpha_pools = map(get, zip(hotkeys, repeat(subnet.netuid)), repeat(_NO_POOL))
    root_pools = map(get, zip(hotkeys, repeat(ROOT)), repeat(_NO_POOL))
    alpha = np.array(list(map(value, alpha_pools)), dtype=np.int64)
    root = np.array(list(map(value, root_pools)), dtype=np.int64)
    return alpha, root, alpha + state.params.tao_weight * root


def stake_bits_i64f64(alpha: np.ndarray, root: np.ndarray, tao_weight_u64: int) -> np.ndarray:
    """:func:`dtao.ledger.stake_weight_bits` per UID (raw I64F64, Python ints)."""
    return np.array(
        [
            ledger.stake_weight_bits(int(a), int(r), tao_weight_u64)
            for a, r in zip(alpha, root, strict=True)
        ],
        dtype=object,
    )


def run_epoch(state: State, rules: Rules, netuid: int) -> EpochPayouts:
    """Drain the four pots of ``netuid``, run Yuma and credit every payout (floored).

    Under fast rules the pools come from the kept references and, where the compiled kernels
    are on, the miners' and validators' credits are listed and applied in C (the same tuples
    in the same order; the split's arbitrary-precision case stays here)."""
    params = state.params
    subnet = state.subnets[netuid]
    cols = state.columns
    pending = cols.get("pending_emission", netuid)
    swapped = cols.get("pending_alpha_swapped", netuid)
    root_tao = cols.get("pending_root_divs", netuid)
    owner_cut = cols.get("pending_owner_cut", netuid)
    for name in (
        "pending_emission",
        "pending_alpha_swapped",
        "pending_root_divs",
        "pending_owner_cut",
    ):
        getattr(cols, name)[netuid] = 0

    neurons = subnet.neurons
    n = neurons.n
    pools = stake_index.subnet_pools(state, subnet) if rules.fast else None  # kept references
    alpha_stake, root_stake, stake = (
        stake_weights(state, subnet) if pools is None else stake_index.stake_weights(state, pools)
    )
    yuma_alpha, yuma_root = alpha_stake, root_stake
    borrowed = childkeys.inherited_stake(state, netuid, neurons.hotkeys)
    if borrowed is not None:  # parents and children on this subnet weigh what they lend (§11)
        yuma_alpha, yuma_root = (np.array(v, dtype=np.int64) for v in borrowed)
        stake = yuma_alpha + params.tao_weight * yuma_root
    last_tempo = (
        subnet.last_epoch_block + 1
        if subnet.last_epoch_block
        else max(state.block - cols.get("tempo", netuid), 0)
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
    backend = rules.yuma.backend
    if backend == "exact":
        inputs.stake_bits = stake_bits_i64f64(yuma_alpha, yuma_root, params.tao_weight_u64)
    yuma_params = rules.yuma.params_for(params, subnet)
    result = yuma.epoch(inputs, yuma_params, pending + swapped, backend=backend)
    _store_outputs(subnet, result)
    subnet.last_epoch_block = state.block

    hotkeys = neurons.hotkeys
    hotkey_owner = state.hotkey_owner
    credits: list[tuple[str, str, int, int, int]] = []  # (coldkey, hotkey, netuid, own, shared)
    owner_paid = owner_cut if subnet.owner_hotkey else 0  # no owner hotkey: not paid
    if owner_paid:
        credits.append((subnet.owner_coldkey, subnet.owner_hotkey, netuid, owner_paid, 0))
    kernel = exact_compiled.kernels() if pools is not None else None
    if kernel is None:
        miners = np.flatnonzero(result.server_emission)
        incentives = result.server_emission[miners].tolist()
        miner_hotkeys = [hotkeys[uid] for uid in miners.tolist()]
        miner_owners = map(hotkey_owner.__getitem__, miner_hotkeys)
        credits += zip(miner_owners, miner_hotkeys, repeat(netuid), incentives, repeat(0))
    else:  # the same credits and lists, made in C
        miner_hotkeys, incentives = kernel.miner_credits(
            hotkeys, hotkey_owner, result.server_emission, netuid, credits
        )

    dividends = result.validator_emission.astype(np.float64)
    burned = 0
    if borrowed is not None:  # each dividend shared with the parents (§5d), by own stake after
        assert rules.childkey_split is not None
        hotkeys, shares, burned, _ = childkeys.distribute_dividends(
            state, rules.childkey_split, netuid, hotkeys, result.validator_emission.tolist()
        )
        dividends = np.array(shares, dtype=np.float64)
        alpha_stake, root_stake = (
            np.array([childkeys.own_stake(state, hk, n) for hk in hotkeys], dtype=np.int64)
            for n in (netuid, ROOT)
        )
    weighted_root = params.tao_weight * root_stake.astype(np.float64)
    alpha_divs, root_divs = rules.root_dividends(
        dividends, alpha_stake, weighted_root, pending, swapped
    )
    root_total = root_divs.sum()
    tao_divs = root_divs * (root_tao / root_total) if root_total > 0 else root_divs * 0

    validators = np.flatnonzero(dividends)
    paid = [hotkeys[uid] for uid in validators.tolist()]
    takes, default_take = state.takes, params.default_take_u16
    take = np.array([takes.get(hotkey, default_take) for hotkey in paid], dtype=np.float64)
    take /= U16_MAX
    paid_alpha, paid_tao = alpha_divs[validators], tao_divs[validators]
    split = None
    if kernel is not None:  # the split and the credits below, made in C (None past 2^63)
        split = kernel.validator_credits(
            paid,
            hotkey_owner,
            childkeys.DEFAULT_ACCOUNT,
            take,
            paid_alpha,
            paid_tao,
            netuid,
            credits,
        )
    if split is None:
        alpha_take, alpha_rest = _split_take(paid_alpha, take)
        tao_take, tao_rest = _split_take(paid_tao, take)
        for i, hotkey in enumerate(paid):
            owner = hotkey_owner.get(hotkey, childkeys.DEFAULT_ACCOUNT)
            credits.append((owner, hotkey, netuid, alpha_take[i], alpha_rest[i]))
            if tao_take[i] or tao_rest[i]:
                credits.append((owner, hotkey, ROOT, tao_take[i], tao_rest[i]))
    else:
        alpha_take, alpha_rest, tao_take, tao_rest = split
    if pools is None:
        ledger.credit_stakes(state, credits)
    else:
        ledger.credit_stakes_indexed(
            state, credits, netuid, pools.alpha_by_hotkey, pools.root_by_hotkey, kernel=kernel
        )
    # the drift and the dust follow from their causes — the pots, the owner cut left unpaid
    # without an owner hotkey, Yuma's emission, the era's dividend split and each floor —
    # re-derived here independently of the credits above, so a wrong payout breaks the
    # conservation identities (dtao.invariants) instead of being absorbed by them
    owed_alpha = owner_paid + int(result.server_emission.sum()) + _owed(paid_alpha, take)
    owed_tao = _owed(paid_tao, take)
    recycled = childkeys.recycle_ck_burn(state, netuid, burned)  # CKBurn leaves o (14bc6f9)
    cols.add("alpha_unbacked", netuid, pending + owner_cut - owed_alpha - recycled)
    state.lost_tao += root_tao - owed_tao
    return EpochPayouts(
        netuid=netuid,
        block=state.block,
        owner_hotkey=subnet.owner_hotkey,
        owner_cut=owner_cut,
        miner_hotkeys=miner_hotkeys,
        incentive=incentives,
        validator_hotkeys=paid,
        alpha_take=alpha_take,
        alpha_rest=alpha_rest,
        tao_take=tao_take,
        tao_rest=tao_rest,
        drained_alpha=pending + owner_cut,
        drained_tao=root_tao,
    )


def dividends_by_stake_mix(
    dividends: np.ndarray,
    alpha_stake: np.ndarray,
    weighted_root: np.ndarray,
    pending: int,
    swapped: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The 02-24 rule (run_coinbase.rs @ 5073ade): each validator dividend D_h splits by the
    hotkey's own stake mix r_h = tw·τ_h/(α_h + tw·τ_h) into root part D_h·r_h and alpha part
    D_h − D_h·r_h (float rao; floored when credited)."""
    total = alpha_stake + weighted_root
    with np.errstate(divide="ignore", invalid="ignore"):
        root_share = np.where(total > 0, weighted_root / np.where(total > 0, total, 1.0), 0.0)
    root_divs = dividends * root_share
    return dividends - root_divs, root_divs


def dividends_rescaled(
    dividends: np.ndarray,
    alpha_stake: np.ndarray,
    weighted_root: np.ndarray,
    pending: int,
    swapped: int,
) -> tuple[np.ndarray, np.ndarray]:
    """R1.4 (8de0d23): the stake-mix split, then the alpha parts rescaled to sum to
    V = (PE + PAS)/2 − PAS (float rao; floored when credited)."""
    alpha_divs, root_divs = dividends_by_stake_mix(
        dividends, alpha_stake, weighted_root, pending, swapped
    )
    pot = (pending + swapped) / 2 - swapped
    alpha_total = alpha_divs.sum()
    alpha_divs = alpha_divs * (pot / alpha_total) if alpha_total > 0 else alpha_divs * 0
    return alpha_divs, root_divs


def blocks_until_next_epoch(netuid: int, tempo: int, block: int) -> int:
    """``blocks_until_next_epoch`` (run_coinbase.rs @ 5073ade): tempo − (b + netuid + 1) mod
    (tempo + 1), with b + netuid + 1 wrapping in u64; u64::MAX for tempo 0. The epoch runs
    when this is 0, i.e. when the remainder equals the tempo."""
    if tempo == 0:
        return U64_MAX
    remainder = ((block + netuid + 1) & U64_MAX) % (tempo + 1)
    return max(tempo - remainder, 0)


def blocks_until_next_epoch_due(state: State, subnets: int) -> list[int]:
    """Netuids whose epoch runs this block: :func:`blocks_until_next_epoch` = 0, i.e.
    (b + netuid + 1) mod (tempo + 1) = tempo, never for tempo 0; ascending.

    When the subnets are rows 1 … n (``subnets`` = n, from
    :func:`~dtao.state.contiguous_subnets`, else 0) and share one tempo t > 0 (the usual case),
    the due netuids are those ≡ t − b − 1 mod (t + 1), listed without touching the other rows.
    """
    if subnets:
        tempo = state.columns.tempo[1 : subnets + 1]
        t = int(tempo[0])
        if t > 0 and not np.count_nonzero(np.not_equal(tempo, t)):
            period = t + 1
            first = (t - state.block - 1) % period or period
            return list(range(first, subnets + 1, period))
    return [int(netuid) for netuid in due_epochs(state)]


def due_epochs(state: State) -> np.ndarray:
    """:func:`blocks_until_next_epoch_due` by its definition, over every row (vectorised)."""
    cols = state.columns
    rows = np.flatnonzero(cols.exists)
    tempo = cols.tempo[rows]
    return rows[(tempo > 0) & ((state.block + rows + 1) % (tempo + 1) == tempo)]


def _split_take(amounts: np.ndarray, take: np.ndarray) -> tuple[list[int], list[int]]:
    """Each payout (float rao) → (take part, rest) as ints, both truncated toward zero.

    take part = int(take·amount), rest = int(amount − take·amount), computed in float64 exactly
    as the scalar formula would; payouts that are not > 0 (zero, negative, NaN) pay (0, 0).
    """
    amounts = np.where(amounts > 0, amounts, 0.0)
    take_part = take * amounts
    rest = amounts - take_part
    if amounts.size and amounts.max() >= 2.0**63:  # beyond int64: truncate in Python
        return [int(x) for x in take_part.tolist()], [int(x) for x in rest.tolist()]
    return take_part.astype(np.int64).tolist(), rest.astype(np.int64).tolist()


_EXACT_FLOAT_INT = 2.0**53  # below it a float64 holds every integer exactly
_INT64_HEADROOM = 2.0**62  # a total the int64 sums below stay under, with margin


def _owed(amounts: np.ndarray, takes: np.ndarray) -> int:
    """What the payout owes in total (rao): for each dividend a > 0 with take t,
    ⌊t·a⌋ + ⌊a − t·a⌋ (t ∈ [0, 1]) — the float64 operations of :func:`_split_take`, redone from
    the dividends and takes as an independent account of the floors (not the credits' sum).

    Vectorised where it is exact: with every a < 2^53 each floor is an integer-valued
    float64 that int64 holds exactly, and as both floors of a are at most a, Σa < 2^62 keeps
    their int64 sums from overflowing; otherwise one by one in Python ints."""
    paid = amounts > 0  # NaN and negative dividends owe nothing
    amounts, takes = amounts[paid], takes[paid]
    take_part = takes * amounts
    if not amounts.size or (amounts.max() < _EXACT_FLOAT_INT and amounts.sum() < _INT64_HEADROOM):
        return int(
            np.floor(take_part).astype(np.int64).sum()
            + np.floor(amounts - take_part).astype(np.int64).sum()
        )
    return sum(
        math.floor(t) + math.floor(a - t)
        for a, t in zip(amounts.tolist(), take_part.tolist(), strict=True)
    )


def _store_outputs(subnet: Subnet, result: yuma.YumaResult) -> None:
    neurons = subnet.neurons
    n = neurons.n
    neurons.active[:n] = result.active
    neurons.validator_permit[:n] = result.new_validator_permit
    neurons.incentive[:n] = result.incentive
    neurons.dividends[:n] = result.dividends
    neurons.consensus[:n] = result.consensus
    neurons.validator_trust[:n] = result.validator_trust
    neurons.emission[:n] = result.emission
    result.apply_bonds(neurons.bonds[:n, :n])  # writes changed rows in place
    neurons.pruning_score[:n] = result.pruning_score
