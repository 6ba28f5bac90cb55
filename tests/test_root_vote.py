"""The ``root-vote`` preset (the Root Network, d4d8182): the §12 worked example, a hand check of
one subnet epoch and of the hotkey drains, and the golden scripted network.

Every network here is built from records through ``dtao.Network`` (the public API); the
Root Network's storage is read from :mod:`dtao.root_vote`.
"""

from __future__ import annotations

import json
import math
import random
from fractions import Fraction
from pathlib import Path

import pytest

import dtao
from dtao import invariants
from dtao import root_vote as RV
from dtao.root_vote_coinbase import drain_hotkey_emission

TAO = 10**9
GOLDEN = Path(__file__).parent / "golden" / "root_vote_scripted.json"


def worked_example() -> dtao.Network:
    """dtao-economics.md §12: root stake 0.7 / 0.3; V1 votes SN1 0.5 + SN2 0.5, V2 SN2 only."""
    net = dtao.Network(
        "root-vote", network_rate_limit=0, root_registrations_per_block=2, weights_rate_limit=0
    )
    for coldkey in ("v1", "v2", "o1", "o2"):
        net.fund(coldkey, 20_000 * TAO)
    assert net.submit(dtao.RegisterNetwork("o1", "o1-hk")).result == 1
    assert net.submit(dtao.RegisterNetwork("o2", "o2-hk")).result == 2
    net.submit(dtao.RootRegister("v1", "V1"))
    net.submit(dtao.RootRegister("v2", "V2"))
    net.submit(dtao.AddStake("v1", "V1", 0, 7_000 * TAO))
    net.submit(dtao.AddStake("v2", "V2", 0, 3_000 * TAO))
    net.submit(dtao.SetRootWeights("v1", "V1", (1, 2), (1, 1)))
    net.submit(dtao.SetRootWeights("v2", "V2", (2,), (1,)))
    return net


def _sigmoid_shares(stake: list[float], votes: list[dict[int, float]], kappa: float, rho: float):
    """§12 in floats, independently of the engine: rank, trust, consensus, normalised e."""
    total = sum(stake)
    s = [x / total for x in stake]
    netuids = sorted({n for row in votes for n in row})
    rows = [{n: w / (sum(row.values()) or 1) for n, w in row.items()} for row in votes]
    rank, trust = {}, {}
    for n in netuids:
        rank[n] = sum(si * row.get(n, 0) for si, row in zip(s, rows, strict=True))
        trust[n] = sum(si for si, row in zip(s, rows, strict=True) if row.get(n, 0) > 0)
    e = {n: rank[n] / (1 + math.exp(-rho * (trust[n] - kappa))) for n in netuids}
    return {n: v / sum(e.values()) for n, v in e.items()}


def test_the_worked_example_of_section_12_gives_32_3_and_67_7_percent():
    net = worked_example()
    net.step(99 - net.block)  # root's tempo 100: (b + 1) mod 101 = 100 at block 99
    values = RV.root_vote(net.state).emission_values
    emission = 10**9  # 1 TAO per block before the first halving
    assert values[0] == 0  # nobody votes for root
    assert round(values[1] / emission, 3) == 0.323 and round(values[2] / emission, 3) == 0.677
    shares = _sigmoid_shares([7_000, 3_000], [{1: 1, 2: 1}, {2: 1}], kappa=32_767 / 65_535, rho=10)
    for netuid in (1, 2):  # the chain's I64F64 against floats: the same rao
        assert abs(values[netuid] - shares[netuid] * emission) <= 1
    assert values[1] + values[2] <= emission
    invariants.check(net.state)


def test_a_subnet_backed_by_under_kappa_of_the_stake_is_punished_by_the_sigmoid():
    net = worked_example()
    net.step(99 - net.block)
    values = RV.root_vote(net.state).emission_values
    # SN1 has 35 % of the rank but only 0.7 of the stake behind it; SN2 65 % with all of it:
    # SN2's share grows beyond its rank share (67.7 % > 65 %)
    assert values[2] / (values[1] + values[2]) > 0.65


