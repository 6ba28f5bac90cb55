"""Fast twin of the summer-2026 and current coinbases (:func:`dtao.coinbase_summer.inject_summer`,
:func:`dtao.coinbase_current.inject_current`) and of their after-epoch step
(:func:`dtao.coinbase_summer.update_prices_and_root_prop`): the same integers, bit for bit.

The reference walks the subnets several times through per-key column reads and writes and the
generic fixed-point helpers. The twin reads each column once for all emitting subnets, runs one
fused pass per subnet on plain ``int`` (every U64F64 / U96F32 product floored, every quotient
``(a << frac) // b``, with the reference's saturations wherever a value can reach them), and
writes each column back once. That is exact because a subnet's pool step and its alpha split
read only that subnet's rows and the block's globals (the credit, ``TotalStake``, ``SubnetTAO``
of root, which the coinbase does not change). The gate's I32F32 powers run in one compiled
call (:mod:`dtao.gate_compiled`; :func:`dtao.gate.safe_pow` per lane without numba or with
``DTAO_NO_JIT=1``).

A subnet whose chain buy runs this block (the rare lane) is handed whole, on the live state, to
the era's reference pool step (one subnet), then read back. A block the twin does not cover (a
stored superellipse curve, a stored weight outside [0.01, 0.99], a negative miner burn, amounts
near the int64 limit, a summer column row missing) goes to the reference, having written
nothing. :mod:`dtao.eras` picks the twin for these two injections on the balancer pool (no
``PoolRules.inject`` hook) when fast twins are on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from dtao import coinbase_current as C
from dtao import coinbase_summer as S
from dtao import gate
from dtao import staking_head as H
from dtao.distribution import owner_cut_bits, tao_weight_bits
from dtao.emission import block_emission_for_issuance
from dtao.fixed import I32F32_MAX, ONE32, ONE64, U64F64
from dtao.pools import balancer as bal
from dtao.rules import Rules
from dtao.state import State
from dtao.summer import summer_columns
from dtao.units import U64_MAX
from dtao.yuma import jit_enabled

_MAX = U64F64.max_raw  # = U96F32's: 2^128 − 1
_HALF32 = ONE32 >> 1
_SAFE = 1 << 62  # amounts below this cannot leave int64 when a block's emission is added
_ACC = bal.ACCURACY
_CURVE_ITEM = "curve_a"  # a stored superellipse (dtao.curve) prices its pool: not covered
_HALF_ACC = _ACC // 2
_W0 = bal.DEFAULT_QUOTE_WEIGHT

#: (state, rules, one emitting netuid, its terms, credit) -> credit: the era's pool step
PoolStep = Callable[[State, Rules, list[int], dict[int, tuple[int, int, int]], int], int]


def _price_bits(mech: int, y: int, x: int, w: int) -> int:
    """:func:`dtao.coinbase_summer.alpha_price_bits` on read values (U64F64 bits)."""
    if mech != 1:
        return ONE64
    if x == 0:
        return 0
    weight_ratio = ((_ACC - w) << 64) // w
    return min(weight_ratio * ((y << 64) // x) >> 64, _MAX)


def _compiled_gate() -> Any:
    """:mod:`dtao.gate_compiled` when numba imports, else ``None``; imported on first use so
    that ``DTAO_NO_JIT=1`` never loads numba."""
    from dtao import gate_compiled  # noqa: PLC0415 - deferred: importing it imports numba

    return gate_compiled if gate_compiled.AVAILABLE else None


def _gate(state: State, emitting: list[int], shares: list[int]) -> list[int]:
    """:func:`dtao.gate.gated_shares` on the demand shares (θ updated in state)."""
    theta = gate.update_bar(state, dict(zip(emitting, shares, strict=True)))
    if theta <= 0:
        return shares
    exponent = gate.exponent_bits(state.params)
    lanes = [k for k, s in enumerate(shares) if s > 0]
    ratios = [(theta << 64) // shares[k] for k in lanes]
    ratios = [r if r <= _MAX else 0 for r in ratios]
    compiled = _compiled_gate() if jit_enabled() else None
    if compiled is not None:
        values = np.array([min(r >> 32, I32F32_MAX) for r in ratios], dtype=np.int64)
        out = np.empty_like(values)
        compiled.pow_many(values, min(exponent >> 32, I32F32_MAX), out)
        powers = [p << 32 for p in out.tolist()]
    else:
        powers = [gate.safe_pow(r, exponent) for r in ratios]
    gated = list(shares)
    for k, power in zip(lanes, powers, strict=True):
        g = (1 << 128) // min(ONE64 + power, _MAX)
        gated[k] = shares[k] * g >> 64
    total = min(sum(gated), _MAX)
    if total == 0:
        return shares
    return [q if (q := (s << 64) // total) <= _MAX else 0 for s in gated]


class _Lanes:
    """One block's reads of the emitting subnets (lists of Python ints, lane k = emitting[k])
    and whether they are in the twin's range: balancer prices (no stored superellipse curve),
    valid stored weights, no negative miner burn, every reserve and reservoir in [0, 2^62) (then
    no product below meets a saturation bound and no sum leaves int64)."""

    def __init__(self, state: State, emitting: list[int]) -> None:
        summer = summer_columns(state)
        cols, ext = state.columns, summer.columns
        self.ix = ix = np.array(emitting, dtype=np.int64)
        w = ext["quote_weight"][ix]
        amounts = [cols.tao_in[ix], cols.alpha_in[ix], cols.alpha_out[ix]]
        amounts += [ext[c][ix] for c in ("tao_reservoir", "alpha_reservoir", "miner_burned_bits")]
        self.covered = bool(
            not summer.wide[_CURVE_ITEM]
            and w.min() >= bal.MIN_WEIGHT
            and w.max() <= bal.MAX_QUOTE_WEIGHT
            and not np.any(np.concatenate(amounts) >> 62)
            and 0 <= state.root_tao < _SAFE
        )
        self.y, self.x, self.o, self.tres, self.ares, self.burned = (a.tolist() for a in amounts)
        self.w = w.tolist()
        self.mech = cols.mechanism[ix].tolist()
        self.mp = cols.moving_price_bits[ix].tolist()

    def moving_bits(self) -> list[int]:
        """:func:`dtao.coinbase_summer.moving_price_bits` per lane."""
        return [
            (max(m, 0) << 32) if k == 1 else ONE64 for m, k in zip(self.mp, self.mech, strict=True)
        ]


def _reweight(y: int, x: int, w: int, tao: int, alpha: int) -> int | None:
    """:func:`dtao.pools.balancer.update_weights_for_added_liquidity` in the twin's range
    (reserves and deltas below 2^63: no u128 clamp binds)."""
    q1 = ((_ACC - w) * (y * (x + alpha)) + _HALF_ACC) // _ACC
    q2 = (w * (x * (y + tao)) + _HALF_ACC) // _ACC
    total = q1 + q2
    weight = q2 * _ACC // total if total else bal.DEFAULT_QUOTE_WEIGHT
    return weight if bal.MIN_WEIGHT <= weight <= bal.MAX_QUOTE_WEIGHT else None


def _weighted_root(state: State) -> int:
    """tw·R of :func:`dtao.distribution.root_proportion_bits` (U96F32 bits)."""
    weighted = (state.root_tao << 32) * tao_weight_bits(state.params.tao_weight_u64) >> 32
    return min(weighted, _MAX)


def _emitting(state: State) -> list[int] | None:
    """:func:`dtao.coinbase_summer.emitting_subnets` by columns; None if a summer row is
    missing (the twin then declines)."""
    netuids = state.netuids
    ext = summer_columns(state)
    if not netuids or ext.capacity <= netuids[-1]:
        return None
    ix = np.array(netuids, dtype=np.int64)
    cols = ext.columns
    mask = (
        (cols["first_emission_block"][ix] >= 0)
        & (cols["subtoken_enabled"][ix] != 0)
        & (state.columns.registration_allowed[ix] != 0)
    )
    return ix[mask].tolist()


def _demand_shares(lanes: _Lanes, prices: list[int], total: int) -> list[int]:
    """:func:`dtao.coinbase_summer.subnet_shares` (U64F64 bits per lane)."""
    price_shares = [(p << 64) // total for p in prices] if total else [0] * len(prices)
    if any(lanes.burned):  # (1 − min(b, 1)) weights; with no burn they are the shares
        weighted = [
            s * (ONE64 - min(b << 32, ONE64)) >> 64
            for s, b in zip(price_shares, lanes.burned, strict=True)
        ]
    else:
        weighted = price_shares
    total_weight = min(sum(weighted), _MAX)
    if total_weight > 0:
        return [(w << 64) // total_weight for w in weighted]
    return price_shares


def _block_emissions(state: State, lanes: _Lanes, shares: list[int], credit: int) -> list[int]:
    """:func:`dtao.coinbase_summer.subnet_block_emissions`: T per lane as U96F32 bits."""
    enabled = summer_columns(state).columns["emission_enabled"][lanes.ix].tolist()
    if not all(enabled):
        enabled_sum = min(sum(s for s, e in zip(shares, enabled, strict=True) if e), _MAX)
        shares = [
            (s << 64) // enabled_sum if e and enabled_sum else 0
            for s, e in zip(shares, enabled, strict=True)
        ]
        shares = [s if s <= _MAX else 0 for s in shares]  # safe_div: 0 on overflow
    supply = min(credit << 64, _MAX)
    return [supply * s >> 96 for s in shares]  # ≤ E·2^32: no saturation


def _write_back(state: State, lanes: _Lanes, values: dict[str, list[int]], deltas: dict) -> None:
    """Each state column once: ``values`` assigned, ``deltas`` added (main and summer columns)."""
    cols, ext = state.columns, summer_columns(state).columns
    ix = lanes.ix
    for name, column in values.items():
        target = ext[name] if name in ext else getattr(cols, name)
        target[ix] = column
    for name, column in deltas.items():
        target = ext[name] if name in ext else getattr(cols, name)
        target[ix] += np.array(column, dtype=np.int64)


def fast_injection(state: State, rules: Rules, subnets: int, emission: int) -> bool:
    """The twin of ``rules.injection`` (summer or current) for one block; False, having written
    nothing, when it does not cover the block (the caller then runs the reference).
    ``subnets`` is unused."""
    current = rules.injection is C.inject_current
    emitting = _emitting(state)
    if not emitting:
        return False
    lanes = _Lanes(state, emitting)
    if not lanes.covered or not 0 <= emission < _SAFE:
        return False
    params, ext = state.params, summer_columns(state)
    credit = S.mint_tao(state, emission)
    prices = lanes.moving_bits()
    price_total = min(sum(prices), _MAX)
    shares = _demand_shares(lanes, prices, price_total)
    if current:
        shares = _gate(state, emitting, shares)
    emissions = _block_emissions(state, lanes, shares, credit)
    share_total = sum(emissions)
    state.columns.emission_share[lanes.ix] = [
        t / share_total if share_total else 0.0 for t in emissions
    ]
    flag = price_total > ONE64  # root_sell_flag
    step: PoolStep = C.inject_chain_buy_first if current else S.inject_and_maybe_swap
    reservoir = current and params.balancer_reservoir
    owner_bits = owner_cut_bits(params.owner_cut_u16)
    owner_on = ext.columns["owner_cut_enabled"][lanes.ix].tolist()
    weighted_root = _weighted_root(state)
    root_num = weighted_root << 32  # rp = tw·R / (tw·R + A): ≤ 1, no saturation in range
    supply, base = params.total_supply, params.base_block_emission
    u64_max = U64_MAX

    # the chain buy fused (current, the era's balancer binding): its pool kind, else None
    binding = rules.pool.bind
    buy = binding.base if current and isinstance(binding, H.BalancerBinding) else None
    init = ext.columns["pool_initialized"][lanes.ix].tolist()

    n = len(emitting)
    y, x, o, w, tres, ares = lanes.y, lanes.x, lanes.o, lanes.w, lanes.tres, lanes.ares
    tao_emit, alpha_emit, alpha_out_emit, excess_tao = [0] * n, [0] * n, [0] * n, [0] * n
    flow, owner_d, server_d, validator_d, root_d, dust_d = ([0] * n for _ in range(6))
    protocol_alpha = [0] * n
    stake = state.total_stake
    for k in range(n):
        # -- terms (get_subnet_terms), on this subnet's reserves before its pool step
        price = _price_bits(lanes.mech[k], y[k], x[k], w[k]) >> 32
        t_emit = emissions[k]
        issuance = x[k] + o[k] + ares[k]
        if 2 * (supply - issuance) > supply:  # before the first halving
            alpha_out = base
        else:
            alpha_out = block_emission_for_issuance(issuance, supply, base)
        rp = root_num // (weighted_root + (issuance << 32)) if weighted_root or issuance else 0
        cap = rp * alpha_out  # rp·(Eα << 32) >> 32
        alpha_in_b = (t_emit << 32) // price if price else 0
        tao_in_b = t_emit
        if alpha_in_b > cap:  # T << 32 < 2^126: the quotient never overflows U96F32
            alpha_in_b = cap
            tao_in_b = cap * price >> 32  # < T, as cap < T·2^32 / price
        excess_b = t_emit - tao_in_b
        excess = excess_b >> 32
        # -- pool step
        handed = bought = 0 < excess <= credit  # a chain buy
        if bought and buy is not None and lanes.mech[k] == 1:  # fused: the common case
            netuid = emitting[k]
            alpha = bal.fee_free_swap_fast(
                y[k], x[k], w[k] if init[k] else _W0, excess, buy.min_reserve, buy=True
            )
            if alpha is not None:  # write_buy + chain_buy_first's records, on the lane
                handed = False
                credit -= excess
                stake = min(stake + excess, u64_max)
                if not init[k]:  # _mark_initialised: w2 = 0.5 before the reserves move
                    w[k] = _W0
                    ext.columns["pool_initialized"][netuid] = 1
                x[k] -= alpha
                o[k] += alpha
                y[k] += excess
                protocol_alpha[k] = alpha
                excess_tao[k] = flow[k] = excess
        if handed:  # the reference step on the live state
            netuid = emitting[k]
            state.total_stake = stake
            credit = step(
                state, rules, [netuid], {netuid: (tao_in_b, alpha_in_b, excess_b)}, credit
            )
            stake = state.total_stake
            cols, columns = state.columns, ext.columns
            y[k], x[k], o[k] = (
                int(c[netuid]) for c in (cols.tao_in, cols.alpha_in, cols.alpha_out)
            )
            w[k], tres[k], ares[k], excess_tao[k] = (
                int(columns[c][netuid])
                for c in ("quote_weight", "tao_reservoir", "alpha_reservoir", "excess_tao")
            )
            tao_emit[k] = int(cols.tao_in_emission[netuid])
            alpha_emit[k] = int(cols.alpha_in_emission[netuid])
        else:
            tao_in, alpha_in = tao_in_b >> 32, alpha_in_b >> 32  # ≤ T, cap: < 2^63
            if current:
                if tao_in > credit:
                    tao_in = 0
                credit -= tao_in
                if reservoir:
                    pending_t, pending_a = tres[k] + tao_in, ares[k] + alpha_in
                    tao_in = alpha_in = 0  # what becomes price-active
                    if pending_t or pending_a:
                        weight = _reweight(y[k], x[k], w[k], pending_t, pending_a)
                        if weight is not None:
                            tao_in, alpha_in = pending_t, pending_a
                        elif pending_a and (weight := _reweight(y[k], x[k], w[k], 0, pending_a)):
                            alpha_in = pending_a
                        elif pending_t and (weight := _reweight(y[k], x[k], w[k], pending_t, 0)):
                            tao_in = pending_t
                        if weight is not None:
                            w[k] = weight
                    tres[k], ares[k] = pending_t - tao_in, pending_a - alpha_in
                else:
                    weight = _reweight(y[k], x[k], w[k], tao_in, alpha_in)
                    if weight is None:
                        credit += tao_in
                        tao_in = alpha_in = 0
                    else:
                        w[k] = weight
                accepted = tao_in > 0
            else:  # summer: re-weight, then the injection paid from the credit
                weight = _reweight(y[k], x[k], w[k], tao_in, alpha_in)
                if weight is None:
                    tao_in = alpha_in = 0
                else:
                    w[k] = weight
                accepted = 0 < tao_in <= credit
                if accepted:
                    credit -= tao_in
            alpha_emit[k] = alpha_in
            x[k] += alpha_in
            if accepted:
                tao_emit[k] = tao_in
                y[k] += tao_in
                stake = min(stake + tao_in, u64_max)
                flow[k] += tao_in
        # -- the alpha split (emit_to_subnets step 3), after this subnet's pool step
        alpha_out_emit[k] = alpha_out
        o[k] += alpha_out
        total = weighted_root + ((x[k] + o[k] + ares[k]) << 32)
        rp = root_num // total if total else 0
        total = alpha_out << 32
        owner = total * owner_bits >> 32 if owner_on[k] else 0
        remaining = total - owner
        root = (rp * remaining >> 32) * _HALF32 >> 32
        server = remaining * _HALF32 >> 32
        validator = remaining - server - root  # ≥ 0 (rp ≤ 1)
        owner, server, validator, root = owner >> 32, server >> 32, validator >> 32, root >> 32
        owner_d[k], server_d[k], validator_d[k] = owner, server, validator
        if flag:
            root_d[k] = root
        else:  # recycle_subnet_alpha
            o[k] -= root if root < o[k] else o[k]
        dust_d[k] = alpha_out - owner - server - validator - root
    state.total_stake = stake
    state.total_issuance -= credit  # recycle_credit
    values = {
        "tao_in": y,
        "alpha_in": x,
        "alpha_out": o,
        "quote_weight": w,
        "tao_in_emission": tao_emit,
        "alpha_in_emission": alpha_emit,
        "alpha_out_emission": alpha_out_emit,
        "excess_tao": excess_tao,
    }
    deltas = {
        "pending_owner_cut": owner_d,
        "pending_server": server_d,
        "pending_validator": validator_d,
        "pending_root_alpha": root_d,
        "alpha_unbacked": dust_d,
    }
    if current:
        values |= {"tao_reservoir": tres, "alpha_reservoir": ares}
        deltas |= {"protocol_flow": flow, "protocol_alpha": protocol_alpha}
    _write_back(state, lanes, values, deltas)
    return True


def fast_update_prices_and_root_prop(state: State, rules: Rules, subnets: int) -> None:
    """:func:`dtao.coinbase_summer.update_prices_and_root_prop` on all emitting subnets at once
    (the reference runs where the twin does not cover the state)."""
    emitting = _emitting(state)
    lanes = _Lanes(state, emitting) if emitting else None
    if lanes is None or not lanes.covered:
        S.update_prices_and_root_prop(state, rules, subnets)
        return
    params = state.params
    ext = summer_columns(state).columns
    firsts = ext["first_emission_block"][lanes.ix].tolist()
    halving = params.ema_warmup_blocks or 0
    moving_alpha = round(params.ema_alpha * ONE32) << 32
    weights: dict[int, tuple[int, int]] = {}  # blocks since start -> (a_eff, 1 − a_eff)
    new = []
    for k, moving in enumerate(lanes.moving_bits()):
        since = max(state.block - max(firsts[k] - 1, 0), 0)
        pair = weights.get(since)
        if pair is None:
            ratio = (since << 64) // (since + halving) if since + halving else 0
            alpha = min(moving_alpha * ratio >> 64, _MAX)
            pair = weights[since] = (alpha, max(ONE64 - alpha, 0))
        observed = min(_price_bits(lanes.mech[k], lanes.y[k], lanes.x[k], lanes.w[k]), ONE64)
        value = min(pair[0] * observed >> 64, _MAX) + min(pair[1] * moving >> 64, _MAX)
        new.append(value >> 32)
    state.columns.moving_price_bits[lanes.ix] = new
    weighted_root = _weighted_root(state)
    root_num = weighted_root << 32
    ext["root_prop_bits"][lanes.ix] = [
        root_num // total if (total := weighted_root + ((xk + ok + ak) << 32)) else 0
        for xk, ok, ak in zip(lanes.x, lanes.o, lanes.ares, strict=True)
    ]
