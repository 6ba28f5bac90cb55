"""dtao compare: the concentration figures by hand, the runner's setup under every preset, and
the command end to end on a short synthetic run (docs/compare.md)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from browser import CHROMIUM, FLAGS, require_chromium
from dtao import Genesis, Network
from dtao.operations import MoveStake
from dtao.sim import metrics
from dtao.sim.runner import Model, run_model
from dtao.sim.scenario import scenario_from_dict
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
    assert figures["root-vote"]["manipulation_gain_tao"] is None
    assert figures["current"]["manipulation_cost_tao"] > 0
    # the buyer's gain is its pro-rata part of the extra emission less a round trip's loss:
    # below the subnet's whole extra emission, and the run's last sampled projection
    network = pq.read_table(out / "current" / "network.parquet").to_pylist()
    gains = [r["manipulation_gain_tao"] for r in network]
    sampled = [g for g in gains if g is not None and math.isfinite(g)]
    current = figures["current"]
    assert sampled and current["manipulation_gain_tao"] == sampled[-1]
    assert current["manipulation_gain_tao"] < current["manipulation_extra_emission_tao"]


def test_compare_bad_preset_exit_2(tmp_path):
    done = _dtao("compare", "default", "--presets", "current,nope", cwd=tmp_path)
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: --presets: unknown preset 'nope'")
    assert not (tmp_path / "runs").exists()


class _Mover:
    """An agent that moves stake between subnets every 10 blocks (a call root-vote lacks)."""

    name, coldkey, every, offset, initial_balance = "mover", "agent:mover", 10, 0, 10 * T

    def act(self, view, rng):
        return [MoveStake(self.coldkey, "val-0", "val-0", 1, 2, T)]

    def observe(self, receipt):
        pass

    def report(self):
        return {"kind": "mover"}


def test_refused_records_are_counted_per_agent_and_the_run_goes_on(tmp_path):
    """Under root-vote MoveStake does not exist: each of the 6 tries in 60 blocks is refused
    as CallUnavailable, counted under the agent's name, and the run reaches its end."""
    data = tomllib.loads(SCENARIO)
    data.pop("agents"), data.pop("shocks")
    scenario = scenario_from_dict(
        {**data, "name": "mover", "preset": "root-vote", "blocks": 60}, "test"
    )
    model = Model(scenario, agents=[_Mover()])
    summary = run_model(model, None)
    assert summary["blocks"] == 60
    assert model.refused == {"mover": {"CallUnavailable": 6}}


def test_compare_report_renders_in_chromium(compared):
    """compare.html opens in Debian's chromium (the flags and skip rule of the sim report's
    browser test) with its six charts drawn and no console error; the screenshot is kept
    beside the page."""

    out, done = compared
    assert done.returncode == 0, done.stderr
    require_chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    errors: list[str] = []
    shot = out / "compare.png"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((out / "compare.html").as_uri())
        page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 6", timeout=60_000
        )
        charts = page.eval_on_selector_all(
            ".js-plotly-plot",
            "els => els.map(e => [e.id, e.querySelectorAll('.scatterlayer .trace').length])",
        )
        headers = page.eval_on_selector_all("#figures th", "els => els.map(e => e.textContent)")
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    print(f"compare screenshot: {shot}")
    assert [c[0] for c in charts] == [
        "chart-emission_shares",
        "chart-prices",
        "chart-yields",
        "chart-nakamoto",
        "chart-gini",
        "chart-below_median",
    ]
    assert all(traces >= 5 for _, traces in charts), charts  # a line (or more) per preset
    assert headers == ["figure", "root-vote", "launch", "taoflow", "summer-2026", "current"]
    assert errors == []
    assert shot.stat().st_size > 10_000
