"""Block emission with halvings, and each subnet's share of it (dtao-economics.md §2, §3).

Hot path: functions here take numpy columns over all subnets at once.
"""

from __future__ import annotations

import numpy as np

from dtao.fixed import FRAC32, ONE32
from dtao.params import Params


def block_emission_for_issuance(issuance: int, total_supply: int, base_emission: int) -> int:
    """Emission per block (rao) for an issuance (rao): ⌊base / 2^k⌋, k = ⌊log2(S/(S − I))⌋.

    Mirrors ``get_block_emission_for_issuance`` (coinbase/block_emission.rs @ 5073ade); used for
    TAO with I = TotalIssuance and for a subnet's alpha with A = alpha_in + alpha_out. ``k`` is
    computed exactly in integers (largest k with (S − I)·2^k ≤ S) where the chain takes an I96F32
    log2; the two agree except within ~2^-32 of a halving boundary. 0 once I ≥ S.
    """
    if issuance >= total_supply:
        return 0
    remaining = total_supply - issuance
    if issuance >= 0 and 2 * remaining > total_supply:  # k = 0: before the first halving
        return base_emission
    k = (total_supply // remaining).bit_length() - 1  # floor(log2(S / remaining)), exact
    while (remaining << (k + 1)) <= total_supply:  # guard the integer-division shortcut
        k += 1
    while k > 0 and (remaining << k) > total_supply:
        k -= 1
    return base_emission >> k if k < 64 else 0


def block_emission(issuance: int, params: Params) -> int:
    """TAO emission this block (rao) from total issuance."""
    return block_emission_for_issuance(issuance, params.total_supply, params.base_block_emission)


def alpha_emissions(alpha_issuance: np.ndarray, params: Params) -> np.ndarray:
    """Alpha emission per block (alpha-rao) for every subnet's alpha issuance (vectorised).

    Same halving rule as TAO: k = ⌊log2(S/(S − A))⌋, computed exactly per halving boundary.
    """
    supply = params.total_supply
    if int(alpha_issuance.max(initial=0)) < supply // 2:  # no subnet has halved yet
        return np.full(len(alpha_issuance), params.base_block_emission, dtype=np.int64)
    remaining = supply - alpha_issuance.astype(np.int64)
    out = np.zeros(len(alpha_issuance), dtype=np.int64)
    alive = remaining > 0
    k = np.zeros(len(alpha_issuance), dtype=np.int64)
    for step in range(1, 63):  # boundaries S·(1 − 2^-step): at most ~60 ever relevant
        crossed = alive & (remaining <= (supply >> step))  # (S − A)·2^step ≤ S, no overflow
        if not crossed.any():
            break
        k[crossed] = step
    out[alive] = params.base_block_emission >> k[alive]
    return out


# -- subnet shares and EMA prices (exact I96F32 on raw int64 bits) ---------------------------

PRICE_BITS_MAX = 1 << 62


def tao_in_by_ema_price(emission: int, moving_price_bits: np.ndarray) -> np.ndarray:
    """Launch rule (run_coinbase @ 5073ade): T_i = ⌊E · m_i / Σ m⌋ rao, exact.

    The chain multiplies first, E·m_i in I96F32, then divides by Σm (truncating) and floors to
    u64; with m as raw I96F32 bits that is exactly ⌊E·bits_i / Σ bits⌋. All 0 if Σm = 0.
    """
    total = int(moving_price_bits.sum())
    if total <= 0:
        return np.zeros_like(moving_price_bits)
    if int(moving_price_bits.max()) <= ONE32 and emission < 2**31:
        return (emission * moving_price_bits) // total  # fits int64: < 2^31 · 2^32
    return np.array([emission * int(b) // total for b in moving_price_bits], dtype=np.int64)


def price_bits(
    tao_reserve: np.ndarray, alpha_reserve: np.ndarray, cap_bits: int | None = None
) -> np.ndarray:
    """Spot price as raw I96F32, ⌊y·2^32 / x⌋ (0 where x = 0), exact; optionally min(·, cap).

    float64 gives ⌊y·2^32/x⌋ to within 2e-6 (3 ulp of a value < 2^62); lanes that close to an
    integer are redone with Python ints. With ``cap_bits`` only min(p, cap) is needed, so lanes
    clearly above the cap skip that check. Saturates at 2^62 (2^30 TAO per alpha).
    """
    live = alpha_reserve > 0
    q = tao_reserve * float(ONE32) / np.where(live, alpha_reserve, 1)
    q = np.minimum(q, float(PRICE_BITS_MAX if cap_bits is None else cap_bits + 1))
    bits = q.astype(np.int64)  # floor: q ≥ 0
    frac = q - bits
    unsure = (np.abs(frac - 0.5) > 0.5 - 2e-6 - q * 2e-16) & live
    if cap_bits is not None:
        unsure &= q < cap_bits + 1
        if cap_bits == ONE32:  # y ≥ x means p ≥ 1: the cap, exactly
            unsure &= tao_reserve < alpha_reserve
        bits = np.minimum(bits, cap_bits)
    for lane in np.flatnonzero(unsure):
        exact = (int(tao_reserve[lane]) << FRAC32) // int(alpha_reserve[lane])
        bits[lane] = min(exact, PRICE_BITS_MAX if cap_bits is None else cap_bits)
    bits[~live] = 0
    return bits


def ema_cap_bits(params: Params) -> int | None:
    """The EMA observation cap as I96F32 bits (None = uncapped)."""
    return None if params.ema_price_cap is None else round(params.ema_price_cap * ONE32)


def updated_moving_price_bits(
    moving_price_bits: np.ndarray,
    observed_bits: np.ndarray,
    blocks_since_start: np.ndarray | None,
    params: Params,
) -> np.ndarray:
    """EMA price step (stake_utils.rs ``update_moving_price`` @ 5073ade) in exact I96F32.

    m ← a·p + (1 − a)·m with p the observed price bits (already min(p, cap)), each product
    floored to 2^-32; a = from_num(ema_alpha) (3e-6 → 12 885 / 2^32). With the R1.3 warm-up
    switch a_eff = ⌊a·b/(b + H)⌋.
    """
    a = round(params.ema_alpha * ONE32)
    if params.ema_warmup_blocks is not None and blocks_since_start is not None:
        b = blocks_since_start.astype(np.int64)
        a_lanes: int | np.ndarray = a * b // (b + params.ema_warmup_blocks)
    else:
        a_lanes = a
    a_min, a_max = int(np.min(a_lanes)), int(np.max(a_lanes))
    m_max = int(moving_price_bits.max(initial=0))
    p_max = int(observed_bits.max(initial=0))
    # (2^32 − a)·m and a·p stay below 2^64 in uint64 unless a = 0 meets m = 2^32, a = 2^32
    # (a moving alpha of 1.0) meets p = 2^32, or a value exceeds 2^32: those go to the
    # Python-int path below
    if (
        m_max <= ONE32
        and p_max <= ONE32
        and (a_min > 0 or m_max < ONE32)
        and (a_max < ONE32 or p_max < ONE32)
    ):
        # every product stays below 2^64: exact in uint64
        keep = (ONE32 - np.asarray(a_lanes, dtype=np.int64)).astype(np.uint64)
        new = np.asarray(a_lanes, dtype=np.uint64) * observed_bits.astype(np.uint64)
        keep = keep * moving_price_bits.astype(np.uint64)
        return ((new >> np.uint64(32)) + (keep >> np.uint64(32))).astype(np.int64)
    lanes = np.broadcast_to(np.asarray(a_lanes, dtype=np.int64), moving_price_bits.shape)
    return np.array(
        [
            (int(al) * int(p) >> FRAC32) + ((ONE32 - int(al)) * int(m) >> FRAC32)
            for al, p, m in zip(lanes, observed_bits, moving_price_bits, strict=True)
        ],
        dtype=np.int64,
    )
