"""The root-vote (d4d8182) overlay of the ops mock: the Root Network runtime before dTAO
(ops_rootvote_root.json, ops_rootvote_staking.json).

Each table replaces the launch mock's entry of the same name (:mod:`dtao.conformance.cases_ops`)
for cases of the ``root-vote`` preset. The mock's helpers are described in each file's
``semantics``; here they act on the ``root-vote`` state extension (:mod:`dtao.root_vote`):
TAO stake per (hotkey, coldkey), root seats and weights, ``EmissionValues``, the pending TAO
per subnet and per hotkey. The mock starts without the root network (``new_test_ext``) until
``migrate_create_root_network``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from dtao import errors as E
from dtao import extrinsics as X
from dtao import ledger
from dtao import operations as ops
from dtao import root_vote as RV
from dtao import root_vote_subnets as RVS
from dtao.conformance.cases_ops import MockChain, register_overlay
from dtao.emission import block_emission, block_emission_for_issuance
from dtao.fixed import FRAC64
from dtao.root_vote_state import RootVote

ROOT = 0

#: mock configuration (chain name) -> dtao parameter (None: nothing dtao models)
PARAMS: dict[str, str | None] = {
    "Rho": "root_rho",
    "HotkeyEmissionTempo": "hotkey_emission_tempo",
    "SubnetLimit": "subnet_limit",
    "TargetStakesPerInterval": "target_stakes_per_interval",
    "StakeInterval": "stake_interval",
    "DefaultBlockEmission": "base_block_emission",
    "TotalSupply": "total_supply",
    "DissolveNetworkScheduleDuration": "dissolve_schedule_duration",
    "NetworkImmunityPeriod": "network_immunity_period",
    "Burn_default": "burn_initial",  # init_new_network keeps the stored (default) Burn
    "MaxBurn_default": "burn_max",
    "NetworkLastLockCost_default": "network_last_lock",
    "Tempo_default": None,  # Tempo of a netuid never initialised (root before its migration)
    "ImmunityPeriod_default": None,  # overwritten by init_new_network
    "MaxAllowedUids_default": None,  # overwritten by init_new_network
    "MaxAllowedValidators_default": None,  # overwritten by init_new_network
    "MinBurn_default": None,  # overwritten by init_new_network (1 rao)
    "SenateMaxMembers": None,  # governance, no economic effect
    "TxRateLimit": None,  # 0 in the mock: off
}


def _ext(chain: MockChain) -> RootVote:
    return RV.root_vote(chain.state)


# -- actions ------------------------------------------------------------------------------------


def _new_test_ext(chain: MockChain, block: int) -> None:
    """An empty genesis at ``block``: no root network yet."""
    chain.state.block = int(block)
    _ext(chain).root_added = False


def _migrate_create_root_network(chain: MockChain) -> None:
    ext = _ext(chain)
    ext.root_added = True
    ext.root_max_uids = 64
    ext.root_tempo = 100
    ext.root_target_registrations = 1


def _add_network(chain: MockChain, netuid: int, tempo: int, mechanism: int = 0) -> None:
    """The mock's ``add_network``: no owner, no lock, no NetworkRegisteredAt."""
    subnet = RVS.init_new_network(chain.state, int(netuid), "", int(tempo))
    for name, value in chain.before_added.pop(int(netuid), {}).items():
        setattr(subnet, name, value)


def _register_neuron(
    chain: MockChain,
    netuid: int,
    hotkey: str,
    coldkey: str,
    signer: str | None = None,
    work_block: int | None = None,
) -> int:
    """``register_ok_neuron``: the proof-of-work ``register`` (valid work, no TAO moves)."""
    state, netuid = chain.state, int(netuid)
    if signer is not None and signer != hotkey:
        raise E.TransactorAccountShouldBeHotKey("the signer must be the hotkey")
    if netuid == ROOT:
        raise E.RegistrationNotPermittedOnRootSubnet("netuid 0")
    subnet = state.subnets.get(netuid)
    if subnet is None:
        raise E.SubNetworkDoesNotExist(f"subnet {netuid} does not exist")
    cols = state.columns
    if not cols.pow_registration_allowed[netuid]:
        raise E.SubNetRegistrationDisabled(f"registration is off on subnet {netuid}")
    if X.registrations_this_block(state, netuid) >= cols.get("max_registrations_per_block", netuid):
        raise E.TooManyRegistrationsThisBlock(f"subnet {netuid}")
    if subnet.registrations_this_interval >= 3 * cols.get("target_registrations", netuid):
        raise E.TooManyRegistrationsThisInterval(f"subnet {netuid}")
    if subnet.neurons.uid_of(hotkey) is not None:
        raise E.HotKeyAlreadyRegisteredInSubNet(hotkey)
    RV.create_account_if_non_existent(state, coldkey, hotkey)
    if state.hotkey_owner[hotkey] != coldkey:
        raise E.NonAssociatedColdKey(hotkey)
    if subnet.max_uids == 0:
        raise E.NoNeuronIdAvailable(f"subnet {netuid}")
    uid, _ = RVS.place_neuron(state, subnet, hotkey)
    subnet.pow_registrations_this_interval += 1
    return uid


