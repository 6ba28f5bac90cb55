"""Vector handlers for the math files (``math_*.json``, ``mechanism_split_emissions.json``).

Every computation goes through :mod:`dtao.fixed`, :mod:`dtao.yuma` (exact backend) or
:mod:`dtao.mechanisms`; this module only decodes the vector encodings, reproduces the list-shape
conventions of the Rust helpers (ragged/empty rows, sparse rows as ``[col, value]`` pairs) and
compares.

Encodings (see the files' ``encoding`` notes): a bare number is a Rust ``f32`` literal converted
with ``I32F32::from_num(f32)`` unless the case (``inputs.encoding``, ``*_encoding``) says
``f64``; ``{"raw": N}`` is raw bits, ``{"int": N}`` an exact integer, ``{"f64": x}`` an f64
literal. Tolerance: ``exact`` compares raw bits of the expected literal (same encoding rules);
``abs X`` compares the real values.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from dtao import fixed as fx
from dtao import mechanisms, yuma
from dtao.conformance.registry import Case, CaseFailed, check, handles

A = yuma.EXACT
Doc = dict[str, Any]
Raw = npt.NDArray[np.int64]


# --------------------------------------------------------------------------------------------
# decoding
# --------------------------------------------------------------------------------------------


def _is_f64(encoding: object) -> bool:
    return isinstance(encoding, str) and encoding.strip().lower().startswith("f64")


def _input_enc(case: Case, key: str | None = None) -> str:
    inputs = case.get("inputs", {})
    if key is not None and _is_f64(inputs.get(f"{key}_encoding")):
        return "f64"
    return "f64" if _is_f64(inputs.get("encoding")) else "f32"


def _expected_enc(case: Case, key: str) -> str:
    expected = case.get("expected", {})
    if _is_f64(expected.get(f"{key}_encoding")) or _is_f64(case.get("expected_encoding")):
        return "f64"
    return _input_enc(case)


def fx_value(value: Any, enc: str = "f32", ftype: fx.FixedType = fx.I32F32) -> int:
    """Decode one encoded number to a raw fixed value of ``ftype`` (I32F32 by default)."""
    if isinstance(value, dict):
        if "raw" in value:
            return int(value["raw"])
        if "int" in value:
            return ftype.from_int(int(value["int"]))
        if "f64" in value:
            return ftype.from_f64(float(value["f64"]))
        raise CaseFailed(f"unknown number encoding {value!r}")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CaseFailed(f"not a number: {value!r}")
    if enc == "f64":
        return ftype.from_f64(float(value))
    return ftype.from_f64(fx.f32_value(float(value)))


def _listed(values: Any, what: str = "vector") -> list[Any]:
    """``values`` if it is a JSON list (a dict or a string would iterate silently)."""
    if not isinstance(values, list):
        raise CaseFailed(f"a {what} must be a list, not {type(values).__name__}")
    return values


def _ints(values: Any) -> list[int]:
    """A list of exact integers (u16 weights, blocks, ...)."""
    out = _listed(values)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in out):
        raise CaseFailed(f"not a list of integers: {values!r}")
    return out


def _bools(values: Any) -> list[bool]:
    """A list of JSON booleans (a mask)."""
    out = _listed(values, "mask")
    if not all(isinstance(v, bool) for v in out):
        raise CaseFailed(f"not a list of booleans: {values!r}")
    return out


def _vec(values: Sequence[Any], enc: str) -> Raw:
    return np.array([fx_value(v, enc) for v in _listed(values)], dtype=np.int64)


def _dense(rows: Sequence[Sequence[Any]], enc: str) -> Raw:
    """Rectangular dense matrix (``[[]]`` -> shape (1, 0))."""
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise CaseFailed("a matrix must be a list of rows")
    if not rows:
        return np.zeros((0, 0), dtype=np.int64)
    width = len(rows[0])
    if any(len(r) != width for r in rows):
        raise CaseFailed("ragged dense matrix")
    return np.array([[fx_value(v, enc) for v in r] for r in rows], dtype=np.int64).reshape(
        len(rows), width
    )


#: Cells a sparse matrix may densify to (4096 x 4096 UIDs is 2^24): larger fails the case.
MAX_DENSE_CELLS = 1 << 25


def _u16_index(value: Any, what: str) -> int:
    """A column index or column count: the chain's ``u16`` (bounds the dense width)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= fx.U16_MAX:
        raise CaseFailed(f"{what} {value!r} is not a u16")
    return value


def _sparse(
    rows: Sequence[Sequence[Any]], enc: str, columns: int = 0
) -> tuple[Raw, npt.NDArray[np.bool_]]:
    """Sparse rows ``[[col, value], ...]`` -> dense values + presence mask (width >= columns).

    Column indices and ``columns`` must be u16 (as on the chain), and the dense stand-in at
    most :data:`MAX_DENSE_CELLS`: anything else fails the case instead of allocating a huge
    matrix."""
    rows = _sparse_rows(rows)
    columns = _u16_index(columns, "column count")
    width = max([columns] + [_u16_index(c, "column index") + 1 for r in rows for c, _ in r])
    if len(rows) * width > MAX_DENSE_CELLS:
        raise CaseFailed(f"a {len(rows)} x {width} sparse matrix is too large to densify")
    values = np.zeros((len(rows), width), dtype=np.int64)
    present = np.zeros((len(rows), width), dtype=bool)
    for i, row in enumerate(rows):
        for col, val in row:
            values[i, int(col)] = fx_value(val, enc)
            present[i, int(col)] = True
    return values, present


