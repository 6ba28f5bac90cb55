"""Per-block alpha split and epoch dividend split (spec §5a, §5b step 4)."""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from dtao.distribution import (
    AlphaSplit,
    dividend_distribution,
    owner_cut_bits,
    root_proportion_bits,
    split_alpha_emission,
    split_alpha_emission_launch,
    tao_weight_bits,
)
from dtao.fixed import U96F32

ONE = U96F32.one

CUT = 11_796  # SubnetOwnerCut default, ≈ 18 %
TAO_WEIGHT_U64 = 3_320_413_933_267_719_290  # migrate_rao: 0.18
U64_MAX = 2**64 - 1


def fl32(value: Fraction) -> Fraction:
    """Floor to a multiple of 2**-32 (one U96F32 truncation)."""
    return Fraction(math.floor(value * 2**32), 2**32)


def split_model(alpha_out: int, cut: int, rp: Fraction) -> tuple[int, int, int, int]:
    """Independent Fraction model of emit_to_subnets, one explicit floor per chain operation."""
    owner = fl32(alpha_out * fl32(Fraction(cut, 65_535)))
    rest = alpha_out - owner
    root = fl32(fl32(fl32(rp) * rest) * Fraction(1, 2))
    server = fl32(rest * Fraction(1, 2))
    validator = rest - server - root
    return math.floor(owner), math.floor(server), math.floor(validator), math.floor(root)


def dividends_model(
    pending_alpha: int,
    pending_root: int,
    tao_weight: Fraction,
    stakes: dict[int, tuple[int, int]],
    dividends: dict[int, int],
) -> tuple[dict[int, int], dict[int, int]]:
    """Independent Fraction model of calculate_dividend_distribution in U96F32."""
    tw = fl32(tao_weight)
    alpha_parts, root_parts = {}, {}
    for h, d in dividends.items():
        a, r = stakes[h]
        root_as_alpha = fl32(r * tw)
        total = a + root_as_alpha
        share = fl32(root_as_alpha / total) if total else Fraction(0)
        root_parts[h] = fl32(d * share)
        alpha_parts[h] = d - root_parts[h]

    def rescale(parts: dict[int, Fraction], pot: int) -> dict[int, int]:
        total = sum(parts.values(), Fraction(0))
        return {
            h: math.floor(fl32(pot * fl32(v / total))) if total else 0 for h, v in parts.items()
        }

    return rescale(alpha_parts, pending_alpha), rescale(root_parts, pending_root)


# -- fixed-point constants ------------------------------------------------------------------------


def test_fixed_point_constants() -> None:
    assert owner_cut_bits(CUT) == (CUT << 32) // 65_535
    assert owner_cut_bits(65_535) == ONE and owner_cut_bits(0) == 0
    assert tao_weight_bits(U64_MAX) == ONE
    assert tao_weight_bits(TAO_WEIGHT_U64) == (TAO_WEIGHT_U64 << 32) // U64_MAX
    assert abs(Fraction(tao_weight_bits(TAO_WEIGHT_U64), ONE) - Fraction(18, 100)) < 1e-9


def test_root_proportion() -> None:
    # §5e numbers: R = 5M TAO, A = 1M alpha, tw = 0.18 -> 0.9/1.9
    rp = root_proportion_bits(TAO_WEIGHT_U64, 5 * 10**15, 10**15)
    assert abs(Fraction(rp, ONE) - Fraction(9, 19)) < Fraction(1, 10**8)
    assert Fraction(rp, ONE) <= Fraction(9, 19)  # floored twice
    assert root_proportion_bits(TAO_WEIGHT_U64, 0, 10**15) == 0
    assert root_proportion_bits(TAO_WEIGHT_U64, 10**15, 0) == ONE
    assert root_proportion_bits(TAO_WEIGHT_U64, 0, 0) == 0  # 0/0 guarded


# -- the per-block split (§5a) --------------------------------------------------------------------


def test_split_one_alpha_default_cut() -> None:
    split = split_alpha_emission(10**9, CUT, Fraction(1, 3))
    assert isinstance(split, AlphaSplit)
    exact_cut = Fraction(10**9 * CUT, 65_535)  # 179 995 422.29
    assert split.owner_cut == math.floor(exact_cut) == 179_995_422
    rest = 10**9 - exact_cut
    assert split.server == math.floor(rest / 2) == 410_002_288
    assert split.root == math.floor(rest / 6) == 136_667_429
    assert split.validator == math.floor(rest / 2 - rest / 6) == 273_334_859
    assert sum(split) == 10**9 - 2  # four floors: 2 rao of remainders lost, none created


