import pytest

from dtao.units import (
    U64_MAX,
    AmountError,
    alpha,
    check_rao,
    format_amount,
    parse_amount,
    parse_rao,
    tao,
)


@pytest.mark.parametrize(
    ("text", "rao"),
    [
        ("1.5", 1_500_000_000),
        ("0", 0),
        ("τ2", 2_000_000_000),
        ("0.000000001", 1),
        ("1_000", 1_000 * 10**9),
        ("12.3 α", 12_300_000_000),
        (" 7 ", 7 * 10**9),
    ],
)
def test_parse_amount(text, rao):
    assert parse_amount(text) == rao


@pytest.mark.parametrize(
    "bad", ["-1", "abc", "", "1.0000000001", "nan", "inf", "1e30", "--2", "1.2.3"]
)
def test_parse_amount_rejects(bad):
    with pytest.raises(AmountError):
        parse_amount(bad)


def test_format_like_the_sdk():
    assert tao(1_500_000_000) == "τ1.500000000"
    assert alpha(12_345) == "α0.000012345"
    assert format_amount(2_100_000 * 10**9 * 10) == "τ21,000,000.000000000"


def test_check_rao_bounds():
    assert check_rao(U64_MAX) == U64_MAX
    for bad in (-1, U64_MAX + 1, 1.5, True, "3"):
        with pytest.raises(AmountError):
            check_rao(bad)
    assert parse_rao("123") == 123
    with pytest.raises(AmountError):
        parse_rao("1.5")


def test_parse_format_round_trip():
    for rao in (0, 1, 999_999_999, 10**9, 123_456_789_012_345):
        assert parse_amount(format_amount(rao)) == rao