def _rows(rows: Any, enc: str) -> list[list[int]]:
    """A list of rows of any lengths (the Rust helpers accept ragged ``Vec<Vec<_>>``)."""
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise CaseFailed("a matrix must be a list of rows")
    return [[fx_value(v, enc) for v in r] for r in rows]


def _padded(rows: Sequence[Sequence[int]], width: int | None = None) -> Raw:
    """Ragged rows as a ``len(rows) x width`` array, zero-padded (and cut) to ``width``."""
    if width is None:
        width = max((len(r) for r in rows), default=0)
    out = np.zeros((len(rows), width), dtype=np.int64)
    for i, r in enumerate(rows):
        m = min(len(r), width)
        out[i, :m] = r[:m]
    return out


def _trimmed(values: Raw, lengths: Sequence[int]) -> list[list[int]]:
    """Row ``i`` of ``values`` cut to ``lengths[i]`` entries (inverse of :func:`_padded`)."""
    return [[int(v) for v in values[i, :length]] for i, length in enumerate(lengths)]


def _max_abs(*arrays: Any) -> int:
    """Largest magnitude of the raw values (0 for no values), as a Python int."""
    values = (abs(int(v)) for a in arrays for v in np.asarray(a).reshape(-1).tolist())
    return max(values, default=0)


def _unsaturated(*products: tuple[int, int], terms: int = 1) -> bool:
    """Whether ``terms`` sums of products ``x*y`` (one per pair of bounds ``(|x|, |y|)``) stay
    inside I32F32, so that the vectorised primitives (non-saturating, see :mod:`dtao.fixed`)
    give the chain's saturating result; else the handlers use the scalar saturating ops."""
    bound = terms * sum(((x * y) >> fx.FRAC32) + 1 for x, y in products)
    return bound <= fx.I32F32_MAX


def _sparse_rows(rows: Any) -> list[Any]:
    """``rows`` if it is a list of sparse rows (lists of ``[col, value]`` pairs)."""
    if not isinstance(rows, list) or not all(
        isinstance(r, list) and all(isinstance(e, list) and len(e) == 2 for e in r) for r in rows
    ):
        raise CaseFailed("a sparse matrix must be a list of rows of [col, value] pairs")
    return rows


def _to_sparse(values: Raw, present: npt.NDArray[np.bool_]) -> list[list[tuple[int, int]]]:
    return [
        [(int(j), int(values[i, j])) for j in np.flatnonzero(present[i])]
        for i in range(values.shape[0])
    ]


# --------------------------------------------------------------------------------------------
# comparison
# --------------------------------------------------------------------------------------------


def _tolerance(case: Case, document: Doc) -> float | None:
    """``None`` for exact comparisons, else the absolute tolerance."""
    text = case.get("tolerance")
    if not isinstance(text, str):
        text = document.get("tolerance")
    if not isinstance(text, str):
        return None
    if text.strip().lower().startswith("exact"):
        return None
    match = re.search(r"abs\s+([0-9.eE+-]+)", text)
    return float(match.group(1)) if match else None


def _same(got_raw: int, expected: Any, enc: str, tol: float | None, where: str) -> None:
    if tol is None:
        want = fx_value(expected, enc)
        check(
            got_raw == want,
            f"{where}: got raw {got_raw} ({fx.to_float(got_raw)!r}), "
            f"expected raw {want} ({expected!r})",
        )
    else:  # upstream: |a - b| <= epsilon in I32F32, epsilon = I32F32::from_num(f64 literal)
        want = fx_value(expected, enc)
        check(
            abs(got_raw - want) <= fx.from_f64(tol),
            f"{where}: got {fx.to_float(got_raw)!r}, expected {fx.to_float(want)!r} "
            f"(abs tol {tol})",
        )


def _same_vec(
    got: Sequence[int], expected: Sequence[Any], enc: str, tol: float | None, what: str
) -> None:
    check(len(got) == len(expected), f"{what}: length {len(got)} != {len(expected)}")
    for i, (g, e) in enumerate(zip(got, expected, strict=True)):
        _same(int(g), e, enc, tol, f"{what}[{i}]")


def _same_dense(
    got: Raw, expected: Sequence[Sequence[Any]], enc: str, tol: float | None, what: str = "matrix"
) -> None:
    rows = [list(r) for r in got.tolist()] if got.ndim == 2 else []
    if got.ndim == 2 and got.shape[1] == 0:
        rows = [[] for _ in range(got.shape[0])]
    check(len(rows) == len(expected), f"{what}: {len(rows)} rows != {len(expected)}")
    for i, (g, e) in enumerate(zip(rows, expected, strict=True)):
        _same_vec(g, e, enc, tol, f"{what}[{i}]")


def _same_rows(
    got: Sequence[Sequence[int]],
    expected: Sequence[Sequence[Any]],
    enc: str,
    tol: float | None,
    what: str = "matrix",
) -> None:
    """Like :func:`_same_dense` for a list of rows of any lengths."""
    check(len(got) == len(expected), f"{what}: {len(got)} rows != {len(expected)}")
    for i, (g, e) in enumerate(zip(got, expected, strict=True)):
        _same_vec(g, e, enc, tol, f"{what}[{i}]")