def _one_validator_subnet() -> dtao.Network:
    """Subnet 1 with one validator hotkey ``V`` (owner coldkey v, 600 TAO) and a nominator n
    (400 TAO); drains every 10 blocks; the root vote gives subnet 1 all the emission."""
    net = dtao.Network(
        "root-vote",
        network_rate_limit=0,
        weights_rate_limit=0,
        hotkey_emission_tempo=9,
    )
    for coldkey in ("o", "v", "n"):
        net.fund(coldkey, 5_000 * TAO)
    net.submit(dtao.RegisterNetwork("o", "o-hk"))
    net.submit(dtao.BurnedRegister("v", "V", 1))
    net.submit(dtao.RootRegister("v", "V"))
    net.submit(dtao.AddStake("v", "V", 0, 600 * TAO))
    net.submit(dtao.AddStake("n", "V", 0, 400 * TAO))  # V is a delegate since root_register
    net.submit(dtao.SetRootWeights("v", "V", (1,), (1,)))
    return net


def test_one_subnet_epoch_pays_the_owner_cut_in_free_tao_and_accrues_the_rest_to_the_hotkey():
    net = _one_validator_subnet()
    ext = RV.root_vote(net.state)
    net.step(99 - net.block)  # the root epoch: subnet 1 gets the whole block emission
    assert ext.emission_values[1] == 10**9
    # subnet 1's epoch (tempo 360): (b + 2) mod 361 = 360 at block 358
    net.step(357 - net.block)
    pending = ext.pending_emission[1]
    # blocks 99 … 357, 1 TAO each: block 99's root epoch runs before that block's accrual
    assert pending == (357 - 99 + 1) * 10**9
    owner_before, issuance_before = net.balance("o"), net.total_issuance
    net.step(1)
    pending += 10**9  # block 358 accrues before its epoch drains
    assert net.block == 358 and ext.pending_emission.get(1, 0) == 0
    paid_owner = net.balance("o") - owner_before
    # 18 % of the pending TAO, the ratio 11 796/65 535 truncated to 32 fraction bits (I96F32)
    assert paid_owner == pending * ((11_796 << 32) // 65_535) >> 32
    exact = Fraction(pending) * Fraction(11_796, 65_535)
    assert 0 <= exact - paid_owner <= Fraction(pending, 2**32) + 1
    # one UID holding all the stake: Yuma gives it the rest, as validator emission
    rest = pending - paid_owner
    accrued = ext.pending_hotkey.get("V", 0)
    drained = net.total_issuance - issuance_before - paid_owner  # drained this block if due
    assert accrued + drained == rest or abs(accrued + drained - rest) <= 2
    invariants.check(net.state)


def test_a_drain_pays_take_and_viable_nominators_and_skips_fresh_stake():
    net = _one_validator_subnet()
    state = net.state
    ext = RV.root_vote(state)
    emission = 1_000_000_007
    # the first drain after both stakes: all of it is nonviable (added since the last drain)
    paid = drain_hotkey_emission(state, "V", emission)
    assert paid == emission
    assert RV.get_stake(state, "V", "n") == 400 * TAO
    assert RV.get_stake(state, "V", "v") == 600 * TAO + emission
    assert not [k for k in ext.delta if k[0] == "V"]  # deltas cleared by the drain
    # the second drain: take 18 % to the owner, the rest by stake
    total = RV.hotkey_stake(state, "V")
    before = {c: RV.get_stake(state, "V", c) for c in ("v", "n")}
    assert drain_hotkey_emission(state, "V", emission) == emission
    take = int(Fraction(11_796, 65_535) * emission)
    nominator = int(Fraction(400 * TAO, total) * (emission - take))
    got_n = RV.get_stake(state, "V", "n") - before["n"]
    got_v = RV.get_stake(state, "V", "v") - before["v"]
    assert abs(got_n - nominator) <= 2
    assert got_n + got_v == emission  # the owner gets take + the rest + rounding dust


def scripted(seed: int = 7, blocks: int = 800) -> dtao.Network:
    """The golden network: 3 subnets, 3 root validators with nominators and random votes, a
    fourth validator joining root in a later registration interval (3 per 100 blocks)."""
    rng = random.Random(seed)
    net = dtao.Network(
        "root-vote",
        network_rate_limit=0,
        root_registrations_per_block=8,
        weights_rate_limit=0,
        hotkey_emission_tempo=20,
    )
    owners = [f"owner{i}" for i in range(3)]
    validators = [f"val{i}" for i in range(4)]
    nominators = [f"nom{i}" for i in range(3)]
    for coldkey in owners + validators + nominators:
        net.fund(coldkey, 10_000 * TAO)
    for owner in owners:
        net.submit(dtao.RegisterNetwork(owner, f"{owner}-hk"))

    def join(v: str) -> list[dtao.Operation]:
        votes = tuple(rng.randrange(0, 100) for _ in range(3))
        return [
            dtao.RootRegister(v, f"{v}-hk"),
            dtao.AddStake(v, f"{v}-hk", 0, rng.randrange(500, 4_000) * TAO),
            dtao.SetRootWeights(v, f"{v}-hk", (1, 2, 3), votes),
        ]

    net.process_block([op for v in validators[:3] for op in join(v)])
    net.process_block(
        dtao.AddStake(n, f"{rng.choice(validators[:3])}-hk", 0, rng.randrange(100, 900) * TAO)
        for n in nominators
    )
    for i, v in enumerate(validators[:3]):  # one registration per subnet and block
        net.process_block([dtao.BurnedRegister(v, f"{v}-hk", 1 + i)])
    step_to = min(blocks, 150)
    net.step(max(step_to - net.block, 0))
    if blocks > 150:
        net.process_block(join(validators[3]) + [dtao.BurnedRegister("val3", "val3-hk", 1)])
        net.step(blocks - net.block)
    return net


def summary(net: dtao.Network) -> dict:
    ext = RV.root_vote(net.state)
    return {
        "preset": net.params.era,
        "block": net.block,
        "total_issuance": net.total_issuance,
        "emission_values": {str(k): v for k, v in sorted(ext.emission_values.items())},
        "hotkey_stake": dict(sorted(ext.hotkey_total.items())),
        "balances": dict(sorted(net.state.balances.items())),
        "state_digest": net.digest(),
    }


def test_the_scripted_root_vote_network_matches_its_golden_record():
    expected = json.loads(GOLDEN.read_text())
    net = scripted()
    got = summary(net)
    assert got == expected
    invariants.check(net.state)


def test_the_golden_first_root_epoch_matches_a_hand_computation():
    """The scripted network's first root epoch (block 99), by the §12 formula in floats."""
    net = scripted(blocks=99)
    ext = RV.root_vote(net.state)
    stake = [float(RV.hotkey_stake(net.state, h)) for h in ext.seats]
    votes = [dict(ext.root_weights.get(uid, [])) for uid in range(len(ext.seats))]
    shares = _sigmoid_shares(stake, votes, kappa=32_767 / 65_535, rho=10)
    emission = 10**9
    for netuid in (1, 2, 3):
        assert abs(ext.emission_values[netuid] - shares.get(netuid, 0) * emission) <= 1


@pytest.mark.parametrize(
    "record",
    [
        dtao.MoveStake("val0", "val0-hk", "val1-hk", 0, 0, 1),
        dtao.UnstakeAll("val0", "val0-hk"),
        dtao.StartCall("owner0", 1),
        dtao.ClaimRoot("val0", (1,)),
    ],
)
def test_dtao_only_records_are_call_unavailable(record):
    net = scripted(blocks=10)
    before = net.digest()
    with pytest.raises(dtao.errors.CallUnavailable):
        net.submit(record)
    assert net.digest() == before


def test_root_vote_records_are_call_unavailable_in_the_dtao_eras():
    net = dtao.Network("launch")
    with pytest.raises(dtao.errors.CallUnavailable):
        net.submit(dtao.SetRootWeights("a", "b", (1,), (1,)))
    with pytest.raises(dtao.errors.CallUnavailable):
        net.submit(dtao.BecomeDelegate("a", "b"))


def test_every_constant_the_preset_sets_names_its_d4d8182_source():
    from dtao.params import _ROOT_VOTE_CONSTANTS, _ROOT_VOTE_RULES, LAUNCH, ROOT_VOTE

    assert dtao.PRESETS["root-vote"] is ROOT_VOTE and ROOT_VOTE.commit == "d4d8182"
    for name in (*_ROOT_VOTE_CONSTANTS, *_ROOT_VOTE_RULES):
        assert "d4d8182" in ROOT_VOTE.sources[name], name
    # the new fields default to nothing another preset writes: their state texts are unchanged
    new = {"root_rho", "root_tempo", "root_adjustment_interval", "hotkey_emission_tempo"}
    assert not new & set(LAUNCH.to_dict())
