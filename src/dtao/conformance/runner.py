"""Run every case of one or more vector files and count passes and failures.

A case whose function has no handler counts as failed, never skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

# Importing the case modules registers their handlers.
from dtao.conformance import cases_coinbase, cases_epoch, cases_math, cases_swap  # noqa: F401,I001
from dtao.conformance.registry import HANDLERS, case_kind


@dataclass
class FileResult:
    """Outcome of one vector file."""

    path: Path
    passed: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


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


def run_file(path: Path) -> FileResult:
    """Run every case in one vector file."""
    result = FileResult(path)
    try:
        document = json.loads(path.read_text())
        cases = document["cases"]
        if not isinstance(cases, list):
            raise TypeError("'cases' is not a list")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        result.failed.append(("<file>", f"not a vector file: {exc}"))
        return result
    for index, case in enumerate(cases):
        name = str(case.get("name", f"case {index}")) if isinstance(case, dict) else f"#{index}"
        if not isinstance(case, dict):
            result.failed.append((name, "case is not an object"))
            continue
        kind = case_kind(case)
        handler = HANDLERS.get(kind)
        if handler is None:
            result.failed.append((name, f"no handler for function {kind!r}"))
            continue
        try:
            handler(case, document)
        except Exception as exc:  # a failing case, whatever the reason
            result.failed.append((name, f"{type(exc).__name__}: {exc}"))
        else:
            result.passed += 1
    return result


def run(paths: Iterable[str | Path], out: TextIO, verbose: bool = False) -> tuple[int, int]:
    """Run all files, print counts per file and the final ``N passed, M failed`` line."""
    total_passed = total_failed = 0
    for path in vector_files(paths):
        result = run_file(path)
        total_passed += result.passed
        total_failed += len(result.failed)
        print(f"{path}: {result.passed} passed, {len(result.failed)} failed", file=out)
        for name, why in result.failed:
            print(f"  FAIL {name}: {why}", file=out)
        if verbose:
            print(f"  ({result.passed} cases ok)", file=out)
    print(f"{total_passed} passed, {total_failed} failed", file=out)
    return total_passed, total_failed