def _same_sparse(
    got: list[list[tuple[int, int]]],
    expected: Sequence[Sequence[Any]],
    enc: str,
    tol: float | None,
    what: str = "matrix",
) -> None:
    check(len(got) == len(expected), f"{what}: {len(got)} rows != {len(expected)}")
    for i, (g, e) in enumerate(zip(got, expected, strict=True)):
        check(
            [c for c, _ in g] == [int(c) for c, _ in e],
            f"{what}[{i}]: columns {[c for c, _ in g]} != {[int(c) for c, _ in e]}",
        )
        for (col, val), (_, want) in zip(g, e, strict=True):
            _same(val, want, enc, tol, f"{what}[{i}][col {col}]")


def _inputs(case: Case) -> dict[str, Any]:
    inputs = case.get("inputs")
    if not isinstance(inputs, dict):
        raise CaseFailed("case has no inputs")
    return inputs


def _expected(case: Case) -> dict[str, Any]:
    expected = case.get("expected")
    if not isinstance(expected, dict):
        raise CaseFailed("case has no expected values")
    return expected


# --------------------------------------------------------------------------------------------
# weighted median
# --------------------------------------------------------------------------------------------


@handles("weighted_median")
def _weighted_median(case: Case, document: Doc) -> None:
    inp, enc = _inputs(case), _input_enc(case)
    stake = [fx_value(v, enc) for v in _listed(inp["stake"])]
    score = [fx_value(v, enc) for v in _listed(inp["score"])]
    minority = fx.ONE32 - fx_value(inp["majority"], enc)
    got = yuma.weighted_median(stake, score, list(range(len(stake))), minority, 0, sum(stake))
    _same(
        int(got),
        _expected(case)["median"],
        _expected_enc(case, "median"),
        _tolerance(case, document),
        "median",
    )


def _median_cols(case: Case, document: Doc, values: Raw) -> None:
    inp, enc = _inputs(case), _input_enc(case)
    stake = _vec(inp["stake"], enc)
    majority = fx_value(inp["majority"], enc)
    got = yuma.weighted_median_cols(A, stake, values, majority)
    _same_vec(
        got.tolist(),
        _expected(case)["median"],
        _expected_enc(case, "median"),
        _tolerance(case, document),
        "median",
    )


@handles("weighted_median_col")
def _weighted_median_col(case: Case, document: Doc) -> None:
    _median_cols(case, document, _dense(_inputs(case)["weights"], _input_enc(case)))


@handles("weighted_median_col_sparse")
def _weighted_median_col_sparse(case: Case, document: Doc) -> None:
    inp = _inputs(case)
    columns = int(inp["columns"])
    values, _ = _sparse(inp["weights"], _input_enc(case), columns)
    _median_cols(case, document, values[:, :columns])


# --------------------------------------------------------------------------------------------
# sums and normalisation
# --------------------------------------------------------------------------------------------


@handles("sum")
def _sum(case: Case, document: Doc) -> None:
    x = _vec(_inputs(case)["x"], _input_enc(case))
    _same(
        int(x.sum()),
        _expected(case)["sum"],
        _expected_enc(case, "sum"),
        _tolerance(case, document),
        "sum",
    )


@handles("normalize", "inplace_normalize")
def _normalize(case: Case, document: Doc) -> None:
    x = _vec(_inputs(case)["x"], _input_enc(case))
    y = yuma.normalize(A, x)
    expected, tol = _expected(case), _tolerance(case, document)
    _same_vec(y.tolist(), expected["y"], _expected_enc(case, "y"), tol, "y")
    if "sum_y" in expected:
        _same(
            int(y.sum()),
            expected["sum_y"],
            _expected_enc(case, "sum_y"),
            tol if tol is not None else 1e-6,
            "sum(y)",
        )


@handles("inplace_normalize_64")
def _normalize_64(case: Case, document: Doc) -> None:
    inp = _inputs(case)
    enc = _input_enc(case)
    x = [fx_value(v, enc, fx.I64F64) for v in inp["x"]]
    y = fx.normalize_64(x)
    tol = _tolerance(case, document)
    expected = _expected(case)["y"]
    check(len(y) == len(expected), "length mismatch")
    for i, (g, e) in enumerate(zip(y, expected, strict=True)):
        if tol is None:
            check(g == fx_value(e, "f64", fx.I64F64), f"y[{i}]: raw {g} != {e!r}")
        else:
            check(
                abs(g - fx_value(e, "f64", fx.I64F64)) <= fx.I64F64.from_f64(tol),
                f"y[{i}]: {fx.to_float(g, fx.FRAC64)} != {e}",
            )


@handles("vecdiv")
def _vecdiv(case: Case, document: Doc) -> None:
    inp, enc = _inputs(case), _input_enc(case)
    x, y = _vec(inp["x"], enc), _vec(inp["y"], enc)
    y = np.concatenate([y[: len(x)], np.zeros(max(len(x) - len(y), 0), dtype=np.int64)])
    z = A.div(x, y)
    expected = _expected(case)
    if "z_raw" in expected:
        check(
            [int(v) for v in z.tolist()] == [int(v) for v in expected["z_raw"]],
            f"z raw {z.tolist()} != {expected['z_raw']}",
        )
    else:
        _same_vec(
            z.tolist(), expected["z"], _expected_enc(case, "z"), _tolerance(case, document), "z"
        )


def _dense_op(case: Case, document: Doc, op: Callable[[Raw], Raw]) -> None:
    matrix = _dense(_inputs(case)["matrix"], _input_enc(case))
    _same_dense(
        op(matrix),
        _expected(case)["matrix"],
        _expected_enc(case, "matrix"),
        _tolerance(case, document),
    )


