"""Vector handler for the real-block emission-gate file (``emission_gate_real.json``).

The case is one Finney block's stored state (dtao-current.md §11): every non-root subnet's
moving price (I96F32 bits), MinerBurned (U96F32 bits), emission-enabled flag and eligibility,
the stored bar θ (U64F64 bits) and the gate's settings. The replay builds a ``current`` state
with those values (:class:`dtao.genesis.Genesis`, pools of 1 TAO / 1 alpha, which the share
rule does not read) and runs the preset's share rule
(:func:`dtao.coinbase_current.current_block_emissions`); ⌊T_i⌋ is compared with the chain's
``SubnetTaoInEmission + SubnetExcessTao`` within the case's tolerance.
"""

from __future__ import annotations

from typing import Any

from dtao.coinbase_current import current_block_emissions
from dtao.coinbase_summer import emitting_subnets
from dtao.conformance.registry import GATE_REAL_BLOCK, Case, CaseFailed, check, handles
from dtao.fixed import U96F32
from dtao.gate import gate_state
from dtao.genesis import Genesis
from dtao.state import State
from dtao.summer import summer_columns
from dtao.units import RAO_PER_TAO

_OWNER = ("gate-owner-coldkey", "gate-owner-hotkey")


def real_block_state(inputs: dict[str, Any], preset: str) -> State:
    """A ``preset`` state at the case's block holding its subnets' share-rule storage."""
    overrides = {
        "emission_bar_rank": int(inputs["emission_bar_rank"]),
        "emission_bar_quantile": float(inputs["emission_bar_quantile"]),
        "emission_gate_exponent": float(inputs["emission_gate_exponent"]),
    }
    genesis = Genesis(preset, block=int(inputs["block"]), **overrides)
    for row in inputs["subnets"]:
        genesis.subnet(
            int(row["netuid"]),
            *_OWNER,
            tao_in=RAO_PER_TAO,
            alpha_in=RAO_PER_TAO,
            moving_price_bits=int(row["moving_price_bits_i96f32"]),
        )
    state = genesis.build()
    ext = summer_columns(state)
    for row in inputs["subnets"]:
        netuid = int(row["netuid"])
        ext.set("miner_burned_bits", netuid, int(row["miner_burned_bits_u96f32"]))
        ext.set("emission_enabled", netuid, int(bool(row["emission_enabled"])))
        eligible = bool(row["eligible"])
        ext.set("first_emission_block", netuid, 1 if eligible else -1)
        ext.set("subtoken_enabled", netuid, int(eligible))
        state.columns.registration_allowed[netuid] = True
    gate_state(state).bar_bits = int(inputs["emission_gate_bar_bits_u64f64"])
    return state


@handles(GATE_REAL_BLOCK)
def emission_gate_real_case(case: Case, document: dict[str, Any]) -> None:
    """Replay one real block's subnet TAO emissions through the preset's share rule."""
    inputs, expected = case["inputs"], case["expected"]
    state = real_block_state(inputs, str(case.get("preset") or document.get("preset")))
    emitting = emitting_subnets(state)
    emissions = current_block_emissions(state, emitting, int(inputs["block_emission_rao"]))
    tolerance = expected["tolerance"]
    limit, below_only = int(tolerance["abs_rao"]), bool(tolerance["below_only"])
    for row in expected["per_subnet"]:
        netuid = int(row["netuid"])
        ours = U96F32.saturating_to_uint(emissions.get(netuid, 0))
        chain = int(row["tao_in_emission_rao"]) + int(row["excess_tao_rao"])
        diff = ours - chain
        if below_only and diff < 0:
            raise CaseFailed(f"subnet {netuid}: chain {chain} above ours {ours}")
        check(abs(diff) <= limit, f"subnet {netuid}: ours {ours} vs chain {chain} (Δ {diff})")
    check(bool(expected["per_subnet"]), "no subnets to compare")
