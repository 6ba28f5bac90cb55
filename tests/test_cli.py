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
    assert "dtao demo (current)" in result.stdout  # the default preset, named
    assert "Traceback" not in result.stderr


def test_bad_demo_options_exit_2_without_traceback():
    result = dtao("demo", "--days", "-1")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_presets_list_names_every_preset_and_the_default():
    result = dtao("presets", "list", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert set(rows) == {"root-vote", "launch", "taoflow", "summer-2026", "current"}
    assert rows["taoflow"]["commit"] == "ec2212c"
    assert [name for name, row in rows.items() if row["default"]] == ["current"]
    assert rows["root-vote"]["commit"] == "d4d8182"
    assert rows["launch"]["commit"] == "5073ade" and rows["launch"]["differs_from_default"] > 0
    assert rows["current"]["differs_from_default"] == 0
    table = dtao("presets", "list")
    assert table.returncode == 0 and "current (default)" in table.stdout


def test_presets_show_prints_every_constant_with_unit_and_source():
    result = dtao("presets", "show", "launch", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["preset"] == "launch" and doc["commit"] == "5073ade"
    constants = {row["name"]: row for row in doc["constants"]}
    assert constants["tempo"] == {
        "name": "tempo",
        "value": 360,
        "unit": "blocks between epochs, u16; 0 = never",
        "source": "runtime/src/lib.rs INITIAL_SUBNET_TEMPO @ 5073ade",
    }
    assert "era" not in constants and len(constants) > 60
    table = dtao("presets", "show", "summer-2026")
    assert table.returncode == 0
    root_vote = json.loads(dtao("presets", "show", "root-vote", "--json").stdout)
    rho = {row["name"]: row for row in root_vote["constants"]}["root_rho"]
    assert rho["value"] == 10 and "d4d8182" in rho["source"]
    assert "ema_warmup_blocks" in table.stdout and "201600" in table.stdout


def test_presets_diff_lists_what_differs_between_two_presets():
    result = dtao("presets", "diff", "launch", "summer-2026", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["a"], doc["b"], doc["commit_a"], doc["commit_b"]) == (
        "launch",
        "summer-2026",
        "5073ade",
        "14bc6f9",
    )
    rows = {row["name"]: row for row in doc["differences"]}
    assert rows["pool"]["a"] == "constant_product" and rows["pool"]["b"] == "balancer"
    assert "tempo" not in rows  # the same in both
    assert "14bc6f9" in rows["pool"]["source_b"]
    same = dtao("presets", "diff", "launch", "launch")
    assert same.returncode == 0 and "0 constants differ" in same.stdout


def test_unknown_preset_is_a_clear_error():
    for args in (
        ("presets", "show", "nope"),
        ("presets", "diff", "launch", "nope"),
        ("presets", "show", "nope", "--json"),
        ("demo", "--preset", "nope", "--days", "0"),
    ):
        result = dtao(*args)
        assert result.returncode == 1, args
        assert "unknown preset 'nope'" in result.stderr, args
        assert "Traceback" not in result.stdout + result.stderr
