"""The summer-2026 / current bookkeeping twins (``dtao.block_fast``) write exactly what the
reference writes.

Compared on random states (Hypothesis seeds): the stateful scheduler (tempos including 0,
counters past MAX_TEMPO, pending and deferred slots, the per-block cap, a subnet whose input is
inconsistent, the current era's saturating counter) by due list and state digest; the burn
decay (half-lives including 0, the first block, clamps) and the fast EMA (seeded and unseeded,
stored prices below and past 2^64, spot above and below, stable subnets, a stored curve that
sends it to the reference, stored values outside u128 that the compiled lanes decline) by digest;
a 12-subnet network of both eras with mixed tempos, half-lives, root stake and a cap of one
epoch per block over 800 blocks by digest every 100 blocks and epoch receipts; the owner's
hotkeys read from the UIDs against the scan of every hotkey's owner. A sabotaged twin of each
must fail the comparison.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dtao
from dtao import block_fast, codec, epoch_summer, fast_ema, lifecycle
from dtao.block import process_block
from dtao.eras import rules_for
from dtao.pools import balancer as bal
from dtao.state import State
from dtao.summer import summer_columns
from dtao.units import U64_MAX
from small_network import open_subnets, quick_network

TAO = 10**9
SUBNETS = 6
seeds = st.integers(0, 2**32 - 1)


@cache
def _base() -> dtao.Network:
    """``SUBNETS`` started `current` subnets with a few UIDs each, after one block."""
    net = dtao.Network(
        "current",
        network_rate_limit=1,
        lock_reduction_interval=1,
        network_min_lock=100 * TAO,
        max_registrations_per_block=8,
        target_registrations=8,
    )
    net.fund("o", SUBNETS * 1_000 * TAO)
    net.fund("w", 100_000 * TAO)
    for s in range(SUBNETS):
        netuid = net.register_network("o", f"own{s}")
        net.submit(dtao.StartCall("o", netuid))
        net.submit(dtao.SetSubnetEmissionEnabled(netuid, True))
        for u in range(3):
            net.burned_register("w", f"hk{netuid}-{u}", netuid)
        net.add_stake("w", f"hk{netuid}-0", netuid, 10 * TAO)
        net.step(1)
    net.step(2)
    return net


def _random_state(seed: int) -> State:
    """A copy of the base state with its scheduler, burn and price rows drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    floors = np.random.default_rng([seed, 1])  # its own stream: the other rows stay as drawn
    state = copy.deepcopy(_base().state)
    state.block = int(rng.choice([1, 2, 50, 400, 60_000]))
    state.params = dataclasses.replace(
        state.params,
        max_epochs_per_block=int(rng.integers(0, 4)),
        max_tempo=int(rng.choice([3, 50, 50_400])),
        cap_blocks_since_last_step=bool(rng.integers(0, 2)),
    )
    ext = summer_columns(state)
    block = state.block
    half_life = int(rng.choice([0, 0, 360, 65_535]))  # one for every subnet, or 0: each its own
    for netuid in state.netuids:
        state.columns.tempo[netuid] = int(rng.choice([0, 1, 2, 7, 360]))
        ext.set("blocks_since_last_step", netuid, int(rng.choice([0, 1, 6, 361, 70_000])))
        ext.set("last_epoch_block", netuid, int(rng.integers(0, block + 1)))
        ext.set("pending_epoch_at", netuid, int(rng.choice([0, 0, block - 1, block, block + 1])))
        ext.set("burn_half_life", netuid, half_life or int(rng.choice([0, 1, 360, 65_535])))
        subnet = state.subnets[netuid]
        subnet.burn_min = int(rng.integers(1, 10**6))
        if rng.integers(0, 4):
            subnet.burn_max = subnet.burn_min + int(rng.choice([0, 10**9, 10**15]))
            subnet.burn = int(rng.integers(0, 2 * subnet.burn_max + 2))
            if floors.integers(0, 3) == 0:  # at its floor (the twin skips it), or bounds crossed
                subnet.burn = subnet.burn_min
                subnet.burn_max -= int(floors.choice([0, 0, 1]))
        else:  # near u64::MAX: the fast decay's two 32-bit halves
            subnet.burn_max = U64_MAX
            subnet.burn = U64_MAX - int(rng.integers(0, 2**40))
        state.columns.mechanism[netuid] = int(rng.choice([1, 1, 1, 0]))
        state.columns.tao_in[netuid] = int(rng.choice([0, 1, 10**12, 10**16]))
        state.columns.alpha_in[netuid] = int(rng.choice([0, 7, 10**12, 10**16]))
        ext.set("quote_weight", netuid, int(rng.integers(bal.MIN_WEIGHT, bal.MAX_QUOTE_WEIGHT)))
        if rng.integers(0, 2):  # below 2^64, or past it (two 64-bit halves in the kernel)
            shift = int(rng.choice([2, 2, 60]))
            ext.set_wide("fast_moving_price_bits", netuid, int(rng.integers(0, 2**62)) << shift)
    if rng.integers(0, 4) == 0:  # a hotkey on two UIDs: the slot is consumed, nothing runs
        neurons = state.subnets[state.netuids[1]].neurons
        neurons.hotkeys[1] = neurons.hotkeys[0]
    return state


