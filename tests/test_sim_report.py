"""A run folder's report: ``dtao sim report`` redraws it from the Parquet tables, and the HTML
opens in Debian's chromium (Playwright with ``executable_path``, no browser download) with every
chart rendered and no console error; the screenshot is kept beside the report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from browser import CHROMIUM, FLAGS, require_chromium
from dtao.sim.report import PNG_CHARTS, render_report
from dtao.sim.runner import run_scenario
from dtao.sim.scenario import scenario_from_dict


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sim_report") / "run"
    scenario = scenario_from_dict(
        {
            "name": "report",
            "genesis": {"source": "synthetic", "subnets": 4},
            "blocks": 40,
            "metrics_every": 10,
            "seed": 2,
            "agents": [{"kind": "momentum", "params": {"every_blocks": 5}}],
            "shocks": [{"kind": "buy", "at": 3, "netuid": 1, "tao": 50}],
        },
        "report.toml",
    )
    run_scenario(scenario, out)
    render_report(out)
    return out


def test_report_files_and_redraw(run_dir):
    html = (run_dir / "report.html").read_text()
    assert html.count("<section class='chart'>") == 5  # shares, prices, yields, concentration, P&L
    # plotly.js inlined (megabytes), no script fetched from the network
    assert len(html) > 2_000_000 and "<script src=" not in html.replace('<script src="data:', "")
    for chart in PNG_CHARTS:
        assert (run_dir / f"{chart}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    before = html
    (run_dir / "report.html").unlink()
    env = dict(os.environ, DTAO_NO_JIT="1", PYTHONPATH=str(Path(__file__).parents[1] / "src"))
    result = subprocess.run(
        [sys.executable, "-m", "dtao.cli", "sim", "report", str(run_dir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (run_dir / "report.html").read_text() == before  # same tables, same page
    missing = subprocess.run(
        [sys.executable, "-m", "dtao.cli", "sim", "report", str(run_dir / "nowhere")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
    assert "not a dtao sim run folder" in missing.stderr


def test_report_renders_in_chromium(run_dir):
    require_chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    errors: list[str] = []
    shot = run_dir / "report.png"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((run_dir / "report.html").as_uri())
        page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 5", timeout=60_000
        )
        charts = page.eval_on_selector_all(
            ".js-plotly-plot",
            "els => els.map(e => [e.id, e.querySelectorAll('.scatterlayer .trace').length])",
        )
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    print(f"report screenshot: {shot}")
    assert [c[0] for c in charts] == [
        "chart-emission_shares",
        "chart-prices",
        "chart-yields",
        "chart-concentration",
        "chart-agents_pnl",
    ]
    assert all(traces > 0 for _, traces in charts), charts
    assert errors == []
    assert shot.stat().st_size > 10_000
