"""The summer-2026 / current epoch's fast twin pays exactly what the reference pays.

The twin (``rules.fast``) reads the Yuma stake weights through the subnet's kept pool references
(:mod:`dtao.stake_index`), reads the stakes of non-zero dividends only (through the same
references), skips zero parts in the dividend rescale and zero incentives, and credits the
payouts through the kept references. Checked here: ``pay_epoch`` both ways on random payouts
over random pools (pools removed, pools with value and no members, parents without a UID,
withheld owner hotkeys, takes, zero and non-zero incentives and dividends, pots that overpay and
raise) by receipt, digest and error; and whole networks of both eras over blocks of
registrations that replace UIDs, weights, stakes, full unstakes and root stake, by digest and
every epoch's payouts. A sabotaged twin must fail the comparison.
"""

from __future__ import annotations

import copy
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dtao
from dtao import codec, epoch_summer, ledger
from dtao.block import process_block
from dtao.eras import rules_for
from dtao.receipts import EpochPayouts
from dtao.state import SharePool, State
from dtao.summer import summer_columns
from small_network import open_subnets, quick_network

TAO = 10**9
SUBNETS = 3
PRESETS = ["summer-2026", "current"]
seeds = st.integers(0, 2**32 - 1)


def _network(preset: str) -> dtao.Network:
    """``SUBNETS`` started subnets of at most 6 UIDs (so registrations replace UIDs), tempo 4."""
    net = quick_network(
        preset,
        SUBNETS,
        max_uids=6,
        tempo=4,
        immunity_period=0,
        max_registrations_per_block=8,
        target_registrations=8,
    )
    for coldkey in ("a", "b", "c"):
        net.fund(coldkey, 100_000 * TAO)
    for s, netuid in enumerate(open_subnets(net, SUBNETS)):
        for u in range(4):
            net.burned_register("abc"[u % 3], f"hk{netuid}-{u}", netuid)
        net.add_stake("a", f"hk{netuid}-0", netuid, (s + 2) * TAO)
        net.add_stake("b", f"hk{netuid}-1", 0, 30 * TAO)
        net.step(1)
    net.step(8)
    return net


@cache
def _base(preset: str) -> State:
    return _network(preset).state


def _pay(state: State, args: tuple, fast: bool) -> tuple[EpochPayouts, str]:
    """``pay_epoch`` on ``state`` (modified): its receipt and the digest."""
    rules = rules_for(state.params, fast=fast)
    result = epoch_summer.pay_epoch(state, *args, route=rules.root_route, fast=fast)
    return result, codec.digest(state)


def _random_payout(state: State, seed: int) -> tuple:
    """Perturb the pools of one subnet of ``state`` and draw an epoch's payout for it."""
    rng = np.random.default_rng(seed)
    netuid = state.netuids[int(rng.integers(0, len(state.netuids)))]
    subnet = state.subnets[netuid]
    hotkeys = list(subnet.neurons.hotkeys)
    parent = "parent-x"  # a hotkey without a UID on the subnet (a childkey parent)
    if rng.integers(0, 2):
        state.stakes[(parent, netuid)] = SharePool(int(rng.integers(1, 10**12)), 0, {})
    for hotkey in [*hotkeys, parent]:
        key = (hotkey, netuid)
        kind = int(rng.integers(0, 5))
        if kind == 0 and key in state.stakes:
            del state.stakes[key]  # no pool at all
        elif kind == 1 and key in state.stakes:
            pool = state.stakes[key]  # value but no members (the memberless rule)
            pool.total_shares, pool.shares = 0, {}
        elif kind == 2:
            state.stakes[(hotkey, 0)] = SharePool(int(rng.integers(0, 10**13)), 0, {})
        if rng.integers(0, 2):
            state.takes[hotkey] = int(rng.integers(0, 65_536))
    if rng.integers(0, 3) == 0:  # the owner's coldkey owns a miner: its incentive is burned
        state.hotkey_owner[hotkeys[int(rng.integers(0, len(hotkeys)))]] = subnet.owner_coldkey

    def amount() -> int:
        return int(rng.choice([0, 0, 1, int(rng.integers(0, 10**12)), 10**15]))

    incentives = {h: amount() for h in hotkeys}
    dividends = {h: amount() for h in hotkeys}
    if rng.integers(0, 2):
        dividends[parent] = amount()
    server = sum(incentives.values()) + int(rng.choice([0, 5, -1, -(10**15)]))  # < 0: overpaid
    return (
        netuid,
        max(server, 0),
        amount(),
        amount(),
        amount(),
        incentives,
        dividends,
    )


