"""StakeThreshold inside the epoch (with ``Params.permit_requires_stake``: one chain change).

At 14bc6f9 (summer-2026; also ec2212c and current) ``epoch_mechanism`` zeroes the stake of every
UID whose α + tw·τ (floored to whole rao) is below ``StakeThreshold`` before normalising, the
subnet owner's UID exempt, so such a validator gets no permit and its weights count for nothing;
at 5073ade (launch) the threshold only gates ``set_weights``. Both the filter and the
``is_topk_nonzero`` permits came with 2ecebb194 (2025-05-13), so one switch sets both.
Checked on the summer-2026 demo network: after its validators have set weights, governance
raises the threshold between the two validators of subnet 1, and subnet 1's next epoch runs
with and without the switch.
"""

from __future__ import annotations

import numpy as np

import dtao
from dtao.sim.demo import build, set_weights

TAO = 10**9


def _epoch_with_threshold(in_epoch: bool):
    net, players = build(3, 11, "summer-2026")
    rng = np.random.default_rng(12)
    while net.block < 700:
        if net.block % 100 == 0:
            set_weights(net, players, rng)
        net.process_block([])
    view = net.neurons(1)
    uid = {h: u for u, h in enumerate(view.hotkeys)}
    tw = net.params.tao_weight_u64 / 2**64
    weight = {
        uid[f"{name}-hk"]: int(view.stake[uid[f"{name}-hk"]])
        + tw * view.root_stake[uid[f"{name}-hk"]]
        for name in players[0].validators
    }  # α + tw·τ, rao (the margin below is far larger than the float's error)
    small, big = sorted(weight, key=weight.get)
    assert view.validator_permit[small] and view.validator_permit[big]
    assert weight[big] - weight[small] > 10 * TAO and net.subnet(1).owner_hotkey not in (
        view.hotkeys[small],
        view.hotkeys[big],
    )
    threshold = int(weight[small] + weight[big]) // 2
    net.submit(dtao.Governance("permit_requires_stake", in_epoch))
    net.submit(dtao.Governance("stake_threshold", threshold))
    last = net.subnet(1).last_epoch_block
    while net.subnet(1).last_epoch_block == last:
        net.process_block([])
    dtao.invariants.check(net.state)
    return net.neurons(1), small, big


def test_a_validator_below_the_threshold_gets_no_permit_and_no_dividends():
    after, small, big = _epoch_with_threshold(True)
    assert not after.validator_permit[small] and after.dividends[small] == 0
    # its weights stay in W (rows are masked by the permits before this epoch) but meet zero
    # active stake, so they count for nothing: the other validator earns every dividend
    assert after.validator_permit[big] and after.dividends[big] == 65_535  # all of it


def test_without_the_epoch_filter_the_same_validator_keeps_its_permit():
    after, small, big = _epoch_with_threshold(False)
    assert after.validator_permit[small] and after.dividends[small] > 0
    assert after.validator_permit[big] and 0 < after.dividends[big] < 65_535
