"""The ``current`` emission gate and injection (dtao-current.md §2, §3): worked example G1
(§12) through the preset's share rule, the real Finney block, fixed-point helpers, properties
(shares, flooring, conservation with reservoirs) and the JSON round trip of the new state."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SHARED
from dtao import codec, invariants
from dtao.block import process_block
from dtao.coinbase_current import adjust_with_reservoirs, current_block_emissions
from dtao.coinbase_summer import emitting_subnets
from dtao.conformance.runner import run_file
from dtao.eras import rules_for
from dtao.fixed import I32F32_MAX, ONE32, ONE64, U64F64, U96F32
from dtao.gate import apply_gate, candidate_bar, gate_state, ln_i32f32, safe_pow
from dtao.genesis import Genesis
from dtao.state import State
from dtao.summer import summer_columns

TAO = 10**9
E = 500_000_000

# -- G1: six subnets (dtao-current.md §12) --------------------------------------------------

G1_SUBNETS = {  # netuid: (m, b, enabled)
    1: (0.050, 0.0, True),
    2: (0.030, 0.5, True),
    3: (0.020, 0.0, True),
    4: (0.010, 0.0, True),
    5: (0.006, 0.0, False),
    6: (0.004, 1.0, True),
}
G1_RANK3 = [335_590_096, 51_697_654, 96_956_773, 15_755_475, 0, 0]
G1_RANK2 = [375_614_466, 35_573_579, 79_930_758, 8_881_195, 0, 0]


def _g1_state(**overrides) -> State:
    genesis = Genesis("current", block=720, **overrides)
    for netuid in G1_SUBNETS:
        genesis.subnet(netuid, "owner", "owner-hk", tao_in=TAO, alpha_in=TAO)
    state = genesis.build()
    ext = summer_columns(state)
    for netuid, (m, b, enabled) in G1_SUBNETS.items():
        state.columns.moving_price_bits[netuid] = round(m * ONE32)
        ext.set("miner_burned_bits", netuid, round(b * ONE32))
        ext.set("emission_enabled", netuid, int(enabled))
        ext.set("first_emission_block", netuid, 1)
        ext.set("subtoken_enabled", netuid, 1)
    return state


@pytest.mark.parametrize(
    ("overrides", "theta", "expected"),
    [
        ({"emission_bar_rank": 3}, 0.148515, G1_RANK3),
        ({"emission_bar_rank": 2}, 0.198020, G1_RANK2),
        ({"emission_bar_rank": 0, "emission_bar_quantile": 0.61}, 0.198020, G1_RANK2),
        ({"emission_bar_rank": 0, "emission_bar_quantile": 0.75}, 0.148515, G1_RANK3),
    ],
)
def test_worked_example_g1_through_the_preset_share_rule(overrides, theta, expected):
    state = _g1_state(**overrides)
    emissions = current_block_emissions(state, emitting_subnets(state), E)
    got = [U96F32.saturating_to_uint(emissions[n]) for n in sorted(G1_SUBNETS)]
    # the example is float64; the chain's fixed point differs by one rao at most
    assert all(abs(g - x) <= 1 for g, x in zip(got, expected, strict=True)), got
    assert gate_state(state).bar_bits / ONE64 == pytest.approx(theta, abs=1e-6)
    assert got[4] == 0  # disabled: removed by the enabled renormalisation
    assert got[5] == 0  # burns 100 %: no demand


def test_the_bar_is_sticky_between_update_blocks():
    state = _g1_state(emission_bar_rank=3)
    current_block_emissions(state, emitting_subnets(state), E)
    theta = gate_state(state).bar_bits
    state.block += 1
    state.params = state.params.replace(emission_bar_rank=2)
    current_block_emissions(state, emitting_subnets(state), E)
    assert gate_state(state).bar_bits == theta
    state.block = 1080  # a multiple of 360: recomputed
    current_block_emissions(state, emitting_subnets(state), E)
    assert gate_state(state).bar_bits != theta


def test_the_real_finney_block_passes_within_its_tolerance():
    result = run_file(SHARED / "vectors" / "emission_gate_real.json", "current")
    assert (result.passed, result.failed) == (1, [])


# -- fixed-point helpers ----------------------------------------------------------------------


@pytest.mark.parametrize("x", [0.001, 0.5, 1.0, 1.5, 2.0, 3.0, 1234.5, 2.0**30])
def test_ln_matches_the_float_log(x):
    got = ln_i32f32(round(x * ONE32))
    assert got is not None
    assert got / ONE32 == pytest.approx(math.log(x), abs=2e-6)


def test_safe_pow_limits():
    assert safe_pow(0, 3 * ONE64) == 0  # ln(0) fails: the gate passes everything
    assert safe_pow(ONE64 >> 33, 3 * ONE64) == 0  # below 2^-32 the ratio becomes 0
    assert safe_pow(2000 * ONE64, 3 * ONE64) == I32F32_MAX << 32  # exp overflows: saturates
    assert safe_pow(2 * ONE64, 3 * ONE64) / ONE64 == pytest.approx(8.0, rel=1e-7)


def test_candidate_bar_modes():
    shares = {1: 5, 2: 3, 3: 2, 4: 0}
    assert candidate_bar(shares, 2, 0) == 3
    assert candidate_bar(shares, 9, 0) == 2  # fewer positive than N: the smallest positive
    assert candidate_bar({1: 0}, 3, 0) == 0
    assert candidate_bar(shares, 0, 8) == 3  # q-mass: the running sum reaches q at share 3


# -- properties ---------------------------------------------------------------------------------

share_vectors = st.lists(st.integers(0, ONE64), min_size=1, max_size=40)


@given(share_vectors, st.integers(0, ONE64), st.sampled_from([1.0, 2.0, 3.0, 8.0]))
def test_gated_shares_are_non_negative_and_sum_to_one_after_flooring(values, theta, h):
    total = sum(values)
    shares = {i: U64F64.safe_div(v, total) if total else 0 for i, v in enumerate(values, 1)}
    gated = apply_gate(shares, theta, U64F64.from_f64(h))
    assert all(s >= 0 for s in gated.values())
    assert set(gated) == set(shares)
    if sum(shares.values()):
        # each quotient floors: the sum is 1 less at most one ulp per subnet
        assert ONE64 - len(values) <= sum(gated.values()) <= ONE64


subnet_rows = st.lists(
    st.tuples(st.integers(0, 4 * ONE32), st.integers(0, 2 * ONE32), st.booleans()),
    min_size=1,
    max_size=12,
)


@given(subnet_rows, st.integers(0, 40), st.integers(1, 2000))
@settings(max_examples=60, deadline=None)
def test_block_emissions_spend_at_most_e_and_floor_at_most_one_rao_each(rows, rank, block):
    genesis = Genesis("current", block=block, emission_bar_rank=rank)
    for netuid in range(1, len(rows) + 1):
        genesis.subnet(netuid, "owner", "owner-hk", tao_in=TAO, alpha_in=TAO)
    state = genesis.build()
    ext = summer_columns(state)
    for netuid, (price, burned, enabled) in enumerate(rows, 1):
        state.columns.moving_price_bits[netuid] = price
        ext.set("miner_burned_bits", netuid, burned)
        ext.set("emission_enabled", netuid, int(enabled))
        ext.set("first_emission_block", netuid, 1)
        ext.set("subtoken_enabled", netuid, 1)
    emissions = current_block_emissions(state, emitting_subnets(state), E)
    rao = [U96F32.saturating_to_uint(t) for t in emissions.values()]
    assert all(t >= 0 for t in rao)
    assert sum(rao) <= E
    priced = any(price for price, _, _ in rows)
    if priced and all(enabled for _, _, enabled in rows):
        assert E - sum(rao) <= len(rows) + 1  # only flooring dust is left to recycle


@given(
    st.integers(1, 10**6),
    st.integers(1, 10**6),
    st.integers(0, 10**7),
    st.integers(0, 10**7),
)
def test_reservoirs_park_only_what_the_pool_refuses(tao_reserve, alpha_reserve, tao, alpha):
    state = _pool_state(tao_reserve, alpha_reserve)
    active_tao, active_alpha = adjust_with_reservoirs(state, 1, tao, alpha)
    ext = summer_columns(state)
    assert active_tao + ext.get("tao_reservoir", 1) == tao
    assert active_alpha + ext.get("alpha_reservoir", 1) == alpha
    assert active_tao in (0, tao) and active_alpha in (0, alpha)  # a side moves whole


def _pool_state(tao_reserve: int, alpha_reserve: int) -> State:
    state = (
        Genesis("current")
        .subnet(1, "owner", "owner-hk", tao_in=tao_reserve, alpha_in=alpha_reserve)
        .build()
    )
    summer_columns(state).set("pool_initialized", 1, 1)
    return state


@given(
    st.integers(10**3, 10**9),
    st.integers(10**3, 10**12),
    st.integers(10**16, 98 * 10**16),
    st.integers(0, 10**9),
    st.integers(0, 10**9),
    st.integers(1, 6),
)
@settings(max_examples=25, deadline=None)
def test_blocks_conserve_tao_and_alpha_with_reservoirs(
    tao_reserve, alpha_reserve, weight, parked_tao, parked_alpha, blocks
):
    """An off-centre balancer with parked reservoirs: each block retries them (released or
    kept) while injections and chain buys run; every identity holds after every block."""
    genesis = Genesis("current", tempo=3)
    genesis.subnet(1, "owner", "owner-hk", tao_in=tao_reserve, alpha_in=alpha_reserve)
    genesis.subnet(2, "owner", "owner-hk", tao_in=TAO, alpha_in=TAO)
    genesis.hotkey("root-ck", "root-hk").stake("root-ck", "root-hk", 0, 1_000 * TAO)
    state = genesis.build()
    ext = summer_columns(state)
    for netuid in (1, 2):
        state.columns.moving_price_bits[netuid] = ONE32 // 10
        ext.set("first_emission_block", netuid, 1)
        ext.set("subtoken_enabled", netuid, 1)
        ext.set("pool_initialized", netuid, 1)
    ext.set("quote_weight", 1, weight)
    ext.set("tao_reservoir", 1, parked_tao)
    ext.set("alpha_reservoir", 1, parked_alpha)
    state.total_issuance += parked_tao
    invariants.check(state)
    rules = rules_for(state.params)
    for _ in range(blocks):
        process_block(state, rules)
        invariants.check(state)


def test_a_parked_reservoir_is_released_when_it_fits():
    state = _pool_state(10**6, 10**6)
    ext = summer_columns(state)
    assert adjust_with_reservoirs(state, 1, 200_000_000, 1_000) == (0, 1_000)
    assert ext.get("tao_reservoir", 1) == 200_000_000
    assert adjust_with_reservoirs(state, 1, 0, 400_000_000) == (200_000_000, 400_000_000)
    assert (ext.get("tao_reservoir", 1), ext.get("alpha_reservoir", 1)) == (0, 0)


def test_gate_state_and_reservoirs_round_trip_through_json():
    state = _g1_state(emission_bar_rank=3)
    current_block_emissions(state, emitting_subnets(state), E)
    ext = summer_columns(state)
    ext.set("tao_reservoir", 2, 12_345)
    ext.set("alpha_reservoir", 3, 678)
    ext.set("protocol_flow", 1, -5)
    state.total_issuance += 12_345  # the parked TAO is counted in issuance
    invariants.check(state)
    text = codec.dumps(state)
    again = codec.loads(text, check=invariants.check)
    assert codec.dumps(again) == text
    assert gate_state(again).bar_bits == gate_state(state).bar_bits > 0


def test_gate_exp_overflow_quirk():
    """The chain's safe_pow answers an overflowing e^(h·ln(θ/s)) with I32F32::MAX even when the
    exponent is negative (e^x for x < 0 is 1/e^|x|, and e^|x| overflows past ln 2^31): a share
    ~1 300 × θ or more is gated to ≈ 0, not 1 (docs/current-gate.md, step 4)."""
    three = U64F64.from_f64(3.0)
    ratio = lambda r: int(r * ONE64)  # noqa: E731
    assert safe_pow(ratio(1e-3), three) < 2 * ONE64 // 10**8  # e^(-20.7) still fits: ≈ 1e-9
    assert safe_pow(ratio(1e-4), three) == I32F32_MAX << 32  # e^(-27.6): the overflow answer
    assert safe_pow(ratio(1e-12), three) == 0  # below 2^-32: ln fails, power 0, gate 1
    theta = ratio(1e-5)
    gated = apply_gate({1: ONE64 - theta, 2: theta}, theta, three)
    assert gated[2] > ONE64 * 0.999  # the newcomer at the bar takes almost everything
    assert gated[1] < ONE64 // 1000
