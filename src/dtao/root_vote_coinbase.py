"""The coinbase of the Root Network era (``run_coinbase`` in coinbase/run_coinbase.rs @ d4d8182;
dtao-economics.md §12): everything in TAO, nothing minted until it is paid.

Per block, in the chain's order:

1. the root epoch, when root's tempo is due: ``EmissionValues`` from the root vote
   (:func:`dtao.root_vote.root_epoch`);
2. ``PendingEmission[i] += EmissionValues[i]`` for every subnet with registration allowed
   (rao, in the ``root-vote`` extension);
3. each subnet whose epoch is due drains its pending TAO: the owner cut
   ⌊E·cut/65535⌋ (I96F32) is minted to the owner coldkey's free balance, the rest goes through
   Yuma on TAO stake, and each UID's server + validator emission accrues to its hotkey's
   ``PendingdHotkeyEmission`` (the server part also to the untouchable part);
4. each hotkey with pending emission whose drain block it is (``HotkeyEmissionTempo``) is
   drained (:func:`drain_hotkey_emission`): the take and the untouchable part to the owner's
   stake, the rest to the nominators by viable stake, all minted.

TotalIssuance grows by exactly what is paid; Yuma's flooring dust is never minted.
"""

from __future__ import annotations

import numpy as np

from dtao import yuma
from dtao.epoch import _store_outputs
from dtao.fixed import FRAC32, FRAC64, safe_div
from dtao.receipts import EpochPayouts
from dtao.root_vote import (
    hotkey_stake,
    increase_stake,
    owner_of,
    root_epoch,
    root_vote,
    should_drain_hotkey,
)
from dtao.rules import Rules
from dtao.state import State
from dtao.units import U16_MAX


def inject_root_vote(state: State, rules: Rules, subnets: int, emission: int) -> None:
    """Steps 1-2: the root epoch when due, then every open subnet's pending TAO grows by its
    ``EmissionValues`` (rao; nothing is minted here). Before them, root's registration
    interval counter resets every ``AdjustmentInterval[0]`` blocks (the block step's
    ``adjust_registration_terms_for_networks`` on netuid 0)."""
    ext = root_vote(state)
    if state.block - ext.root_last_adjustment >= state.params.root_adjustment_interval:
        block, this_block, _ = ext.root_registrations
        ext.root_registrations = (block, this_block, 0)
        ext.root_last_adjustment = state.block
    values = root_epoch(state, emission)
    if values is not None:
        ext.emission_values.update(values)
    allowed = state.columns.registration_allowed
    pending = ext.pending_emission
    for netuid in state.netuids:
        if allowed[netuid]:
            pending[netuid] = pending.get(netuid, 0) + ext.emission_values.get(netuid, 0)


def owner_cut(amount: int, cut_u16: int) -> int:
    """⌊amount·(cut/65535)⌋ in I96F32: the ratio truncated to 32 fraction bits first."""
    ratio = safe_div(cut_u16 << FRAC32, U16_MAX << FRAC32)
    return (amount * ratio) >> FRAC32


def run_epoch_root_vote(state: State, rules: Rules, netuid: int) -> EpochPayouts:
    """Step 3 for one subnet: drain its pending TAO, pay the owner cut, run Yuma on total hotkey
    stake and accrue each UID's emission to its hotkey (rao)."""
    cols = state.columns
    subnet = state.subnets[netuid]
    ext = root_vote(state)
    pending = ext.pending_emission.pop(netuid, 0)
    if not cols.registration_allowed[netuid]:  # drained, not paid: never minted
        return _payouts(state, netuid, 0, pending, [], [], [])
    cut = 0
    if subnet.owner_coldkey:  # SubnetOwner has an entry
        cut = owner_cut(pending, state.params.owner_cut_u16)
        state.balances[subnet.owner_coldkey] = state.balances.get(subnet.owner_coldkey, 0) + cut
        state.total_issuance += cut
    rest = pending - cut
    neurons = subnet.neurons
    n = neurons.n
    stake = [hotkey_stake(state, hotkey) for hotkey in neurons.hotkeys]
    last_tempo = max(state.block - cols.get("tempo", netuid), 0)
    inputs = yuma.YumaInputs(
        current_block=state.block,
        last_tempo=last_tempo,
        stake=np.array(stake, dtype=np.float64),
        last_update=neurons.last_update[:n],
        block_at_registration=neurons.registered_at[:n],
        validator_permit=neurons.validator_permit[:n],
        owner_uid=None,
        weights=neurons.weights[:n, :n],
        bonds=neurons.bonds[:n, :n],
        weights_present=neurons.weights_present[:n, :n],
        stake_bits=np.array([s << FRAC64 for s in stake], dtype=object),
    )
    params = rules.yuma.params_for(state.params, subnet)
    result = yuma.epoch(inputs, params, rest, backend=rules.yuma.backend)
    _store_outputs(subnet, result)
    subnet.last_epoch_block = state.block
    server = result.server_emission.tolist()
    validator = result.validator_emission.tolist()
    for hotkey, mined, validated in zip(neurons.hotkeys, server, validator, strict=True):
        ext.pending_hotkey[hotkey] = ext.pending_hotkey.get(hotkey, 0) + mined + validated
        ext.untouchable[hotkey] = ext.untouchable.get(hotkey, 0) + mined
    return _payouts(state, netuid, cut, pending, list(neurons.hotkeys), server, validator)