def test_split_corner_cases() -> None:
    assert split_alpha_emission(10**9, 0, 0) == (0, 500_000_000, 500_000_000, 0)
    assert split_alpha_emission(10**9, 0, 1) == (0, 500_000_000, 0, 500_000_000)
    assert split_alpha_emission(10**9, 65_535, 0.5) == (10**9, 0, 0, 0)
    assert split_alpha_emission(0, CUT, 0.3) == (0, 0, 0, 0)
    assert split_alpha_emission(1, 0, 0) == (0, 0, 0, 0)  # half a rao each: floored away
    assert split_alpha_emission(3, 0, 0) == (0, 1, 1, 0)
    # a root proportion above 1 cannot hand out more than the validator half
    assert split_alpha_emission(10**9, 0, 2) == split_alpha_emission(10**9, 0, 1)


def test_launch_split() -> None:
    split = split_alpha_emission_launch(10**9, CUT, Fraction(1, 3))
    head = split_alpha_emission(10**9, CUT, Fraction(1, 3))
    assert split.owner_cut == head.owner_cut and split.root_alpha == head.root
    # one floor of (X' − root) instead of two: may keep the rao the HEAD split loses
    assert split.pending_emission == head.server + head.validator + 1


alpha_outs = st.integers(min_value=0, max_value=2**50)
cuts = st.integers(min_value=0, max_value=65_535)
proportions = st.one_of(
    st.fractions(min_value=0, max_value=1),
    st.floats(min_value=0, max_value=1),
    st.sampled_from([Fraction(0), Fraction(1), Fraction(1, 2)]),
)


@given(alpha_out=alpha_outs, cut=cuts, rp=proportions)
def test_split_never_creates_alpha_and_floors_each_part(
    alpha_out: int, cut: int, rp: Fraction | float
) -> None:
    split = split_alpha_emission(alpha_out, cut, rp)
    assert all(part >= 0 for part in split)
    assert alpha_out - 3 <= sum(split) <= alpha_out  # ≤ 4 floors, each losing < 1
    # against the real-valued formulas of the summary: each part is the floor of a value that
    # differs from the formula only by the 2**-32 truncations of cut and rp
    exact_rp = Fraction(rp)
    owner = Fraction(alpha_out * cut, 65_535)
    rest = alpha_out - owner
    formulas = {
        "owner_cut": owner,
        "server": rest / 2,
        "root": exact_rp * rest / 2,
        "validator": rest / 2 - exact_rp * rest / 2,
    }
    error = Fraction(4 * (alpha_out + 1), 2**32)
    for name, exact in formulas.items():
        got = getattr(split, name)
        assert exact - 1 - error < got <= exact + error, name
    assert split.root <= split.validator + split.root <= alpha_out - split.owner_cut


@given(alpha_out=alpha_outs, cut=cuts, rp=proportions)
def test_split_matches_the_u96f32_model(alpha_out: int, cut: int, rp: Fraction | float) -> None:
    assert split_alpha_emission(alpha_out, cut, rp) == split_model(alpha_out, cut, Fraction(rp))


@given(alpha_out=alpha_outs, cut=cuts, rp=proportions)
def test_launch_split_never_creates_alpha(alpha_out: int, cut: int, rp: Fraction | float) -> None:
    owner, pending, root = split_alpha_emission_launch(alpha_out, cut, rp)
    assert alpha_out - 2 <= owner + pending + root <= alpha_out
    assert min(owner, pending, root) >= 0


# -- the dividend split (§5b step 4) --------------------------------------------------------------

VECTOR_STAKES = {"0": (4_859_302, 2_342_352), "1": (23_423, 859_273)}
VECTOR_DIVIDENDS = {"0": 77_783_738, "1": 19_283_940}
TW_018 = Fraction(round(Fraction(0.18) * 2**32), 2**32)  # U96F32::from_num(0.18)


