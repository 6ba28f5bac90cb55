"""Golden scenario: a fixed-seed demo run reproduces its recorded summary exactly.

Regenerate (only when a change of behaviour is intended, and say so in the commit):
    dtao demo --days 0.25 --subnets 3 --seed 11 --json > tests/golden/demo_3subnets_quarter_day.json
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dtao.sim.demo import run_demo

GOLDEN = Path(__file__).parent / "golden" / "demo_3subnets_quarter_day.json"


def test_demo_summary_matches_the_golden_record():
    expected = json.loads(GOLDEN.read_text())
    got = json.loads(json.dumps(run_demo(days=0.25, subnets=3, seed=11)))
    assert got["state_digest"] == expected["state_digest"]  # every rao of the final state
    assert got["block"] == expected["block"]
    assert got["total_issuance"] == expected["total_issuance"]
    for row, want in zip(got["subnets"], expected["subnets"], strict=True):
        for key, value in want.items():
            if isinstance(value, float):
                assert row[key] == pytest.approx(value, rel=1e-12), key
            else:
                assert row[key] == value, key
