"""Fixed-point helpers against exact rational models (``fractions.Fraction``) and each other."""

from __future__ import annotations

import math
import struct
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dtao import fixed as fx

ONE = fx.ONE32
raw64 = st.integers(min_value=-(2**62), max_value=2**62)
small_raw = st.integers(min_value=-(2**47), max_value=2**47)


def floor_div(num: Fraction) -> int:
    return math.floor(num)


# --------------------------------------------------------------------------------------------
# conversions
# --------------------------------------------------------------------------------------------


def test_from_f64_rounds_half_to_even():
    assert fx.from_f64(2.0**-33) == 0  # 0.5 raw -> even 0
    assert fx.from_f64(3 * 2.0**-33) == 2  # 1.5 raw -> even 2
    assert fx.from_f64(5 * 2.0**-33) == 2  # 2.5 raw -> even 2
    assert fx.from_f64(-3 * 2.0**-33) == -2
    assert fx.from_f64(0.1) == round(Fraction(0.1) * 2**32) == 429496730


def test_from_f32_uses_the_single_precision_value():
    # 0.1f32 = 0.100000001490116119384765625, which lands on a different raw than 0.1f64
    single = struct.unpack("<f", struct.pack("<f", 0.1))[0]
    assert fx.from_f32(0.1) == round(Fraction(single) * 2**32)
    assert fx.from_f32(0.1) != fx.from_f64(0.1)
    assert fx.from_f32(0.9999999) == 2**32 - 2**9  # 1 - 2^-23 exactly


def test_from_num_saturates():
    assert fx.from_f64(1e30) == fx.I32F32_MAX
    assert fx.from_f64(-1e30) == fx.I32F32_MIN
    assert fx.from_int(2**40) == fx.I32F32_MAX


