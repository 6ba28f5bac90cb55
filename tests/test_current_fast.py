"""The fused twin of the summer-2026 / current coinbase (``dtao.coinbase_current_fast``) and the
compiled gate power (``dtao.gate_compiled``) write exactly what the reference writes.

Compared: the compiled ``safe_pow`` against :func:`dtao.gate.safe_pow` on random and edge
inputs; one block (coinbase, epochs, the EMA/RootProp step) from random states of both presets
(reserves, weights, EMA prices, miner burn, the emission and owner-cut switches, reservoirs,
halving, stable subnets, root stake, the gate's bar and its recompute block) by state digest
and receipt; the fused chain buy (``dtao.pools.balancer.fee_free_swap_fast``) against the
pallet's ``do_swap`` on random pools, and on states whose every lane buys (fused, or handed to
the reference where it steps aside); the vector replays run through the twin; a 128-subnet
network with a stake stream over 1 000 blocks by digest. A sabotaged twin must fail the same
comparison.
"""

from __future__ import annotations

import copy
import dataclasses
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dtao
from conftest import SHARED
from dtao import codec, eras, exact_compiled, gate, gate_compiled
from dtao import coinbase_current_fast as F
from dtao import coinbase_summer as S
from dtao.block import process_block
from dtao.conformance.runner import run_file
from dtao.eras import rules_for
from dtao.errors import ProtocolError
from dtao.fixed import I32F32_MAX, ONE32
from dtao.gate import gate_state
from dtao.pools import balancer as bal
from dtao.state import State
from dtao.summer import summer_columns
from dtao.yuma import jit_enabled
from small_network import open_subnets, quick_network

TAO = 10**9
LANES = 5
PRESETS = ("summer-2026", "current")


# -- the compiled power --------------------------------------------------------------------

needs_jit = pytest.mark.skipif(
    not (gate_compiled.AVAILABLE and jit_enabled()), reason="numba off or unavailable"
)
#: the coinbase path of a covered state: the twin's, or the reference's without the compiled
#: lanes (``DTAO_NO_JIT=1``, or no C compiler at install)
_TWIN = "fast" if exact_compiled.kernels() else "reference"
KERNEL = exact_compiled.kernels()
needs_lanes = pytest.mark.skipif(
    exact_compiled.kernels() is None, reason="compiled lanes off (reference mode) or not built"
)

