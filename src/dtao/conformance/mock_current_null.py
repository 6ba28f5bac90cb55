"""The current (spec 475) overlay of the ops mock: the Null epoch consensus
(ops_current_emission.json ``null_*`` cases; :mod:`dtao.epoch_null`).

``epoch_mechanism`` returns the epoch's terms without storing them, keyed by hotkey
(``{field: value}`` per hotkey: ``active``, ``new_validator_permit``, ``server_emission``,
``validator_emission``); ``persist_epoch_terms`` stores them. ``set_epoch_consensus`` applies the
sudo record :class:`dtao.operations.SetEpochConsensus` (``checked``: the admin path that also
elects the single permit; unchecked: the bare storage write).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

from dtao import epoch_null, extrinsics
from dtao import operations as ops
from dtao.conformance.cases_ops import MockChain, NotReplayed, overlays_for, register_overlay


def _prior(table: str, name: str) -> Callable[..., Any]:
    """The entry ``name`` of ``table`` in the overlays before this one (summer-2026 first)."""
    this = sys.modules[__name__]
    overlays = [o for o in overlays_for("current") if o is not this and name in getattr(o, table)]
    return getattr(overlays[-1], table)[name]


def add_network_disable_commit_reveal(chain: MockChain, netuid: int, tempo: int) -> None:
    """``add_network`` with commit-reveal and Yuma3 off (neither is read by a Null epoch)."""
    chain.actions["add_network"](chain, int(netuid), int(tempo))


def append_neuron(chain: MockChain, netuid: int, hotkey: str, block: int) -> None:
    """The chain's ``append_neuron``: the next UID, registered at ``block``."""
    chain.state.hotkey_owner.setdefault(hotkey, hotkey)
    extrinsics.append_neuron(chain.state.subnets[int(netuid)], hotkey, int(block))


_CUTOFF_EXPR = re.compile(r"activity_cutoff_blocks\((\d+)\)\s*\+\s*(\d+)")


def set_block(chain: MockChain, block: int | None = None, block_expr: str | None = None) -> None:
    """``System::set_block_number``; ``block_expr`` ``activity_cutoff_blocks(n) + k`` is the
    chain's ``get_activity_cutoff_blocks(n) + k`` (dtao's ActivityCutoff)."""
    if block_expr is not None:
        found = _CUTOFF_EXPR.fullmatch(block_expr.strip())
        if found is None:
            raise NotReplayed(f"block expression {block_expr!r}")
        block = chain.state.params.activity_cutoff + int(found.group(2))
    chain.state.block = int(block or 0)


def set_epoch_consensus(chain: MockChain, netuid: int, mode: str, checked: bool) -> None:
    chain._apply(ops.SetEpochConsensus(int(netuid), epoch_null.MODES[mode], bool(checked)))


def set_weights(
    chain: MockChain,
    hotkey: str,
    netuid: int,
    dests: list[int],
    weights: list[int],
    version_key: int = 0,
) -> None:
    """``set_weights`` (the version key is not checked: the mock's is 0)."""
    chain._apply(ops.SetWeights(hotkey, int(netuid), tuple(dests), tuple(weights)))


def epoch_mechanism(chain: MockChain, netuid: int, mechanism: int, emission: int) -> Any:
    """``epoch_mechanism`` of a Null subnet: the terms by hotkey, nothing stored."""
    netuid = int(netuid)
    hotkeys = chain.state.subnets[netuid].neurons.hotkeys
    if not hotkeys:
        return {}
    if epoch_null.epoch_consensus(chain.state, netuid) != epoch_null.NULL:
        raise NotReplayed("epoch_mechanism of a Yuma subnet")
    terms = epoch_null.null_terms(chain.state, netuid, int(emission))
    chain.__dict__.setdefault("null_terms", {})[netuid] = terms  # for persist_epoch_terms
    return {
        hotkey: {
            "active": bool(terms.active[uid]),
            "new_validator_permit": bool(terms.new_validator_permit[uid]),
            "server_emission": int(terms.server_emission[uid]),
            "validator_emission": int(terms.validator_emission[uid]),
        }
        for uid, hotkey in enumerate(hotkeys)
    }


def persist_epoch_terms(chain: MockChain, netuid: int, returned: str) -> None:
    """``persist_netuid_epoch_terms``: store the terms ``epoch_mechanism`` returned."""
    epoch_null.persist(chain.state, int(netuid), chain.__dict__["null_terms"][int(netuid)])


def _uid_writer(column: str, cast: Callable[[Any], Any]) -> Callable[..., None]:
    """A per-UID write (keys ``uid``) or, without ``uid``, the whole vector (the base writer)."""
    base = {"last_update": "LastUpdate", "validator_permit": "ValidatorPermit"}[column]

    def write(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
        if "uid" not in keys:
            return _prior("STORAGE", base)(chain, keys, value)
        netuid = int(keys.get("netuid", keys.get("netuid_index", 0)))
        getattr(chain.state.subnets[netuid].neurons, column)[int(keys["uid"])] = cast(value)

    return write


RECORD_ACTIONS: dict[str, Callable[..., ops.Operation]] = {}
ACTIONS: dict[str, Callable[..., Any]] = {
    "add_network_disable_commit_reveal": add_network_disable_commit_reveal,
    "append_neuron": append_neuron,
    "set_block": set_block,
    "set_epoch_consensus": set_epoch_consensus,
    "set_weights": set_weights,
    "epoch_mechanism": epoch_mechanism,
    "persist_epoch_terms": persist_epoch_terms,
}
STORAGE: dict[str, Callable[[MockChain, dict[str, Any], Any], None]] = {
    "LastUpdate": _uid_writer("last_update", int),
    "ValidatorPermit": _uid_writer("validator_permit", bool),
}
QUANTITIES: dict[str, Callable[..., Any]] = {
    "EpochConsensus": lambda c, netuid: {v: k for k, v in epoch_null.MODES.items()}[
        epoch_null.epoch_consensus(c.state, int(netuid))
    ],
    "ReturnedField": lambda c, name, key, field: c.returns[name][key][field],
    "ReturnedCountWhere": lambda c, name, field, equals: sum(
        1 for terms in c.returns[name].values() if terms[field] == equals
    ),
    "ValidatorPermit": lambda c, netuid: [
        bool(p)
        for p in c.state.subnets[int(netuid)].neurons.validator_permit[
            : c.state.subnets[int(netuid)].neurons.n
        ]
    ],
    "StepOk": lambda c: True,  # a step that failed has failed the case already
    "MaxAllowedValidators": lambda c, netuid: c.state.subnets[int(netuid)].max_validators,
    "EmissionSum": lambda c, netuid: int(
        c.state.subnets[int(netuid)]
        .neurons.emission[: c.state.subnets[int(netuid)].neurons.n]
        .sum()
    ),
}

register_overlay("current", sys.modules[__name__])
