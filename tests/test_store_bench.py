"""benchmarks/bench_store.py runs end to end with tiny arguments and prints its figures
(store and plain rates for operations and blocks; the same final digest is asserted inside)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_store.py"


def test_bench_store_runs_and_prints_its_figures(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--subnets", "1", "--ops", "20", "--blocks", "30", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env={**os.environ, "DTAO_NO_JIT": "1"},
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    for key in ("ops_per_s_store", "ops_per_s_plain", "blocks_per_s_store", "blocks_per_s_plain"):
        assert figures[key] > 0
    assert figures["subnets"] == 1 and figures["db_mib"] > 0
