"""The taoflow (ec2212c) overlay of the ops mock: net Tao Flow shares, the min(Eα, E) cap, the
v3 injection, the legacy drain, and the storage and quantities the taoflow files read
(ops_taoflow_coinbase.json, ops_taoflow_subnet.json, ops_taoflow_claim_root.json).

The cases of the ``taoflow`` preset replay on the summer-2026 overlays first (``OVERLAY_BASES``:
the same test runtime, staking, registration and root claims); this module replaces the
coinbase helpers with the ec2212c ones of :mod:`dtao.coinbase_taoflow` and :mod:`dtao.flows`,
following the files' ``semantics``. dtao prices a v3 pool by its reserves
(:mod:`dtao.pools.v3`), so a direct write of ``AlphaSqrtPrice`` s is replayed as the TAO reserve
that gives that price, y = ⌊x·s²⌋ (the alpha reserve, and with it the alpha issuance, kept).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from dtao import coinbase_summer as cb
from dtao import coinbase_taoflow as tf
from dtao import epoch_summer, flows
from dtao import operations as ops
from dtao import staking_head as H
from dtao.conformance.cases_ops import MockChain, overlays_for, register_overlay
from dtao.conviction import ConvictionLocks
from dtao.emission import block_emission_for_issuance
from dtao.fixed import FRAC64, I64F64, ONE64, U64F64, U96F32
from dtao.summer import summer_columns


def _f32(bits: int) -> float:
    return bits / U96F32.one


def _bits32(value: Any) -> int:
    """A U96F32 argument: ``{"bits_u96f32": n}`` or the float passed to ``from_num``."""
    if isinstance(value, dict):
        return int(value["bits_u96f32"])
    return U96F32.from_f64(float(value))


def _emissions(chain: MockChain, value: dict[str, Any]) -> dict[int, int]:
    """A map argument {netuid: U96F32} or {"returned": name} as U96F32 bits by netuid."""
    if "returned" in value:
        return {int(n): U96F32.from_f64(v) for n, v in chain.returns[value["returned"]].items()}
    return {int(n): _bits32(v) for n, v in value.items()}


def _prior(table: str, name: str) -> Callable[..., Any]:
    """The summer-2026 overlays' entry of ``name`` (what this overlay wraps)."""
    found = None
    for overlay in overlays_for("summer-2026"):
        found = getattr(overlay, table).get(name, found)
    if found is None:
        raise KeyError(name)
    return found


# -- protocol calls ---------------------------------------------------------------------------


def inplace_pow_normalize(chain: MockChain, values: dict[str, float], p: float) -> dict[int, float]:
    got = flows.pow_normalize(
        {int(n): U64F64.from_f64(float(v)) for n, v in values.items()}, float(p)
    )
    return {n: v / ONE64 for n, v in got.items()}


def _recorder(column: str, sign: int) -> Callable[..., None]:
    def record(chain: MockChain, netuid: int, amount: int) -> None:
        ext = summer_columns(chain.state)
        ext.set(column, int(netuid), ext.get(column, int(netuid)) + sign * int(amount))

    return record


def init_swap_v3(chain: MockChain, netuid: int) -> None:
    """``maybe_initialize_v3``: dtao's v3 pool is its reserves; only the flag is kept."""
    summer_columns(chain.state).set("pool_initialized", int(netuid), 1)


def get_shares(chain: MockChain, netuids: list[int]) -> dict[int, float]:
    got = flows.net_flow_shares(chain.state, [int(n) for n in netuids])
    return {n: v / ONE64 for n, v in got.items()}


def get_subnet_block_emissions(
    chain: MockChain, netuids: list[int], block_emission: int
) -> dict[int, float]:
    state, emitting = chain.state, [int(n) for n in netuids]
    shares = flows.net_flow_shares(state, emitting)
    got = cb.subnet_block_emissions(state, emitting, int(block_emission), shares)
    return {n: _f32(v) for n, v in got.items()}


def _cap(chain: MockChain) -> cb.InjectionCap:
    """The cap with E = ``calculate_block_emission`` (from TotalIssuance)."""
    params = chain.state.params
    emission = block_emission_for_issuance(
        chain.state.total_issuance, params.total_supply, params.base_block_emission
    )
    return tf.alpha_in_cap(emission)


def get_subnet_terms(chain: MockChain, subnet_emissions: dict[str, Any]) -> tuple[Any, ...]:
    emissions = _emissions(chain, subnet_emissions)
    terms = cb.subnet_terms(chain.state, emissions, _cap(chain))
    return tuple({n: _f32(t[i]) for n, t in terms.items()} for i in range(4))


def emit_to_subnets(
    chain: MockChain,
    netuids: list[int],
    subnet_emissions: dict[str, Any],
    credit: int,
    root_sell_flag: bool,
) -> None:
    state = chain.state
    minted = cb.mint_tao(state, int(credit))
    emissions = _emissions(chain, subnet_emissions)
    emitting = [int(n) for n in netuids]
    flag = bool(root_sell_flag)
    cb.emit_to_subnets(
        state, chain.rules, emitting, emissions, minted, flag, tf.inject_v3, _cap(chain)
    )


