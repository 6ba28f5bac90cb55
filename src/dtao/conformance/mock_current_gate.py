"""The current (spec 475) overlay of the ops mock: the emission gate, the injection order
and reservoirs (ops_current_emission.json).

Each table adds to (or replaces) the entry of the same name that the summer-2026 overlays and
the launch mock of :mod:`dtao.conformance.cases_ops` give, for cases of the ``current``
preset (``OVERLAY_BASES``). Protocol calls go to :mod:`dtao.gate` and
:mod:`dtao.coinbase_current`; the mock's chain defaults are the code defaults of the file's
``semantics`` (``EmissionBarQuantile`` 0.61, not the 0.75 set on Finney).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from dtao import coinbase_current as cc
from dtao import coinbase_summer as cb
from dtao import epoch_summer, extrinsics
from dtao import operations as ops
from dtao import staking_head as H
from dtao.conformance.cases_ops import MockChain, NotReplayed, overlays_for, register_overlay
from dtao.fixed import ONE64, U64F64, U96F32
from dtao.gate import apply_gate, exponent_bits, gate_state, gated_shares
from dtao.summer import PERQUINTILL, summer_columns
from dtao.tx_fees import apply_with_fee

#: ``EmissionBarQuantile`` code default (lib.rs id:68884137211), the mock's value
_CODE_DEFAULT_QUANTILE = 0.61


def _u64f64(value: Any) -> int:
    """A U64F64 ``from_num(f64)`` input as raw bits (nearest)."""
    return U64F64.from_f64(float(value))


def _base_action(name: str) -> Callable[..., Any]:
    """The summer-2026 mock's action ``name`` (the last overlay that has it)."""
    found = [o.ACTIONS[name] for o in overlays_for("summer-2026") if name in o.ACTIONS]
    return found[-1]


# -- setup ------------------------------------------------------------------------------------


def new_test_ext(chain: MockChain, block: int = 1) -> None:
    """The summer-2026 ``new_test_ext``, with the gate's code-default quantile."""
    _base_action("new_test_ext")(chain, block=block)
    params = chain.state.params.replace(emission_bar_quantile=_CODE_DEFAULT_QUANTILE)
    chain.state.params = params


def new_swap_test_ext(chain: MockChain) -> None:
    """The swap pallet's test runtime: an empty state at block 1."""
    new_test_ext(chain, 1)


def set_mock_reserve(chain: MockChain, netuid: int, tao: int, alpha: int) -> None:
    """The swap mock's reserves of a dynamic ``netuid`` (the pool at w = 0.5)."""
    cols, netuid = chain.state.columns, int(netuid)
    cols.ensure(netuid)
    cols.mechanism[netuid] = 1
    cols.tao_in[netuid], cols.alpha_in[netuid] = int(tao), int(alpha)
    summer_columns(chain.state).set("pool_initialized", netuid, 1)


#: the flat fee dtao charges per signed record in the transaction-fee runtime's cases: a
#: stand-in for that mock's weight/length fee curve (the cases assert relations, not amounts;
#: spec 467 charges about 0.00063 TAO for ``remove_stake``)
_FEE_MOCK_FEE_RAO = 630_000


def new_fee_test_ext(chain: MockChain) -> None:
    """The transaction-fee pallet's test runtime: an empty state at block 1 charging
    :data:`_FEE_MOCK_FEE_RAO` per signed record (recycled under ``current``)."""
    new_test_ext(chain, 1)
    chain.state.params = chain.state.params.replace(tx_fee_rao=_FEE_MOCK_FEE_RAO)


def charge_and_dispatch(
    chain: MockChain, signer: str, call: str, tip: int = 0, returns_event: str | None = None
) -> None:
    """``ChargeTransactionPayment(tip).dispatch_transaction`` of ``call`` through
    :func:`dtao.tx_fees.apply_with_fee`. Only ``System.remark`` is replayed; the tip is not
    modelled (dtao's fee is one flat amount)."""
    if not call.startswith("System.remark"):
        raise NotReplayed(f"charge_and_dispatch of {call!r}")
    apply_with_fee(chain.state, chain.rules, ops.Remark(signer))


# -- protocol calls -----------------------------------------------------------------------------


def should_run_epoch(chain: MockChain, netuid: int, block: int) -> bool:
    """``should_run_epoch(netuid, block)`` of the stateful scheduler, read at ``block``."""
    state, now = chain.state, chain.state.block
    state.block = int(block)
    try:
        return epoch_summer.should_run_epoch(state, int(netuid))
    finally:
        state.block = now


def get_shares(chain: MockChain, netuids: list[int]) -> dict[int, float]:
    """``get_shares``: demand, bar update (θ stored), gate (U64F64 shares as floats)."""
    state = chain.state
    got = gated_shares(state, cb.subnet_shares(state, [int(n) for n in netuids]))
    return {n: v / ONE64 for n, v in got.items()}


def apply_emission_gate(chain: MockChain, shares: dict[str, float]) -> dict[int, float]:
    """``apply_emission_gate`` on the given shares with the stored θ and h."""
    state = chain.state
    bits = {int(n): _u64f64(v) for n, v in shares.items()}
    got = apply_gate(bits, gate_state(state).bar_bits, exponent_bits(state.params))
    return {n: v / ONE64 for n, v in got.items()}


def get_subnet_block_emissions(
    chain: MockChain, netuids: list[int], block_emission: int
) -> dict[int, float]:
    got = cc.current_block_emissions(chain.state, [int(n) for n in netuids], int(block_emission))
    return {n: v / U96F32.one for n, v in got.items()}