def _sparse_op(case: Case, document: Doc, op: Callable[[Raw], Raw], use_columns: bool) -> None:
    inp = _inputs(case)
    columns = int(inp.get("columns", 0)) if use_columns else 0
    values, present = _sparse(inp["matrix"], _input_enc(case), columns)
    if use_columns and values.shape[1] > columns:  # entries beyond `columns` are not touched
        head = op(values[:, :columns]) if columns else values[:, :0]
        values = np.concatenate([head, values[:, columns:]], axis=1)
    else:
        values = op(values)
    _same_sparse(
        _to_sparse(values, present),
        _expected(case)["matrix"],
        _expected_enc(case, "matrix"),
        _tolerance(case, document),
    )


@handles("inplace_row_normalize")
def _row_normalize(case: Case, document: Doc) -> None:
    _dense_op(case, document, lambda m: yuma.row_normalize(A, m))


@handles("inplace_row_normalize_sparse")
def _row_normalize_sparse(case: Case, document: Doc) -> None:
    _sparse_op(case, document, lambda m: yuma.row_normalize(A, m), use_columns=False)


@handles("inplace_col_normalize")
def _col_normalize(case: Case, document: Doc) -> None:
    _dense_op(case, document, lambda m: yuma.col_normalize(A, m))


@handles("inplace_col_normalize_sparse")
def _col_normalize_sparse(case: Case, document: Doc) -> None:
    _sparse_op(case, document, lambda m: yuma.col_normalize(A, m), use_columns=True)


@handles("inplace_col_max_upscale")
def _col_max_upscale(case: Case, document: Doc) -> None:
    _dense_op(case, document, lambda m: yuma.col_max_upscale(A, m))


@handles("inplace_col_max_upscale_sparse")
def _col_max_upscale_sparse(case: Case, document: Doc) -> None:
    _sparse_op(case, document, lambda m: yuma.col_max_upscale(A, m), use_columns=True)


# --------------------------------------------------------------------------------------------
# masks
# --------------------------------------------------------------------------------------------


def _mask_list(values: Sequence[Any], length: int) -> npt.NDArray[np.bool_]:
    """A bool mask padded with ``True`` (the Rust helpers treat missing mask entries as set)."""
    values = _bools(values)
    mask = np.ones(length, dtype=bool)
    m = min(len(values), length)
    mask[:m] = values[:m]
    return mask


@handles("inplace_mask_vector")
def _mask_vector(case: Case, document: Doc) -> None:
    inp, enc = _inputs(case), _input_enc(case)
    vector = _vec(inp["vector"], enc)
    given = _bools(inp["mask"])  # an empty mask masks nothing
    mask = _mask_list(given, len(vector)) if given else np.zeros(len(vector), bool)
    out = np.where(mask, 0, vector)
    _same_vec(
        out.tolist(),
        _expected(case)["vector"],
        _expected_enc(case, "vector"),
        _tolerance(case, document),
        "vector",
    )


@handles("inplace_mask_matrix")
def _mask_matrix(case: Case, document: Doc) -> None:
    inp = _inputs(case)
    matrix = _dense(inp["matrix"], _input_enc(case))
    rows = _listed(inp["mask"], "mask")
    mask = np.array([_bools(r) for r in rows], dtype=bool).reshape(matrix.shape)
    _same_dense(
        np.where(mask, 0, matrix),
        _expected(case)["matrix"],
        _expected_enc(case, "matrix"),
        _tolerance(case, document),
    )


@handles("inplace_mask_rows")
def _mask_rows(case: Case, document: Doc) -> None:
    inp = _inputs(case)
    matrix = _dense(inp["matrix"], _input_enc(case))
    mask = _mask_list(inp["mask"], matrix.shape[0])
    _same_dense(
        np.where(mask[:, None], 0, matrix),
        _expected(case)["matrix"],
        _expected_enc(case, "matrix"),
        _tolerance(case, document),
    )


@handles("mask_rows_sparse")
def _mask_rows_sparse(case: Case, document: Doc) -> None:
    inp = _inputs(case)
    values, present = _sparse(inp["matrix"], _input_enc(case))
    present &= ~_mask_list(inp["mask"], values.shape[0])[:, None]
    _same_sparse(
        _to_sparse(values, present),
        _expected(case)["matrix"],
        _expected_enc(case, "matrix"),
        _tolerance(case, document),
    )


def mask_diag_rows(rows: list[list[int]], except_index: int | None = None) -> list[list[int]]:
    """The dense ``inplace_mask_diag`` (``_except_index``) on rows of any lengths: the entries
    ``(i, i)`` that exist become 0, except the one at ``except_index``; a matrix without rows,
    with an empty first row, or whose row count differs from its first row's length (not
    square) is returned unchanged."""
    if not rows or not rows[0] or len(rows) != len(rows[0]):
        return [list(r) for r in rows]
    values = _padded(rows)
    keep = yuma.mask_diag(np.ones(values.shape, dtype=bool), np.arange(len(rows)), except_index)
    return _trimmed(np.where(keep, values, 0), [len(r) for r in rows])


@handles("inplace_mask_diag")
def _mask_diag_dense(case: Case, document: Doc) -> None:
    _same_rows(
        mask_diag_rows(_rows(_inputs(case)["matrix"], _input_enc(case))),
        _expected(case)["matrix"],
        _expected_enc(case, "matrix"),
        _tolerance(case, document),
    )


def _mask_diag_sparse_common(case: Case, document: Doc, except_index: int | None) -> None:
    values, present = _sparse(_inputs(case)["matrix"], _input_enc(case))
    present = yuma.mask_diag(present, np.arange(values.shape[0]), except_index)
    _same_sparse(
        _to_sparse(values, present),
        _expected(case)["matrix"],
        _expected_enc(case, "matrix"),
        _tolerance(case, document),
    )