i32f32 = st.one_of(
    st.integers(0, I32F32_MAX),
    st.integers(0, 2**34),
    st.integers(ONE32 // 16, 64 * ONE32),
    st.sampled_from([0, 1, 2, 3, ONE32 - 1, ONE32, ONE32 + 1, 2 * ONE32, I32F32_MAX]),
)
exponents = st.one_of(
    st.sampled_from([0, 1, ONE32 // 2, ONE32, 3 * ONE32, I32F32_MAX]),
    st.integers(0, 2**40),
    st.integers(0, I32F32_MAX),
)


def _compiled_pow(values: list[int], exponent: int) -> list[int]:
    array = np.array(values, dtype=np.int64)
    out = np.empty_like(array)
    gate_compiled.pow_many(array, exponent, out)
    return out.tolist()


@needs_jit
@given(st.lists(i32f32, min_size=1, max_size=8), exponents)
def test_the_compiled_power_is_safe_pow_bit_for_bit(values, exponent):
    expected = [gate.safe_pow(v << 32, exponent << 32) >> 32 for v in values]
    assert _compiled_pow(values, exponent) == expected


@needs_jit
def test_the_compiled_power_on_the_edges_of_ln_and_exp():
    edges = [0, 1, 2, ONE32 - 1, ONE32, ONE32 + 1, 2**33 - 1, 2**33, I32F32_MAX]
    for exponent in (0, 1, ONE32, 3 * ONE32, 40 * ONE32, I32F32_MAX):
        expected = [gate.safe_pow(v << 32, exponent << 32) >> 32 for v in edges]
        assert _compiled_pow(edges, exponent) == expected
    # the edges reach every branch: ln failing (0), exp overflowing (MAX), exp(−x) (< 1)
    assert _compiled_pow([1, 2**44], 3 * ONE32) == [0, I32F32_MAX]
    assert 0 < _compiled_pow([ONE32 // 2], 3 * ONE32)[0] < ONE32


# -- random states, one block -------------------------------------------------------------


@cache
def _base(preset: str) -> dtao.Network:
    """``LANES`` started subnets with their emission on, one validator staked on each."""
    net = quick_network(preset, LANES)
    net.fund("w", 10_000 * TAO)
    for s, netuid in enumerate(open_subnets(net, LANES)):
        net.add_stake("w", f"own{s}", netuid, 10 * TAO)
        net.step(2)
    net.add_stake("w", "own0", 0, 100 * TAO)
    net.step(3)
    return net


amount = st.one_of(st.integers(0, 10**16), st.integers(10**5, 2 * 10**6), st.just(0))
lane = st.fixed_dictionaries(
    {
        "tao_in": amount,
        "alpha_in": amount,
        "alpha_out": st.one_of(amount, st.integers(10**16, 2 * 10**16)),  # halving
        "moving_price_bits": st.one_of(st.integers(0, 2**40), st.just(0)),
        "mechanism": st.sampled_from([1, 1, 1, 0]),
        "quote_weight": st.one_of(
            st.integers(bal.MIN_WEIGHT, bal.MAX_QUOTE_WEIGHT),
            st.sampled_from([bal.MIN_WEIGHT, bal.MAX_QUOTE_WEIGHT, bal.ACCURACY // 2]),
        ),
        "pool_initialized": st.integers(0, 1),
        "miner_burned_bits": st.one_of(st.just(0), st.integers(0, 2**33)),
        "emission_enabled": st.sampled_from([1, 1, 1, 0]),
        "owner_cut_enabled": st.integers(0, 1),
        "tao_reservoir": st.one_of(st.just(0), st.integers(0, 10**13)),
        "alpha_reservoir": st.one_of(st.just(0), st.integers(0, 10**13)),
        "first_emission_block": st.sampled_from([1, 5, 9, -1]),
    }
)
world = st.fixed_dictionaries(
    {
        "lanes": st.lists(lane, min_size=LANES, max_size=LANES),
        "root_tao": st.one_of(st.integers(0, 10**17), st.integers(0, 10**10)),
        "bar_bits": st.one_of(st.just(0), st.integers(0, 2**64)),
        "block": st.sampled_from([17, 359, 719, 1_000]),  # 359 / 719: bar recompute next block
        "reservoir": st.booleans(),
        "refund": st.booleans(),
        "warmup": st.sampled_from([None, 100]),
    }
)

_MAIN_COLUMNS = ("tao_in", "alpha_in", "alpha_out", "moving_price_bits", "mechanism")


def _state(preset: str, w: dict) -> State:
    state = copy.deepcopy(_base(preset).state)
    ext = summer_columns(state)
    for netuid, values in zip(state.netuids, w["lanes"], strict=True):
        for column, value in values.items():
            if column in _MAIN_COLUMNS:
                getattr(state.columns, column)[netuid] = value
            else:
                ext.set(column, netuid, value)
    state.root_tao = w["root_tao"]
    state.block = w["block"]
    gate_state(state).bar_bits = w["bar_bits"]
    extra = {"ema_warmup_blocks": w["warmup"]}
    if preset == "current":
        extra |= {"balancer_reservoir": w["reservoir"], "chain_buy_refund": w["refund"]}
    state.params = dataclasses.replace(state.params, **extra)
    return state


def _block(state: State, fast: bool) -> tuple[State, str, str, str]:
    """One block on a copy: (state, digest, receipt without its coinbase path, that path)."""
    state = copy.deepcopy(state)
    receipt = process_block(state, rules_for(state.params, fast=fast))
    path = receipt.coinbase_path
    return state, codec.digest(state), repr(dataclasses.replace(receipt, coinbase_path="")), path


def _compare(state: State) -> tuple[State, str]:
    """Assert fast == reference on one block; the fast state and its coinbase path."""
    fast, fast_digest, fast_receipt, path = _block(state, fast=True)
    _, digest, receipt, _ = _block(state, fast=False)
    assert fast_digest == digest
    assert fast_receipt == receipt
    return fast, path


@pytest.mark.parametrize("preset", PRESETS)
@given(w=world)
def test_one_block_from_a_random_state_is_the_reference_block(preset, w):
    _, path = _compare(_state(preset, w))
    if any(values["first_emission_block"] >= 0 for values in w["lanes"]):
        assert path == _TWIN  # every drawn state is in the twin's range: never a decline


_BUY_WORLD = {
    "lanes": [
        {"tao_in": 10**12, "alpha_in": 10**15, "alpha_out": 10**12, "moving_price_bits": 2**30}
        for _ in range(LANES)
    ],
    "root_tao": 10**9,  # rp ≈ 0: the injection is capped, the rest is a chain buy
    "bar_bits": 0,
    "block": 359,
    "reservoir": True,
    "refund": False,
    "warmup": None,
}


def test_the_twin_covers_the_random_states_and_reaches_the_chain_buy():
    """The states above run on the twin (not a decline), and a chain buy does happen in them
    (fused under current, handed to the reference step under summer-2026)."""
    for preset in PRESETS:
        state = _state(preset, _BUY_WORLD)
        rules = rules_for(state.params, fast=True)
        assert rules.injection_fast is F.fast_injection
        fast, path = _compare(state)
        assert path == _TWIN
        excess = summer_columns(fast).columns["excess_tao"][1 : LANES + 1]
        assert (excess > 0).all()
        if preset == "current":
            assert gate_state(fast).bar_bits > 0  # recomputed at block 360


# -- the fused chain buy ----------------------------------------------------------------------

_MIN_RESERVE = bal.SWAP_MINIMUM_RESERVE
pool_amount = st.one_of(
    st.integers(0, 10**16), st.integers(_MIN_RESERVE - 2, _MIN_RESERVE + 2), st.integers(1, 10**4)
)
buy_weight = st.one_of(
    st.integers(bal.MIN_WEIGHT, bal.MAX_QUOTE_WEIGHT),
    st.sampled_from([bal.MIN_WEIGHT, bal.MAX_QUOTE_WEIGHT, bal.ACCURACY // 2, bal.ACCURACY // 4]),
    st.sampled_from([bal.MIN_WEIGHT - 1, bal.MAX_QUOTE_WEIGHT + 1]),  # do_swap refuses these
)
buy_amount = st.one_of(
    st.integers(1, 10**13), st.integers(1, 10**20), st.integers(1, 100), st.just(0)
)


def _reference_swap(y: int, x: int, w: int, amount: int, buy: bool = True) -> bal.SwapResult | None:
    """The pallet's protocol swap with the reference power (``DTAO_NO_FAST=1``)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv(eras.NO_FAST_ENV, "1")
        try:
            return bal.do_swap(y, x, w, amount, buy=buy, drop_fees=True)
        except (ProtocolError, ValueError):
            return None


@settings(max_examples=150, deadline=None)
@given(pool_amount, pool_amount, buy_weight, buy_amount, st.booleans())
def test_the_fused_swap_is_the_pallets_swap_or_steps_aside(y, x, w, amount, buy):
    """Where the fused swap answers, it is ``do_swap``'s amount out with all of the input paid
    in; it steps aside only where ``do_swap`` raises or stops at the limit (or on nothing in,
    which its callers never ask)."""
    fused = bal.fee_free_swap_fast(y, x, w, amount, _MIN_RESERVE, buy=buy)
    reference = _reference_swap(y, x, w, amount, buy)
    if fused is not None:
        assert reference is not None
        assert (reference.amount_paid_in, reference.amount_paid_out) == (amount, fused)
    else:
        assert reference is None or reference.amount_paid_in != amount or amount == 0


def test_the_fused_swap_steps_aside_on_each_refusal():
    y, x, w = 10**13, 10**13, bal.ACCURACY // 3
    for buy in (True, False):
        answer = bal.fee_free_swap_fast(y, x, w, 10**9, _MIN_RESERVE, buy=buy)
        assert answer == _reference_swap(y, x, w, 10**9, buy).amount_paid_out
        assert bal.fee_free_swap_fast(y, x, w, 0, _MIN_RESERVE, buy=buy) is None  # nothing in
    assert bal.fee_free_swap_fast(10, x, w, 10_001, _MIN_RESERVE, buy=True) is None  # > 1000 y
    assert bal.fee_free_swap_fast(y, 10, w, 10_001, _MIN_RESERVE, buy=False) is None  # > 1000 x
    assert bal.fee_free_swap_fast(y, _MIN_RESERVE - 1, w, 10, _MIN_RESERVE, buy=True) is None
    assert bal.fee_free_swap_fast(_MIN_RESERVE - 1, x, w, 10, _MIN_RESERVE, buy=False) is None
    assert bal.fee_free_swap_fast(y, x, bal.MIN_WEIGHT - 1, 10, _MIN_RESERVE, buy=True) is None
    assert bal.fee_free_swap_fast(10**12, 10**7, w, 1, _MIN_RESERVE, buy=True) is None  # buys 0
    assert _reference_swap(10**12, 10**7, w, 1) is None
    # the price already at the default limit (10^6 TAO per alpha; 10^-6 for a sale)
    assert bal.fee_free_swap_fast(10**16, 10**7, bal.MIN_WEIGHT, 10, _MIN_RESERVE, buy=True) is None
    assert _reference_swap(10**16, 10**7, bal.MIN_WEIGHT, 10) is None
    low = (10**7, 10**16, bal.MAX_QUOTE_WEIGHT)
    assert bal.fee_free_swap_fast(*low, 10, _MIN_RESERVE, buy=False) is None
    assert _reference_swap(*low, 10, buy=False) is None
    # a sale that would push the price below the limit stops there: do_swap's capped path
    near = (10**7 * 1000, 10**13, bal.ACCURACY // 2)
    assert bal.fee_free_swap_fast(*near, 10**15, _MIN_RESERVE, buy=False) is None
    capped = _reference_swap(*near, 10**15, buy=False)
    assert capped is not None and capped.amount_paid_in < 10**15


def _swap_or_error(swap, *args, **kwargs) -> tuple[object, ...]:
    try:
        got = swap(*args, **kwargs)
    except (ProtocolError, ValueError) as error:
        return (type(error).__name__,)
    return (got.amount_paid_in, got.amount_paid_out, got.fee_paid, got.fee_to_block_author)


limit_price = st.one_of(
    st.none(),
    st.integers(0, 2**70),  # U64F64 bits: 0 … 64 TAO per alpha
    st.sampled_from([0, 1, bal.DEFAULT_LIMITS[0], bal.DEFAULT_LIMITS[1], 2**128, 2**130]),
)


@needs_lanes
@settings(max_examples=300, deadline=None)
@given(
    pool_amount,
    pool_amount,
    buy_weight,
    buy_amount,
    st.booleans(),
    limit_price,
    st.sampled_from([0, bal.DEFAULT_FEE_RATE, 655, 65_534]),
    st.booleans(),
    st.booleans(),
)
def test_the_fast_swap_is_do_swap(y, x, w, amount, buy, limit, rate, drop_fees, simulate):
    """A user's swap through the compiled curve (``do_swap`` with the kernel, the staking
    extrinsics' path under fast rules) is the reference's result or error, limits and fees
    included."""
    kwargs = dict(buy=buy, limit_price=limit, fee_rate=rate, drop_fees=drop_fees, simulate=simulate)
    fast = _swap_or_error(bal.do_swap, y, x, w, amount, kernel=KERNEL, **kwargs)
    assert fast == _swap_or_error(bal.do_swap, y, x, w, amount, **kwargs)


@needs_lanes
def test_the_fast_swap_answers_the_common_stake():
    """The common stake and unstake (a few TAO on a deep pool) are decided by the kernel:
    do_swap's reference code is not reached."""
    y, x, w = 5 * 10**15, 4 * 10**15, bal.ACCURACY // 2
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(bal, "_check_weight", None)  # the reference path would fail
        for buy in (True, False):
            got = bal.do_swap(y, x, w, 3 * 10**9, buy=buy, kernel=KERNEL)
            assert got.amount_paid_in + got.fee_paid == 3 * 10**9 and got.amount_paid_out > 0


@needs_lanes
def test_every_lane_of_a_buying_state_takes_the_fused_buy(monkeypatch):
    """Under current every chain buy of the buying state is fused (none handed to the
    reference step), uninitialised pools included; the block is still the reference block."""
    answers = []
    real = bal.fee_free_swap_fast

    def spy(*args, **kwargs):
        answers.append(real(*args, **kwargs))
        return answers[-1]

    monkeypatch.setattr(F.bal, "fee_free_swap_fast", spy)
    handed = []
    monkeypatch.setattr(F.C, "inject_chain_buy_first", lambda *a: handed.append(a) or a[-1])
    states = []
    for reservoir in (True, False):
        state = _state("current", {**_BUY_WORLD, "reservoir": reservoir})
        columns = summer_columns(state).columns
        columns["pool_initialized"][1:3] = 0
        columns["quote_weight"][1 : LANES + 1] = [3 * 10**17, 412_345_678_901_234_567] + [
            10**18 // 2,
            7 * 10**17 + 1,
            9 * 10**17,
        ]
        fast = copy.deepcopy(state)
        assert F.fast_injection(fast, rules_for(state.params, fast=True), LANES, 10**9)
        columns = summer_columns(fast).columns
        assert not handed and None not in answers  # fused: in the kernel or in Python
        assert (columns["protocol_alpha"][1 : LANES + 1] > 0).all()  # every lane bought
        assert columns["pool_initialized"][1 : LANES + 1].all()
        answers.clear()
        states.append(state)
    monkeypatch.undo()
    for state in states:
        _compare(state)


@needs_lanes
def test_a_sabotaged_fused_buy_fails_the_comparison(monkeypatch):
    state = _state("current", _BUY_WORLD)
    _compare(state)  # honest
    real = bal.fee_free_swap_fast

    def one_more(*args, **kwargs):
        out = real(*args, **kwargs)
        return None if out is None else out + 1

    monkeypatch.setattr(F.bal, "fee_free_swap_fast", one_more)
    kernel = exact_compiled.kernels()
    monkeypatch.setattr(F.exact_compiled, "kernels", lambda: _BuysInPython(kernel))
    with pytest.raises(AssertionError):
        _compare(state)


class _BuysInPython:
    """The compiled lanes, told that no chain buy is fused (each is then left to Python)."""

    FUSED = 10  # the flag's place among inject's arguments after (table, n)

    def __init__(self, kernel):
        self.kernel = kernel

    def __getattr__(self, name):
        return getattr(self.kernel, name)

    def inject(self, table, n, *args):
        args = list(args)
        args[self.FUSED] = False
        return self.kernel.inject(table, n, *args)


class _OneRaoMoreToServers:
    """The compiled lanes, but every lane's miner pot one alpha-rao larger."""

    def __init__(self, kernel):
        self.kernel = kernel

    def __getattr__(self, name):
        return getattr(self.kernel, name)

    def inject(self, table, n, *args):
        k, credit, stake = self.kernel.inject(table, n, *args)
        if k >= n:
            table[self.kernel.INJECT_ROWS.index("pending_server")] += 1
        return k, credit, stake


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.booleans(), st.booleans(), st.booleans()), min_size=LANES, max_size=LANES
    ),
    st.sets(st.integers(0, LANES - 1), max_size=2),
)
def test_the_emitting_lanes_are_the_pallets_subnets_to_emit_to(flags, removed):
    """The twin's subnet list (a slice for netuids 1 … n, else a gather) is
    ``emitting_subnets`` on any mix of the three switches, with or without a gap."""
    state = copy.deepcopy(_base("current").state)
    ext = summer_columns(state)
    for netuid, (emits, subtoken, open_) in zip(state.netuids, flags, strict=True):
        ext.set("first_emission_block", netuid, 1 if emits else -1)
        ext.set("subtoken_enabled", netuid, int(subtoken))
        state.columns.registration_allowed[netuid] = int(open_)
    for k in sorted(removed, reverse=True):  # a gap (or a shorter 1 … n) in the netuids
        del state.subnets[state.netuids[k]]
    assert F._emitting(state) == (S.emitting_subnets(state) if state.netuids else None)


@needs_lanes
def test_a_sabotaged_twin_fails_the_comparison(monkeypatch):
    state = _state("current", {**_SABOTAGE_WORLD})
    _compare(state)  # honest
    kernel = exact_compiled.kernels()
    monkeypatch.setattr(F.exact_compiled, "kernels", lambda: _OneRaoMoreToServers(kernel))
    with pytest.raises(AssertionError):
        _compare(state)


_SABOTAGE_WORLD = {
    "lanes": [{"tao_in": 10**13, "alpha_in": 10**13, "alpha_out": 10**13} for _ in range(LANES)],
    "root_tao": 10**14,
    "bar_bits": 0,
    "block": 17,
    "reservoir": False,
    "refund": False,
    "warmup": None,
}


def test_the_twin_declines_a_state_it_does_not_cover_having_written_nothing():
    state = _state("current", _SABOTAGE_WORLD)
    summer_columns(state).set("quote_weight", 2, bal.MAX_QUOTE_WEIGHT + 1)  # out of range
    before = codec.digest(state)
    rules = rules_for(state.params, fast=True)
    assert not F.fast_injection(state, rules, LANES, 10**9)
    assert codec.digest(state) == before


def test_the_twin_declines_a_stored_superellipse_and_is_not_chosen_with_the_curve_on():
    state = _state("current", _SABOTAGE_WORLD)
    summer_columns(state).set_wide("curve_a", 3, 1 << 32)  # a stored curve prices subnet 3
    before = codec.digest(state)
    assert not F.fast_injection(state, rules_for(state.params, fast=True), LANES, 10**9)
    assert codec.digest(state) == before
    curved = dataclasses.replace(state.params, superellipse=True)
    assert rules_for(curved, fast=True).injection_fast is None


def test_the_fast_twins_are_off_on_request_and_for_the_launch_era():
    params = _base("current").state.params
    assert rules_for(params, fast=False).injection_fast is None
    assert rules_for(params, fast=False).after_coinbase is not F.fast_update_prices_and_root_prop
    assert rules_for(dtao.Network("launch").state.params).injection_fast is not F.fast_injection


# -- the chain's vectors through the twin --------------------------------------------------


@pytest.mark.parametrize("preset", PRESETS)
def test_the_vector_replays_run_through_the_twin(preset, monkeypatch, fast_mode):
    """Every summer-2026 / current ops case replays as it does on the reference (the count of
    passes), and under fast twins the coinbase of those cases runs on the twin."""
    if not fast_mode:
        pytest.skip("reference mode: test_ops_vectors covers the replays")
    taken = []

    def spy(state, rules, subnets, emission):
        ran = F.fast_injection(state, rules, subnets, emission)
        taken.append(ran)
        return ran

    paths = sorted((SHARED / "vectors" / "ops").glob("ops_*.json"))
    monkeypatch.setenv(eras.NO_FAST_ENV, "1")
    reference = [run_file(p, preset).passed for p in paths]
    monkeypatch.delenv(eras.NO_FAST_ENV)
    monkeypatch.setattr(eras, "fast_injection", spy)
    assert [run_file(p, preset).passed for p in paths] == reference
    assert sum(taken) > 0 if exact_compiled.kernels() else not any(taken)


# -- a longer run -----------------------------------------------------------------------------


@cache
def _full_network() -> dtao.Network:
    """128 started subnets with their emission on, each with a staked owner hotkey."""
    net = quick_network("current", 128, max_uids=4)
    net.fund("w", 1_000_000 * TAO)
    rng = np.random.default_rng(7)
    for s, netuid in enumerate(open_subnets(net, 128)):
        net.add_stake("w", f"own{s}", netuid, int(rng.uniform(1, 50) * TAO))
        net.step(1)
    net.add_stake("w", "own0", 0, 10_000 * TAO)
    return net


def _stream(blocks: int) -> list[list[dtao.AddStake | dtao.RemoveStake]]:
    """A seeded stake stream: every 20th block one buy and one sale on random subnets."""
    rng = np.random.default_rng(11)
    out: list[list[dtao.AddStake | dtao.RemoveStake]] = [[] for _ in range(blocks)]
    for b in range(0, blocks, 20):
        buy, sell = (int(v) for v in rng.integers(1, 129, 2))
        out[b] = [
            dtao.AddStake("w", f"own{buy - 1}", buy, int(rng.integers(1, 40)) * TAO),
            dtao.RemoveStake("w", f"own{sell - 1}", sell, int(rng.integers(1, 10**8))),
        ]
    return out


def test_a_full_network_over_1000_blocks_has_the_reference_digest():
    """128 subnets, a stake stream, three bar recomputes (blocks 360, 720, 1 080) and every
    subnet's epoch: the digest after 1 000 blocks is the reference's."""
    start = _full_network().state
    stream = _stream(1_000)
    digests = []
    for fast in (True, False):
        state = copy.deepcopy(start)
        rules = rules_for(state.params, fast=fast)
        paths, rejected = set(), 0
        for ops in stream:
            receipt = process_block(state, rules, ops)
            paths.add(receipt.coinbase_path)
            rejected += len(receipt.rejected)
        assert paths == {_TWIN if fast else "reference"}
        assert rejected < 10  # the stream does trade
        digests.append(codec.digest(state))
    assert digests[0] == digests[1]


# -- the compiled swap ------------------------------------------------------------------------


@needs_lanes
@settings(max_examples=300, deadline=None)
@given(pool_amount, pool_amount, buy_weight, buy_amount, st.booleans())
def test_the_compiled_swap_is_the_python_swap_where_it_answers(y, x, w, amount, buy):
    """``dtao._exact.fee_free_swap`` gives the Python twin's answer (amount or None) wherever it
    decides; it declines (False) only on powers it leaves to Python."""
    kernel = exact_compiled.kernels()
    limit = bal.DEFAULT_LIMITS[buy]
    if not bal._all_u64(y, x, w, amount) or amount == 0:
        return
    out = kernel.fee_free_swap(y, x, w, amount, _MIN_RESERVE, buy, limit >> 64, limit & 2**64 - 1)
    python = bal._fee_free_swap_python(y, x, w, amount, _MIN_RESERVE, buy=buy)
    if out is not False:
        assert out == python


@needs_lanes
def test_the_compiled_swap_decides_the_common_chain_buy_and_sale():
    """Swaps small against their pool (a chain buy, a holding's value) at a re-fitted weight or
    at ½ are decided by the kernel, and equal the Python twin's amounts."""
    kernel = exact_compiled.kernels()
    rng = np.random.default_rng(3)
    decided = 0
    for _ in range(400):
        y, x = (int(v) for v in rng.integers(10**12, 10**16, 2))
        w = int(
            rng.choice([bal.ACCURACY // 2, int(rng.integers(bal.MIN_WEIGHT, bal.MAX_QUOTE_WEIGHT))])
        )
        buy = bool(rng.integers(0, 2))
        amount = int(rng.integers(1, (y if buy else x) // 300))  # the base within 2^-8 of 1
        limit = bal.DEFAULT_LIMITS[buy]
        out = kernel.fee_free_swap(
            y, x, w, amount, _MIN_RESERVE, buy, limit >> 64, limit & 2**64 - 1
        )
        python = bal._fee_free_swap_python(y, x, w, amount, _MIN_RESERVE, buy=buy)
        if out is not False:
            decided += 1
            assert out == python
    assert decided == 400
