"""The golden scenario of the ``current`` preset (the default), and one block of it whose subnet
shares are checked by hand.

The record was generated on the ``default`` branch after merging main with the three parts of
issue 10 (gate, registration queue, Root Reborn). The integrator regenerates it whenever a later
change of the preset's behaviour is intended (say so in the commit):

    dtao demo --preset current --days 0.25 --subnets 3 --seed 11 --json \\
        > tests/golden/demo_current_3subnets_quarter_day.json
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from dtao.gate import gate_state
from dtao.sim.demo import build, run_demo, set_weights
from dtao.summer import summer_columns

GOLDEN = Path(__file__).parent / "golden" / "demo_current_3subnets_quarter_day.json"
TAO = 10**9


def test_current_demo_summary_matches_the_golden_record():
    expected = json.loads(GOLDEN.read_text())
    assert expected["preset"] == "current"
    got = json.loads(json.dumps(run_demo(days=0.25, subnets=3, seed=11, preset="current")))
    assert got["state_digest"] == expected["state_digest"]  # every rao of the final state
    assert got["block"] == expected["block"]
    assert got["total_issuance"] == expected["total_issuance"]
    for row, want in zip(got["subnets"], expected["subnets"], strict=True):
        for key, value in want.items():
            if isinstance(value, float):
                assert row[key] == pytest.approx(value, rel=1e-12), key
            else:
                assert row[key] == value, key


def test_the_default_demo_is_the_current_one():
    assert run_demo(days=0, subnets=1, seed=11)["preset"] == "current"


def _owner_votes(net, players) -> None:
    """Subnet 2's validators also weight the owner's UID 0 (its incentive is burned: b > 0)."""
    view = net.neurons(2)
    uid_of = {h: u for u, h in enumerate(view.hotkeys)}
    miners = [uid_of[f"{m}-hk"] for m in players[1].miners]
    for name in players[1].validators:
        uid = uid_of[f"{name}-hk"]
        if not view.validator_permit[uid] or net.block - view.last_update[uid] < 100:
            continue
        net.set_weights(f"{name}-hk", 2, [0, *miners], [65_535] + [30_000] * len(miners))


@pytest.mark.parametrize("owner_votes", [False, True], ids=["golden", "burned-incentive"])
def test_one_block_of_the_current_golden_network_shares_checked_by_hand(owner_votes):
    """Block 1 000 of the golden network (no epoch, no root claim, no operation); in the
    second run subnet 2's validators also vote for the owner's UID, so its miner-burned
    fraction b is above 0 and its demand falls by the factor 1 − b.

    By hand (dtao-current.md §2), from the state before the block: the block's emission E = 1 τ
    (issuance far below the first halving at 10.5 M τ) goes to the enabled emitting subnets. The
    demand share of each is s_i = m_i·(1 − min(b_i, 1)) / Σ, m the EMA price and b the
    miner-burned fraction. The gate multiplies each by G_i = 1/(1 + (θ/s_i)^3), θ the stored bar
    (last recomputed at block 720; with fewer than 32 subnets it is the smallest positive
    share, so the gate binds here: the smallest subnet's G is about ½), and the gated shares are
    renormalised: f_i = s_i·G_i / Σ s_j·G_j. Each subnet's TAO T_i = E·f_i enters its pool, its
    TAO reservoir or its account (injection plus the chain buy of the excess); together they
    are E less the fixed-point floors, and issuance grows by exactly what the subnets got. The
    chain's power runs in I32F32 with a truncated ln / exp and every step floors, so T_i is
    checked to 4 rao of the exact value (1.5 rao at most here).
    """
    net, players = build(3, 11, "current")
    rng = np.random.default_rng(12)
    while net.block < 999:
        if net.block % 100 == 0:
            if owner_votes:  # first: the demo's voters then skip subnet 2 (rate limit)
                _owner_votes(net, players)
            set_weights(net, players, rng)
        net.process_block([])
    state = net.state
    ext = summer_columns(state)
    netuids = [p.netuid for p in players]
    assert state.total_issuance < 10_500_000 * TAO
    emission = TAO
    demand = {}
    for n in netuids:
        assert ext.get("first_emission_block", n) >= 0 and ext.get("emission_enabled", n)
        m = Fraction(int(state.columns.moving_price_bits[n]), 2**32)  # I96F32
        b = min(Fraction(ext.get("miner_burned_bits", n), 2**32), Fraction(1))
        demand[n] = m * (1 - b)
    assert all(d > 0 for d in demand.values())
    assert (ext.get("miner_burned_bits", 2) > 0) == owner_votes
    shares = {n: demand[n] / sum(demand.values()) for n in netuids}
    theta = Fraction(gate_state(state).bar_bits, 2**64)  # U64F64
    assert 0 < theta <= max(shares.values())
    gated = {n: s / (1 + (theta / s) ** 3) for n, s in shares.items()}
    want = {n: emission * g / sum(gated.values()) for n, g in gated.items()}  # rao
    held = ("account_tao", "tao_reservoir")

    def tao_of(n: int) -> int:
        return int(state.columns.tao_in[n]) + sum(ext.get(column, n) for column in held)

    before = {n: tao_of(n) for n in netuids}
    issuance_before = state.total_issuance

    receipt = net.process_block([])
    assert receipt.block == 1_000 and not receipt.epochs and not receipt.root_claims

    got = {n: tao_of(n) - before[n] for n in netuids}
    for n in netuids:
        assert abs(got[n] - want[n]) <= 4, n  # the chain's I32F32 power and its floors
    assert min(float(gated[n] / shares[n]) for n in netuids) < 0.6  # the gate binds
    assert emission - 12 <= sum(got.values()) <= emission
    assert state.total_issuance - issuance_before == sum(got.values())
    reported = dict(zip(receipt.emissions.netuids.tolist(), receipt.emissions.share, strict=True))
    for n in netuids:
        assert reported[n] == pytest.approx(float(want[n] / emission), rel=1e-6)
