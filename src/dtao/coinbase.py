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

The pool never loses: the root sale goes through the era's pool (``rules.pool``), whose
vectorised sale is exact (float only screens the easy lanes).

This is the reference path. The common block (subnets 1 … n, no halving, EMA cap 1.0, no
warm-up) has a fast twin in :mod:`dtao.coinbase_fast` that writes the same numbers.
"""

from __future__ import annotations

import numpy as np

from dtao.emission import (
    alpha_emissions,
    ema_cap_bits,
    price_bits,
    updated_moving_price_bits,
)
from dtao.fixed import ONE32
from dtao.rules import CoinbasePath, Rules
from dtao.state import State
from dtao.units import U64_MAX


def inject_launch(state: State, rules: Rules, subnets: int, emission: int) -> None:
    """The launch injection, split and root-alpha sale for any state (gaps, halvings, warm-up,
    uncapped EMA, …): the reference path.

    Works on views of rows 1 … highest netuid; rows that hold no subnet are masked to zero,
    so there is no gather or scatter: every write is an in-place column update.
    """
    params = state.params
    cols = state.columns
    rows = slice(1, int(np.flatnonzero(cols.exists)[-1]) + 1)
    live = cols.exists[rows]
    y, x, o = cols.tao_in[rows], cols.alpha_in[rows], cols.alpha_out[rows]
    m = cols.moving_price_bits[rows]
    # stable subnets (SubnetMechanism 0) are priced at 1.0, spot and moving
    stable = live & (cols.mechanism[rows] == 0)
    any_stable = bool(stable.any())
    m_eff = np.where(stable, ONE32, m) if any_stable else m

    # 1-2. shares, TAO and alpha injection
    tao_in = rules.shares(emission, m_eff)
    tao_in[cols.registration_allowed[rows] == 0] = 0  # §3: zeroed, alpha_in still computed
    alpha_emission = alpha_emissions(x + o, params) * live
    ea_f = alpha_emission.astype(np.float64)
    total_m = int(m_eff.sum())
    shares = m_eff * (1.0 / total_m) if total_m > 0 else np.zeros(len(m))
    with np.errstate(divide="ignore", invalid="ignore"):
        # alpha_in = min(T/p, Eα) with p = y/x, i.e. min(T·x/y, Eα); y = 0 gives p = 0 → Eα
        # (inf), and rows without a subnet give nan, which fmin drops in favour of Eα = 0
        alpha_in = np.fmin((emission * shares) * x / y, ea_f).astype(np.int64)  # floor ≥ 0
    alpha_in[x == 0] = alpha_emission[x == 0]  # p = 0 when the alpha reserve is empty
    if any_stable:  # p = 1: alpha_in = min(T, Eα)
        alpha_in[stable] = np.fmin(emission * shares[stable], ea_f[stable]).astype(np.int64)
    x += alpha_in
    o += alpha_emission
    y += tao_in
    minted = int(tao_in.sum())
    state.total_issuance += minted
    state.total_stake = min(state.total_stake + minted, U64_MAX)  # TotalStake += tao_in

    # 3. owner cut, root proportion, pending pots, root-alpha sale
    owner_cut_f = ea_f * params.owner_cut
    owner_cut = owner_cut_f.astype(np.int64)
    rest_f = ea_f - owner_cut_f
    weighted_root = params.tao_weight * float(state.root_tao)
    unheld = alpha_emission - owner_cut
    if weighted_root > 0:
        root_alpha_f = rest_f * (weighted_root * 0.5) / ((x + o) + weighted_root)
        root_alpha = root_alpha_f.astype(np.int64)
        pending = (rest_f - root_alpha_f).astype(np.int64)
        sold_tao, refused = rules.pool.subnet.sell_many(y, x, root_alpha)
        if any_stable:  # 1:1 sales; SubnetTAO saturates at 0 (the shortfall is new TAO)
            sold_tao[stable], refused[stable] = root_alpha[stable], False
            shortfall = np.maximum(sold_tao - y, 0) * stable
            state.lost_tao -= int(shortfall.sum())
            y += shortfall
        sold_alpha = root_alpha if not refused.any() else np.where(refused, 0, root_alpha)
        x += sold_alpha
        o -= sold_alpha
        y -= sold_tao
        state.total_stake = max(state.total_stake - int(sold_tao.sum()), 0)  # the sale's TAO
        cols.pending_alpha_swapped[rows] += root_alpha
        cols.pending_root_divs[rows] += sold_tao
        unheld -= sold_alpha  # root alpha whose sale was refused stays in o with no holder
    else:
        pending = rest_f.astype(np.int64)
    unheld -= pending
    cols.pending_owner_cut[rows] += owner_cut
    cols.pending_emission[rows] += pending
    cols.alpha_unbacked[rows] += unheld  # flooring dust (+ refused root sales)
    cols.tao_in_emission[rows] = tao_in
    cols.alpha_in_emission[rows] = alpha_in
    cols.alpha_out_emission[rows] = alpha_emission
    cols.emission_share[rows] = shares

    # 4. EMA of the price read after the sale
    age = state.block - _registered_at(state)[rows] if params.ema_warmup_blocks else None
    observed = price_bits(y, x, ema_cap_bits(params))
    if any_stable:  # get_alpha_price is 1.0 on a stable subnet
        observed[stable] = min(ONE32, ema_cap_bits(params) or ONE32)
    m[:] = updated_moving_price_bits(m, observed, age, params) * live


def _registered_at(state: State) -> np.ndarray:
    """Registration block per row (0 where no subnet)."""
    out = np.zeros(state.columns.capacity, dtype=np.int64)
    for netuid, subnet in state.subnets.items():
        out[netuid] = subnet.registered_at
    return out


def run_coinbase(state: State, rules: Rules, subnets: int, emission: int) -> CoinbasePath:
    """Injection and pending accumulation of ``emission`` rao (this block's TAO emission) for
    every subnet; which path ran. The fast twin runs when the era has one and it takes the
    block, else the reference.

    ``subnets``: :func:`~dtao.state.contiguous_subnets` of this state (0 if not contiguous).
    """
    if not state.subnets:
        return "none"
    if rules.injection_fast is not None and rules.injection_fast(state, rules, subnets, emission):
        return "fast"
    rules.injection(state, rules, subnets, emission)
    return "reference"
