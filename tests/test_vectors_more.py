"""The rest of the chain's epoch math as vectors (``tests/vectors/math_more.json``): every case
passes, every function the chain's tests call has a handler, and bad cases fail without taking
the runner down."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SHARED
from dtao import fixed as fx
from dtao.conformance import cases_math, cases_math_more, runner
from dtao.conformance.registry import HANDLERS

VECTORS = Path(__file__).parent / "vectors" / "math_more.json"
DOCUMENT = json.loads(VECTORS.read_text())
CASES = DOCUMENT["cases"]

#: Functions of ``pallets/subtensor/src/epoch/math.rs`` called by the chain's tests
#: (``tests/math.rs``, ``tests/epoch.rs``) @ 14bc6f9, plus the run_epoch and mechanism helpers
#: they call directly for a computed value.
CHAIN_TESTED = {
    # epoch/math.rs
    "fixed",
    "fixed_to_u16",
    "fixed_to_u64",
    "fixed64_to_u64",
    "fixed64_to_fixed32",
    "u16_to_fixed",
    "u16_proportion_to_fixed",
    "fixed_proportion_to_u16",
    "vec_fixed64_to_fixed32",
    "vec_max_upscale_to_u16",
    "vec_u16_max_upscale_to_u16",
    "check_vec_max_limited",
    "sum",
    "checked_sum",
    "exp_safe",
    "sigmoid_safe",
    "is_topk",
    "normalize",
    "inplace_normalize",
    "inplace_normalize_64",
    "vecdiv",
    "inplace_row_normalize",
    "inplace_row_normalize_sparse",
    "row_sum",
    "row_sum_sparse",
    "inplace_col_normalize",
    "inplace_col_normalize_sparse",
    "inplace_col_max_upscale",
    "inplace_col_max_upscale_sparse",
    "inplace_mask_vector",
    "inplace_mask_matrix",
    "inplace_mask_rows",
    "inplace_mask_diag",
    "inplace_mask_diag_except_index",
    "mask_rows_sparse",
    "mask_diag_sparse",
    "mask_diag_sparse_except_index",
    "vec_mask_sparse_matrix",
    "row_hadamard",
    "row_hadamard_sparse",
    "matmul",
    "matmul_transpose",
    "matmul_sparse",
    "matmul_transpose_sparse",
    "inplace_col_clip",
    "col_clip_sparse",
    "weighted_median",
    "weighted_median_col",
    "weighted_median_col_sparse",
    "interpolate",
    "interpolate_sparse",
    "vec_mul",
    "mat_vec_mul",
    "mat_vec_mul_sparse",
    "mat_ema_alpha",
    "mat_ema_alpha_sparse",
    # run_epoch.rs (tests/epoch.rs) and subnets/mechanism.rs (tests/mechanism.rs)
    "compute_bonds",
    "get_mechanism_storage_index",
    "get_netuid_and_subid",
}


def run_cases(tmp_path: Path, cases: list[dict[str, Any]]) -> runner.FileResult:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({**DOCUMENT, "cases": cases}))
    return runner.run_file(path)


def test_every_case_of_math_more_passes():
    result = runner.run_file(VECTORS)
    assert result.failed == []
    assert result.pending == []
    assert result.passed == len(CASES) >= 50


def test_every_function_in_the_file_has_a_handler():
    missing = {case["function"] for case in CASES} - set(HANDLERS)
    assert not missing, sorted(missing)


def test_every_chain_function_the_tests_call_has_a_handler():
    missing = CHAIN_TESTED - set(HANDLERS)
    assert not missing, sorted(missing)


def test_every_case_cites_a_chain_test_or_says_it_is_derived():
    for case in CASES:
        assert "source_test" in case or "Derived" in case.get("notes", ""), case["name"]


def test_an_unknown_function_fails(tmp_path: Path):
    result = run_cases(
        tmp_path, [{"name": "nope", "function": "no_such_function", "inputs": {}, "expected": {}}]
    )
    assert result.passed == 0
    assert result.failed == [("nope", "no handler for function 'no_such_function'")]


#: wrong for every input (numbers and bools are valid for some inputs, so they are not here)
BAD_VALUES: list[Any] = [None, "x", {"raw": "a"}, {}, [None], [[["a", 1]]], [[[1]]]]


def malformed(case: dict[str, Any]) -> list[dict[str, Any]]:
    """Variants of a case with broken inputs: none at all, not an object, and each input
    replaced by values of the wrong shape or type."""
    variants = [
        {k: v for k, v in case.items() if k != "inputs"},
        {**case, "inputs": []},
        {**case, "inputs": {}},
    ]
    for key in case["inputs"]:
        for bad in BAD_VALUES:
            variant = copy.deepcopy(case)
            variant["inputs"][key] = bad
            variants.append(variant)
    return variants


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_malformed_inputs_fail_the_case_not_the_runner(tmp_path: Path, case: dict[str, Any]):
    variants = malformed(case)
    result = run_cases(tmp_path, variants)
    assert result.passed == 0, [v.get("inputs") for v in variants]
    assert len(result.failed) == len(variants)


def shared_math_cases() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The first case of every function of the shared math files, with its document."""
    seen: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for path in sorted((SHARED / "vectors").glob("math_*.json")):
        document = json.loads(path.read_text())
        for case in document["cases"]:
            if isinstance(case.get("inputs"), dict):
                seen.setdefault(case["function"], (document, case))
    return list(seen.values())


