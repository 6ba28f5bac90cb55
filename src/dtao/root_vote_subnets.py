"""Subnet and neuron lifecycle of the Root Network era (coinbase/root.rs ``user_add_network``,
``get_network_lock_cost``, ``get_subnet_to_prune``, ``remove_network``, ``user_remove_network``;
subnets/registration.rs ``do_burned_registration``, ``get_neuron_to_prune`` @ d4d8182).

* Lock cost: max(MinLock, LastLock·m − (LastLock // I)·(now − LastRegistered)), m = 2 once a
  subnet was registered (else 1); the interval I is **not** scaled by the block emission.
* A registration withdraws the lock from the coldkey (existential deposit kept) and holds it in
  ``SubnetLocked``; TotalIssuance is unchanged. At the subnet limit (TotalNetworks − 1 ≥
  SubnetLimit, root counted) the non-immune subnet with the lowest ``EmissionValues`` (ties:
  the earliest registered) is removed and its netuid reused.
* Removal pays ``SubnetLocked`` back to the owner coldkey and zeroes every root weight on it.
* A burned registration destroys the burn (TotalIssuance −= burn).
"""

from __future__ import annotations

import contextlib

import numpy as np

from dtao import errors as E
from dtao import extrinsics as X
from dtao import ledger
from dtao.receipts import Event, Registered
from dtao.root_vote import (
    DEFAULT_ACCOUNT,
    ROOT,
    create_account_if_non_existent,
    network_netuids,
    registered_anywhere,
    root_vote,
    unstake_all_from_hotkey,
)
from dtao.root_vote_coinbase import drain_due_hotkeys
from dtao.rules import Rules
from dtao.state import FLOAT_COLUMNS, INT_COLUMNS, State, Subnet


def network_lock_cost(state: State) -> int:
    """``get_network_lock_cost`` @ d4d8182 (rao, u64 saturating)."""
    params = state.params
    last = state.network_last_lock
    since = state.network_last_lock_block
    mult = 1 if since == 0 else 2
    interval = params.lock_reduction_interval
    per_block = last // interval if interval else 0
    cost = max(last * mult - per_block * max(state.block - since, 0), 0)
    return max(cost, params.network_min_lock)


def subnet_to_prune(state: State) -> int:
    """``get_subnet_to_prune``: the non-immune subnet with the lowest ``EmissionValues``, ties
    to the earliest ``NetworkRegisteredAt`` (then the higher netuid, as the chain's sort
    leaves it last); 0 when every subnet is immune."""
    ext = root_vote(state)
    period = state.params.network_immunity_period
    candidates = [
        n for n in sorted(state.subnets) if state.block - ext.registered_at.get(n, 0) >= period
    ]
    if not candidates:
        return 0
    value = ext.emission_values.get
    ordered = sorted(candidates, key=lambda n: (-value(n, 0), -ext.registered_at.get(n, 0)))
    # Rust's stable sort: descending emission, then later-registered before earlier (equal
    # registration blocks keep netuid order); the last element is pruned
    return ordered[-1]


def remove_network(state: State, netuid: int) -> None:
    """``remove_network``: erase the subnet, zero every root weight on it, pay its lock back to
    the owner coldkey (none without an owner)."""
    ext = root_vote(state)
    subnet = state.subnets.pop(netuid)
    cols = state.columns
    for name in ("exists", *INT_COLUMNS, *FLOAT_COLUMNS):
        getattr(cols, name)[netuid] = 0
    for uid, row in ext.root_weights.items():
        ext.root_weights[uid] = [(n, 0 if n == netuid else w) for n, w in row]
    ext.emission_values.pop(netuid, None)
    ext.pending_emission.pop(netuid, None)
    ext.registered_at.pop(netuid, None)
    # SubnetOwner is a ValueQuery: without an owner the default account is paid
    ledger.increase_balance(
        state, subnet.owner_coldkey or DEFAULT_ACCOUNT, ext.locked.pop(netuid, 0)
    )


