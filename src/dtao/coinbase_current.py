"""Per-block coinbase of the ``current`` era (spec 475; dtao-current.md §2, §3).

Re-expressed from RaoFoundation/subtensor ``coinbase/run_coinbase.rs`` (file-version
id:70951396623, ``inject_and_maybe_swap``; the refactor copy ``emission_injection.rs`` @
``8e9322e5``, id:61636750843, has the same logic), ``coinbase/subnet_emissions.rs`` @
``f8ff769a`` (``get_shares`` with the gate, :mod:`dtao.gate`) and the swap pallet's
``adjust_protocol_liquidity`` with reservoirs (impls.rs @ ``63369449``, id:61396881567).

It is the summer-2026 coinbase (:mod:`dtao.coinbase_summer`) with three changes:

1. shares: the demand shares pass the emission gate before the enabled renormalisation;
2. alpha issuance A = x + o + alpha reservoir (in the rp cap and the split,
   :func:`dtao.coinbase_summer.alpha_issuance`);
3. the pool step, per emitting subnet in ascending netuid:

   a. ``SubnetExcessTao`` and ``SubnetTaoInEmission`` are zeroed;
   b. chain buy first: ⌊excess⌋ rao leave the credit and buy alpha fee-free at the current
      curve (old weight, pre-injection reserves); a refused buy gives the TAO back to the credit
      when ``chain_buy_refund`` (else it is stranded on the subnet account, as in summer-2026);
   c. ⌊tao_in⌋ is materialised from the credit (0 if the credit is short); ⌊alpha_in⌋ is minted;
   d. re-weight with reservoirs (``balancer_reservoir``): the pending amounts (T_res + tao,
      A_res + alpha) are tried together, then alpha alone, then TAO alone; what fits becomes
      price-active, the side that does not is parked whole in its reservoir. Without
      reservoirs a refused injection stays out of the pool and its TAO returns to the credit;
   e. the price-active alpha joins x (``SubnetAlphaInEmission``), the price-active TAO joins y
      and TotalStake (``SubnetTaoInEmission``). The bought TAO and the price-active TAO are
      recorded as protocol inflow (``SubnetProtocolFlow``, a record read by nothing here).

What is left of the credit is recycled (issuance −).
"""

from __future__ import annotations

from dtao import coinbase_summer as S
from dtao import staking_head as H
from dtao.errors import ProtocolError
from dtao.gate import gated_shares
from dtao.rules import Rules
from dtao.state import State
from dtao.summer import summer_columns
from dtao.units import U64_MAX


def current_shares(state: State, emitting: list[int]) -> dict[int, int]:
    """The era's share step: demand shares through the gate (θ updated in state), U64F64."""
    return gated_shares(state, S.subnet_shares(state, emitting))


def current_block_emissions(
    state: State, emitting: list[int], emission: int, rules: Rules | None = None
) -> dict[int, int]:
    """T_i as U96F32 bits: the share step (``rules.block_shares``, default
    :func:`current_shares`), then the enabled renormalisation and E·f_i
    (``get_subnet_block_emissions``)."""
    step = (rules.block_shares if rules is not None else None) or current_shares
    return S.subnet_block_emissions(state, emitting, emission, step(state, emitting))


def inject_current(state: State, rules: Rules, subnets: int, emission: int) -> None:
    """One block's mint, gated shares, injection (steps above) and alpha split; ``subnets`` is
    unused (the loop is per subnet)."""
    credit = S.mint_tao(state, emission)
    emitting = S.emitting_subnets(state)
    emissions = current_block_emissions(state, emitting, credit, rules)
    share_total = sum(emissions.values())
    for netuid, tao in emissions.items():
        state.columns.emission_share[netuid] = tao / share_total if share_total else 0.0
    flag = S.root_sell_flag(state, emitting)
    S.emit_to_subnets(state, rules, emitting, emissions, credit, flag, inject_chain_buy_first)


def chain_buy_first(state: State, rules: Rules, netuid: int, tao: int) -> int:
    """The chain buy of ``tao`` rao (already taken from the credit); returns the TAO to give
    back to the credit (all of it when the swap is refused and ``chain_buy_refund``)."""
    ext = summer_columns(state)
    try:
        result = H.plan_swap(state, rules, netuid, tao, buy=True, drop_fees=True)
    except ProtocolError:
        if state.params.chain_buy_refund:
            return tao
        S._add(ext, "account_tao", netuid, tao)
        return 0
    H.write_buy(state, netuid, tao, result)
    S._add(ext, "account_tao", netuid, tao - result.amount_paid_in)
    S._add(ext, "protocol_alpha", netuid, result.amount_paid_out)
    ext.set("excess_tao", netuid, result.amount_paid_in)
    S._add(ext, "protocol_flow", netuid, result.amount_paid_in)
    return 0


def adjust_with_reservoirs(state: State, netuid: int, tao: int, alpha: int) -> tuple[int, int]:
    """``adjust_protocol_liquidity`` with reservoirs: (price-active TAO, price-active alpha);
    what does not fit is parked in ``tao_reservoir`` / ``alpha_reservoir`` (the whole pending
    side), what fits empties its reservoir."""
    ext = summer_columns(state)
    pending_tao = ext.get("tao_reservoir", netuid) + tao
    pending_alpha = ext.get("alpha_reservoir", netuid) + alpha
    active = (0, 0)
    for trial in ((pending_tao, pending_alpha), (0, pending_alpha), (pending_tao, 0)):
        if trial == (0, 0):
            continue
        if H.adjust_protocol_liquidity(state, netuid, *trial) == trial:
            active = trial
            break
    ext.set("tao_reservoir", netuid, pending_tao - active[0])
    ext.set("alpha_reservoir", netuid, pending_alpha - active[1])
    return active


def inject_chain_buy_first(
    state: State,
    rules: Rules,
    emitting: list[int],
    terms: dict[int, tuple[int, int, int]],
    credit: int,
) -> int:
    """The current pool step (3a-3e above) for every emitting subnet; returns the credit left
    (rao)."""
    cols, params = state.columns, state.params
    ext = summer_columns(state)
    for netuid in emitting:
        tao_in_b, alpha_in_b, excess_b = terms.get(netuid, (0, 0, 0))
        ext.set("excess_tao", netuid, 0)
        cols.tao_in_emission[netuid] = 0
        excess = S._to_u64(excess_b)
        if 0 < excess <= credit:
            credit -= excess
            credit += chain_buy_first(state, rules, netuid, excess)
        tao_in = S._to_u64(tao_in_b)
        if tao_in > credit:
            tao_in = 0
        credit -= tao_in
        alpha_in = S._to_u64(alpha_in_b)
        if rules.pool.inject is not None:  # the pool's own injection (superellipse, §6.3)
            active_tao, active_alpha = rules.pool.inject(state, netuid, tao_in, alpha_in)
        elif params.balancer_reservoir:
            active_tao, active_alpha = adjust_with_reservoirs(state, netuid, tao_in, alpha_in)
        else:
            active_tao, active_alpha = H.adjust_protocol_liquidity(state, netuid, tao_in, alpha_in)
            credit += tao_in - active_tao
        cols.alpha_in_emission[netuid] = active_alpha
        cols.alpha_in[netuid] += active_alpha
        if active_tao > 0:
            cols.tao_in_emission[netuid] = active_tao
            cols.tao_in[netuid] += active_tao
            state.total_stake = min(state.total_stake + active_tao, U64_MAX)
            S._add(ext, "protocol_flow", netuid, active_tao)
    return credit