def inject_and_maybe_swap(
    chain: MockChain,
    netuids: list[int],
    tao_in: dict[str, Any],
    alpha_in: dict[str, Any],
    excess_tao: dict[str, Any],
    credit: int,
) -> None:
    state = chain.state
    minted = cb.mint_tao(state, int(credit))
    terms = {
        int(n): tuple(_bits32(m.get(str(n), 0)) for m in (tao_in, alpha_in, excess_tao))
        for n in netuids
    }
    left = tf.inject_v3(state, chain.rules, [int(n) for n in netuids], terms, minted)  # type: ignore[arg-type]
    state.total_issuance -= left


def drain_pending(chain: MockChain, netuids: list[int], block: int) -> dict[int, list[int]]:
    """The legacy scheduler and the drain at ``block`` (the block number is not changed)."""
    state = chain.state
    saved, state.block = state.block, int(block)
    try:
        due = tf.due_epochs_legacy(state, 0)
    finally:
        state.block = saved
    ext, out = summer_columns(state), {}
    for netuid in due:
        pots = ("pending_server", "pending_validator", "pending_root_alpha")
        out[netuid] = [ext.get(p, netuid) for p in pots]
        out[netuid].append(state.columns.get("pending_owner_cut", netuid))
        for pot in pots:
            ext.set(pot, netuid, 0)
        state.columns.pending_owner_cut[netuid] = 0
    return out


def distribute_emission(
    chain: MockChain,
    netuid: int,
    pending_server: int,
    pending_validator: int,
    pending_root: int,
    pending_owner_cut: int,
) -> None:
    """``distribute_emission``, recording ``RootAlphaDividendsPerSubnet`` (the root rest per
    validator, cleared before each epoch of the subnet)."""
    netuid = int(netuid)
    if netuid not in chain.state.subnets:
        return
    pots = (pending_server, pending_validator, pending_root, pending_owner_cut)
    payouts = epoch_summer.distribute_emission(
        chain.state, chain.rules, netuid, *(int(v) for v in pots)
    )
    chain.__dict__.setdefault("payouts", {})[netuid] = dict(
        zip(payouts.validator_hotkeys, payouts.alpha_rest, strict=True)
    )
    rests = zip(payouts.validator_hotkeys, payouts.tao_rest, strict=True)
    chain.__dict__.setdefault("root_dividends", {})[netuid] = {h: r for h, r in rests if r}


def swap_tao_for_alpha(
    chain: MockChain, netuid: int, amount: int, limit_price: Any = None, drop_fees: bool = False
) -> int:
    """``swap_tao_for_alpha`` with the TAO already on the subnet account; a zero amount on a
    dynamic subnet only initialises the pool (nothing moves)."""
    state, netuid, amount = chain.state, int(netuid), int(amount)
    limit = None if limit_price in (None, "max") else int(limit_price)
    if amount == 0:
        if H.X.is_dynamic(state, netuid):
            init_swap_v3(chain, netuid)
        return 0
    result = H.plan_swap(
        state, chain.rules, netuid, amount, buy=True, limit_price=limit, drop_fees=bool(drop_fees)
    )
    H.write_buy(state, netuid, amount, result)
    return result.amount_paid_out


# -- storage ----------------------------------------------------------------------------------


