"""The summer-2026 (14bc6f9) overlay of the ops mock: the balancer pool, swaps and stake
operations (ops_head_staking.json), and the setup actions every ops_head_* file shares.

Each table adds to (or replaces) the launch mock's entry of the same name in
:mod:`dtao.conformance.cases_ops` for cases of the ``summer-2026`` preset. What each action does
is the ``semantics`` text of the head files (``pallets/subtensor/src/tests/mock.rs`` @ 14bc6f9).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from dtao import extrinsics, ledger
from dtao import operations as ops
from dtao import staking_head as H
from dtao.conformance.cases_ops import MockChain, register_overlay
from dtao.fixed import FRAC64, ONE64, U64F64
from dtao.pools import balancer as bal
from dtao.receipts import Event
from dtao.summer import summer_columns

TAO = 10**9
#: the mock runtime's values that differ from the preset (mock.rs @ 14bc6f9, the head files'
#: ``semantics``): dtao parameter -> value
MOCK_RUNTIME: dict[str, Any] = {
    "existential_deposit": 1,
    "owner_cut_u16": 0,
    "tao_weight_u64": 0,
    "default_take_u16": 11_796,
    "min_take_u16": 5_898,
    "max_take_u16": 11_796,
    "network_min_lock": 100 * TAO,
    "network_last_lock": 100 * TAO,
    "lock_reduction_interval": 2,
    "network_rate_limit": 0,
    "min_stake": 2_000_000,
    "swap_fee_rate": 33,
    "swap_min_reserve": 100,
    "block_author": "12345",
}


# -- setup actions shared by the head files ---------------------------------------------------


def new_test_ext(chain: MockChain, block: int = 1) -> None:
    """``new_test_ext(block)``: an empty genesis at ``block`` with the mock runtime's values."""
    state = chain.state
    state.params = state.params.replace(**MOCK_RUNTIME)
    state.block = int(block)
    state.total_issuance = 0
    state.network_last_lock = state.params.network_last_lock
    state.network_last_lock_block = 0


def fund(chain: MockChain, coldkey: str, amount: Any) -> None:
    """``add_balance_to_coldkey_account`` at 14bc6f9: ``mint_tao`` (TotalIssuance grows, capped
    at the supply) credited to the account; nothing below the existential deposit."""
    state, amount = chain.state, int(amount)
    if amount < state.params.existential_deposit:
        return
    amount = min(amount, max(state.params.total_supply - state.total_issuance, 0))
    ledger.increase_balance(state, coldkey, amount)
    state.total_issuance += amount


def create_hotkey(chain: MockChain, coldkey: str, hotkey: str) -> None:
    """``create_account_if_non_existent``: the hotkey becomes the coldkey's if it has no owner."""
    chain.state.hotkey_owner.setdefault(hotkey, coldkey)


