"""The childkey overlay of the ops mock (``set_children``, childkey take, parent/child stake),
for the launch variant (5073ade) and the summer-2026 one (14bc6f9).
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

for _preset in ("launch", "summer-2026"):
    register_overlay(_preset, sys.modules[__name__])  # type: ignore[arg-type]
