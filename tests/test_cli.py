"""The command line, run as a user would (subprocess): vectors, demo, bad input."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import SHARED


def dtao(*args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dtao.cli", *args], capture_output=True, text=True, timeout=timeout
    )


#: vector files of built functions; ``ops/`` (operation scenarios, replayed per preset by the
#: conformance issue) and ``emission_gate_real.json`` (the ``current`` preset) are not built yet
PURE_VECTOR_FILES = sorted(
    path for path in (SHARED / "vectors").glob("*.json") if path.name != "emission_gate_real.json"
)


def test_vectors_run_passes_every_shared_vector():
    assert len(PURE_VECTOR_FILES) == 15
    result = dtao("vectors", "run", *map(str, PURE_VECTOR_FILES))
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == "302 passed, 0 failed", result.stdout[-3000:]
    assert result.returncode == 0
    per_file = [line for line in lines if line.endswith(" failed") and ".json:" in line]
    assert len(per_file) == 15  # one count line per vector file


def test_unknown_functions_count_as_failures(tmp_path):
    doc = {
        "source": {},
        "cases": [
            {"name": "mystery", "function": "no_such_function", "inputs": {}, "expected": {}},
            {"name": "mystery epoch", "inputs": {"initial_state": {}, "steps": []}, "expected": {}},
        ],
    }
    path = tmp_path / "strange.json"
    path.write_text(json.dumps(doc))
    (tmp_path / "broken.json").write_text("{not json")
    result = dtao("vectors", "run", str(tmp_path))
    assert result.returncode == 1
    assert result.stdout.strip().splitlines()[-1] == "0 passed, 3 failed"
    assert "no handler for function 'no_such_function'" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_missing_vector_path_is_a_clear_error(tmp_path):
    result = dtao("vectors", "run", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "no such vector file or folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_prints_a_summary():
    result = dtao("demo", "--days", "0.1", "--subnets", "2", "--seed", "3")
    assert result.returncode == 0, result.stderr
    assert "netuid" in result.stdout and "root yield" in result.stdout
    assert "Traceback" not in result.stderr


def test_bad_demo_options_exit_2_without_traceback():
    result = dtao("demo", "--days", "-1")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