Step = Callable[[State], object]


def _compare(state: State, fast: Step, reference: Step) -> None:
    """``fast`` and ``reference`` on copies of ``state``: same return value, same digest."""
    a, b = copy.deepcopy(state), copy.deepcopy(state)
    assert fast(a) == reference(b)
    assert codec.digest(a) == codec.digest(b)


def _rules(state: State, fast: bool):
    return rules_for(state.params, fast=fast)


SCHEDULER = (
    lambda s: block_fast.due_epochs_fast(s, 0),
    lambda s: epoch_summer.due_epochs_stateful(s, 0),
)
BURNS = (
    lambda s: block_fast.decay_burns_fast(s, _rules(s, True), 0),
    lambda s: lifecycle.decay_burns(s, _rules(s, False), 0),
)
FAST_EMA = (
    lambda s: block_fast.update_fast_prices_fast(s, _rules(s, True), 0),
    lambda s: fast_ema.update_fast_prices(s, _rules(s, False), 0),
)


@settings(max_examples=60, deadline=None)
@given(seeds)
def test_the_scheduler_twin_is_the_reference(seed):
    _compare(_random_state(seed), *SCHEDULER)


@settings(max_examples=40, deadline=None)
@given(seeds)
def test_the_burn_decay_twin_is_the_reference(seed):
    _compare(_random_state(seed), *BURNS)


@settings(max_examples=40, deadline=None)
@given(seeds)
def test_the_fast_ema_twin_is_the_reference(seed):
    _compare(_random_state(seed), *FAST_EMA)


def test_the_fast_ema_twin_hands_a_stored_curve_to_the_reference(monkeypatch):
    state = _random_state(1)
    summer_columns(state).set_wide("curve_a", state.netuids[0], 1 << 32)
    calls = []
    real = fast_ema.update_fast_prices
    monkeypatch.setattr(fast_ema, "update_fast_prices", lambda *a: calls.append(1) or real(*a))
    block_fast.update_fast_prices_fast(state, _rules(state, True), 0)
    assert calls == [1]


@pytest.mark.parametrize("stored", [-1, 1 << 128])
def test_a_stored_fast_price_outside_u128_goes_to_the_python_lanes(stored):
    """The compiled lanes decline an entry they cannot hold (writing nothing); the Python
    lanes then give the reference's values."""
    state = _random_state(3)
    summer_columns(state).wide["fast_moving_price_bits"][state.netuids[-1]] = stored  # raw
    _compare(state, *FAST_EMA)


def test_the_twins_are_chosen_only_with_fast_paths_on():
    params = _base().state.params
    fast, reference = rules_for(params, fast=True), rules_for(params, fast=False)
    assert fast.epoch_schedule is block_fast.due_epochs_fast
    assert fast.registration.adjust_burns is block_fast.decay_burns_fast
    assert fast.fast_prices is block_fast.update_fast_prices_fast
    assert reference.epoch_schedule is epoch_summer.due_epochs_stateful
    assert reference.registration.adjust_burns is lifecycle.decay_burns
    assert reference.fast_prices is fast_ema.update_fast_prices


def _sabotaged_scheduler(state: State) -> list[int]:
    due = block_fast.due_epochs_fast(state, 0)
    return due[:-1]  # one due subnet dropped


