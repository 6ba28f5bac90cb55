"""The root-vote demo golden (``tests/golden/demo_rootvote_3subnets_quarter_day.json``, compared
in tests/test_golden.py) checked by hand: the demo network's first root epoch after its votes by
the §12 formula in floats, and the owner cut of the next subnet epoch, both read through the
public API; and ``dtao demo --preset root-vote`` runs from the command line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import dtao
from dtao import root_vote as RV
from dtao.sim.demo import build
from test_root_vote import _sigmoid_shares

GOLDEN = Path(__file__).parent / "golden" / "demo_rootvote_3subnets_quarter_day.json"
TAO = 10**9
ROOT_TEMPO = 100  # Tempo[0] at d4d8182: the root epoch runs when (b + 1) mod 101 = 100
OWNER_CUT = 11_796 / 65_535


def _next_root_epoch(block: int) -> int:
    while (block + 1) % (ROOT_TEMPO + 1) != ROOT_TEMPO:
        block += 1
    return block


def test_the_golden_demo_first_root_epoch_and_owner_cut_by_hand():
    net, players = build(3, 11, "root-vote")
    net.step(_next_root_epoch(net.block + 1) - net.block)
    # the demo's votes, by design: a validator's own subnet 65 535, every other 32 767
    netuids = [p.netuid for p in players]
    stake, votes = [], []
    for p in players:
        for name in p.validators:
            stake.append(float(net.hotkey_stake(f"{name}-hk", 0)))
            votes.append({n: 65_535 if n == p.netuid else 32_767 for n in netuids})
    shares = _sigmoid_shares(stake, votes, kappa=32_767 / 65_535, rho=10)
    emission = 10**9  # 1 TAO per block before the first halving
    values = RV.root_vote(net.state).emission_values
    for netuid in netuids:
        assert abs(values[netuid] - shares[netuid] * emission) <= 2
        assert abs(net.emission_shares()[netuid] - shares[netuid]) < 1e-8
    # the golden's final shares are those of a later root epoch on nearly the same stakes
    golden = json.loads(GOLDEN.read_text())
    for row in golden["subnets"]:
        assert abs(row["emission_share"] - shares[row["netuid"]]) < 1e-3

    # the next epoch of subnet 1 drains its pending TAO (with the block's own accrual first)
    # and pays the owner 18 % of it in free TAO
    owner = players[0].owner
    while True:
        pending, before = net.subnet(1).pending_emission, net.balance(owner)
        net.step(1)
        if net.subnet(1).pending_emission < pending:
            break
    pending += values[1]
    cut = net.balance(owner) - before
    assert pending > 100 * TAO
    assert 0 <= pending * OWNER_CUT - cut <= pending / 2**32 + 1  # the ratio is I96F32
    dtao.invariants.check(net.state)


def test_dtao_demo_runs_the_root_vote_preset_from_the_command_line():
    out = subprocess.run(
        [sys.executable, "-m", "dtao.cli", "demo", "--preset", "root-vote", "--days", "0"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "dtao demo (root-vote)" in out.stdout
    assert "Traceback" not in out.stderr
