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

import sys
from collections.abc import Callable
from typing import Any

from dtao import conviction as C
from dtao import operations as ops
from dtao.conformance import cases_ops
from dtao.conformance import mock_summer_pool as pool
from dtao.conformance import mock_summer_subnets as subnets
from dtao.conformance.cases_ops import MockChain, NotReplayed, register_overlay
from dtao.fixed import FRAC64
from dtao.summer import summer_columns

# -- conviction ------------------------------------------------------------------------------


def setup_subnet_with_stake(
    chain: MockChain, coldkey: str, hotkey: str, stake_tao: int, netuid: int = 1
) -> None:
    """The locks.rs helper: a dynamic subnet (owner hotkey 1002, coldkey 1001), its reserves
    set to stake_tao × 1e6 TAO / × 1e7 alpha, the coldkey funded and staked through a real buy
    (no limit), and its lock on the subnet made perpetual."""
    got = subnets.add_dynamic_network(chain, "1002", "1001")
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


RECORD_ACTIONS: dict[str, Callable[..., ops.Operation]] = {}
ACTIONS: dict[str, Callable[..., Any]] = {
    "setup_subnet_with_stake": setup_subnet_with_stake,
    "change_subnet_owner_if_needed": change_subnet_owner_if_needed,
    "add_locking_coldkey": add_locking_coldkey,
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
}
QUANTITIES: dict[str, Callable[..., Any]] = {
    "LockField": _lock_field,
    "TotalConviction": lambda c, netuid: C.total_conviction(c.state, int(netuid)) >> FRAC64,
    "AlphaBurned": lambda c, netuid: summer_columns(c.state).get("alpha_burned", int(netuid)),
    "LastEpochBlock": lambda c, netuid: summer_columns(c.state).get(
        "last_epoch_block", int(netuid)
    ),
}

register_overlay("current", sys.modules[__name__])  # type: ignore[arg-type]