def test_malformed_inputs_never_crash_the_shared_handlers(tmp_path: Path):
    shared = shared_math_cases()
    assert len(shared) >= 40, f"math vectors missing under {SHARED} (set DTAO_SHARED)"
    path = tmp_path / "cases.json"
    for document, case in shared:
        variants = malformed(case)
        path.write_text(json.dumps({**document, "cases": variants}))
        result = runner.run_file(path)  # raises nothing, whatever the inputs
        assert result.passed + len(result.failed) == len(variants), case["name"]
        # no inputs, inputs that are not an object, or empty inputs: always a failure
        path.write_text(json.dumps({**document, "cases": variants[:3]}))
        assert runner.run_file(path).passed == 0, case["name"]


def test_a_huge_sparse_column_fails_without_allocating(tmp_path: Path):
    cases = [
        {
            "name": "wide",
            "function": "matmul_sparse",
            "inputs": {"matrix": [[[10**12, 1.0]]], "vector": [1.0], "columns": 3},
            "expected": {"result": [0.0, 0.0, 0.0]},
        },
        {
            "name": "wide columns",
            "function": "matmul_sparse",
            "inputs": {"matrix": [[[0, 1.0]]], "vector": [1.0], "columns": 10**9},
            "expected": {"result": [1.0]},
        },
        {
            "name": "many rows",
            "function": "mat_ema_sparse",
            "inputs": {"new": [[]] * 65535, "old": [], "alpha": 0.5},
            "expected": {"matrix": [[]] * 65535},
        },
    ]
    result = run_cases(tmp_path, cases)
    assert [why for _, why in result.failed] == [
        "CaseFailed: column index 1000000000000 is not a u16",
        "CaseFailed: column count 1000000000 is not a u16",
        "CaseFailed: a 65535 x 65535 sparse matrix is too large to densify",
    ]


def test_the_shared_math_cases_still_pass():
    """The stricter shape handling of the existing handlers keeps every shared math case."""
    shared = sorted((SHARED / "vectors").glob("math_*.json"))
    assert len(shared) >= 8, f"math vectors missing under {SHARED} (set DTAO_SHARED)"
    for path in shared:
        result = runner.run_file(path)
        assert result.failed == [] and result.passed > 0, path.name


# --------------------------------------------------------------------------------------------
# the scalar saturating fallbacks agree with the vectorised primitives where both apply
# --------------------------------------------------------------------------------------------

small = st.integers(min_value=-(2**36), max_value=2**36)


@given(st.lists(st.tuples(small, small, st.integers(-(2**33), 2**33)), min_size=1, max_size=12))
def test_ema_alpha_fallback_equals_vectorised(entries):
    new, old, alpha = (np.array([[e[i] for e in entries]], dtype=np.int64) for i in range(3))
    vectorised = cases_math.ema_alpha_values(new, old, alpha)
    present = new > 0
    vectorised_sparse = cases_math.ema_alpha_values(new, old, alpha, present)
    original = cases_math._unsaturated
    try:
        cases_math._unsaturated = lambda *products, terms=1: False  # force the scalar path
        scalar = cases_math.ema_alpha_values(new, old, alpha)
        scalar_sparse = cases_math.ema_alpha_values(new, old, alpha, present)
    finally:
        cases_math._unsaturated = original
    assert scalar.tolist() == vectorised.tolist()
    assert scalar_sparse.tolist() == vectorised_sparse.tolist()


@given(
    st.lists(st.lists(small, min_size=1, max_size=6), min_size=1, max_size=5),
    st.lists(small, max_size=7),
)
def test_matmul_transpose_fallback_equals_vectorised(rows, vector):
    got = cases_math_more.matmul_transpose_rows(rows, vector)
    assert got == [fx.saturating_dot(r, vector) for r in rows]
