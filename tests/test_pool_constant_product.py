"""Launch constant-product pool (spec §6a) against exact Fraction models."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dtao.pools import constant_product as cp

TAO = 10**9
U64_MAX = 2**64 - 1


def chain_model_out(reserve_out: int, reserve_in: int, amount_in: int, min_liq: int) -> int | None:
    """Independent Fraction model of the chain's I110F18 steps: the new reserve k/(r_in + Δ) is
    floored to a multiple of 2**-18, the payout (old − new) floored to an integer."""
    k = Fraction(reserve_out * reserve_in)
    new_reserve = Fraction(math.floor(k / (reserve_in + amount_in) * 2**18), 2**18)
    if new_reserve < min_liq:
        return None
    return math.floor(reserve_out - new_reserve)


def strict_floor_out(reserve_out: int, reserve_in: int, amount_in: int) -> int:
    """The textbook payout floor(r_out − r_out·r_in/(r_in + Δ)) with no intermediate rounding."""
    return math.floor(reserve_out - Fraction(reserve_out * reserve_in, reserve_in + amount_in))


def exact_tao_for_alpha(tao_reserve: int, alpha_reserve: int, tao_in: int) -> int:
    """Strict floor(x − x·y/(y + Δy)) in integers (ceiling division, no Fraction)."""
    denominator = tao_reserve + tao_in
    if denominator == 0:
        return alpha_reserve
    return alpha_reserve - -(-(alpha_reserve * tao_reserve) // denominator)


# -- worked example of §6a: y = 1 000 TAO, x = 4 000 alpha, p = 0.25 -----------------------------

Y, X = 1_000 * TAO, 4_000 * TAO


def test_worked_example_stake_100_tao() -> None:
    net, fee = cp.deduct_flat_fee(100 * TAO)
    assert (net, fee) == (99_999_950_000, 50_000)
    out = cp.sim_swap_tao_for_alpha(Y, X, net)
    expected = math.floor(X - Fraction(X * Y, Y + net))
    assert out == expected == 363_636_198_347  # 363.6362 alpha
    new_y, new_x = Y + net + fee, X - out  # the fee stays in SubnetTAO
    assert new_y == 1_100 * TAO
    assert new_x == 3_636_363_801_653
    assert abs(cp.price(new_y, new_x) - Fraction(3025, 10_000)) < Fraction(1, 10**7)
    assert new_x * (Y + net) >= X * Y  # k did not decrease (fee excluded)


def test_worked_example_unstake_100_alpha() -> None:
    tao_out = cp.sim_swap_alpha_for_tao(Y, X, 100 * TAO)
    assert tao_out == math.floor(Y - Fraction(X * Y, X + 100 * TAO)) == 24_390_243_902
    received, fee = cp.deduct_flat_fee(tao_out)
    assert (received, fee) == (24_390_193_902, 50_000)  # 24.3902 − 0.00005 TAO


def test_price() -> None:
    assert cp.price(Y, X) == Fraction(1, 4)
    assert cp.price(Y, 0) == 0
    assert cp.price_i96f32_bits(Y, X) == 2**30  # 0.25 exactly
    assert cp.price_i96f32_bits(1, 3) == 2**32 // 3  # floored
    assert cp.price_i96f32_bits(5, 0) == 0


def test_min_liquidity_refusal_is_exact() -> None:
    # buy everything but exactly 10_000_000 alpha-rao: allowed; one rao TAO more: refused
    y, x = 10**9, 10**9
    # new x = k/(y + t) = 1e7 exactly when y + t = 1e11
    assert cp.sim_swap_tao_for_alpha(y, x, 10**11 - y) == x - 10_000_000
    assert cp.sim_swap_tao_for_alpha(y, x, 10**11 - y + 1) is None
    # the sell side guards the TAO reserve the same way, and the threshold is a parameter
    assert cp.sim_swap_alpha_for_tao(y, x, 10**11 - x) == y - 10_000_000
    assert cp.sim_swap_alpha_for_tao(y, x, 10**11 - x + 1) is None
    assert cp.sim_swap_alpha_for_tao(y, x, 10**11 - x + 1, min_liquidity=1) is not None
    assert cp.sim_swap_tao_for_alpha(0, 0, 0) is None  # empty pool: k/0 -> 0 < min


def test_knife_edge_pays_one_unit_more_than_strict_floor() -> None:
    # k/(y+1) = 4e24/(1e12+1) = 3_999_999_999_996.000000000004: within 2**-18 above an integer,
    # so the chain's floored I110F18 reserve is exactly 3_999_999_999_996 and it pays 4, not 3.
    assert strict_floor_out(X, Y, 1) == 3
    assert cp.sim_swap_tao_for_alpha(Y, X, 1) == 4
    assert exact_tao_for_alpha(Y, X, 1) == 3
    # k shrinks by 4 (alpha-rao·rao): less than one alpha-rao's worth (y + 1 rao)
    assert X * Y - (X - 4) * (Y + 1) == 4


def test_k_saturates_at_i110f18_max() -> None:
    # x·y > 2**109: the chain clamps k, so the new reserve is smaller and the payout larger
    big = 2**55
    assert big * big > 2**109
    out = cp.sim_swap_tao_for_alpha(big, big, 1, min_liquidity=0)
    saturated_k = Fraction((2**127 - 1), 2**18)
    assert out == math.floor(big - Fraction(math.floor(saturated_k / (big + 1) * 2**18), 2**18))


def test_deduct_flat_fee_saturates() -> None:
    assert cp.deduct_flat_fee(30_000) == (0, 30_000)
    assert cp.deduct_flat_fee(0) == (0, 0)
    assert cp.deduct_flat_fee(10**6, 25_000) == (975_000, 25_000)


# -- Hypothesis: chain model, rounding direction, guards ----------------------------------------

reserves = st.integers(min_value=10**7, max_value=10**16)
amounts = st.integers(min_value=0, max_value=10**15)


@given(y=reserves, x=reserves, t=amounts)
def test_buy_matches_fraction_model_and_strict_floor(y: int, x: int, t: int) -> None:
    out = cp.sim_swap_tao_for_alpha(y, x, t)
    assert out == chain_model_out(x, y, t, cp.MIN_LIQUIDITY)
    if out is None:
        assert Fraction(x * y, y + t) < cp.MIN_LIQUIDITY
        return
    exact = strict_floor_out(x, y, t)
    assert exact == exact_tao_for_alpha(y, x, t)
    assert out in (exact, exact + 1)
    if out == exact + 1:  # only inside the 2**-18 sliver above an integer
        w = Fraction(x * y, y + t)
        assert 0 < w - math.floor(w) < Fraction(1, 2**18)
    assert out <= x - cp.MIN_LIQUIDITY
    k_before, k_after = x * y, (x - out) * (y + t)
    if out == exact:
        assert k_after >= k_before  # the pool never loses
    assert k_after > k_before - (y + t)  # at worst, less than one alpha-rao's worth


@given(y=reserves, x=reserves, a=amounts)
def test_sell_matches_fraction_model_and_strict_floor(y: int, x: int, a: int) -> None:
    out = cp.sim_swap_alpha_for_tao(y, x, a)
    assert out == chain_model_out(y, x, a, cp.MIN_LIQUIDITY)
    if out is None:
        return
    exact = strict_floor_out(y, x, a)
    assert out in (exact, exact + 1)
    assert out <= y - cp.MIN_LIQUIDITY
    k_before, k_after = x * y, (x + a) * (y - out)
    if out == exact:
        assert k_after >= k_before
    assert k_after > k_before - (x + a)


@given(y=reserves, x=reserves, gross=st.integers(min_value=500_000, max_value=10**15))
def test_stake_then_unstake_never_returns_more_than_paid(y: int, x: int, gross: int) -> None:
    assume(Fraction(y, x) <= 10**6)  # price ≤ 10**6 TAO per alpha
    net, fee = cp.deduct_flat_fee(gross)
    alpha = cp.sim_swap_tao_for_alpha(y, x, net)
    assume(alpha is not None and alpha > 0)
    assert alpha is not None
    y1, x1 = y + net + fee, x - alpha
    tao_back = cp.sim_swap_alpha_for_tao(y1, x1, alpha)
    assume(tao_back is not None)
    assert tao_back is not None
    received, _ = cp.deduct_flat_fee(tao_back)
    assert received < gross
    # even without fees the round trip gains at most the two knife-edge units
    alpha_nf = cp.sim_swap_tao_for_alpha(y, x, gross)
    assume(alpha_nf is not None)  # the fee-free buy of the gross amount may hit the guard
    assert alpha_nf is not None
    back_nf = cp.sim_swap_alpha_for_tao(y + gross, x - alpha_nf, alpha_nf)
    if back_nf is not None:
        assert back_nf <= gross + 1 + math.ceil(Fraction(y + gross, x * 2**18))


# -- limit orders: the chain's linear shortcuts -------------------------------------------------


def test_max_tao_for_limit_corner_cases() -> None:
    assert cp.max_tao_for_limit(Y, X, 260_000_000) == 260_000_000 * X // 10**9 - Y == 40 * TAO
    assert cp.max_tao_for_limit(Y, X, 250_000_000) == 0  # at the price
    assert cp.max_tao_for_limit(Y, X, 249_999_999) == 0  # below: the subtraction saturates
    assert cp.max_tao_for_limit(Y, X, 0) == 0
    assert cp.max_tao_for_limit(0, X, 10**9) == 0
    assert cp.max_tao_for_limit(Y, 0, 10**9) == 0
    # p = 2.7: the guard compares with floor(p)·1e9 = 2e9; both paths give 0 below the price
    assert cp.max_tao_for_limit(27 * 10**11, 10**12, 1_999_999_999) == 0
    assert cp.max_tao_for_limit(27 * 10**11, 10**12, 2_500_000_000) == 0
    assert cp.max_tao_for_limit(27 * 10**11, 10**12, 2_800_000_000) == 10**11
    assert cp.max_tao_for_limit(1, U64_MAX, U64_MAX) == U64_MAX  # capped at u64::MAX


def test_max_alpha_for_limit_corner_cases() -> None:
    assert cp.max_alpha_for_limit(Y, X, 200_000_000) == Y * 10**9 // 200_000_000 - X
    assert cp.max_alpha_for_limit(Y, X, 250_000_000) == 0  # at the price
    assert cp.max_alpha_for_limit(Y, X, 260_000_000) == 0  # above
    assert cp.max_alpha_for_limit(Y, X, 0) == U64_MAX  # no limit
    assert cp.max_alpha_for_limit(0, X, 0) == 0  # empty reserve first
    assert cp.max_alpha_for_limit(Y, 0, 0) == 0
    assert cp.max_alpha_for_limit(U64_MAX, 1, 1) == U64_MAX  # capped
    # limit == floor(price in rao per alpha): refused although y·1e9/limit − x would be 3 000
    assert cp.max_alpha_for_limit(10**12, 3 * 10**12, 333_333_333) == 0
    assert cp.max_alpha_for_limit(10**12, 3 * 10**12, 333_333_332) == 12_000


@given(
    y=st.integers(min_value=10**9, max_value=10**16),
    x=st.integers(min_value=10**9, max_value=10**16),
    factor=st.fractions(min_value=Fraction(1001, 1000), max_value=Fraction(3)),
)
def test_max_tao_for_limit_overshoots_to_limit_squared_over_p(
    y: int, x: int, factor: Fraction
) -> None:
    p = Fraction(y, x)
    limit = math.ceil(p * factor * 10**9)  # rao per alpha, strictly above the price
    lam = Fraction(limit, 10**9)
    max_tao = cp.max_tao_for_limit(y, x, limit)
    assert max_tao == max(math.floor(lam * x) - y, 0)
    out = cp.sim_swap_tao_for_alpha(y, x, max_tao)
    assume(out is not None)
    assert out is not None
    new_p = Fraction(y + max_tao, x - out)
    # the linear shortcut reaches the limit (to within the rao floors) ...
    assert new_p >= lam * (1 - Fraction(1, 10**6))
    # ... and overshoots, but never beyond limit²/p (up to the knife-edge unit)
    assert new_p <= lam * lam / p * (1 + Fraction(1, 10**9))
    # the exact inversion √(limit·k) − y would have stopped at the limit
    assert math.isqrt(math.floor(lam * x * y)) - y <= max_tao


@given(
    y=st.integers(min_value=10**9, max_value=10**16),
    x=st.integers(min_value=10**9, max_value=10**16),
    factor=st.fractions(min_value=Fraction(1, 3), max_value=Fraction(999, 1000)),
)
def test_max_alpha_for_limit_overshoots_to_limit_squared_over_p(
    y: int, x: int, factor: Fraction
) -> None:
    p = Fraction(y, x)
    limit = math.floor(p * factor * 10**9)
    assume(limit > 0)
    lam = Fraction(limit, 10**9)
    max_alpha = cp.max_alpha_for_limit(y, x, limit)
    if limit >= y * 10**9 // x:  # at or above the floored price in rao per alpha: refused
        assert max_alpha == 0
        return
    assert max_alpha == max(y * 10**9 // limit - x, 0)
    out = cp.sim_swap_alpha_for_tao(y, x, max_alpha)
    assume(out is not None)
    assert out is not None
    new_p = Fraction(y - out, x + max_alpha)
    assert new_p <= lam * (1 + Fraction(1, 10**6))
    assert new_p >= lam * lam / p * (1 - Fraction(1, 10**9))


@settings(max_examples=50)
@given(y=reserves, x=reserves, limit=st.integers(min_value=1, max_value=10**12))
def test_max_amounts_are_zero_on_the_wrong_side(y: int, x: int, limit: int) -> None:
    price_rao = Fraction(y * 10**9, x)
    if limit <= price_rao:
        assert cp.max_tao_for_limit(y, x, limit) == 0
    if limit >= price_rao:
        assert cp.max_alpha_for_limit(y, x, limit) == 0


@pytest.mark.parametrize("fee", [0, 1, 50_000])
def test_deduct_flat_fee_conserves(fee: int) -> None:
    for amount in (0, 1, fee, fee + 1, 10**12):
        net, taken = cp.deduct_flat_fee(amount, fee)
        assert net + taken == amount and 0 <= taken <= fee