def _sabotaged_burns(state: State) -> None:
    block_fast.decay_burns_fast(state, _rules(state, True), 0)
    subnet = state.subnets[state.netuids[-1]]
    subnet.burn = min(subnet.burn + 1, subnet.burn_max)  # one rao off where the clamp allows


def _sabotaged_ema(state: State) -> None:
    block_fast.update_fast_prices_fast(state, _rules(state, True), 0)
    table = summer_columns(state).wide["fast_moving_price_bits"]
    netuid = max(table)
    table[netuid] += 1


@pytest.mark.parametrize(
    ("sabotaged", "reference"),
    [
        (_sabotaged_scheduler, SCHEDULER[1]),
        (_sabotaged_burns, BURNS[1]),
        (_sabotaged_ema, FAST_EMA[1]),
    ],
)
def test_a_sabotaged_twin_fails_the_comparison(sabotaged, reference):
    failures = 0
    for seed in range(20):
        try:
            _compare(_random_state(seed), sabotaged, reference)
        except AssertionError:
            failures += 1
    assert failures > 0


def _network(preset: str = "current") -> dtao.Network:
    """12 subnets with mixed tempos and burn half-lives, one epoch per block at most; three UIDs
    each (two without stake: zero dividends), root stake on every other subnet's validator."""
    net = quick_network(
        preset, 12, max_epochs_per_block=1, max_registrations_per_block=8, target_registrations=8
    )
    net.fund("w", 100_000 * TAO)
    for s, netuid in enumerate(open_subnets(net, 12)):
        for u in range(3):
            net.burned_register("w", f"hk{netuid}-{u}", netuid)
        net.add_stake("w", f"hk{netuid}-0", netuid, (s + 1) * TAO)
        if s % 2:
            net.add_stake("w", f"hk{netuid}-0", 0, 20 * TAO)
        net.step(1)
    state = net.state
    for k, netuid in enumerate(state.netuids):
        state.columns.tempo[netuid] = (5, 7, 10, 360)[k % 4]
        summer_columns(state).set("burn_half_life", netuid, (0, 3, 360)[k % 3])
    return net


@pytest.mark.parametrize("preset", ["summer-2026", "current"])
def test_a_network_over_800_blocks_has_the_reference_digests(preset):
    start = _network(preset).state
    runs = []
    for fast in (True, False):
        state = copy.deepcopy(start)
        rules = rules_for(state.params, fast=fast)
        digests, receipts = [], []
        for block in range(800):
            receipt = process_block(state, rules)
            receipts.append(repr(receipt.epochs))
            if block % 100 == 99:
                digests.append(codec.digest(state))
        runs.append((digests, receipts))
    assert runs[0] == runs[1]
    assert sum(r.count("EpochPayouts(") for r in runs[0][1]) > 250  # many epochs ran


@settings(max_examples=60, deadline=None)
@given(seeds)
def test_the_owner_hotkeys_from_the_uids_are_the_reference_list(seed):
    """Owner hotkeys with and without a UID, on several UIDs, registered at random blocks,
    the owner hotkey unowned or missing."""
    rng = np.random.default_rng(seed)
    state = copy.deepcopy(_base().state)
    netuid = state.netuids[int(rng.integers(0, SUBNETS))]
    subnet = state.subnets[netuid]
    neurons = subnet.neurons
    pool = [f"k{i}" for i in range(8)] + [subnet.owner_hotkey]
    neurons.hotkeys = [str(rng.choice(pool)) for _ in range(neurons.n)]
    neurons.registered_at[: neurons.n] = rng.integers(0, 4, neurons.n)
    for key in pool:
        if rng.integers(0, 3):
            state.hotkey_owner[key] = str(rng.choice([subnet.owner_coldkey, "other"]))
        else:
            state.hotkey_owner.pop(key, None)
    expected = epoch_summer.owner_hotkeys(state, netuid)
    assert epoch_summer.owner_hotkeys_by_uid(state, netuid) == expected


def test_a_wrong_owner_hotkey_order_fails_the_comparison(monkeypatch):
    real = epoch_summer.owner_hotkeys_by_uid
    monkeypatch.setattr(epoch_summer, "owner_hotkeys_by_uid", lambda s, n: real(s, n)[::-1])
    with pytest.raises(AssertionError):
        test_the_owner_hotkeys_from_the_uids_are_the_reference_list()
