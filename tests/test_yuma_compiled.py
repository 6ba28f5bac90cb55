"""The compiled float epoch (dtao.yuma_compiled, numba) against the numpy float backend.

Agreement is asserted within the float-vs-exact bound of tests/test_yuma.py (float fields 1e-6
absolute, u16 outputs and stored bonds +-1, rao 2 + rao * n * 2^-31); permits, activity and the
bond rows must be equal. The numpy reference is reached with ``DTAO_NO_JIT=1``; the kernel is
called directly, so these comparisons also run under ``--no-fast``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("numba")

from dtao import yuma, yuma_compiled  # noqa: E402
from dtao.conformance import cases_epoch  # noqa: E402
from dtao.yuma import YumaInputs, YumaParams, YumaResult  # noqa: E402
from test_yuma import LAUNCH, random_network, scenario_cases  # noqa: E402

E = 10**9
FLOAT_FIELDS = (
    "incentive_f",
    "dividends_f",
    "consensus_f",
    "validator_trust_f",
    "stake_f",
    "active_stake_f",
)
U16_FIELDS = ("incentive", "dividends", "consensus", "validator_trust", "stake_weight")
RAO_FIELDS = ("server_emission", "validator_emission", "emission")
EQUAL_FIELDS = ("active", "new_validator_permit", "bonds_rows", "bonds_cleared")
SCENARIOS = scenario_cases()


@contextlib.contextmanager
def jit_off() -> Iterator[None]:
    """``DTAO_NO_JIT=1`` for the duration (usable inside Hypothesis tests)."""
    before = os.environ.get(yuma.NO_JIT_ENV)
    os.environ[yuma.NO_JIT_ENV] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ[yuma.NO_JIT_ENV]
        else:
            os.environ[yuma.NO_JIT_ENV] = before


def reference(inputs: YumaInputs, params: YumaParams, rao: int) -> YumaResult:
    with jit_off():
        return yuma.epoch(inputs, params, rao, "float")


def compiled(inputs: YumaInputs, params: YumaParams, rao: int) -> YumaResult:
    fields = yuma_compiled.epoch_fields(inputs, params, rao)
    assert fields is not None, "the kernel should cover these inputs"
    return YumaResult(**fields)


def differences(got: YumaResult, want: YumaResult) -> dict[str, float]:
    """Largest absolute difference per output (float fields also relative: ``<name>_rel``)."""
    out: dict[str, float] = {}
    for name in FLOAT_FIELDS:
        a, b = getattr(got, name), getattr(want, name)
        diff = np.abs(a - b)
        out[name] = float(diff.max(initial=0.0))
        scale = np.maximum(np.abs(b), 1e-300)
        out[name + "_rel"] = float((diff / scale)[b != 0].max(initial=0.0))
    for name in (*U16_FIELDS, "pruning_score", *RAO_FIELDS):
        a, b = getattr(got, name).astype(np.int64), getattr(want, name).astype(np.int64)
        out[name] = float(np.abs(a - b).max(initial=0))
    out["bonds"] = float(np.abs(got.bonds.astype(int) - want.bonds.astype(int)).max(initial=0))
    return out


def assert_agree(inputs: YumaInputs, params: YumaParams, rao: int) -> dict[str, float]:
    want = reference(inputs, params, rao)
    got = compiled(inputs, params, rao)
    for f in dataclasses.fields(YumaResult):
        if f.name.startswith("_"):
            continue
        a, b = getattr(got, f.name), getattr(want, f.name)
        assert a.dtype == b.dtype and a.shape == b.shape, f.name
    for name in EQUAL_FIELDS:
        assert np.array_equal(getattr(got, name), getattr(want, name)), name
    assert got.bonds_before is want.bonds_before or np.array_equal(
        got.bonds_before, want.bonds_before
    )
    diff = differences(got, want)
    n = len(want.incentive)
    for name in FLOAT_FIELDS:
        assert diff[name] <= 1e-6, (name, diff[name])
    for name in (*U16_FIELDS, "pruning_score", "bonds"):
        assert diff[name] <= 1, (name, diff[name])
    for name in RAO_FIELDS:
        assert diff[name] <= 2 + rao * n * 2.0**-31, (name, diff[name])
    return diff


# --------------------------------------------------------------------------------------------
# upstream epoch scenarios (shared/vectors/epoch_*.json), HEAD and launch switches
# --------------------------------------------------------------------------------------------


def test_the_shared_epoch_scenarios_are_there():
    assert len(SCENARIOS) >= 31


@pytest.mark.parametrize("case", [c for _, c in SCENARIOS], ids=[i for i, _ in SCENARIOS])
def test_scenario_compiled_agrees_with_numpy(case):
    paths: list[str] = []

    def compare(inputs: YumaInputs, params: YumaParams, rao: int, result: Any) -> None:
        launch = dataclasses.replace(params, **LAUNCH)  # type: ignore[arg-type]
        variants = [params, launch]
        if params.yuma3:  # the same inputs on legacy bonds too
            variants += [dataclasses.replace(p, yuma3=False) for p in variants]
        for p in variants:
            if p.yuma3:  # Yuma3 bonds are not the kernel's: declined, numpy runs
                assert yuma_compiled.epoch_fields(inputs, p, rao) is None
                paths.append("numpy")
            else:
                assert_agree(inputs, p, rao)
                paths.append("kernel")

    results = cases_epoch.replay(case, "exact", on_epoch=compare)
    assert results and paths.count("kernel") == 2 * len(results)


def test_legacy_and_yuma3_scenarios_are_both_there():
    yuma3 = [c["inputs"]["initial_state"]["yuma3"] for _, c in SCENARIOS]
    assert yuma3.count(False) >= 10 and yuma3.count(True) >= 10


# --------------------------------------------------------------------------------------------
# random networks
# --------------------------------------------------------------------------------------------


def wide_network(seed: int, n: int) -> tuple[YumaInputs, YumaParams]:
    """A random subnet with everything the kernel covers varied: stake types and ties, tied and
    sparse weights, bonds on any rows, stale/short last_update, commits, owner, both eras."""
    rng = np.random.default_rng(seed)
    staked = rng.random(n) < rng.uniform(0.05, 1.0)
    if rng.random() < 0.3:  # few distinct stakes: permit ties
        stake = np.where(staked, rng.integers(1, 4, n) * 10**9, 0)
    else:
        stake = np.where(staked, rng.integers(1, 10**15, n), 0)
    kind = rng.integers(3)
    stake_in: Any = stake.astype(np.float64) if kind == 1 else stake
    if kind == 2:
        stake_in = np.array([int(v) for v in stake], dtype=object)
    permits = rng.random(n) < rng.uniform(0.0, 1.0)
    density = rng.uniform(0.0, 1.0)
    levels = int(rng.choice([2, 5, 65536]))  # few levels: exact ties in the median
    raw = rng.integers(0, levels, (n, n)) * (65535 // max(levels - 1, 1))
    present = rng.random((n, n)) < density
    weights = np.where(present, yuma.max_upscale_weights_u16(raw), 0).astype(np.uint16)
    bond_rows = permits | (rng.random(n) < 0.05)
    bonds = np.where(
        bond_rows[:, None] & (rng.random((n, n)) < rng.uniform(0, 1)),
        rng.integers(0, 65536, (n, n)),
        0,
    ).astype(np.uint16)
    if rng.random() < 0.15:
        bonds[:] = 0
    lu_len = n if rng.random() < 0.8 else int(rng.integers(0, n + 3))
    owner = int(rng.integers(-2, n + 2))
    params = YumaParams(
        kappa=int(rng.choice([32767, 0, 65535, int(rng.integers(0, 65536))])),
        bonds_penalty=int(rng.choice([65535, 0, int(rng.integers(0, 65536))])),
        bonds_moving_average=int(rng.choice([900_000, 1_000_000, 0, int(rng.integers(0, 10**6))])),
        max_allowed_validators=int(rng.integers(0, n + 3)),
        activity_cutoff=int(rng.integers(0, 40)),
        owner_self_weight_kept=bool(rng.random() < 0.5),
        permit_requires_stake=bool(rng.random() < 0.5),
        owner_always_permitted=bool(rng.random() < 0.5),
        bond_mask=str(
            rng.choice(["registered_since_last_tempo", "weight_older_than_registration"])
        ),  # type: ignore[arg-type]
        liquid_alpha=bool(rng.random() < 0.3),  # not consulted without yuma3
        stake_threshold=int(rng.choice([0, 0, 2 * 10**9, 10**14])),
    )
    commit = None
    if rng.random() < 0.3:
        commit = np.where(rng.random(n) < 0.5, rng.integers(0, 100, n), 2**62)
    inputs = YumaInputs(
        current_block=100,
        last_tempo=int(rng.integers(60, 101)),
        stake=stake_in,
        last_update=rng.integers(50, 101, lu_len),
        block_at_registration=rng.integers(0, 100, n),
        validator_permit=permits,
        owner_uid=None if owner == -2 else owner,
        weights=weights,
        weights_present=present,
        bonds=bonds,
        commit_block=commit,
    )
    if rng.random() < 0.2:  # exact I64F64 stake (the threshold reads it; the float math not)
        inputs.stake_bits = np.array([int(v) << 64 for v in stake], dtype=object)
    return inputs, params


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 300))
def test_random_networks_agree(seed, n):
    inputs, params = wide_network(seed, n)
    assert_agree(inputs, params, E)


@settings(max_examples=60, deadline=None)
@given(
    st.fixed_dictionaries(
        {"seed": st.integers(0, 2**32 - 1), "n": st.integers(1, 40), "launch": st.booleans()}
    )
)
def test_test_yuma_networks_agree(args):
    # the generator tests/test_yuma.py compares float with exact on
    inputs, params = random_network(**args)
    assert_agree(inputs, params, E)


def test_launch_shape_at_simulator_size():
    # the simulator's shape: owner 0, validators 1..64 weighting miners 65..255, bonds in place
    rng = np.random.default_rng(4)
    n, v = 256, 64
    stake = np.zeros(n, dtype=np.int64)
    stake[1 : v + 1] = rng.integers(10**12, 10**15, v)
    weights = np.zeros((n, n), dtype=np.uint16)
    weights[1 : v + 1, v + 1 :] = yuma.max_upscale_weights_u16(
        rng.integers(0, 65536, (v, n - v - 1))
    )
    inputs = YumaInputs(
        current_block=10_000,
        last_tempo=9_640,
        stake=stake,
        last_update=np.full(n, 9_990),
        block_at_registration=rng.integers(0, 9_000, n),
        validator_permit=stake > 0,
        owner_uid=0,
        weights=weights,
        bonds=np.zeros((n, n), dtype=np.uint16),
    )
    params = YumaParams(**LAUNCH)  # type: ignore[arg-type]
    worst: dict[str, float] = {}
    for _ in range(3):  # bonds build up over a few epochs
        diff = assert_agree(inputs, params, E)
        worst = {key: max(worst.get(key, 0.0), value) for key, value in diff.items()}
        result = reference(inputs, params, E)
        inputs.bonds, inputs.validator_permit = result.bonds, result.new_validator_permit
    assert worst["consensus_f"] == worst["stake_f"] == worst["validator_trust_f"] == 0.0
    assert worst["incentive_f_rel"] < 1e-12 and worst["dividends_f_rel"] < 1e-12


def test_a_view_of_larger_storage_and_purity():
    inputs, params = wide_network(12, 40)
    big_w = np.zeros((48, 48), dtype=np.uint16)
    big_b = np.zeros((48, 48), dtype=np.uint16)
    big_w[:40, :40], big_b[:40, :40] = inputs.weights, inputs.bonds
    view = dataclasses.replace(inputs, weights=big_w[:40, :40], bonds=big_b[:40, :40])
    before = (big_w.copy(), big_b.copy(), np.array(view.stake, copy=True))
    assert_agree(view, params, E)
    assert np.array_equal(big_w, before[0]) and np.array_equal(big_b, before[1])
    assert np.array_equal(np.asarray(view.stake), before[2])


# --------------------------------------------------------------------------------------------
# coverage and dispatch
# --------------------------------------------------------------------------------------------


def test_cases_outside_the_kernel_are_declined():
    inputs, params = wide_network(3, 12)
    assert yuma_compiled.epoch_fields(inputs, params, E) is not None
    declined = [
        (inputs, dataclasses.replace(params, yuma3=True)),
        (inputs, dataclasses.replace(params, bonds_moving_average=1_000_001)),
        (dataclasses.replace(inputs, weights=inputs.weights.astype(np.int64)), params),
        (dataclasses.replace(inputs, bonds=inputs.bonds[:, :5]), params),
        (
            dataclasses.replace(
                inputs,
                stake=np.zeros(0, dtype=np.int64),
                weights=np.zeros((0, 0), np.uint16),
                bonds=np.zeros((0, 0), np.uint16),
            ),
            params,
        ),
        (dataclasses.replace(inputs, last_tempo=2**70), params),
    ]
    for i, p in declined:
        assert yuma_compiled.epoch_fields(i, p, E) is None


class Spy:
    def __init__(self) -> None:
        self.calls = 0
        self.real = yuma_compiled.epoch_fields

    def __call__(self, *args: Any) -> Any:
        self.calls += 1
        return self.real(*args)


def test_dispatch_follows_the_switches(monkeypatch, fast_mode):
    inputs, params = wide_network(5, 20)
    assert yuma._compiled_kernel() is yuma_compiled  # imported and warmed up once
    spy = Spy()
    monkeypatch.setattr(yuma_compiled, "epoch_fields", spy)
    yuma.epoch(inputs, params, E, "float")
    assert spy.calls == (1 if fast_mode else 0)  # --no-fast (DTAO_NO_FAST=1): numpy only
    yuma.epoch(inputs, params, E, "exact")
    assert spy.calls == (1 if fast_mode else 0)  # the exact backend never uses it
    monkeypatch.setenv(yuma.NO_JIT_ENV, "1")
    assert not yuma.jit_enabled()
    via_numpy = yuma.epoch(inputs, params, E, "float")
    assert spy.calls == (1 if fast_mode else 0)
    monkeypatch.delenv(yuma.NO_JIT_ENV)
    monkeypatch.delenv("DTAO_NO_FAST", raising=False)
    assert yuma.jit_enabled()
    via_kernel = yuma.epoch(inputs, params, E, "float")
    assert spy.calls == (2 if fast_mode else 1)
    for name in EQUAL_FIELDS:
        assert np.array_equal(getattr(via_kernel, name), getattr(via_numpy, name))
    monkeypatch.setenv("DTAO_NO_FAST", "true")
    assert not yuma.jit_enabled()


def test_a_kernel_that_fails_to_compile_leaves_the_numpy_path(monkeypatch):
    def broken() -> None:
        raise RuntimeError("no LLVM today")

    monkeypatch.setattr(yuma, "_compiled", None)  # as in a fresh process
    monkeypatch.setattr(yuma_compiled, "warm_up", broken)
    monkeypatch.delenv(yuma.NO_JIT_ENV, raising=False)
    monkeypatch.delenv("DTAO_NO_FAST", raising=False)
    inputs, params = wide_network(6, 20)
    with pytest.warns(RuntimeWarning, match="no LLVM today"):
        result = yuma.epoch(inputs, params, E, "float")
    assert yuma._compiled is False and yuma._compiled_kernel() is None
    want = reference(inputs, params, E)
    for name in (*FLOAT_FIELDS, *U16_FIELDS, *RAO_FIELDS, *EQUAL_FIELDS):
        assert np.array_equal(getattr(result, name), getattr(want, name)), name


def run_python(code: str, **env: str) -> str:
    full = {**os.environ, **env}
    for key in ("DTAO_NO_JIT", "DTAO_NO_FAST"):
        if key not in env:
            full.pop(key, None)
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
        env=full,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.strip()


PROBE = """
    import sys
    import numpy as np
    import dtao
    from dtao import yuma
    assert "numba" not in sys.modules and "dtao.yuma_compiled" not in sys.modules
    n = 6
    w = np.zeros((n, n), np.uint16)
    w[:2, 2:] = 65535
    inputs = yuma.YumaInputs(
        current_block=10, last_tempo=5, stake=np.array([3, 1, 0, 0, 0, 0]) * 10**9,
        last_update=np.full(n, 9), block_at_registration=np.zeros(n, np.int64),
        validator_permit=np.arange(n) < 2, owner_uid=None, weights=w,
        bonds=np.zeros((n, n), np.uint16),
    )
    result = yuma.epoch(inputs, yuma.YumaParams(), 10**9, "float")
    assert result.incentive.tolist() == [0, 0, 16383, 16383, 16383, 16383], result.incentive
    print("dtao.yuma_compiled" in sys.modules, sys.modules.get("numba") is not None)
"""


def test_no_jit_in_a_fresh_process_never_imports_numba():
    assert run_python(PROBE, DTAO_NO_JIT="1") == "False False"
    assert run_python(PROBE, DTAO_NO_FAST="1") == "False False"
    assert run_python(PROBE) == "True True"


def test_without_numba_the_numpy_path_runs():
    code = "import sys\nsys.modules['numba'] = None  # import numba -> ImportError\n" + (
        textwrap.dedent(PROBE).replace('assert "numba" not in sys.modules and ', "assert ")
    )
    assert run_python(code) == "True False"  # the module imports, without a kernel


def test_warm_up_reports_seconds():
    seconds, how = yuma_compiled.warm_up()
    assert 0.0 < seconds < 120.0
    assert how in ("compiled", "cached")
    assert yuma_compiled.warm_up()[1] == "cached"  # compiled at most once per process
