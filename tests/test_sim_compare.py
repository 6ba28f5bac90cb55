"""dtao compare: the concentration figures by hand, the runner's setup under every preset, and
the command end to end on a short synthetic run (docs/compare.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dtao import Genesis, Network
from dtao.sim import metrics
from dtao.sim.view import MarketView

T = 10**9
ROOT = [100, 100, 800]  # TAO on root per holder
ALPHA = [400, 350, 250]  # alpha on subnet 1 per holder; the pool's price is 1000/4000 = 1/4
SCENARIO = """
description = "compare test: 4 synthetic subnets, one new subnet, a few agents"
preset = "current"
blocks = 120
seed = 3
metrics_every = 40
[genesis]
source = "synthetic"
subnets = 4
validators = 3
holders = 6
miners = 2
weights_every = 100
[[agents]]
kind = "yield_chaser"
params = { balance_tao = 500 }
[[shocks]]
kind = "register_subnet"
at = 10
coldkey = "newcomer"
hotkey = "newcomer-hk"
"""


def _network(preset: str) -> MarketView:
    g = Genesis(preset, block=7_200)
    g.subnet(1, "owner", "owner-hk", tao_in=1_000 * T, alpha_in=4_000 * T)
    for i, (root, alpha) in enumerate(zip(ROOT, ALPHA, strict=True)):
        g.hotkey(f"ck{i}", f"hk{i}")
        g.neuron(1, f"hk{i}")
        g.stake(f"ck{i}", f"hk{i}", 0, root * T)
        g.stake(f"ck{i}", f"hk{i}", 1, alpha * T)
    return MarketView(Network.from_genesis(g))


def test_concentration_by_hand_current():
    """Pool demand decides: alpha × 1/4 = 100, 87.5, 62.5 TAO (root left out); the largest
    (100) is not more than half of 250, so Nakamoto 2; Gini on the sorted values
    2(62.5 + 2·87.5 + 3·100)/(3·250) − 4/3 = 0.1."""
    stakes = metrics.emission_control_stakes(_network("current"))
    assert stakes == [100 * T, 87_500_000_000, 62_500_000_000]
    assert metrics.nakamoto(stakes) == 2
    assert metrics.gini(stakes) == pytest.approx(0.1)


def test_concentration_by_hand_root_vote():
    """Root seats vote emission: each seat's TAO stake, root plus the alpha mapped at its
    price (docs/root-vote.md "mapping"): 200, 187.5, 862.5 TAO; 862.5 > 625, Nakamoto 1;
    Gini 2(187.5 + 2·200 + 3·862.5)/(3·1250) − 4/3 = 0.36."""
    stakes = metrics.emission_control_stakes(_network("root-vote"))
    assert stakes == [862_500_000_000, 200 * T, 187_500_000_000]
    assert metrics.nakamoto(stakes) == 1
    assert metrics.gini(stakes) == pytest.approx(0.36)


def _dtao(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DTAO_NO_JIT": "1"}
    return subprocess.run(
        [sys.executable, "-m", "dtao.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    root = tmp_path_factory.mktemp("compare")
    (root / "s.toml").write_text(SCENARIO)
    done = _dtao("compare", "s.toml", "--out", "out", cwd=root)
    return root / "out", done


def test_compare_renders_all_five_presets(compared):
    out, done = compared
    assert done.returncode == 0, done.stderr
    result = json.loads((out / "compare.json").read_text())
    assert result["presets"] == ["root-vote", "launch", "taoflow", "summer-2026", "current"]
    figures = result["figures"]
    page = (out / "compare.html").read_text()
    for preset in figures:
        assert (out / preset / "summary.json").is_file()
        assert f"<th>{preset}</th>" in page
        assert figures[preset]["nakamoto"] >= 1
    assert "plotly" in page and (out / "compare_emission_shares.png").stat().st_size > 0
    # the shock registered one new subnet in every era; its time to 1 % is reported (or None)
    assert all(len(f["new_subnet_days_to_1pct"]) == 1 for f in figures.values())
    # root-vote has no pool a buy could move: no manipulation cost; dTAO eras have one
    assert figures["root-vote"]["manipulation_cost_tao"] is None
    assert figures["current"]["manipulation_cost_tao"] > 0


def test_compare_bad_preset_exit_2(tmp_path):
    done = _dtao("compare", "default", "--presets", "current,nope", cwd=tmp_path)
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: --presets: unknown preset 'nope'")
    assert not (tmp_path / "runs").exists()
