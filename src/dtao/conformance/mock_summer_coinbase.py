"""The summer-2026 (14bc6f9) overlay of the ops mock: the coinbase, the epoch payout
and root claims (ops_head_coinbase.json, ops_head_claim_root.json).

Each table adds to (or replaces) the launch mock's entry of the same name in
:mod:`dtao.conformance.cases_ops` for cases of the ``summer-2026`` preset. The shared setup
(``new_test_ext``, ``fund``, ``add_dynamic_network``, ``init_swap``, the mock runtime) is the
pool overlay's; the helpers here follow the ``semantics`` of ops_head_coinbase.json (the mock of
``pallets/subtensor/src/tests/mock.rs`` @ 14bc6f9); protocol calls go to the engine's own
functions in :mod:`dtao.coinbase_summer` and :mod:`dtao.epoch_summer`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from dtao import coinbase_summer as cb
from dtao import epoch_summer, extrinsics, ledger
from dtao import operations as ops
from dtao.conformance.cases_ops import MockChain, register_overlay
from dtao.fixed import ONE64, U96F32
from dtao.receipts import EpochPayouts
from dtao.summer import summer_columns

#: ``register_ok_neuron`` seeds an empty pool with these reserves (rao, alpha-rao)
_MOCK_NEURON_POOL = 1_000_000_000_000
_ONE32 = U96F32.one


def _f32(bits: int) -> float:
    """A U96F32 raw value as the float the chain's tests compare."""
    return bits / _ONE32


def _bits32(value: Any) -> int:
    """A float given as a U96F32 / I96F32 ``from_num(f64)`` input, as raw bits."""
    return round(float(value) * _ONE32)


# -- setup ------------------------------------------------------------------------------------


def register_neuron(chain: MockChain, netuid: int, hotkey: str, coldkey: str) -> int:
    """The mock's ``register_ok_neuron`` @ 14bc6f9: an empty pool is seeded 1e12 / 1e12, the
    hotkey gets the next UID at no cost (burn 0)."""
    state, netuid = chain.state, int(netuid)
    subnet = state.subnets[netuid]
    cols = state.columns
    if not cols.tao_in[netuid] and not cols.alpha_in[netuid]:
        cols.tao_in[netuid] = cols.alpha_in[netuid] = _MOCK_NEURON_POOL
    state.hotkey_owner.setdefault(hotkey, coldkey)
    uid, _ = extrinsics.register_neuron(state, subnet, hotkey, None)
    return uid


def _record(chain: MockChain, payouts: EpochPayouts) -> None:
    """Keep ``AlphaDividendsPerSubnet`` (the alpha rest per validator) of the last epoch."""
    recorded = chain.__dict__.setdefault("payouts", {})
    recorded[payouts.netuid] = dict(zip(payouts.validator_hotkeys, payouts.alpha_rest, strict=True))


def run_coinbase(chain: MockChain, block_emission: int) -> None:
    """``run_coinbase(mint_tao(E))``: shares, injection, split, then the epochs due."""
    from dtao.block import coinbase_and_epochs
    from dtao.receipts import BlockReceipt

    state = chain.state
    receipt = BlockReceipt(block=state.block)
    coinbase_and_epochs(state, chain.rules, 0, int(block_emission), receipt)
    for payouts in receipt.epochs:
        _record(chain, payouts)


def step_block(chain: MockChain, n: int = 1) -> None:
    """Whole blocks (the block step, every epoch payout recorded)."""
    from dtao.block import step_protocol

    for _ in range(int(n)):
        for payouts in step_protocol(chain.state, chain.rules).epochs:
            _record(chain, payouts)


def run_to_block(chain: MockChain, block: int) -> None:
    step_block(chain, max(int(block) - chain.state.block, 0))


def distribute_emission(
    chain: MockChain,
    netuid: int,
    pending_server: int,
    pending_validator: int,
    pending_root: int,
    pending_owner_cut: int,
) -> None:
    """``distribute_emission`` with the given pots (the pot storage is not touched)."""
    netuid = int(netuid)
    if netuid not in chain.state.subnets:
        return
    payouts = epoch_summer.distribute_emission(
        chain.state,
        chain.rules,
        netuid,
        int(pending_server),
        int(pending_validator),
        int(pending_root),
        int(pending_owner_cut),
    )
    _record(chain, payouts)


