"""Per-block coinbase and epoch schedule of the taoflow era (the ec2212c runtime, 2026-06-01,
R4.7; dtao-economics.md §3b, §4a, §10, §14c).

Re-expressed from opentensor/subtensor ``coinbase/run_coinbase.rs`` (``run_coinbase``,
``get_subnet_terms``, ``inject_and_maybe_swap``, ``drain_pending``) and
``coinbase/subnet_emissions.rs`` (``get_shares`` = ``get_shares_flow``) @ ec2212c. It is the
summer-2026 coinbase (:mod:`dtao.coinbase_summer`) with three rules of its own:

1. shares from the net Tao Flow EMAs (:mod:`dtao.flows`), the emission switch renormalising as
   at 14bc6f9; the previous block's root-claim sales (``SubnetRootSellTao``, cleared here as
   at the start of ``run_coinbase``) count as protocol outflow;
2. the alpha_in cap min(Eα_i, E) (E the block's TAO emission, used as alpha-rao; 8834a7c);
3. the v3 injection: ``adjust_protocol_liquidity`` adds (tao_in, alpha_in) to the full-range
   position at the current price (no re-weight; dtao keeps y/x as the price,
   :mod:`dtao.pools.v3`); the chain buy's TAO and tao_in are recorded as protocol inflow.

Epochs: the legacy schedule (``blocks_until_next_epoch`` = 0, :mod:`dtao.epoch`), every
subnet's ``BlocksSinceLastStep`` counted up each block and reset when its epoch runs; the
pots drain and pay out as at 14bc6f9 (:mod:`dtao.epoch_summer`).
"""

from __future__ import annotations

from dtao import coinbase_summer as S
from dtao import epoch, epoch_summer, flows, root_claim
from dtao.fixed import U96F32
from dtao.rules import Rules
from dtao.state import State
from dtao.summer import summer_columns
from dtao.units import U64_MAX


def fold_root_sells(state: State) -> None:
    """The TAO root claims sold out of each subnet since the last coinbase
    (``SubnetRootSellTao``) as protocol outflow (``record_protocol_outflow``, claim_root.rs),
    then the counters cleared (``run_coinbase`` step 0)."""
    claims = root_claim.root_claims(state)
    for netuid, tao in sorted(claims.root_sell_tao.items()):
        if netuid in state.subnets:
            flows.record_protocol_flow(state, netuid, -tao)
    claims.root_sell_tao.clear()


def inject_taoflow(state: State, rules: Rules, subnets: int, emission: int) -> None:
    """One block's mint, net-flow shares, injection, chain buys and alpha split; the recycled
    rest of E leaves issuance. ``subnets`` is unused (the loop is per subnet)."""
    credit = S.mint_tao(state, emission)
    emitting = S.emitting_subnets(state)
    fold_root_sells(state)
    shares = (rules.block_shares or flows.net_flow_shares)(state, emitting)
    emissions = S.subnet_block_emissions(state, emitting, credit, shares)
    share_total = sum(emissions.values())
    for netuid, tao in emissions.items():
        state.columns.emission_share[netuid] = tao / share_total if share_total else 0.0
    flag = S.root_sell_flag(state, emitting)
    cap = alpha_in_cap(emission)
    S.emit_to_subnets(state, rules, emitting, emissions, credit, flag, inject_v3, cap)


def alpha_in_cap(block_emission: int) -> S.InjectionCap:
    """The cap min(Eα_i, E) of ``get_subnet_terms`` (8834a7c): E, the block's TAO emission in
    rao, read as alpha-rao (U96F32)."""
    bound = U96F32.from_int(block_emission)

    def cap(state: State, netuid: int, alpha_emission: int) -> int:
        return min(alpha_emission, bound)

    return cap


def inject_v3(
    state: State,
    rules: Rules,
    emitting: list[int],
    terms: dict[int, tuple[int, int, int]],
    credit: int,
) -> int:
    """``inject_and_maybe_swap`` @ ec2212c: per subnet, (tao_in, alpha_in, excess) as U96F32
    bits floored to rao: the chain buy of the excess, then alpha_in and tao_in into the pool,
    each paid from ``credit`` (skipped when the credit is short); the TAO that entered the
    pool is protocol inflow. Returns the credit left (rao)."""
    cols = state.columns
    ext = summer_columns(state)
    for netuid in emitting:
        tao_in_b, alpha_in_b, excess_b = terms.get(netuid, (0, 0, 0))
        tao_in = U96F32.saturating_to_uint(tao_in_b)
        alpha_in = U96F32.saturating_to_uint(alpha_in_b)
        excess = U96F32.saturating_to_uint(excess_b)
        ext.set("excess_tao", netuid, 0)
        cols.tao_in_emission[netuid] = 0
        if 0 < excess <= credit:
            credit -= excess
            bought_with = S.chain_buy(state, rules, netuid, excess)
            ext.set("excess_tao", netuid, bought_with)
            flows.record_protocol_flow(state, netuid, bought_with)
        cols.alpha_in_emission[netuid] = alpha_in
        cols.alpha_in[netuid] += alpha_in
        if 0 < tao_in <= credit:
            credit -= tao_in
            cols.tao_in_emission[netuid] = tao_in
            cols.tao_in[netuid] += tao_in
            state.total_stake = min(state.total_stake + tao_in, U64_MAX)
            flows.record_protocol_flow(state, netuid, tao_in)
    return credit


def due_epochs_legacy(state: State, subnets: int) -> list[int]:
    """``drain_pending`` @ ec2212c, the scheduler part: every subnet's ``BlocksSinceLastStep``
    + 1; the subnets whose legacy slot is now (:func:`dtao.epoch.blocks_until_next_epoch_due`)
    and whose epoch inputs are consistent run (counter reset to 0, ``LastMechansimStepBlock``
    in the summer column ``last_epoch_block``), ascending."""
    ext = summer_columns(state)
    slot = set(epoch.blocks_until_next_epoch_due(state, subnets))
    due = []
    for netuid in state.netuids:
        if netuid in slot and epoch_summer.epoch_input_consistent(state, netuid):
            ext.set("blocks_since_last_step", netuid, 0)
            ext.set("last_epoch_block", netuid, state.block)  # LastMechansimStepBlock
            due.append(netuid)
        else:
            ext.set("blocks_since_last_step", netuid, ext.get("blocks_since_last_step", netuid) + 1)
    return due
