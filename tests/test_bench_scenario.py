"""``benchmarks/bench_scenario.py`` runs end to end on a few blocks of the default scenario
(a subprocess): exit 0, its ``key=value`` figures, the last line ``blocks_per_s=``, and a digest
that is the in-process model's after the same blocks; an unknown scenario is one line, exit 2."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import SHARED
from dtao.sim.runner import Model
from dtao.sim.scenario import load_scenario

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_scenario.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DTAO_SHARED": str(SHARED)}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300, env=env
    )


def test_bench_scenario_times_a_few_blocks_and_prints_the_digest():
    result = _run("--blocks", "3", "--digest")
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    got = dict(line.split("=", 1) for line in lines)
    assert got["scenario"] == "default" and got["blocks"] == "3"
    assert got["run_blocks"] == "216000"  # 30 days
    assert re.fullmatch(r"blocks_per_s=\d+\.\d", lines[-1])
    model = Model(load_scenario("default"))
    for _ in model.blocks(3):
        pass
    assert got["digest"] == model.net.digest()


def test_bench_scenario_refuses_an_unknown_scenario_in_one_line():
    result = _run("--scenario", "no-such-scenario", "--blocks", "1")
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "no-such-scenario" in result.stderr
