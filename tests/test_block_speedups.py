"""The block step's fast paths write exactly what the general code writes.

The fast twin ``coinbase_fast.LaunchFastInjection`` (the common block: rows 1 … n, no
halving, cap 1.0), compiled and on numpy, against the reference ``coinbase.inject_launch``;
its two float screens (root sale, capped price) against the integer pool math; the shortcuts of
``epoch.blocks_until_next_epoch_due``, ``registration`` and
``emission.block_emission_for_issuance`` against their plain definitions.
"""

from __future__ import annotations

import contextlib
import copy
import os
from collections.abc import Iterator
from functools import cache

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dtao
from dtao import coinbase, coinbase_fast, exact_compiled
from dtao.block import process_block
from dtao.emission import ONE32, block_emission, block_emission_for_issuance
from dtao.epoch import blocks_until_next_epoch_due, due_epochs
from dtao.eras import rules_for
from dtao.errors import ProtocolError
from dtao.exact_compiled import NO_JIT_ENV
from dtao.pools import constant_product as cp
from dtao.pools.strategies import ConstantProduct
from dtao.registration import adjust_registration_terms, upgraded_burn
from dtao.state import FLOAT_COLUMNS, INT_COLUMNS, State, contiguous_subnets
from small_network import open_subnets, quick_network

TAO = 10**9
LANES = 9


@cache
def _base_network() -> dtao.Network:
    net = quick_network("launch", LANES, max_uids=8)
    for _ in open_subnets(net, LANES, start=False):
        net.step(2)
    return net


def _state() -> State:
    return copy.deepcopy(_base_network().state)


def _columns(state: State) -> dict[str, list[int | float]]:
    cols = state.columns
    out = {name: getattr(cols, name).tolist() for name in ("exists", *INT_COLUMNS, *FLOAT_COLUMNS)}
    out["issuance"] = [state.total_issuance]
    return out


@contextlib.contextmanager
def _compiled_kernels(on: bool) -> Iterator[None]:
    """``DTAO_NO_JIT`` unset (the C kernels, where built) or set (the numpy twin)."""
    saved = os.environ.pop(NO_JIT_ENV, None)
    if not on:
        os.environ[NO_JIT_ENV] = "1"
    try:
        yield
    finally:
        os.environ.pop(NO_JIT_ENV, None)
        if saved is not None:
            os.environ[NO_JIT_ENV] = saved


def _fast_equals_general(state: State) -> bool:
    """Run the general path and the twin, compiled and on numpy, on copies; assert equal
    writes when the twin applies (both ways decide alike), nothing written when it declines."""
    general = copy.deepcopy(state)
    rules = rules_for(state.params, fast=True)
    twin = rules.injection_fast
    emission = block_emission(state.total_issuance, state.params)
    coinbase.inject_launch(general, rules_for(state.params, fast=False), 0, emission)
    took = set()
    for compiled in (True, False):
        fast = copy.deepcopy(state)
        with _compiled_kernels(compiled):
            took.add(twin is not None and twin(fast, rules, contiguous_subnets(fast), emission))
        assert _columns(fast) == _columns(general if True in took else state)
        assert fast.total_stake == (general if True in took else state).total_stake
    assert len(took) == 1  # the compiled kernel and the numpy twin decline alike
    return took.pop()


reserve = st.one_of(
    st.integers(1, 10**16),
    st.integers(10**7, 3 * 10**7),  # at the liquidity guard
    st.integers(10**11, 10**13),
)
lane = st.tuples(
    reserve,  # y
    reserve,  # x
    st.integers(0, 4 * 10**15),  # o
    st.one_of(st.integers(0, ONE32), st.just(ONE32)),  # m
)


@given(
    st.lists(lane, min_size=LANES, max_size=LANES),
    st.sampled_from([0, 1, 10**12, 10**15, 5 * 10**15]),
    st.one_of(st.integers(0, 10**16), st.integers(10**16, 2 * 10**16)),
    st.sampled_from([None, None, None, "closed", "m_above_1", "halved"]),
)
def test_fast_coinbase_writes_what_the_general_one_writes(lanes, root_tao, issuance, twist):
    # reserves at the liquidity guard, huge root sales, exact price cells, the first TAO
    # halving, and (``twist``) the cases the fast path must hand to the general one
    state = _state()
    cols = state.columns
    for netuid, (y, x, o, m) in enumerate(lanes, start=1):
        cols.tao_in[netuid], cols.alpha_in[netuid], cols.alpha_out[netuid] = y, x, o
        cols.moving_price_bits[netuid] = m
    if twist == "closed":
        cols.registration_allowed[2] = 0
    elif twist == "m_above_1":
        cols.moving_price_bits[1 : LANES + 1] = ONE32 - 1
        cols.moving_price_bits[4] = ONE32 + 1
    elif twist == "halved":
        cols.alpha_out[5] = 21_000_000 * TAO // 2
    state.root_tao = root_tao
    state.total_issuance = issuance
    took_fast_path = _fast_equals_general(state)
    assert not (took_fast_path and twist)


