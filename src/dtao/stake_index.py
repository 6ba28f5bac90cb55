"""References to the share pools of one subnet's UIDs, kept between epochs (a fast twin's aid).

An epoch reads the pool value of every UID's hotkey on its subnet and on root (the stake
weights) and then credits a few hundred of those pools. On the reference path each is one
``state.stakes[(hotkey, netuid)]`` lookup in a table of tens of thousands of pools; here the
pool objects of a subnet are looked up once and kept (in ``state.scratch``) for as long as they
are still the ones the table holds: the subnet's hotkeys are the same and no pool of that
subnet or of root was added, replaced or removed (:meth:`~dtao.state.StakeTable.keys_changed`).
Only references are kept, never amounts, so every value read is the current one.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter

import numpy as np

from dtao import exact_compiled
from dtao.state import SharePool, StakeTable, State, Subnet

ROOT = 0
_NO_POOL = SharePool()  # read-only stand-in (value 0) for a hotkey without a pool
_VALUE = attrgetter("value")
_SCRATCH = "subnet_pools"


@dataclass
class SubnetPools:
    """The pools of one subnet's UIDs on the subnet and on root, as the table held them when
    ``token`` was read (the table's key-change counts of the netuid and of root)."""

    table: StakeTable
    token: tuple[tuple[int, int], tuple[int, int]]
    hotkeys: list[str]  # a copy of the subnet's hotkeys, by UID
    alpha: list[SharePool]  # per UID: the pool on the subnet (the stand-in where none)
    root: list[SharePool]  # per UID: the pool on root (the stand-in where none)
    alpha_by_hotkey: dict[str, SharePool]  # hotkey -> its pool on the subnet, where one exists
    root_by_hotkey: dict[str, SharePool]  # hotkey -> its pool on root, where one exists


def subnet_pools(state: State, subnet: Subnet) -> SubnetPools | None:
    """The current pool references of ``subnet`` (rebuilt when stale); None when
    ``state.stakes`` is not a :class:`~dtao.state.StakeTable` (a plain dict counts nothing)."""
    table = state.stakes
    if type(table) is not StakeTable:
        return None
    netuid = subnet.netuid
    token = (table.keys_changed(netuid), table.keys_changed(ROOT))
    hotkeys = subnet.neurons.hotkeys
    cache = state.scratch.setdefault(_SCRATCH, {})
    entry: SubnetPools | None = cache.get(netuid)
    if (
        entry is not None
        and entry.table is table
        and entry.token == token
        and entry.hotkeys == hotkeys
    ):
        return entry
    get = table.get
    alpha = [get((hotkey, netuid), _NO_POOL) for hotkey in hotkeys]
    root = [get((hotkey, ROOT), _NO_POOL) for hotkey in hotkeys]
    entry = cache[netuid] = SubnetPools(
        table=table,
        token=token,
        hotkeys=list(hotkeys),
        alpha=alpha,
        root=root,
        alpha_by_hotkey={h: p for h, p in zip(hotkeys, alpha, strict=True) if p is not _NO_POOL},
        root_by_hotkey={h: p for h, p in zip(hotkeys, root, strict=True) if p is not _NO_POOL},
    )
    return entry


def stake_weights(state: State, pools: SubnetPools) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`dtao.epoch.stake_weights` from the kept references: (alpha stake, root stake,
    S = α + tw·τ) per UID (rao, float64 for S)."""
    alpha, root = _values(pools.alpha), _values(pools.root)
    return alpha, root, alpha + state.params.tao_weight * root


def _values(pools: list[SharePool]) -> np.ndarray:
    """Each pool's value (int64 rao), read by the compiled kernel where it is on and decides."""
    kernel = exact_compiled.kernels()
    if kernel is not None:
        out = np.empty(len(pools), dtype=np.int64)
        if kernel.pool_values(pools, out):
            return out
    return np.fromiter(map(_VALUE, pools), dtype=np.int64, count=len(pools))
