"""Pure integer pieces of the coinbase: the per-block alpha split and the epoch dividend split.

Re-expressed from opentensor/subtensor ``pallets/subtensor/src/coinbase/run_coinbase.rs``
(``emit_to_subnets``, ``calculate_dividend_distribution``), ``coinbase/block_step.rs``
(``root_proportion``), ``staking/stake_utils.rs`` (``get_tao_weight``) and ``utils/misc.rs``
(``get_float_subnet_owner_cut``) @ ``14bc6f9``; the launch split from ``run_coinbase.rs`` @
``5073ade`` (spec §5a, §5b step 4, §14b).

Fixed point. The chain computes these in U96F32 (HEAD; I96F32 at launch — identical for the
non-negative values here): 32 fractional bits, every product and quotient truncated (floored),
and each amount floored to an integer when it is written to storage. We emulate that on ``int``
bit patterns (value·2**32). Ratios passed in as ``Fraction`` or ``float`` (root proportion, TAO
weight) are first floored to a multiple of 2**-32; to pass the chain's exact fixed value, pass
``Fraction(bits, 2**32)`` (see :func:`tao_weight_bits`, :func:`root_proportion_bits`).

Amounts are ``int`` alpha-rao. Nothing here ever hands out more than it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from fractions import Fraction
from typing import NamedTuple, TypeVar

from dtao.fixed import U96F32, U96F32_MAX
from dtao.units import U16_MAX, U64_MAX

K = TypeVar("K", bound=Hashable)

_HALF = U96F32.one >> 1
"""0.5 in U96F32 bits."""

# The chain's U96F32 operations on bits (see :class:`dtao.fixed.FixedType`):
_mul = U96F32.saturating_mul  # saturating_mul: floor(a·b / 2**32), clamped
_div = U96F32.safe_div  # checked_div(..).unwrap_or(0): floor(a·2**32 / b); 0 if b = 0 or overflow
_to_u64 = U96F32.saturating_to_uint  # saturating_to_num::<u64>() (tou64!): floor, clamped


def _bits(value: int | Fraction | float) -> int:
    """A non-negative number as U96F32 bits, floored to 2**-32, clamped to the type."""
    if isinstance(value, int):
        return U96F32.from_int(value)
    exact = Fraction(value)
    return U96F32.saturate(exact.numerator * U96F32.one // exact.denominator)


def tao_weight_bits(tao_weight_u64: int) -> int:
    """``get_tao_weight``: ``TaoWeight``/(2**64 − 1) as U96F32 bits (floored)."""
    return _div(tao_weight_u64 << U96F32.frac, U64_MAX << U96F32.frac)


def owner_cut_bits(owner_cut_u16: int) -> int:
    """``get_float_subnet_owner_cut``: ``SubnetOwnerCut``/65 535 as U96F32 bits (floored)."""
    return _div(owner_cut_u16 << U96F32.frac, U16_MAX << U96F32.frac)


def root_proportion_bits(tao_weight_u64: int, root_tao: int, alpha_issuance: int) -> int:
    """``root_proportion`` (HEAD; inline at launch): tw·R/(tw·R + A) as U96F32 bits.

    R = ``SubnetTAO[0]`` (rao), A = the subnet's alpha issuance x + o (alpha-rao); tw·R is
    floored, the quotient floored; 0 when tw·R + A = 0.
    """
    weighted_root = _mul(root_tao << U96F32.frac, tao_weight_bits(tao_weight_u64))
    total = min(weighted_root + (alpha_issuance << U96F32.frac), U96F32_MAX)
    return _div(weighted_root, total)


class AlphaSplit(NamedTuple):
    """One block's split of a subnet's alpha emission (HEAD ``emit_to_subnets``), floored
    alpha-rao as added to the ``Pending*`` accumulators."""

    owner_cut: int
    """→ ``PendingOwnerCut``."""
    server: int
    """→ ``PendingServerEmission`` (miners)."""
    validator: int
    """→ ``PendingValidatorEmission`` (alpha validators, root part removed)."""
    root: int
    """→ ``PendingRootAlphaDivs`` if the root-sell flag is set, else recycled."""


def split_alpha_emission(
    alpha_out: int, owner_cut_u16: int, root_proportion: Fraction | float
) -> AlphaSplit:
    """Split ``alpha_out`` (alpha-rao minted this block) as HEAD ``emit_to_subnets`` does.

    Pass ``owner_cut_u16 = 0`` when ``OwnerCutEnabled`` is false (same arithmetic). In U96F32
    (cut = ⌊cut_u16/65 535⌋₃₂, rp = ⌊root_proportion⌋₃₂; ⌊·⌋₃₂ floors to 2**-32):

    1. owner cut c = ⌊A·cut⌋₃₂; X' = A − c (exact);
    2. root r = ⌊⌊rp·X'⌋₃₂ · 0.5⌋₃₂;
    3. server s = ⌊X'·0.5⌋₃₂; validator v = (X' − s) − r (exact, never negative since rp ≤ 1);
    4. each of c, s, v, r is floored to an integer when accumulated.

    So c + s + v + r = A exactly before step 4 and the four integers sum to A − (0…3):
    the fractional remainders (< 1 rao each) are lost, never handed out twice.
    """
    total = _bits(alpha_out)
    owner = _mul(total, owner_cut_bits(owner_cut_u16))
    remaining = total - owner
    root = _mul(_mul(min(_bits(root_proportion), U96F32.one), remaining), _HALF)
    server = _mul(remaining, _HALF)
    validator = max(remaining - server - root, 0)
    return AlphaSplit(_to_u64(owner), _to_u64(server), _to_u64(validator), _to_u64(root))


class LaunchAlphaSplit(NamedTuple):
    """One block's split at launch (``run_coinbase`` @ ``e2b8367``/``5073ade``), floored."""

    owner_cut: int
    """→ ``PendingOwnerCut``."""
    pending_emission: int
    """→ ``PendingEmission`` (miners + alpha validators, split later by Yuma)."""
    root_alpha: int
    """Sold into the pool this block; → ``PendingAlphaSwapped`` (the TAO → ``PendingRootDivs``)."""