@given(
    st.lists(st.tuples(st.integers(10**9, 10**15), st.integers(1, ONE32)), min_size=LANES),
    st.integers(0, 10**15),
)
def test_fast_coinbase_on_ordinary_pools(pools, root_tao):
    state = _state()
    cols = state.columns
    for netuid, (y, m) in enumerate(pools[:LANES], start=1):
        cols.tao_in[netuid], cols.alpha_in[netuid] = y, y + (netuid - 5) * 10**8
        cols.moving_price_bits[netuid] = m
    state.root_tao = root_tao
    assert _fast_equals_general(state)  # the common block takes the fast path


def test_fast_path_declines_what_it_does_not_cover():
    state = _state()
    state.columns.moving_price_bits[1 : LANES + 1] = 0
    assert _fast_equals_general(state) is False  # Σm = 0: no shares
    state.columns.moving_price_bits[1 : LANES + 1] = ONE32 // 2
    assert _fast_equals_general(state)
    for column, value in (("alpha_in", 0), ("tao_in", 0), ("registration_allowed", 0)):
        other = copy.deepcopy(state)
        getattr(other.columns, column)[3] = value
        assert _fast_equals_general(other) is False
    halved = copy.deepcopy(state)
    halved.columns.alpha_out[2] = 21_000_000 * TAO // 2
    assert _fast_equals_general(halved) is False
    gap = copy.deepcopy(state)
    gap.columns.exists[LANES + 2] = True  # rows are no longer exactly 1 … n
    assert contiguous_subnets(gap) == 0
    warm = copy.deepcopy(state)
    warm.params = warm.params.replace(ema_warmup_blocks=1_000)
    assert _fast_equals_general(warm) is False