def _compare_payouts(seed: int, preset: str) -> None:
    state = copy.deepcopy(_base(preset))
    args = _random_payout(state, seed)
    fast = _pay(copy.deepcopy(state), args, fast=True)
    reference = _pay(state, args, fast=False)
    assert fast == reference


@settings(max_examples=80, deadline=None)
@given(seeds, st.sampled_from(PRESETS))
def test_the_fast_payout_is_the_reference(seed, preset):
    _compare_payouts(seed, preset)


@pytest.mark.parametrize("preset", PRESETS)
def test_the_payout_draws_cover_the_cases(preset):
    """The draws above pay miners and validators, burn a withheld incentive and pay a
    memberless rest to the owner (so the comparison is not vacuous)."""
    burned = paid = memberless = 0
    for seed in range(40):
        state = copy.deepcopy(_base(preset))
        args = _random_payout(state, seed)
        before = copy.deepcopy(state.stakes)
        result, _ = _pay(state, args, fast=True)
        paid += bool(result.miner_hotkeys) and any(result.alpha_rest)
        burned += summer_columns(state).get("alpha_burned", args[0]) > 0
        memberless += any(
            rest and not (before.get((h, args[0])) or SharePool()).total_shares
            for h, rest in zip(result.validator_hotkeys, result.alpha_rest, strict=True)
        )
    assert burned and paid and memberless


def _run(preset: str, seed: int, fast: bool) -> tuple[list[str], list[str]]:
    """40 blocks of registrations (replacing UIDs), weights, stakes, full unstakes and root
    stake; the digest every 10 blocks and every epoch's receipt."""
    state = copy.deepcopy(_base(preset))
    net = dtao.Network.from_state(state)
    rules = rules_for(state.params, fast=fast)
    rng = np.random.default_rng(seed)
    digests, receipts = [], []
    for block in range(40):
        netuid = int(rng.integers(1, SUBNETS + 1))
        coldkey = "abc"[int(rng.integers(3))]
        hotkeys = net.neurons(netuid).hotkeys
        kind = int(rng.integers(5))
        ops: list[dtao.Operation] = []
        if kind == 0:
            ops.append(dtao.BurnedRegister(coldkey, f"h{block}", netuid))
        elif kind == 1:
            uids = list(range(len(hotkeys)))
            for validator in hotkeys[:3]:
                weights = rng.integers(1, 65_535, len(uids)).tolist()
                ops.append(dtao.SetWeights(validator, netuid, uids, weights))
        elif kind == 2:
            target = hotkeys[int(rng.integers(len(hotkeys)))]
            root = int(rng.integers(3)) == 0
            amount = int(rng.integers(1, 90)) * TAO
            ops.append(dtao.AddStake(coldkey, target, 0 if root else netuid, amount))
        elif kind == 3:
            positions = [p for p in net.positions() if p[3] > 0 and p[2] == netuid]
            if positions:
                c, h, n, held = positions[int(rng.integers(len(positions)))]
                ops.append(dtao.RemoveStake(c, h, n, held))  # all of it: the pool may go
        else:
            ops.append(dtao.AddStake(coldkey, f"own{netuid - 1}", netuid, 5 * TAO))
        receipt = process_block(state, rules, ops)
        receipts += [repr(p) for p in receipt.epochs]
        if block % 10 == 9:
            digests.append(codec.digest(state))
    return digests, receipts


@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize("seed", [1, 2])
def test_networks_pay_the_same_both_ways(preset, seed):
    fast = _run(preset, seed, fast=True)
    assert fast == _run(preset, seed, fast=False)
    assert sum(r.count("EpochPayouts(") for r in fast[1]) >= 20  # epochs ran
    assert any("alpha_rest=[" in r and "alpha_rest=[0" not in r for r in fast[1])


def _swapped_stakes(real):
    def swapped(state, netuid, dividends):  # alpha and root stake exchanged
        return {h: (r, a) for h, (a, r) in real(state, netuid, dividends).items()}

    return swapped


def _last_credit_dropped(real):
    def dropped(state, credits, *args, **kernel):
        return real(state, list(credits)[:-1], *args, **kernel)

    return dropped


@pytest.mark.parametrize(
    ("module", "name", "sabotage"),
    [
        (epoch_summer, "_dividend_stakes", _swapped_stakes),
        (ledger, "credit_stakes_indexed", _last_credit_dropped),
    ],
)
def test_a_sabotaged_twin_fails_the_comparison(monkeypatch, module, name, sabotage):
    monkeypatch.setattr(module, name, sabotage(getattr(module, name)))
    failures = 0
    for seed in range(20):
        try:
            _compare_payouts(seed, "current")
        except AssertionError:
            failures += 1
    assert failures > 0
