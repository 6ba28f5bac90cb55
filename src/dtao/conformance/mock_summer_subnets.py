"""The summer-2026 (14bc6f9) overlay of the ops mock: subnet and neuron registration, the
scheduler, pruning and dissolution (ops_head_subnet.json).

Each table adds to (or replaces) the launch mock's entry of the same name in
:mod:`dtao.conformance.cases_ops` for cases of the ``summer-2026`` preset.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from dtao import operations as ops
from dtao.conformance.cases_ops import MockChain, register_overlay

RECORD_ACTIONS: dict[str, Callable[..., ops.Operation]] = {}
ACTIONS: dict[str, Callable[..., Any]] = {}
STORAGE: dict[str, Callable[[MockChain, dict[str, Any], Any], None]] = {}
QUANTITIES: dict[str, Callable[..., Any]] = {}

register_overlay("summer-2026", sys.modules[__name__])  # type: ignore[arg-type]
