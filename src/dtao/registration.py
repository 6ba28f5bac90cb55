"""Registration prices of the launch era: the neuron burn and the subnet lock cost.

Legacy neuron-burn adjustment (coinbase/block_step.rs @ 5073ade), run every block:

Every ``burn_adjustment_interval`` blocks with r registrations this interval and target T:
b* = burn·(r + T)/(2T), burn ← α·burn + (1 − α)·b*, clamped to [min, max], in I110F18.
With proof-of-work off, the burn moves when r > T (up) or r = 0 (decay ×(1+α)/2 = 0.985);
otherwise it stays. Registrations-this-block counters reset every block.
"""

from __future__ import annotations

import numpy as np

from dtao.emission import block_emission
from dtao.fixed import FRAC18 as FRAC
from dtao.fixed import I110F18
from dtao.rules import Rules
from dtao.state import State, Subnet
from dtao.units import U64_MAX


def upgraded_burn(
    burn: int, registrations: int, target: int, alpha_u64: int, burn_min: int, burn_max: int
) -> int:
    """The chain's ``upgraded_burn`` in exact I110F18 integer arithmetic (floors throughout)."""
    if target == 0:
        updated = 0
    else:  # burn·(r+T) / (2T), fixed division truncates
        updated = ((burn * (registrations + target)) << FRAC) // (2 * target)
    alpha = (alpha_u64 << FRAC) // U64_MAX  # I110F18 raw of alpha_u64 / u64::MAX
    one = I110F18.one
    next_raw = (alpha * (burn << FRAC) >> FRAC) + ((one - alpha) * updated >> FRAC)
    if next_raw >= burn_max << FRAC:
        return burn_max
    if next_raw <= burn_min << FRAC:
        return burn_min
    return next_raw >> FRAC


def _adjust(subnet: Subnet, state: State) -> None:
    """One subnet's adjustment (block_step.rs @ 5073ade, cases A–F): the burn moves when the
    interval is over target and burn registrations are at least the proof-of-work ones (B, F),
    or at or under target and proof-of-work ones are at least the burn ones (C, E); the
    difficulty, which dtao does not model, moves in the other cases. Counters reset."""
    r = subnet.registrations_this_interval
    burn_regs = subnet.burn_registrations_this_interval
    pow_regs = subnet.pow_registrations_this_interval
    target = state.columns.get("target_registrations", subnet.netuid)
    if (r > target and burn_regs >= pow_regs) or (r <= target and pow_regs >= burn_regs):
        subnet.burn = upgraded_burn(
            subnet.burn,
            r,
            target,
            subnet.adjustment_alpha_u64,
            subnet.burn_min,
            subnet.burn_max,
        )
    state.columns.last_burn_adjustment[subnet.netuid] = state.block
    subnet.registrations_this_interval = 0
    subnet.burn_registrations_this_interval = 0
    subnet.pow_registrations_this_interval = 0


def adjust_registration_terms(state: State, rules: Rules, subnets: int) -> None:
    """``adjust_registration_terms_for_networks`` for every subnet due (start of a block).

    A subnet is due once its ``AdjustmentInterval`` blocks have passed since its last
    adjustment; when the subnets are rows 1 … n, one minimum over those rows rules out most
    blocks (``subnets``: :func:`~dtao.state.contiguous_subnets` of the state, or 0).
    RegistrationsThisBlock needs no reset: it only counts while its block is the current one.
    """
    cols = state.columns
    n = subnets
    if n:  # due: last + interval ≤ block
        rows = slice(1, n + 1)
        if int((cols.last_burn_adjustment[rows] + cols.adjustment_interval[rows]).min()) > (
            state.block
        ):
            return
    due = cols.exists & (cols.last_burn_adjustment + cols.adjustment_interval <= state.block)
    for netuid in np.flatnonzero(due):
        _adjust(state.subnets[int(netuid)], state)


def network_lock_cost(state: State) -> int:
    """Current subnet registration cost (rao), ``get_network_lock_cost`` (coinbase/root.rs).

    cost = max(MinLock, LastLock·mult − (LastLock // I_eff)·(now − LastLockBlock)),
    mult = 2 once any subnet was registered, I_eff = ⌊interval·E/10^9⌋; integer, floored.
    """
    params = state.params
    last = state.network_last_lock
    mult = 2 if state.network_last_lock_block else 1
    interval = params.lock_reduction_interval * block_emission(state.total_issuance, params)
    interval //= params.base_block_emission
    per_block = last // interval if interval else 0
    decay = per_block * max(state.block - state.network_last_lock_block, 0)
    return max(params.network_min_lock, max(last * mult - decay, 0))