def _param(name: str, convert: Callable[[Any], Any]) -> Callable[..., None]:
    def write(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
        chain.state.params = chain.state.params.replace(**{name: convert(value)})

    return write


def _column(column: str) -> Callable[..., None]:
    def write(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
        summer_columns(chain.state).set(column, int(keys["netuid"]), int(value))

    return write


def _ema_writer(user: bool) -> Callable[..., None]:
    def write(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
        emas = flows.flow_emas(chain.state)
        table = emas.user if user else emas.protocol
        block, ema = value
        table[int(keys["netuid"])] = (int(block), I64F64.from_f64(float(ema)))

    return write


def _alpha_sqrt_price(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    """``AlphaSqrtPrice`` = s: the TAO reserve set to ⌊x·s²⌋ (see the module docstring)."""
    netuid = int(keys["netuid"])
    sqrt_bits = U64F64.from_f64(float(value))
    price = U64F64.saturating_mul(sqrt_bits, sqrt_bits)
    cols = chain.state.columns
    cols.tao_in[netuid] = (int(cols.alpha_in[netuid]) * price) >> FRAC64


def _flag(value: Any) -> bool:
    return bool(value)


# -- quantities -------------------------------------------------------------------------------


def _ema_reader(user: bool) -> Callable[..., Any]:
    def read(chain: MockChain, netuid: int) -> Any:
        emas = flows.flow_emas(chain.state)
        row = (emas.user if user else emas.protocol).get(int(netuid))
        return None if row is None else [row[0], row[1] / ONE64]

    return read


def _returned(chain: MockChain, name: str, key: Any = None, **_: Any) -> Any:
    """A recorded return value, or one entry of it: a map by netuid (the files write the key
    as a string), a tuple or list by index."""
    value = chain.returns[name]
    if key is None:
        return value
    if isinstance(value, dict):
        return value[key] if key in value else value[int(key)]
    return value[int(key)]


def _moving_price(chain: MockChain, netuid: int) -> float:
    return cb.moving_price_bits(chain.state, int(netuid)) / ONE64


def _contains(chain: MockChain, item: str, keys: dict[str, Any]) -> bool:
    if item == "RootAlphaDividendsPerSubnet":
        recorded = chain.__dict__.get("root_dividends", {}).get(int(keys["netuid"]), {})
        return str(keys["hotkey"]) in recorded
    return _prior("QUANTITIES", "Contains")(chain, item, keys)


def _burn_increase_mult(chain: MockChain, netuid: int) -> float:
    from dtao.summer_subnets import registration_terms

    return registration_terms(chain.state).mult_bits(chain.state.params, int(netuid)) / ONE64


def _has_lock(chain: MockChain, coldkey: str, netuid: int) -> bool:
    """Any ``Lock`` entry of (coldkey, netuid) (the conviction locks' own map)."""
    locks = chain.state.extensions.get(ConvictionLocks.name)
    return locks is not None and (str(coldkey), int(netuid)) in locks.locks  # type: ignore[attr-defined]


RECORD_ACTIONS: dict[str, Callable[..., ops.Operation]] = {}
ACTIONS: dict[str, Callable[..., Any]] = {
    "inplace_pow_normalize": inplace_pow_normalize,
    "record_tao_inflow": _recorder("tao_flow", 1),
    "record_tao_outflow": _recorder("tao_flow", -1),
    "record_protocol_inflow": _recorder("protocol_flow", 1),
    "record_protocol_outflow": _recorder("protocol_flow", -1),
    "init_swap_v3": init_swap_v3,
    "get_shares": get_shares,
    "get_subnet_block_emissions": get_subnet_block_emissions,
    "get_subnet_terms": get_subnet_terms,
    "emit_to_subnets": emit_to_subnets,
    "inject_and_maybe_swap": inject_and_maybe_swap,
    "drain_pending": drain_pending,
    "distribute_emission": distribute_emission,
    "swap_tao_for_alpha": swap_tao_for_alpha,
}
STORAGE: dict[str, Callable[[MockChain, dict[str, Any], Any], None]] = {
    "NetTaoFlowEnabled": _param("net_tao_flow", _flag),
    "FlowNormExponent": _param("flow_norm_exponent", float),
    "TaoFlowCutoff": _param("tao_flow_cutoff", float),
    "FlowEmaSmoothingFactor": _param("flow_ema_smoothing", int),
    "SubnetTaoFlow": _column("tao_flow"),
    "SubnetProtocolFlow": _column("protocol_flow"),
    "SubnetEmaTaoFlow": _ema_writer(user=True),
    "SubnetEmaProtocolFlow": _ema_writer(user=False),
    "LastMechansimStepBlock": _column("last_epoch_block"),
    "AlphaSqrtPrice": _alpha_sqrt_price,
}
QUANTITIES: dict[str, Callable[..., Any]] = {
    "Returned": _returned,
    "ReturnedCountPositive": lambda c, name: sum(1 for v in c.returns[name].values() if v > 0),
    "SubnetEmaTaoFlow": _ema_reader(user=True),
    "SubnetEmaProtocolFlow": _ema_reader(user=False),
    "SubnetTaoFlow": lambda c, netuid: summer_columns(c.state).get("tao_flow", int(netuid)),
    "SubnetProtocolFlow": lambda c, netuid: summer_columns(c.state).get(
        "protocol_flow", int(netuid)
    ),
    "MovingPrice": _moving_price,
    "LastMechansimStepBlock": lambda c, netuid: summer_columns(c.state).get(
        "last_epoch_block", int(netuid)
    ),
    "RootAlphaDividendsPerSubnet": lambda c, netuid, hotkey: (
        c.__dict__.get("root_dividends", {}).get(int(netuid), {}).get(str(hotkey), 0)
    ),
    "Contains": _contains,
    "BurnHalfLife": lambda c, netuid: summer_columns(c.state).get("burn_half_life", int(netuid)),
    "BurnIncreaseMult": _burn_increase_mult,
    # user liquidity (the only writer of the two) is not modelled: disabled on mainnet
    "SubnetTaoProvided": lambda c, netuid: 0,
    "SubnetAlphaInProvided": lambda c, netuid: 0,
    "HasLock": _has_lock,
}

register_overlay("taoflow", sys.modules[__name__])
