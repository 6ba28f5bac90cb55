"""The current (spec 475) overlay of the ops mock: fees, the subnet registration queue,
conviction (ops_current_subnet.json).

Each table adds to (or replaces) the entry of the same name that the summer-2026 overlays and
the launch mock of :mod:`dtao.conformance.cases_ops` give, for cases of the ``current``
preset (``OVERLAY_BASES``).

Conviction rows are written straight into the ``summer-2026-locks`` extension (lock rows as
``{locked_mass, conviction, last_update}``, the conviction an integer taken as U64F64
``from_num``). ``LockingColdkeys`` has no dtao counterpart: the old owner's aggregates move as
whole buckets (:func:`dtao.conviction._transfer_ownership`), so ``add_locking_coldkey`` only
checks its keys.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from typing import Any

from dtao import conviction as C
from dtao import lifecycle
from dtao import operations as ops
from dtao.conformance import cases_ops, mock_current_root
from dtao.conformance import mock_summer_pool as pool
from dtao.conformance import mock_summer_subnets as subnets
from dtao.conformance.cases_ops import MockChain, NotReplayed, register_overlay
from dtao.fixed import FRAC64, U64F64
from dtao.registration_queue import queue_view, registration_queue
from dtao.summer import summer_columns

# -- conviction ------------------------------------------------------------------------------


def setup_subnet_with_stake(
    chain: MockChain, coldkey: str, hotkey: str, stake_tao: int, netuid: int = 1
) -> None:
    """The locks.rs helper: a dynamic subnet (owner hotkey 1002, coldkey 1001), its reserves
    set to stake_tao × 1e6 TAO / × 1e7 alpha, the coldkey funded and staked through a real buy
    (no limit), and its lock on the subnet made perpetual."""
    got = add_dynamic_network(chain, "1002", "1001")
    if got != int(netuid):
        raise NotReplayed(f"setup_subnet_with_stake made netuid {got}, case says {netuid}")
    state = chain.state
    state.columns.tao_in[got] = int(stake_tao) * 1_000_000
    state.columns.alpha_in[got] = int(stake_tao) * 10_000_000
    pool.create_hotkey(chain, coldkey, hotkey)
    subnets.fund(chain, coldkey, int(stake_tao))
    pool.stake_into_subnet(chain, hotkey, coldkey, got, int(stake_tao))
    C.conviction_locks(state).perpetual.add((coldkey, got))


def change_subnet_owner_if_needed(chain: MockChain, netuid: int) -> None:
    """The owner check called directly (the preset's rule)."""
    chain.rules.registration.change_owner_if_needed(chain.state, chain.rules, int(netuid))


def add_locking_coldkey(chain: MockChain, hotkey: str, netuid: int, coldkey: str) -> None:
    """``LockingColdkeys``: not kept by dtao (aggregates move as buckets); the row must match
    the coldkey's lock, else the case relies on something dtao cannot rebuild."""
    held = C.conviction_locks(chain.state).locks.get((str(coldkey), int(netuid)))
    if held is None or held[0] != str(hotkey):
        raise NotReplayed(f"LockingColdkeys ({netuid}, {hotkey}, {coldkey}) without its lock")


def _lock(value: dict[str, Any]) -> C.LockState:
    return C.LockState(
        int(value["locked_mass"]), int(value["conviction"]) << FRAC64, int(value["last_update"])
    )


def _lock_row(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    C.conviction_locks(chain.state).locks[(str(keys["coldkey"]), int(keys["netuid"]))] = (
        str(keys["hotkey"]),
        _lock(value),
    )


def _aggregate(table: str, owner: bool) -> Callable[[MockChain, dict[str, Any], Any], None]:
    def write(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
        netuid = int(keys["netuid"])
        key: Any = netuid if owner else (netuid, str(keys["hotkey"]))
        getattr(C.conviction_locks(chain.state), table)[key] = _lock(value)

    return write


def _decaying_lock(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    perpetual = C.conviction_locks(chain.state).perpetual
    key = (str(keys["coldkey"]), int(keys["netuid"]))
    if value:
        perpetual.discard(key)
    else:
        perpetual.add(key)


def _owner_hotkey(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    subnet = chain.state.subnets.get(int(keys["netuid"]))
    if subnet is None:
        raise NotReplayed(f"SubnetOwnerHotkey of subnet {keys['netuid']}, not added")
    subnet.owner_hotkey = str(value)


def _registered_at(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    subnet = chain.state.subnets.get(int(keys["netuid"]))
    if subnet is None:
        raise NotReplayed(f"NetworkRegisteredAt of subnet {keys['netuid']}, not added")
    subnet.registered_at = int(value)


def _alpha_out(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    """SubnetAlphaOut; dtao's per-subnet columns are int64, so a u64 above 2^63 − 1 is not
    representable."""
    if int(value) >= 2**63:
        raise NotReplayed(f"SubnetAlphaOut = {value} does not fit dtao's int64 column")
    cases_ops.STORAGE["SubnetAlphaOut"](chain, keys, value)


def _alpha_burned(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    summer_columns(chain.state).set("alpha_burned", int(keys["netuid"]), int(value))


def _lock_field(chain: MockChain, item: str, keys: dict[str, Any], field: str) -> int:
    """One field of a lock row (conviction read as its integer part of U64F64)."""
    locks = C.conviction_locks(chain.state)
    netuid = int(keys["netuid"])
    row: C.LockState | None
    if item == "Lock":
        held = locks.locks.get((str(keys["coldkey"]), netuid))
        row = held[1] if held and held[0] == str(keys["hotkey"]) else None
    elif item in ("OwnerLock", "DecayingOwnerLock"):
        row = (locks.owner if item == "OwnerLock" else locks.decaying_owner).get(netuid)
    elif item in ("HotkeyLock", "DecayingHotkeyLock"):
        table = locks.hotkey if item == "HotkeyLock" else locks.decaying_hotkey
        row = table.get((netuid, str(keys["hotkey"])))
    else:
        raise NotReplayed(f"lock item {item!r} is not read yet")
    if row is None:
        return 0
    if field == "locked_mass":
        return row.locked_mass
    if field == "conviction":
        return row.conviction >> FRAC64
    raise NotReplayed(f"lock field {field!r} is not read yet")


# -- the registration queue -----------------------------------------------------------------


def add_dynamic_network(
    chain: MockChain, owner_hotkey: str, owner_coldkey: str, netuid: int | None = None
) -> int:
    """The mock helper under the 473 payment: the owner is funded with the lock plus the
    existential deposit (the exact-payment rule moves the whole cost only while the deposit
    stays; upstream's helper funds exactly the lock, see the file's semantics)."""
    subnets.fund(chain, owner_coldkey, chain.state.params.existential_deposit)
    return subnets.add_dynamic_network(chain, owner_hotkey, owner_coldkey, netuid)


def do_dissolve_network(chain: MockChain, netuid: int) -> None:
    """``do_dissolve_network``: out of NetworksAdded, into the cleanup queue."""
    lifecycle.dissolve_network_queued(chain.state, chain.rules, [], int(netuid))


def process_network_registration_queue(chain: MockChain) -> None:
    lifecycle.process_registration_queue(chain.state, chain.rules, [])


def run_block_idle(chain: MockChain) -> None:
    lifecycle.on_idle_queue(chain.state, chain.rules)


def _median_bits(value: Any, chain: MockChain) -> int:
    if isinstance(value, dict) and value.get("getter") == "MedianSubnetAlphaPrice":
        return lifecycle.median_subnet_alpha_price_bits(chain.state)
    if isinstance(value, (int, float)):
        return U64F64.from_f64(float(value))
    raise NotReplayed(f"median price {value!r}")


def set_new_network_state(
    chain: MockChain,
    coldkey: str,
    hotkey: str,
    mechanism: int,
    lock_amount: int,
    median_price: Any,
    lock_id: int | None = None,
) -> None:
    """The registration body called directly (``lock_id`` None: paid from the balance)."""
    if lock_id is not None and int(lock_id) not in queue_view(chain.state).escrow:
        raise NotReplayed(f"lock id {lock_id} has no escrow in dtao")
    lifecycle.set_new_network_state(
        chain.state,
        chain.rules,
        [],
        str(coldkey),
        str(hotkey),
        int(mechanism),
        int(lock_amount),
        _median_bits(median_price, chain),
        None if lock_id is None else int(lock_id),
    )


def mutate_storage(chain: MockChain, item: str, add: int) -> None:
    """``TotalIssuance += add`` (no holder: the upstream tests' bookkeeping)."""
    if item != "TotalIssuance":
        raise NotReplayed(f"mutate_storage of {item!r}")
    chain.state.total_issuance += int(add)


def set_network_last_lock(chain: MockChain, value: int) -> None:
    chain.state.network_last_lock = int(value)


def set_network_last_lock_block(chain: MockChain, block: int) -> None:
    chain.state.network_last_lock_block = int(block)


def _cleanup_queue(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    """DissolveCleanupQueue written whole (``[]``: every cleanup finished)."""
    queue = registration_queue(chain.state)
    netuids = [int(n) for n in value]
    if any(n in chain.state.subnets for n in netuids):
        raise NotReplayed(f"cleanup queue {netuids} names an added subnet")
    queue.cleanup = netuids


def _rate_limit(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    chain.state.params = dataclasses.replace(chain.state.params, network_rate_limit=int(value))


def _other_added(read: Callable[[Any], Any]) -> Callable[..., Any]:
    def quantity(chain: MockChain, except_: list[int] | None = None, **keys: Any) -> Any:
        skip = {int(n) for n in (keys.get("except") or except_ or [])}
        others = [n for n in sorted(chain.state.subnets) if n not in skip]
        if len(others) != 1:
            raise NotReplayed(f"{len(others)} other added subnets, expected one")
        return read(chain.state.subnets[others[0]])

    return quantity


def _contains(chain: MockChain, item: str, keys: dict[str, Any]) -> bool:
    if item == "DissolveCleanupQueue":
        return int(keys["netuid"]) in queue_view(chain.state).cleanup
    return mock_current_root.QUANTITIES["Contains"](chain, item, keys)  # root seats, then 14bc6f9


RECORD_ACTIONS: dict[str, Callable[..., ops.Operation]] = {}
ACTIONS: dict[str, Callable[..., Any]] = {
    "setup_subnet_with_stake": setup_subnet_with_stake,
    "change_subnet_owner_if_needed": change_subnet_owner_if_needed,
    "add_locking_coldkey": add_locking_coldkey,
    "add_dynamic_network": add_dynamic_network,
    "do_dissolve_network": do_dissolve_network,
    "process_network_registration_queue": process_network_registration_queue,
    # the upstream helper's body is not stored; every case using it has one queued entry
    "run_network_registration_queue": process_network_registration_queue,
    "run_block_idle": run_block_idle,
    "set_new_network_state": set_new_network_state,
    "mutate_storage": mutate_storage,
    "set_network_last_lock": set_network_last_lock,
    "set_network_last_lock_block": set_network_last_lock_block,
}
STORAGE: dict[str, Callable[[MockChain, dict[str, Any], Any], None]] = {
    "Lock": _lock_row,
    "HotkeyLock": _aggregate("hotkey", owner=False),
    "DecayingHotkeyLock": _aggregate("decaying_hotkey", owner=False),
    "OwnerLock": _aggregate("owner", owner=True),
    "DecayingOwnerLock": _aggregate("decaying_owner", owner=True),
    "DecayingLock": _decaying_lock,
    "SubnetOwnerHotkey": _owner_hotkey,
    "NetworkRegisteredAt": _registered_at,
    "AlphaBurned": _alpha_burned,
    "SubnetAlphaOut": _alpha_out,
    "DissolveCleanupQueue": _cleanup_queue,
    "NetworkRateLimit": _rate_limit,
}


def _last_event(chain: MockChain) -> dict[str, Any]:
    """``System::events().last()`` after an extrinsic, for the events dtao's receipts imply:
    a ``RegisterNetwork`` that created a subnet ends with ``NetworkAdded(netuid, mechanism)``
    (``do_register_network`` deposits it last)."""
    receipt = chain.last_receipt
    if receipt is not None and isinstance(receipt.op, ops.RegisterNetwork) and receipt.result:
        netuid = int(receipt.result)
        return {
            "event": "NetworkAdded",
            "args": [netuid, chain.state.columns.get("mechanism", netuid)],
        }
    raise NotReplayed("the last event of this step is not derived from dtao's receipts")


QUANTITIES: dict[str, Callable[..., Any]] = {
    "LastEvent": _last_event,
    "LockField": _lock_field,
    "TotalConviction": lambda c, netuid: C.total_conviction(c.state, int(netuid)) >> FRAC64,
    "NetworkRegistrationQueueLen": lambda c: len(queue_view(c.state).entries),
    "NetworkRegistrationQueueColdkey": lambda c, index: (
        queue_view(c.state).entries[int(index)].coldkey
    ),
    "DissolveCleanupQueueLen": lambda c: len(queue_view(c.state).cleanup),
    "Contains": _contains,
    "HotkeyAccountExists": lambda c, hotkey: str(hotkey) in c.state.hotkey_owner,
    "ColdkeyOwnsHotkey": lambda c, coldkey, hotkey: (
        c.state.hotkey_owner.get(str(hotkey)) == str(coldkey)
    ),
    "SubnetOwnerOfOtherAdded": _other_added(lambda s: s.owner_coldkey),
    "SubnetOwnerHotkeyOfOtherAdded": _other_added(lambda s: s.owner_hotkey),
    "NetworkLastLock": lambda c: c.state.network_last_lock,
    "UidForHotkey": lambda c, netuid, hotkey: c.state.subnets[int(netuid)].neurons.uid_of(
        str(hotkey)
    ),
    "SubnetMechanism": lambda c, netuid: c.state.columns.get("mechanism", int(netuid)),
    "NetworkLastLockBlock": lambda c: c.state.network_last_lock_block,
    "AlphaBurned": lambda c, netuid: summer_columns(c.state).get("alpha_burned", int(netuid)),
    "LastEpochBlock": lambda c, netuid: summer_columns(c.state).get(
        "last_epoch_block", int(netuid)
    ),
}

register_overlay("current", sys.modules[__name__])
