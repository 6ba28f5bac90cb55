"""Canonical JSON: lossless after blocks and epochs, clear errors on bad input."""

from __future__ import annotations

import json

import pytest

import dtao
from dtao.errors import ConfigError
from test_weights import network_with_permits


def test_round_trip_after_epochs_keeps_everything():
    net = network_with_permits()
    net.set_weights("v-hk", 1, [2, 3], [65_535, 20_000])
    net.step(400)  # an epoch with bonds, incentives, pending pots mid-tempo
    text = net.to_json()
    again = dtao.Network.from_json(text)
    assert again.digest() == net.digest() and again.to_json() == text
    a, b = again.state.subnets[1].neurons, net.state.subnets[1].neurons
    assert (a.bonds == b.bonds).all() and (a.weights == b.weights).all()
    assert (a.weights_present == b.weights_present).all() and a.bonds.any()
    # both copies evolve identically
    net.step(50)
    again.step(50)
    assert again.digest() == net.digest()


def test_amounts_are_decimal_strings():
    net = network_with_permits()
    data = json.loads(net.to_json())
    assert isinstance(data["total_issuance"], str)
    assert int(data["total_issuance"]) == net.total_issuance
    assert all(isinstance(v, str) for v in data["balances"].values())


@pytest.mark.parametrize(
    "text",
    ["", "[]", "{not json", '{"format": "something-else"}', '{"format": "dtao-state/1"}'],
)
def test_bad_state_text_is_a_config_error(text):
    with pytest.raises(ConfigError):
        dtao.Network.from_json(text)


def test_unknown_parameter_in_state_is_rejected():
    data = json.loads(dtao.Network("launch").to_json())
    data["params"]["warp_speed"] = 9
    with pytest.raises(ConfigError, match="warp_speed"):
        dtao.Network.from_json(json.dumps(data))
