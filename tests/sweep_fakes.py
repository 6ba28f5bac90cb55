"""Deterministic stand-ins for ``run_scenario`` (module level, so workers can unpickle them).

``fake_run`` derives its summary from the validated scenario alone (a hash of its JSON dump),
so any executor must give the same numbers; ``slow_fake_run`` also sleeps, so that a sweep can
be killed between runs.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

SLOW_SECONDS = 0.4


def fake_run(scenario: Any, out_dir: Path) -> dict:
    """A summary of typed figures: float, int, a beyond-int64 int, a list, a nested table and a
    missing value."""
    dumped = json.dumps(scenario.model_dump(mode="json"), sort_keys=True)
    digest = hashlib.sha256(dumped.encode()).digest()
    summary = {
        "score": int.from_bytes(digest[:4], "big") / 2**32,
        "rao": int.from_bytes(digest[4:8], "big"),
        "huge": 2**70 + digest[8],
        "shares": [digest[9], digest[10]],
        "final": {"seed": scenario.seed, "ok": True},
        "never": None,
    }
    (out_dir / "fake.json").write_text(json.dumps(summary))
    return summary


def slow_fake_run(scenario: Any, out_dir: Path) -> dict:
    time.sleep(SLOW_SECONDS)
    return fake_run(scenario, out_dir)
