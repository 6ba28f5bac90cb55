"""The real network as genesis: the shipped snapshot read exactly, every pool built through
``dtao.Genesis`` as given, the synthesised rest as documented, and the SDK conversion."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

import dtao
from conftest import SHARED
from dtao.errors import ConfigError
from dtao.sim import snapshot
from dtao.sim.live import row_from_dynamic_info

TAO = 10**9
RAW = json.loads(snapshot.shipped_path().read_text(), parse_float=Decimal)


def test_the_shipped_snapshot_is_the_shared_file():
    source = SHARED / "data" / "real" / snapshot.SHIPPED_NAME
    assert source.read_bytes() == snapshot.shipped_path().read_bytes()
    notes = (snapshot.shipped_path().parent / "SOURCE.md").read_text()
    assert "d2068f46f469e0a9937b4143a17bf5658d2dedb4" in notes and "MIT" in notes


def test_rows_are_exact_rao():
    rows = {r.netuid: r for r in snapshot.read_snapshot()}
    assert sorted(rows) == list(range(129))
    one = rows[1]
    # netuid 1 of the file: tau_in 29628.4935, alpha_in 2665006.7118, moving_price 0.011290281
    assert one.tao_in == 29_628_493_500_000
    assert one.alpha_in == 2_665_006_711_800_000
    assert one.alpha_out == 2_070_591_399_700_000
    assert one.moving_price_bits == int(Decimal("0.011290281") * 2**32)
    assert (one.tempo, one.registered_at) == (99, 1_497_824)
    assert rows[96].moving_price_bits == 0  # null in the file
    for raw in RAW:
        row = rows[raw["netuid"]]
        assert row.tao_in == int(raw["tau_in"] * TAO)
        assert row.alpha_out == int(raw["alpha_out"] * TAO)


def test_genesis_builds_every_pool_as_given():
    rows = snapshot.read_snapshot()
    net = dtao.Network.from_genesis(snapshot.build_genesis(rows, "current", seed=7))
    assert net.block == snapshot.SNAPSHOT_BLOCK
    assert net.netuids == list(range(1, 129))
    for row in rows[1:]:
        view = net.subnet(row.netuid)
        assert (view.tao_in, view.alpha_in, view.alpha_out) == (
            row.tao_in,
            row.alpha_in,
            row.alpha_out,
        )
        assert round(view.moving_price * 2**32) == row.moving_price_bits
        assert (view.tempo, view.registered_at) == (row.tempo, row.registered_at)
        assert (view.owner_hotkey, view.owner_coldkey) == (row.owner_hotkey, row.owner_coldkey)
        neurons = net.neurons(row.netuid)
        # owner, 4 validators, 3 miners; the validators hold exactly alpha_out
        assert neurons.hotkeys[1:5] == snapshot.validator_hotkeys(4)
        assert len(neurons.hotkeys) == 8
        assert int(neurons.stake[1:5].sum()) == row.alpha_out
    root = sum(a for _, _, n, a in net.positions() if n == 0)
    assert root == rows[0].tao_in
    holders = {ck for ck, _, _, _ in net.positions()}
    assert holders == {snapshot.holder_coldkey(j) for j in range(16)}
    assert net.total_issuance == snapshot.ASSUMED_ISSUANCE
    dtao.invariants.check(net.state)


def test_fewer_holders_than_validators_back_every_validator():
    """One holder, four validators: the holder's part is split evenly over all four, so every
    validator holds stake on every subnet (a permit), and the whole alpha_out is staked."""
    rows = snapshot.read_snapshot()[:4]
    synthesis = snapshot.Synthesis(validators=4, holders=1, miners=1)
    net = dtao.Network.from_genesis(snapshot.build_genesis(rows, "current", 3, synthesis))
    for row in rows[1:]:
        stake = net.neurons(row.netuid).stake[1:5]
        assert int(stake.sum()) == row.alpha_out
        assert int(stake.max()) - int(stake.min()) <= 3  # even, the rest on the first
    holders = {ck for ck, _, _, _ in net.positions()}
    assert holders == {snapshot.holder_coldkey(0)}
    dtao.invariants.check(net.state)


def test_synthesis_is_seeded():
    rows = snapshot.read_snapshot()
    a = dtao.Network.from_genesis(snapshot.build_genesis(rows, "current", seed=1))
    b = dtao.Network.from_genesis(snapshot.build_genesis(rows, "current", seed=1))
    c = dtao.Network.from_genesis(snapshot.build_genesis(rows, "current", seed=2))
    assert a.digest() == b.digest() != c.digest()


def _write(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(rows))
    return path


def test_bad_snapshots_are_one_line(tmp_path):
    good = json.loads(snapshot.shipped_path().read_text())[:3]
    cases = [
        ([{k: v for k, v in r.items() if k != "owner_ck"} for r in good], "missing column"),
        ([{**r, "tau_in": "1.0000000001"} for r in good], "more than 9 decimals"),
        ([{**r, "tempo": "fast"} for r in good], "tempo must be a non-negative integer"),
        ([good[1], good[2]], "no root row"),
        ([good[0], good[1], good[1]], "appears twice"),
        ({"netuid": 0}, "non-empty JSON list"),
    ]
    for rows, words in cases:
        with pytest.raises(ConfigError, match=words) as info:
            snapshot.read_snapshot(_write(tmp_path, rows))
        assert "\n" not in str(info.value)


class _Balance(SimpleNamespace):
    """The SDK's ``Balance`` as far as the conversion reads it: integer ``rao``."""