@given(st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_fixed_to_u64_floors_and_clamps_at_zero(raw):
    assert fx.fixed_to_u64(raw) == max(math.floor(Fraction(raw, 2**32)), 0)


@given(st.integers(min_value=-(2**127), max_value=2**127 - 1))
def test_fixed64_to_u64_floors_and_saturates(raw):
    assert fx.fixed64_to_u64(raw) == min(max(math.floor(Fraction(raw, 2**64)), 0), 2**64 - 1)


def test_checked_sum_checks_every_partial_sum():
    assert fx.checked_sum([], 0, 255) == 0
    assert fx.checked_sum([200, 55], 0, 255) == 255
    assert fx.checked_sum([200, 56], 0, 255) is None
    assert fx.checked_sum([100, 100, -100], -128, 127) is None  # 200 overflows on the way
    assert fx.checked_sum([100, -100, 100], -128, 127) == 100


@given(st.lists(st.tuples(small_raw, small_raw), max_size=10))
def test_saturating_dot_is_the_sum_of_floored_products(pairs):
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    assert fx.saturating_dot(a, b) == sum(math.floor(Fraction(x * y, 2**32)) for x, y in pairs)


def test_saturating_dot_saturates_in_order():
    big = 2**31 - 1  # the largest integer I32F32 holds
    a = [fx.from_int(big), fx.from_int(big), -ONE]
    assert fx.saturating_dot(a, [ONE, ONE, ONE]) == fx.I32F32_MAX - ONE
    assert fx.saturating_dot(a[::-1], [ONE, ONE, ONE]) == fx.I32F32_MAX
    assert fx.saturating_dot([ONE, 2 * ONE], [ONE]) == ONE  # the shorter sequence decides


@given(raw64)
def test_to_int_floor_is_floor(raw):
    assert fx.to_int_floor(raw) == math.floor(Fraction(raw, 2**32))


def test_fixed_proportion_to_u16_floors_and_saturates():
    assert fx.fixed_proportion_to_u16(ONE) == 65535
    assert fx.fixed_proportion_to_u16(ONE // 2) == 32767  # floor(32767.5)
    assert fx.fixed_proportion_to_u16(-ONE) == 0
    assert fx.fixed_proportion_to_u16(65535 * ONE) == 65535  # product saturates, then clamps
    assert fx.fixed_proportion_to_u16(fx.I32F32_MAX) == 65535


@given(raw64)
def test_vectorised_u16_conversion_matches_scalar(raw):
    arr = fx.fixed_proportion_to_u16_arr(np.array([raw], dtype=np.int64))
    assert int(arr[0]) == fx.fixed_proportion_to_u16(raw)


def test_u16_proportion_truncates():
    assert fx.u16_proportion_to_fixed(65535) == ONE
    assert fx.u16_proportion_to_fixed(1) == (1 << 32) // 65535  # 65537.000015... -> 65537
    assert fx.u16_proportion_to_fixed(0) == 0


def test_fixed64_to_fixed32_floors():
    assert fx.fixed64_to_fixed32((1 << 64) + (1 << 31)) == ONE  # 1 + 2^-33 -> 1
    assert fx.fixed64_to_fixed32(-1) == -1  # -2^-64 floors to -2^-32


# --------------------------------------------------------------------------------------------
# arithmetic
# --------------------------------------------------------------------------------------------


@given(raw64, raw64)
def test_checked_mul_floors_toward_minus_infinity(a, b):
    exact = floor_div(Fraction(a * b, 2**32))
    got = fx.checked_mul(a, b)
    if fx.I32F32_MIN <= exact <= fx.I32F32_MAX:
        assert got == exact
    else:
        assert got is None
        assert fx.saturating_mul(a, b) in (fx.I32F32_MIN, fx.I32F32_MAX)


def test_mul_floor_not_truncation_for_negative_products():
    assert fx.checked_mul(-1, 1) == -1  # -2^-64 floors to -2^-32 (truncation would give 0)
    assert fx.checked_mul(-ONE, ONE // 3) == -(ONE // 3)


@given(raw64, raw64)
def test_safe_div_truncates_toward_zero(a, b):
    got = fx.safe_div(a, b)
    if b == 0:
        assert got == 0
        return
    exact = Fraction(a * 2**32, b)
    truncated = math.floor(exact) if exact >= 0 else math.ceil(exact)
    if fx.I32F32_MIN <= truncated <= fx.I32F32_MAX:
        assert got == truncated
    else:
        assert got == 0  # overflow -> 0 for safe_div


def test_saturating_div_clamps():
    assert fx.saturating_div(fx.I32F32_MAX, 1) == fx.I32F32_MAX
    assert fx.saturating_div(-ONE, 1) == fx.I32F32_MIN
    assert fx.saturating_div(1000 * ONE, -100 * ONE) == -10 * ONE


def test_round_half_away_from_zero():
    assert fx.round_half_away(ONE * 5 // 2) == 3 * ONE
    assert fx.round_half_away(-ONE * 5 // 2) == -3 * ONE
    assert fx.round_half_away(ONE + ONE // 2 - 1) == ONE
    assert fx.round_half_away(ONE // 2) == ONE


@given(st.lists(st.tuples(small_raw, small_raw), min_size=1, max_size=20))
def test_mul_arr_matches_scalar_floor(pairs):
    a = np.array([p[0] for p in pairs], dtype=np.int64)
    b = np.array([p[1] for p in pairs], dtype=np.int64)
    got = fx.mul_arr(a, b)
    assert got.tolist() == [(x * y) >> 32 for x, y in pairs]


@given(st.lists(st.tuples(raw64, st.one_of(st.just(0), raw64)), min_size=1, max_size=20))
def test_div_arr_matches_scalar_safe_div(pairs):
    a = np.array([p[0] for p in pairs], dtype=np.int64)
    b = np.array([p[1] for p in pairs], dtype=np.int64)
    assert fx.div_arr(a, b).tolist() == [fx.safe_div(x, y) for x, y in pairs]


def test_div_arr_edge_cases():
    a = np.array([fx.I32F32_MIN, fx.I32F32_MAX, -ONE, 3 * ONE, 1], dtype=np.int64)
    b = np.array([ONE, -ONE, 3 * ONE, 0, fx.I32F32_MIN], dtype=np.int64)
    assert fx.div_arr(a, b).tolist() == [
        fx.safe_div(int(x), int(y)) for x, y in zip(a, b, strict=True)
    ]
    assert fx.div_arr(a, b).tolist()[0] == fx.I32F32_MIN  # -2^31 / 1 fits exactly


@given(st.integers(0, 10**18), st.integers(0, 2**64 - 1))
def test_emission_to_rao_is_floor(raw, rao):
    assert fx.emission_to_rao(raw, rao) == min(raw * rao >> 32, 2**64 - 1)


# --------------------------------------------------------------------------------------------
# chain helpers
# --------------------------------------------------------------------------------------------


def test_bonds_moving_average_alpha():
    assert fx.bonds_moving_average_to_alpha(900_000) == fx.from_f64(0.1)
    assert fx.bonds_moving_average_to_alpha(1_000_000) == 0
    # 975_000 / 1e6 truncated in I64F64, floored to I32F32, then subtracted from 1
    ratio = (975_000 << 64) // 1_000_000 >> 32
    assert fx.bonds_moving_average_to_alpha(975_000) == ONE - ratio


def test_e_constant_is_e_truncated_to_23_bits():
    assert fx.E_RAW % (1 << 9) == 0
    expected = math.floor(Fraction(math.e) * 2**23) << 9
    assert expected == fx.E_RAW


def test_exp_fixed_known_values():
    assert fx.exp_fixed(0) == ONE
    assert fx.exp_fixed(ONE) == fx.E_RAW
    assert fx.exp_fixed(-ONE) != fx.safe_div(ONE, fx.E_RAW)  # -1 uses 1/Taylor(1), not 1/E
    assert fx.exp_safe(fx.I32F32_MIN) == fx.exp_safe(-20 * ONE) == 8
    assert fx.exp_safe(21 * ONE) == fx.exp_safe(20 * ONE)


@settings(max_examples=60)
@given(st.integers(min_value=-25 * ONE, max_value=25 * ONE))
def test_exp_arr_bit_exact_and_close_to_math_exp(raw):
    scalar = fx.exp_safe(raw)
    assert int(fx.exp_arr(np.array([raw], dtype=np.int64))[0]) == scalar
    x = min(max(raw / 2**32, -20.0), 20.0)
    if abs(x) <= 8:  # 30 Taylor terms: accurate here (at |x| = 20 it is ~1% low, like the chain)
        assert scalar / 2**32 == pytest.approx(math.exp(x), rel=1e-6, abs=3e-9)


def test_sigmoid_safe_midpoint_and_saturation():
    assert fx.sigmoid_safe(ONE // 2, 30 * ONE, ONE // 2) == ONE // 2
    assert fx.sigmoid_safe(fx.I32F32_MAX, 30 * ONE, ONE // 2) > ONE - 2**6


@given(st.lists(st.integers(0, 65535), min_size=1, max_size=12))
def test_u16_max_upscale_vectorised_matches_scalar(values):
    expected = fx.vec_u16_max_upscale_to_u16(values)
    assert fx.max_upscale_u16_arr(np.array(values)).tolist() == expected
    if max(values) > 0:
        assert max(expected) == 65535
        # ratios are preserved up to rounding
        top = max(values)
        for v, e in zip(values, expected, strict=True):
            assert abs(e - v * 65535 / top) <= 0.5 + 1e-9


def test_u16_max_upscale_rejects_out_of_range():
    with pytest.raises(ValueError):
        fx.max_upscale_u16_arr(np.array([70000]))


def test_vec_max_upscale_branches():
    # max > 32768: e * (65535 / max), then round half away from zero
    assert fx.vec_max_upscale_to_u16([fx.from_int(v) for v in (0, 1, 32769)]) == [0, 2, 65535]
    # max <= 32768: (e * 65535) / max
    assert fx.vec_max_upscale_to_u16([fx.from_int(v) for v in (1, 2)]) == [32768, 65535]
    assert fx.vec_max_upscale_to_u16([]) == []


def test_check_vec_max_limited():
    assert fx.check_vec_max_limited([0, 65535, 65535, 65535], 21845)
    assert not fx.check_vec_max_limited([0, 65535, 65535, 65535], 21844)
    assert fx.check_vec_max_limited([], 0)


def test_normalize_64_truncates_each_share():
    values = [1 << 64, 2 << 64]
    shares = fx.normalize_64(values)
    assert shares == [(1 << 64) // 3, (2 << 64) // 3]
    assert sum(shares) < 1 << 64  # truncation loses a little
    assert fx.normalize_64([0, 0]) == [0, 0]


# --------------------------------------------------------------------------------------------
# FixedType descriptors
# --------------------------------------------------------------------------------------------

TYPES = (fx.I32F32, fx.I64F64, fx.U64F64, fx.I96F32, fx.U96F32, fx.I110F18)


def test_fixed_type_layouts():
    layouts = {t.name: (t.bits, t.frac, t.signed, t.one, t.min_raw, t.max_raw) for t in TYPES}
    assert layouts == {
        "I32F32": (64, 32, True, 2**32, -(2**63), 2**63 - 1),
        "I64F64": (128, 64, True, 2**64, -(2**127), 2**127 - 1),
        "U64F64": (128, 64, False, 2**64, 0, 2**128 - 1),
        "I96F32": (128, 32, True, 2**32, -(2**127), 2**127 - 1),
        "U96F32": (128, 32, False, 2**32, 0, 2**128 - 1),
        "I110F18": (128, 18, True, 2**18, -(2**127), 2**127 - 1),
    }
    assert fx.I110F18.int_bits == 110
    # the long-standing int constants are the descriptors' values
    assert (fx.FRAC32, fx.ONE32, fx.HALF32) == (32, 2**32, 2**31)
    assert (fx.I32F32_MIN, fx.I32F32_MAX) == (-(2**63), 2**63 - 1)
    assert (fx.FRAC64, fx.ONE64, fx.U64F64_MAX) == (64, 2**64, 2**128 - 1)
    assert (fx.U16_MAX, fx.U64_MAX) == (65535, 2**64 - 1)


@pytest.mark.parametrize("ftype", [t for t in TYPES if t.signed], ids=lambda t: t.name)
@given(a=st.integers(-(2**130), 2**130), b=st.integers(-(2**130), 2**130))
def test_signed_fixed_type_matches_the_scalar_helpers(ftype, a, b):
    frac, bits = ftype.frac, ftype.bits
    assert ftype.saturate(a) == fx.saturate(a, bits)
    assert ftype.from_int(a >> 64) == fx.from_int(a >> 64, frac, bits)
    assert ftype.checked_mul(a, b) == fx.checked_mul(a, b, frac, bits)
    assert ftype.saturating_mul(a, b) == fx.saturating_mul(a, b, frac, bits)
    assert ftype.checked_div(a, b) == fx.checked_div(a, b, frac, bits)
    assert ftype.safe_div(a, b) == fx.safe_div(a, b, frac, bits)
    assert ftype.to_int_floor(a) == fx.to_int_floor(a, frac)


@given(a=st.integers(0, 2**128 - 1), b=st.integers(0, 2**128 - 1))
def test_unsigned_fixed_type_rounding(a, b):
    t = fx.U64F64
    product = Fraction(a, t.one) * Fraction(b, t.one)
    exact_mul = math.floor(product * t.one)  # floor
    assert t.checked_mul(a, b) == (exact_mul if exact_mul <= t.max_raw else None)
    assert t.saturating_mul(a, b) == min(exact_mul, t.max_raw)
    if b == 0:
        assert t.checked_div(a, b) is None and t.safe_div(a, b) == 0
    else:
        exact_div = math.floor(Fraction(a, b) * t.one)  # truncation == floor (non-negative)
        fits = exact_div <= t.max_raw
        assert t.checked_div(a, b) == (exact_div if fits else None)
        assert t.safe_div(a, b) == (exact_div if fits else 0)
    assert t.saturating_to_uint(a) == min(a >> 64, fx.U64_MAX)
    assert t.saturating_to_uint(a, fx.U16_MAX) == min(a >> 64, fx.U16_MAX)


def test_fixed_type_conversions_saturate_and_round_half_even():
    assert fx.U64F64.from_int(-1) == 0
    assert fx.U64F64.from_int(2**64) == fx.U64F64.max_raw
    assert fx.I32F32.from_int(-(2**31) - 1) == fx.I32F32.min_raw
    assert fx.U64F64.from_f64(0.00001) == round(0.00001 * 2**64)  # the share-pool dust ratio
    assert fx.U96F32.from_f64(3 * 2.0**-33) == 2  # 1.5 raw -> even 2
    assert fx.U96F32.from_f64(5 * 2.0**-33) == 2  # 2.5 raw -> even 2
    assert fx.U96F32.from_f64(-1.0) == 0
    assert fx.I64F64.from_f64(-3 * 2.0**-65) == -2
    assert fx.I32F32.checked_div(-7 << 32, 2 << 32) == -(7 << 31)  # -3.5 exactly
    assert fx.I32F32.checked_div(-7, 2 << 32) == -3  # -3.5 raw truncated toward zero
    assert fx.I32F32.saturating_mul(-1, 1) == -1  # floor(-2**-64) -> -2**-32
    with pytest.raises(ValueError):
        fx.FixedType("bad", 8, 9, signed=False)