def test_dividend_distribution_vector_case() -> None:
    pending_alpha, pending_root = 183_123_567_452, 837_120_949_872
    alpha, root = dividend_distribution(
        pending_alpha, pending_root, TW_018, VECTOR_STAKES, VECTOR_DIVIDENDS
    )
    # the chain's U96F32 shares lose ~pot/2**32 per hotkey: 44 and 196 rao here
    assert 0 <= pending_alpha - sum(alpha.values()) <= 2 * (1 + (pending_alpha + 1) / 2**32)
    assert 0 <= pending_root - sum(root.values()) <= 2 * (1 + (pending_root + 1) / 2**32)
    assert abs(alpha["0"] - 176_856_534_520.557) < 1_000  # f64 values from the vector file
    assert abs(root["1"] - 610_677_153_090.344) < 1_000
    exact_alpha, exact_root = dividend_distribution(
        pending_alpha, pending_root, TW_018, VECTOR_STAKES, VECTOR_DIVIDENDS, fixed_point=False
    )
    assert pending_alpha - sum(exact_alpha.values()) < 2
    assert pending_root - sum(exact_root.values()) < 2
    for hotkey in VECTOR_STAKES:
        assert abs(alpha[hotkey] - exact_alpha[hotkey]) <= 1 + pending_alpha // 2**32
        assert abs(root[hotkey] - exact_root[hotkey]) <= 1 + pending_root // 2**32


def test_dividend_distribution_corner_cases() -> None:
    # no TAO weight: no root part; alpha pot shared pro rata to the dividends
    alpha, root = dividend_distribution(1_000, 500, 0, VECTOR_STAKES, VECTOR_DIVIDENDS)
    assert root == {"0": 0, "1": 0}  # the root pot is stranded
    total = sum(VECTOR_DIVIDENDS.values())
    for hotkey, dividend in VECTOR_DIVIDENDS.items():
        assert alpha[hotkey] in (1_000 * dividend // total, 1_000 * dividend // total - 1)
    # a hotkey without stake entry is skipped; one with zero stake has no root share
    alpha, root = dividend_distribution(1_000, 1_000, 0.5, {"a": (0, 0)}, {"a": 10, "b": 10})
    assert alpha == {"a": 1_000} and root == {"a": 0}
    # zero dividends: nothing to rescale
    assert dividend_distribution(1_000, 1_000, 0.5, {"a": (1, 1)}, {"a": 0}) == (
        {"a": 0},
        {"a": 0},
    )
    # only root stake: everything goes to the root part
    alpha, root = dividend_distribution(0, 777, 0.18, {"a": (0, 5), "b": (0, 15)}, {"a": 1, "b": 3})
    assert alpha == {"a": 0, "b": 0} and sum(root.values()) <= 777
    assert abs(root["b"] - 3 * root["a"]) <= 3


stake_maps = st.dictionaries(
    st.integers(0, 20),
    st.tuples(st.integers(0, 10**16), st.integers(0, 10**16)),
    min_size=1,
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(
    stakes=stake_maps,
    dividend_values=st.lists(st.integers(0, 10**12), min_size=8, max_size=8),
    pending_alpha=st.integers(0, 10**15),
    pending_root=st.integers(0, 10**15),
    tao_weight=st.one_of(st.fractions(0, 1), st.floats(0, 1)),
    fixed_point=st.booleans(),
)
def test_dividend_distribution_never_creates_alpha(
    stakes: dict[int, tuple[int, int]],
    dividend_values: list[int],
    pending_alpha: int,
    pending_root: int,
    tao_weight: Fraction | float,
    fixed_point: bool,
) -> None:
    dividends = {h: dividend_values[i] for i, h in enumerate(stakes)}
    alpha, root = dividend_distribution(
        pending_alpha, pending_root, tao_weight, stakes, dividends, fixed_point=fixed_point
    )
    assert set(alpha) == set(root) == set(stakes)
    assert all(v >= 0 for v in alpha.values()) and all(v >= 0 for v in root.values())
    assert sum(alpha.values()) <= pending_alpha
    assert sum(root.values()) <= pending_root
    n = len(stakes)
    for paid, pot in ((sum(alpha.values()), pending_alpha), (sum(root.values()), pending_root)):
        if paid == 0:
            continue  # that part had no weight at all (or an empty pot): stranded
        if fixed_point:
            assert pot - paid < n * (1 + Fraction(pot + 1, 2**32)) + 1
        else:
            assert pot - paid < n  # each hotkey floored once
    if fixed_point:
        assert (alpha, root) == dividends_model(
            pending_alpha, pending_root, Fraction(tao_weight), stakes, dividends
        )
    # the exact model: root share r_h = tw·root/(alpha + tw·root) of each dividend
    if not fixed_point:
        tw = Fraction(tao_weight)
        parts = {}
        for h, (a, r) in stakes.items():
            share = tw * r / (a + tw * r) if a + tw * r else Fraction(0)
            parts[h] = dividends[h] * share
        total = sum(parts.values(), Fraction(0))
        for h in stakes:
            want = math.floor(pending_root * parts[h] / total) if total else 0
            assert root[h] == want