def _dynamic_info(netuid: int, tao: int, alpha_in: int, alpha_out: int) -> SimpleNamespace:
    """An SDK-like ``DynamicInfo`` (bittensor 10.x field names)."""
    return SimpleNamespace(
        netuid=netuid,
        subnet_name=f"sn{netuid}",
        symbol="α",
        owner_hotkey=f"hk{netuid}",
        owner_coldkey=f"ck{netuid}",
        tempo=360 if netuid else 100,
        last_step=0,
        blocks_since_last_step=7,
        emission=_Balance(rao=0),
        tao_in=_Balance(rao=tao),
        alpha_in=_Balance(rao=alpha_in),
        alpha_out=_Balance(rao=alpha_out),
        price=_Balance(rao=0),
        k=tao * alpha_in,
        is_dynamic=netuid > 0,
        alpha_out_emission=_Balance(rao=0),
        alpha_in_emission=_Balance(rao=0),
        tao_in_emission=_Balance(rao=250_000_000),
        pending_alpha_emission=_Balance(rao=0),
        pending_root_emission=_Balance(rao=0),
        network_registered_at=1_000 + netuid,
        subnet_volume=_Balance(rao=5),
        subnet_identity=SimpleNamespace(github_repo="gh", description="d"),
        moving_price=0.0123456789 if netuid else 0.0,
    )


def test_sdk_conversion_round_trips_exactly(tmp_path):
    infos = [
        _dynamic_info(0, 5_000_000 * TAO + 1, 0, 0),
        _dynamic_info(1, 12_345_678_901_234, 987_654_321_098_765, 111_111_111_111_111),
        _dynamic_info(2, 1_000 * TAO, 2_000 * TAO, 7),
    ]
    rows = [row_from_dynamic_info(i) for i in infos]
    assert rows[1]["tau_in"] == "12345.678901234"
    assert rows[1]["k_constant"] == str(12_345_678_901_234 * 987_654_321_098_765)
    assert rows[0]["registered_at_block"] is None and rows[0]["moving_price"] is None
    assert rows[2]["emission_tao_day"] == 0.25 * 7_200
    assert set(snapshot.REQUIRED) <= set(rows[1])
    read = {r.netuid: r for r in snapshot.read_snapshot(_write(tmp_path, rows))}
    assert read[0].tao_in == 5_000_000 * TAO + 1
    assert (read[1].tao_in, read[1].alpha_in, read[1].alpha_out) == (
        12_345_678_901_234,
        987_654_321_098_765,
        111_111_111_111_111,
    )
    assert read[2].alpha_out == 7
    assert read[1].moving_price_bits == int(Decimal("0.0123456789") * 2**32)
    assert (read[1].owner_hotkey, read[1].registered_at, read[1].tempo) == ("hk1", 1_001, 360)


@pytest.mark.skipif(
    importlib.util.find_spec("bittensor") is not None, reason="the bittensor SDK is installed"
)
def test_dtao_snapshot_without_the_sdk_is_one_line(tmp_path):
    env = dict(os.environ, DTAO_NO_JIT="1", PYTHONPATH=str(Path(__file__).parents[1] / "src"))
    result = subprocess.run(
        [sys.executable, "-m", "dtao.cli", "snapshot", str(tmp_path / "s.json")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: dtao snapshot needs the bittensor SDK: pip install 'dtao[live]'"
    )
    assert not (tmp_path / "s.json").exists()
