"""The compiled exact kernels of the emission terms and the fast EMA (``dtao._exact``) against
the Python they replace, bit for bit.

Compared: the gate's power (``safe_pow``) against :func:`dtao.gate.safe_pow` on random and edge
inputs; the block's terms (:func:`dtao.coinbase_current_fast._compiled_terms`: demand shares,
the gate with its bar, the emission switches, each lane's T) against the Python steps
(``_demand_shares``, ``_gate``, ``_block_emissions``) on random lanes, including the prices
and bars above 1 that the kernel leaves to Python; the fast EMA declining a stored value it
cannot hold with the dict untouched. The block-level digests of these kernels are in
``test_current_fast.py`` and ``test_block_fast.py``.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dtao import coinbase_current_fast as F
from dtao import exact_compiled, gate
from dtao.fixed import I32F32_MAX, ONE32, ONE64
from dtao.gate import gate_state
from dtao.state import State
from test_current_fast import LANES, _base

pytestmark = pytest.mark.skipif(
    exact_compiled.kernels() is None, reason="compiled kernels off (reference mode) or not built"
)
KERNEL = exact_compiled.kernels()

i32f32 = st.one_of(
    st.integers(0, I32F32_MAX),
    st.integers(0, 2**34),
    st.integers(ONE32 // 16, 64 * ONE32),
    st.sampled_from([0, 1, 2, 3, ONE32 - 1, ONE32, ONE32 + 1, 2 * ONE32, 2**33, I32F32_MAX]),
)
exponents = st.one_of(
    st.sampled_from([0, 1, ONE32 // 2, ONE32, 3 * ONE32, I32F32_MAX]),
    st.integers(0, 2**40),
    st.integers(0, I32F32_MAX),
)


@settings(max_examples=400, deadline=None)
@given(i32f32, exponents)
def test_the_compiled_gate_power_is_safe_pow(value, exponent):
    assert KERNEL.safe_pow(value, exponent) == gate.safe_pow(value << 32, exponent << 32) >> 32


def test_the_compiled_gate_power_reaches_every_branch():
    assert KERNEL.safe_pow(1, 3 * ONE32) == 0  # ln fails at 2^-32
    assert KERNEL.safe_pow(2**44, 3 * ONE32) == I32F32_MAX  # exp overflows
    assert 0 < KERNEL.safe_pow(ONE32 // 2, 3 * ONE32) < ONE32  # exp of a negative
    assert KERNEL.safe_pow(ONE32, 3 * ONE32) == ONE32  # ln 1 = 0, exp 0 = 1
    with pytest.raises(ValueError):
        KERNEL.safe_pow(-1, ONE32)


lane = st.fixed_dictionaries(
    {
        "mechanism": st.sampled_from([1, 1, 1, 0]),
        # I32F32 moving prices: mostly below 1, sometimes past it (left to Python)
        "moving_price_bits": st.one_of(
            st.integers(0, ONE32), st.sampled_from([0, 1, ONE32]), st.integers(0, 2**40)
        ),
        "miner_burned_bits": st.one_of(st.just(0), st.integers(0, 2**33)),
        "emission_enabled": st.sampled_from([1, 1, 1, 0]),
    }
)
terms_world = st.fixed_dictionaries(
    {
        "lanes": st.lists(lane, min_size=LANES, max_size=LANES),
        "bar_bits": st.one_of(st.just(0), st.integers(0, ONE64), st.just(ONE64 + 1)),
        "block": st.sampled_from([17, 360, 720]),  # 360 / 720: the bar is recomputed
        "credit": st.integers(0, 2**31 - 1),
        "current": st.booleans(),
    }
)


def _terms_state(w: dict) -> State:
    state = copy.deepcopy(_base("current").state)
    for netuid, values in zip(state.netuids, w["lanes"], strict=True):
        state.columns.mechanism[netuid] = values["mechanism"]
        state.columns.moving_price_bits[netuid] = values["moving_price_bits"]
        F.summer_columns(state).set("miner_burned_bits", netuid, values["miner_burned_bits"])
        F.summer_columns(state).set("emission_enabled", netuid, values["emission_enabled"])
    state.block = w["block"]
    gate_state(state).bar_bits = w["bar_bits"]
    return state


def _python_terms(state: State, emitting: list[int], credit: int, current: bool):
    lanes = F._Lanes(state, emitting)
    prices = lanes.moving_bits()
    price_total = min(sum(prices), F._MAX)
    shares = F._demand_shares(lanes, prices, price_total)
    if current:
        shares = F._gate(state, emitting, shares)
    return price_total, F._block_emissions(state, lanes, shares, credit)


def _halves(block: int) -> dict:
    """Two equal lanes: each demand share is 1/2 (2^63, the top bit of its low word)."""
    lanes = [
        {
            "mechanism": 1,
            "moving_price_bits": int(k in (0, 3)),
            "miner_burned_bits": 0,
            "emission_enabled": 1,
        }
        for k in range(LANES)
    ]
    return {"lanes": lanes, "bar_bits": 0, "block": block, "credit": 10**9, "current": True}


@settings(max_examples=300, deadline=None)
@given(terms_world)
@example(_halves(17))
@example(_halves(360))
def test_the_compiled_terms_are_the_python_terms(w):
    state = _terms_state(w)
    emitting = F._emitting(state)
    assert emitting
    compiled_state, python_state = copy.deepcopy(state), copy.deepcopy(state)
    total, emissions = F._compiled_terms(
        KERNEL,
        compiled_state,
        F._Lanes(compiled_state, emitting),
        emitting,
        w["credit"],
        w["current"],
    )
    expected = _python_terms(python_state, emitting, w["credit"], w["current"])
    prices_fit = all(
        values["mechanism"] != 1 or values["moving_price_bits"] <= ONE32 for values in w["lanes"]
    )
    if total is None:  # left to Python: a price weight above 1, or the bar above 1
        assert not prices_fit or (w["current"] and gate_state(compiled_state).bar_bits > ONE64)
        total, emissions = _python_terms(compiled_state, emitting, w["credit"], w["current"])
    else:
        assert prices_fit
    assert (total, emissions) == expected
    assert gate_state(compiled_state).bar_bits == gate_state(python_state).bar_bits


def test_the_compiled_terms_answer_a_common_block_and_a_wrong_one_would_show():
    w = {
        "lanes": [
            {
                "mechanism": 1,
                "moving_price_bits": (k + 1) * ONE32 // 50,
                "miner_burned_bits": ONE32 // 4 if k == 2 else 0,
                "emission_enabled": int(k != 4),
            }
            for k in range(LANES)
        ],
        "bar_bits": 0,
        "block": 360,
        "credit": 10**9,
        "current": True,
    }
    state = _terms_state(w)
    emitting = F._emitting(state)
    total, emissions = F._compiled_terms(
        KERNEL, state, F._Lanes(state, emitting), emitting, 10**9, True
    )
    assert total is not None and gate_state(state).bar_bits > 0  # a new bar, compiled
    expected = _python_terms(_terms_state(w), emitting, 10**9, True)
    assert (total, emissions) == expected
    assert emissions[4] == 0 and all(t > 0 for t in emissions[:4])  # switch off: no T
    assert sum(emissions) <= 10**9 << 32  # never more than the credit


def test_the_compiled_fast_ema_declines_what_it_cannot_hold_and_writes_nothing():
    lanes = np.array([[1, 1], [10**12, 5], [10**13, 7], [10**18 // 2, 10**18 // 3]], np.int64)
    for stored in (-1, 1 << 128, 1.5):
        fast = {1: 1 << 70, 2: stored}
        assert KERNEL.fast_ema(lanes, 2, [1, 2], fast, 0, 1 << 60) is False
        assert fast == {1: 1 << 70, 2: stored}
    fast = {2: 1 << 70}
    assert KERNEL.fast_ema(lanes, 2, [1, 2], fast, 0, 1 << 60) is True
    spot = ((10**18 - 10**18 // 2) << 64) // (10**18 // 2) * ((10**12 << 64) // 10**13) >> 64
    assert fast[1] == spot  # unseeded: the spot itself
    assert spot < fast[2] < 1 << 70  # a step down toward the spot
