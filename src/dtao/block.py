"""``process_block``: one block of the chain in its order (dtao-economics.md §14b).

Launch order (``block_step`` @ 5073ade): the block number advances, registration terms adjust,
then the coinbase runs — emission, injection, root-alpha sale, pending pots, EMA prices — and
finally every subnet whose epoch is due drains its pots through Yuma. User operations of the
block come after, through :mod:`dtao.operations`.
"""

from __future__ import annotations

import numpy as np

from dtao.coinbase import run_coinbase
from dtao.epoch import run_epoch
from dtao.registration import adjust_registration_terms
from dtao.state import State, contiguous_subnets


def process_block(state: State) -> list[int]:
    """Advance one block and run its protocol step; returns the netuids whose epoch ran."""
    state.block += 1
    subnets = contiguous_subnets(state)  # the block step never adds or removes a subnet
    adjust_registration_terms(state, subnets)
    run_coinbase(state, subnets)
    ran = due_netuids(state, subnets)
    for netuid in ran:
        run_epoch(state, netuid)
    return ran


def due_epochs(state: State) -> np.ndarray:
    """Netuids whose epoch runs this block (``blocks_until_next_epoch`` @ 5073ade, vectorised):
    (b + netuid + 1) mod (tempo + 1) = 0, never for tempo 0."""
    cols = state.columns
    rows = np.flatnonzero(cols.exists)
    tempo = cols.tempo[rows]
    return rows[(tempo > 0) & ((state.block + rows + 1) % (tempo + 1) == 0)]


def due_netuids(state: State, subnets: int | None = None) -> list[int]:
    """:func:`due_epochs` as a list of ints, ascending.

    When the subnets are rows 1 … n and share one tempo t > 0 (the usual case), the due
    netuids are those ≡ −(b + 1) mod (t + 1), listed without touching the other rows
    (``subnets``: :func:`~dtao.state.contiguous_subnets` if the caller has it).
    """
    n = contiguous_subnets(state) if subnets is None else subnets
    if n:
        tempo = state.columns.tempo[1 : n + 1]
        t = int(tempo[0])
        if t > 0 and not np.count_nonzero(np.not_equal(tempo, t)):
            period = t + 1
            first = -(state.block + 1) % period or period
            return list(range(first, n + 1, period))
    return [int(netuid) for netuid in due_epochs(state)]
