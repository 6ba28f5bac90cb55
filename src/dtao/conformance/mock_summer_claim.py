"""The summer-2026 (14bc6f9) overlay of the ops mock for root claims (ops_head_claim_root.json).

Extrinsics become the records of :mod:`dtao.operations` (``claim_root``, ``set_root_claim_type``
and the two sudo calls); reads are the chain's storage items of ``pallets/subtensor/src/lib.rs``
@ ``14bc6f9`` over :mod:`dtao.root_claim`. The setup helpers common to the head files
(``new_test_ext``, ``mock_credit_stake``, ``remove_owner_registration_stake``) are minimal
versions of the file's ``semantics``, until the pool overlay's own ones are merged.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from dtao import ledger
from dtao import operations as ops
from dtao import root_claim as rc
from dtao.conformance.cases_ops import MockChain, NotReplayed, register_overlay
from dtao.fixed import FRAC32, from_f64


def _claim_type_record(coldkey: str, type: Any) -> ops.SetRootClaimType:  # noqa: A002
    """``set_root_claim_type {coldkey, type}``: "Swap" | "Keep" | {"KeepSubnets": [...]}."""
    if isinstance(type, dict):
        return ops.SetRootClaimType(coldkey, "KeepSubnets", tuple(type["KeepSubnets"]))
    return ops.SetRootClaimType(coldkey, str(type))


RECORD_ACTIONS: dict[str, Callable[..., ops.Operation]] = {
    "claim_root": lambda coldkey, subnets: ops.ClaimRoot(coldkey, tuple(subnets)),
    "set_root_claim_type": _claim_type_record,
    "sudo_set_num_root_claims": ops.SudoSetNumRootClaims,
    "sudo_set_root_claim_threshold": ops.SudoSetRootClaimThreshold,
}


def _new_test_ext(chain: MockChain, block: int) -> None:
    """``new_test_ext(block)``: an empty genesis at ``block``."""
    chain.state.block = int(block)


def _mock_credit_stake(chain: MockChain, hotkey: str, coldkey: str, netuid: int, amount: int):
    """``mock_increase_stake_for_hotkey_and_coldkey_on_subnet``: a share-pool credit, and the
    subnet's account funded with 100 × ``amount`` (minted). dtao keeps no subnet accounts:
    the funding counts in issuance and sits in that account's free balance."""
    netuid, amount = int(netuid), int(amount)
    ledger.increase_stake(chain.state, coldkey, hotkey, netuid, amount)
    ledger.increase_balance(chain.state, f"subnet_account:{netuid}", 100 * amount)
    chain.state.total_issuance += 100 * amount


def _maybe_add_coldkey_index(chain: MockChain, coldkey: str) -> None:
    rc.add_coldkey_index(rc.root_claims(chain.state), coldkey)


ACTIONS: dict[str, Callable[..., Any]] = {
    "new_test_ext": _new_test_ext,
    "mock_credit_stake": _mock_credit_stake,
    "remove_owner_registration_stake": lambda chain, netuid: None,  # a no-op at 14bc6f9
    "maybe_add_coldkey_index": _maybe_add_coldkey_index,
}


def _threshold(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    bits = keys.get("value_bits")
    raw = int(bits) if bits is not None else from_f64(float(value), FRAC32, 128)
    rc.root_claims(chain.state).threshold[int(keys["netuid"])] = raw


def _networks_added(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    """``NetworksAdded``: root (and any registered subnet) exists in dtao already."""
    netuid = int(keys["netuid"])
    if bool(value) != (netuid == 0 or netuid in chain.state.subnets):
        raise NotReplayed(f"NetworksAdded[{netuid}] = {value} has no dtao counterpart")


STORAGE: dict[str, Callable[[MockChain, dict[str, Any], Any], None]] = {
    "RootClaimableThreshold": _threshold,
    "NetworksAdded": _networks_added,
}


def _ext(chain: MockChain) -> rc.RootClaims:
    return rc.peek(chain.state) or rc.RootClaims()


def _claim_type(chain: MockChain, coldkey: str) -> Any:
    kind = rc.get_claim_type(_ext(chain), coldkey)
    return kind if isinstance(kind, str) else {"KeepSubnets": list(kind)}


def _rate(chain: MockChain, hotkey: str, netuid: int) -> float | None:
    raw = _ext(chain).claimable.get(hotkey, {}).get(int(netuid))
    return None if raw is None else raw / (1 << FRAC32)


def _contains(chain: MockChain, item: str, keys: dict[str, Any]) -> bool:
    """``contains_key`` of a root-claim map."""
    ext = _ext(chain)
    if item == "StakingColdkeysByIndex":
        return 0 <= int(keys["index"]) < len(ext.coldkeys)
    if item == "StakingColdkeys":
        return str(keys["coldkey"]) in ext.coldkey_index
    if item == "RootClaimable":
        return int(keys["netuid"]) in ext.claimable.get(str(keys["hotkey"]), {})
    if item == "RootClaimed":
        return (int(keys["netuid"]), str(keys["hotkey"]), str(keys["coldkey"])) in ext.claimed
    raise NotReplayed(f"Contains {item!r} is not read yet")


QUANTITIES: dict[str, Callable[..., Any]] = {
    "RootClaimType": _claim_type,
    "RootClaimable": _rate,
    "RootClaimed": lambda c, netuid, hotkey, coldkey: _ext(c).claimed.get(
        (int(netuid), hotkey, coldkey), 0
    ),
    "RootClaimableThreshold": lambda c, netuid: (
        rc.threshold_bits(_ext(c), c.state.params, int(netuid)) / (1 << FRAC32)
    ),
    "NumRootClaim": lambda c: rc.get_num_root_claim(rc.peek(c.state), c.state.params),
    "NumStakingColdkeys": lambda c: len(_ext(c).coldkeys),
    "SubnetRootSellTao": lambda c, netuid: _ext(c).root_sell_tao.get(int(netuid), 0),
    "Contains": _contains,
    "AlphaIssuance": lambda c, netuid: (
        c.state.columns.get("alpha_in", int(netuid)) + c.state.columns.get("alpha_out", int(netuid))
    ),
}

register_overlay("summer-2026", sys.modules[__name__])
