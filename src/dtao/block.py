"""``process_block``: one block of the chain in its order (dtao-economics.md §14b).

Launch order (``block_step`` @ 5073ade, the runtime's ``on_initialize``): the block number
advances, registration terms adjust, then the coinbase runs — emission, injection, root-alpha
sale, pending pots, EMA prices — and every subnet whose epoch is due drains its pots through
Yuma. The block's operations (extrinsics) come after, in order, each through
:func:`dtao.operations.apply`; a rejected one is recorded in the receipt and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from dtao import staking_marks
from dtao.childkeys import apply_pending_children
from dtao.coinbase import run_coinbase
from dtao.emission import block_emission
from dtao.eras import rules_for
from dtao.errors import ConfigError, ProtocolError
from dtao.operations import Operation
from dtao.receipts import BlockReceipt, Receipt, SubnetEmissions
from dtao.rules import Rules
from dtao.state import State, contiguous_subnets
from dtao.tx_fees import apply_with_fee


def step_protocol(state: State, rules: Rules) -> BlockReceipt:
    """Advance one block and run its protocol step (no operations); the block's receipt."""
    staking_marks.clear(state)  # the previous block's on_finalize (a no-op without marks)
    state.block += 1
    subnets = contiguous_subnets(state)  # the block step never adds or removes a subnet
    rules.registration.adjust_burns(state, rules, subnets)
    receipt = BlockReceipt(block=state.block)
    emission = block_emission(state.total_issuance, state.params)
    coinbase_and_epochs(state, rules, subnets, emission, receipt)
    if rules.after_coinbase is not None:
        rules.after_coinbase(state, rules, subnets)
    if rules.fast_prices is not None:  # spec 464+: the fast EMA right after the slow one
        rules.fast_prices(state, rules, subnets)
    apply_pending_children(state)  # on subnets whose epoch ran (try_set_pending_children)
    if rules.root_claims is not None:  # §14a step 10: automatic root claims
        rules.root_claims(state, rules, receipt.root_claims)
    return receipt


def coinbase_and_epochs(
    state: State, rules: Rules, subnets: int, emission: int, receipt: BlockReceipt
) -> None:
    """The chain's ``run_coinbase(E)`` in the current block: injection of ``emission`` rao,
    then the epochs due (recorded in ``receipt``). ``subnets``: contiguous_subnets(state)."""
    receipt.coinbase_path = run_coinbase(state, rules, subnets, emission)
    if receipt.coinbase_path != "none":
        receipt.emissions = _emissions(state, subnets)
    for netuid in rules.epoch_schedule(state, subnets):
        rules.registration.change_owner_if_needed(state, rules, netuid)
        receipt.epochs.append(rules.epoch(state, rules, netuid))


def process_block(
    state: State,
    rules: Rules,
    ops: Iterable[Operation] = (),
) -> BlockReceipt:
    """One block: the protocol step, then ``ops`` in order at the new block number.

    A rejected operation (a ``ProtocolError``, or a ``ConfigError`` from a governance record)
    is recorded in its receipt and leaves the state unchanged. After an accepted governance
    change the remaining operations run under the rules resolved from the new parameters.
    """
    receipt = step_protocol(state, rules)
    for op in ops:
        try:
            receipt.receipts.append(apply_with_fee(state, rules, op))
        except (ProtocolError, ConfigError) as exc:
            receipt.receipts.append(Receipt(op=op, block=state.block, error=exc))
            continue
        if state.params is not rules.params:
            try:
                rules = rules_for(state.params, fast=rules.fast)
            except ConfigError as exc:  # the change names an unknown strategy: undone
                state.params = rules.params
                receipt.receipts[-1] = Receipt(op=op, block=state.block, error=exc)
    if rules.registration.on_idle is not None:  # spec 475: cleanup, then the queue
        rules.registration.on_idle(state, rules)
    return receipt


def _emissions(state: State, subnets: int) -> SubnetEmissions:
    """Copies of this block's per-subnet injection columns."""
    cols = state.columns
    rows: slice | np.ndarray
    if subnets:
        rows = slice(1, subnets + 1)
        netuids = np.arange(1, subnets + 1)
    else:
        rows = netuids = np.flatnonzero(cols.exists)
    return SubnetEmissions(
        netuids=netuids,
        tao_in=cols.tao_in_emission[rows].copy(),
        alpha_in=cols.alpha_in_emission[rows].copy(),
        alpha_out=cols.alpha_out_emission[rows].copy(),
        share=cols.emission_share[rows].copy(),
    )
