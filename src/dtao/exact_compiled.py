"""The compiled exact kernels, :mod:`dtao._exact` (C, ``src/dtao/_exact.c``), or ``None``.

The extension is built at install when a C compiler is present (``setup.py``, an optional
extension: without one the install still succeeds). Its kernels are twins of Python code, bit
for bit: the integer coinbase lanes of :mod:`dtao.coinbase_current_fast`, the launch coinbase
of :mod:`dtao.coinbase_fast` (its float steps compiled without fused multiply-add), the
balancer's fee-free swap (:func:`dtao.pools.balancer.fee_free_swap_fast`), the epoch's share-pool
credits (:func:`dtao.ledger.credit_stakes_indexed`) and the launch epoch's payout lists
(:func:`dtao.epoch.run_epoch`). Each caller falls
back to the Python code when :func:`kernels` is ``None``, which it also is with
``DTAO_NO_JIT=1`` (the compilers off) or ``DTAO_NO_FAST=1`` (the suite's reference mode); both
are read on every call of :func:`kernels` (about 0.1 µs when neither is set, 2 µs else), so a
caller that asks many times in one step resolves it once and passes it on (the default
:data:`FROM_ENV` of such parameters resolves it at the call).
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

NO_JIT_ENV = "DTAO_NO_JIT"  # = dtao.yuma.NO_JIT_ENV
NO_FAST_ENV = "DTAO_NO_FAST"  # = dtao.eras.NO_FAST_ENV
_OFF = ("1", "true", "yes")

# ``os.environ.get`` costs about 1 µs (a KeyError inside when the name is unset); the mapping
# under it (CPython's ``os.environ._data``, encoded keys on POSIX) answers "neither switch is
# set" in tens of ns. Elsewhere, or if that ever changes, the public mapping is read.
_RAW_ENV = getattr(os.environ, "_data", None) if os.name == "posix" else None
_RAW_ENV = _RAW_ENV if isinstance(_RAW_ENV, dict) else None
_RAW_JIT, _RAW_FAST = os.fsencode(NO_JIT_ENV), os.fsencode(NO_FAST_ENV)

#: a ``kernel`` parameter's default: :func:`kernels` at the call
FROM_ENV: object = object()

_built: ModuleType | None
try:  # by name: the extension imports nothing, and neither does this module
    _built = importlib.import_module("dtao._exact")
except ImportError:  # no C compiler at install: the Python code runs
    _built = None


def built() -> bool:
    """Whether the extension was built (whatever the environment says)."""
    return _built is not None


def kernels() -> ModuleType | None:
    """The extension, unless it was not built or is switched off by the environment."""
    if _built is None:
        return None
    if _RAW_ENV is not None and _RAW_JIT not in _RAW_ENV and _RAW_FAST not in _RAW_ENV:
        return _built
    env = os.environ
    if env.get(NO_JIT_ENV, "").strip().lower() in _OFF:
        return None
    if env.get(NO_FAST_ENV, "").strip().lower() in _OFF:
        return None
    return _built
