"""Per-block coinbase of the launch era, vectorised over every subnet (dtao-economics.md §3a,
§4, §5a, §14b steps 2-5; ``run_coinbase`` in coinbase/run_coinbase.rs @ 5073ade).

Per block, for all non-root subnets i at once (float64, each write floored to rao):

1. E from total issuance; T_i = ⌊E·m_i/Σm⌋ exactly in I96F32 bits (0 for all if Σm = 0).
2. Eα_i from A_i = x_i + o_i; alpha_in_i = min(T_i/p_i, Eα_i) (Eα_i if p_i = 0);
   x += ⌊alpha_in⌋, o += Eα, y += ⌊T_i⌋, I += ⌊T_i⌋ (zeroed when registration is closed).
3. owner cut c = Eα·cut → PendingOwnerCut += ⌊c⌋; X' = Eα − c;
   rp = tw·R/(tw·R + A_i) with A_i after step 2; root alpha r = rp·X'/2 is sold into the pool
   at once (fee-free, exact constant product) → PendingRootDivs (TAO);
   PendingAlphaSwapped += ⌊r⌋; PendingEmission += ⌊X' − r⌋.
4. EMA: m ← a·min(p, 1) + (1 − a)·m with p read after the sale (exact I96F32).

The pool never loses: the root sale uses the exact integer pool math (float only screens the
easy lanes; any lane within rounding distance of an integer or of the liquidity guard is
recomputed exactly).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dtao.emission import (
    alpha_emissions,
    block_emission,
    price_bits,
    share_rule,
    updated_moving_price_bits,
)
from dtao.errors import ConfigError
from dtao.pools import constant_product as cp
from dtao.state import State

_FRAC18 = 2.0**-18


def sell_alpha_many(
    y: np.ndarray, x: np.ndarray, alpha: np.ndarray, min_liquidity: int
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`cp.sim_swap_alpha_for_tao`: (TAO out, refused mask), exact.

    Lanes whose float result is not safely inside an integer cell (or near the refusal
    threshold, or with k beyond float-exact range) are recomputed with the integer function.
    """
    yf, xf, af = y.astype(np.float64), x.astype(np.float64), alpha.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(xf + af > 0, yf * af / (xf + af), 0.0)
    out = np.floor(q)
    frac = q - out
    tol = 1e-6 + q * 4e-15
    new_reserve = yf - out
    unsure = (
        (frac < tol)
        | (frac > 1.0 - _FRAC18 - tol)
        | (np.abs(new_reserve - min_liquidity) < 2.0 + tol)
        | (yf * xf > 1e30)
    )
    refused = new_reserve < min_liquidity
    out_int = out.astype(np.int64)
    for lane in np.flatnonzero(unsure & (alpha > 0)):
        exact = cp.sim_swap_alpha_for_tao(
            int(y[lane]), int(x[lane]), int(alpha[lane]), min_liquidity
        )
        refused[lane] = exact is None
        out_int[lane] = 0 if exact is None else exact
    out_int[refused | (alpha == 0)] = 0
    refused &= alpha > 0
    return out_int, refused


def inject_launch(state: State, rows: np.ndarray) -> None:
    """Launch injection, split and root-alpha sale for the subnets in ``rows`` (netuids)."""
    params = state.params
    cols = state.columns
    emission = block_emission(state.total_issuance, params)
    y = cols.tao_in[rows]
    x = cols.alpha_in[rows]
    o = cols.alpha_out[rows]
    m = cols.moving_price_bits[rows]

    tao_in = share_rule(params)(emission, m)
    total_m = float(m.sum())
    shares = m / total_m if total_m > 0 else np.zeros(len(rows))
    tao_in_f = emission * shares  # unfloored T_i for alpha_in = T_i / p_i
    alpha_emission = alpha_emissions(x + o, params)
    ea_f = alpha_emission.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        price = np.where(x > 0, y / np.where(x > 0, x, 1), 0.0)
        alpha_in_f = np.where(price > 0, tao_in_f / np.where(price > 0, price, 1.0), ea_f)
    alpha_in = np.floor(np.minimum(alpha_in_f, ea_f)).astype(np.int64)
    closed = _registration_closed(state, rows)
    if closed is not None:
        tao_in[closed] = 0
    x = x + alpha_in
    o = o + alpha_emission
    y = y + tao_in
    state.total_issuance += int(tao_in.sum())

    owner_cut_f = ea_f * params.owner_cut
    owner_cut = np.floor(owner_cut_f).astype(np.int64)
    rest_f = ea_f - owner_cut_f
    weighted_root = params.tao_weight * float(state.root_tao)
    denominator = weighted_root + (x + o).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        root_prop = np.where(denominator > 0, weighted_root / denominator, 0.0)
    root_alpha_f = root_prop * rest_f * 0.5
    root_alpha = np.floor(root_alpha_f).astype(np.int64)
    pending = np.floor(rest_f - root_alpha_f).astype(np.int64)

    sold_tao, refused = sell_alpha_many(y, x, root_alpha, params.min_pool_liquidity)
    sold_alpha = np.where(refused, 0, root_alpha)
    x = x + sold_alpha
    o = o - sold_alpha
    y = y - sold_tao

    cols.tao_in[rows] = y
    cols.alpha_in[rows] = x
    cols.alpha_out[rows] = o
    cols.pending_owner_cut[rows] += owner_cut
    cols.pending_emission[rows] += pending
    cols.pending_alpha_swapped[rows] += root_alpha
    cols.pending_root_divs[rows] += sold_tao
    # alpha minted into o but held by no pot: flooring dust, and root alpha whose sale failed
    cols.alpha_unbacked[rows] += alpha_emission - owner_cut - pending - root_alpha
    cols.alpha_unbacked[rows] += np.where(refused, root_alpha, 0)
    cols.tao_in_emission[rows] = tao_in
    cols.alpha_in_emission[rows] = alpha_in
    cols.alpha_out_emission[rows] = alpha_emission
    cols.emission_share[rows] = shares

    age = state.block - _registered_at(state, rows) if params.ema_warmup_blocks else None
    cols.moving_price_bits[rows] = updated_moving_price_bits(m, price_bits(y, x), age, params)


def _registration_closed(state: State, rows: np.ndarray) -> np.ndarray | None:
    """Mask of subnets whose registration is off (their tao_in is zeroed, §3), or None."""
    if all(state.subnets[int(i)].registration_allowed for i in rows):
        return None
    return np.array([not state.subnets[int(i)].registration_allowed for i in rows])


def _registered_at(state: State, rows: np.ndarray) -> np.ndarray:
    return np.array([state.subnets[int(i)].registered_at for i in rows], dtype=np.int64)


INJECTION_RULES: dict[str, Callable[[State, np.ndarray], None]] = {"launch": inject_launch}


def run_coinbase(state: State) -> None:
    """Emission, injection and pending accumulation for every subnet, this block."""
    rows = np.flatnonzero(state.columns.exists)
    if len(rows) == 0:
        return
    try:
        inject = INJECTION_RULES[state.params.injection_rule]
    except KeyError:
        raise ConfigError(f"unknown injection rule {state.params.injection_rule!r}") from None
    inject(state, rows)
