"""The current (spec 475) overlay of the ops mock: Root Reborn: root seats, baskets,
deposits and claims (ops_current_root.json).

Each table adds to (or replaces) the entry of the same name that the summer-2026 overlays and
the launch mock of :mod:`dtao.conformance.cases_ops` give, for cases of the ``current``
preset (``OVERLAY_BASES``). The claim extrinsics are dispatched directly upstream (no
transaction fee), so ``new_test_ext`` sets the claim fee to 0 with the dust floors the file's
semantics name.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from dtao import baskets as B
from dtao import ledger
from dtao import operations as ops
from dtao import root_claim as rc
from dtao import root_reborn as RR
from dtao.conformance import cases_ops
from dtao.conformance.cases_ops import MockChain, overlays_for, register_overlay
from dtao.distribution import dividend_distribution_bits
from dtao.fixed import FRAC32, FRAC64, from_f64
from dtao.summer import FAST_PRICE, summer_columns

ROOT = 0


def _new_test_ext(chain: MockChain, block: int) -> None:
    """``new_test_ext``: block, the row and slice dust floors 0; no fee (direct dispatch)."""
    _prior("ACTIONS", "new_test_ext", current=True)(chain, block)
    chain.state.params = chain.state.params.replace(
        basket_claim_fee=0, basket_row_dust_cap=0, basket_row_dust_bps=0, basket_slice_dust=0
    )


def _prior(table: str, name: str, current: bool = False) -> Callable[..., Any]:
    """The entry ``name`` of ``table`` that this overlay wraps: the summer-2026 overlays' (or
    the launch mock's); with ``current``, the other current overlays' first (for entries
    that none of them delegates back to this one)."""
    others = [o for o in overlays_for("current") if o is not sys.modules[__name__]]
    for overlay in reversed([*overlays_for("summer-2026"), *(others if current else ())]):
        entry = getattr(overlay, table).get(name)
        if entry is not None:
            return entry
    return getattr(cases_ops, table)[name]


def _add_network(chain: MockChain, netuid: int, tempo: int, mechanism: int = 0) -> None:
    """``add_network``: netuid 0 is root, which dtao always has."""
    if int(netuid) != ROOT:
        _prior("ACTIONS", "add_network", current=True)(chain, netuid, tempo, mechanism)


def _fund_pool(chain: MockChain, netuid: int) -> None:
    """claim_root.rs ``fund_pool``: SubnetTAO = SubnetAlphaIn = 1e12 (the account funded)."""
    cols, netuid = chain.state.columns, int(netuid)
    chain.state.total_issuance += 10**12 - cols.get("tao_in", netuid)
    cols.add("tao_in", netuid, 10**12 - cols.get("tao_in", netuid))
    cols.add("alpha_in", netuid, 10**12 - cols.get("alpha_in", netuid))


def _zero_claim_threshold(chain: MockChain) -> None:
    rc.root_claims(chain.state).threshold[ROOT] = 0


def _register_on_root(chain: MockChain, hotkey: str, uid: int) -> None:
    """``Uids[ROOT][hotkey] = uid`` only: root-dividend eligibility."""
    B.baskets(chain.state).seats[str(hotkey)] = (int(uid), chain.state.block)


def _flush_baskets(chain: MockChain) -> None:
    for hotkey in sorted(B.baskets(chain.state).pending):
        RR.flush(chain.state, chain.rules, hotkey)


def _distribute_root_alpha_to_basket(
    chain: MockChain, hotkey: str, netuid: int, amount: int
) -> None:
    """One in-place deposit of ``amount`` alpha (emitted into o) to V's fund."""
    chain.state.columns.add("alpha_out", int(netuid), int(amount))
    B.enqueue_deposit(chain.state, str(hotkey), int(netuid), int(amount))
    RR.flush(chain.state, chain.rules, str(hotkey))


