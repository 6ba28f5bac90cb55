"""Small test networks whose owner opens several subnets at once (shared by the fast-path and
speed-up tests, which build their own stakes and UIDs on top)."""

from __future__ import annotations

from collections.abc import Iterator

import dtao

TAO = 10**9
OWNER = "o"  # the coldkey that registers every subnet (as hotkeys ``own<k>``)


def quick_network(preset: str, subnets: int, **params: object) -> dtao.Network:
    """``preset`` with registrations one block apart (``network_rate_limit`` 1, the lock at
    100 TAO, no lock decay interval to wait for) and :data:`OWNER` funded with 1 000 TAO per
    subnet; ``params`` override the preset's constants."""
    net = dtao.Network(
        preset,
        network_rate_limit=1,
        lock_reduction_interval=1,
        network_min_lock=100 * TAO,
        **params,
    )
    net.fund(OWNER, subnets * 1_000 * TAO)
    return net


def open_subnets(net: dtao.Network, subnets: int, start: bool = True) -> Iterator[int]:
    """Register ``subnets`` subnets (hotkey ``own<k>`` for the k-th), each started with its
    emission switched on when ``start``; yields each netuid as it opens, so the caller adds
    its UIDs, stakes and blocks before the next."""
    for s in range(subnets):
        netuid = net.register_network(OWNER, f"own{s}")
        if start:
            net.submit(dtao.StartCall(OWNER, netuid))
            net.submit(dtao.SetSubnetEmissionEnabled(netuid, True))
        yield netuid