@handles("mask_diag_sparse")
def _mask_diag_sparse(case: Case, document: Doc) -> None:
    _mask_diag_sparse_common(case, document, None)


@handles("mask_diag_sparse_except_index")
def _mask_diag_sparse_except(case: Case, document: Doc) -> None:
    _mask_diag_sparse_common(case, document, int(_inputs(case)["except_index"]))


_MASK_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
}


@handles("vec_mask_sparse_matrix")
def _vec_mask_sparse(case: Case, document: Doc) -> None:
    inp = _inputs(case)
    values, present = _sparse(inp["matrix"], _input_enc(case))
    match = re.fullmatch(r"\s*first\[i\]\s*(==|!=|<=|>=|<|>)\s*second\[j\]\s*", inp["mask_fn"])
    if match is None:
        raise CaseFailed(f"unsupported mask_fn {inp['mask_fn']!r}")
    first = np.zeros(values.shape[0], dtype=np.int64)
    first_vector, second_vector = _ints(inp["first_vector"]), _ints(inp["second_vector"])
    m = min(len(first_vector), values.shape[0])
    first[:m] = first_vector[:m]
    second = np.zeros(values.shape[1], dtype=np.int64)
    m = min(len(second_vector), values.shape[1])
    second[:m] = second_vector[:m]
    present &= ~yuma.vec_mask(first, second, _MASK_OPS[match.group(1)])
    _same_sparse(
        _to_sparse(values, present),
        _expected(case)["matrix"],
        _expected_enc(case, "matrix"),
        _tolerance(case, document),
    )


# --------------------------------------------------------------------------------------------
# products
# --------------------------------------------------------------------------------------------


@handles("vec_mul")
def _vec_mul(case: Case, document: Doc) -> None:
    inp, enc = _inputs(case), _input_enc(case)
    a, b = _vec(inp["a"], enc), _vec(inp["b"], enc)
    m = min(len(a), len(b))
    c = yuma.vec_mul(A, a[:m], b[:m])
    _same_vec(
        c.tolist(), _expected(case)["c"], _expected_enc(case, "c"), _tolerance(case, document), "c"
    )


@handles("mat_vec_mul")
def _mat_vec_mul(case: Case, document: Doc) -> None:
    inp, enc = _inputs(case), _input_enc(case)
    matrix, vector = _dense(inp["matrix"], enc), _vec(inp["vector"], enc)
    width = min(matrix.shape[1], len(vector))  # rows are zipped with the vector
    out = yuma.mat_vec_mul(A, matrix[:, :width], vector[:width])
    _same_dense(
        out, _expected(case)["matrix"], _expected_enc(case, "matrix"), _tolerance(case, document)
    )


@handles("mat_vec_mul_sparse")
def _mat_vec_mul_sparse(case: Case, document: Doc) -> None:
    inp, enc = _inputs(case), _input_enc(case)
    values, present = _sparse(inp["matrix"], enc)
    vector = _vec(inp["vector"], enc)
    width = values.shape[1]
    padded = np.zeros(width, dtype=np.int64)
    padded[: min(width, len(vector))] = vector[:width]
    out = yuma.mat_vec_mul(A, values, padded)
    present = present & (np.arange(width) < len(vector))[None, :] & (out != 0)
    _same_sparse(
        _to_sparse(out, present),
        _expected(case)["matrix"],
        _expected_enc(case, "matrix"),
        _tolerance(case, document),
    )


@handles("row_hadamard")
def _row_hadamard(case: Case, document: Doc) -> None:
    inp, enc = _inputs(case), _input_enc(case)
    matrix, vector = _dense(inp["matrix"], enc), _vec(inp["vector"], enc)
    rows = min(matrix.shape[0], len(vector))
    _same_dense(
        yuma.row_hadamard(A, matrix[:rows], vector[:rows]),
        _expected(case)["matrix"],
        _expected_enc(case, "matrix"),
        _tolerance(case, document),
    )


@handles("row_hadamard_sparse")
def _row_hadamard_sparse(case: Case, document: Doc) -> None:
    inp, enc = _inputs(case), _input_enc(case)
    values, present = _sparse(inp["matrix"], enc)
    vector = _vec(inp["vector"], enc)
    rows = min(values.shape[0], len(vector))
    out = yuma.row_hadamard(A, values[:rows], vector[:rows])
    _same_sparse(
        _to_sparse(out, present[:rows]),
        _expected(case)["matrix"],
        _expected_enc(case, "matrix"),
        _tolerance(case, document),
    )


@handles("row_sum")
def _row_sum(case: Case, document: Doc) -> None:
    matrix = _dense(_inputs(case)["matrix"], _input_enc(case))
    sums = yuma.row_sum(matrix) if matrix.shape[1] else np.zeros(0, dtype=np.int64)
    _same_vec(
        sums.tolist(),
        _expected(case)["sums"],
        _expected_enc(case, "sums"),
        _tolerance(case, document),
        "sums",
    )


@handles("row_sum_sparse")
def _row_sum_sparse(case: Case, document: Doc) -> None:
    values, _ = _sparse(_inputs(case)["matrix"], _input_enc(case))
    _same_vec(
        yuma.row_sum(values).tolist(),
        _expected(case)["sums"],
        _expected_enc(case, "sums"),
        _tolerance(case, document),
        "sums",
    )


