"""Extrinsic (transaction) fees of a block's operations (dtao-current.md §7).

A signed operation record (one with a ``coldkey`` field; the genesis faucet and governance are
not extrinsics) pays ``params.tx_fee_rao`` from that coldkey's free balance before it runs. Where
the fee goes is ``params.tx_fee_destination``: ``"author"`` credits the block author
(``params.block_author``; recycled when there is none), the summer-2026 setting; ``"recycle"``
takes it out of ``TotalIssuance``, as since spec 445 (PR #3058 naming #3053). A fee the payer
cannot cover while keeping the existential deposit makes the transaction invalid
(``InsufficientBalance``). The chain keeps the fee of a transaction whose dispatch fails; dtao
refunds it, so a rejected operation leaves the state unchanged. The swap fee (``FeeRate``) is
separate: it still goes to the block author (:mod:`dtao.staking_head`).

The chain's fee is weight- and length-based (spec 467: about 0.00063 TAO for ``remove_stake``,
0.00107 TAO for ``burned_register``); dtao charges one flat amount per signed record.
"""

from __future__ import annotations

from dtao import errors as E
from dtao import ledger
from dtao import operations as ops
from dtao.receipts import Receipt
from dtao.rules import Rules
from dtao.state import State

#: fee destinations
AUTHOR, RECYCLE = "author", "recycle"


def tx_fee_payer(op: ops.Operation) -> str | None:
    """The signing coldkey a fee is charged to, or None (not a signed extrinsic)."""
    if isinstance(op, (ops.Fund, ops.Governance)):
        return None
    coldkey = getattr(op, "coldkey", None)
    return coldkey if isinstance(coldkey, str) else None


def _settle(state: State, fee: int, sign: int) -> None:
    """Credit (sign 1) or take back (sign −1) the fee at its destination."""
    author = state.params.block_author
    if state.params.tx_fee_destination == AUTHOR and author and sign > 0:
        ledger.increase_balance(state, author, fee)
    elif state.params.tx_fee_destination == AUTHOR and author:
        ledger.decrease_balance(state, author, fee)
    else:
        state.total_issuance -= sign * fee


def apply_with_fee(state: State, rules: Rules, op: ops.Operation) -> Receipt:
    """:func:`dtao.operations.apply` behind the transaction fee (no fee: the plain call)."""
    fee, payer = state.params.tx_fee_rao, tx_fee_payer(op)
    if fee == 0 or payer is None:
        return ops.apply(state, rules, op)
    if ledger.withdrawable(state, payer, fee) < fee:
        raise E.InsufficientBalance(f"{payer} cannot pay the transaction fee of {fee} rao")
    ledger.decrease_balance(state, payer, fee)
    _settle(state, fee, 1)
    try:
        return ops.apply(state, rules, op)
    except (E.ProtocolError, E.ConfigError):
        _settle(state, fee, -1)
        ledger.increase_balance(state, payer, fee)
        raise