def _signed(origin: str | None) -> None:
    """An unsigned call (``origin`` "none") fails ``ensure_signed`` before anything else."""
    if origin is not None and origin != "signed":
        raise E.BadOrigin(f"origin {origin!r}")


def _add_stake(
    hotkey: str, amount: int, coldkey: str = "", origin: str | None = None
) -> ops.AddStake:
    _signed(origin)
    return ops.AddStake(coldkey, hotkey, 0, int(amount))


def _remove_stake(
    hotkey: str, amount: int, coldkey: str = "", origin: str | None = None
) -> ops.RemoveStake:
    _signed(origin)
    return ops.RemoveStake(coldkey, hotkey, 0, int(amount))


def _become_delegate(chain: MockChain, coldkey: str, hotkey: str, take: int | None = None) -> None:
    if take is None:
        chain._apply(ops.BecomeDelegate(coldkey, hotkey))
    else:
        RV.become_delegate(chain.state, chain.rules, [], coldkey, hotkey, int(take))


def _set_root_weights(
    chain: MockChain,
    coldkey: str,
    netuid: int,
    hotkey: str,
    uids: list[int],
    values: list[int],
    version_key: int = 0,
) -> None:
    chain._apply(ops.SetRootWeights(coldkey, hotkey, tuple(uids), tuple(values), int(netuid)))


def _dissolve_network(chain: MockChain, coldkey: str, netuid: int, origin: str = "root") -> None:
    if origin != "root":
        raise E.BadOrigin("dissolve_network needs the root origin")
    chain._apply(ops.DissolveNetwork(coldkey, int(netuid)))


def _schedule_dissolve_network(chain: MockChain, coldkey: str, netuid: int) -> None:
    chain._apply(ops.ScheduleDissolveNetwork(coldkey, int(netuid)))


def _root_register(chain: MockChain, coldkey: str, hotkey: str) -> int:
    return chain._apply(ops.RootRegister(coldkey, hotkey))


def _set_emission_values(chain: MockChain, netuids: list[int], values: list[int]) -> None:
    existing = set(RV.network_netuids(chain.state))
    if len(netuids) != len(values) or any(int(n) not in existing for n in netuids):
        raise E.InvalidAmount("set_emission_values: bad netuids or lengths")
    for netuid, value in zip(netuids, values, strict=True):
        _ext(chain).emission_values[int(netuid)] = int(value)


def _root_epoch(chain: MockChain, block_number: int) -> None:
    state = chain.state
    emission = block_emission(state.total_issuance, state.params)
    values = RV.root_epoch(state, emission, int(block_number))
    if values is None:
        raise E.InvalidAmount("root_epoch returned an error")
    _ext(chain).emission_values.update(values)


def _increase_stake(chain: MockChain, coldkey: str, hotkey: str, amount: int) -> None:
    RV.increase_stake(chain.state, coldkey, hotkey, int(amount))


def _increase_stake_on_hotkey(chain: MockChain, hotkey: str, amount: int) -> None:
    RV.increase_stake(chain.state, RV.owner_of(chain.state, hotkey), hotkey, int(amount))


def _decrease_stake_on_hotkey(chain: MockChain, hotkey: str, amount: int) -> None:
    RV.decrease_stake(chain.state, RV.owner_of(chain.state, hotkey), hotkey, int(amount))


def _increase_total_stake(chain: MockChain, amount: int) -> None:
    chain.state.total_stake += int(amount)


def _decrease_total_stake(chain: MockChain, amount: int) -> None:
    chain.state.total_stake = max(chain.state.total_stake - int(amount), 0)


def _get_neuron_to_prune(chain: MockChain, netuid: int) -> int:
    subnet = chain.state.subnets.get(int(netuid))
    uid = RVS.neuron_to_prune(chain.state, subnet) if subnet is not None else None
    if uid is None:
        return 0
    subnet.neurons.pruning_score[uid] = 65_535  # type: ignore[union-attr]
    return uid