def distribute_dividends_and_incentives(
    chain: MockChain,
    netuid: int,
    owner_cut: int,
    incentives: dict[str, int],
    alpha_dividends: dict[str, float],
    root_alpha_dividends: dict[str, float],
) -> None:
    """The payout alone with the given per-hotkey maps (dividends as U96F32 floats)."""
    payouts = epoch_summer.distribute_dividends_and_incentives(
        chain.state,
        int(netuid),
        int(owner_cut),
        {str(h): int(v) for h, v in incentives.items()},
        {str(h): _bits32(v) for h, v in alpha_dividends.items()},
        {str(h): _bits32(v) for h, v in root_alpha_dividends.items()},
    )
    _record(chain, payouts)


def update_moving_price(chain: MockChain, netuid: int, times: int = 1) -> None:
    for _ in range(int(times)):
        cb.update_moving_price(chain.state, int(netuid))


def _emissions_arg(chain: MockChain, value: Any) -> dict[int, int]:
    """A map argument {netuid: float} or {"returned": name} as U96F32 bits by netuid."""
    if isinstance(value, dict) and "returned" in value:
        return {int(k): _bits32(v) for k, v in chain.returns[value["returned"]].items()}
    return {int(k): _bits32(v) for k, v in value.items()}


def get_subnets_to_emit_to(chain: MockChain, netuids: list[int]) -> list[int]:
    emitting = set(cb.emitting_subnets(chain.state))
    return [int(n) for n in netuids if int(n) in emitting]


def get_subnet_block_emissions(
    chain: MockChain, netuids: list[int], block_emission: int
) -> dict[int, float]:
    got = cb.subnet_block_emissions(chain.state, [int(n) for n in netuids], int(block_emission))
    return {n: _f32(v) for n, v in got.items()}


def get_shares(chain: MockChain, netuids: list[int]) -> dict[int, float]:
    got = cb.subnet_shares(chain.state, [int(n) for n in netuids])
    return {n: v / ONE64 for n, v in got.items()}


def get_subnet_terms(chain: MockChain, subnet_emissions: Any) -> tuple[dict[int, float], ...]:
    terms = cb.subnet_terms(chain.state, _emissions_arg(chain, subnet_emissions))
    return tuple({n: _f32(t[i]) for n, t in terms.items()} for i in range(4))


def get_network_root_sell_flag(chain: MockChain, netuids: list[int]) -> bool:
    return cb.root_sell_flag(chain.state, [int(n) for n in netuids])


def root_proportion(chain: MockChain, netuid: int) -> float:
    return _f32(cb.subnet_root_proportion(chain.state, int(netuid)))


def emit_to_subnets(
    chain: MockChain,
    netuids: list[int],
    subnet_emissions: Any,
    credit: int,
    root_sell_flag: bool,
) -> None:
    state = chain.state
    minted = cb.mint_tao(state, int(credit))
    emissions = _emissions_arg(chain, subnet_emissions)
    cb.emit_to_subnets(
        state, chain.rules, [int(n) for n in netuids], emissions, minted, bool(root_sell_flag)
    )


def inject_and_maybe_swap(
    chain: MockChain,
    netuids: list[int],
    tao_in: dict[str, int],
    alpha_in: dict[str, int],
    excess_tao: dict[str, int],
    credit: int,
) -> None:
    state = chain.state
    minted = cb.mint_tao(state, int(credit))
    terms = {
        int(n): (
            int(tao_in.get(str(n), 0)) << 32,
            int(alpha_in.get(str(n), 0)) << 32,
            int(excess_tao.get(str(n), 0)) << 32,
        )
        for n in netuids
    }
    left = cb.inject_and_maybe_swap(state, chain.rules, [int(n) for n in netuids], terms, minted)
    state.total_issuance -= left


