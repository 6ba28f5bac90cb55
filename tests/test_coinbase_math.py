"""The vectorised per-block math equals the chain's integer rules lane by lane."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dtao.emission import (
    ONE32,
    alpha_emissions,
    block_emission_for_issuance,
    price_bits,
    tao_in_by_ema_price,
    updated_moving_price_bits,
)
from dtao.params import LAUNCH
from dtao.pools import constant_product as cp
from dtao.pools.strategies import ConstantProduct

reserve = st.integers(0, 10**16)
lanes = st.integers(1, 40)


@given(
    st.lists(st.tuples(reserve, reserve, st.integers(0, 10**12)), min_size=1, max_size=40),
    st.sampled_from([0, 10_000_000]),
)
def test_vectorised_sale_is_the_exact_pool_sale(rows, min_liquidity):
    y, x, a = (np.array(col, dtype=np.int64) for col in zip(*rows, strict=True))
    out, refused = ConstantProduct(min_liquidity).sell_many(y, x, a)
    for lane, (yy, xx, aa) in enumerate(rows):
        expected = cp.sim_swap_alpha_for_tao(yy, xx, aa, min_liquidity) if aa else 0
        assert bool(refused[lane]) == (expected is None)
        assert int(out[lane]) == (expected or 0)


@given(st.lists(st.tuples(reserve, st.integers(0, 10**16)), min_size=1, max_size=40))
def test_price_bits_are_floor_y_2_32_over_x(rows):
    y, x = (np.array(col, dtype=np.int64) for col in zip(*rows, strict=True))
    got = price_bits(y, x)
    capped = price_bits(y, x, ONE32)
    for lane, (yy, xx) in enumerate(rows):
        assert int(got[lane]) == (min((yy << 32) // xx, 2**62) if xx else 0)
        assert int(capped[lane]) == (min((yy << 32) // xx, ONE32) if xx else 0)


@given(st.integers(1, 10**16), st.integers(1, 10**16), st.integers(1, 64))
def test_price_bits_on_exact_ratios(x, seed, k):
    # integer and simple-fraction prices sit exactly on a cell edge: the float screen must
    # hand them to the exact path
    for y in (x, 2 * x, x // 2, x * k // 64, x - 1, x + 1):
        if 0 <= y <= 2 * 10**16:
            got = price_bits(np.array([y]), np.array([x]))
            assert int(got[0]) == min((y << 32) // x, 2**62)


@given(st.integers(0, 10**9), st.lists(st.integers(0, 2**32), min_size=1, max_size=40))
def test_tao_in_is_floor_of_e_times_m_over_sum(emission, bits):
    got = tao_in_by_ema_price(emission, np.array(bits, dtype=np.int64))
    total = sum(bits)
    assert [int(v) for v in got] == [emission * b // total if total else 0 for b in bits]
    assert int(got.sum()) <= emission


@given(st.lists(st.tuples(st.integers(0, 2**32), st.integers(0, 2**40)), min_size=1, max_size=40))
def test_ema_step_is_exact_i96f32(rows):
    m, p = (np.array(col, dtype=np.int64) for col in zip(*rows, strict=True))
    got = updated_moving_price_bits(m, np.minimum(p, ONE32), None, LAUNCH)
    a = 12_885  # from_num(3e-6) = round(3e-6·2^32)
    for lane, (mm, pp) in enumerate(rows):
        assert int(got[lane]) == (a * min(pp, 2**32) >> 32) + ((2**32 - a) * mm >> 32)
    uncapped = updated_moving_price_bits(m, p, None, LAUNCH)
    for lane, (mm, pp) in enumerate(rows):
        assert int(uncapped[lane]) == (a * pp >> 32) + ((2**32 - a) * mm >> 32)


@given(st.lists(st.integers(0, 21_000_000 * 10**9), min_size=1, max_size=40))
def test_alpha_emission_matches_the_scalar_halving_rule(issuances):
    got = alpha_emissions(np.array(issuances, dtype=np.int64), LAUNCH)
    expected = [block_emission_for_issuance(a, 21_000_000 * 10**9, 10**9) for a in issuances]
    assert [int(v) for v in got] == expected


def test_halving_boundaries():
    supply = 21_000_000 * 10**9
    assert block_emission_for_issuance(supply // 2 - 1, supply, 10**9) == 10**9
    assert block_emission_for_issuance(supply // 2, supply, 10**9) == 5 * 10**8
    assert block_emission_for_issuance(supply * 3 // 4, supply, 10**9) == 25 * 10**7
    assert block_emission_for_issuance(supply, supply, 10**9) == 0


def test_ema_with_zero_weight_keeps_a_moving_price_of_one():
    """Warm-up makes a_eff = 0 in the first blocks; m = 1.0 must stay 1.0 (no uint64 wrap)."""
    params = LAUNCH.replace(ema_warmup_blocks=201_600)
    m = np.array([ONE32, ONE32 // 2], dtype=np.int64)
    got = updated_moving_price_bits(m, np.array([ONE32, 0]), np.array([3, 3]), params)
    assert got.tolist() == [ONE32, ONE32 // 2]  # a_eff = ⌊12885·3/201603⌋ = 0