def _remove_balance(chain: MockChain, coldkey: str, amount: int) -> int:
    """``remove_balance_from_coldkey_account`` (Preserve, best effort)."""
    state = chain.state
    free = ledger.get_balance(state, coldkey)
    taken = max(min(int(amount), free - state.params.existential_deposit), 0)
    if taken == 0:
        raise E.ZeroBalanceAfterWithdrawn("nothing could be withdrawn")
    ledger.decrease_balance(state, coldkey, taken)
    return taken


ACTIONS: dict[str, Callable[..., Any]] = {
    "new_test_ext": _new_test_ext,
    "migrate_create_root_network": _migrate_create_root_network,
    "add_network": _add_network,
    "register_neuron": _register_neuron,
    "become_delegate": _become_delegate,
    "set_root_weights": _set_root_weights,
    "dissolve_network": _dissolve_network,
    "schedule_dissolve_network": _schedule_dissolve_network,
    "root_register": _root_register,
    "set_emission_values": _set_emission_values,
    "root_epoch": _root_epoch,
    "increase_stake": _increase_stake,
    "increase_stake_on_hotkey": _increase_stake_on_hotkey,
    "decrease_stake_on_hotkey": _decrease_stake_on_hotkey,
    "increase_total_stake": _increase_total_stake,
    "decrease_total_stake": _decrease_total_stake,
    "next_block": lambda c: c.step_block(1),
    "try_increase_staking_counter": lambda c, coldkey, hotkey: RV.count_stake_operation(
        c.state, coldkey, hotkey
    ),
    "should_drain_hotkey": lambda c, hotkey, block, emission_tempo: RV.should_drain_hotkey(
        hotkey, int(block), int(emission_tempo)
    ),
    "get_subnet_to_prune": lambda c: RVS.subnet_to_prune(c.state),
    "get_neuron_to_prune": _get_neuron_to_prune,
    "get_block_emission_for_issuance": lambda c, issuance: block_emission_for_issuance(
        int(issuance), c.state.params.total_supply, c.state.params.base_block_emission
    ),
    "unstake_all_coldkeys_from_hotkey": lambda c, hotkey: RV.unstake_all_from_hotkey(
        c.state, hotkey
    ),
    "clear_small_nominations": lambda c: RV.clear_small_nominations(c.state, c.rules, []),
    "remove_balance_from_coldkey_account": _remove_balance,
    "has_enough_stake": lambda c, coldkey, hotkey, amount: (
        RV.get_stake(c.state, hotkey, coldkey) >= int(amount)
    ),
}

#: extrinsic steps -> the record their fields make (the era's records: no netuid to stake on,
#: no hotkey to register a subnet with)
RECORD_ACTIONS: dict[str, Callable[..., ops.Operation]] = {
    "add_stake": _add_stake,
    "remove_stake": _remove_stake,
    # the chain's call takes no hotkey: a name of the coldkey's own stands in for dtao's
    "register_network": lambda coldkey: ops.RegisterNetwork(coldkey, f"{coldkey}/subnet-owner"),
}


# -- storage writes -----------------------------------------------------------------------------


