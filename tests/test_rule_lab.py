"""The rule lab (dtao.rule_lab, docs/compare.md "Rule lab"): a rule returning the preset's own
shares reproduces the preset's digest; the examples change it; a broken rule is one clear line
and exit 2 through the executable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from fractions import Fraction

import pytest

from dtao.rule_lab import ONE64, ShareRuleError, to_shares
from dtao.sim.runner import run_scenario
from dtao.sim.scenario import scenario_from_dict

SCENARIO = """
name = "rules"
preset = "current"
blocks = 40
seed = 5
metrics_every = 20
[genesis]
source = "synthetic"
subnets = 5
validators = 2
holders = 4
miners = 1
weights_every = 0
[[shocks]]
kind = "buy"
at = 5
netuid = 2
tao = 800
coldkey = "whale"
"""
RULES = """
import math

def identity(subnets):
    return {s.netuid: s.preset_share for s in subnets}

def negative(subnets):
    if not subnets:
        return {}
    w = {s.netuid: 1 / len(subnets) for s in subnets}
    first = subnets[0].netuid
    w[first] = -w[first]
    return w

def nan(subnets):
    if not subnets:
        return {}
    return [math.nan] + [1.0] * (len(subnets) - 1)

def half(subnets):
    if not subnets:
        return {}
    return [0.5 / len(subnets)] * len(subnets)

def boom(subnets):
    raise RuntimeError("kaboom")
"""


@pytest.fixture
def rules_module(tmp_path, monkeypatch):
    (tmp_path / "labrules.py").write_text(RULES)
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("labrules", None)
    return tmp_path


def _scenario(**changes):
    return scenario_from_dict({**tomllib.loads(SCENARIO), **changes}, "rules")


def test_identity_rule_reproduces_the_current_digest(rules_module):
    """The rule returns the gate's own shares (``preset_share``, exact): the same U64F64 shares
    every block, so the same state to the bit (the rule path runs the reference injection,
    the preset the fused fast twin: their equality is checked too)."""
    plain = run_scenario(_scenario(), None)
    ruled = run_scenario(_scenario(share_rule="labrules:identity"), None)
    assert ruled["state_digest"] == plain["state_digest"]


def test_example_rules_change_the_run():
    """top64 over 5 subnets is the ungated demand split, flat_floor evens half of it: both give
    other emission than today's gate, so another final state."""
    plain = run_scenario(_scenario(), None)["state_digest"]
    for rule in ("top64", "flat_floor"):
        ruled = run_scenario(_scenario(share_rule=f"dtao.sim.rules_examples:{rule}"), None)
        assert ruled["state_digest"] != plain, rule


def test_to_shares_floors_exactly():
    """⌊w·2⁶⁴⌋ of the exact value: 1/3 → ⌊2⁶⁴/3⌋; a float is taken as its exact binary value."""
    assert to_shares({1: Fraction(1, 3), 2: Fraction(2, 3)}, [1, 2], "x") == {
        1: ONE64 // 3,
        2: 2 * ONE64 // 3,
    }
    assert to_shares([0.25, 0.75], [1, 2], "x") == {1: ONE64 // 4, 2: 3 * ONE64 // 4}
    with pytest.raises(ShareRuleError, match="no weight for subnet 2"):
        to_shares({1: 1.0}, [1, 2], "x")


def test_launch_and_root_vote_refuse_a_rule():
    for preset in ("launch", "root-vote"):
        with pytest.raises(ShareRuleError, match="no per-block share step"):
            run_scenario(_scenario(preset=preset, share_rule="dtao.sim.rules_examples:top64"), None)


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ("negative", "weight -0.2 is negative"),
        ("nan", "weight nan is not finite"),
        ("half", "weights sum to 0.5"),
        ("boom", "raised RuntimeError: kaboom"),
    ],
)
def test_broken_rule_is_one_line_and_exit_2(rules_module, rule, says):
    toml = rules_module / "s.toml"
    toml.write_text(SCENARIO.replace("[genesis]", f'share_rule = "labrules:{rule}"\n[genesis]'))
    env = {
        **os.environ,
        "DTAO_NO_JIT": "1",
        "PYTHONPATH": f"{rules_module}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "dtao.cli", "sim", "run", str(toml), "--out", "out", "--quiet"],
        capture_output=True,
        text=True,
        cwd=rules_module,
        env=env,
        timeout=300,
    )
    assert done.returncode == 2, (done.stdout, done.stderr)
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"error: share rule labrules:{rule} at block ")
    assert says in line
    assert "Traceback" not in done.stderr


def test_compare_with_a_share_rule_adds_a_column_and_a_bad_one_exits_2(tmp_path):
    (tmp_path / "s.toml").write_text(SCENARIO)
    env = {**os.environ, "DTAO_NO_JIT": "1"}

    def dtao(*args):
        return subprocess.run(
            [sys.executable, "-m", "dtao.cli", "compare", "s.toml", "--out", "out", *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=300,
        )

    done = dtao("--presets", "root-vote,current", "--share-rule", "nowhere_xyz:rule")
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: share rule 'nowhere_xyz:rule': cannot import")
    assert not (tmp_path / "out").exists()  # refused before anything ran
    rule = "dtao.sim.rules_examples:flat_floor"
    done = dtao("--presets", "root-vote,current", "--share-rule", rule)
    assert done.returncode == 0, done.stderr
    result = json.loads((tmp_path / "out" / "compare.json").read_text())
    assert result["presets"] == ["root-vote", "current", "current+flat_floor"]
    # half of emission spread evenly: the subnets below the median get more than under the gate
    figures = result["figures"]
    assert (
        figures["current+flat_floor"]["below_median_share"]
        > figures["current"]["below_median_share"]
    )
