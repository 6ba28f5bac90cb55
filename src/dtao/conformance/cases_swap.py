"""Vector handlers for the swap files (``swap_balancer.json``: HEAD balancer pool).

Each handler reads the case's (or the file's) ``tolerance`` text and refuses a tolerance it
cannot parse, so a changed vector never passes by accident.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from dtao.conformance.registry import Case, CaseFailed, check, handles
from dtao.fixed import FRAC64
from dtao.pools import balancer

_PERQUINTILL_FROM_F64 = re.compile(
    r"from_rational\(\((?P<w>[0-9.]+)\*(?P<acc>[0-9.e]+)\) as u128, (?P<den>[0-9.e]+)\)"
)


def _tolerance_text(case: Case, document: dict[str, Any]) -> str:
    text = case.get("tolerance", document.get("tolerance"))
    if not isinstance(text, str):
        raise CaseFailed(f"no tolerance given: {text!r}")
    return text


def _abs_tolerance(text: str) -> Fraction:
    """First ``abs N`` in a tolerance text, as an exact number."""
    match = re.search(r"\babs\s+([0-9][0-9.e+-]*)", text)
    if match is None:
        raise CaseFailed(f"cannot read an absolute tolerance from {text!r}")
    return Fraction(match.group(1))


def _weight_parts(value: object) -> int:
    """A quote weight given as an f64 in the vector → Perquintill parts (exact value, floored)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise CaseFailed(f"quote weight {value!r} is not a number")
    return int(Fraction(value) * balancer.ACCURACY)


def _ints(inputs: dict[str, Any], *names: str) -> list[int]:
    values = []
    for name in names:
        value = inputs.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise CaseFailed(f"input {name!r} = {value!r} is not an integer")
        values.append(value)
    return values


@handles("convert_deltas")
def convert_deltas_case(case: Case, document: dict[str, Any]) -> None:
    """Buy and sell output of one net input on a pool with a given quote weight."""
    inputs, expected = case["inputs"], case["expected"]
    tao, alpha, delta = _ints(inputs, "tao_reserve", "alpha_reserve", "delta_in")
    recipe = inputs.get("quote_weight_perquintill")
    match = _PERQUINTILL_FROM_F64.fullmatch(recipe) if isinstance(recipe, str) else None
    if match is None:
        raise CaseFailed(f"unknown quote weight encoding {recipe!r}")
    # Rust: Perquintill::from_rational((w * acc) as u128, den as u128); `as u128` truncates.
    weight = balancer.perquintill_from_rational(
        int(float(match["w"]) * float(match["acc"])), int(float(match["den"]))
    )
    check(
        float(match["w"]) == inputs.get("quote_weight"),
        f"weight recipe {recipe!r} disagrees with quote_weight {inputs.get('quote_weight')!r}",
    )
    tolerance = _abs_tolerance(_tolerance_text(case, document))
    outputs = {
        "sell_alpha_for_tao_out": balancer.tao_out_for_alpha_in(tao, alpha, weight, delta),
        "buy_tao_for_alpha_out": balancer.alpha_out_for_tao_in(tao, alpha, weight, delta),
    }
    check(set(expected) <= set(outputs), f"unknown expected keys {set(expected) - set(outputs)}")
    check(bool(expected), "case expects nothing")
    for key, want in expected.items():
        got = outputs[key]
        check(abs(got - want) <= tolerance, f"{key}: got {got}, expected {want} ± {tolerance}")


@handles("do_swap")
def do_swap_case(case: Case, document: dict[str, Any]) -> None:
    """A full swap with fee and limit price; reserve deltas and price direction."""
    inputs, expected = case["inputs"], case["expected"]
    tao, alpha, amount, fee_rate = _ints(
        inputs, "tao_reserve", "alpha_reserve", "amount", "fee_rate_u16"
    )
    order = str(inputs.get("order", ""))
    if order.startswith("GetAlphaForTao"):
        buy = True
    elif order.startswith("GetTaoForAlpha"):
        buy = False
    else:
        raise CaseFailed(f"unknown order {order!r}")
    weight = _weight_parts(inputs.get("quote_weight"))
    limit = inputs.get("limit_price")
    if not isinstance(limit, int | float):
        raise CaseFailed(f"limit price {limit!r} is not a number")
    tolerance = _abs_tolerance(_tolerance_text(case, document))

    result = balancer.do_swap(
        tao,
        alpha,
        weight,
        amount,
        buy=buy,
        limit_price=balancer.u64f64_from_float(float(limit)),
        fee_rate=fee_rate,
    )
    if buy:
        new_tao, new_alpha = tao + result.amount_paid_in, alpha - result.amount_paid_out
    else:
        new_tao, new_alpha = tao - result.amount_paid_out, alpha + result.amount_paid_in
    before = balancer.calculate_price(tao, alpha, weight)
    after = balancer.calculate_price(new_tao, new_alpha, weight)
    amounts = {
        "fee": result.fee_paid,
        "amount_paid_out": result.amount_paid_out,
        "paid_in_reserve_delta": result.amount_paid_in,
        "paid_out_reserve_delta": -result.amount_paid_out,
    }
    checked = 0
    for key, want in expected.items():
        if key == "price_moves":
            check(want in ("up", "down"), f"unknown price_moves {want!r}")
            # upstream: (after >= before) == price_should_grow
            check((after >= before) == (want == "up"), f"price moved {before} -> {after}")
        elif key in amounts:
            got = amounts[key]
            check(abs(got - want) <= tolerance, f"{key}: got {got}, expected {want} ± {tolerance}")
        else:
            raise CaseFailed(f"unknown expected key {key!r}")
        checked += 1
    check(checked > 0, "case expects nothing")


