"""Benchmark one Yuma epoch (not a test): n=256 and n=1024 UIDs with 64 validators, both backends.

Run: ``.venv/bin/python benchmarks/bench_epoch.py [--repeats N]``. The network is in steady state:
64 staked validators (permits from a previous epoch) set dense random weights on every UID and
already hold bonds; the timed call is :func:`dtao.yuma.epoch` alone. Prints the median wall time.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # single-threaded BLAS: stable timings

import argparse
import statistics
import time

import numpy as np  # noqa: E402

from dtao.yuma import YumaInputs, YumaParams, epoch, max_upscale_weights_u16


def make_network(
    n: int, validators: int, seed: int = 0, yuma3: bool = False
) -> tuple[YumaInputs, YumaParams]:
    """A steady-state subnet: ``validators`` staked UIDs weighting every UID, bonds in place."""
    rng = np.random.default_rng(seed)
    stake = np.zeros(n, dtype=np.int64)
    vals = rng.choice(n, size=validators, replace=False)
    stake[vals] = rng.integers(10**12, 10**15, size=validators)
    weights = np.zeros((n, n), dtype=np.uint16)
    weights[vals] = max_upscale_weights_u16(rng.integers(0, 65536, size=(validators, n)))
    params = YumaParams(max_allowed_validators=64, yuma3=yuma3, liquid_alpha=yuma3)
    inputs = YumaInputs(
        current_block=10_000,
        last_tempo=9_640,
        stake=stake,
        last_update=np.full(n, 9_990, dtype=np.int64),
        block_at_registration=rng.integers(0, 9_000, size=n),
        validator_permit=np.isin(np.arange(n), vals),
        owner_uid=int(vals[0]),
        weights=weights,
        bonds=np.zeros((n, n), dtype=np.uint16),
    )
    # two warm-up epochs so the bonds are in steady state
    for _ in range(2):
        result = epoch(inputs, params, 10**9, "float")
        inputs.bonds = result.bonds
        inputs.validator_permit = result.new_validator_permit
    return inputs, params


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=300)
    args = parser.parse_args()
    targets = {(256, "float", "legacy"): 0.4, (1024, "float", "legacy"): 6.0}
    print(
        f"{'n':>6} {'validators':>10} {'bonds':>7} {'backend':>8} {'median ms':>10} "
        f"{'min ms':>8} {'target ms':>10}"
    )
    for n in (256, 1024):
        for yuma3 in (False, True):
            label = "yuma3" if yuma3 else "legacy"
            inputs, params = make_network(n, 64, yuma3=yuma3)
            for backend in ("float", "exact"):
                repeats = args.repeats if backend == "float" else max(args.repeats // 20, 5)
                median, best = time_epoch(inputs, params, backend, repeats)
                target = targets.get((n, backend, label))
                shown = f"{target:.1f}" if target is not None else "-"
                print(
                    f"{n:>6} {64:>10} {label:>7} {backend:>8} {median * 1e3:>10.3f} "
                    f"{best * 1e3:>8.3f} {shown:>10}"
                )


if __name__ == "__main__":
    main()