def init_new_network(state: State, netuid: int, owner_coldkey: str, tempo: int) -> Subnet:
    """``init_new_network`` + the owner: no UIDs, no pool, PoW and burn registration open."""
    return X.init_new_network(state, netuid, owner_coldkey, "", 0, 0, 0, tempo=tempo, dynamic=False)


def register_network(
    state: State, rules: Rules, events: list[Event], coldkey: str, hotkey: str
) -> int:
    """``register_network`` → ``user_add_network`` @ d4d8182; returns the netuid.

    The chain's call takes no hotkey and gives the owner no UID; dtao records ``hotkey`` as the
    subnet's owner hotkey (created for ``coldkey`` if new, ``NonAssociatedColdKey`` if another
    coldkey owns it), so that the state names an owner hotkey as in every other era."""
    params = state.params
    last = state.network_last_lock_block
    if last != 0 and state.block - last < params.network_rate_limit:
        raise E.NetworkTxRateLimitExceeded(f"a subnet was registered at block {last}")
    lock = network_lock_cost(state)
    if ledger.get_balance(state, coldkey) < lock:
        raise E.NotEnoughBalanceToStake(f"the lock is {lock} rao")
    if state.hotkey_owner.get(hotkey, coldkey) != coldkey:
        raise E.NonAssociatedColdKey(f"{coldkey} does not own {hotkey!r}")
    ext = root_vote(state)
    total_networks = len(network_netuids(state))
    limit = params.subnet_limit
    if limit is None or total_networks - 1 < limit:
        netuid = 1
        while netuid in state.subnets:
            netuid += 1
    else:
        netuid = subnet_to_prune(state)
        if netuid == 0:
            raise E.AllNetworksInImmunity("every subnet is inside its immunity period")
        remove_network(state, netuid)
    free = ledger.get_balance(state, coldkey)
    paid = max(min(lock, free - params.existential_deposit), 0)
    ledger.decrease_balance(state, coldkey, paid)
    subnet = init_new_network(state, netuid, coldkey, params.tempo)  # 360 at d4d8182
    create_account_if_non_existent(state, coldkey, hotkey)
    subnet.owner_hotkey = hotkey  # recorded only: this runtime gives the owner no UID
    ext.locked[netuid] = paid
    state.network_last_lock = paid
    state.network_last_lock_block = state.block
    ext.registered_at[netuid] = state.block
    events.append(Registered(netuid, coldkey, hotkey, paid))
    return netuid


def dissolve_network(
    state: State, rules: Rules, events: list[Event], coldkey: str, netuid: int
) -> None:
    """``user_remove_network`` / ``dissolve_network``: only the subnet owner may remove it."""
    if netuid == ROOT or netuid not in state.subnets:
        raise E.SubNetworkDoesNotExist(f"subnet {netuid} does not exist")
    if (state.subnets[netuid].owner_coldkey or DEFAULT_ACCOUNT) != coldkey:
        raise E.NotSubnetOwner(f"{coldkey} does not own subnet {netuid}")
    remove_network(state, netuid)


def dissolve_scheduled(state: State, rules: Rules, coldkey: str, netuid: int) -> None:
    """A scheduled ``dissolve_network``: a failing call has no effect."""
    with contextlib.suppress(E.ProtocolError):
        dissolve_network(state, rules, [], coldkey, netuid)


def after_coinbase(state: State, rules: Rules, subnets: int) -> None:
    """The block's work after the epochs: the hotkey drains
    (:func:`dtao.root_vote_coinbase.drain_due_hotkeys`), then the dissolutions scheduled for
    this block (the scheduler's ``on_initialize``)."""
    drain_due_hotkeys(state, rules, subnets)
    ext = root_vote(state)
    due = [item for item in ext.scheduled if item[0] == state.block]
    if due:
        ext.scheduled = [item for item in ext.scheduled if item[0] != state.block]
        for _, coldkey, netuid in due:
            dissolve_scheduled(state, rules, coldkey, netuid)