def _payouts(
    state: State,
    netuid: int,
    cut: int,
    drained: int,
    hotkeys: list[str],
    server: list[int],
    validator: list[int],
) -> EpochPayouts:
    """The epoch's receipt: TAO accrued per hotkey (paid at its drain), in the root columns."""
    zeros = [0] * len(hotkeys)
    return EpochPayouts(
        netuid=netuid,
        block=state.block,
        owner_hotkey=state.subnets[netuid].owner_hotkey,
        owner_cut=cut,
        miner_hotkeys=hotkeys,
        incentive=server,
        validator_hotkeys=hotkeys,
        alpha_take=zeros,
        alpha_rest=zeros,
        tao_take=zeros,
        tao_rest=validator,
        drained_alpha=0,
        drained_tao=drained,
    )


def drain_hotkey_emission(state: State, hotkey: str, emission: int) -> int:
    """``drain_hotkey_emission`` @ d4d8182; the rao credited (all of ``emission``).

    D = emission − untouchable; take = ⌊(Delegates/65535)·D⌋ (I64F64, default take for a
    non-delegate); each nominator c gets ⌊(viable_c/Σ viable)·(D − take)⌋ as stake, where
    viable_c = Stake_c − max(delta_c, 0); the owner gets take + the rest + untouchable.
    """
    ext = root_vote(state)
    params = state.params
    untouchable = ext.untouchable.pop(hotkey, 0)
    ext.pending_hotkey[hotkey] = 0
    ext.last_drain[hotkey] = state.block
    distributable = max(emission - untouchable, 0)
    take_u16 = state.takes.get(hotkey, params.default_take_u16)
    ratio = safe_div(take_u16 << FRAC64, U16_MAX << FRAC64, FRAC64, 128)
    take = (ratio * distributable) >> FRAC64
    rest = distributable - take
    nominators = [(c, s) for (h, c), s in sorted(ext.stake.items()) if h == hotkey]
    nonviable = {c: max(ext.delta.get((hotkey, c), 0), 0) for c, _ in nominators}
    viable_total = max(hotkey_stake(state, hotkey) - sum(nonviable.values()), 0)
    remainder, paid = rest, 0
    if viable_total:
        for coldkey, held in nominators:
            viable = max(held - nonviable[coldkey], 0)
            share = safe_div(viable << FRAC64, viable_total << FRAC64, FRAC64, 128)
            amount = (share * rest) >> FRAC64
            increase_stake(state, coldkey, hotkey, amount)
            paid += amount
            remainder = max(remainder - amount, 0)
    owner_new = take + remainder + untouchable
    increase_stake(state, owner_of(state, hotkey), hotkey, owner_new)
    for key in [k for k in ext.delta if k[0] == hotkey]:
        del ext.delta[key]
    return paid + owner_new


def drain_due_hotkeys(state: State, rules: Rules, subnets: int) -> None:
    """Step 4: every hotkey with pending emission whose drain block this is, minted."""
    ext = root_vote(state)
    tempo = state.params.hotkey_emission_tempo
    for hotkey, emission in sorted(ext.pending_hotkey.items()):
        if emission and should_drain_hotkey(hotkey, state.block, tempo):
            state.total_issuance += drain_hotkey_emission(state, hotkey, emission)
