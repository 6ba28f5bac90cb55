"""Conformance runner: replays test vectors in the format of ``shared/vectors``.

Each vector case names a ``function`` (math, swap, coinbase files) or is a full-epoch scenario
(``inputs.initial_state`` + ``inputs.steps``). Handlers live in the ``cases_*`` modules and
register themselves with :func:`dtao.conformance.registry.handles`.
"""