def median_price_bits(chain: MockChain) -> int:
    """``get_median_subnet_alpha_price`` (U64F64 bits): the median of the current prices of
    the non-root subnets with a price above 0 (mean of the two middle ones for an even count,
    floored), 1.0 when there is none."""
    rules = chain.rules
    prices = sorted(
        price
        for netuid in chain.state.netuids
        if (price := H.current_price_bits(chain.state, rules, netuid)) > 0
    )
    if not prices:
        return ONE64
    low, high = prices[(len(prices) - 1) // 2], prices[len(prices) // 2]
    return high if low == high else U64F64.safe_div((low + high) << FRAC64, 2 << FRAC64)


def seed_dynamic_network(chain: MockChain, owner_hotkey: str, owner_coldkey: str) -> int:
    """``register_network`` at 14bc6f9 as the mock's helper reaches it: the lowest free netuid,
    the lock (``get_network_lock_cost``) moved from the owner keeping the existential deposit,
    the pool seeded with y = max(moved, MinLock) and x = floor(y / median price), o = 0,
    TotalStake += y, the owner hotkey as UID 0, mechanism 1, emission off, the balancer not
    initialised. (One function, so that the subnets part can replace it by the engine's own
    registration.)"""
    state, rules = chain.state, chain.rules
    netuid = 1
    while netuid in state.subnets:
        netuid += 1
    median = median_price_bits(chain)
    lock = rules.registration.network_lock_cost(state)
    moved = ledger.withdrawable(state, owner_coldkey, lock)
    ledger.decrease_balance(state, owner_coldkey, moved)
    state.network_last_lock = moved
    state.network_last_lock_block = state.block
    state.hotkey_owner.setdefault(owner_hotkey, owner_coldkey)
    tao = max(moved, state.params.network_min_lock)
    alpha = U64F64.saturating_to_uint(U64F64.safe_div(tao << FRAC64, median))
    extrinsics.init_new_network(
        state, netuid, owner_coldkey, owner_hotkey, tao_in=tao, alpha_in=alpha, locked=moved
    )
    extrinsics.add_total_stake(state, tao)
    summer_columns(state).reset(netuid)
    summer_columns(state).set("emission_enabled", netuid, 0)
    return netuid


def add_dynamic_network(
    chain: MockChain, owner_hotkey: str, owner_coldkey: str, netuid: int | None = None
) -> int:
    """The mock's ``add_dynamic_network``: fund the owner with the lock (TotalIssuance counts it
    twice, as the mock does), register, then registration on, FirstEmissionBlockNumber 0,
    SubtokenEnabled."""
    lock = chain.rules.registration.network_lock_cost(chain.state)
    fund(chain, owner_coldkey, lock)
    chain.state.total_issuance += lock
    got = seed_dynamic_network(chain, owner_hotkey, owner_coldkey)
    if netuid is not None and got != int(netuid):
        raise AssertionError(f"add_dynamic_network made netuid {got}, case says {netuid}")
    chain.state.columns.registration_allowed[got] = 1
    ext = summer_columns(chain.state)
    ext.set("first_emission_block", got, 0)
    ext.set("subtoken_enabled", got, 1)
    return got


def remove_owner_registration_stake(chain: MockChain, netuid: int) -> None:
    """A no-op at 14bc6f9: registration credits the owner no alpha."""


def init_swap(chain: MockChain, netuid: int) -> None:
    """``maybe_initialize_palswap(netuid, None)``: w2 = 0.5 on a pool not yet initialised."""
    ext = summer_columns(chain.state)
    if not ext.get("pool_initialized", int(netuid)):
        ext.set("quote_weight", int(netuid), bal.DEFAULT_QUOTE_WEIGHT)
        ext.set("pool_initialized", int(netuid), 1)


def mock_credit_stake(
    chain: MockChain, hotkey: str, coldkey: str, netuid: int, amount: int
) -> None:
    """``mock_increase_stake_for_hotkey_and_coldkey_on_subnet``: a share-pool credit (no swap),
    and the subnet account funded with 100 × the amount (minted)."""
    ledger.increase_stake(chain.state, coldkey, hotkey, int(netuid), int(amount))
    fund(chain, f"subnet_account:{int(netuid)}", 100 * int(amount))


# -- protocol calls of the staking tests ------------------------------------------------------


def stake_into_subnet(
    chain: MockChain,
    hotkey: str,
    coldkey: str,
    netuid: int,
    amount: int,
    limit_price: int | None = None,
    drop_fees: bool = False,
) -> int:
    """``stake_into_subnet`` called directly (no validation); the alpha credited."""
    events: list[Event] = []
    limit = H.MAX_PRICE if limit_price is None else int(limit_price)
    return H.stake_into_subnet(
        chain.state,
        chain.rules,
        events,
        hotkey,
        coldkey,
        int(netuid),
        int(amount),
        limit,
        bool(drop_fees),
    )


def _sim(chain: MockChain, netuid: int, amount: int, buy: bool) -> list[int]:
    got = H.sim_swap(chain.state, chain.rules, int(netuid), int(amount), buy=buy)
    return [got.amount_paid_out, got.fee_paid]


def sim_swap_tao_for_alpha(chain: MockChain, netuid: int, amount: int) -> list[int]:
    """The mock's ``swap_tao_to_alpha``: a rolled-back buy at the default limit; [out, fee]."""
    return _sim(chain, netuid, amount, True)


def sim_swap_alpha_for_tao(chain: MockChain, netuid: int, amount: int) -> list[int]:
    """The mock's ``swap_alpha_to_tao``: a rolled-back sale at the default limit; [out, fee]."""
    return _sim(chain, netuid, amount, False)


def get_max_amount_add(chain: MockChain, netuid: int, limit_price: int) -> int:
    return H.get_max_amount_add(chain.state, chain.rules, int(netuid), int(limit_price))


def get_max_amount_remove(chain: MockChain, netuid: int, limit_price: int) -> int:
    return H.get_max_amount_remove(chain.state, chain.rules, int(netuid), int(limit_price))


# -- storage and quantities -------------------------------------------------------------------


def _summer_writer(column: str) -> Callable[[MockChain, dict[str, Any], Any], None]:
    def write(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
        summer_columns(chain.state).set(column, int(keys["netuid"]), int(value))

    return write


def _alpha_price(chain: MockChain, netuid: int) -> float:
    """``current_alpha_price``: the balancer price (U64F64) as a float; 1.0 when stable."""
    return H.current_price_bits(chain.state, chain.rules, int(netuid)) / ONE64


def _stake_value(chain: MockChain, netuid: int, alpha: int) -> int:
    """alpha × the current price (U64F64), floored."""
    price = H.current_price_bits(chain.state, chain.rules, netuid)
    return U64F64.saturating_to_uint(U64F64.saturating_mul(price, alpha << FRAC64))


def _total_stake_for_hotkey(chain: MockChain, hotkey: str) -> int:
    """``get_total_stake_for_hotkey``: Σ over subnets of TotalHotkeyAlpha × price, floored."""
    return sum(
        _stake_value(chain, netuid, pool.value)
        for (hk, netuid), pool in chain.state.stakes.items()
        if hk == hotkey and extrinsics.subnet_exists(chain.state, netuid)
    )


RECORD_ACTIONS: dict[str, Callable[..., ops.Operation]] = {
    "unstake_all": ops.UnstakeAll,
    "unstake_all_alpha": ops.UnstakeAllAlpha,
    "recycle_alpha": ops.RecycleAlpha,
    "burn_alpha": ops.BurnAlpha,
}
ACTIONS: dict[str, Callable[..., Any]] = {
    "new_test_ext": new_test_ext,
    "fund": fund,
    "create_hotkey": create_hotkey,
    "add_dynamic_network": add_dynamic_network,
    "remove_owner_registration_stake": remove_owner_registration_stake,
    "init_swap": init_swap,
    "mock_credit_stake": mock_credit_stake,
    "stake_into_subnet": stake_into_subnet,
    "sim_swap_tao_for_alpha": sim_swap_tao_for_alpha,
    "sim_swap_alpha_for_tao": sim_swap_alpha_for_tao,
    "get_max_amount_add": get_max_amount_add,
    "get_max_amount_remove": get_max_amount_remove,
}
STORAGE: dict[str, Callable[[MockChain, dict[str, Any], Any], None]] = {
    "SwapBalancer": _summer_writer("quote_weight"),
    "PalSwapInitialized": _summer_writer("pool_initialized"),
    "SubtokenEnabled": _summer_writer("subtoken_enabled"),
}
QUANTITIES: dict[str, Callable[..., Any]] = {
    "AlphaPrice": _alpha_price,
    "TotalStakeForHotkey": _total_stake_for_hotkey,
    "SwapBalancer": lambda c, netuid: H.quote_weight(c.state, int(netuid)),
}

register_overlay("summer-2026", sys.modules[__name__])  # type: ignore[arg-type]
