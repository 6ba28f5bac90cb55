"""Vector handlers for the rest of the chain's epoch math that its tests call.

``cases_math`` covers the primitives of the shared ``math_*.json`` files; this module adds the
remaining functions of ``epoch/math.rs`` called by the chain's tests (fixed-point conversions,
``checked_sum``, the owner-exempt dense diagonal mask, dense ``matmul_transpose``), the
run_epoch helper ``compute_bonds`` (dense) and the mechanism storage index; and, though the
chain's tests do not call them directly, the other bond helpers the epoch uses (``mat_ema``,
``mat_ema_sparse``, ``compute_ema_bonds_normal[_sparse]``, ``compute_bonds_sparse``,
``alpha_sigmoid``) and ``is_topk_nonzero``. The file format and the value encodings are those
of ``cases_math`` (whose decoding and comparison helpers are used here);
``tests/vectors/math_more.json`` holds cases for each function.

As in ``cases_math``, the numbers come from :mod:`dtao.fixed`, :mod:`dtao.yuma` (exact backend)
and :mod:`dtao.mechanisms`; this module reproduces the chain's list-shape rules (the Rust helpers
answer for mismatched shapes rather than fail) and, where a vectorised primitive would not see
the chain's saturation, uses the scalar saturating operations of :mod:`dtao.fixed` instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dtao import fixed as fx
from dtao import mechanisms, yuma
from dtao.conformance.cases_math import (
    A,
    Doc,
    _expected,
    _expected_enc,
    _input_enc,
    _inputs,
    _listed,
    _max_abs,
    _padded,
    _rows,
    _same_ints,
    _same_rows,
    _same_sparse,
    _same_vec,
    _sparse,
    _sparse_rows,
    _to_sparse,
    _tolerance,
    _trimmed,
    _u16_index,
    _unsaturated,
    ema_alpha_values,
    fx_value,
    mask_diag_rows,
    mat_ema_alpha_rows,
)
from dtao.conformance.registry import Case, CaseFailed, check, handles

#: Integer types ``checked_sum`` is called with: name -> (min, max).
INT_TYPES: dict[str, tuple[int, int]] = {
    **{f"u{b}": (0, (1 << b) - 1) for b in (8, 16, 32, 64, 128)},
    **{f"i{b}": (-(1 << (b - 1)), (1 << (b - 1)) - 1) for b in (8, 16, 32, 64, 128)},
}


def _integer(value: Any, type_name: str, what: str) -> int:
    """An exact integer of the named Rust type (``bool`` and floats are not integers)."""
    lo, hi = INT_TYPES[type_name]
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise CaseFailed(f"{what} {value!r} is not a {type_name}")
    return value


def _list(inputs: dict[str, Any], key: str) -> list[Any]:
    return _listed(inputs[key], f"inputs.{key}")


# --------------------------------------------------------------------------------------------
# fixed-point conversions
# --------------------------------------------------------------------------------------------


@handles("fixed")
def _fixed(case: Case, document: Doc) -> None:
    """``I32F32::saturating_from_num(f32)`` of each literal in ``inputs.f32``."""
    got = []
    for v in _list(_inputs(case), "f32"):
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise CaseFailed(f"not an f32 literal: {v!r}")
        got.append(fx.from_f32(float(v)))
    _same_vec(got, _expected(case)["x"], _expected_enc(case, "x"), _tolerance(case, document), "x")


@handles("u16_to_fixed")
def _u16_to_fixed(case: Case, document: Doc) -> None:
    got = [fx.u16_to_fixed(_integer(u, "u16", "input")) for u in _list(_inputs(case), "u16")]
    _same_vec(got, _expected(case)["x"], _expected_enc(case, "x"), _tolerance(case, document), "x")


@handles("fixed_to_u64")
def _fixed_to_u64(case: Case, document: Doc) -> None:
    enc = _input_enc(case)
    got = [fx.fixed_to_u64(fx_value(v, enc)) for v in _list(_inputs(case), "x")]
    _same_ints(got, _expected(case)["u64"], "u64")


@handles("fixed64_to_u64")
def _fixed64_to_u64(case: Case, document: Doc) -> None:
    enc = _input_enc(case)
    got = [fx.fixed64_to_u64(fx_value(v, enc, fx.I64F64)) for v in _list(_inputs(case), "x")]
    _same_ints(got, _expected(case)["u64"], "u64")


@handles("fixed64_to_fixed32", "vec_fixed64_to_fixed32")
def _fixed64_to_fixed32(case: Case, document: Doc) -> None:
    """``I32F32::saturating_from_num(I64F64)`` of each value (the vector form maps it)."""
    enc = _input_enc(case)
    got = [fx.fixed64_to_fixed32(fx_value(v, enc, fx.I64F64)) for v in _list(_inputs(case), "x")]
    _same_vec(got, _expected(case)["x"], _expected_enc(case, "x"), _tolerance(case, document), "x")


@handles("checked_sum")
def _checked_sum(case: Case, document: Doc) -> None:
    """``checked_sum`` over integers of ``inputs.type``; ``expected.sum`` is null for ``None``."""
    inp = _inputs(case)
    type_name = inp.get("type")
    if type_name not in INT_TYPES:
        raise CaseFailed(f"checked_sum: unsupported type {type_name!r}")
    values = [_integer(v, type_name, "value") for v in _list(inp, "values")]
    got = fx.checked_sum(values, *INT_TYPES[type_name])
    want = _expected(case)["sum"]
    want = None if want is None else _integer(want, type_name, "expected sum")
    check(got == want, f"sum: got {got}, expected {want}")


# --------------------------------------------------------------------------------------------
# masks and products
# --------------------------------------------------------------------------------------------


@handles("inplace_mask_diag_except_index")
def _mask_diag_except_index(case: Case, document: Doc) -> None:
    inp = _inputs(case)
    except_index = _u16_index(inp["except_index"], "except_index")
    _same_rows(
        mask_diag_rows(_rows(inp["matrix"], _input_enc(case)), except_index),
        _expected(case)["matrix"],
        _expected_enc(case, "matrix"),
        _tolerance(case, document),
    )


def matmul_transpose_rows(rows: list[list[int]], vector: list[int]) -> list[int]:
    """Dense ``matmul_transpose``: ``d_i = sum_j m_ij * v_j`` over ``min(len(row_i), len(v))``
    entries; no rows or an empty first row give no values."""
    if not rows or not rows[0]:
        return []
    width = max(len(r) for r in rows)
    matrix = _padded(rows, width)  # missing entries are 0: they add nothing
    padded = _padded([vector], width)[0]
    if _unsaturated((_max_abs(matrix), _max_abs(padded)), terms=width):
        return [int(v) for v in yuma.matmul_transpose(A, matrix, padded)]
    return [fx.saturating_dot(r, vector) for r in rows]


@handles("matmul_transpose")
def _matmul_transpose(case: Case, document: Doc) -> None:
    inp, enc = _inputs(case), _input_enc(case)
    vector = [fx_value(v, enc) for v in _list(inp, "vector")]
    _same_vec(
        matmul_transpose_rows(_rows(inp["matrix"], enc), vector),
        _expected(case)["result"],
        _expected_enc(case, "result"),
        _tolerance(case, document),
        "result",
    )


# --------------------------------------------------------------------------------------------
# bonds (run_epoch helpers)
# --------------------------------------------------------------------------------------------

#: Beyond this magnitude (raw I32F32, i.e. 2^29) a difference or sum of two inputs of the
#: liquid-alpha EMA could leave int64, where the chain would saturate.
_LIQUID_EXACT_RAW = 1 << 61


def _bond_params(inp: dict[str, Any]) -> yuma.YumaParams:
    """The subnet hyperparameters ``compute_bonds`` reads (u16 alphas, i16 steepness)."""
    liquid = inp["liquid_alpha"]
    if not isinstance(liquid, bool):
        raise CaseFailed(f"liquid_alpha {liquid!r} is not a bool")
    return yuma.YumaParams(
        liquid_alpha=liquid,
        alpha_low=_integer(inp.get("alpha_low", 0), "u16", "alpha_low"),
        alpha_high=_integer(inp.get("alpha_high", 0), "u16", "alpha_high"),
        alpha_sigmoid_steepness=_integer(
            inp.get("alpha_sigmoid_steepness", 0), "i16", "alpha_sigmoid_steepness"
        ),
        bonds_moving_average=_integer(inp["bonds_moving_average"], "u64", "bonds_moving_average"),
    )


def _mat_ema_scalar(new: Any, old: Any, alpha: int) -> Any:
    """``alpha*new + (1-alpha)*old`` entry by entry with the saturating scalar ops."""
    one_minus = fx.saturating_sub(fx.ONE32, alpha)
    out = np.zeros(new.shape, dtype=np.int64)
    for idx in np.ndindex(*new.shape):
        out[idx] = fx.saturating_add(
            fx.saturating_mul(alpha, int(new[idx])), fx.saturating_mul(one_minus, int(old[idx]))
        )
    return out


def compute_bonds_rows(
    weights: list[list[int]], bonds: list[list[int]], consensus: list[int], p: yuma.YumaParams
) -> list[list[int]]:
    """Dense ``compute_bonds`` on rows of any lengths, the chain's shape rules included.

    Liquid alpha (on, some consensus value non-zero): the alphas of row ``i`` cover
    ``min(len(w_i), len(b_i), len(consensus))`` entries, and none at all when ``weights`` and
    ``bonds`` have different numbers of rows; the EMA then follows :func:`mat_ema_alpha_rows`
    (``bonds`` unchanged for no alphas, ``weights`` unchanged for a short alpha row). Scalar
    alpha: rows are paired up to the shorter matrix, each over its shorter row.
    """
    if not weights or not weights[0]:
        return [[]]
    liquid = p.liquid_alpha and any(c != 0 for c in consensus)
    if liquid:
        if len(weights) != len(bonds):
            return mat_ema_alpha_rows(weights, bonds, [])
        lengths = [len(r) for r in weights]
        if any(len(b) != n or n > len(consensus) for b, n in zip(bonds, lengths, strict=True)):
            return [list(r) for r in weights]  # an alpha row shorter than its weights row
    else:
        lengths = [min(len(w), len(b)) for w, b in zip(weights, bonds, strict=False)]
        if not lengths:  # no bonds rows: no output rows
            return []
    width = max(lengths)
    w = _padded(weights[: len(lengths)], width)
    b = _padded(bonds[: len(lengths)], width)
    c = np.array(consensus, dtype=np.int64)
    if liquid:
        if _max_abs(w, b, c) >= _LIQUID_EXACT_RAW:
            raise CaseFailed("liquid-alpha inputs beyond 2^29: outside the exact range")
        out = yuma.compute_bonds(A, w, b, c, p)
    else:
        alpha = int(A.bma_alpha(p.bonds_moving_average))
        one_minus = fx.ONE32 - alpha
        if one_minus <= fx.I32F32_MAX and _unsaturated(
            (abs(alpha), _max_abs(w)), (one_minus, _max_abs(b))
        ):
            out = yuma.compute_bonds(A, w, b, c, p)
        else:
            out = _mat_ema_scalar(w, b, alpha)
    return _trimmed(out, lengths)


@handles("compute_bonds")
def _compute_bonds(case: Case, document: Doc) -> None:
    """Dense ``compute_bonds(netuid, weights, bonds, consensus)`` with the subnet's liquid-alpha
    switch, alpha low/high (u16), sigmoid steepness (i16) and bonds moving average given."""
    inp, enc = _inputs(case), _input_enc(case)
    consensus = [fx_value(v, enc) for v in _list(inp, "consensus")]
    got = compute_bonds_rows(
        _rows(inp["weights"], enc), _rows(inp["bonds"], enc), consensus, _bond_params(inp)
    )
    _same_rows(
        got, _expected(case)["matrix"], _expected_enc(case, "matrix"), _tolerance(case, document)
    )


# The functions below are not called by the chain's tests directly, but the epoch uses them;
# handlers for them complete the format (their cases in math_more.json are derived by hand).


def mat_ema_rows(new: list[list[int]], old: list[list[int]], alpha: int) -> list[list[int]]:
    """Dense ``mat_ema``: ``alpha*new + (1-alpha)*old`` (nothing clamped or dropped); no rows
    or an empty first row give one empty row, rows pair up to the shorter matrix and each row
    runs over its shorter pair."""
    if not new or not new[0]:
        return [[]]
    lengths = [min(len(n), len(o)) for n, o in zip(new, old, strict=False)]
    if not lengths:
        return []
    width = max(lengths)
    n, o = _padded(new[: len(lengths)], width), _padded(old[: len(lengths)], width)
    one_minus = fx.ONE32 - alpha
    if one_minus <= fx.I32F32_MAX and _unsaturated(
        (abs(alpha), _max_abs(n)), (one_minus, _max_abs(o))
    ):
        return _trimmed(yuma.mat_ema_dense(A, n, o, alpha), lengths)
    return _trimmed(_mat_ema_scalar(n, o, alpha), lengths)


def mat_ema_sparse_rows(new: Any, old: Any, alpha: int, enc: str) -> list[list[tuple[int, int]]]:
    """``mat_ema_sparse`` of sparse rows: every row of ``new`` is densified over ``len(new)``
    columns (the chain assumes a square matrix; entries at later columns are dropped), the
    matching row of ``old`` (if any) added, and the entries > 0 kept."""
    n = len(new)
    new_values, _ = _sparse(_sparse_rows(new), enc, n)
    _sparse(_sparse_rows(old), enc)  # every entry decodes, even those beyond the rows of new
    if n == 0:
        return []
    old_values, _ = _sparse(old[:n] + [[]] * max(n - len(old), 0), enc, n)
    nv, ov = new_values[:, :n], old_values[:, :n]
    one_minus = fx.ONE32 - alpha
    if one_minus <= fx.I32F32_MAX and _unsaturated(
        (abs(alpha), _max_abs(nv)), (one_minus, _max_abs(ov))
    ):
        out = yuma.mat_ema(A, nv, ov, alpha)
    else:
        out = _mat_ema_scalar(nv, ov, alpha)
    return _to_sparse(out, out > 0)


@handles("mat_ema")
def _mat_ema(case: Case, document: Doc) -> None:
    inp, enc = _inputs(case), _input_enc(case)
    alpha = fx_value(inp["alpha"], _input_enc(case, "alpha"))
    _same_rows(
        mat_ema_rows(_rows(inp["new"], enc), _rows(inp["old"], enc), alpha),
        _expected(case)["matrix"],
        _expected_enc(case, "matrix"),
        _tolerance(case, document),
    )


@handles("mat_ema_sparse")
def _mat_ema_sparse(case: Case, document: Doc) -> None:
    inp, enc = _inputs(case), _input_enc(case)
    alpha = fx_value(inp["alpha"], _input_enc(case, "alpha"))
    _same_sparse(
        mat_ema_sparse_rows(_list(inp, "new"), _list(inp, "old"), alpha, enc),
        _expected(case)["matrix"],
        _expected_enc(case, "matrix"),
        _tolerance(case, document),
    )


def _scalar_alpha(inp: dict[str, Any]) -> int:
    bma = _integer(inp["bonds_moving_average"], "u64", "bonds_moving_average")
    return int(A.bma_alpha(bma))


@handles("compute_ema_bonds_normal")
def _compute_ema_bonds_normal(case: Case, document: Doc) -> None:
    """``mat_ema(bonds_delta, bonds, 1 - bonds_moving_average / 1e6)`` (dense)."""
    inp, enc = _inputs(case), _input_enc(case)
    got = mat_ema_rows(_rows(inp["bonds_delta"], enc), _rows(inp["bonds"], enc), _scalar_alpha(inp))
    _same_rows(
        got, _expected(case)["matrix"], _expected_enc(case, "matrix"), _tolerance(case, document)
    )


@handles("compute_ema_bonds_normal_sparse")
def _compute_ema_bonds_normal_sparse(case: Case, document: Doc) -> None:
    """``mat_ema_sparse(bonds_delta, bonds, 1 - bonds_moving_average / 1e6)``."""
    inp, enc = _inputs(case), _input_enc(case)
    got = mat_ema_sparse_rows(
        _list(inp, "bonds_delta"), _list(inp, "bonds"), _scalar_alpha(inp), enc
    )
    _same_sparse(
        got, _expected(case)["matrix"], _expected_enc(case, "matrix"), _tolerance(case, document)
    )


def _ascending(rows: list[Any], what: str) -> None:
    """The sparse liquid-alpha helper merges rows by ascending column: require that order."""
    for i, row in enumerate(rows):
        cols = [c for c, _ in row]
        if any(a >= b for a, b in zip(cols, cols[1:], strict=False)):
            raise CaseFailed(f"{what}[{i}]: columns are not strictly ascending")


@handles("compute_bonds_sparse")
def _compute_bonds_sparse(case: Case, document: Doc) -> None:
    """``compute_bonds_sparse``: with liquid alpha (on, some consensus value non-zero) the
    alphas cover ``len(consensus)`` columns of each row and the sparse per-entry EMA keeps only
    the entries of the weights rows (a bond without a weight entry is dropped); otherwise
    ``mat_ema_sparse`` with the scalar alpha."""
    inp, enc = _inputs(case), _input_enc(case)
    p = _bond_params(inp)
    weights, bonds = _sparse_rows(inp["weights"]), _sparse_rows(inp["bonds"])
    _sparse(weights, enc), _sparse(bonds, enc)  # every entry decodes, whatever path is taken
    consensus = [fx_value(v, enc) for v in _list(inp, "consensus")]
    if p.liquid_alpha and any(c != 0 for c in consensus):
        _ascending(weights, "weights")
        _ascending(bonds, "bonds")
        if len(weights) != len(bonds):  # no alphas: the EMA returns the weights unchanged
            values, present = _sparse(weights, enc)
            got = _to_sparse(values, present)
        else:
            width = len(consensus)
            w, p_w = _sparse(weights, enc, width)
            b, _ = _sparse(bonds, enc, width)
            w, p_w, b = w[:, :width], p_w[:, :width], b[:, :width]
            c = np.array(consensus, dtype=np.int64)
            if _max_abs(w, b, c) >= _LIQUID_EXACT_RAW:
                raise CaseFailed("liquid-alpha inputs beyond 2^29: outside the exact range")
            alphas = yuma.liquid_alpha(
                A,
                c,
                w,
                b,
                A.ratio_u16(p.alpha_low),
                A.ratio_u16(p.alpha_high),
                A.steepness(p.alpha_sigmoid_steepness),
            )
            out = ema_alpha_values(w, b, alphas, p_w)
            got = _to_sparse(out, (out > 0) & p_w)
    else:
        got = mat_ema_sparse_rows(weights, bonds, int(A.bma_alpha(p.bonds_moving_average)), enc)
    _same_sparse(
        got, _expected(case)["matrix"], _expected_enc(case, "matrix"), _tolerance(case, document)
    )


@handles("alpha_sigmoid")
def _alpha_sigmoid(case: Case, document: Doc) -> None:
    """``alpha_sigmoid(consensus, weight, bond, alpha_low, alpha_high, steepness)``, all I32F32
    (the steepness is divided by -100 inside, saturating)."""
    inp, enc = _inputs(case), _input_enc(case)
    c, w, b, low, high, steep = (
        fx_value(inp[key], enc)
        for key in ("consensus", "weight", "bond", "alpha_low", "alpha_high", "steepness")
    )
    if max(abs(c), abs(w), abs(b), abs(low), abs(high)) >= _LIQUID_EXACT_RAW:
        raise CaseFailed("alpha_sigmoid inputs beyond 2^29: outside the exact range")
    steepness = fx.saturating_div(steep, fx.I32F32.from_int(-100))
    got = yuma.liquid_alpha(
        A, np.array([c]), np.array([[w]]), np.array([[b]]), low, high, steepness
    )
    _same_vec(
        [int(got[0, 0])],
        [_expected(case)["alpha"]],
        _expected_enc(case, "alpha"),
        _tolerance(case, document),
        "alpha",
    )


@handles("is_topk_nonzero")
def _is_topk_nonzero(case: Case, document: Doc) -> None:
    """Validator permits at HEAD: the ``k`` largest values, zero values never included."""
    inp = _inputs(case)
    key = np.array([fx_value(v, _input_enc(case)) for v in _list(inp, "vector")], dtype=np.int64)
    k = inp["k"]
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise CaseFailed(f"k {k!r} is not a usize")
    got = yuma.is_topk(key, k, nonzero=True)
    want = [bool(v) for v in _expected(case)["mask"]]
    check([bool(v) for v in got] == want, f"mask: got {got.tolist()}, expected {want}")


# --------------------------------------------------------------------------------------------
# mechanisms
# --------------------------------------------------------------------------------------------


@handles("get_mechanism_storage_index")
def _mechanism_storage_index(case: Case, document: Doc) -> None:
    inp = _inputs(case)
    netuids, mecids = _list(inp, "netuid"), _list(inp, "mecid")
    check(len(netuids) == len(mecids), "netuid and mecid lists differ in length")
    got = [
        mechanisms.get_mechanism_storage_index(
            _integer(n, "u16", "netuid"), _integer(m, "u8", "mecid")
        )
        for n, m in zip(netuids, mecids, strict=True)
    ]
    _same_ints(got, _expected(case)["storage_index"], "storage_index")
