"""The emission gate of the ``current`` era (spec 440+; dtao-current.md §2).

Re-expressed from RaoFoundation/subtensor ``coinbase/subnet_emissions.rs`` @ ``f8ff769a``
(file-version id:61362518224: ``get_shares``, ``maybe_update_emission_gate_bar``,
``apply_emission_gate``, ``safe_pow``) and encointer/substrate-fixed ``transcendental.rs``
@ ``2c52170f`` (id:43406467400: ``log2``, ``ln``, ``exp``).

Per block, on the demand shares s (U64F64 raw bits, the summer rule m·(1 − min(b, 1))
normalised, see :func:`dtao.coinbase_summer.subnet_shares`):

1. the bar θ (U64F64, kept in :class:`GateState`) is recomputed when ``block % interval == 0``
   or θ = 0: rank mode (N > 0) takes the N-th largest positive share (or the smallest positive
   one when fewer are positive), q-mass mode (N = 0) the share at which the descending running
   sum reaches q; a candidate of 0 is never stored;
2. if θ > 0, each s > 0 becomes s·G with G = 1/(1 + (θ/s)^h); the power is ``safe_pow``
   (r → I32F32 floored, ln, h·ln saturating, exp; ln failing → 0, exp failing → I32F32::MAX);
3. the gated shares are renormalised by their sum, or the ungated ones restored when that sum
   is 0.

Every U64F64 product floors and every quotient is ``(a << 64) // b``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

from dtao.fixed import (
    FRAC32,
    I32F32,
    I32F32_MAX,
    ONE32,
    ONE64,
    U64F64,
    checked_div,
    exp_fixed,
)
from dtao.params import Params
from dtao.state import EXTENSION_DECODERS, State

#: log2(e) as substrate-fixed keeps it (I9F23 bits 12 102 203), widened to I32F32 raw
_LOG2_E_I32F32 = 12_102_203 << (FRAC32 - 23)
_TWO32 = 2 * ONE32
_FRAC_DROP = 64 - FRAC32  # U64F64 → I32F32 drops 32 fraction bits (floors)


@dataclass
class GateState:
    """Global gate storage: ``EmissionGateBar`` θ as U64F64 raw bits (0 = not computed)."""

    name: ClassVar[str] = "current-gate"
    bar_bits: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"emission_gate_bar_bits": str(self.bar_bits)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GateState:
        bar = int(data["emission_gate_bar_bits"])
        if not 0 <= bar <= U64F64.max_raw:
            raise ValueError(f"emission gate bar {bar} outside U64F64")
        return cls(bar)


EXTENSION_DECODERS[GateState.name] = GateState.from_dict


def gate_state(state: State) -> GateState:
    """The state's gate storage, created (θ = 0) on first use."""
    ext = state.extensions.get(GateState.name)
    if ext is None:
        ext = state.extensions[GateState.name] = GateState()
    return ext  # type: ignore[return-value]


# -- substrate-fixed transcendental functions on I32F32 raw values ---------------------------


def _halve_rounding(x: int) -> int:
    """``rs``: right shift by one bit, adding back the dropped bit (round half up)."""
    return (x >> 1) + (x & 1)


def _log2_at_least_one(x: int) -> int:
    """``log2_inner`` for x ≥ 1: whole part by halving, then 32 fraction bits by squaring."""
    result = 0
    while x >= _TWO32:
        result += 1
        x = _halve_rounding(x)
    if x == ONE32:
        return result << FRAC32
    for _ in range(FRAC32):
        x = (x * x) >> FRAC32
        result <<= 1
        if x >= _TWO32:
            result |= 1
            x = _halve_rounding(x)
    return result


def ln_i32f32(raw: int) -> int | None:
    """``ln`` (I32F32 → I32F32): log2 (x < 1 through 1/x, negated) divided by the 23-bit
    log2(e), truncating; ``None`` for x ≤ 0 (and for the 1/x overflow at x = 2^-32)."""
    if raw <= 0:
        return None
    if raw < ONE32:
        inverse = checked_div(ONE32, raw)
        if inverse is None:
            return None
        log2 = -_log2_at_least_one(inverse)
    else:
        log2 = _log2_at_least_one(raw)
    return checked_div(log2, _LOG2_E_I32F32)


