"""Scenario files: every bad one fails through the ``dtao`` executable with one clear line and
exit code 2 before anything runs; the shipped ones validate and are listed."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dtao.sim.scenario import (
    ScenarioError,
    load_scenario,
    scenario_dict,
    scenario_from_dict,
    shipped_scenarios,
    to_rao,
)

BAD = Path(__file__).resolve().parent / "sim_bad"
DTAO = [sys.executable, "-m", "dtao.cli"]

#: each bad file -> the key its one-line error must name, and a word of what was expected
EXPECTED = {
    "unknown_key.toml": ("colour", "unknown key"),
    "wrong_type.toml": ("days", "valid number"),
    "negative_amount.toml": ("shocks.0.tao", "greater than 0"),
    "unknown_preset.toml": ("preset", "atlantis"),
    "unknown_agent.toml": ("agents.0", "wizard"),
    "agent_bad_param.toml": ("agents.0", "nonsense"),
    "agent_zero_count.toml": ("agents.0.count", "greater than or equal to 1"),
    "shock_past_end.toml": ("shocks.0.at", "past the run's end"),
    "shock_unknown_kind.toml": ("shocks.0", "earthquake"),
    "shock_unknown_subnet.toml": ("shocks.0.netuid", "no subnet 9"),
    "shock_missing_key.toml": ("shocks.0.netuid", "required key missing"),
    "finer_than_rao.toml": ("shocks.0.tao", "finer than 1 rao"),
    "governance_unknown_parameter.toml": ("shocks.0.parameter", "warp_speed"),
    "unknown_override.toml": ("overrides.no_such_parameter", "unknown"),
    "override_out_of_range.toml": ("overrides.tempo", "expects an int"),
    "blocks_and_days.toml": ("days", "not both"),
    "no_duration.toml": ("days", "required"),
    "zero_cadence.toml": ("metrics_every", "greater than or equal to 1"),
    "bad_genesis_source.toml": ("genesis.source", "snapshot:FILE"),
    "snapshot_missing_file.toml": ("genesis.source", "cannot read the snapshot"),
    "snapshot_missing_column.toml": ("genesis.source", "missing column 'tau_in'"),
    "snapshot_bad_amount.toml": ("genesis.source", "must not be negative"),
    "not_toml.toml": ("not valid TOML", "line 1"),
    "negative_seed.toml": ("seed", "greater than or equal to 0"),
}


def _env() -> dict[str, str]:
    env = dict(os.environ, DTAO_NO_JIT="1")
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1] / "src")
    return env


def _run(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        DTAO + args, capture_output=True, text=True, env=_env(), timeout=120, cwd=cwd
    )


def test_every_fixture_is_listed():
    assert sorted(p.name for p in BAD.glob("*.toml")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 15


def test_bad_scenarios_fail_with_one_line_and_exit_2(tmp_path):
    out = tmp_path / "never"
    files = sorted(EXPECTED)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(lambda name: _run(["sim", "run", str(BAD / name), "--out", str(out)]), files)
        )
    for name, result in zip(files, results, strict=True):
        key, words = EXPECTED[name]
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2, (name, result.returncode, result.stderr[-2000:])
        assert len(lines) == 1, (name, result.stderr)
        line = lines[0]
        assert line.startswith(f"error: {BAD / name}: "), (name, line)
        assert key in line and words in line, (name, line)
        assert "Traceback" not in result.stderr and result.stdout == ""
    assert not out.exists()  # nothing ran, nothing was written


def test_unknown_shipped_name_is_one_line():
    with pytest.raises(ScenarioError, match="unknown scenario 'nope': shipped ones are default"):
        load_scenario("nope")


def test_shipped_scenarios_validate_and_are_listed():
    shipped = shipped_scenarios()
    assert {"default", "root_to_subnet", "whale_pump", "root_growth", "new_subnet"} <= set(shipped)
    default = load_scenario("default")
    assert default.preset == "current" and default.genesis.source == "snapshot"
    assert default.total_blocks == 30 * 7_200 and default.agents
    result = _run(["sim", "list"])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == list(shipped)
    for line, name in zip(lines, shipped, strict=True):
        assert load_scenario(name).description in line


def test_amounts_are_exact_to_the_rao():
    assert to_rao(1000.5) == 1_000_500_000_000
    assert to_rao(0.000000001) == 1
    assert to_rao(20000) == 20_000 * 10**9


def test_snapshot_path_is_read_beside_the_scenario(tmp_path):
    data = scenario_dict(BAD / "snapshot_missing_column.toml")
    data["genesis"] = "snapshot:sub/file.json"
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data, str(tmp_path / "x.toml"))
    assert str(tmp_path / "sub" / "file.json") in str(info.value)


def test_cli_overrides_days_and_seed_before_validation(tmp_path):
    # --days replaces blocks: the shock at block 200 is now inside a one-day run, so the file
    # that fails alone validates; a negative --seed fails validation
    result = _run(["sim", "run", str(BAD / "shock_past_end.toml"), "--seed", "-4"])
    assert result.returncode == 2 and "seed" in result.stderr
    data = scenario_dict(BAD / "shock_past_end.toml")
    data.pop("blocks")
    data["days"] = 1
    assert scenario_from_dict(data, "x.toml").total_blocks == 7_200


def test_run_folder_that_cannot_be_made_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    scenario = tmp_path / "ok.toml"
    scenario.write_text('blocks = 2\ngenesis = "synthetic"\n')
    result = _run(["sim", "run", str(scenario), "--out", str(blocker / "run")])
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "cannot write the run folder" in result.stderr


def test_a_run_through_the_executable_writes_its_folder(tmp_path):
    scenario = tmp_path / "ok.toml"
    scenario.write_text(
        'description = "tiny"\nblocks = 5000\nmetrics_every = 5\n'
        '[genesis]\nsource = "synthetic"\nsubnets = 2\n'
        '[[shocks]]\nkind = "buy"\nat = 3\nnetuid = 1\ntao = 1\n'
        "[outputs]\npng = false\n"
    )
    out = tmp_path / "run"
    # --days replaces the 5 000 blocks (validated again: the shock stays inside)
    result = _run(["sim", "run", str(scenario), "--out", str(out), "--days", "0.002", "--quiet"])
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # --quiet, and not a terminal: no progress bar
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ok (current, seed 0): 14 blocks (0.00 days) over 2 subnets")
    assert "shock buy at run block 3: ok" in result.stdout
    assert {p.name for p in out.iterdir()} == {
        "manifest.json",
        "summary.json",
        "subnets.parquet",
        "agents.parquet",
        "network.parquet",
        "report.html",
    }
