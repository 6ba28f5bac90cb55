"""Vector handlers for the coinbase files (``coinbase_dividend_distribution.json``)."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from dtao.conformance.registry import Case, CaseFailed, check, handles
from dtao.distribution import dividend_distribution, split_alpha_emission
from dtao.fixed import U96F32


def _u96f32_from_f64(value: object) -> Fraction:
    """``U96F32::from_num(f64)``: the float's exact value rounded to 2**-32, ties to even
    (saturating, as the dividend split clamps its ratio into U96F32 anyway)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CaseFailed(f"{value!r} is not a number")
    return Fraction(U96F32.from_f64(value), U96F32.one)


def _int_map(raw: object, what: str) -> dict[str, int]:
    if not isinstance(raw, dict):
        raise CaseFailed(f"{what} is not an object")
    out = {}
    for key, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise CaseFailed(f"{what}[{key!r}] = {value!r} is not an integer")
        out[str(key)] = value
    return out


@handles("calculate_dividend_distribution")
def dividend_distribution_case(case: Case, document: dict[str, Any]) -> None:
    """Alpha/root split of epoch dividends rescaled to the pending pots (chain U96F32 mode)."""
    inputs, expected = case["inputs"], case["expected"]
    pending_alpha = inputs.get("pending_validator_alpha")
    pending_root = inputs.get("pending_root_alpha")
    if not isinstance(pending_alpha, int) or not isinstance(pending_root, int):
        raise CaseFailed("pending amounts must be integers")
    raw_stakes = inputs.get("stake_map")
    if not isinstance(raw_stakes, dict):
        raise CaseFailed("stake_map is not an object")
    stakes: dict[str, tuple[int, int]] = {}
    for hotkey, pair in raw_stakes.items():
        if not (isinstance(pair, list) and len(pair) == 2 and all(type(v) is int for v in pair)):
            raise CaseFailed(f"stake_map[{hotkey!r}] is not [alpha, root]")
        stakes[str(hotkey)] = (pair[0], pair[1])
    dividends: Mapping[str, int] = _int_map(inputs.get("epoch_dividends"), "epoch_dividends")
    tao_weight = _u96f32_from_f64(inputs.get("tao_weight"))

    tolerance = expected.get("abs_tolerance_rao")
    if not isinstance(tolerance, int):
        match = re.search(r"abs (\d+)", str(document.get("tolerance", "")))
        if match is None:
            raise CaseFailed("no absolute tolerance")
        tolerance = int(match[1])

    alpha_divs, root_divs = dividend_distribution(
        pending_alpha, pending_root, tao_weight, stakes, dividends
    )
    sums = {"sum_alpha_dividends": alpha_divs, "sum_root_alpha_dividends": root_divs}
    pots = {"sum_alpha_dividends": pending_alpha, "sum_root_alpha_dividends": pending_root}
    per_hotkey = {
        "derived_per_hotkey_alpha_dividends": alpha_divs,
        "derived_per_hotkey_root_alpha_dividends": root_divs,
    }
    checked = 0
    for key, want in expected.items():
        if key == "abs_tolerance_rao":
            continue
        if key in sums:
            total = sum(sums[key].values())
            check(total <= pots[key], f"{key}: {total} exceeds the pot {pots[key]}")
            check(abs(total - want) <= tolerance, f"{key}: got {total}, expected {want}")
        elif key in per_hotkey:
            got_map = per_hotkey[key]
            check(set(want) == set(got_map), f"{key}: hotkeys {sorted(got_map)} != {sorted(want)}")
            for hotkey, value in want.items():
                got = got_map[hotkey]
                check(
                    abs(got - Fraction(value)) <= tolerance,
                    f"{key}[{hotkey}]: got {got}, expected {value}",
                )
        else:
            raise CaseFailed(f"unknown expected key {key!r}")
        checked += 1
    check(checked > 0, "case expects nothing")


# --- the symbolic emission-split summary ----------------------------------------------------

_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


