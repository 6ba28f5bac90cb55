"""The current (spec 475) overlay of the ops mock: Root Reborn: root seats, baskets,
deposits and claims (ops_current_root.json).

Each table adds to (or replaces) the entry of the same name that the summer-2026 overlays and
the launch mock of :mod:`dtao.conformance.cases_ops` give, for cases of the ``current``
preset (``OVERLAY_BASES``).
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

register_overlay("current", sys.modules[__name__])  # type: ignore[arg-type]
