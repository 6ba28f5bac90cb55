"""Benchmark one Yuma epoch (not a test): n=256 and n=1024 UIDs with 64 validators, both backends.

Run: ``.venv/bin/python benchmarks/bench_epoch.py [--repeats N]``. The network is in steady state:
64 staked validators (permits from a previous epoch) set dense random weights and already hold
bonds; the timed call is :func:`dtao.yuma.epoch` alone. Prints the median and minimum wall time.

Rows: ``legacy`` / ``yuma3`` are HEAD parameters with validators spread over the UIDs, weighting
every UID; ``launch`` is the simulator's shape (launch-era parameters, validators on the lowest
UIDs after the owner, weighting only the miners, as ``bench_block.build`` sets them up).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # single-threaded BLAS: stable timings

import argparse
import dataclasses
import statistics
import time

import numpy as np  # noqa: E402

from dtao.yuma import YumaInputs, YumaParams, epoch, max_upscale_weights_u16

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
    targets = {
        (256, "float", "legacy"): 0.4,
        (1024, "float", "legacy"): 6.0,
        (256, "float", "launch"): 0.4,
        (1024, "float", "launch"): 6.0,
    }
    print(
        f"{'n':>6} {'validators':>10} {'bonds':>7} {'backend':>8} {'median ms':>10} "
        f"{'min ms':>8} {'target ms':>10}"
    )
    for n in (256, 1024):
        for label in ("launch", "legacy", "yuma3"):
            inputs, params = make_network(n, 64, yuma3=label == "yuma3", launch=label == "launch")
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
