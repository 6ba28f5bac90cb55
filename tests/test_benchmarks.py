"""The benchmark scripts run end to end with tiny arguments (subprocesses): exit 0, the figures
they print, and the last line's format (``ratio=`` / ``speedup=``).

bench_year reads the numpy floor from ``<shared>/bench/numpy_floor.py``. The real one times
for ~40 s, so these runs point ``--shared`` at a stand-in that prints, at once, the two rows
bench_year reads in the real script's format (checked against the real script's source).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SHARED

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
COINBASE_US, EPOCH_US = 20.0, 200.0


def run(
    script: str, *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env,
    )


def figures(stdout: str) -> dict[str, str]:
    """Every ``key=value`` on the output's lines."""
    return dict(re.findall(r"(\w+)=(\S+)", stdout))


@pytest.fixture
def stand_in_shared(tmp_path: Path) -> Path:
    """A shared folder whose numpy_floor.py prints the floor rows bench_year reads."""
    rows = [
        {"kind": "epoch", "n": 256, "V": 25, "layout": "compact", "batch": 1, "us_median": 1e6},
        {"kind": "epoch", "n": 256, "V": 25, "layout": "compactT", "batch": 1, "us_median": 200},
        {"kind": "coinbase_block_numpy", "subnets": 128, "us_median": COINBASE_US},
        {"kind": "coinbase_block_pure_python", "subnets": 128, "us_median": 1e6},
    ]
    bench = tmp_path / "shared" / "bench"
    bench.mkdir(parents=True)
    text = "".join(f"print({json.dumps(json.dumps(row))})\n" for row in rows)
    (bench / "numpy_floor.py").write_text(text)
    return tmp_path / "shared"


def test_stand_in_prints_what_the_real_floor_prints():
    source = (SHARED / "bench" / "numpy_floor.py").read_text()
    assert 'kind="coinbase_block_numpy"' in source
    assert 'layout=layout + "T"' in source and "for n in (64, 256, 1024)" in source
    assert 'kind="epoch", n=n, V=n // 10' in source and "us_median=m * 1e6" in source


def test_bench_year_tiny_run(stand_in_shared, tmp_path):
    args = ("--days", "0.01", "--subnets", "4", "--uids", "16", "--seed", "3")
    result = run("bench_year.py", *args, "--shared", str(stand_in_shared), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    last = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"ratio=\d+\.\d\d", last), result.stdout
    got = figures(result.stdout)
    assert got["blocks"] == "72" and got["network"] == "4x16" and got["preset"] == "launch"
    assert int(got["ops_applied"]) > 0 and int(got["ops_rejected"]) >= 0
    assert float(got["blocks_per_s"]) > 0 and float(got["peak_rss_mib"]) > 0
    assert 0 < float(got["cpu_seconds_per_day"]) < 1e6
    floor_day = (7_200 * COINBASE_US + float(got["epochs_per_day"]) * EPOCH_US) * 1e-6
    assert float(got["floor_seconds_per_day"]) == pytest.approx(floor_day, abs=1e-3)
    ratio = float(got["seconds_per_day"]) / float(got["floor_seconds_per_day"])
    assert float(got["ratio"]) == pytest.approx(ratio, rel=0.02, abs=0.01)
    assert "day 0.01:" in result.stderr  # progress on stderr


def test_bench_year_finds_the_floor_through_dtao_shared(stand_in_shared, tmp_path):
    env = {**os.environ, "DTAO_SHARED": str(stand_in_shared)}
    args = ("--days", "0.001", "--subnets", "2", "--uids", "8")
    result = run("bench_year.py", *args, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1].startswith("ratio=")


def test_bench_year_refuses_a_missing_floor(tmp_path):
    result = run("bench_year.py", "--days", "0.01", "--shared", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "no numpy floor at" in result.stderr and result.stdout == ""


def test_bench_sweep_quick(tmp_path):
    args = ("--quick", "--days", "0.01", "--subnets", "2", "--uids", "8")
    result = run("bench_sweep.py", *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    assert re.fullmatch(r"speedup=\d+\.\d\d", lines[-1]), result.stdout
    assert "digests_match=True" in lines
    runs = [line for line in lines if line.startswith("seed=")]
    assert len(runs) == 4 and all(line.endswith(" same") for line in runs)
    digests = {figures(line)["digest"] for line in runs}
    assert len(digests) == 4  # every (seed, flow) its own chain


def test_bench_year_tiny_run_under_summer_2026(stand_in_shared, tmp_path):
    args = ("--days", "0.01", "--subnets", "3", "--uids", "16", "--preset", "summer-2026")
    result = run("bench_year.py", *args, "--shared", str(stand_in_shared), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    got = figures(result.stdout)
    assert got["preset"] == "summer-2026" and got["blocks"] == "72"
    assert int(got["ops_applied"]) > 0
    assert re.fullmatch(r"ratio=\d+\.\d\d", result.stdout.strip().splitlines()[-1])


def test_bench_block_quick_run_under_current(tmp_path):
    env = {**os.environ, "DTAO_SHARED": str(tmp_path)}  # no floor: its figures are left out
    args = ("--quick", "--subnets", "2", "--uids", "8", "--preset", "current")
    result = run("bench_block.py", *args, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = {row["kind"]: row for row in map(json.loads, result.stdout.strip().splitlines())}
    assert rows["build"]["preset"] == "current"
    assert rows["simulated_day"]["blocks"] == 720 and rows["simulated_day"]["epochs"] > 0


@pytest.mark.parametrize("preset", ["summer-2026", "current"])
def test_the_benchmark_network_emits_on_every_subnet(preset, monkeypatch):
    """Under an era with start calls and an emission switch, the bench network's subnets are
    started and switched on: every one gets a share of the block's emission."""
    monkeypatch.syspath_prepend(str(BENCH))
    from bench_block import build

    net = build(3, 8, validators=2, preset=preset)
    assert net.params.era == preset
    net.step(1)
    shares = [net.subnet(netuid).emission_share for netuid in net.netuids if netuid]
    assert len(shares) == 3 and all(share > 0 for share in shares)
    assert sum(shares) == pytest.approx(1.0)
