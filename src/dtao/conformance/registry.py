"""Registry of vector-case handlers, keyed by the case's ``function`` name.

A handler takes ``(case, document)`` (the case dict and the whole vector file) and returns
nothing when the case passes; it raises ``CaseFailed`` (or any exception) when it does not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Case = dict[str, Any]
Handler = Callable[[Case, dict[str, Any]], None]

#: Cases without a ``function`` key that carry ``inputs.initial_state`` are epoch scenarios.
EPOCH_SCENARIO = "epoch_scenario"
#: Cases with ``setup`` / ``steps`` / ``expected.assertions`` are operation scenarios (``ops/``).
OPS_SCENARIO = "ops_scenario"
#: Cases whose ``inputs`` carry a real block's ``subnets`` and stored gate bar (current era).
GATE_REAL_BLOCK = "emission_gate_real_block"


class CasePending(Exception):
    """The case needs a preset or a feature that is not built yet (reported, never passed)."""


HANDLERS: dict[str, Handler] = {}


class CaseFailed(AssertionError):
    """A vector case did not reproduce the expected numbers."""


def handles(*names: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of the named case functions."""

    def register(handler: Handler) -> Handler:
        for name in names:
            if name in HANDLERS:
                raise ValueError(f"two handlers for vector function {name!r}")
            HANDLERS[name] = handler
        return handler

    return register


def case_kind(case: Case) -> str:
    """The registry key of a case: its ``function`` or the epoch-scenario key."""
    function = case.get("function")
    if isinstance(function, str):
        return function
    inputs = case.get("inputs")
    if isinstance(inputs, dict) and "initial_state" in inputs:
        return EPOCH_SCENARIO
    if isinstance(inputs, dict) and "emission_gate_bar_bits_u64f64" in inputs:
        return GATE_REAL_BLOCK
    if isinstance(case.get("steps"), list) and isinstance(case.get("expected"), dict):
        return OPS_SCENARIO
    return "<unknown>"


def check(condition: bool, message: str) -> None:
    """Raise ``CaseFailed(message)`` unless ``condition``."""
    if not condition:
        raise CaseFailed(message)