def inject_and_maybe_swap(
    chain: MockChain,
    netuids: list[int],
    tao_in: dict[str, float],
    alpha_in: dict[str, float],
    excess_tao: dict[str, float],
    credit: int,
) -> None:
    """The current pool step on given terms, paid from a credit of ``credit`` rao minted here;
    the rest is recycled."""
    state = chain.state
    minted = cb.mint_tao(state, int(credit))
    given = (tao_in, alpha_in, excess_tao)
    terms = {
        int(n): tuple(U96F32.from_f64(float(m.get(str(n), 0))) for m in given) for n in netuids
    }
    left = cc.inject_chain_buy_first(state, chain.rules, [int(n) for n in netuids], terms, minted)  # type: ignore[arg-type]
    state.total_issuance -= left


def current_price(chain: MockChain, netuid: int) -> float:
    """``current_alpha_price`` (U64F64) as a float."""
    return H.current_price_bits(chain.state, chain.rules, int(netuid)) / ONE64


def swap_tao_for_alpha(
    chain: MockChain, netuid: int, amount: int, limit_price: Any, drop_fees: bool
) -> int:
    """``swap_tao_for_alpha`` with TAO already on the subnet's account (a chain buy): the
    swap's own errors, else the alpha bought."""
    state, netuid, amount = chain.state, int(netuid), int(amount)
    limit = None if limit_price == "max" else int(limit_price)
    result = H.plan_swap(
        state, chain.rules, netuid, amount, buy=True, limit_price=limit, drop_fees=bool(drop_fees)
    )
    H.write_buy(state, netuid, amount, result)
    return result.amount_paid_out


def adjust_protocol_liquidity(
    chain: MockChain, netuid: int, tao_delta: int, alpha_delta: int
) -> tuple[int, int]:
    return cc.adjust_with_reservoirs(chain.state, int(netuid), int(tao_delta), int(alpha_delta))


# -- storage and quantities -------------------------------------------------------------------


def _param_writer(name: str, convert: Callable[[Any], Any]) -> Callable[..., None]:
    def write(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
        chain.state.params = chain.state.params.replace(**{name: convert(value)})

    return write


def _keys(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    """``Keys {netuid, uid}``: the hotkey of a UID (the next UID is appended); Uids is not
    rewritten, so two UIDs may share a hotkey (an inconsistent epoch input)."""
    neurons = chain.state.subnets[int(keys["netuid"])].neurons
    uid = int(keys["uid"])
    if uid == neurons.n:
        extrinsics.append_neuron(chain.state.subnets[int(keys["netuid"])], str(value), 0)
    else:
        neurons.hotkeys[uid] = str(value)


def _bar(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    gate_state(chain.state).bar_bits = _u64f64(value)


def _column_writer(column: str) -> Callable[..., None]:
    def write(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
        summer_columns(chain.state).set(column, int(keys["netuid"]), int(value))

    return write


def _column_reader(column: str) -> Callable[..., int]:
    return lambda c, netuid: summer_columns(c.state).get(column, int(netuid))


RECORD_ACTIONS: dict[str, Callable[..., ops.Operation]] = {}
ACTIONS: dict[str, Callable[..., Any]] = {
    "new_test_ext": new_test_ext,
    "new_swap_test_ext": new_swap_test_ext,
    "set_mock_reserve": set_mock_reserve,
    "get_shares": get_shares,
    "new_fee_test_ext": new_fee_test_ext,
    "should_run_epoch": should_run_epoch,
    "charge_and_dispatch": charge_and_dispatch,
    "apply_emission_gate": apply_emission_gate,
    "get_subnet_block_emissions": get_subnet_block_emissions,
    "inject_and_maybe_swap": inject_and_maybe_swap,
    "adjust_protocol_liquidity": adjust_protocol_liquidity,
    "current_price": current_price,
    "swap_tao_for_alpha": swap_tao_for_alpha,
}
STORAGE: dict[str, Callable[[MockChain, dict[str, Any], Any], None]] = {
    "EmissionGateBar": _bar,
    "EmissionGateExponent": _param_writer("emission_gate_exponent", float),
    "MaxEpochsPerBlock": _param_writer("max_epochs_per_block", int),
    "Keys": _keys,
    "EmissionBarRank": _param_writer("emission_bar_rank", int),
    "EmissionBarQuantile": _param_writer("emission_bar_quantile", float),
    "BalancerTaoReservoir": _column_writer("tao_reservoir"),
    "BalancerAlphaReservoir": _column_writer("alpha_reservoir"),
}
QUANTITIES: dict[str, Callable[..., Any]] = {
    "EmissionGateBar": lambda c: gate_state(c.state).bar_bits / ONE64,
    "EpochInputStateConsistent": lambda c, netuid: epoch_summer.epoch_input_consistent(
        c.state, int(netuid)
    ),
    "HotkeySharePoolHasMembers": lambda c, hotkey, netuid: bool(
        getattr(c.state.stakes.get((hotkey, int(netuid))), "total_shares", 0)
    ),
    "ReturnedSum": lambda c, name: sum(c.returns[name].values()),
    "ReturnedAllEqual": lambda c, name: (
        next(iter(c.returns[name].values())) if len(set(c.returns[name].values())) == 1 else None
    ),
    "BalancerTaoReservoir": _column_reader("tao_reservoir"),
    "BalancerAlphaReservoir": _column_reader("alpha_reservoir"),
    "SubnetProtocolFlow": _column_reader("protocol_flow"),
    "SwapBalancerQuoteWeight": lambda c, netuid: (
        summer_columns(c.state).get("quote_weight", int(netuid)) / PERQUINTILL
    ),
}

register_overlay("current", sys.modules[__name__])
