import dataclasses

import pytest

import dtao
from dtao.errors import ConfigError
from dtao.params import LAUNCH, get_preset


def test_launch_constants_match_the_spec_table():
    p = get_preset("launch")
    assert p.commit == "5073ade"
    assert (p.block_time_s, p.tempo, p.owner_cut_u16) == (12, 360, 11_796)
    assert p.tao_weight_u64 == 3_320_413_933_267_719_290
    assert abs(p.tao_weight - 0.18) < 1e-12
    assert (p.min_stake, p.staking_fee, p.min_pool_liquidity) == (500_000, 50_000, 10_000_000)
    assert (p.max_uids, p.max_validators, p.weights_rate_limit) == (256, 64, 100)
    assert (p.default_take_u16, p.max_take_u16) == (11_796, 11_796)
    assert (p.network_min_lock, p.lock_reduction_interval, p.network_rate_limit) == (
        10**9,
        100_800,
        7_200,
    )
    assert p.subnet_limit is None and p.bonds_penalty_u16 == 0 and not p.yuma3


def test_every_launch_constant_names_its_source():
    numeric = [
        f.name
        for f in dataclasses.fields(LAUNCH)
        if f.name in ("tempo", "owner_cut_u16", "min_stake", "staking_fee", "kappa_u16")
    ]
    for name in numeric:
        assert "@" in LAUNCH.sources[name] or "init_new_network" in LAUNCH.sources[name]


def test_overrides_apply_per_network_and_are_checked():
    net = dtao.Network("launch", tempo=99, min_stake=1_000)
    assert net.params.tempo == 99 and net.params.min_stake == 1_000
    assert dtao.Network("launch").params.tempo == 360
    with pytest.raises(ConfigError):
        dtao.Network("launch", no_such_constant=1)
    with pytest.raises(ConfigError):
        dtao.Network("launch", tempo="fast")
    with pytest.raises(ConfigError):
        dtao.Network("launch", min_stake=-5)
    with pytest.raises(ConfigError):
        dtao.Network(preset="nope")
    with pytest.raises(ConfigError, match="exact, float"):
        dtao.Network("launch", yuma_backend="gpu")
    with pytest.raises(ConfigError, match="constant_product"):
        dtao.Network("launch", pool="uniswap")


def test_state_text_names_only_the_parameters_that_differ_from_their_defaults():
    from dtao.params import params_from_dict

    p = get_preset("launch", tempo=99, ema_price_cap=None)
    data = p.to_dict()
    assert set(data) == {"era", "commit", "description", "tempo", "ema_price_cap"}
    assert params_from_dict(data) == p
    summer = get_preset("summer-2026")
    assert params_from_dict(summer.to_dict()) == summer and summer.era == "summer-2026"


def test_current_is_the_default_preset_and_the_older_eras_stay_by_name():
    assert dtao.DEFAULT_PRESET == "current"
    assert dtao.Network().params.era == "current"
    assert dtao.Genesis().build().params.era == "current"
    for name in ("launch", "summer-2026", "current"):
        assert dtao.Network(name).params is dtao.PRESETS[name]
