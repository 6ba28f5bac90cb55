"""Net Tao Flow (the taoflow era, ec2212c; dtao-economics.md §3b R4, R4.6, §14c): the per-subnet
flow accumulators, their EMAs and the subnet shares they set.

Re-expressed from opentensor/subtensor ``coinbase/subnet_emissions.rs`` @ ec2212c
(``record_tao_inflow`` / ``record_tao_outflow``, ``record_protocol_inflow`` / ``_outflow``,
``get_ema_flow``, ``update_ema_protocol_flow``, ``get_lower_limit``, ``inplace_pow_normalize``,
``get_shares_flow``).

* User flow F_i (``SubnetTaoFlow``, i64 rao, the summer column ``tao_flow``): + the TAO a stake
  swaps into the pool, − the TAO an unstake pays out (the author's fee TAO included), + a
  neuron registration's burn. Protocol flow P_i (``SubnetProtocolFlow``, ``protocol_flow``):
  + the TAO injected and the chain buy's TAO, − the TAO root claims sell out of the subnet.
* Once per block, at the coinbase, each emitting subnet folds its accumulators into the EMAs
  ``SubnetEmaTaoFlow`` / ``SubnetEmaProtocolFlow`` (I64F64): S ← (1 − β)·S + β·F with
  β = FlowEmaSmoothingFactor / (2^63 − 1), each product floored to 2^-64; then F is reset.
* Net flow: norm = min(1, Σ max(S, 0) / Σ max(P, 0)) (0 when Σ max(P, 0) = 0); Net = S − norm·P
  for P > 0, S − P otherwise. Offsets z = max(Net − L, 0) with L = max(TaoFlowCutoff,
  min(min Net, 0)); shares z^p / Σ z^p (U64F64), computed as the chain does (scaled to max 1,
  then by √(i32::MAX / (n·max²)), through I32F32). For p = 1 the power is the identity; the
  chain's I32F32 ``exp(ln ·)`` is within ~1e-9 of it, which dtao does not reproduce.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

from dtao.fixed import FRAC32, FRAC64, I32F32, I64F64, ONE64, U64F64
from dtao.state import EXTENSION_DECODERS, State
from dtao.summer import summer_columns

I64_MAX = 2**63 - 1
I64_MIN = -(2**63)
_I32_MAX_U64F64 = (2**31 - 1) << FRAC64
_FRAC_DROP = FRAC64 - FRAC32  # U64F64 -> I32F32 drops 32 fraction bits (floors)


@dataclass
class FlowEmas:
    """``SubnetEmaTaoFlow`` and ``SubnetEmaProtocolFlow``: netuid -> (block of the last update,
    EMA as I64F64 raw bits, rao per block)."""

    name: ClassVar[str] = "taoflow"
    user: dict[int, tuple[int, int]] = field(default_factory=dict)
    protocol: dict[int, tuple[int, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        def rows(table: dict[int, tuple[int, int]]) -> dict[str, list[str]]:
            return {str(n): [str(b), str(v)] for n, (b, v) in sorted(table.items())}

        return {"ema_tao_flow": rows(self.user), "ema_protocol_flow": rows(self.protocol)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FlowEmas:
        """The inverse of :meth:`to_dict`; ``KeyError`` / ``ValueError`` on a bad section."""

        def rows(raw: dict[str, list[str]]) -> dict[int, tuple[int, int]]:
            out = {}
            for key, (block, value) in raw.items():
                netuid, ema = int(key), int(value)
                if netuid < 0 or int(block) < 0 or not I64F64.min_raw <= ema <= I64F64.max_raw:
                    raise ValueError(f"flow EMA row {key!r}")
                out[netuid] = (int(block), ema)
            return out

        return cls(rows(data["ema_tao_flow"]), rows(data["ema_protocol_flow"]))


EXTENSION_DECODERS[FlowEmas.name] = FlowEmas.from_dict


def flow_emas(state: State) -> FlowEmas:
    """The state's flow EMAs, created (empty: every EMA 0) on first use."""
    ext = state.extensions.get(FlowEmas.name)
    if ext is None:
        ext = state.extensions[FlowEmas.name] = FlowEmas()
    return ext  # type: ignore[return-value]


def forget_subnet(state: State, netuid: int) -> None:
    """A dissolved subnet's flow EMAs removed (``remove_network``, root.rs @ ec2212c); its
    accumulators are summer columns, reset with the others. Creates nothing."""
    ext = state.extensions.get(FlowEmas.name)
    if isinstance(ext, FlowEmas):
        ext.user.pop(netuid, None)
        ext.protocol.pop(netuid, None)


def _accumulate(state: State, column: str, netuid: int, tao: int) -> None:
    ext = summer_columns(state)
    ext.set(column, netuid, min(max(ext.get(column, netuid) + tao, I64_MIN), I64_MAX))


def record_user_flow(state: State, netuid: int, tao: int) -> None:
    """``record_tao_inflow`` (``tao`` > 0) / ``record_tao_outflow`` (< 0), saturating i64 rao;
    only in an era whose shares read it (``params.record_tao_flow``)."""
    if state.params.record_tao_flow:
        _accumulate(state, "tao_flow", netuid, tao)


