"""The summer-2026 (14bc6f9) overlay of the ops mock: the balancer pool, swaps and stake
operations (ops_head_staking.json); the setup actions the head files share are in
:mod:`dtao.conformance.mock_summer_subnets`.

Each table adds to (or replaces) the launch mock's entry of the same name in
:mod:`dtao.conformance.cases_ops` for cases of the ``summer-2026`` preset. What each action does
is the ``semantics`` text of the head files (``pallets/subtensor/src/tests/mock.rs`` @ 14bc6f9).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from dtao import extrinsics
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
    "max_epochs_per_block": 32,  # prod_or_fast!(2, 32): the mock is the fast runtime
}


# -- setup actions shared by the head files ---------------------------------------------------


def create_hotkey(chain: MockChain, coldkey: str, hotkey: str) -> None:
    """``create_account_if_non_existent``: the hotkey becomes the coldkey's if it has no owner."""
    chain.state.hotkey_owner.setdefault(hotkey, coldkey)


def set_balance(chain: MockChain, account: str, amount: int) -> None:
    """``Balances::make_free_balance_be``: the free balance set, TotalIssuance untouched."""
    chain.state.balances[account] = int(amount)


def init_swap(chain: MockChain, netuid: int) -> None:
    """``maybe_initialize_palswap(netuid, None)``: w2 = 0.5 on a pool not yet initialised."""
    ext = summer_columns(chain.state)
    if not ext.get("pool_initialized", int(netuid)):
        ext.set("quote_weight", int(netuid), bal.DEFAULT_QUOTE_WEIGHT)
        ext.set("pool_initialized", int(netuid), 1)


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
    "create_hotkey": create_hotkey,
    "set_balance": set_balance,
    "init_swap": init_swap,
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
    "SubnetEmissionEnabled": _summer_writer("emission_enabled"),
}
QUANTITIES: dict[str, Callable[..., Any]] = {
    "AlphaPrice": _alpha_price,
    "TotalStakeForHotkey": _total_stake_for_hotkey,
    "SwapBalancer": lambda c, netuid: H.quote_weight(c.state, int(netuid)),
}

register_overlay("summer-2026", sys.modules[__name__])
