"""The superellipse curve of a dynamic subnet as stored in state (dtao-current.md §6.3): the
``SwapSuperellipse`` entry, its calibration, the injection that translates it and the migration
from the balancer (``Params.superellipse``, a switch off by default).

Re-expressed from RaoFoundation/subtensor ``pallets/swap/src/pallet/impls.rs`` @ ``0249a4a4``
(id:71100111674: ``current_price``, ``maybe_initialize_palswap``, ``adjust_protocol_liquidity``)
and ``migrations/migrate_balancer_to_superellipse.rs`` @ ``29005cb7`` (id:71156911229). The
curve's math is :mod:`dtao.pools.superellipse`.

The curve lives in the summer-2026 section's wide items (``curve_a``, ``curve_b``, ``curve_cx``,
``curve_cy``: Q32 ints, :data:`dtao.summer.WIDE`), so a state that never used it keeps its text
and digest. A subnet's price reads its stored curve when it has one, else the balancer at the
stored weight (the chain's read-only fallback): that makes every price read state-driven, with
no era test. A funded pool without a curve is calibrated from its balancer weight at its first
committed swap (:func:`ensure_curve`), its first injection (:func:`inject`) or the migration
(:func:`migrate`) — whichever comes first — at the reserves of that moment.
"""

from __future__ import annotations

from dtao.errors import ProtocolError
from dtao.pools import balancer as bal
from dtao.pools import superellipse as se
from dtao.state import State
from dtao.summer import COLUMNS, SummerColumns, summer_columns, wide_value

_ITEMS = ("curve_a", "curve_b", "curve_cx", "curve_cy")


def stored_curve(state: State, netuid: int) -> se.Curve | None:
    """The subnet's ``SwapSuperellipse`` (None when it has none); reads never write."""
    values = [wide_value(state, item, netuid) for item in _ITEMS]
    if values[0] is None:
        return None
    a, b, cx, cy = (int(v or 0) for v in values)
    return se.Curve(a, b, cx, cy)


def store_curve(state: State, netuid: int, curve: se.Curve) -> None:
    """Write the subnet's curve; the pool counts as initialised (``PalSwapInitialized``)."""
    ext = summer_columns(state)
    for item, value in zip(_ITEMS, (curve.a, curve.b, curve.cx, curve.cy), strict=True):
        ext.set_wide(item, netuid, value)
    ext.set("pool_initialized", netuid, 1)


def _reserves(state: State, netuid: int) -> tuple[int, int]:
    """(SubnetTAO, SubnetAlphaIn) of ``netuid``."""
    return int(state.columns.get("tao_in", netuid)), int(state.columns.get("alpha_in", netuid))


def _stored_weight(state: State, netuid: int) -> int:
    """The stored ``SwapBalancer`` quote weight (0.5 when never written)."""
    ext = state.extensions.get(SummerColumns.name)
    if ext is None:
        return COLUMNS["quote_weight"]
    return ext.get("quote_weight", netuid)  # type: ignore[attr-defined]


def curve_for(state: State, netuid: int, quote_weight: int) -> se.Curve | None:
    """The curve the next swap on ``netuid`` trades on: the stored one, else the calibration
    at the current reserves from ``quote_weight`` (None for an unfunded pool)."""
    curve = stored_curve(state, netuid)
    if curve is not None:
        return curve
    y, x = _reserves(state, netuid)
    try:
        return se.calibrate(x, y, quote_weight)
    except ProtocolError:
        return None


def ensure_curve(state: State, netuid: int, quote_weight: int) -> None:
    """Before a committed swap's reserves move (``maybe_initialize_palswap``): store the
    calibrated curve of a pool that has none yet (nothing for an unfunded pool)."""
    if stored_curve(state, netuid) is None:
        curve = curve_for(state, netuid, quote_weight)
        if curve is not None:
            store_curve(state, netuid, curve)


def pool_price_bits(state: State, netuid: int) -> int:
    """``current_price`` of a dynamic subnet as U64F64 bits: its stored curve's price (0 when
    it cannot be priced, ``unwrap_or_default``), else the balancer's at the stored weight;
    0 when the alpha reserve is empty."""
    y, x = _reserves(state, netuid)
    if x == 0:
        return 0
    curve = stored_curve(state, netuid)
    if curve is None:
        return bal.calculate_price(y, x, _stored_weight(state, netuid))
    try:
        return se.price_bits(curve, x, y)
    except ProtocolError:
        return 0


def inject(state: State, netuid: int, tao: int, alpha: int) -> tuple[int, int]:
    """``adjust_protocol_liquidity`` on the superellipse: the pending amounts (reservoir +
    this block's) translate the curve's centres and all become price-active, whatever their
    ratio; the reservoirs empty. Returns (price-active TAO, price-active alpha); the caller
    adds them to the reserves.

    A pool with no curve is calibrated first at its current reserves (stored weight); an
    empty pool is anchored at the projected reserves instead (no translation); while either
    projected reserve is 0 everything waits in the reservoirs."""
    ext = summer_columns(state)
    pending_tao = ext.get("tao_reservoir", netuid) + tao
    pending_alpha = ext.get("alpha_reservoir", netuid) + alpha
    y, x = _reserves(state, netuid)
    if y + pending_tao == 0 or x + pending_alpha == 0:
        ext.set("tao_reservoir", netuid, pending_tao)
        ext.set("alpha_reservoir", netuid, pending_alpha)
        return 0, 0
    curve = stored_curve(state, netuid)
    weight = _stored_weight(state, netuid)
    if curve is None and x and y:
        curve = se.calibrate(x, y, weight)
    if curve is None:
        curve = se.calibrate(x + pending_alpha, y + pending_tao, weight)
    else:
        curve = se.translate(curve, pending_alpha, pending_tao)
    store_curve(state, netuid, curve)
    ext.set("tao_reservoir", netuid, 0)
    ext.set("alpha_reservoir", netuid, 0)
    return pending_tao, pending_alpha


def migrate(state: State) -> None:
    """``migrate_balancer_to_superellipse``, run when governance turns the switch on: every
    funded dynamic pool without a curve is calibrated from its stored balancer weight at its
    reserves (price and local response kept). No balance moves: a pending reservoir becomes
    price-active at the pool's first translation (its next injection, :func:`inject`)."""
    for netuid in sorted(state.subnets):
        if not state.columns.mechanism[netuid] or stored_curve(state, netuid) is not None:
            continue
        y, x = _reserves(state, netuid)
        try:
            store_curve(state, netuid, se.calibrate(x, y, _stored_weight(state, netuid)))
        except ProtocolError:  # an unfunded pool is calibrated once both sides are funded
            continue
