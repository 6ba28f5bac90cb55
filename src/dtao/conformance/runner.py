"""Run every case of one or more vector files and count passes, failures and pending cases.

A case whose function has no handler counts as failed, never skipped. A case is *pending* —
reported with its reason, never counted as passed — when its preset (the case's ``preset`` or
its file's) is not built yet, or when it ``needs`` a feature that another issue builds.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

# Importing the case modules registers their handlers.
from dtao.conformance import (  # noqa: F401
    cases_coinbase,
    cases_epoch,
    cases_gate,
    cases_math,
    cases_math_more,
    cases_ops,
    cases_swap,
    mock_childkeys,
    mock_current_gate,
    mock_current_null,
    mock_current_root,
    mock_current_subnet,
    mock_rootvote,
    mock_summer_claim,
    mock_summer_coinbase,
    mock_summer_pool,
    mock_summer_subnets,
    mock_taoflow,
    mock_taoflow_swap,
)
from dtao.conformance.registry import HANDLERS, CasePending, case_kind
from dtao.params import PRESETS

#: features a case may name in ``needs`` that dtao has built
BUILT_FEATURES: frozenset[str] = frozenset({"childkeys"})
#: where a missing feature comes from
FEATURE_ISSUES = {"childkeys": "childkeys come with the summer-2026 preset"}


@dataclass
class FileResult:
    """Outcome of one vector file."""

    path: Path
    preset: str | None = None
    passed: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    pending: list[tuple[str, str]] = field(default_factory=list)
    presets: Counter[str] = field(default_factory=Counter)  # cases per preset


def vector_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Expand files and folders (recursively, ``*.json``) in a stable order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.json") if p.is_file())
        elif path.is_file():
            yield path
        else:
            raise FileNotFoundError(f"no such vector file or folder: {path}")


def pending_reason(case: dict[str, Any], preset: str | None) -> str | None:
    """Why a case cannot run yet (its preset or a needed feature is not built), or None."""
    if preset is not None and preset not in PRESETS:
        return f"preset {preset!r} is not built yet"
    needs = case.get("needs", [])
    for need in [needs] if isinstance(needs, str) else needs:
        if need not in BUILT_FEATURES:
            return f"needs {need}: " + FEATURE_ISSUES.get(need, "not built yet")
    return None


def run_file(path: Path, preset: str | None = None) -> FileResult:
    """Run every case in one vector file (only those of ``preset`` and preset-free ones when a
    preset is given)."""
    result = FileResult(path)
    try:
        document = json.loads(path.read_text())
        cases = document["cases"]
        if not isinstance(cases, list):
            raise TypeError("'cases' is not a list")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        result.failed.append(("<file>", f"not a vector file: {exc}"))
        return result
    file_preset = document.get("preset") if isinstance(document.get("preset"), str) else None
    result.preset = file_preset
    for index, case in enumerate(cases):
        name = str(case.get("name", f"case {index}")) if isinstance(case, dict) else f"#{index}"
        if not isinstance(case, dict):
            result.failed.append((name, "case is not an object"))
            continue
        case_preset = case.get("preset", file_preset)
        if preset is not None and case_preset not in (None, preset):
            continue
        result.presets[case_preset or "-"] += 1
        reason = pending_reason(case, case_preset)
        if reason is not None:
            result.pending.append((name, reason))
            continue
        kind = case_kind(case)
        handler = HANDLERS.get(kind)
        if handler is None:
            result.failed.append((name, f"no handler for function {kind!r}"))
            continue
        try:
            handler(case, document)
        except CasePending as exc:
            result.pending.append((name, str(exc)))
        except Exception as exc:  # a failing case, whatever the reason
            result.failed.append((name, f"{type(exc).__name__}: {exc}"))
        else:
            result.passed += 1
    return result


def _counts(passed: int, failed: int, pending: int) -> str:
    text = f"{passed} passed, {failed} failed"
    return text + (f", {pending} pending" if pending else "")


def run(
    paths: Iterable[str | Path],
    out: TextIO,
    verbose: bool = False,
    preset: str | None = None,
) -> tuple[int, int]:
    """Run all files, print counts per file and per preset and the final ``N passed, M failed``
    line (``, K pending`` added when some are); returns (passed, failed)."""
    total: Counter[str] = Counter()
    by_preset: dict[str, Counter[str]] = {}
    for path in vector_files(paths):
        result = run_file(path, preset)
        if preset is not None and not result.presets and not result.failed:
            continue  # no case of that preset in this file
        label = f" [{result.preset}]" if result.preset else ""
        counts = _counts(result.passed, len(result.failed), len(result.pending))
        print(f"{path}{label}: {counts}", file=out)
        for name, why in result.failed:
            print(f"  FAIL {name}: {why}", file=out)
        for name, why in result.pending:
            if verbose:
                print(f"  PENDING {name}: {why}", file=out)
        if result.pending and not verbose:
            reasons = Counter(why for _, why in result.pending)
            for why, count in sorted(reasons.items()):
                print(f"  pending {count}: {why}", file=out)
        key = result.preset or "(no preset)"
        tally = by_preset.setdefault(key, Counter())
        for name, value in (
            ("passed", result.passed),
            ("failed", len(result.failed)),
            ("pending", len(result.pending)),
        ):
            tally[name] += value
            total[name] += value
    for key, tally in sorted(by_preset.items()):
        counts = _counts(tally["passed"], tally["failed"], tally["pending"])
        print(f"preset {key}: {counts}", file=out)
    print(_counts(total["passed"], total["failed"], total["pending"]), file=out)
    return total["passed"], total["failed"]