def _param(name: str) -> Callable[[MockChain, dict[str, Any], Any], None]:
    def write(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
        chain.state.params = chain.state.params.replace(**{name: value})

    return write


def _root_or(field: str, base: str) -> Callable[[MockChain, dict[str, Any], Any], None]:
    """Netuid 0 writes the root network's own field; other netuids the launch writer."""
    from dtao.conformance.cases_ops import STORAGE as BASE

    def write(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
        if int(keys.get("netuid", -1)) == ROOT:
            setattr(_ext(chain), field, int(value))
        else:
            BASE[base](chain, keys, value)

    return write


def _tempo(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    if int(keys["netuid"]) == ROOT:
        _ext(chain).root_tempo = int(value)
    else:
        chain.state.columns.tempo[int(keys["netuid"])] = int(value)


def _subnet_locked(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    _ext(chain).locked[int(keys["netuid"])] = int(value)


STORAGE: dict[str, Callable[[MockChain, dict[str, Any], Any], None]] = {
    "HotkeyEmissionTempo": _param("hotkey_emission_tempo"),
    "TargetStakesPerInterval": _param("target_stakes_per_interval"),
    "StakeInterval": _param("stake_interval"),
    "NominatorMinRequiredStake": _param("nominator_min_stake"),
    "NetworkImmunityPeriod": _param("network_immunity_period"),
    "NetworkRateLimit": _param("network_rate_limit"),
    "SubnetLimit": _param("subnet_limit"),
    "WeightsSetRateLimit": _param("weights_rate_limit"),
    "Tempo": _tempo,
    "SubnetLocked": _subnet_locked,
    "MaxAllowedUids": _root_or("root_max_uids", "MaxAllowedUids"),
    "MaxRegistrationsPerBlock": _root_or(
        "root_max_registrations_per_block", "MaxRegistrationsPerBlock"
    ),
    "TargetRegistrationsPerInterval": _root_or(
        "root_target_registrations", "TargetRegistrationsPerInterval"
    ),
}


# -- quantities ---------------------------------------------------------------------------------


def _stake_for_uid(chain: MockChain, netuid: int, uid: int) -> int:
    if netuid == ROOT:
        seats = _ext(chain).seats
        return RV.hotkey_stake(chain.state, seats[uid]) if uid < len(seats) else 0
    subnet = chain.state.subnets.get(netuid)
    if subnet is None or uid >= subnet.neurons.n:
        return 0
    return RV.hotkey_stake(chain.state, subnet.neurons.hotkeys[uid])


def _uids(chain: MockChain, netuid: int, hotkey: str) -> int | None:
    if netuid == ROOT:
        seats = _ext(chain).seats
        return seats.index(hotkey) if hotkey in seats else None
    subnet = chain.state.subnets.get(netuid)
    return subnet.neurons.uid_of(hotkey) if subnet is not None else None


def _subnetwork_n(chain: MockChain, netuid: int) -> int:
    if netuid == ROOT:
        return len(_ext(chain).seats)
    subnet = chain.state.subnets.get(netuid)
    return subnet.neurons.n if subnet is not None else 0


def _delegated(chain: MockChain, coldkey: str) -> int:
    """``get_total_delegated_stake``: over the coldkey's StakingHotkeys (the hotkeys it owns or
    stakes on), the stake of everyone but each hotkey's owner."""
    state, stake = chain.state, _ext(chain).stake
    hotkeys = {h for h, owner in state.hotkey_owner.items() if owner == coldkey}
    hotkeys |= {h for h, c in stake if c == coldkey}
    return sum(
        amount for (h, c), amount in stake.items() if h in hotkeys and c != RV.owner_of(state, h)
    )


def _root_weight(chain: MockChain, uid: int, col: int) -> int:
    _, rows = RV.root_weight_matrix(chain.state)
    return rows[uid][col] >> FRAC64


def _contains(chain: MockChain, item: str, keys: dict[str, Any]) -> bool:
    ext = _ext(chain)
    if item == "Stake":
        return (keys["hotkey"], keys["coldkey"]) in ext.stake
    if item == "TotalColdkeyStake":
        return keys["coldkey"] in ext.coldkey_total
    raise KeyError(f"Contains {item}")


def _registrations_this_interval(chain: MockChain, netuid: int) -> int:
    if netuid == ROOT:
        return _ext(chain).root_registrations[2]
    return chain.state.subnets[netuid].registrations_this_interval


QUANTITIES: dict[str, Callable[..., Any]] = {
    "Stake": lambda c, hotkey, coldkey: RV.get_stake(c.state, hotkey, coldkey),
    "TotalHotkeyStake": lambda c, hotkey: RV.hotkey_stake(c.state, hotkey),
    "TotalColdkeyStake": lambda c, coldkey: _ext(c).coldkey_total.get(coldkey, 0),
    "TotalDelegatedStake": _delegated,
    "TotalBalance": lambda c, coldkey: ledger.get_balance(c.state, coldkey),
    "StakeForUid": _stake_for_uid,
    "IsDelegate": lambda c, hotkey: hotkey in c.state.takes,
    "Uids": _uids,
    "SubnetworkN": _subnetwork_n,
    "NetworksAdded": lambda c, netuid: netuid in RV.network_netuids(c.state),
    "EmissionValues": lambda c, netuid: _ext(c).emission_values.get(netuid, 0),
    "PendingEmission": lambda c, netuid: _ext(c).pending_emission.get(netuid, 0),
    "PendingHotkeyEmission": lambda c, hotkey: _ext(c).pending_hotkey.get(hotkey, 0),
    "NonviableStake": lambda c, hotkey, coldkey: max(_ext(c).delta.get((hotkey, coldkey), 0), 0),
    "StakeDeltaSinceLastEmissionDrain": lambda c, hotkey, coldkey: _ext(c).delta.get(
        (hotkey, coldkey), 0
    ),
    "TotalHotkeyColdkeyStakesThisInterval": lambda c, coldkey, hotkey: list(
        _ext(c).stake_counter.get((coldkey, hotkey), (0, 0))
    ),
    "HotkeyEmissionTempo": lambda c: c.state.params.hotkey_emission_tempo,
    "RootWeights": _root_weight,
    "BlockEmission": lambda c: block_emission(c.state.total_issuance, c.state.params),
    "Contains": _contains,
    "RegistrationsThisInterval": _registrations_this_interval,
}

register_overlay("root-vote", sys.modules[__name__])