def split_alpha_emission_launch(
    alpha_out: int, owner_cut_u16: int, root_proportion: Fraction | float
) -> LaunchAlphaSplit:
    """The launch-era split: c = ⌊A·cut⌋₃₂, X' = A − c, r = ⌊⌊rp·X'⌋₃₂·0.5⌋₃₂,
    pending = X' − r; each floored to an integer on write (I96F32, same bits as U96F32 here).
    The three integers sum to A − (0…2)."""
    total = _bits(alpha_out)
    owner = _mul(total, owner_cut_bits(owner_cut_u16))
    remaining = total - owner
    root = _mul(_mul(min(_bits(root_proportion), U96F32.one), remaining), _HALF)
    return LaunchAlphaSplit(_to_u64(owner), _to_u64(remaining - root), _to_u64(root))


def dividend_distribution(
    pending_validator_alpha: int,
    pending_root: int,
    tao_weight: Fraction | float,
    stakes: Mapping[K, tuple[int, int]],
    dividends: Mapping[K, int | Fraction],
    *,
    fixed_point: bool = True,
) -> tuple[dict[K, int], dict[K, int]]:
    """Split epoch dividends into alpha and root parts and rescale each to its pot (HEAD
    ``calculate_dividend_distribution``; spec §5b step 4).

    ``stakes[h] = (alpha_stake_h, root_stake_h)`` (alpha-rao on this subnet, rao on root);
    ``dividends[h]`` is h's epoch dividend D_h (after the childkey split). Hotkeys without a
    stake entry get nothing and no entry. For each hotkey, with tw = ``tao_weight``:

    * r_h = tw·root_h / (alpha_h + tw·root_h) (0 when the denominator is 0);
    * root_divs_h = D_h·r_h, alpha_divs_h = D_h − root_divs_h;
    * alpha paid to h = pending_validator_alpha · alpha_divs_h / Σ alpha_divs;
      root alpha for h = pending_root · root_divs_h / Σ root_divs (0 when the sum is 0).

    Returns (alpha_divs, root_divs) as floored ints (the chain floors them when it credits).

    ``fixed_point=True`` (default) reproduces the chain's U96F32 arithmetic: every product and
    share floored to 2**-32. Then Σ ≤ pot always, and pot − Σ < n·(1 + (pot + 1)/2**32) for
    n hotkeys with a non-zero total of that part (each share loses < 2**-32 of the pot, each
    floor < 1 rao): about 195 rao per hotkey on a 837-alpha pot. ``fixed_point=False`` uses
    exact rationals floored once per hotkey: Σ ≤ pot and pot − Σ < n. When the total of a part
    is 0 (no root stake, or no dividends), that pot is not paid out at all (stranded).
    """
    if fixed_point:
        return _dividend_distribution_fixed(
            pending_validator_alpha, pending_root, tao_weight, stakes, dividends
        )
    return _dividend_distribution_exact(
        pending_validator_alpha, pending_root, tao_weight, stakes, dividends
    )