def _check_result(case: Case, document: Doc, out: np.ndarray) -> None:
    """Compare a vector output with the case's expected ``result`` at the case's tolerance."""
    _same_vec(
        out.tolist(),
        _expected(case)["result"],
        _expected_enc(case, "result"),
        _tolerance(case, document),
        "result",
    )


def _check_matmul(case: Case, document: Doc, matrix: np.ndarray, vector: np.ndarray) -> None:
    """Σ_i vector[i]·matrix[i, j]; rows beyond the vector contribute 0."""
    scale = np.zeros(matrix.shape[0], dtype=np.int64)
    m = min(matrix.shape[0], len(vector))
    scale[:m] = vector[:m]
    if matrix.size:
        out = yuma.matmul(A, matrix, scale)
    else:  # no rows: every column sums to 0
        out = np.zeros(matrix.shape[1] if matrix.ndim == 2 else 0, dtype=np.int64)
    _check_result(case, document, out)


@handles("matmul")
def _matmul(case: Case, document: Doc) -> None:
    inp, enc = _inputs(case), _input_enc(case)
    _check_matmul(case, document, _dense(inp["matrix"], enc), _vec(inp["vector"], enc))


@handles("matmul_sparse")
def _matmul_sparse(case: Case, document: Doc) -> None:
    inp, enc = _inputs(case), _input_enc(case)
    columns = int(inp["columns"])
    values, _ = _sparse(inp["matrix"], enc, columns)
    _check_matmul(case, document, values[:, :columns], _vec(inp["vector"], enc))


@handles("matmul_transpose_sparse")
def _matmul_transpose_sparse(case: Case, document: Doc) -> None:
    inp, enc = _inputs(case), _input_enc(case)
    values, _ = _sparse(inp["matrix"], enc)
    vector = _vec(inp["vector"], enc)
    padded = np.zeros(values.shape[1], dtype=np.int64)  # missing vector entries count as 0
    m = min(values.shape[1], len(vector))
    padded[:m] = vector[:m]
    out = yuma.matmul_transpose(A, values, padded)
    _check_result(case, document, out)


# --------------------------------------------------------------------------------------------
# clipping and interpolation
# --------------------------------------------------------------------------------------------


@handles("inplace_col_clip")
def _col_clip(case: Case, document: Doc) -> None:
    inp, enc = _inputs(case), _input_enc(case)
    matrix, thresholds = _dense(inp["matrix"], enc), _vec(inp["thresholds"], enc)
    width = min(matrix.shape[1], len(thresholds))  # entries beyond the thresholds are kept
    clipped, _ = yuma.col_clip(matrix[:, :width], thresholds[:width])
    out = np.concatenate([clipped, matrix[:, width:]], axis=1)
    _same_dense(
        out, _expected(case)["matrix"], _expected_enc(case, "matrix"), _tolerance(case, document)
    )


@handles("col_clip_sparse")
def _col_clip_sparse(case: Case, document: Doc) -> None:
    inp, enc = _inputs(case), _input_enc(case)
    values, present = _sparse(inp["matrix"], enc, len(inp["thresholds"]))
    thresholds = np.zeros(values.shape[1], dtype=np.int64)  # missing thresholds are 0
    thresholds[: len(inp["thresholds"])] = _vec(inp["thresholds"], enc)
    clipped, kept = yuma.col_clip(values, thresholds, present)
    assert kept is not None
    _same_sparse(
        _to_sparse(clipped, kept),
        _expected(case)["matrix"],
        _expected_enc(case, "matrix"),
        _tolerance(case, document),
    )


@handles("interpolate")
def _interpolate(case: Case, document: Doc) -> None:
    inp, enc = _inputs(case), _input_enc(case)
    m1, m2 = _dense(inp["mat1"], enc), _dense(inp["mat2"], enc)
    ratio = fx_value(inp["ratio"], _input_enc(case, "ratio"))
    if m1.size == 0 and ratio not in (0, fx.ONE32):
        out: Raw = np.zeros((1, 0), dtype=np.int64)
    else:
        out, _ = yuma.interpolate(A, m1, m2, ratio)
    _same_dense(
        out, _expected(case)["matrix"], _expected_enc(case, "matrix"), _tolerance(case, document)
    )


@handles("interpolate_sparse")
def _interpolate_sparse(case: Case, document: Doc) -> None:
    inp, enc = _inputs(case), _input_enc(case)
    columns = int(inp["columns"])
    m1, p1 = _sparse(inp["mat1"], enc, columns)
    m2, p2 = _sparse(inp["mat2"], enc, columns)
    width = max(m1.shape[1], m2.shape[1])
    m1, p1 = _pad_cols(m1, p1, width)
    m2, p2 = _pad_cols(m2, p2, width)
    ratio = fx_value(inp["ratio"], _input_enc(case, "ratio"))
    out, present = yuma.interpolate(A, m1, m2, ratio, p1, p2)
    assert present is not None
    if ratio not in (0, fx.ONE32):  # the general case densifies over `columns` only
        present = present & (np.arange(width) < columns)[None, :]
    _same_sparse(
        _to_sparse(out, present),
        _expected(case)["matrix"],
        _expected_enc(case, "matrix"),
        _tolerance(case, document),
    )


def _pad_cols(
    values: Raw, present: npt.NDArray[np.bool_], width: int
) -> tuple[Raw, npt.NDArray[np.bool_]]:
    extra = width - values.shape[1]
    if extra <= 0:
        return values, present
    return (np.pad(values, ((0, 0), (0, extra))), np.pad(present, ((0, 0), (0, extra))))


# --------------------------------------------------------------------------------------------
# bond EMA
# --------------------------------------------------------------------------------------------


