"""Canonical, lossless JSON of the network state, and its digest.

Amounts are decimal strings (2.1e16 rao exceeds JavaScript's 2^53); keys are sorted; floats use
Python's shortest round-trip repr. ``loads(dumps(s))`` has the same digest as ``s``.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from dtao.errors import ConfigError, InvariantViolation
from dtao.params import MAX_UIDS_MAX, params_from_dict
from dtao.state import (
    EXTENSION_DECODERS,
    FLOAT_COLUMNS,
    INT_COLUMNS,
    Neurons,
    SharePool,
    State,
    Subnet,
)
from dtao.units import U64_MAX

FORMAT = "dtao-state/1"
_NEURON_VECTORS = (
    "registered_at",
    "last_update",
    "validator_permit",
    "pruning_score",
    "incentive",
    "dividends",
    "emission",
    "consensus",
    "validator_trust",
    "active",
)
_SUBNET_SCALARS = (
    "owner_coldkey",
    "owner_hotkey",
    "registered_at",
    "locked",
    "max_uids",
    "max_validators",
    "immunity_period",
    "burn",
    "burn_min",
    "burn_max",
    "registrations_this_interval",
    "burn_registrations_this_interval",
    "pow_registrations_this_interval",
    "adjustment_alpha_u64",
    "rao_recycled",
    "last_epoch_block",
)
_AMOUNT_FIELDS = {"locked", "burn", "burn_min", "burn_max", "adjustment_alpha_u64", "rao_recycled"}
#: amount fields that hold a u64 (the chain's AdjustmentAlpha is a u64 ratio numerator)
_U64_FIELDS = {"adjustment_alpha_u64"}


def _amount(value: int) -> str:
    return str(int(value))


def _sparse_rows(matrix: np.ndarray, present: np.ndarray, n: int) -> list[list[Any]]:
    rows = []
    for uid in range(n):
        cols = np.flatnonzero(present[uid, :n])
        if len(cols):
            rows.append([uid, [[int(j), int(matrix[uid, j])] for j in cols]])
    return rows


def _neurons_to_dict(neurons: Neurons) -> dict[str, Any]:
    n = neurons.n
    data: dict[str, Any] = {"capacity": neurons.capacity, "hotkeys": list(neurons.hotkeys)}
    for name in _NEURON_VECTORS:
        values = getattr(neurons, name)[:n]
        data[name] = [bool(v) for v in values] if values.dtype == bool else [int(v) for v in values]
    data["weights"] = _sparse_rows(neurons.weights, neurons.weights_present, n)
    data["bonds"] = _sparse_rows(neurons.bonds, neurons.bonds > 0, n)
    return data


def state_to_dict(state: State) -> dict[str, Any]:
    """Plain, canonical data for a state (amounts as strings)."""
    cols = state.columns
    subnets = {}
    for netuid in state.netuids:
        subnet = state.subnets[netuid]
        entry: dict[str, Any] = {}
        for name in _SUBNET_SCALARS:
            value = getattr(subnet, name)
            entry[name] = _amount(value) if name in _AMOUNT_FIELDS else value
        entry["pool"] = {name: _amount(cols.get(name, netuid)) for name in INT_COLUMNS}
        entry["ratios"] = {name: float(getattr(cols, name)[netuid]) for name in FLOAT_COLUMNS}
        entry["neurons"] = _neurons_to_dict(subnet.neurons)
        subnets[str(netuid)] = entry
    stakes = [
        [
            hotkey,
            netuid,
            _amount(pool.value),
            str(pool.total_shares),
            {ck: str(sh) for ck, sh in sorted(pool.shares.items())},
        ]
        for (hotkey, netuid), pool in sorted(state.stakes.items())
    ]
    data: dict[str, Any] = {
        "format": FORMAT,
        "params": state.params.to_dict(),
        "block": state.block,
        "total_issuance": _amount(state.total_issuance),
        "root_tao": _amount(state.root_tao),
        "root_fee_tao": _amount(state.root_fee_tao),
        "lost_tao": _amount(state.lost_tao),
        "total_stake": _amount(state.total_stake),
        "network_last_lock": _amount(state.network_last_lock),
        "network_last_lock_block": state.network_last_lock_block,
        "balances": {ck: _amount(v) for ck, v in sorted(state.balances.items())},
        "hotkey_owner": dict(sorted(state.hotkey_owner.items())),
        "takes": dict(sorted(state.takes.items())),
        "take_changed_at": dict(sorted(state.take_changed_at.items())),
        "stakes": stakes,
        "subnets": subnets,
    }
    if state.extensions:  # an era's own state, one section per extension
        data["extensions"] = {name: ext.to_dict() for name, ext in sorted(state.extensions.items())}
    return data


def dumps(state: State) -> str:
    """Canonical JSON text of a state."""
    return json.dumps(state_to_dict(state), sort_keys=True, separators=(",", ":"))


def digest(state: State) -> str:
    """sha256 of the canonical JSON: equal digests ⇔ equal states."""
    return hashlib.sha256(dumps(state).encode()).hexdigest()


def loads(text: str | bytes, check: Callable[[State], None] | None = None) -> State:
    """State from canonical JSON, validated: every key known and present, every value of its
    type and range (amounts as decimal strings within int64, never negative except the signed
    ``alpha_unbacked``; ints never floats or bools), references that resolve (stakes on existing
    subnets through owned hotkeys, neurons with owners), and then ``check(state)`` — the
    conservation identities (:func:`dtao.invariants.check`) when the caller passes them.

    Any failure is a ``ConfigError`` whose message names the key (``subnets.1.pool.tao_in:
    …``); an ``InvariantViolation`` from ``check`` is reported as a ``ConfigError`` too.
    """
    if not isinstance(text, str | bytes | bytearray):
        raise ConfigError(f"a dtao state is JSON text, got {type(text).__name__}")
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ConfigError(f"not a dtao state (expected format {FORMAT!r})")
        state = _state_from_dict(data)
    except ConfigError:
        raise
    except (ValueError, KeyError, TypeError, IndexError, OverflowError, RecursionError) as exc:
        raise ConfigError(f"malformed dtao state JSON: {type(exc).__name__}: {exc}") from None
    if check is not None:
        try:
            check(state)
        except InvariantViolation as exc:
            raise ConfigError(
                f"inconsistent dtao state (a conservation identity fails): {exc}"
            ) from None
    return state


# -- schema ---------------------------------------------------------------------------------------

I64_MIN, I64_MAX = -(2**63), 2**63 - 1
BLOCK_MAX = 2**62  # block numbers meet int64 columns (block + netuid + 1, block − cutoff)
U64F64_MAX = 2**128 - 1  # share-pool shares are U64F64 raw integers
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)")
_TOP_KEYS = (
    "format",
    "params",
    "block",
    "total_issuance",
    "root_tao",
    "root_fee_tao",
    "lost_tao",
    "total_stake",
    "network_last_lock",
    "network_last_lock_block",
    "balances",
    "hotkey_owner",
    "takes",
    "take_changed_at",
    "stakes",
    "subnets",
)
#: top-level amounts -> (low, high); ``lost_tao`` is signed: TAO a stable subnet paid beyond its
#: reserve is new TAO, booked as negative loss (extrinsics.swap_alpha_for_tao)
_TOP_AMOUNTS: dict[str, tuple[int, int]] = {
    "total_issuance": (0, I64_MAX),
    "root_tao": (0, I64_MAX),
    "root_fee_tao": (0, I64_MAX),
    "lost_tao": (I64_MIN, I64_MAX),
    "total_stake": (0, U64_MAX),  # TotalStake saturates at u64::MAX
    "network_last_lock": (0, I64_MAX),
}
_NEURON_KEYS = ("capacity", "hotkeys", *_NEURON_VECTORS, "weights", "bonds")
_BLOCK_VECTORS = {"registered_at", "last_update"}
_BOOL_VECTORS = {"validator_permit", "active"}
_U16_VECTORS = {"pruning_score", "incentive", "dividends", "consensus", "validator_trust"}
#: (low, high) of the int columns other than plain non-negative int64 amounts
_COLUMN_RANGES: dict[str, tuple[int, int]] = {
    "alpha_unbacked": (I64_MIN, I64_MAX),  # signed: the documented launch drift
    "tempo": (0, 65_535),
    "registration_allowed": (0, 1),
    "mechanism": (0, 1),  # SubnetMechanism: 0 stable, 1 dynamic
    "transfers_off": (0, 1),
    "last_burn_adjustment": (0, BLOCK_MAX),
    "registration_block": (0, BLOCK_MAX),
}
_FLOAT_RANGES: dict[str, tuple[float, float]] = {"emission_share": (0.0, 1.0)}
_SUBNET_INTS: dict[str, tuple[int, int]] = {
    "registered_at": (0, BLOCK_MAX),
    "max_validators": (0, 65_535),
    "immunity_period": (0, 65_535),
    "registrations_this_interval": (0, I64_MAX),
    "burn_registrations_this_interval": (0, I64_MAX),
    "pow_registrations_this_interval": (0, I64_MAX),
    "last_epoch_block": (0, BLOCK_MAX),
}


def _fail(where: str, message: str) -> ConfigError:
    return ConfigError(f"{where}: {message}")


def _show(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def _object(value: Any, where: str, keys: Iterable[str], optional: Iterable[str] = ()) -> dict:
    """A JSON object with exactly ``keys`` (and possibly ``optional`` ones)."""
    if not isinstance(value, dict):
        raise _fail(where, f"expected an object, got {_show(value)}")
    required, allowed = set(keys), set(keys) | set(optional)
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise _fail(where, f"unknown key(s) {unknown}")
    missing = sorted(required - set(value))
    if missing:
        raise _fail(where, f"missing key(s) {missing}")
    return value


def _list(value: Any, where: str, length: int | None = None) -> list:
    if not isinstance(value, list):
        raise _fail(where, f"expected a list, got {_show(value)}")
    if length is not None and len(value) != length:
        raise _fail(where, f"expected {length} entries, got {len(value)}")
    return value


def _int(value: Any, where: str, low: int, high: int) -> int:
    """A JSON integer (not a float, not a bool) in [low, high]."""
    if type(value) is not int:
        raise _fail(where, f"expected an integer, got {_show(value)}")
    if not low <= value <= high:
        raise _fail(where, f"{value} is outside [{low}, {high}]")
    return value


def _decimal(value: Any, where: str, low: int = 0, high: int = I64_MAX) -> int:
    """An amount as a decimal string (``"123"``) in [low, high]; negative only if low < 0."""
    if not isinstance(value, str) or not _DECIMAL.fullmatch(value):
        raise _fail(where, f"expected an integer as a decimal string, got {_show(value)}")
    number = int(value)
    if number < low:
        raise _fail(where, f"must not be negative, got {value}" if low == 0 else f"below {low}")
    if number > high:
        raise _fail(where, f"{value} exceeds {high}")
    return number


def _float(value: Any, where: str, low: float, high: float) -> float:
    if type(value) not in (int, float) or not math.isfinite(value):
        raise _fail(where, f"expected a finite number, got {_show(value)}")
    if not low <= value <= high:
        raise _fail(where, f"{value} is outside [{low}, {high}]")
    return float(value)


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, f"expected a non-empty name, got {_show(value)}")
    return value


def _bool(value: Any, where: str) -> bool:
    if type(value) is not bool:
        raise _fail(where, f"expected true or false, got {_show(value)}")
    return value


def _names_to(value: Any, where: str, read: Callable[[Any, str], Any]) -> dict[str, Any]:
    """An object from non-empty names to values read by ``read``."""
    if not isinstance(value, dict):
        raise _fail(where, f"expected an object, got {_show(value)}")
    return {_name(k, f"{where} key"): read(v, f"{where}.{k}") for k, v in value.items()}


def _neurons_from_dict(data: Any, where: str, owners: dict[str, str]) -> Neurons:
    data = _object(data, where, _NEURON_KEYS)
    hotkeys = [
        _name(h, f"{where}.hotkeys[{i}]")
        for i, h in enumerate(_list(data["hotkeys"], f"{where}.hotkeys"))
    ]
    n = len(hotkeys)
    capacity = _int(data["capacity"], f"{where}.capacity", max(n, 1), MAX_UIDS_MAX)
    seen: set[str] = set()
    for i, hotkey in enumerate(hotkeys):
        if hotkey not in owners:
            raise _fail(f"{where}.hotkeys[{i}]", f"hotkey {hotkey!r} has no entry in hotkey_owner")
        if hotkey in seen:
            raise _fail(f"{where}.hotkeys[{i}]", f"hotkey {hotkey!r} holds two UIDs")
        seen.add(hotkey)
    neurons = Neurons(capacity=capacity, hotkeys=hotkeys)
    for name in _NEURON_VECTORS:
        at = f"{where}.{name}"
        values = _list(data[name], at, n)
        if name in _BOOL_VECTORS:
            items: list[Any] = [_bool(v, f"{at}[{i}]") for i, v in enumerate(values)]
        else:
            high = (
                65_535 if name in _U16_VECTORS else BLOCK_MAX if name in _BLOCK_VECTORS else I64_MAX
            )
            items = [_int(v, f"{at}[{i}]", 0, high) for i, v in enumerate(values)]
        getattr(neurons, name)[:n] = items
    for name in ("weights", "bonds"):
        for uid, j, value in _sparse_entries(data[name], f"{where}.{name}", n):
            getattr(neurons, name)[uid, j] = value
            if name == "weights":
                neurons.weights_present[uid, j] = True
    return neurons


def _sparse_entries(data: Any, where: str, n: int) -> list[tuple[int, int, int]]:
    """``[[uid, [[j, u16], …]], …]`` with uids and js ascending, each < n."""
    out: list[tuple[int, int, int]] = []
    last_uid = -1
    for r, row in enumerate(_list(data, where)):
        at = f"{where}[{r}]"
        uid_value, entries = _list(row, at, 2)
        uid = _int(uid_value, f"{at}[0]", last_uid + 1, n - 1)
        last_uid, last_j = uid, -1
        for e, entry in enumerate(_list(entries, f"{at}[1]")):
            j_value, value = _list(entry, f"{at}[1][{e}]", 2)
            last_j = _int(j_value, f"{at}[1][{e}][0]", last_j + 1, n - 1)
            out.append((uid, last_j, _int(value, f"{at}[1][{e}][1]", 0, 65_535)))
    return out


def _subnet_from_dict(state: State, key: Any, entry: Any) -> None:
    where = f"subnets.{key}"
    if not isinstance(key, str) or not _DECIMAL.fullmatch(key):
        raise _fail(where, "a subnet key must be its netuid as a decimal string")
    netuid = _int(int(key), where, 1, 65_535)
    entry = _object(entry, where, (*_SUBNET_SCALARS, "pool", "ratios", "neurons"))
    scalars: dict[str, Any] = {}
    for name in _SUBNET_SCALARS:
        at, value = f"{where}.{name}", entry[name]
        if name in ("owner_coldkey", "owner_hotkey"):
            scalars[name] = _name(value, at)
        elif name in _AMOUNT_FIELDS:
            scalars[name] = _decimal(value, at, 0, U64_MAX if name in _U64_FIELDS else I64_MAX)
        elif name == "max_uids":
            scalars[name] = _int(value, at, 0, MAX_UIDS_MAX)
        else:
            low, high = _SUBNET_INTS[name]
            scalars[name] = _int(value, at, low, high)
    if scalars["owner_hotkey"] not in state.hotkey_owner:
        raise _fail(f"{where}.owner_hotkey", "the owner hotkey has no entry in hotkey_owner")
    neurons = _neurons_from_dict(entry["neurons"], f"{where}.neurons", state.hotkey_owner)
    if scalars["max_uids"] > neurons.capacity:
        raise _fail(f"{where}.max_uids", f"exceeds the neuron capacity {neurons.capacity}")
    state.subnets[netuid] = Subnet(netuid=netuid, neurons=neurons, **scalars)
    cols = state.columns
    cols.ensure(netuid)
    cols.exists[netuid] = True
    pool = _object(entry["pool"], f"{where}.pool", INT_COLUMNS)
    for name in INT_COLUMNS:
        low, high = _COLUMN_RANGES.get(name, (0, I64_MAX))
        getattr(cols, name)[netuid] = _decimal(pool[name], f"{where}.pool.{name}", low, high)
    ratios = _object(entry["ratios"], f"{where}.ratios", FLOAT_COLUMNS)
    for name in FLOAT_COLUMNS:
        low_f, high_f = _FLOAT_RANGES.get(name, (-math.inf, math.inf))
        getattr(cols, name)[netuid] = _float(ratios[name], f"{where}.ratios.{name}", low_f, high_f)


def _state_from_dict(data: dict[str, Any]) -> State:
    data = _object(data, "state", _TOP_KEYS, optional=("extensions",))
    try:
        params = params_from_dict(data["params"])
    except ConfigError as exc:
        raise _fail("params", str(exc)) from None
    state = State(params=params)
    state.block = _int(data["block"], "block", 0, BLOCK_MAX)
    for name, (low, high) in _TOP_AMOUNTS.items():
        setattr(state, name, _decimal(data[name], name, low, high))
    state.network_last_lock_block = _int(
        data["network_last_lock_block"], "network_last_lock_block", 0, BLOCK_MAX
    )
    extensions = data.get("extensions", {})
    if not isinstance(extensions, dict):
        raise _fail("extensions", f"expected an object, got {_show(extensions)}")
    for name, section in extensions.items():
        decoder = EXTENSION_DECODERS.get(name)
        if decoder is None:
            raise ConfigError(f"unknown state extension {name!r}")
        try:
            state.extensions[name] = decoder(section)
        except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
            raise _fail(f"extensions.{name}", f"{type(exc).__name__}: {exc}") from None
    state.balances = _names_to(data["balances"], "balances", _decimal)
    state.hotkey_owner = _names_to(data["hotkey_owner"], "hotkey_owner", _name)
    state.takes = _names_to(data["takes"], "takes", lambda v, at: _int(v, at, 0, 65_535))
    state.take_changed_at = _names_to(
        data["take_changed_at"], "take_changed_at", lambda v, at: _int(v, at, 0, BLOCK_MAX)
    )
    subnets = data["subnets"]
    if not isinstance(subnets, dict):
        raise _fail("subnets", f"expected an object, got {_show(subnets)}")
    for key, entry in subnets.items():
        _subnet_from_dict(state, key, entry)
    for i, row in enumerate(_list(data["stakes"], "stakes")):
        at = f"stakes[{i}]"
        hotkey_value, netuid_value, value, total, shares = _list(row, at, 5)
        hotkey = _name(hotkey_value, f"{at}[0]")
        netuid = _int(netuid_value, f"{at}[1]", 0, 65_535)
        if netuid != 0 and netuid not in state.subnets:
            raise _fail(f"{at}[1]", f"stake on subnet {netuid}, which does not exist")
        if hotkey not in state.hotkey_owner:
            raise _fail(f"{at}[0]", f"hotkey {hotkey!r} has no entry in hotkey_owner")
        if (hotkey, netuid) in state.stakes:
            raise _fail(at, f"a second pool for ({hotkey!r}, {netuid})")
        state.stakes[(hotkey, netuid)] = SharePool(
            value=_decimal(value, f"{at}[2]"),
            total_shares=_decimal(total, f"{at}[3]", 0, U64F64_MAX),
            shares=_names_to(shares, f"{at}[4]", lambda v, w: _decimal(v, w, 0, U64F64_MAX)),
        )
    return state