def drain_pending(chain: MockChain, netuids: list[int], block: int) -> dict[int, list[int]]:
    """The scheduler and the drain at ``block`` (the block number is not changed)."""
    state = chain.state
    saved, state.block = state.block, int(block)
    try:
        due = epoch_summer.due_epochs_stateful(state, 0)
    finally:
        state.block = saved
    out = {}
    ext = summer_columns(state)
    for netuid in due:
        pots = [ext.get(p, netuid) for p in ("pending_server", "pending_validator")]
        pots += [
            ext.get("pending_root_alpha", netuid),
            state.columns.get("pending_owner_cut", netuid),
        ]
        for pot in ("pending_server", "pending_validator", "pending_root_alpha"):
            ext.set(pot, netuid, 0)
        state.columns.pending_owner_cut[netuid] = 0
        out[netuid] = pots
    return out


# -- storage ----------------------------------------------------------------------------------


def _ext_writer(column: str, convert: Callable[[Any], int] = int) -> Callable[..., None]:
    def write(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
        summer_columns(chain.state).set(column, int(keys["netuid"]), convert(value))

    return write


def _first_emission_block(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    ext = summer_columns(chain.state)
    ext.set("first_emission_block", int(keys["netuid"]), -1 if value is None else int(value))


def _cols_writer(column: str) -> Callable[..., None]:
    def write(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
        chain.state.columns.ensure(int(keys["netuid"]))
        getattr(chain.state.columns, column)[int(keys["netuid"])] = int(value)

    return write


def _owned_hotkeys(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    for hotkey in value:
        chain.state.hotkey_owner.setdefault(str(hotkey), str(keys["coldkey"]))


def _uids(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    """``Uids[netuid][hotkey] = uid`` alone: the hotkey takes that UID slot (empty slots below
    it are padded with placeholders; no other neuron storage changes)."""
    neurons = chain.state.subnets[int(keys["netuid"])].neurons
    uid = int(value)
    while neurons.n < uid:
        neurons.hotkeys.append(f"<uid {neurons.n}>")
    if uid == neurons.n:
        neurons.hotkeys.append(str(keys["hotkey"]))
    else:
        neurons.hotkeys[uid] = str(keys["hotkey"])


def _block_at_registration(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    chain.state.subnets[int(keys["netuid"])].neurons.registered_at[int(keys["uid"])] = int(value)


def _subnet_param(name: str) -> Callable[..., None]:
    def write(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
        chain.state.params = chain.state.params.replace(**{name: int(value)})

    return write


def _max_validators(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    chain.state.subnets[int(keys["netuid"])].max_validators = int(value)


def _weights(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    neurons = chain.state.subnets[int(keys["netuid_index"])].neurons
    row = int(keys["uid"])
    neurons.weights[row, :] = 0
    neurons.weights_present[row, :] = False
    for target, weight in value:
        neurons.weights[row, int(target)] = int(weight)
        neurons.weights_present[row, int(target)] = True


def _last_update(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    neurons = chain.state.subnets[int(keys["netuid_index"])].neurons
    neurons.last_update[: len(value)] = [int(v) for v in value]


def _validator_permit(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    neurons = chain.state.subnets[int(keys["netuid"])].neurons
    neurons.validator_permit[: len(value)] = [bool(v) for v in value]


# -- quantities -------------------------------------------------------------------------------


def _returned(chain: MockChain, name: str, key: Any = None, **_: Any) -> Any:
    value = chain.returns[name]
    return value if key is None else value[key]


def _ext_reader(column: str) -> Callable[..., int]:
    return lambda c, netuid: summer_columns(c.state).get(column, int(netuid))


def _reserve_ratio(chain: MockChain, netuid: int) -> float:
    cols = chain.state.columns
    x, y = int(cols.alpha_in[netuid]), int(cols.tao_in[netuid])
    return _f32(U96F32.safe_div(U96F32.from_int(x), U96F32.from_int(y)))


RECORD_ACTIONS: dict[str, Callable[..., ops.Operation]] = {}
ACTIONS: dict[str, Callable[..., Any]] = {
    "register_neuron": register_neuron,
    "run_coinbase": run_coinbase,
    "step_block": step_block,
    "run_to_block": run_to_block,
    "distribute_emission": distribute_emission,
    "distribute_dividends_and_incentives": distribute_dividends_and_incentives,
    "update_moving_price": update_moving_price,
    "get_subnets_to_emit_to": get_subnets_to_emit_to,
    "get_subnet_block_emissions": get_subnet_block_emissions,
    "get_shares": get_shares,
    "get_subnet_terms": get_subnet_terms,
    "get_network_root_sell_flag": get_network_root_sell_flag,
    "root_proportion": root_proportion,
    "emit_to_subnets": emit_to_subnets,
    "inject_and_maybe_swap": inject_and_maybe_swap,
    "drain_pending": drain_pending,
}
STORAGE: dict[str, Callable[[MockChain, dict[str, Any], Any], None]] = {
    "OwnerCutEnabled": _ext_writer("owner_cut_enabled", lambda v: int(bool(v))),
    "FirstEmissionBlockNumber": _first_emission_block,
    "LastEpochBlock": _ext_writer("last_epoch_block"),
    "BlocksSinceLastStep": _ext_writer("blocks_since_last_step"),
    "PendingEpochAt": _ext_writer("pending_epoch_at"),
    "PendingServerEmission": _ext_writer("pending_server"),
    "PendingValidatorEmission": _ext_writer("pending_validator"),
    "PendingRootAlphaDivs": _ext_writer("pending_root_alpha"),
    "SubnetExcessTao": _ext_writer("excess_tao"),
    "MinerBurned": _ext_writer("miner_burned_bits", _bits32),
    "RootProp": _ext_writer("root_prop_bits", _bits32),
    "PendingOwnerCut": _cols_writer("pending_owner_cut"),
    "SubnetTaoInEmission": _cols_writer("tao_in_emission"),
    "SubnetAlphaInEmission": _cols_writer("alpha_in_emission"),
    "OwnedHotkeys": _owned_hotkeys,
    "Uids": _uids,
    "BlockAtRegistration": _block_at_registration,
    "ImmuneOwnerUidsLimit": lambda c, k, v: None,  # pruning immunity only
    "WeightsSetRateLimit": _subnet_param("weights_rate_limit"),
    "Kappa": _subnet_param("kappa_u16"),
    "ActivityCutoff": _subnet_param("activity_cutoff"),
    "MaxAllowedValidators": _max_validators,
    "Weights": _weights,
    "LastUpdate": _last_update,
    "ValidatorPermit": _validator_permit,
}
QUANTITIES: dict[str, Callable[..., Any]] = {
    "Returned": _returned,
    "ReturnedLen": lambda c, name: len(c.returns[name]),
    "StakeOnSubnet": lambda c, hotkey, netuid: ledger.get_hotkey_stake(c.state, hotkey, netuid),
    "SubnetAlphaOutEmission": lambda c, netuid: c.state.columns.get("alpha_out_emission", netuid),
    "SubnetTaoInEmission": lambda c, netuid: c.state.columns.get("tao_in_emission", netuid),
    "SubnetAlphaInEmission": lambda c, netuid: c.state.columns.get("alpha_in_emission", netuid),
    "PendingServerEmission": _ext_reader("pending_server"),
    "PendingValidatorEmission": _ext_reader("pending_validator"),
    "PendingRootAlphaDivs": _ext_reader("pending_root_alpha"),
    "SubnetExcessTao": _ext_reader("excess_tao"),
    "SubnetProtocolAlpha": _ext_reader("protocol_alpha"),
    "BlocksSinceLastStep": _ext_reader("blocks_since_last_step"),
    "RootProp": lambda c, netuid: _f32(summer_columns(c.state).get("root_prop_bits", netuid)),
    "MinerBurned": lambda c, netuid: _f32(summer_columns(c.state).get("miner_burned_bits", netuid)),
    "AlphaDividendsPerSubnet": lambda c, netuid, hotkey: (
        c.__dict__.get("payouts", {}).get(netuid, {}).get(hotkey, 0)
    ),
    "ReserveRatio": _reserve_ratio,
}

register_overlay("summer-2026", sys.modules[__name__])
