"""The childkey overlay of the ops mock (``set_children``, childkey take, parent/child stake),
for the launch variant (5073ade) and the summer-2026 one (14bc6f9).

``set_children`` is the mock's ``mock_set_children_no_epochs``: the list is stored as a due
pending list is applied (``do_set_pending_children``), at once and without the extrinsic's
checks; at 14bc6f9 it also writes ``FirstEmissionBlockNumber[netuid] = 0``. The launch-only
table adds ``add_network`` of root (netuid 0: dtao's root always exists) and the epoch payout
called directly with its ``AlphaDividendsPerSubnet`` / ``TaoDividendsPerSubnet`` record.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any

from dtao import childkeys, ledger
from dtao import operations as ops
from dtao.conformance.cases_ops import MockChain, register_overlay
from dtao.fixed import FRAC64
from dtao.receipts import EpochPayouts
from dtao.summer import summer_columns

ROOT = 0


def _children(children: list[list[Any]]) -> childkeys.Links:
    return tuple((int(p), str(child)) for p, child in children)


def set_children(chain: MockChain, netuid: int, parent: str, children: list[list[Any]]) -> None:
    """``mock_set_children_no_epochs`` (tests/mock.rs @ 5073ade, 14bc6f9)."""
    childkeys.apply_now(chain.state, int(netuid), str(parent), _children(children))


def set_children_head(
    chain: MockChain, netuid: int, parent: str, children: list[list[Any]]
) -> None:
    """``mock_set_children_no_epochs`` @ 14bc6f9: FirstEmissionBlockNumber = 0, then applied."""
    summer_columns(chain.state).set("first_emission_block", int(netuid), 0)
    set_children(chain, netuid, parent, children)


def root_register(chain: MockChain, coldkey: str, hotkey: str) -> None:
    """``root_register``: dtao keeps no root UIDs; the hotkey becomes the coldkey's if it has no
    owner yet (no stake moves, the take keeps its default)."""
    chain.state.hotkey_owner.setdefault(str(hotkey), str(coldkey))


def _childkey_take(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    ext = childkeys.ensure(chain.state)
    ext.takes[(str(keys["hotkey"]), int(keys["netuid"]))] = int(value)


def _ck_burn(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    chain.state.params = chain.state.params.replace(ck_burn_u64=int(value))


def _stake_weight(chain: MockChain, hotkey: str, netuid: int) -> float:
    """``get_stake_weights_for_hotkey_on_subnet(..).0``: inherited α + tw·inherited τ (I64F64)."""
    state = chain.state
    alpha = childkeys.inherited(state, hotkey, netuid, netuid)
    root = childkeys.inherited(state, hotkey, netuid, ROOT)
    return ledger.stake_weight_bits(alpha, root, state.params.tao_weight_u64) / (1 << FRAC64)


def _links(table: str) -> Callable[..., list[list[Any]]]:
    def read(chain: MockChain, hotkey: str, netuid: int) -> list[list[Any]]:
        ext = childkeys.get(chain.state)
        links = getattr(ext, table).get((hotkey, netuid), ()) if ext else ()
        return [[p, other] for p, other in links]

    return read


RECORD_ACTIONS: dict[str, Callable[..., ops.Operation]] = {"set_childkey_take": ops.SetChildkeyTake}
ACTIONS: dict[str, Callable[..., Any]] = {
    "set_children": set_children,
    "root_register": root_register,
}
STORAGE: dict[str, Callable[[MockChain, dict[str, Any], Any], None]] = {
    "ChildkeyTake": _childkey_take,
    "CKBurn": _ck_burn,
}
QUANTITIES: dict[str, Callable[..., Any]] = {
    "InheritedStake": lambda c, hotkey, netuid: childkeys.inherited(
        c.state, hotkey, netuid, netuid
    ),
    "TaoInheritedStake": lambda c, hotkey, netuid: childkeys.inherited(
        c.state, hotkey, netuid, ROOT
    ),
    "StakeWeight": _stake_weight,
    "ChildKeys": _links("children"),
    "ParentKeys": _links("parents"),
    "ChildkeyTake": lambda c, hotkey, netuid: childkeys.childkey_take(c.state, hotkey, netuid),
}


# -- launch only: root as add_network(0), the epoch payout with its dividend record ---------------


def add_network_launch(chain: MockChain, netuid: int, tempo: int, mechanism: int = 0) -> None:
    """The mock's ``add_network``; for netuid 0 nothing (root exists in dtao from genesis)."""
    if int(netuid) != ROOT:
        MockChain.add_network(chain, netuid, tempo, mechanism)


def drain_pending_emission(
    chain: MockChain,
    netuid: int,
    pending_alpha: int,
    pending_tao: int,
    pending_swapped: int,
    owner_cut: int,
) -> None:
    """The epoch payout called directly (pots set, paid, restored; see ``cases_ops``), keeping
    each hotkey's non-take parts as ``AlphaDividendsPerSubnet`` / ``TaoDividendsPerSubnet``
    (cleared for the subnet first)."""
    state, netuid = chain.state, int(netuid)
    if netuid not in state.subnets:
        return
    cols = state.columns
    names = ("pending_emission", "pending_root_divs", "pending_alpha_swapped", "pending_owner_cut")
    saved = [cols.get(name, netuid) for name in names]
    given = (pending_alpha, pending_tao, pending_swapped, owner_cut)
    for name, value in zip(names, given, strict=True):
        getattr(cols, name)[netuid] = int(value)
    payouts: EpochPayouts = chain.rules.epoch(state, chain.rules, netuid)
    for name, value in zip(names, saved, strict=True):
        getattr(cols, name)[netuid] = value
    record: dict[tuple[int, str], tuple[int, int]] = chain.__dict__.setdefault("dividends", {})
    for key in [k for k in record if k[0] == netuid]:
        del record[key]
    for i, hotkey in enumerate(payouts.validator_hotkeys):
        record[(netuid, hotkey)] = (int(payouts.alpha_rest[i]), int(payouts.tao_rest[i]))


def _dividends(part: int) -> Callable[..., int]:
    def read(chain: MockChain, netuid: int, hotkey: str) -> int:
        record = chain.__dict__.get("dividends", {})
        return record.get((int(netuid), str(hotkey)), (0, 0))[part]

    return read


LAUNCH = types.SimpleNamespace(
    RECORD_ACTIONS={},
    ACTIONS={"add_network": add_network_launch, "drain_pending_emission": drain_pending_emission},
    STORAGE={},
    QUANTITIES={"AlphaDividendsPerSubnet": _dividends(0), "TaoDividendsPerSubnet": _dividends(1)},
)
HEAD = types.SimpleNamespace(
    RECORD_ACTIONS={}, ACTIONS={"set_children": set_children_head}, STORAGE={}, QUANTITIES={}
)

for _preset in ("launch", "summer-2026"):
    register_overlay(_preset, sys.modules[__name__])
register_overlay("launch", LAUNCH)
register_overlay("summer-2026", HEAD)