def record_protocol_flow(state: State, netuid: int, tao: int) -> None:
    """``record_protocol_inflow`` / ``_outflow`` (saturating i64 rao), as
    :func:`record_user_flow`."""
    if state.params.record_tao_flow:
        _accumulate(state, "protocol_flow", netuid, tao)


def smoothing_bits(state: State) -> int:
    """β = FlowEmaSmoothingFactor / i64::MAX as I64F64 bits (truncated)."""
    return I64F64.safe_div(state.params.flow_ema_smoothing << FRAC64, I64_MAX << FRAC64)


def update_ema(state: State, table: dict[int, tuple[int, int]], column: str, netuid: int) -> int:
    """``get_ema_flow`` / ``update_ema_protocol_flow``: fold the block's accumulator into the
    EMA once per block (then reset it); returns the EMA (I64F64 bits)."""
    last_block, ema = table.get(netuid, (0, 0))
    if last_block == state.block:
        return ema
    ext = summer_columns(state)
    beta = smoothing_bits(state)
    flow = I64F64.from_int(ext.get(column, netuid))
    ema = I64F64.saturate(
        I64F64.saturating_mul(ONE64 - beta, ema) + I64F64.saturating_mul(beta, flow)
    )
    table[netuid] = (state.block, ema)
    ext.set(column, netuid, 0)
    return ema


def net_flows(state: State, emitting: list[int]) -> dict[int, int]:
    """Update both EMAs of every emitting subnet and return its net flow (I64F64 bits): the user
    EMA minus the normalised protocol EMA (``params.net_tao_flow``), else the user EMA."""
    emas = flow_emas(state)
    pairs = {
        n: (
            update_ema(state, emas.user, "tao_flow", n),
            update_ema(state, emas.protocol, "protocol_flow", n),
        )
        for n in emitting
    }
    if not state.params.net_tao_flow:
        return {n: user for n, (user, _) in pairs.items()}
    user_sum = I64F64.saturate(sum(max(u, 0) for u, _ in pairs.values()))
    protocol_sum = I64F64.saturate(sum(max(p, 0) for _, p in pairs.values()))
    norm = min(I64F64.safe_div(user_sum, protocol_sum), ONE64) if protocol_sum > 0 else 0
    return {
        n: I64F64.saturate(u - (I64F64.saturating_mul(norm, p) if p > 0 else p))
        for n, (u, p) in pairs.items()
    }


def offsets(state: State, flows: dict[int, int]) -> dict[int, int]:
    """z_i = max(Net_i − L, 0) as U64F64 bits, L = max(TaoFlowCutoff, min(min Net, 0))."""
    lowest = min((min(f, 0) for f in flows.values()), default=0)
    lower = max(I64F64.from_f64(state.params.tao_flow_cutoff), lowest)
    return {n: U64F64.saturate(f - lower) if f > lower else 0 for n, f in flows.items()}


def _safe_pow(value: int, exponent: float) -> int:
    """``safe_pow`` through I32F32: v^p (U64F64 bits in and out; 0 for v = 0, saturating at
    i32::MAX). p = 1 is the identity on the I32F32 value; any other p uses float64."""
    v32 = min(value >> _FRAC_DROP, I32F32.max_raw)
    if v32 <= 0:
        return 0
    if exponent == 1.0:
        return v32 << _FRAC_DROP
    power = math.exp(exponent * math.log(v32 / I32F32.one))
    return min(int(power * I32F32.one), I32F32.max_raw) << _FRAC_DROP


def pow_normalize(values: dict[int, int], exponent: float) -> dict[int, int]:
    """``inplace_pow_normalize`` (U64F64 bits): scale to max 1, then by
    √(i32::MAX / (n·max²)), raise to ``exponent`` and divide by the sum; left scaled to max 1
    when every value is too small for I32F32 (n·max² < i32::MAX / u64::MAX)."""
    top = max(values.values(), default=0)
    factor = U64F64.safe_div(ONE64, top)
    scaled = {n: U64F64.saturating_mul(factor, v) for n, v in values.items()}
    top = max(scaled.values(), default=0)
    spread = U64F64.saturating_mul(U64F64.from_int(len(scaled)), U64F64.saturating_mul(top, top))
    floor = U64F64.safe_div(_I32_MAX_U64F64, U64F64.from_int(2**64 - 1))
    if spread < floor:
        return scaled
    stretch = math.isqrt(U64F64.safe_div(_I32_MAX_U64F64, spread) << FRAC64)
    powered = {n: _safe_pow(U64F64.saturating_mul(stretch, v), exponent) for n, v in scaled.items()}
    total = U64F64.saturate(sum(powered.values()))
    return {n: U64F64.safe_div(p, total) for n, p in powered.items()}


def net_flow_shares(state: State, emitting: list[int]) -> dict[int, int]:
    """``get_shares_flow``: each emitting subnet's share (U64F64 bits, summing to ≤ 1) from its
    net flow EMA; updates the EMAs (once per block)."""
    return pow_normalize(
        offsets(state, net_flows(state, emitting)), state.params.flow_norm_exponent
    )