def ema_alpha_values(
    new: Raw, old: Raw, alpha: Raw, new_present: npt.NDArray[np.bool_] | None = None
) -> Raw:
    """``mat_ema_alpha`` entries ``min(1, sat((1-a)*old) + max(0, sat(a*new)))`` of equal-shape
    arrays: :func:`dtao.yuma.mat_ema_alpha` when nothing can saturate, else the scalar
    saturating ops of :mod:`dtao.fixed`. With ``new_present`` (sparse), only entries present in
    ``new`` and > 0 are kept (others 0)."""
    one_minus = _max_abs(fx.ONE32 - np.asarray(alpha, dtype=object)) if alpha.size else 0
    if one_minus <= fx.I32F32_MAX and _unsaturated(
        (one_minus, _max_abs(old)), (_max_abs(alpha), _max_abs(new))
    ):
        return yuma.mat_ema_alpha(A, new, old, alpha, new_present)
    out = np.zeros(new.shape, dtype=np.int64)
    for idx in np.ndindex(*new.shape):
        a = int(alpha[idx])
        decayed = fx.saturating_mul(fx.saturating_sub(fx.ONE32, a), int(old[idx]))
        inc = max(fx.saturating_mul(a, int(new[idx])), 0)
        out[idx] = min(fx.saturating_add(decayed, inc), fx.ONE32)
    if new_present is None:
        return out
    return np.where(new_present & (out > 0), out, 0)


def mat_ema_alpha_rows(
    new: list[list[int]], old: list[list[int]], alpha: list[list[int]]
) -> list[list[int]]:
    """The dense ``mat_ema_alpha`` on rows of any lengths, shape rules included: no rows (or
    an empty first row) -> one empty row; a different number of rows in ``old`` or ``alpha`` ->
    ``old`` unchanged; any row of ``old`` or ``alpha`` of another length than in ``new`` ->
    ``new`` unchanged. (The chain logs these cases and returns a result; it does not fail.)"""
    if not new or not new[0]:
        return [[]]
    if len(new) != len(old) or len(new) != len(alpha):
        return [list(r) for r in old]
    lengths = [len(r) for r in new]
    if any(len(o) != n or len(a) != n for o, a, n in zip(old, alpha, lengths, strict=True)):
        return [list(r) for r in new]
    out = ema_alpha_values(_padded(new), _padded(old), _padded(alpha))
    return _trimmed(out, lengths)


@handles("mat_ema_alpha")
def _mat_ema_alpha(case: Case, document: Doc) -> None:
    inp, enc = _inputs(case), _input_enc(case)
    new, old, alpha = (_rows(inp[key], enc) for key in ("new", "old", "alpha"))
    _same_rows(
        mat_ema_alpha_rows(new, old, alpha),
        _expected(case)["matrix"],
        _expected_enc(case, "matrix"),
        _tolerance(case, document),
    )


@handles("mat_ema_alpha_sparse")
def _mat_ema_alpha_sparse(case: Case, document: Doc) -> None:
    inp, enc = _inputs(case), _input_enc(case)
    alpha_rows = _rows(inp["alpha"], enc)
    new_values, new_present = _sparse(_sparse_rows(inp["new"]), enc)
    _sparse(_sparse_rows(inp["old"]), enc)  # decoded for validation only
    if len(inp["new"]) != len(inp["old"]) or len(inp["new"]) != len(alpha_rows):
        got = _to_sparse(new_values, new_present)  # shapes differ: `new` unchanged
    else:
        width = max((len(r) for r in alpha_rows), default=0)
        new, p_new = _sparse(inp["new"], enc, width)
        old, _ = _sparse(inp["old"], enc, width)
        alpha = _padded(alpha_rows, width)
        in_alpha = np.zeros(alpha.shape, dtype=bool)  # the alpha row's length bounds the cols
        for i, row in enumerate(alpha_rows):
            in_alpha[i, : len(row)] = True
        keep = p_new[:, :width] & in_alpha
        out = ema_alpha_values(new[:, :width], old[:, :width], alpha, keep)
        got = _to_sparse(out, (out > 0) & keep)
    _same_sparse(
        got,
        _expected(case)["matrix"],
        _expected_enc(case, "matrix"),
        _tolerance(case, document),
    )


@handles("bonds_moving_average_to_alpha")
def _bma_alpha(case: Case, document: Doc) -> None:
    inp = _inputs(case)
    if "bonds_moving_average" in inp:
        got = int(A.bma_alpha(int(inp["bonds_moving_average"])))
    else:  # upstream overflow test: I64F64(I32F32::MAX) / I64F64(I32F32::MAX) = 1
        big = fx.I32F32_MAX << (fx.FRAC64 - fx.FRAC32)  # I64F64(I32F32::MAX)
        got = fx.ema_alpha_from_ratio64(fx.I64F64.safe_div(big, big))
    _same(
        got,
        _expected(case)["alpha"],
        _expected_enc(case, "alpha"),
        _tolerance(case, document),
        "alpha",
    )


# --------------------------------------------------------------------------------------------
# u16 conversions
# --------------------------------------------------------------------------------------------


def _same_ints(got: Sequence[int], expected: Sequence[Any], what: str) -> None:
    got_list = [int(v) for v in got]
    want = [int(v) for v in expected]
    check(got_list == want, f"{what}: got {got_list}, expected {want}")