def _dividend_distribution_fixed(
    pending_alpha: int,
    pending_root: int,
    tao_weight: Fraction | float,
    stakes: Mapping[K, tuple[int, int]],
    dividends: Mapping[K, int | Fraction],
) -> tuple[dict[K, int], dict[K, int]]:
    alpha_bits, root_bits = dividend_distribution_bits(
        pending_alpha, pending_root, _bits(tao_weight), stakes, dividends
    )
    return (
        {h: _to_u64(v) for h, v in alpha_bits.items()},
        {h: _to_u64(v) for h, v in root_bits.items()},
    )


def dividend_distribution_bits(
    pending_alpha: int,
    pending_root: int,
    tao_weight_bits_: int,
    stakes: Mapping[K, tuple[int, int]],
    dividends: Mapping[K, int | Fraction],
    eligible: Callable[[K], bool] | None = None,
    fast: bool = False,
) -> tuple[dict[K, int], dict[K, int]]:
    """:func:`dividend_distribution` in U96F32 before the final floor: (alpha paid, root alpha)
    per hotkey as raw bits, as ``calculate_dividend_distribution`` hands them to the payout
    (which takes the validator take from the unfloored value, then floors each part).
    ``tao_weight_bits_`` is ``get_tao_weight`` (:func:`tao_weight_bits`). ``eligible``: the
    #3035 rule (dtao-current.md §4.2): a hotkey it refuses gets no root part, and its
    root-weighted part is not given to alpha either (None: every hotkey is eligible).
    ``fast``: a zero dividend's parts are 0 without the stake mix, and a zero part is paid 0
    without the rescale (the same bits; ``eligible`` is then not asked, it must be a pure
    read; ``stakes`` of a zero dividend are not read)."""
    weight = tao_weight_bits_
    alpha_parts: dict[K, int] = {}
    root_parts: dict[K, int] = {}
    paid: list[K] = []  # the hotkeys with a dividend (fast)
    for hotkey, dividend in dividends.items():
        if hotkey not in stakes:
            continue
        if fast and not dividend:
            root_parts[hotkey] = alpha_parts[hotkey] = 0
            continue
        paid.append(hotkey)
        alpha_stake, root_stake = stakes[hotkey]
        root_as_alpha = _mul(_bits(root_stake), weight)
        total = min(_bits(alpha_stake) + root_as_alpha, U96F32_MAX)
        root_share = _div(root_as_alpha, total)
        dividend_bits = _bits(dividend)
        root_part = _mul(dividend_bits, root_share)
        root_parts[hotkey] = root_part if eligible is None or eligible(hotkey) else 0
        alpha_parts[hotkey] = max(dividend_bits - root_part, 0)
    total_root = min(sum(root_parts.values()), U96F32_MAX)
    total_alpha = min(sum(alpha_parts.values()), U96F32_MAX)
    root_pot = _bits(pending_root)
    alpha_pot = _bits(pending_alpha)
    if fast:  # _mul(pot, _div(0, total)) is 0: only the paid hotkeys' non-zero parts
        root_out, alpha_out = dict.fromkeys(root_parts, 0), dict.fromkeys(alpha_parts, 0)
        for hotkey in paid:
            if part := root_parts[hotkey]:
                root_out[hotkey] = _mul(root_pot, _div(part, total_root))
            if part := alpha_parts[hotkey]:
                alpha_out[hotkey] = _mul(alpha_pot, _div(part, total_alpha))
    else:
        root_out = {h: _mul(root_pot, _div(v, total_root)) for h, v in root_parts.items()}
        alpha_out = {h: _mul(alpha_pot, _div(v, total_alpha)) for h, v in alpha_parts.items()}
    return alpha_out, root_out


def _dividend_distribution_exact(
    pending_alpha: int,
    pending_root: int,
    tao_weight: Fraction | float,
    stakes: Mapping[K, tuple[int, int]],
    dividends: Mapping[K, int | Fraction],
) -> tuple[dict[K, int], dict[K, int]]:
    weight = Fraction(tao_weight)
    alpha_parts: dict[K, Fraction] = {}
    root_parts: dict[K, Fraction] = {}
    for hotkey, dividend in dividends.items():
        if hotkey not in stakes:
            continue
        alpha_stake, root_stake = stakes[hotkey]
        root_as_alpha = weight * root_stake
        total = alpha_stake + root_as_alpha
        root_share = root_as_alpha / total if total else Fraction(0)
        root_parts[hotkey] = Fraction(dividend) * root_share
        alpha_parts[hotkey] = Fraction(dividend) - root_parts[hotkey]
    return _rescale(alpha_parts, pending_alpha), _rescale(root_parts, pending_root)


def _rescale(parts: Mapping[K, Fraction], pot: int) -> dict[K, int]:
    total = sum(parts.values(), Fraction(0))
    if total == 0:
        return {h: 0 for h in parts}
    return {h: int(pot * v / total) for h, v in parts.items()}
