"""set_weights: storage as the chain keeps it, and every bad input's named error."""

from __future__ import annotations

import numpy as np

import dtao
from dtao import errors as E
from test_operations import rejected

TAO = 10**9


def network_with_permits() -> dtao.Network:
    net = dtao.Network("launch", network_rate_limit=1, target_registrations=5)
    net.fund("o", 3_000 * TAO)
    net.fund("v", 100 * TAO)
    net.fund("m", 100 * TAO)
    net.register_network("o", "o-hk")
    for name in ("v-hk", "m1", "m2"):
        net.step(1)
        net.burned_register("v" if name == "v-hk" else "m", name, 1)
    net.add_stake("v", "v-hk", 1, 5 * TAO)
    net.step(359 - net.block)  # first epoch (block 359): every UID gets a permit (n ≤ 64)
    net.step(100)  # past the 100-block weights rate limit since registration
    return net


def test_weights_are_stored_max_upscaled_with_explicit_zeros():
    net = network_with_permits()
    net.set_weights("v-hk", 1, [2, 3, 0], [100, 50, 0])
    nr = net.state.subnets[1].neurons
    assert nr.weights[1, :4].tolist() == [0, 0, 65_535, 32_768]  # round(50·65535/100)
    assert nr.weights_present[1, :4].tolist() == [True, False, True, True]
    assert nr.last_update[1] == net.block


def test_self_weight_needs_no_permit_and_weights_feed_the_epoch():
    net = network_with_permits()
    net.set_weights("v-hk", 1, [2, 3], [65_535, 65_535])
    net.step(720 - net.block)
    incentive = net.neurons(1).incentive
    assert incentive[2] == incentive[3] > 0 and incentive[0] == incentive[1] == 0
    # a UID may always vote for itself alone, permit or not
    net.state.subnets[1].neurons.validator_permit[3] = False
    net.set_weights("m2", 1, [3], [1])


def test_set_weights_errors():
    net = network_with_permits()
    rejected(net, E.CanNotSetRootNetworkWeights, net.set_weights, "v-hk", 0, [1], [1])
    rejected(net, E.WeightVecNotEqualSize, net.set_weights, "v-hk", 1, [2, 3], [1])
    rejected(net, E.SubNetworkDoesNotExist, net.set_weights, "v-hk", 7, [2], [1])
    rejected(
        net, E.UidsLengthExceedUidsInSubNet, net.set_weights, "v-hk", 1, list(range(5)), [1] * 5
    )
    rejected(net, E.HotKeyNotRegisteredInSubNet, net.set_weights, "ghost", 1, [2], [1])
    rejected(net, E.DuplicateUids, net.set_weights, "v-hk", 1, [2, 2], [1, 1])
    rejected(net, E.UidVecContainInvalidOne, net.set_weights, "v-hk", 1, [2, 9], [1, 1])
    rejected(net, E.InvalidAmount, net.set_weights, "v-hk", 1, [2], [70_000])
    rejected(net, E.InvalidAmount, net.set_weights, "v-hk", 1, [-1], [1])
    net.state.subnets[1].neurons.validator_permit[1] = False
    rejected(net, E.NeuronNoValidatorPermit, net.set_weights, "v-hk", 1, [2], [1])
    net.state.subnets[1].neurons.validator_permit[1] = True
    net.set_weights("v-hk", 1, [2], [1])
    rejected(net, E.SettingWeightsTooFast, net.set_weights, "v-hk", 1, [3], [1])


def test_min_weights_stake_threshold_and_max_weight_limit():
    net = network_with_permits()
    strict = dtao.Network.from_json(net.to_json())
    strict.state.params = strict.params.replace(
        min_allowed_weights=3, stake_threshold=10**15, max_weights_limit=40_000
    )
    rejected(strict, E.NotEnoughStakeToSetWeights, strict.set_weights, "v-hk", 1, [2], [1])
    strict.state.params = strict.params.replace(stake_threshold=0)
    rejected(strict, E.WeightVecLengthIsLow, strict.set_weights, "v-hk", 1, [2, 3], [1, 1])
    rejected(strict, E.MaxWeightExceeded, strict.set_weights, "v-hk", 1, [0, 2, 3], [1, 1, 9])
    strict.set_weights("v-hk", 1, [0, 2, 3], [1, 1, 1])
    assert np.array_equal(strict.state.subnets[1].neurons.weights[1, [0, 2, 3]], [65_535] * 3)
