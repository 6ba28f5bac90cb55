"""Golden scenarios: fixed-seed demo runs reproduce their recorded summaries exactly, and one
epoch of the summer-2026 run is checked against numbers worked out by hand.

Regenerate (only when a change of behaviour is intended, and say so in the commit):
    dtao demo --days 0.25 --subnets 3 --seed 11 --json > tests/golden/demo_3subnets_quarter_day.json
    dtao demo --preset summer-2026 --days 0.25 --subnets 3 --seed 11 --json \\
        > tests/golden/demo_summer_3subnets_quarter_day.json
    dtao demo --preset taoflow --days 0.25 --subnets 3 --seed 11 --json \\
        > tests/golden/demo_taoflow_3subnets_quarter_day.json
    dtao demo --preset root-vote --days 0.25 --subnets 3 --seed 11 --json \\
        > tests/golden/demo_rootvote_3subnets_quarter_day.json
(the root-vote run's hand check is in tests/test_golden_root_vote.py)
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from dtao.curve import stored_curve
from dtao.sim.demo import build, run_demo, set_weights
from dtao.summer import summer_columns

GOLDEN = Path(__file__).parent / "golden"
RUNS = {
    "launch": GOLDEN / "demo_3subnets_quarter_day.json",
    "summer-2026": GOLDEN / "demo_summer_3subnets_quarter_day.json",
    "taoflow": GOLDEN / "demo_taoflow_3subnets_quarter_day.json",
    "root-vote": GOLDEN / "demo_rootvote_3subnets_quarter_day.json",
}
CURRENT = GOLDEN / "demo_current_3subnets_quarter_day.json"  # compared in test_golden_current.py


@pytest.mark.parametrize("preset", sorted(RUNS))
def test_demo_summary_matches_the_golden_record(preset):
    expected = json.loads(RUNS[preset].read_text())
    got = json.loads(json.dumps(run_demo(days=0.25, subnets=3, seed=11, preset=preset)))
    assert got["state_digest"] == expected["state_digest"]  # every rao of the final state
    assert got["block"] == expected["block"]
    assert got["total_issuance"] == expected["total_issuance"]
    for row, want in zip(got["subnets"], expected["subnets"], strict=True):
        for key, value in want.items():
            if isinstance(value, float):
                assert row[key] == pytest.approx(value, rel=1e-12), key
            else:
                assert row[key] == value, key


def test_an_epoch_of_the_summer_golden_run_checked_by_hand():
    """Subnet 1's second epoch (block 720) of the golden network.

    By hand (dtao-economics.md §5a–§5b, 14bc6f9): a young subnet's alpha emission is 1 alpha a
    block (issuance far below 10.5 M), so the owner cut is ⌊10^9 · 11 796 / 65 535⌋ =
    179 995 422 alpha-rao a block, and 360 blocks since the first epoch give 360 × that; the
    owner's alpha position grows by exactly the cut; each validator keeps 18 % (11 796 / 65 535)
    of its alpha dividend as take, floored (one rao of fixed-point slack).
    """
    net, players = build(3, 11, "summer-2026")
    rng = np.random.default_rng(12)
    owner, owner_hotkey = players[0].owner, f"{players[0].owner}-hk"
    epochs = []
    while len(epochs) < 2:
        if net.block % 100 == 0:
            set_weights(net, players, rng)
        before = net.stake(owner, owner_hotkey, 1)
        receipt = net.process_block([])
        epochs += [
            (e, before, net.stake(owner, owner_hotkey, 1)) for e in receipt.epochs if e.netuid == 1
        ]
    (first, _, _), (second, stake_before, stake_after) = epochs
    per_block = 10**9 * 11_796 // 65_535
    assert per_block == 179_995_422
    assert first.block == 360 and first.owner_cut == (360 - 1) * per_block  # registered at 1
    assert second.block == 720 and second.owner_cut == 360 * per_block == 64_798_351_920
    assert stake_after - stake_before == second.owner_cut
    paid = [(t, r) for t, r in zip(second.alpha_take, second.alpha_rest, strict=True) if t + r]
    assert len(paid) == 2  # the two validators
    for take, rest in paid:
        assert abs(take - (take + rest) * 11_796 // 65_535) <= 1
    assert sum(second.incentive) > 0 and second.drained_alpha > second.owner_cut


@pytest.mark.parametrize("preset", ["summer-2026", "current"])
def test_golden_summary_price_is_the_balancer_price_by_hand(preset, monkeypatch):
    """The summary's ``price`` of each subnet of the summer-2026 / current golden network is the
    weighted pool's spot price, not the reserve ratio: by hand (dtao-economics.md §3, 14bc6f9
    ``calculate_price``) p = (w_b/w_q)·(y/x) with w_q the stored SwapBalancer quote weight
    (parts per 10^18) and w_b = 10^18 − w_q; the chain floors each factor to 2^-64, far below
    the 1e-12 compared here. The weight has moved off ½ by the end of the run, so y/x alone is
    off by ~2e-10 and would fail."""
    import dtao.sim.demo as demo

    final = {}
    summarize = demo.summarize

    def keep_network(net, *args):
        final["net"] = net
        return summarize(net, *args)

    monkeypatch.setattr(demo, "summarize", keep_network)
    golden = {"summer-2026": RUNS["summer-2026"], "current": CURRENT}[preset]
    expected = json.loads(golden.read_text())
    got = run_demo(days=0.25, subnets=3, seed=11, preset=preset)
    assert got["state_digest"] == expected["state_digest"]  # the golden network itself
    state = final["net"].state
    for row in expected["subnets"]:
        netuid = row["netuid"]
        assert stored_curve(state, netuid) is None  # no superellipse: the balancer prices
        w_q = summer_columns(state).get("quote_weight", netuid)
        assert w_q != 10**18 // 2
        y, x = row["tao_in"], row["alpha_in"]
        by_hand = Fraction(10**18 - w_q, w_q) * Fraction(y, x)
        assert row["price"] == pytest.approx(float(by_hand), rel=1e-12)
        assert row["price"] != pytest.approx(y / x, rel=1e-12)