def test_blocks_with_trading_match_the_general_path():
    """Forty blocks with stakes and unstakes, fast path on and off: the same digest."""

    def run(fast: bool) -> str:
        net = dtao.Network.from_state(_state())
        rules = rules_for(net.params, fast=fast)
        net.fund("w", 10**6 * TAO)
        net.add_stake("w", "own0", 0, 500 * TAO)
        rng = np.random.default_rng(7)
        for block in range(40):
            netuid = int(rng.integers(1, LANES + 1))
            hotkey = f"own{netuid - 1}"
            with contextlib.suppress(ProtocolError):
                if block % 2:
                    net.add_stake("w", hotkey, netuid, int(rng.integers(1, 50)) * TAO)
                elif stake := net.stake("w", hotkey, netuid):
                    net.remove_stake("w", hotkey, netuid, stake // 2)
            receipt = process_block(net.state, rules)
            assert receipt.coinbase_path == ("fast" if fast else "reference")
        return net.digest()

    assert run(True) == run(False)


exact_int = st.integers(1, 2**53 - 1)


@given(st.lists(st.tuples(exact_int, exact_int), min_size=1, max_size=40))
def test_capped_price_bits_are_exact(rows):
    y, x = (np.array(col, dtype=np.int64) for col in zip(*rows, strict=True))
    got = coinbase_fast._capped_price_bits(y, x, coinbase_fast._Scratch(len(rows)))
    assert got.tolist() == [min((yy << 32) // xx, ONE32) for yy, xx in rows]


@given(st.integers(1, 2**51), st.integers(1, 64))
def test_capped_price_bits_on_integral_prices(x, k):
    # y·2^32/x an integer (or y = x, y = x ± 1): the cells the float quotient cannot decide
    ys = [y for y in (x, x - 1, x + 1, x // 2, x * k // 64, 2 * x) if 0 < y < 2**53]
    xs = [x] * len(ys)
    got = coinbase_fast._capped_price_bits(
        np.array(ys), np.array(xs), coinbase_fast._Scratch(len(ys))
    )
    assert got.tolist() == [min((y << 32) // x, ONE32) for y in ys]


@given(
    st.lists(
        st.tuples(st.integers(1, 10**16), st.integers(1, 10**16), st.integers(0, 10**12)),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from([0, 10_000_000]),
)
def test_screened_root_sale_is_the_exact_pool_sale(rows, min_liquidity):
    y, x, alpha = (np.array(col, dtype=np.int64) for col in zip(*rows, strict=True))
    if float(y.max()) * float(x.max()) > coinbase_fast._K_SCREEN_MAX:
        return  # the caller does not screen these
    buf = coinbase_fast._Scratch(len(rows))
    pool = ConstantProduct(min_liquidity=min_liquidity)
    got = coinbase_fast._sell_alpha_screened(y, x, alpha, pool, int(y.min()), buf)
    expected = [cp.sim_swap_alpha_for_tao(yy, xx, aa, min_liquidity) for yy, xx, aa in rows]
    if got is None:  # declined: some new reserve is at the liquidity guard or below
        assert any(
            e is None or yy - e < min_liquidity + 3 + yy * 1e-14
            for (yy, _, _), e in zip(rows, expected, strict=True)
        )
    else:
        assert got.tolist() == [
            0 if aa == 0 else e for (_, _, aa), e in zip(rows, expected, strict=True)
        ]


@given(st.integers(0, 5_000), st.lists(st.sampled_from([0, 99, 100, 360]), min_size=1))
def test_due_netuids_match_due_epochs(block, tempos):
    state = _state()
    state.block = block
    cols = state.columns
    cols.tempo[1 : LANES + 1] = (tempos * LANES)[:LANES]
    n = contiguous_subnets(state)
    assert n == LANES
    assert blocks_until_next_epoch_due(state, n) == due_epochs(state).tolist()
    uniform = copy.deepcopy(state)
    uniform.columns.tempo[1 : LANES + 1] = tempos[0]
    assert blocks_until_next_epoch_due(uniform, n) == due_epochs(uniform).tolist()
    assert blocks_until_next_epoch_due(uniform, 0) == due_epochs(uniform).tolist()


@given(st.integers(0, 2_000), st.lists(st.integers(0, 2_000), min_size=LANES, max_size=LANES))
def test_registration_adjusts_exactly_the_due_subnets(block, last):
    state = _state()
    state.block = block
    cols = state.columns
    cols.last_burn_adjustment[1 : LANES + 1] = last
    params = state.params
    expected = {}
    for netuid, subnet in state.subnets.items():
        burn, due = subnet.burn, block - last[netuid - 1] >= params.burn_adjustment_interval
        regs = subnet.registrations_this_interval
        if due and (
            regs > params.target_registrations or not subnet.burn_registrations_this_interval
        ):
            burn = upgraded_burn(
                burn,
                regs,
                params.target_registrations,
                params.burn_adjustment_alpha_u64,
                subnet.burn_min,
                subnet.burn_max,
            )
        expected[netuid] = (burn, block if due else last[netuid - 1])
    adjust_registration_terms(state, rules_for(state.params), contiguous_subnets(state))
    got = {u: (s.burn, int(cols.last_burn_adjustment[u])) for u, s in state.subnets.items()}
    assert got == expected


def _block_emission_by_halving_loop(issuance: int, supply: int, base: int) -> int:
    if issuance >= supply:
        return 0
    k = 0
    while (supply - issuance) << (k + 1) <= supply:
        k += 1
    return base >> k if k < 64 else 0


@pytest.mark.parametrize("offset", [-2, -1, 0, 1, 2])
def test_block_emission_around_the_first_halving(offset):
    supply, base = 21_000_000 * TAO, TAO
    for issuance in (supply // 2 + offset, supply * 3 // 4 + offset, abs(offset)):
        got = block_emission_for_issuance(issuance, supply, base)
        assert got == _block_emission_by_halving_loop(issuance, supply, base)


@given(st.integers(0, 21_000_000 * TAO))
def test_block_emission_matches_the_halving_loop(issuance):
    supply = 21_000_000 * TAO
    got = block_emission_for_issuance(issuance, supply, TAO)
    assert got == _block_emission_by_halving_loop(issuance, supply, TAO)


@pytest.mark.parametrize("name", [NO_JIT_ENV, exact_compiled.NO_FAST_ENV])
def test_the_kernel_switches_are_read_on_every_call(monkeypatch, name):
    """``kernels()`` follows the environment as it changes (its shortcut for "neither switch
    set" included): set to 1 it is off, set to 0 or unset it is the built extension."""
    monkeypatch.delenv(NO_JIT_ENV, raising=False)
    monkeypatch.delenv(exact_compiled.NO_FAST_ENV, raising=False)
    built = exact_compiled._built
    assert exact_compiled.kernels() is built
    monkeypatch.setenv(name, "1")
    assert exact_compiled.kernels() is None
    monkeypatch.setenv(name, " yes ")
    assert exact_compiled.kernels() is None
    monkeypatch.setenv(name, "0")
    assert exact_compiled.kernels() is built
    monkeypatch.delenv(name)
    assert exact_compiled.kernels() is built