@handles("vec_max_upscale_to_u16")
def _vec_max_upscale(case: Case, document: Doc) -> None:
    vector = [fx_value(v, _input_enc(case)) for v in _listed(_inputs(case)["vector"])]
    _same_ints(fx.vec_max_upscale_to_u16(vector), _expected(case)["u16"], "u16")


@handles("vec_u16_max_upscale_to_u16")
def _vec_u16_max_upscale(case: Case, document: Doc) -> None:
    vector = np.array(_ints(_inputs(case)["vector"]), dtype=np.int64)
    _same_ints(yuma.max_upscale_weights_u16(vector).tolist(), _expected(case)["u16"], "u16")


@handles("check_vec_max_limited")
def _check_vec_max_limited(case: Case, document: Doc) -> None:
    inp = _inputs(case)
    got = fx.check_vec_max_limited(_ints(inp["vector"]), int(inp["max_limit"]))
    check(got == bool(_expected(case)["ok"]), f"ok: got {got}")


@handles("I64F64 stake normalization and I64F64->I32F32 truncation")
def _u64_normalization(case: Case, document: Doc) -> None:
    inp, expected = _inputs(case), _expected(case)
    divisor = int(inp["divisor_u64"])
    prefix = {"min": "min", "min32": "min32", "mid": "half", "max": "one"}
    values = inp["values_u64"]
    check(isinstance(values, dict) and bool(values), "values_u64 must be a non-empty object")
    for key, value in values.items():
        frac64 = fx.I64F64.safe_div(int(value) << fx.FRAC64, divisor << fx.FRAC64)
        frac32 = fx.fixed64_to_fixed32(frac64)
        name = prefix[key]
        want64 = next(
            v for k, v in expected.items() if k.startswith(f"{name}_") and k.endswith("I64F64")
        )
        want32 = next(
            v for k, v in expected.items() if k.startswith(f"{name}_") and k.endswith("I32F32")
        )
        check(frac64 == fx.I64F64.from_f64(float(want64)), f"{key} I64F64: raw {frac64}")
        check(frac32 == fx.from_f64(float(want32)), f"{key} I32F32: raw {frac32}")


@handles("fixed_proportion_to_u16")
def _fixed_proportion_to_u16(case: Case, document: Doc) -> None:
    x = fx_value(_inputs(case)["x"], _input_enc(case))
    _same_ints([fx.fixed_proportion_to_u16(x)], [_expected(case)["u16"]], "u16")
    _same_ints(A.to_u16(np.array([x], dtype=np.int64)).tolist(), [_expected(case)["u16"]], "u16")


@handles("fixed_to_u16")
def _fixed_to_u16(case: Case, document: Doc) -> None:
    got = [fx.fixed_to_u16(fx.from_int(v)) for v in _inputs(case)["x_ints"]]
    _same_ints(got, _expected(case)["u16"], "u16")


@handles("u16_proportion_to_fixed")
def _u16_proportion_to_fixed(case: Case, document: Doc) -> None:
    u = int(_inputs(case)["u16"])
    got = fx.u16_proportion_to_fixed(u)
    check(got == int(A.u16_fraction(np.array([u]))[0]), "vectorised u16 fraction differs")
    _same(got, _expected(case)["x"], _expected_enc(case, "x"), _tolerance(case, document), "x")


# --------------------------------------------------------------------------------------------
# exp / sigmoid / top-k
# --------------------------------------------------------------------------------------------


@handles("exp_safe")
def _exp_safe(case: Case, document: Doc) -> None:
    x = fx_value(_inputs(case)["x"], _input_enc(case))
    want = int(_expected(case)["expected_raw_derived"])
    got = fx.exp_safe(x)
    check(got == want, f"exp_safe: raw {got} != {want}")
    got_vec = int(A.exp_safe(np.array([x], dtype=np.int64))[0])
    check(got_vec == want, f"vectorised exp_safe: raw {got_vec} != {want}")


@handles("sigmoid_safe")
def _sigmoid_safe(case: Case, document: Doc) -> None:
    inp, enc = _inputs(case), _input_enc(case)
    rho, kappa = fx_value(inp["rho"], enc), fx_value(inp["kappa"], enc)
    got = [fx.sigmoid_safe(fx_value(x, enc), rho, kappa) for x in inp["x"]]
    _same_vec(got, _expected(case)["y"], _expected_enc(case, "y"), _tolerance(case, document), "y")


@handles("is_topk")
def _is_topk(case: Case, document: Doc) -> None:
    inp = _inputs(case)
    key = _vec(inp["vector"], _input_enc(case))
    got = yuma.is_topk(key, int(inp["k"]))
    check(
        [bool(v) for v in got] == [bool(v) for v in _expected(case)["mask"]],
        f"mask: got {got.tolist()}",
    )


# --------------------------------------------------------------------------------------------
# mechanisms
# --------------------------------------------------------------------------------------------


@handles("split_emissions")
def _split_emissions(case: Case, document: Doc) -> None:
    inp = _inputs(case)
    split = inp.get("emission_split_u16")
    got = mechanisms.split_emissions(
        int(inp["alpha"]),
        int(inp["mechanism_count"]),
        None if split is None else [int(s) for s in split],
    )
    _same_ints(got, _expected(case)["per_mechanism"], "per_mechanism")


@handles("get_netuid_and_subid")
def _netuid_and_subid(case: Case, document: Doc) -> None:
    pairs = [mechanisms.get_netuid_and_subid(int(i)) for i in _inputs(case)["storage_index"]]
    _same_ints([p[0] for p in pairs], _expected(case)["netuid"], "netuid")
    _same_ints([p[1] for p in pairs], _expected(case)["mecid"], "mecid")