def schedule_dissolve_network(state: State, coldkey: str, netuid: int) -> None:
    """``schedule_dissolve_network``: dissolve at now + DissolveNetworkScheduleDuration."""
    block = state.block + state.params.dissolve_schedule_duration
    root_vote(state).scheduled.append((block, coldkey, netuid))


def neuron_to_prune(state: State, subnet: Subnet) -> int | None:
    """``get_neuron_to_prune`` @ d4d8182: the non-immune UID with the lowest pruning score
    (ties: earliest registration, then lowest uid); the immune ones only if every UID is
    immune. No owner protection in this runtime. None on an empty subnet."""
    neurons = subnet.neurons
    n = neurons.n
    if n == 0:
        return None
    uids = np.arange(n)
    immune = state.block - neurons.registered_at[:n] < subnet.immunity_period
    pool = uids[~immune] if (~immune).any() else uids
    order = np.lexsort((pool, neurons.registered_at[pool], neurons.pruning_score[pool]))
    return int(pool[order[0]])


def place_neuron(state: State, subnet: Subnet, hotkey: str) -> tuple[int, str | None]:
    """Append ``hotkey`` or replace the UID to prune (pruning score u16::MAX); a replaced hotkey
    with no UID left anywhere has all its stake returned to its coldkeys."""
    replace = None
    if subnet.neurons.n >= subnet.max_uids:
        replace = neuron_to_prune(state, subnet)
    uid, replaced = X.register_neuron(state, subnet, hotkey, replace)
    if replaced is not None and not registered_anywhere(state, replaced):
        unstake_all_from_hotkey(state, replaced)
    return uid, replaced


def burned_register(
    state: State, rules: Rules, events: list[Event], coldkey: str, hotkey: str, netuid: int
) -> int:
    """``burned_register`` (``do_burned_registration`` @ d4d8182): the burn leaves the coldkey
    and TotalIssuance; returns the uid."""
    if netuid == ROOT:
        raise E.RegistrationNotPermittedOnRootSubnet("use root_register for netuid 0")
    subnet = state.subnets.get(netuid)
    if subnet is None:
        raise E.SubNetworkDoesNotExist(f"subnet {netuid} does not exist")
    cols = state.columns
    if not cols.registration_allowed[netuid]:
        raise E.SubNetRegistrationDisabled(f"registration is off on subnet {netuid}")
    if X.registrations_this_block(state, netuid) >= cols.get("max_registrations_per_block", netuid):
        raise E.TooManyRegistrationsThisBlock(f"subnet {netuid}")
    if subnet.registrations_this_interval >= 3 * cols.get("target_registrations", netuid):
        raise E.TooManyRegistrationsThisInterval(f"subnet {netuid}")
    if subnet.neurons.uid_of(hotkey) is not None:
        raise E.HotKeyAlreadyRegisteredInSubNet(f"{hotkey!r} is registered on subnet {netuid}")
    burn = subnet.burn
    if ledger.get_balance(state, coldkey) < burn:
        raise E.NotEnoughBalanceToStake(f"the burn is {burn} rao")
    if state.hotkey_owner.get(hotkey, coldkey) != coldkey:
        raise E.NonAssociatedColdKey(f"{coldkey} does not own {hotkey!r}")
    if subnet.max_uids == 0:
        raise E.NoNeuronIdAvailable(f"subnet {netuid} allows no UIDs")
    free = ledger.get_balance(state, coldkey)
    paid = max(min(burn, free - state.params.existential_deposit), 0)
    ledger.decrease_balance(state, coldkey, paid)
    state.total_issuance = max(state.total_issuance - paid, 0)
    create_account_if_non_existent(state, coldkey, hotkey)
    uid, replaced = place_neuron(state, subnet, hotkey)
    subnet.burn_registrations_this_interval += 1
    subnet.rao_recycled += burn
    events.append(Registered(netuid, coldkey, hotkey, burn, uid, replaced))
    return uid
