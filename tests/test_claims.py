"""``dtao claims``: the quick suite through the executable (table, sentences quoted verbatim
from docs/claims.md, verdicts), every claim's predicate flipping on its counter-scenario, a
broken suite as one line, and the report in Debian's chromium (Playwright with
``executable_path``; screenshot kept beside the report)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from browser import CHROMIUM, FLAGS, require_chromium
from dtao.errors import ConfigError
from dtao.sim.claims import judge, load_suite, suite_path

ROOT = Path(__file__).resolve().parents[1]
DTAO = [sys.executable, "-m", "dtao.cli"]
SUITE = load_suite()


@pytest.fixture(scope="module")
def quick(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("claims") / "report"
    done = subprocess.run(
        [*DTAO, "claims", "--quick", "--out", str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("holds") == len(SUITE.claims)
    return out


def test_quick_suite_writes_the_table(quick):
    rows = pq.read_table(quick / "claims.parquet").to_pylist()
    assert rows == json.loads((quick / "claims.json").read_text())
    assert [r["id"] for r in rows] == [c.id for c in SUITE.claims]
    doc = (ROOT / "docs" / "claims.md").read_text()
    for row, claim in zip(rows, SUITE.claims, strict=True):
        assert f"| `{claim.id}` | {row['sentence']} |" in doc  # quoted verbatim
        assert row["predicate"] == claim.predicate
        assert row["blocks"] == SUITE.quick["blocks"] and row["preset"] == "current"
        numbers = json.loads(row["numbers"])
        assert numbers and all(isinstance(v, float) for v in numbers.values())
        assert row["verdict"] is True, row
    html = (quick / "report.html").read_text()
    assert html.count("<tr>") == len(rows) + 1 and "plotly" in html


COUNTERS = [(c, i) for c in SUITE.claims for i in range(len(c.counters))]


def test_every_claim_has_a_counter_scenario():
    assert all(claim.counters for claim in SUITE.claims)


@pytest.mark.parametrize(("claim", "i"), COUNTERS, ids=lambda x: getattr(x, "id", str(x)))
def test_predicate_flips_on_each_counter_scenario(claim, i, quick, tmp_path):
    claimed = json.loads((quick / "claims.json").read_text())
    row = next(r for r in claimed if r["id"] == claim.id)
    counter = judge(SUITE, claim, tmp_path / "counter", quick=True, counter=i)
    assert row["verdict"] is True and counter["verdict"] is False, (row, counter)
    assert counter["scenario"] != row["scenario"]


def test_a_compared_preset_is_run_and_read(quick):
    """market-control's predicate reads its scenario's run under root-vote: the run folder is
    there, and the number it read is that run's last nakamoto."""
    claim = next(c for c in SUITE.claims if c.compare)
    assert claim.compare == ("root-vote",)
    run = quick / claim.id / "root-vote"
    assert json.loads((run / "manifest.json").read_text())["preset"] == "root-vote"
    last = pq.read_table(run / "network.parquet").to_pydict()["nakamoto"][-1]
    row = next(r for r in json.loads((quick / "claims.json").read_text()) if r["id"] == claim.id)
    assert row["compare"] == "root-vote"
    assert json.loads(row["numbers"])["nakamoto[preset=root-vote, last]"] == last


def test_a_broken_suite_is_one_line(tmp_path):
    text = (
        suite_path()
        .read_text()
        .replace(
            'predicate = "max(emission_share[netuid=1]) < 0.01"',
            'predicate = "emission_share[last] < 0.01"',
        )
    )
    assert text != suite_path().read_text()
    bad = tmp_path / "claims.toml"
    bad.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_suite(bad)
    assert "\n" not in str(info.value) and "needs netuid=" in str(info.value)
    bad.write_text(text.replace("[[claims]]\nid = ", "[[claims]]\nidd = ", 1))
    with pytest.raises(ConfigError, match=r"claims\[0\]: unknown key idd"):
        load_suite(bad)
    bad.write_text(suite_path().read_text().replace('compare = ["root-vote"]', "compare = []"))
    with pytest.raises(ConfigError, match=r"reads preset=root-vote, not in compare$"):
        load_suite(bad)
    bad.write_text(suite_path().read_text().replace('compare = ["root-vote"]', "compare = 3"))
    with pytest.raises(ConfigError, match=r"compare must be a list of preset names$"):
        load_suite(bad)
    not_a_list = "counter = 3\nscenario.unused = ["  # the array parked where it is not read
    bad.write_text(suite_path().read_text().replace("counter = [", not_a_list, 1))
    with pytest.raises(ConfigError, match=r"counter must be a table or an array of tables$"):
        load_suite(bad)


def test_report_renders_in_chromium(quick):
    require_chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    errors: list[str] = []
    shot = quick / "report.png"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((quick / "report.html").as_uri())
        count = len(SUITE.claims)
        page.wait_for_function(
            f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {count}",
            timeout=60_000,
        )
        charts = page.eval_on_selector_all(
            ".js-plotly-plot",
            "els => els.map(e => [e.id, e.querySelectorAll('.scatterlayer .trace').length])",
        )
        verdicts = page.eval_on_selector_all("td.holds", "els => els.length")
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    print(f"report screenshot: {shot}")
    assert [c[0] for c in charts] == [f"chart-{c.id}" for c in SUITE.claims]
    assert all(traces > 0 for _, traces in charts), charts
    assert verdicts == len(SUITE.claims)
    assert errors == []
    assert shot.stat().st_size > 10_000


def test_an_unwritable_folder_is_one_line_and_exit_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    done = subprocess.run(
        [*DTAO, "claims", "--quick", "--out", str(blocker / "out")], capture_output=True, text=True
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("error: ") and done.stdout == ""