def _formula(text: object) -> ast.expr:
    """Parse a formula such as ``"A*11796/65535 (~18%) if owner cut enabled"``: drop
    ``(~…)`` remarks and a trailing ``if …`` clause, then parse the arithmetic."""
    if not isinstance(text, str):
        raise CaseFailed(f"formula {text!r} is not text")
    cleaned = re.sub(r"\(~[^)]*\)", "", text)
    cleaned = re.split(r"\s+if\s+", cleaned, maxsplit=1)[0].strip()
    try:
        return ast.parse(cleaned, mode="eval").body
    except SyntaxError as exc:
        raise CaseFailed(f"cannot parse formula {text!r}: {exc}") from None


def _evaluate(node: ast.expr, names: Mapping[str, Fraction], cut_literal: int) -> Fraction:
    """Exact evaluation of + − × / over numbers and names; the integer literal equal to the
    case's owner-cut input stands for the variable ``cut`` (so other cuts can be tried)."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        if node.value == cut_literal and type(node.value) is int:
            return names["cut"]
        return Fraction(str(node.value))
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise CaseFailed(f"unknown name {node.id!r} in formula")
        return names[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left = _evaluate(node.left, names, cut_literal)
        right = _evaluate(node.right, names, cut_literal)
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand, names, cut_literal)
    raise CaseFailed(f"unsupported formula element {ast.dump(node)}")


# Expected key → field of AlphaSplit; evaluated in this order (later formulas use earlier names).
_SPLIT_FIELDS = {
    "owner_cut": "owner_cut",
    "root_alpha": "root",
    "pending_server_alpha": "server",
    "pending_validator_alpha": "validator",
}
_ALPHA_VALUES = (1, 7, 999, 123_456_789, 500_000_000, 10**9, 3 * 10**9 + 17, 2**40)
_ROOT_PROPORTIONS = (
    Fraction(0),
    Fraction(1, 3),
    Fraction(18, 100),
    Fraction(1, 2),
    Fraction(999, 1000),
    Fraction(1),
)


@handles("emit_to_subnets (per block, per subnet)")
def emission_split_case(case: Case, document: dict[str, Any]) -> None:
    """Check :func:`split_alpha_emission` against the case's formulas for many (A, cut, p)."""
    inputs, expected = case["inputs"], case["expected"]
    alpha_name, rp_name = inputs.get("alpha_out"), inputs.get("root_proportion")
    cut_literal = inputs.get("subnet_owner_cut_u16")
    if not isinstance(alpha_name, str) or not isinstance(rp_name, str):
        raise CaseFailed("alpha_out and root_proportion must name symbols")
    if isinstance(cut_literal, bool) or not isinstance(cut_literal, int):
        raise CaseFailed(f"subnet_owner_cut_u16 {cut_literal!r} is not an integer")
    unknown = set(expected) - set(_SPLIT_FIELDS)
    check(not unknown, f"unknown expected keys {sorted(unknown)}")
    check(set(expected) == set(_SPLIT_FIELDS), f"missing formulas: {sorted(_SPLIT_FIELDS)}")
    formulas = {key: _formula(expected[key]) for key in _SPLIT_FIELDS}
    check(
        str(cut_literal) in str(expected["owner_cut"]),
        "the owner-cut formula does not use the input cut",
    )

    for cut in sorted({cut_literal, 0, 1, 32_768, 65_535}):
        for alpha_out in _ALPHA_VALUES:
            for rp in _ROOT_PROPORTIONS:
                names = {alpha_name: Fraction(alpha_out), rp_name: rp, "cut": Fraction(cut)}
                split = split_alpha_emission(alpha_out, cut, rp)
                # U96F32 error: cut and rp floored to 2**-32, each product floored to 2**-32
                error = Fraction(4 * (alpha_out + 1), U96F32.one)
                for key, field in _SPLIT_FIELDS.items():
                    exact = _evaluate(formulas[key], names, cut_literal)
                    names[key] = exact
                    got = getattr(split, field)  # floored once when written to storage
                    check(
                        exact - 1 - error < got <= exact + error,
                        f"A={alpha_out} cut={cut} p={rp}: {key} {got} vs formula {float(exact)}",
                    )
                total = sum(split)
                check(
                    alpha_out - 3 <= total <= alpha_out,
                    f"A={alpha_out} cut={cut} p={rp}: parts sum to {total}",
                )
