"""``process_block``: one block of the chain in its order (dtao-economics.md §14b).

Launch order (``block_step`` @ 5073ade): the block number advances, registration terms adjust,
then the coinbase runs — emission, injection, root-alpha sale, pending pots, EMA prices — and
finally every subnet whose epoch is due drains its pots through Yuma. User operations of the
block come after, through :mod:`dtao.operations`.
"""

from __future__ import annotations

from dtao.coinbase import run_coinbase
from dtao.epoch import epoch_due, run_epoch
from dtao.registration import adjust_registration_terms
from dtao.state import State


def process_block(state: State) -> list[int]:
    """Advance one block and run its protocol step; returns the netuids whose epoch ran."""
    state.block += 1
    adjust_registration_terms(state)
    run_coinbase(state)
    ran = []
    for netuid, subnet in state.subnets.items():
        if epoch_due(state.block, netuid, subnet.tempo):
            run_epoch(state, netuid)
            ran.append(netuid)
    return ran