def _root_register_ok(chain: MockChain, hotkey: str, coldkey: str) -> int:
    burn = RR.root_burn(chain.state)
    balance = ledger.get_balance(chain.state, coldkey)
    if balance < burn + 11:
        ledger.increase_balance(chain.state, coldkey, burn + 11 - balance)
        chain.state.total_issuance += burn + 11 - balance
    result = ops.apply(chain.state, chain.rules, ops.RootRegister(coldkey, hotkey)).result
    assert result is not None  # a root registration answers its UID
    return result


def _calculate_dividend_distribution(
    chain: MockChain,
    pending_alpha: int,
    pending_root_alpha: int,
    tao_weight: float,
    stake_map: dict[str, list[int]],
    dividends: dict[str, float],
) -> tuple[dict[str, Fraction], dict[str, Fraction]]:
    """The #3035 split per hotkey as exact U96F32 values (TaoWeight from f64)."""
    weight = from_f64(tao_weight, FRAC32, 128)  # U96F32::from_num(f64), as upstream
    alpha, root = dividend_distribution_bits(
        int(pending_alpha),
        int(pending_root_alpha),
        weight,
        {h: (int(a), int(r)) for h, (a, r) in stake_map.items()},
        {h: Fraction(from_f64(d, FRAC32), 1 << FRAC32) for h, d in dividends.items()},
        lambda h: B.on_root(chain.state, h),
    )
    alpha_split, root_split = (
        {h: Fraction(v, 1 << FRAC32) for h, v in m.items()} for m in (alpha, root)
    )
    return alpha_split, root_split


