"""The summer-2026 per-subnet columns: defaults for new rows, growth, and their JSON section."""

from __future__ import annotations

import pytest

import dtao
from dtao import codec
from dtao.errors import ConfigError
from dtao.summer import COLUMNS, PERQUINTILL, SummerColumns, summer_columns

TAO = 10**9


def test_rows_start_at_their_defaults_and_grow_with_the_netuid():
    ext = SummerColumns(capacity=2)
    assert ext.get("quote_weight", 40) == PERQUINTILL // 2  # never written: the default
    ext.set("protocol_alpha", 40, 7 * TAO)
    assert ext.capacity >= 41
    assert ext.get("protocol_alpha", 40) == 7 * TAO and ext.get("protocol_alpha", 39) == 0
    assert ext.get("emission_enabled", 39) == COLUMNS["emission_enabled"]
    ext.reset(40)
    assert ext.get("protocol_alpha", 40) == 0
    with pytest.raises(OverflowError):
        ext.set("protocol_alpha", 1, 2**63)


def test_the_section_holds_only_changed_rows_and_round_trips_through_the_state_json():
    net = dtao.Network("launch")
    plain = net.to_json()
    assert "summer-2026" not in plain  # unused: not written
    ext = summer_columns(net.state)
    assert ext.to_dict() == {"columns": {}}
    ext.set("pending_server", 1, 123)
    ext.set("quote_weight", 2, PERQUINTILL // 4)
    text = net.to_json()
    again = dtao.Network.from_json(text)
    got = again.state.extensions["summer-2026"]
    assert got.get("pending_server", 1) == 123 and got.get("quote_weight", 2) == PERQUINTILL // 4
    assert codec.digest(again.state) == codec.digest(net.state)
    bad = text.replace('"pending_server"', '"pending_nothing"')
    with pytest.raises(ConfigError, match="extensions.summer-2026"):
        dtao.Network.from_json(bad)