_U64F64_RATIO = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*\(U64F64\)\s*")


@handles("maybe_initialize_palswap + current_price")
def initialize_case(case: Case, document: dict[str, Any]) -> None:
    """Pool initialisation with and without a target price, then the spot price."""
    inputs, expected = case["inputs"], case["expected"]
    tao, alpha = _ints(inputs, "tao_reserve", "alpha_reserve")
    raw_price = inputs.get("init_price")
    price_bits: int | None
    if raw_price is None:
        price_bits = None
    else:
        match = _U64F64_RATIO.fullmatch(str(raw_price))
        if match is None:
            raise CaseFailed(f"unknown init_price encoding {raw_price!r}")
        # U64F64::from(a) / U64F64::from(b): the quotient floored to 2**-64
        price_bits = (int(match[1]) << FRAC64) // int(match[2])
    text = _tolerance_text(case, document)
    weight = balancer.initial_quote_weight(tao, alpha, price_bits)
    got_price = balancer.price(tao, alpha, weight)
    check(bool(expected), "case expects nothing")
    for key, want in expected.items():
        if key == "price":
            tolerance = _abs_tolerance(text)
            check(
                abs(got_price - Fraction(want)) <= tolerance,
                f"price {float(got_price)} != {want} ± {float(tolerance)}",
            )
        elif key == "quote_weight":
            check("weight exact" in text, f"no weight tolerance in {text!r}")
            check(
                Fraction(weight, balancer.ACCURACY) == Fraction(want),
                f"quote weight {weight} parts != {want}",
            )
        else:
            raise CaseFailed(f"unknown expected key {key!r}")


@handles("adjust_protocol_liquidity")
def adjust_case(case: Case, document: dict[str, Any]) -> None:
    """Injection with price-preserving re-weight: new weight and unchanged price."""
    inputs, expected = case["inputs"], case["expected"]
    tao, alpha, tao_delta, alpha_delta = _ints(
        inputs, "tao_reserve", "alpha_reserve", "tao_delta", "alpha_delta"
    )
    # Upstream starts from the storage default Balancer (w2 = 0.5) unless a weight is given.
    weight = _weight_parts(inputs.get("quote_weight", 0.5))
    text = _tolerance_text(case, document)
    price_rel = re.search(r"price abs price\s*/\s*([0-9.e+]+)", text)
    weight_rel = re.search(r"weight abs weight\s*/\s*([0-9.e+]+)", text)
    if price_rel is None or weight_rel is None:
        raise CaseFailed(f"cannot read relative tolerances from {text!r}")
    price_div, weight_div = Fraction(price_rel[1]), Fraction(weight_rel[1])

    before = balancer.price(tao, alpha, weight)
    new_weight, tao_added, alpha_added = balancer.adjust_protocol_liquidity(
        tao, alpha, weight, tao_delta, alpha_delta
    )
    check((tao_added, alpha_added) == (tao_delta, alpha_delta), "injection refused")
    after = balancer.price(tao + tao_added, alpha + alpha_added, new_weight)
    check(bool(expected), "case expects nothing")
    for key, want in expected.items():
        if key == "price_unchanged":
            want_price = Fraction(want)
            for label, got in (("before", before), ("after", after)):
                check(
                    abs(got - want_price) <= want_price / price_div,
                    f"price {label} {float(got)} != {want}",
                )
            check(abs(after - before) <= before / price_div, f"price moved {before} -> {after}")
        elif key == "new_quote_weight":
            want_weight = Fraction(want)
            got_weight = Fraction(new_weight, balancer.ACCURACY)
            check(
                abs(got_weight - want_weight) <= want_weight / weight_div,
                f"quote weight {float(got_weight)} != {want}",
            )
        else:
            raise CaseFailed(f"unknown expected key {key!r}")
