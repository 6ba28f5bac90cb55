"""Benchmark one Yuma epoch (not a test): n=256 and n=1024 UIDs with 64 validators, both backends.

Run: ``.venv/bin/python benchmarks/bench_epoch.py [--repeats N] [--cold-jit]``. The network is in
steady state: 64 staked validators (permits from a previous epoch) set dense random weights and
already hold bonds; the timed call is :func:`dtao.yuma.epoch` alone. Prints the median and minimum
wall time.

Rows: ``legacy`` / ``yuma3`` are HEAD parameters with validators spread over the UIDs, weighting
every UID; ``launch`` is the simulator's shape (launch-era parameters, validators on the lowest
UIDs after the owner, weighting only the miners, as ``bench_block.build`` sets them up).
Backends: ``float`` is the numpy float code (timed with ``DTAO_NO_JIT=1``), ``float+jit`` the
compiled kernel (:mod:`dtao.yuma_compiled`, numba; legacy bonds only, so no yuma3 row), timed
after its warm-up, ``exact`` the fixed-point reference. The first line gives the kernel's
warm-up in this process (numba import, then compiling or loading it from numba's cache);
``--cold-jit`` also times a compile from scratch in a subprocess with an empty cache.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # single-threaded BLAS: stable timings

import argparse
import contextlib
import dataclasses
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

import numpy as np  # noqa: E402

from dtao.yuma import (
    NO_JIT_ENV,
    YumaInputs,
    YumaParams,
    epoch,
    jit_enabled,
    max_upscale_weights_u16,
)

LAUNCH = dict(
    bonds_penalty=0,
    owner_self_weight_kept=False,
    permit_requires_stake=False,
    owner_always_permitted=False,
    bond_mask="weight_older_than_registration",
)


def make_network(
    n: int, validators: int, seed: int = 0, yuma3: bool = False, launch: bool = False
) -> tuple[YumaInputs, YumaParams]:
    """A steady-state subnet: ``validators`` staked UIDs with weights, bonds in place.

    Default: validators at random UIDs weighting every UID (HEAD parameters). ``launch``: UIDs
    ``1..validators`` validate and weight only the miners ``validators+1..n-1`` (launch-era
    parameters), like the simulator's networks."""
    rng = np.random.default_rng(seed)
    stake = np.zeros(n, dtype=np.int64)
    vals = np.arange(1, validators + 1) if launch else rng.choice(n, size=validators, replace=False)
    stake[vals] = rng.integers(10**12, 10**15, size=validators)
    weights = np.zeros((n, n), dtype=np.uint16)
    targets = slice(validators + 1, n) if launch else slice(0, n)
    raw = rng.integers(0, 65536, size=(validators, n))[:, targets]
    weights[vals, targets] = max_upscale_weights_u16(raw)
    params = YumaParams(max_allowed_validators=64, yuma3=yuma3, liquid_alpha=yuma3)
    if launch:
        params = dataclasses.replace(params, **LAUNCH)  # type: ignore[arg-type]
    inputs = YumaInputs(
        current_block=10_000,
        last_tempo=9_640,
        stake=stake,
        last_update=np.full(n, 9_990, dtype=np.int64),
        block_at_registration=rng.integers(0, 9_000, size=n),
        validator_permit=np.isin(np.arange(n), vals),
        owner_uid=0 if launch else int(vals[0]),
        weights=weights,
        bonds=np.zeros((n, n), dtype=np.uint16),
    )
    # two warm-up epochs so the bonds are in steady state
    for _ in range(2):
        result = epoch(inputs, params, 10**9, "float")
        inputs.bonds = result.bonds
        inputs.validator_permit = result.new_validator_permit
    return inputs, params


@contextlib.contextmanager
def jit_off() -> Iterator[None]:
    """``DTAO_NO_JIT=1`` for the duration: :func:`epoch` runs the numpy float code."""
    before = os.environ.get(NO_JIT_ENV)
    os.environ[NO_JIT_ENV] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ[NO_JIT_ENV]
        else:
            os.environ[NO_JIT_ENV] = before


def time_epoch(
    inputs: YumaInputs, params: YumaParams, backend: str, repeats: int
) -> tuple[float, float]:
    """(median, minimum) seconds per epoch over ``repeats`` calls (after one warm-up call)."""
    epoch(inputs, params, 10**9, backend)  # type: ignore[arg-type]
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        epoch(inputs, params, 10**9, backend)  # type: ignore[arg-type]
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), min(samples)


def jit_warm_up() -> str | None:
    """Import and warm up the compiled kernel in this process; a report line, or ``None`` when
    it is switched off or unavailable (numba not installed)."""
    if not jit_enabled():
        return None
    start = time.perf_counter()
    from dtao import yuma_compiled

    imported = time.perf_counter() - start
    if not yuma_compiled.AVAILABLE:
        return None
    seconds, how = yuma_compiled.warm_up()
    return f"jit warm-up: import {imported:.2f} s (numba), first epoch {seconds:.2f} s ({how})"


COLD = """
import time
start = time.perf_counter()
from dtao import yuma_compiled
imported = time.perf_counter() - start
seconds, how = yuma_compiled.warm_up()
print(f"jit cold compile: import {imported:.2f} s, first epoch {seconds:.2f} s ({how})")
"""


def cold_jit() -> str:
    """Compile the kernel from scratch in a subprocess (an empty ``NUMBA_CACHE_DIR``)."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        env.pop(NO_JIT_ENV, None)
        proc = subprocess.run(
            [sys.executable, "-c", COLD], capture_output=True, text=True, env=env, check=True
        )
    return proc.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=300)
    parser.add_argument(
        "--cold-jit", action="store_true", help="also time compiling the kernel from scratch"
    )
    args = parser.parse_args()
    targets = {
        (256, "legacy"): 0.4,
        (1024, "legacy"): 6.0,
        (256, "launch"): 0.4,
        (1024, "launch"): 6.0,
    }
    if args.cold_jit:
        print(cold_jit())
    warm = jit_warm_up()
    print(warm or "jit: unavailable (numba not installed) or switched off: no float+jit rows")
    print(
        f"{'n':>6} {'validators':>10} {'bonds':>7} {'backend':>9} {'median ms':>10} "
        f"{'min ms':>8} {'target ms':>10} {'vs float':>9}"
    )
    for n in (256, 1024):
        for label in ("launch", "legacy", "yuma3"):
            inputs, params = make_network(n, 64, yuma3=label == "yuma3", launch=label == "launch")
            backends = ["float", "float+jit", "exact"]
            if warm is None or label == "yuma3":  # the kernel does not run Yuma3 bonds
                backends.remove("float+jit")
            numpy_median = None
            for backend in backends:
                repeats = args.repeats if backend != "exact" else max(args.repeats // 20, 5)
                if backend == "float":
                    with jit_off():
                        median, best = time_epoch(inputs, params, "float", repeats)
                    numpy_median = median
                elif backend == "float+jit":
                    median, best = time_epoch(inputs, params, "float", repeats)
                else:
                    median, best = time_epoch(inputs, params, backend, repeats)
                target = targets.get((n, label)) if backend != "exact" else None
                shown = f"{target:.1f}" if target is not None else "-"
                ratio = (
                    f"x{numpy_median / median:.1f}"
                    if backend == "float+jit" and numpy_median
                    else "-"
                )
                print(
                    f"{n:>6} {64:>10} {label:>7} {backend:>9} {median * 1e3:>10.3f} "
                    f"{best * 1e3:>8.3f} {shown:>10} {ratio:>9}"
                )


if __name__ == "__main__":
    main()
