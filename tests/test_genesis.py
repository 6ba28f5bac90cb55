"""The genesis builder: states built directly, as the chain's test mock does, and checked."""

from __future__ import annotations

from typing import Any

import pytest

import dtao
from dtao import errors as E
from dtao import invariants
from dtao.state import EXTENSION_DECODERS

TAO = 10**9


def _worked_example() -> dtao.Genesis:
    """dtao-economics.md §6a: y = 1000 τ, x = 4000 α, bob holding 100 α through hk."""
    return (
        dtao.Genesis("launch")
        .fund("alice", 200 * TAO)
        .subnet(1, "owner", "hk", tao_in=1_000 * TAO, alpha_in=4_000 * TAO)
        .stake("bob", "hk", 1, 100 * TAO)
    )


def test_the_worked_example_from_a_genesis():
    net = dtao.Network.from_genesis(_worked_example())
    invariants.check(net.state)
    assert net.subnet(1).alpha_out == 100 * TAO  # the staked alpha is outstanding
    assert net.total_issuance == 200 * TAO + 1_000 * TAO
    assert net.add_stake("alice", "hk", 1, 100 * TAO) == 363_636_198_347
    net = dtao.Network.from_genesis(_worked_example())
    assert net.remove_stake("bob", "hk", 1, 100 * TAO) == 24_390_193_902
    invariants.check(net.state)


def test_a_genesis_network_runs_blocks_and_epochs_with_its_identities():
    genesis = (
        dtao.Genesis("launch", tempo=4)
        .fund("w", 50 * TAO)
        .subnet(1, "o1", "own1", tao_in=500 * TAO, alpha_in=900 * TAO, moving_price_bits=2**31)
        .subnet(3, "o3", "own3", tao_in=50 * TAO, alpha_in=60 * TAO, tempo=7)
        .neuron(1, "v1", "vc")
        .neuron(1, "m1", "mc")
        .neuron(3, "v1")
        .stake("vc", "v1", 1, 300 * TAO)
        .stake("w", "v1", 0, 40 * TAO)  # root stake, 1:1
        .stake("vc", "v1", 3, 5 * TAO)
        .take("v1", 1_000)
    )
    net = dtao.Network.from_genesis(genesis)
    assert net.netuids == [1, 3]
    assert net.neurons(1).hotkeys == ["own1", "v1", "m1"]
    assert net.hotkey_stake("v1", 0) == net.state.root_tao == 40 * TAO
    assert net.subnet(3).tempo == 7 and net.take("v1") == 1_000
    assert net.subnet(1).moving_price == 0.5
    again = dtao.Network.from_json(net.to_json())
    assert again.digest() == net.digest()
    net.step(30)
    invariants.check(net.state)
    assert net.subnet(1).last_epoch_block > 0 and net.subnet(3).last_epoch_block > 0


def test_an_explicit_alpha_out_is_accounted_as_unbacked_alpha():
    genesis = _worked_example()
    genesis.subnet(2, "owner", "hk", tao_in=TAO, alpha_in=TAO, alpha_out=0).stake(
        "bob", "hk", 2, 7 * TAO
    )
    state = genesis.build()
    assert state.columns.get("alpha_out", 2) == 0
    assert state.columns.get("alpha_unbacked", 2) == -7 * TAO  # held, never counted out
    invariants.check(state)


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda g: g.neuron(5, "x", "xc"), "subnet 5, which is not given"),
        (lambda g: g.stake("c", "ghost", 1, TAO), "has no owner"),
        (lambda g: g.stake("c", "hk", 9, TAO), "subnet 9, which is not given"),
        (lambda g: g.hotkey("mallory", "hk"), "owned by"),
        (lambda g: g.subnet(1, "o", "h2", tao_in=1, alpha_in=1), "given twice"),
        (lambda g: g.subnet(0, "o", "h2", tao_in=1, alpha_in=1), "netuid 0 is root"),
        (lambda g: g.neuron(1, "n1", "c").neuron(1, "n1"), "registered twice"),
        (lambda g: g.neuron(1, "a1", "c").neuron(1, "a2", "c"), "at most 2 neurons"),
        (lambda g: g.fund("rich", 21_000_000 * TAO), "exceeds the supply"),
        (lambda g: g.fund("a", 1.5), "integer number of rao"),
        (lambda g: g.fund("", 1), "non-empty name"),
        (lambda g: g.subnet(2, "o", "h", tao_in=-1, alpha_in=1), "must not be negative"),
        (lambda g: g.subnet(2, "o", "h", tao_in=1, alpha_in=1, tempo=70_000), "u16"),
        (lambda g: g.take("hk", 70_000), "take must be"),
    ],
)
def test_an_inconsistent_genesis_is_refused_with_a_clear_error(build: Any, message: str):
    genesis = dtao.Genesis("launch", max_uids=2).fund("alice", TAO)
    genesis.subnet(1, "owner", "hk", tao_in=TAO, alpha_in=TAO)
    with pytest.raises(E.ConfigError, match=message):
        build(genesis).build()


def test_a_genesis_refuses_an_unknown_preset_or_parameter_at_once():
    with pytest.raises(E.ConfigError, match="unknown preset"):
        dtao.Genesis("atlantis")
    with pytest.raises(E.ConfigError, match="unknown or read-only parameter"):
        dtao.Genesis("launch", no_such=1)
    with pytest.raises(E.ConfigError, match="genesis block"):
        dtao.Genesis("launch", block=0)


class _Reservoirs:
    """A test-only era extension: per-subnet reservoirs (alpha-rao)."""

    name = "test_reservoirs"

    def __init__(self, amounts: dict[int, int]) -> None:
        self.amounts = amounts

    def to_dict(self) -> dict[str, Any]:
        return {str(k): str(v) for k, v in sorted(self.amounts.items())}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> _Reservoirs:
        return cls({int(k): int(v) for k, v in data.items()})


def test_an_era_extension_has_its_own_codec_section_and_leaves_the_base_layout_alone():
    net = dtao.Network.from_genesis(_worked_example())
    plain = net.to_json()
    assert '"extensions"' not in plain  # no extension: the launch layout is unchanged
    EXTENSION_DECODERS[_Reservoirs.name] = _Reservoirs.from_dict
    try:
        net.state.extensions[_Reservoirs.name] = _Reservoirs({1: 5 * TAO})
        text = net.to_json()
        assert '"extensions":{"test_reservoirs":{"1":"5000000000"}}' in text
        again = dtao.Network.from_json(text)
        assert again.state.extensions[_Reservoirs.name].amounts == {1: 5 * TAO}
        assert again.digest() == net.digest()
    finally:
        del EXTENSION_DECODERS[_Reservoirs.name]
    with pytest.raises(E.ConfigError, match="unknown state extension"):
        dtao.Network.from_json(text)
