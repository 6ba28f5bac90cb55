"""Fast twins of the summer-2026 / ``current`` per-block bookkeeping: the same integers, bit for
bit, with fewer Python steps per subnet.

* :func:`due_epochs_fast` is :func:`dtao.epoch_summer.due_epochs_stateful` as one pass over the
  scheduler's columns: every subnet's counter and due test read only its own rows, so the
  counters and the due mask are computed for all subnets at once and only the due ones walk the
  reference's per-subnet branch (the cap, the consistency check and the slot writes), in netuid
  order. A counter near the int64 limit (where the reference's write would raise) goes to the
  reference.
* :func:`decay_burns_fast` is :func:`dtao.lifecycle.decay_burns` with the half-life column read
  once and a burn already at its floor skipped.
* :func:`update_fast_prices_fast` is :func:`dtao.fast_ema.update_fast_prices` with the spot
  read from the columns and priced as the coinbase twin prices it
  (:mod:`dtao.coinbase_current_fast`), the price and the EMA step inline; a state outside
  that twin's range (a stored superellipse curve, a quote weight outside [0.01, 0.99], a
  reserve ≥ 2^62) goes to the reference. The lanes run compiled (:mod:`dtao.exact_compiled`)
  where the extension is on, in the Python loop otherwise.

:mod:`dtao.eras` picks these when fast twins are on (``DTAO_NO_FAST=1`` turns them off).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from dtao import exact_compiled, fast_ema
from dtao.coinbase_current_fast import _CURVE_ITEM, _emitting
from dtao.epoch_summer import due_epochs_stateful, epoch_input_consistent
from dtao.fixed import ONE64, U64F64
from dtao.lifecycle import clamp_burn, decay_burns, decay_factor_q32, mul_by_q32
from dtao.pools import balancer as bal
from dtao.rules import Rules
from dtao.state import State
from dtao.summer import FAST_PRICE, summer_columns
from dtao.units import U64_MAX

_COUNTER_LIMIT = 1 << 62
_ACC = bal.ACCURACY
_MAX = U64F64.max_raw  # a BlocksSinceLastStep at or above this goes to the reference


def due_epochs_fast(state: State, subnets: int) -> list[int]:
    """:func:`dtao.epoch_summer.due_epochs_stateful` over the columns (ascending netuids)."""
    netuids = state.netuids
    ext = summer_columns(state)
    if not netuids:
        return []
    if netuids[-1] >= ext.capacity:  # grown as the reference's writes grow it, row by row
        for netuid in netuids:
            ext.ensure(netuid)
    cols = ext.columns
    counters = cols["blocks_since_last_step"]
    ix = np.array(netuids, dtype=np.int64)
    count = counters[ix]
    if np.maximum.reduce(count) >= _COUNTER_LIMIT:
        return due_epochs_stateful(state, subnets)
    count += 1
    tempo = state.columns.tempo[ix]
    params, block = state.params, state.block
    if params.cap_blocks_since_last_step:  # saturates at tempo + 1 (current)
        count = np.minimum(count, tempo + 1)
    counters[ix] = count
    pending = cols["pending_epoch_at"][ix]
    runs = (tempo != 0) & (
        ((pending > 0) & (pending <= block))
        | (count > params.max_tempo)
        | (block - cols["last_epoch_block"][ix] >= tempo)
    )
    due: list[int] = []
    for netuid in ix[runs].tolist():
        if len(due) >= params.max_epochs_per_block:
            cols["pending_epoch_at"][netuid] = block + 1
            continue
        if epoch_input_consistent(state, netuid):
            counters[netuid] = 0
            due.append(netuid)
        cols["last_epoch_block"][netuid] = block
        cols["pending_epoch_at"][netuid] = 0
    return due


def decay_burns_fast(state: State, rules: Rules, subnets: int) -> None:
    """:func:`dtao.lifecycle.decay_burns` in one lean pass: the half-life column read once, a
    burn already at its floor (MinBurn ≤ MaxBurn) skipped, since f ≤ 1 can only lower it and the
    clamp then gives it back; any other burn takes the reference's ⌊burn·f / 2^32⌋ and clamp
    (for a few hundred subnets plain Python beats numpy's per-call overhead)."""
    column = summer_columns(state).columns["burn_half_life"]
    if max(state.subnets, default=0) >= len(column):
        decay_burns(state, rules, subnets)
        return
    half_lives = column.tolist()
    decays = state.block > 1
    for netuid, subnet in state.subnets.items():
        burn = subnet.burn
        if burn == subnet.burn_min <= subnet.burn_max:
            continue
        half_life = half_lives[netuid]
        if half_life > 0 and decays:
            burn = mul_by_q32(burn, decay_factor_q32(half_life))
        subnet.burn = clamp_burn(burn, subnet)


@lru_cache(maxsize=64)
def _weight_bits(half_life: int) -> int:
    return fast_ema.fast_ema_weight_bits(half_life)


def update_fast_prices_fast(state: State, rules: Rules, subnets: int) -> None:
    """:func:`dtao.fast_ema.update_fast_prices` on the columns' spot prices."""
    emitting = _emitting(state)
    summer = summer_columns(state)
    if not emitting or summer.wide[_CURVE_ITEM]:
        fast_ema.update_fast_prices(state, rules, subnets)
        return
    ix = np.array(emitting, dtype=np.int64)
    cols = state.columns
    w = summer.columns["quote_weight"][ix]
    y, x = cols.tao_in[ix], cols.alpha_in[ix]
    low, high = np.minimum.reduce(w), np.maximum.reduce(w)  # the ufuncs: no Python wrapper
    if low < bal.MIN_WEIGHT or high > bal.MAX_QUOTE_WEIGHT or ((y | x) >> 62).any():
        fast_ema.update_fast_prices(state, rules, subnets)  # outside the spot twin's range
        return
    weight = _weight_bits(state.params.fast_ema_half_life)
    table = summer.wide[FAST_PRICE]
    mech = cols.mechanism[ix]
    kernel = exact_compiled.kernels()
    if kernel is not None:  # the same lanes compiled; False (nothing written): a stored price
        rows = {"mechanism": mech, "tao_in": y, "alpha_in": x, "quote_weight": w}  # outside
        table_rows = np.array([rows[name] for name in kernel.FAST_ROWS], dtype=np.int64)
        args = (len(emitting), emitting, table, weight >> 64, weight & U64_MAX)  # [0, 2^128)
        if kernel.fast_ema(table_rows, *args):
            return
    lanes = zip(emitting, mech.tolist(), y.tolist(), x.tolist(), w.tolist(), strict=True)
    for netuid, mech_k, tao, alpha, quote in lanes:  # next_fast_price_bits(_price_bits(..)) inline
        if mech_k != 1:
            spot = ONE64
        elif alpha == 0:
            spot = 0
        else:
            spot = min(((_ACC - quote) << 64) // quote * ((tao << 64) // alpha) >> 64, _MAX)
        fast = table.get(netuid)
        if fast is None:
            table[netuid] = spot
        elif spot >= fast:
            table[netuid] = min(fast + min((spot - fast) * weight >> 64, _MAX), _MAX)
        else:
            table[netuid] = max(fast - min((fast - spot) * weight >> 64, _MAX), 0)
