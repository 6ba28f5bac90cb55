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
from dtao import exact_compiled, gate
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
_SAFE = 1 << 62  # amounts below this cannot leave int64 when a block's emission is added
_EMISSION_LIMIT = 1 << 31  # a block's (and the base) emission below this: every T < 2^63
_CURVE_ITEM = "curve_a"  # a stored superellipse (dtao.curve) prices its pool: not covered
_W0 = bal.DEFAULT_QUOTE_WEIGHT

#: (state, rules, one emitting netuid, its terms, credit) -> credit: the era's pool step
PoolStep = Callable[[State, Rules, list[int], dict[int, tuple[int, int, int]], int], int]


def _compiled_gate() -> Any:
    """:mod:`dtao.gate_compiled` when numba imports, else ``None``; imported on first use so
    that ``DTAO_NO_JIT=1`` never loads numba."""
    from dtao import gate_compiled  # noqa: PLC0415 - deferred: importing it imports numba

    return gate_compiled if gate_compiled.AVAILABLE else None


def _compiled_terms(
    kernel: Any, state: State, lanes: _Lanes, emitting: list[int], credit: int, current: bool
) -> tuple[int | None, list[int]]:
    """The price total and each lane's T (U96F32 bits) of :func:`_demand_shares`, :func:`_gate`
    (``current``, θ updated in state) and :func:`_block_emissions`, in the compiled lanes;
    (None, []) where they do not cover them (a price weight or the bar above 1)."""
    inputs = {
        "mechanism": lanes.mech,
        "moving_price_bits": lanes.mp,
        "miner_burned_bits": lanes.burned,
        "emission_enabled": summer_columns(state).columns["emission_enabled"][lanes.ix],
    }
    terms = _Table(kernel.SHARE_ROWS, len(emitting), inputs)
    price_total = kernel.demand_shares(terms.data, len(emitting))
    if price_total is None:
        return None, []
    theta = exponent = 0
    if current and gate.bar_recomputes(state):  # the shares as ints only for a new bar
        high, low = terms["share_hi"].tolist(), terms["share_lo"].view(np.uint64).tolist()
        theta = gate.update_bar(
            state, {n: (h << 64) | lo for n, h, lo in zip(emitting, high, low, strict=True)}
        )
    elif current:
        theta = gate.gate_state(state).bar_bits
    if current:
        exponent = min(gate.exponent_bits(state.params) >> 32, I32F32_MAX)
    # θ above 1 (a hand-set bar): the Python lanes, whose _gate asks update_bar again (the
    # same θ: a second call on the same shares changes nothing)
    if not 0 <= theta <= ONE64 or not kernel.gate_emissions(
        terms.data, len(emitting), theta >> 64, theta & U64_MAX, exponent, credit
    ):
        return None, []
    return price_total, terms["t_emit_bits"].tolist()


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
    """One block's reads of the emitting subnets (int64 arrays, lane k = emitting[k]) and
    whether they are in the twin's range: balancer prices (no stored superellipse curve),
    valid stored weights, no negative miner burn, every reserve and reservoir in [0, 2^62)
    (the compiled lanes' range: no product meets a saturation bound, no sum leaves int64)."""

    def __init__(self, state: State, emitting: list[int]) -> None:
        summer = summer_columns(state)
        cols, ext = state.columns, summer.columns
        self.ix = ix = np.array(emitting, dtype=np.int64)
        self.w = w = ext["quote_weight"][ix]
        self.y, self.x, self.o = cols.tao_in[ix], cols.alpha_in[ix], cols.alpha_out[ix]
        self.tres, self.ares = ext["tao_reservoir"][ix], ext["alpha_reservoir"][ix]
        self.burned = ext["miner_burned_bits"][ix]
        amounts = (self.y, self.x, self.o, self.tres, self.ares, self.burned)
        self.covered = bool(
            not summer.wide[_CURVE_ITEM]
            and np.minimum.reduce(w) >= bal.MIN_WEIGHT  # the ufuncs: no Python wrapper
            and np.maximum.reduce(w) <= bal.MAX_QUOTE_WEIGHT
            and not (np.concatenate(amounts) >> 62).any()
            and 0 <= state.root_tao < _SAFE
        )
        self.mech = cols.mechanism[ix]
        self.mp = cols.moving_price_bits[ix]

    def moving_bits(self) -> list[int]:
        """:func:`dtao.coinbase_summer.moving_price_bits` per lane."""
        return [
            (max(m, 0) << 32) if k == 1 else ONE64
            for m, k in zip(self.mp.tolist(), self.mech.tolist(), strict=True)
        ]

    def alpha_out(self, params: Any) -> np.ndarray:
        """Each lane's alpha block emission (rao) from its issuance x + o + reservoir."""
        supply, base = params.total_supply, params.base_block_emission
        issuance = self.x.astype(np.uint64) + self.o.astype(np.uint64) + self.ares.astype(np.uint64)
        out = np.full(len(self.ix), base, dtype=np.int64)
        for k in np.flatnonzero(issuance >= np.uint64((supply + 1) // 2)).tolist():  # halved
            out[k] = block_emission_for_issuance(int(issuance[k]), supply, base)
        return out


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
    count = len(netuids)
    # netuids 1 … n (sorted, distinct): their rows as one slice, no gather
    rows: slice | np.ndarray = (
        slice(1, count + 1) if netuids[-1] == count else np.array(netuids, dtype=np.int64)
    )
    cols = ext.columns
    mask = (
        (cols["first_emission_block"][rows] >= 0)
        & (cols["subtoken_enabled"][rows] != 0)
        & (state.columns.registration_allowed[rows] != 0)
    )
    if mask.all():
        return netuids
    return [netuid for netuid, on in zip(netuids, mask.tolist(), strict=True) if on]


def _demand_shares(lanes: _Lanes, prices: list[int], total: int) -> list[int]:
    """:func:`dtao.coinbase_summer.subnet_shares` (U64F64 bits per lane)."""
    price_shares = [(p << 64) // total for p in prices] if total else [0] * len(prices)
    if lanes.burned.any():  # (1 − min(b, 1)) weights; with no burn they are the shares
        weighted = [
            s * (ONE64 - min(b << 32, ONE64)) >> 64
            for s, b in zip(price_shares, lanes.burned.tolist(), strict=True)
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


#: the compiled lanes' rows (``dtao._exact.INJECT_ROWS``) the twin assigns to state
#: columns, and those it adds to them (the others are the kernel's inputs and scratch)
_ASSIGNED = (
    "pool_initialized",
    "tao_in",
    "alpha_in",
    "alpha_out",
    "quote_weight",
    "tao_in_emission",
    "alpha_in_emission",
    "alpha_out_emission",
    "excess_tao",
)
_ADDED = (
    "pending_owner_cut",
    "pending_server",
    "pending_validator",
    "pending_root_alpha",
    "alpha_unbacked",
)
_CURRENT_ASSIGNED = ("tao_reservoir", "alpha_reservoir")
_CURRENT_ADDED = ("protocol_flow", "protocol_alpha")


class _Table:
    """A compiled kernel's int64 table: one row per name of ``rows`` (``INJECT_ROWS`` or
    ``EMA_ROWS``), one column per lane; ``inputs`` fill their rows, the others start at 0."""

    def __init__(self, rows: tuple[str, ...], lanes: int, inputs: dict[str, Any]) -> None:
        self.row = {name: i for i, name in enumerate(rows)}
        self.data = np.zeros((len(self.row), lanes), dtype=np.int64)
        for name, values in inputs.items():
            self.data[self.row[name]] = values

    def __getitem__(self, name: str) -> np.ndarray:
        return self.data[self.row[name]]

    def get(self, name: str, k: int) -> int:
        return int(self.data[self.row[name], k])

    def put(self, name: str, k: int, value: int) -> None:
        self.data[self.row[name], k] = value


def fast_injection(state: State, rules: Rules, subnets: int, emission: int) -> bool:
    """The twin of ``rules.injection`` (summer or current) for one block; False, having written
    nothing, when it does not cover the block (the caller then runs the reference): no
    compiled lanes, or a state outside their range. ``subnets`` is unused."""
    kernel = exact_compiled.kernels()
    emitting = _emitting(state)
    if kernel is None or not emitting:
        return False
    lanes = _Lanes(state, emitting)
    params, ext = state.params, summer_columns(state)
    in_range = 0 <= emission < _EMISSION_LIMIT and params.base_block_emission < _EMISSION_LIMIT
    if not (lanes.covered and in_range):
        return False
    current = rules.injection is C.inject_current
    credit = S.mint_tao(state, emission)
    price_total, emissions = _compiled_terms(kernel, state, lanes, emitting, credit, current)
    if price_total is None:  # a price or a bar above 1: the same steps in Python
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
    inputs = {
        "tao_in": lanes.y,
        "alpha_in": lanes.x,
        "alpha_out": lanes.o,
        "quote_weight": lanes.w,
        "tao_reservoir": lanes.tres,
        "alpha_reservoir": lanes.ares,
        "mechanism": lanes.mech,
        "t_emit_bits": emissions,
        "alpha_out_block": lanes.alpha_out(params),
    }
    for name in ("owner_cut_enabled", "pool_initialized"):
        inputs[name] = ext.columns[name][lanes.ix]
    table = _Table(kernel.INJECT_ROWS, len(emitting), inputs)
    step: PoolStep = C.inject_chain_buy_first if current else S.inject_and_maybe_swap
    # the chain buy fused (current, the era's balancer binding): its pool kind, else None
    binding = rules.pool.bind
    buy = binding.base if current and isinstance(binding, H.BalancerBinding) else None
    weighted_root = _weighted_root(state)
    limit = bal.DEFAULT_LIMITS[True]  # a buy's
    constants = (
        weighted_root >> 64,
        weighted_root & U64_MAX,
        owner_cut_bits(params.owner_cut_u16),
        current,
        current and params.balancer_reservoir,
        price_total > ONE64,  # root_sell_flag
        buy is not None,
        buy.min_reserve if buy is not None else 0,
        limit >> 64,
        limit & U64_MAX,
    )
    n, k, phase, stake = len(emitting), 0, 0, state.total_stake
    while True:
        k, credit, stake = kernel.inject(table.data, n, k, phase, credit, stake, *constants)
        if k >= n:
            break
        # lane k's chain buy, which the kernel left to Python (its swap undecided there, or
        # refused, or not fused); the kernel then goes on from its injection or its split
        netuid = emitting[k]
        excess = table.get("excess", k)
        alpha = None
        if buy is not None and lanes.mech[k] == 1:
            weight = table.get("quote_weight", k) if table.get("pool_initialized", k) else _W0
            y, x = table.get("tao_in", k), table.get("alpha_in", k)
            alpha = bal.fee_free_swap_fast(
                y, x, weight, excess, buy.min_reserve, buy=True, kernel=kernel
            )
        if alpha is not None:  # write_buy + chain_buy_first's records, on the lane
            credit -= excess
            stake = min(stake + excess, U64_MAX)
            if not table.get("pool_initialized", k):  # _mark_initialised: w2 = 0.5 first
                table.put("quote_weight", k, _W0)
                table.put("pool_initialized", k, 1)
            table["alpha_in"][k] -= alpha
            table["alpha_out"][k] += alpha
            table["tao_in"][k] += excess
            table.put("protocol_alpha", k, alpha)
            table.put("excess_tao", k, excess)
            table.put("protocol_flow", k, excess)
            phase = kernel.PHASE_BOUGHT
            continue
        state.total_stake = stake  # handed: the era's reference pool step on the live state
        bits = ("tao_in_bits", "alpha_in_bits", "excess_bits")
        tao_b, alpha_b, excess_b = (table.get(c, k) for c in bits)
        terms = {netuid: (tao_b, alpha_b, excess_b)}
        credit = step(state, rules, [netuid], terms, credit)
        stake = state.total_stake
        phase = kernel.PHASE_HANDED
        cols, columns = state.columns, ext.columns
        for name in ("tao_in", "alpha_in", "alpha_out", "tao_in_emission", "alpha_in_emission"):
            table.put(name, k, int(getattr(cols, name)[netuid]))
        for name in (
            "quote_weight",
            "tao_reservoir",
            "alpha_reservoir",
            "excess_tao",
            "pool_initialized",
        ):
            table.put(name, k, int(columns[name][netuid]))
    state.total_stake = stake
    state.total_issuance -= credit  # recycle_credit
    assigned: tuple[str, ...] = _ASSIGNED + (_CURRENT_ASSIGNED if current else ())
    added: tuple[str, ...] = _ADDED + (_CURRENT_ADDED if current else ())
    cols, columns = state.columns, ext.columns
    for name in assigned:
        (columns[name] if name in columns else getattr(cols, name))[lanes.ix] = table[name]
    for name in added:
        (columns[name] if name in columns else getattr(cols, name))[lanes.ix] += table[name]
    return True


def fast_update_prices_and_root_prop(state: State, rules: Rules, subnets: int) -> None:
    """:func:`dtao.coinbase_summer.update_prices_and_root_prop` on all emitting subnets at once
    in the compiled lanes (the reference runs where they are absent or do not cover the
    state)."""
    kernel = exact_compiled.kernels()
    emitting = _emitting(state)
    lanes = _Lanes(state, emitting) if kernel is not None and emitting else None
    if kernel is None or emitting is None or lanes is None or not lanes.covered:
        S.update_prices_and_root_prop(state, rules, subnets)
        return
    params = state.params
    ext = summer_columns(state).columns
    inputs = {
        "mechanism": lanes.mech,
        "tao_in": lanes.y,
        "alpha_in": lanes.x,
        "quote_weight": lanes.w,
        "moving_price_bits": lanes.mp,
        "first_emission_block": ext["first_emission_block"][lanes.ix],
        "alpha_out": lanes.o,
        "alpha_reservoir": lanes.ares,
    }
    table = _Table(kernel.EMA_ROWS, len(emitting), inputs)
    moving_alpha = round(params.ema_alpha * ONE32) << 32
    weighted_root = _weighted_root(state)
    fits = kernel.ema_root_prop(
        table.data,
        len(emitting),
        state.block,
        params.ema_warmup_blocks or 0,
        moving_alpha >> 64,
        moving_alpha & U64_MAX,
        weighted_root >> 64,
        weighted_root & U64_MAX,
    )
    if not fits:
        S.update_prices_and_root_prop(state, rules, subnets)
        return
    state.columns.moving_price_bits[lanes.ix] = table["new_moving_price_bits"]
    ext["root_prop_bits"][lanes.ix] = table["root_prop_bits"]
