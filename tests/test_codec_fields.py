"""Every field of the state survives the canonical JSON, so a new field cannot be forgotten."""

from __future__ import annotations

import dataclasses

import numpy as np

import dtao
from dtao.state import FLOAT_COLUMNS, INT_COLUMNS, State, Subnet

TAO = 10**9


def _busy_network() -> dtao.Network:
    net = dtao.Network("launch", network_rate_limit=1, network_min_lock=100 * TAO, tempo=4)
    net.fund("a", 10_000 * TAO)
    net.register_network("a", "ah")
    net.burned_register("a", "m", 1)
    net.add_stake("a", "ah", 1, 100 * TAO)
    net.add_stake("a", "ah", 0, 50 * TAO)
    net.set_take("a", "ah", 1_000)
    net.step(9)
    return net


def _plain(value: object) -> object:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def test_every_state_and_subnet_field_round_trips():
    net = _busy_network()
    again = dtao.Network.from_json(net.to_json()).state
    state = net.state
    for field in dataclasses.fields(State):
        if field.name in ("scratch", "columns", "subnets"):
            continue
        assert _plain(getattr(again, field.name)) == _plain(getattr(state, field.name)), field.name
    for netuid in state.netuids:
        for field in dataclasses.fields(Subnet):
            if field.name == "neurons":
                continue
            got, want = (
                getattr(again.subnets[netuid], field.name),
                getattr(state.subnets[netuid], field.name),
            )
            assert got == want, field.name
        for name in (*INT_COLUMNS, *FLOAT_COLUMNS):
            assert again.columns.get(name, netuid) == state.columns.get(name, netuid), name
    assert state.total_stake > 0 and again.total_stake == state.total_stake
