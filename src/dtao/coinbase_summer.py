"""Per-block coinbase of the summer-2026 era (the 14bc6f9 runtime, R5.3; dtao-economics.md §3b,
§4a, §5a, §14a steps 3-7 and 9-10).

Re-expressed from opentensor/subtensor ``coinbase/run_coinbase.rs`` (``run_coinbase``,
``get_subnet_terms``, ``inject_and_maybe_swap``, ``emit_to_subnets``,
``get_network_root_sell_flag``), ``coinbase/subnet_emissions.rs`` (``get_subnets_to_emit_to``,
``get_subnet_block_emissions``, ``get_shares``), ``coinbase/block_step.rs``
(``root_proportion``, ``update_moving_prices``, ``update_root_prop``) and
``staking/stake_utils.rs`` (``update_moving_price``, ``swap_tao_for_alpha``) @ 14bc6f9.

Per block, for the emitting set S (start_call done, subtoken enabled, registration allowed),
in ascending netuid, exactly in the chain's fixed-point types (raw ``int`` bits; every product
and quotient floored, every write floored to rao):

1. E is minted (issuance += min(E, 21M − I)); whatever is not spent below is recycled.
2. Shares (U64F64): b_i = m_i/Σm; w_i = b_i·(1 − min(MinerBurned_i, 1)); share = w_i/Σw, or b_i
   when Σw = 0; if a subnet of S is emission-disabled its share is 0 and the enabled ones are
   renormalised. T_i = E·share_i (→ U96F32).
3. Terms (U96F32): Eα_i from A_i = x + o; alpha_in = T/p (0 if p = 0), capped at rp·Eα (then
   tao_in = cap·p); excess = T − tao_in.
4. Pool, in order (the era's pool functions, :mod:`dtao.staking_head`): re-weight the balancer
   for (⌊tao_in⌋, ⌊alpha_in⌋) at the current reserves (refused, both 0, outside [0.01, 0.99]);
   chain buy of ⌊excess⌋ fee-free at no limit (the bought alpha → o and ``protocol_alpha``;
   TAO a failed buy leaves on the subnet account stays there: ``account_tao``);
   x += alpha_in; y += tao_in. TotalStake grows by both TAO amounts.
5. o += Eα; owner cut (if enabled), then rp (after step 4) splits the rest: server ½, root
   rp·½, validators ½ − root; root alpha goes to ``pending_root_alpha`` when Σ_S m > 1, else is
   recycled (o −= root). The ≤ 4 rao of flooring dust per subnet stays in o unheld
   (``alpha_unbacked``).

After the epochs (``update_prices_and_root_prop``, block_step steps 5-6): the EMA of every
subnet of S with the warm-up a_eff = a·b/(b + H), b = blocks since start_call, observation
min(p, 1) in U64F64, stored I96F32; then ``RootProp`` = rp.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from dtao import staking_head as H
from dtao.curve import pool_price_bits
from dtao.distribution import root_proportion_bits, split_alpha_emission
from dtao.emission import block_emission_for_issuance
from dtao.errors import ProtocolError
from dtao.fixed import FRAC32, FRAC64, ONE64, U64F64, U96F32
from dtao.rules import Rules
from dtao.state import State
from dtao.summer import SummerColumns, summer_columns
from dtao.units import U64_MAX

_FRAC_SHIFT = FRAC64 - FRAC32  # U64F64 → U96F32 drops 32 fractional bits (floors)
#: (state, rules, emitting, netuid → (tao_in, alpha_in, excess) U96F32 bits, credit rao) ->
#: the credit left: one era's pool step of the injection
Injector = Callable[[State, Rules, list[int], dict[int, tuple[int, int, int]], int], int]
#: (state, netuid, Eα U96F32 bits) -> the alpha_in cap (U96F32 bits): one era's injection cap
InjectionCap = Callable[[State, int, int], int]


def emitting_subnets(state: State) -> list[int]:
    """``get_subnets_to_emit_to``: netuids ≥ 1 with ``FirstEmissionBlockNumber`` set,
    ``SubtokenEnabled`` and ``NetworkRegistrationAllowed``, ascending."""
    ext = summer_columns(state)
    cols = state.columns
    return [
        netuid
        for netuid in state.netuids
        if ext.get("first_emission_block", netuid) >= 0
        and ext.get("subtoken_enabled", netuid)
        and cols.registration_allowed[netuid]
    ]


def alpha_price_bits(state: State, netuid: int) -> int:
    """``current_alpha_price`` as U64F64 bits: the balancer price of a dynamic subnet (0 when
    its alpha reserve is empty), 1.0 for a stable one (mechanism 0). As the chain's
    ``current_price`` it reads the stored ``SwapBalancer`` weight even before the pool is
    initialised (an injection's re-weight shows in the price; the next swap resets it)."""
    if state.columns.mechanism[netuid] != 1:
        return ONE64
    return pool_price_bits(state, netuid)  # the stored superellipse's, if any (§6.3)


def moving_price_bits(state: State, netuid: int) -> int:
    """``get_moving_alpha_price`` as U64F64 bits (1.0 on a stable subnet)."""
    if state.columns.mechanism[netuid] != 1:
        return ONE64
    return max(int(state.columns.moving_price_bits[netuid]), 0) << _FRAC_SHIFT


def root_sell_flag(state: State, emitting: list[int]) -> bool:
    """``get_network_root_sell_flag``: Σ_S m > 1 (U64F64)."""
    total = sum(moving_price_bits(state, n) for n in emitting)
    return min(total, U64F64.max_raw) > ONE64


def subnet_shares(state: State, emitting: list[int]) -> dict[int, int]:
    """``get_shares``: EMA-price shares weighted by 1 − MinerBurned (U64F64 bits), with the
    price-share fallback when every weight is 0."""
    ext = summer_columns(state)
    prices = {n: moving_price_bits(state, n) for n in emitting}
    total = min(sum(prices.values()), U64F64.max_raw)
    price_shares = {n: U64F64.checked_div(p, total) or 0 for n, p in prices.items()}
    weighted = {}
    for netuid, share in price_shares.items():
        burned = min(ext.get("miner_burned_bits", netuid) << _FRAC_SHIFT, ONE64)
        weighted[netuid] = U64F64.saturating_mul(share, ONE64 - burned)
    total_weight = min(sum(weighted.values()), U64F64.max_raw)
    if total_weight > 0:
        return {n: U64F64.safe_div(w, total_weight) for n, w in weighted.items()}
    return price_shares


def subnet_block_emissions(
    state: State, emitting: list[int], emission: int, shares: dict[int, int] | None = None
) -> dict[int, int]:
    """``get_subnet_block_emissions``: T_i as U96F32 bits, emission-disabled subnets zeroed and
    the enabled shares renormalised (only when some subnet of S is disabled). ``shares``: the
    U64F64 shares to use (default :func:`subnet_shares`; the current era passes gated ones)."""
    ext = summer_columns(state)
    if shares is None:
        shares = subnet_shares(state, emitting)
    enabled = {n: bool(ext.get("emission_enabled", n)) for n in emitting}
    any_disabled = not all(enabled.values())
    enabled_sum = min(sum(s for n, s in shares.items() if enabled[n]), U64F64.max_raw)
    out = {}
    for netuid, share in shares.items():
        if any_disabled:
            share = U64F64.safe_div(share, enabled_sum) if enabled[netuid] and enabled_sum else 0
        tao = U64F64.saturating_mul(U64F64.from_int(emission), share)
        out[netuid] = tao >> _FRAC_SHIFT
    return out


def subnet_root_proportion(state: State, netuid: int) -> int:
    """``root_proportion``: tw·R/(tw·R + A) as U96F32 bits, A = :func:`alpha_issuance`."""
    issuance = alpha_issuance(state, netuid)
    return root_proportion_bits(state.params.tao_weight_u64, state.root_tao, issuance)


def alpha_issuance(state: State, netuid: int) -> int:
    """``get_alpha_issuance``: x + o, plus the alpha reservoir (a current-era column, always 0
    before it; stake_utils.rs id:69155006798)."""
    cols = state.columns
    reservoir = summer_columns(state).get("alpha_reservoir", netuid)
    return int(cols.alpha_in[netuid]) + int(cols.alpha_out[netuid]) + reservoir


def subnet_terms(
    state: State, emissions: dict[int, int], cap: InjectionCap | None = None
) -> dict[int, tuple[int, int, int, int]]:
    """``get_subnet_terms``: netuid → (tao_in, alpha_in, alpha_out, excess) as U96F32 bits.
    ``cap``: the era's alpha_in cap (default rp·Eα, 14bc6f9)."""
    params = state.params
    out = {}
    for netuid, tao_emission in emissions.items():
        issuance = alpha_issuance(state, netuid)
        alpha_emission = U96F32.from_int(
            block_emission_for_issuance(issuance, params.total_supply, params.base_block_emission)
        )
        price = alpha_price_bits(state, netuid) >> _FRAC_SHIFT
        tao_in = tao_emission
        alpha_in = U96F32.safe_div(tao_emission, price)
        limit = (
            U96F32.saturating_mul(subnet_root_proportion(state, netuid), alpha_emission)
            if cap is None
            else cap(state, netuid, alpha_emission)
        )
        if alpha_in > limit:
            alpha_in = limit
            tao_in = U96F32.saturating_mul(alpha_in, price)
        excess = max(tao_emission - tao_in, 0)
        out[netuid] = (tao_in, alpha_in, alpha_emission, excess)
    return out


def _to_u64(bits: int) -> int:
    return U96F32.saturating_to_uint(bits)


def chain_buy(state: State, rules: Rules, netuid: int, tao: int) -> int:
    """``swap_tao_for_alpha(netuid, tao, max_price, drop_fees)``: the protocol buys alpha with
    ``tao`` rao already on the subnet's account; returns the TAO that entered the pool.

    The era's swap (:func:`dtao.staking_head.plan_swap`, fee-free at no limit; an uninitialised
    pool is first set to w = 0.5, as every swap does; 1:1 on a stable subnet) and its writes
    (:func:`dtao.staking_head.write_buy`: the alpha leaves x for o, TotalStake += ``tao``); the
    bought alpha is kept as ``protocol_alpha``. A refused buy (reserve or input guards) moves
    nothing and the TAO stays stranded on the subnet account (``account_tao``, the summer-2026
    ``chain_buy_failure`` switch), as does the unexecuted rest of a capped buy.
    """
    ext = summer_columns(state)
    try:
        result = H.plan_swap(state, rules, netuid, tao, buy=True, drop_fees=True)
    except ProtocolError:
        _add(ext, "account_tao", netuid, tao)
        return 0
    H.write_buy(state, netuid, tao, result)
    _add(ext, "account_tao", netuid, tao - result.amount_paid_in)
    _add(ext, "protocol_alpha", netuid, result.amount_paid_out)
    return result.amount_paid_in


def inject_summer(state: State, rules: Rules, subnets: int, emission: int) -> None:
    """One block's mint, shares, injection, chain buys and alpha split (steps 1-5 above); the
    recycled rest of E leaves issuance. ``subnets`` is unused (the loop is per subnet)."""
    credit = mint_tao(state, emission)
    emitting = emitting_subnets(state)
    step = rules.block_shares or subnet_shares
    emissions = subnet_block_emissions(state, emitting, credit, step(state, emitting))
    share_total = sum(emissions.values())
    for netuid, tao in emissions.items():
        state.columns.emission_share[netuid] = tao / share_total if share_total else 0.0
    emit_to_subnets(state, rules, emitting, emissions, credit, root_sell_flag(state, emitting))


def mint_tao(state: State, amount: int) -> int:
    """``mint_tao``: issuance grows by ``amount`` capped at the supply; the credit (rao)."""
    credit = min(amount, max(state.params.total_supply - state.total_issuance, 0))
    state.total_issuance += credit
    return credit


def emit_to_subnets(
    state: State,
    rules: Rules,
    emitting: list[int],
    emissions: dict[int, int],
    credit: int,
    flag: bool,
    inject: Injector | None = None,
    cap: InjectionCap | None = None,
) -> None:
    """``emit_to_subnets``: terms, pool injection and chain buys paid from ``credit`` (rao
    minted this block; the unspent rest is recycled), then the alpha split into the pots
    (root alpha pending when ``flag``, else recycled). ``inject``: the era's pool step
    (default :func:`inject_and_maybe_swap`); ``cap``: the era's alpha_in cap
    (:func:`subnet_terms`)."""
    terms = subnet_terms(state, emissions, cap)
    credit = (inject or inject_and_maybe_swap)(
        state,
        rules,
        emitting,
        {n: (t[0], t[1], t[3]) for n, t in terms.items()},
        credit,
    )
    state.total_issuance -= credit  # recycle_credit
    params, cols = state.params, state.columns
    ext = summer_columns(state)
    for netuid in emitting:  # step 3: participant alpha
        alpha_out = _to_u64(terms[netuid][2]) if netuid in terms else 0
        cols.alpha_out_emission[netuid] = alpha_out
        cols.alpha_out[netuid] += alpha_out
        cut = params.owner_cut_u16 if ext.get("owner_cut_enabled", netuid) else 0
        rp = subnet_root_proportion(state, netuid)
        split = split_alpha_emission(alpha_out, cut, Fraction(rp, U96F32.one))
        cols.pending_owner_cut[netuid] += split.owner_cut
        _add(ext, "pending_server", netuid, split.server)
        _add(ext, "pending_validator", netuid, split.validator)
        if flag:
            _add(ext, "pending_root_alpha", netuid, split.root)
        else:  # recycle_subnet_alpha
            cols.alpha_out[netuid] -= min(split.root, int(cols.alpha_out[netuid]))
        dust = alpha_out - split.owner_cut - split.server - split.validator - split.root
        cols.alpha_unbacked[netuid] += dust


def _add(ext: SummerColumns, column: str, netuid: int, amount: int) -> None:
    ext.set(column, netuid, ext.get(column, netuid) + amount)


def inject_and_maybe_swap(
    state: State,
    rules: Rules,
    emitting: list[int],
    terms: dict[int, tuple[int, int, int]],
    credit: int,
) -> int:
    """``inject_and_maybe_swap``: per subnet, (tao_in, alpha_in, excess) as U96F32 bits
    floored to rao: re-weight, chain buy, then the injection, each paid from ``credit``
    (refused when the credit is short); returns the credit left (rao)."""
    cols = state.columns
    ext = summer_columns(state)
    for netuid in emitting:
        tao_in_b, alpha_in_b, excess_b = terms.get(netuid, (0, 0, 0))
        tao_in, alpha_in = H.adjust_protocol_liquidity(
            state, netuid, _to_u64(tao_in_b), _to_u64(alpha_in_b)
        )
        ext.set("excess_tao", netuid, 0)
        cols.tao_in_emission[netuid] = 0
        excess = _to_u64(excess_b)
        if 0 < excess <= credit:
            credit -= excess
            ext.set("excess_tao", netuid, chain_buy(state, rules, netuid, excess))
        cols.alpha_in_emission[netuid] = alpha_in
        cols.alpha_in[netuid] += alpha_in
        if 0 < tao_in <= credit:
            credit -= tao_in
            cols.tao_in_emission[netuid] = tao_in
            cols.tao_in[netuid] += tao_in
            state.total_stake = min(state.total_stake + tao_in, U64_MAX)
    return credit


def update_moving_price(state: State, netuid: int) -> None:
    """``update_moving_price`` @ 14bc6f9: m ← a_eff·min(p, 1) + (1 − a_eff)·m in U64F64 with
    a_eff = a·b/(b + H), b = now − (FirstEmissionBlockNumber − 1) (saturating), H the
    preset's ``ema_warmup_blocks``; stored as I96F32 (floored)."""
    params = state.params
    first = max(summer_columns(state).get("first_emission_block", netuid), 0)
    since = max(state.block - max(first - 1, 0), 0)
    halving = params.ema_warmup_blocks or 0
    moving_alpha = round(params.ema_alpha * (1 << FRAC32)) << _FRAC_SHIFT  # I96F32 storage
    ratio = U64F64.safe_div(U64F64.from_int(since), U64F64.from_int(since + halving))
    alpha = U64F64.saturating_mul(moving_alpha, ratio)
    observed = min(alpha_price_bits(state, netuid), ONE64)
    new = U64F64.saturating_mul(alpha, observed) + U64F64.saturating_mul(
        max(ONE64 - alpha, 0), moving_price_bits(state, netuid)
    )
    state.columns.moving_price_bits[netuid] = new >> _FRAC_SHIFT


def update_prices_and_root_prop(state: State, rules: Rules, subnets: int) -> None:
    """Block-step steps 5-6 after the coinbase and its epochs: the EMA price, then
    ``RootProp``, for every emitting subnet."""
    emitting = emitting_subnets(state)
    for netuid in emitting:
        update_moving_price(state, netuid)
    ext = summer_columns(state)
    for netuid in emitting:
        ext.set("root_prop_bits", netuid, subnet_root_proportion(state, netuid))
