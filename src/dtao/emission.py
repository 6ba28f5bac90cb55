"""Block emission with halvings, and each subnet's share of it (dtao-economics.md §2, §3).

Hot path: functions here take numpy columns over all subnets at once.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dtao.errors import ConfigError
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


# -- subnet shares ----------------------------------------------------------------------------

ShareRule = Callable[[np.ndarray], np.ndarray]


def shares_by_ema_price(moving_price: np.ndarray) -> np.ndarray:
    """Launch rule (run_coinbase @ e2b8367 steps 2-3): share_i = m_i / Σ m (0 if Σ m = 0)."""
    total = float(moving_price.sum())
    if total <= 0.0:
        return np.zeros_like(moving_price)
    return moving_price / total


SHARE_RULES: dict[str, ShareRule] = {"ema_price": shares_by_ema_price}


def share_rule(params: Params) -> ShareRule:
    """The share strategy named by the preset."""
    try:
        return SHARE_RULES[params.share_rule]
    except KeyError:
        raise ConfigError(f"unknown share rule {params.share_rule!r}") from None


def updated_moving_prices(
    moving_price: np.ndarray,
    price: np.ndarray,
    blocks_since_start: np.ndarray | None,
    params: Params,
) -> np.ndarray:
    """EMA price step (stake_utils.rs ``update_moving_price`` @ 5073ade), float64.

    m ← a·min(p, cap) + (1 − a)·m with a = ``ema_alpha``; with the R1.3 warm-up switch
    a_eff = a·b/(b + H), b = blocks since registration.
    """
    observed = price if params.ema_price_cap is None else np.minimum(price, params.ema_price_cap)
    alpha: float | np.ndarray = params.ema_alpha
    if params.ema_warmup_blocks is not None and blocks_since_start is not None:
        b = blocks_since_start.astype(np.float64)
        alpha = params.ema_alpha * b / (b + params.ema_warmup_blocks)
    return alpha * observed + (1.0 - alpha) * moving_price
