"""Canonical, lossless JSON of the network state, and its digest.

Amounts are decimal strings (2.1e16 rao exceeds JavaScript's 2^53); keys are sorted; floats use
Python's shortest round-trip repr. ``loads(dumps(s))`` has the same digest as ``s``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np

from dtao.errors import ConfigError
from dtao.params import params_from_dict
from dtao.state import (
    EXTENSION_DECODERS,
    FLOAT_COLUMNS,
    INT_COLUMNS,
    Neurons,
    SharePool,
    State,
    Subnet,
)

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
    "last_epoch_block",
)
_AMOUNT_FIELDS = {"locked", "burn", "burn_min", "burn_max"}


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


def _neurons_from_dict(data: dict[str, Any]) -> Neurons:
    neurons = Neurons(capacity=int(data["capacity"]), hotkeys=list(data["hotkeys"]))
    n = len(neurons.hotkeys)
    for name in _NEURON_VECTORS:
        getattr(neurons, name)[:n] = data[name]
    for uid, row in data["weights"]:
        for j, value in row:
            neurons.weights[uid, j] = value
            neurons.weights_present[uid, j] = True
    for uid, row in data["bonds"]:
        for j, value in row:
            neurons.bonds[uid, j] = value
    return neurons


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


def loads(text: str) -> State:
    """State from canonical JSON; ``ConfigError`` with a clear message on bad input."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ConfigError(f"not a dtao state (expected format {FORMAT!r})")
        return _state_from_dict(data)
    except ConfigError:
        raise
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise ConfigError(f"malformed dtao state JSON: {type(exc).__name__}: {exc}") from None


def _state_from_dict(data: dict[str, Any]) -> State:
    state = State(params=params_from_dict(data["params"]))
    state.block = int(data["block"])
    for name in ("total_issuance", "root_tao", "root_fee_tao", "lost_tao", "network_last_lock"):
        setattr(state, name, int(data[name]))
    state.network_last_lock_block = int(data["network_last_lock_block"])
    for name, section in data.get("extensions", {}).items():
        decoder = EXTENSION_DECODERS.get(name)
        if decoder is None:
            raise ConfigError(f"unknown state extension {name!r}")
        state.extensions[name] = decoder(section)
    state.balances = {ck: int(v) for ck, v in data["balances"].items()}
    state.hotkey_owner = dict(data["hotkey_owner"])
    state.takes = {hk: int(v) for hk, v in data["takes"].items()}
    state.take_changed_at = {hk: int(v) for hk, v in data["take_changed_at"].items()}
    for hotkey, netuid, value, total, shares in data["stakes"]:
        state.stakes[(hotkey, int(netuid))] = SharePool(
            value=int(value),
            total_shares=int(total),
            shares={ck: int(sh) for ck, sh in shares.items()},
        )
    cols = state.columns
    for key, entry in data["subnets"].items():
        netuid = int(key)
        scalars: dict[str, Any] = {
            name: int(entry[name]) if name in _AMOUNT_FIELDS else entry[name]
            for name in _SUBNET_SCALARS
        }
        state.subnets[netuid] = Subnet(
            netuid=netuid, neurons=_neurons_from_dict(entry["neurons"]), **scalars
        )
        cols.ensure(netuid)
        cols.exists[netuid] = True
        for name in INT_COLUMNS:
            getattr(cols, name)[netuid] = int(entry["pool"][name])
        for name in FLOAT_COLUMNS:
            getattr(cols, name)[netuid] = float(entry["ratios"][name])
    return state