def safe_pow(ratio_bits: int, exponent_bits: int) -> int:
    """``safe_pow(val, p)`` for U64F64 raw ``val`` and ``p``: e^(p·ln val) in I32F32, back to
    U64F64; 0 when ln fails (val below 2^-32), I32F32::MAX when exp overflows."""
    val = min(ratio_bits >> _FRAC_DROP, I32F32_MAX)
    log = ln_i32f32(val)
    if log is None:
        return 0
    power = I32F32.saturating_mul(min(exponent_bits >> _FRAC_DROP, I32F32_MAX), log)
    out = exp_fixed(power)
    if out is None:
        out = I32F32_MAX
    return max(out, 0) << _FRAC_DROP


# -- the share rule --------------------------------------------------------------------------


def candidate_bar(shares: dict[int, int], rank: int, quantile_bits: int) -> int:
    """``maybe_update_emission_gate_bar``'s candidate θ' (U64F64 bits) from the shares."""
    ordered = sorted(shares.values(), reverse=True)
    if rank > 0:
        positive = [s for s in ordered if s > 0]
        if not positive:
            return 0
        return positive[rank - 1] if len(positive) >= rank else positive[-1]
    cumulative = crossing = 0
    for share in ordered:
        cumulative = min(cumulative + share, U64F64.max_raw)
        crossing = share
        if cumulative >= quantile_bits:
            break
    return crossing


def bar_recomputes(state: State) -> bool:
    """Whether :func:`update_bar` recomputes θ this block (``block % interval == 0``, or θ = 0);
    else it returns the stored θ without reading the shares."""
    interval = state.params.emission_bar_interval
    return interval == 0 or state.block % interval == 0 or gate_state(state).bar_bits <= 0


def update_bar(state: State, shares: dict[int, int]) -> int:
    """Recompute and store θ when due (``block % interval == 0`` or θ = 0); returns θ."""
    params, gate = state.params, gate_state(state)
    if not bar_recomputes(state):
        return gate.bar_bits
    theta = candidate_bar(shares, params.emission_bar_rank, quantile_bits(params))
    if theta > 0:
        gate.bar_bits = theta
    return gate.bar_bits


def quantile_bits(params: Params) -> int:
    """``EmissionBarQuantile`` q as U64F64 bits (from f64, nearest)."""
    return U64F64.from_f64(params.emission_bar_quantile)


def exponent_bits(params: Params) -> int:
    """``EmissionGateExponent`` h as U64F64 bits (from f64, nearest)."""
    return _u64f64_of(params.emission_gate_exponent)


@lru_cache(maxsize=64)
def _u64f64_of(value: float) -> int:
    """``U64F64::from_num(value)`` bits, remembered per value (the exact ``Fraction`` rounding
    costs more than the rest of a block's gate; equal floats give equal bits, ±0 both 0)."""
    return U64F64.from_f64(value)


def apply_gate(shares: dict[int, int], theta: int, exponent: int) -> dict[int, int]:
    """``apply_emission_gate``: s·1/(1 + (θ/s)^h) renormalised (U64F64 bits); unchanged when
    θ = 0; the ungated shares when every gated product underflows to 0."""
    if theta <= 0:
        return dict(shares)
    gated = {}
    for netuid, share in shares.items():
        if share <= 0:
            gated[netuid] = share
            continue
        ratio = U64F64.safe_div(theta, share)
        gate = U64F64.safe_div(ONE64, min(ONE64 + safe_pow(ratio, exponent), U64F64.max_raw))
        gated[netuid] = U64F64.saturating_mul(share, gate)
    total = min(sum(gated.values()), U64F64.max_raw)
    if total == 0:
        return dict(shares)
    return {netuid: U64F64.safe_div(share, total) for netuid, share in gated.items()}


def gated_shares(state: State, demand: dict[int, int]) -> dict[int, int]:
    """Steps 1-3 above on the demand shares: the bar update (writes θ), then the gate."""
    theta = update_bar(state, demand)
    return apply_gate(demand, theta, exponent_bits(state.params))