def _root_limits(name: str, field: str) -> Callable[[MockChain, dict[str, Any], Any], None]:
    """A per-netuid registration item: its root entry is the preset's root-seat parameter."""

    def write(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
        if int(keys.get("netuid", -1)) == ROOT:
            if not field:  # no root counterpart in dtao (the interval limit is not modelled)
                return
            chain.state.params = chain.state.params.replace(**{field: int(value)})
        else:
            _prior("STORAGE", name)(chain, keys, value)

    return write


def _basket_write(attr: str) -> Callable[[MockChain, dict[str, Any], Any], None]:
    def write(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
        ext = B.baskets(chain.state)
        key = (keys["hotkey"], keys["coldkey"]) if attr == "claimed" else keys["hotkey"]
        getattr(ext, attr)[key] = (
            from_f64(value, FRAC32) if attr == "rate" and isinstance(value, float) else int(value)
        )

    return write


def _contains(chain: MockChain, item: str, keys: dict[str, Any]) -> bool:
    if item == "Uids" and int(keys["netuid"]) == ROOT:
        return str(keys["hotkey"]) in B.baskets(chain.state).seats
    return _prior("QUANTITIES", "Contains")(chain, item, keys)


def _owed(chain: MockChain, hotkey: str, coldkey: str) -> int:
    ext = B.baskets(chain.state)
    return B.owed_shares(
        ext.rate.get(hotkey, 0),
        ledger.get_stake(chain.state, coldkey, hotkey, ROOT),
        ext.claimed.get((hotkey, coldkey), 0),
    )


def _payout_tao(chain: MockChain, hotkey: str, coldkey: str) -> int:
    """``get_basket_payout_tao``: owed × realizable NAV / P (queued credits not counted)."""
    supply = B.baskets(chain.state).shares.get(hotkey, 0)
    return B.payout_from(
        min(_owed(chain, hotkey, coldkey), supply), RR.nav(chain.state, chain.rules, hotkey), supply
    )


def _apply_keeping_events(chain: MockChain, record: ops.Operation) -> int:
    """Apply ``record`` and keep its events for ``EventCount`` / ``EventField``."""
    receipt = ops.apply(chain.state, chain.rules, record)
    chain.__dict__.setdefault("events", []).extend(receipt.events)
    return int(receipt.result or 0)


def _swap_basket(chain: MockChain, **fields: Any) -> int:
    return _apply_keeping_events(chain, ops.SwapBasket(**fields))


def _swap_basket_many(chain: MockChain, coldkey: str, hotkey: str, legs: list[Any]) -> int:
    legs_ = tuple(tuple(int(v) for v in leg) for leg in legs)
    return _apply_keeping_events(chain, ops.SwapBasketMany(coldkey, hotkey, legs_))  # type: ignore[arg-type]


def _events(chain: MockChain, event: str) -> list[Any]:
    return [e for e in chain.__dict__.get("events", []) if type(e).__name__ == event]


def _remove_storage(chain: MockChain, item: str, keys: dict[str, Any]) -> None:
    ext = B.baskets(chain.state)
    if item == "BasketTradingFrozen":
        ext.frozen.discard(str(keys["hotkey"]))
    elif item == "Uids" and int(keys["netuid"]) == ROOT:
        ext.seats.pop(str(keys["hotkey"]), None)
    else:
        raise cases_ops.NotReplayed(f"remove_storage of {item!r} is not replayed")


def _frozen(chain: MockChain, keys: dict[str, Any], value: Any) -> None:
    frozen = B.baskets(chain.state).frozen
    if value:
        frozen.add(str(keys["hotkey"]))
    else:
        frozen.discard(str(keys["hotkey"]))


def _floor_of_nav(chain: MockChain, hotkey: str) -> int:
    """The row floor at the fund's NAV now; the NAV is kept for ``nav_from_step``."""
    nav = RR.nav(chain.state, chain.rules, str(hotkey))
    chain.__dict__.setdefault("navs", []).append(nav)
    return RR.row_dust_floor(chain.state.params, nav)


def _row_floor(chain: MockChain, nav: int | None = None, nav_from_step: int | None = None) -> int:
    if nav is None:
        nav = chain.__dict__["navs"][int(nav_from_step or 0)]
    return RR.row_dust_floor(chain.state.params, int(nav))


def _subnetwork_n(chain: MockChain, netuid: int) -> int:
    if int(netuid) == ROOT:
        return len(B.baskets(chain.state).seats)
    return _prior("QUANTITIES", "SubnetworkN")(chain, netuid)


def _immune(chain: MockChain, netuid: int, hotkey: str) -> bool:
    if int(netuid) == ROOT:
        return RR.is_immune(chain.state, str(hotkey))
    return _prior("QUANTITIES", "NeuronIsImmune")(chain, netuid, hotkey)


def _floor_of(chain: MockChain, name: str, key: Any) -> int:
    return math.floor(chain.returns[name][str(key)])


def _returned(chain: MockChain, name: str, key: Any = None) -> Any:
    """A returned value, or one entry of a returned map (keyed as given or as its string:
    the split's maps are keyed by hotkey names)."""
    value = chain.returns[name]
    if key is None:
        return value
    return value[key] if key in value else value[str(key)]


RECORD_ACTIONS: dict[str, Callable[..., ops.Operation]] = {
    "root_register": ops.RootRegister,
    "do_stake_into_basket": ops.StakeIntoBasket,
}
ACTIONS: dict[str, Callable[..., Any]] = {
    "new_test_ext": _new_test_ext,
    "add_network": _add_network,
    "fund_pool": _fund_pool,
    "zero_claim_threshold": _zero_claim_threshold,
    "register_on_root": _register_on_root,
    "flush_baskets": _flush_baskets,
    "distribute_root_alpha_to_basket": _distribute_root_alpha_to_basket,
    "root_register_ok": _root_register_ok,
    "calculate_dividend_distribution": _calculate_dividend_distribution,
    "basket_payout_from": lambda c, owed, nav, shares: B.payout_from(
        int(owed), int(nav), int(shares)
    ),
    "add_stake_adjust_root_claimed": lambda c, hotkey, coldkey, amount: B.rebase_root_stake(
        c.state, str(coldkey), str(hotkey), int(amount)
    ),
    "remove_stake_adjust_root_claimed": lambda c, hotkey, coldkey, amount: B.rebase_root_stake(
        c.state, str(coldkey), str(hotkey), -int(amount)
    ),
    "swap_basket": _swap_basket,
    "claim_root_with_hotkey": lambda c, coldkey, hotkey: _apply_keeping_events(
        c, ops.ClaimRootWithHotkey(coldkey, hotkey)
    ),
    "basket_claim_row_dust_floor_of_nav": _floor_of_nav,
    "basket_claim_row_dust_floor": _row_floor,
    "swap_basket_many": _swap_basket_many,
    "remove_storage": _remove_storage,
    "reset_events": lambda c: c.__dict__.pop("events", None),
    "root_claim_hotkeys": lambda c, coldkey: RR.root_relevant_hotkeys(c.state, str(coldkey)),
}
STORAGE: dict[str, Callable[[MockChain, dict[str, Any], Any], None]] = {
    "MaxAllowedUids": _root_limits("MaxAllowedUids", "root_seats"),
    "MaxRegistrationsPerBlock": _root_limits(
        "MaxRegistrationsPerBlock", "root_registrations_per_block"
    ),
    "TargetRegistrationsPerInterval": _root_limits("TargetRegistrationsPerInterval", ""),
    "ImmunityPeriod": _root_limits("ImmunityPeriod", "root_seat_immunity"),
    "BasketTradingEnabled": cases_ops._global_param("basket_trading_enabled"),
    "BasketDailyTurnoverCap": cases_ops._global_param("basket_turnover_cap_u16"),
    "BasketTradingFrozen": _frozen,
    "SubnetFastMovingPrice": lambda c, keys, value: summer_columns(c.state).set_wide(
        FAST_PRICE, int(keys["netuid"]), from_f64(value, FRAC64, 128)
    ),
    # dtao derives a coldkey's staking hotkeys from its stake positions
    "StakingHotkeys": lambda c, keys, value: None,
    "BasketShares": _basket_write("shares"),
    "BasketRate": _basket_write("rate"),
    "BasketClaimed": _basket_write("claimed"),
    "BasketClaimRowDustCapTao": cases_ops._global_param("basket_row_dust_cap"),
    "BasketClaimRowDustBps": cases_ops._global_param("basket_row_dust_bps"),
    "BasketClaimSliceDustTao": cases_ops._global_param("basket_slice_dust"),
    "BasketClaimForfeitCapTao": cases_ops._global_param("basket_forfeit_cap"),
}
QUANTITIES: dict[str, Callable[..., Any]] = {
    "BasketShares": lambda c, hotkey: B.baskets(c.state).shares.get(hotkey, 0),
    "BasketRate": lambda c, hotkey: B.baskets(c.state).rate.get(hotkey, 0) / (1 << FRAC32),
    "BasketClaimed": lambda c, hotkey, coldkey: B.baskets(c.state).claimed.get(
        (hotkey, coldkey), 0
    ),
    "BasketOwedShares": _owed,
    "BasketPayoutTao": _payout_tao,
    "BasketNavTao": lambda c, hotkey: RR.nav(c.state, c.rules, hotkey),
    "PendingBasketDeposits": lambda c, hotkey, netuid: (
        B.baskets(c.state).pending.get(hotkey, {}).get(int(netuid), 0)
    ),
    "EscrowAlpha": lambda c, hotkey, netuid: ledger.get_stake(
        c.state, B.ESCROW, hotkey, int(netuid)
    ),
    "RootStake": lambda c, hotkey, coldkey: ledger.get_stake(c.state, coldkey, hotkey, ROOT),
    "RootClaimableThreshold": lambda c, netuid: (
        rc.threshold_bits(rc.root_claims(c.state), c.state.params, int(netuid)) / (1 << FRAC32)
    ),
    "TotalStake": lambda c: c.state.total_stake,
    "Contains": _contains,
    "SubnetworkN": _subnetwork_n,
    "NeuronIsImmune": _immune,
    "Returned": _returned,
    "ReturnedFloor": _floor_of,
    "EventCount": lambda c, event: len(_events(c, event)),
    "EventField": lambda c, event, field: getattr(_events(c, event)[-1], field),
}

register_overlay("current", sys.modules[__name__])
