"""The superellipse curve of dtao-current.md §6.3 (a switch, off by default): the comparison
table and the worked example S1 of §12, calibration from the balancer, the curve's end, limit
orders and the inverse quote, injection by translation, the governance migration, and stake
round trips that never create rao."""

from __future__ import annotations

from decimal import Decimal, getcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dtao
from dtao import codec, invariants
from dtao import curve as CV
from dtao import errors as E
from dtao.block import process_block
from dtao.eras import rules_for
from dtao.fixed import ONE32, ONE64
from dtao.genesis import Genesis
from dtao.params import describe
from dtao.pools import balancer as bal
from dtao.pools import superellipse as se
from dtao.pools.strategies import Balancer, Superellipse
from dtao.summer import summer_columns

TAO = 10**9
HALF = 10**18 // 2
X0, Y0 = 200_000 * TAO, 10_000 * TAO  # the §6.3 comparison pool: w = ½, price 0.05


def _closed_form(q: int) -> Decimal:
    """w = ½: alpha out = x·(√(2 − (1 − q/y)²) − 1), to 40 digits."""
    getcontext().prec = 40
    r = 1 - Decimal(q) / Decimal(Y0)
    return Decimal(X0) * ((2 - r * r).sqrt() - 1)


@pytest.mark.parametrize(
    ("buy_tao", "ellipse", "balancer"),
    [
        (100, 1_980.197, 1_980.198),
        (1_000, 18_174.24, 18_181.82),
        (5_000, 64_575.13, 66_666.67),
        (9_000, 82_134.72, 94_736.84),
    ],
)
def test_the_comparison_table_of_6_3(buy_tao, ellipse, balancer):
    curve = se.calibrate(X0, Y0, HALF)
    out = se.buy_output(curve, X0, Y0, buy_tao * TAO)
    decimals = 3 if buy_tao == 100 else 2
    assert round(out / TAO, decimals) == ellipse
    # the closed form, independently: the payout is its floor (or one below, Q32 flooring)
    exact = _closed_form(buy_tao * TAO)
    assert int(exact) - 1 <= out <= int(exact)
    balancer_out = bal.alpha_out_for_tao_in(Y0, X0, HALF, buy_tao * TAO)
    assert round(balancer_out / TAO, 2) == round(balancer, 2)


def test_s1_buy_and_sell_through_the_strategy():
    """§12 S1: 100 τ buys 1 980.197 α (Balancer 1 980.198), both move 0.05 → 0.051005;
    1 000 α sells for 49.751241 τ (Balancer 49.751244)."""
    pool = Superellipse(curve=se.calibrate(X0, Y0, HALF), fee_rate=0)
    got = pool.swap(Y0, X0, 100 * TAO, buy=True)
    assert (got.amount_paid_in, got.fee_paid) == (100 * TAO, 0)
    assert round(got.amount_paid_out / TAO, 3) == 1_980.197
    after = pool.price_bits(Y0 + 100 * TAO, X0 - got.amount_paid_out)
    assert round(after / ONE64, 6) == 0.051005
    assert pool.price_bits(Y0, X0) == ONE64 // 20  # 0.05 exactly at calibration (w = ½)
    sold = pool.swap(Y0, X0, 1_000 * TAO, buy=False)
    assert round(sold.amount_paid_out / TAO, 6) == 49.751241
    balancer = Balancer(HALF, fee_rate=0)
    assert round(balancer.swap(Y0, X0, 1_000 * TAO, buy=False).amount_paid_out / TAO, 6) == (
        49.751244
    )
    bought = balancer.swap(Y0, X0, 100 * TAO, buy=True).amount_paid_out
    assert round(bought / TAO, 3) == 1_980.198
    assert round(balancer.price_bits(Y0 + 100 * TAO, X0 - bought) / ONE64, 6) == 0.051005


def test_the_fee_comes_first_as_on_the_balancer():
    pool = Superellipse(curve=se.calibrate(X0, Y0, HALF))
    got = pool.swap(Y0, X0, 100 * TAO, buy=True)
    assert got.fee_paid == bal.fee_amount(100 * TAO) == got.fee_to_block_author
    assert got.amount_paid_in == 100 * TAO - got.fee_paid
    assert got.amount_paid_out == se.buy_output(pool.curve, X0, Y0, got.amount_paid_in)


reserves = st.integers(10**6, 10**17)
weights = st.integers(10**16, 99 * 10**16)


@given(x=reserves, y=reserves, w=weights)
def test_calibration_gives_the_balancer_price(x, y, w):
    curve = se.calibrate(x, y, w)
    assert se.coordinates(curve, x, y) == (curve.a, curve.b)  # X = a, Y = b
    ellipse = Fraction(se.price_bits(curve, x, y), ONE64)
    balancer = Fraction(bal.calculate_price(y, x, w), ONE64)
    exact = Fraction(10**18 - w, w) * Fraction(y, x)
    ratio = Fraction(10**18 - w, w)
    # the balancer floors y/x and w1/w2 to 2^-64 before their product
    assert abs(balancer - exact) <= (ratio + Fraction(y, x) + 1) / ONE64
    # the scales are floored to 2^-32 (below one part in x·2^32, y·2^32), the price to 2^-64
    assert abs(ellipse - exact) <= exact * (Fraction(1, x) + Fraction(1, y)) + Fraction(1, ONE64)
    assert abs(ellipse - balancer) <= exact * Fraction(2, min(x, y)) + (ratio + 2) / ONE64


@given(x=reserves, y=reserves, w=weights, dx=reserves, dy=reserves, trade=st.integers(1, 10**12))
def test_injection_keeps_the_price_and_the_response(x, y, w, dx, dy, trade):
    curve = se.calibrate(x, y, w)
    moved = se.translate(curve, dx, dy)
    assert se.price_bits(moved, x + dx, y + dy) == se.price_bits(curve, x, y)
    assert (moved.a, moved.b) == (curve.a, curve.b)
    if trade < se.max_input(curve, x, y, buy=True):
        assert se.buy_output(moved, x + dx, y + dy, trade) == se.buy_output(curve, x, y, trade)


@given(x=reserves, y=reserves, w=weights, tao=st.integers(1, 10**17))
def test_a_buy_then_its_sale_never_returns_more(x, y, w, tao):
    curve = se.calibrate(x, y, w)
    try:
        out = se.buy_output(curve, x, y, tao)
    except E.InsufficientLiquidity:
        assert tao > se.max_input(curve, x, y, buy=True)
        return
    assert out <= x
    if out:
        assert se.sell_output(curve, x - out, y + tao, out) <= tao


def test_the_curve_ends():
    """w = ½: a buy needs q < Y/2^32 = y; a sale needs d < X/2^32 = x; a payout never exceeds
    the reserve; max_input is exact at the boundary (the chain's own unit-test numbers)."""
    curve = se.calibrate(10_000, 1_000, HALF)
    assert se.max_input(curve, 10_000, 1_000, buy=True) == 999
    with pytest.raises(E.InsufficientLiquidity):
        se.buy_output(curve, 10_000, 1_000, 1_000)
    assert se.max_input(curve, 10_000, 1_000, buy=False) == 9_999
    skewed = se.calibrate(10_000, 1_000, 10**16)  # w_q = 0.01: the TAO side is short
    top = se.max_input(skewed, 10_000, 1_000, buy=False)
    assert se.sell_output(skewed, 10_000, 1_000, top) <= 1_000
    with pytest.raises(E.InsufficientLiquidity):
        se.sell_output(skewed, 10_000, 1_000, top + 1)
    pool = Superellipse(curve=se.calibrate(X0, Y0, HALF), min_reserve=0)
    with pytest.raises(E.InsufficientLiquidity):
        pool.swap(Y0, X0, 2 * Y0, buy=True)  # the whole order passes the curve's end


def test_limit_orders_stop_at_the_largest_exact_input():
    curve = se.calibrate(10_000_000, 500_000, HALF)
    target = ONE64 * 6 // 100  # 0.06
    q = se.buy_delta_to_price(curve, 10_000_000, 500_000, target)
    out = se.buy_output(curve, 10_000_000, 500_000, q)
    assert se.price_bits(curve, 10_000_000 - out, 500_000 + q) <= target
    nxt = se.buy_output(curve, 10_000_000, 500_000, q + 1)
    assert se.price_bits(curve, 10_000_000 - nxt, 500_000 + q + 1) > target
    floor = ONE64 * 4 // 100  # 0.04
    d = se.sell_delta_to_price(curve, 10_000_000, 500_000, floor)
    paid = se.sell_output(curve, 10_000_000, 500_000, d)
    assert se.price_bits(curve, 10_000_000 + d, 500_000 - paid) >= floor
    more = se.sell_output(curve, 10_000_000, 500_000, d + 1)
    assert se.price_bits(curve, 10_000_000 + d + 1, 500_000 - more) < floor
    # through the strategy: a limited buy executes exactly that input, the fee re-computed
    pool = Superellipse(curve=curve, min_reserve=0)
    limit_rao = 60_000_000  # 0.06 TAO per alpha, rao per whole alpha
    assert q < 400_000 < se.max_input(curve, 10_000_000, 500_000, buy=True)
    got = pool.swap(500_000, 10_000_000, 400_000, buy=True, limit_price=limit_rao)
    bits = bal.price_bits_from_rao_per_alpha(limit_rao)
    assert got.amount_paid_in == se.buy_delta_to_price(curve, 10_000_000, 500_000, bits)
    assert got.fee_paid == bal.limit_fee_amount(got.amount_paid_in)


def test_the_inverse_quote_rounds_the_input_up():
    curve = se.calibrate(10_000_000, 500_000, HALF)
    for tao_out in (1, 10, 1_000, 100_000):
        need = se.alpha_needed_for_tao(curve, 10_000_000, 500_000, tao_out)
        assert se.sell_output(curve, 10_000_000, 500_000, need) >= tao_out
        assert se.sell_output(curve, 10_000_000, 500_000, need - 1) < tao_out


# -- the switch in the preset, the migration and the block step ----------------------------------


def test_the_switch_is_off_by_default_and_shown_with_its_source():
    for name in ("launch", "summer-2026", "current"):
        params = dtao.get_preset(name)
        assert params.superellipse is False
        rules = rules_for(params)
        assert rules.pool.inject is None
    row = next(r for r in describe(dtao.get_preset("current")) if r["name"] == "superellipse")
    assert "superellipse.rs" in row["source"] and row["unit"]
    with pytest.raises(E.ConfigError):  # the curve's injection is the current rule's hook
        dtao.get_preset("summer-2026", superellipse=True)


def _current_state(reservoir: int = 0):
    """Two emitting subnets of ``current``: SN1 off-centre (w_q = 0.3) with ``reservoir`` rao
    parked, SN2 at w = ½."""
    genesis = Genesis("current", tempo=50)
    genesis.subnet(1, "o1", "h1", tao_in=3_000 * TAO, alpha_in=20_000 * TAO)
    genesis.subnet(2, "o2", "h2", tao_in=500 * TAO, alpha_in=10_000 * TAO)
    genesis.hotkey("root-ck", "root-hk").stake("root-ck", "root-hk", 0, 1_000 * TAO)
    genesis.fund("alice", 5_000 * TAO).hotkey("alice", "ahk")
    state = genesis.build()
    ext = summer_columns(state)
    for netuid in (1, 2):
        state.columns.moving_price_bits[netuid] = ONE32 // 10
        ext.set("first_emission_block", netuid, 1)
        ext.set("subtoken_enabled", netuid, 1)
        ext.set("pool_initialized", netuid, 1)
    ext.set("quote_weight", 1, 3 * 10**17)
    ext.set("tao_reservoir", 1, reservoir)
    state.total_issuance += reservoir
    invariants.check(state)
    return state


def test_governance_migrates_every_pool_and_the_reservoir_is_released_at_the_next_injection():
    state = _current_state(reservoir=7 * TAO)
    net = dtao.Network.from_state(state)
    before = {n: CV.pool_price_bits(net.state, n) for n in (1, 2)}
    columns = codec.dumps(net.state)
    net.govern("superellipse", True)
    for netuid in (1, 2):
        curve = CV.stored_curve(net.state, netuid)
        assert curve is not None
        after = CV.pool_price_bits(net.state, netuid)
        assert abs(after - before[netuid]) <= before[netuid] // 10**7 + 16  # the chain's check
    # the migration moves no balance: the reservoir still waits
    assert summer_columns(net.state).get("tao_reservoir", 1) == 7 * TAO
    assert codec.loads(columns).columns.get("tao_in", 1) == net.state.columns.get("tao_in", 1)
    with pytest.raises(E.ConfigError):
        net.govern("superellipse", False)
    tao_before = net.state.columns.get("tao_in", 1)
    price_before = CV.pool_price_bits(net.state, 1)
    receipt = net.step(1)
    assert receipt is not None
    ext = summer_columns(net.state)
    assert (ext.get("tao_reservoir", 1), ext.get("alpha_reservoir", 1)) == (0, 0)
    active = int(net.state.columns.tao_in_emission[1])
    assert active >= 7 * TAO  # the reservoir became price-active with this block's TAO
    excess = ext.get("excess_tao", 1)
    assert net.state.columns.get("tao_in", 1) == tao_before + active + excess
    if excess == 0:  # no chain buy: the translation kept the price exactly
        assert CV.pool_price_bits(net.state, 1) == price_before
    invariants.check(net.state)
    text = codec.dumps(net.state)
    assert codec.dumps(codec.loads(text)) == text
    assert CV.stored_curve(codec.loads(text), 1) == CV.stored_curve(net.state, 1)


def test_stakes_trade_on_the_curve_once_it_is_on():
    net = dtao.Network.from_state(_current_state())
    quote_off = net.quote_stake_alpha(2, 100 * TAO)
    net.govern("superellipse", True)
    quote_on = net.quote_stake_alpha(2, 100 * TAO)
    curve = CV.stored_curve(net.state, 2)
    fee = bal.fee_amount(100 * TAO)
    y, x = net.state.columns.get("tao_in", 2), net.state.columns.get("alpha_in", 2)
    assert quote_on == se.buy_output(curve, x, y, 100 * TAO - fee)
    assert quote_on < quote_off  # the curve gives less than the balancer for a large buy
    got = net.add_stake("alice", "ahk", 2, 100 * TAO)
    assert got == quote_on
    invariants.check(net.state)


def test_a_new_pool_is_calibrated_at_its_first_swap():
    state = _current_state()
    state.params = state.params.replace(superellipse=True)  # no migration: lazy first use
    rules = rules_for(state.params)
    assert CV.stored_curve(state, 2) is None
    net = dtao.Network.from_state(state)
    y, x = state.columns.get("tao_in", 2), state.columns.get("alpha_in", 2)
    expected = se.calibrate(x, y, HALF)
    net.add_stake("alice", "ahk", 2, 10 * TAO)
    assert CV.stored_curve(net.state, 2) == expected  # calibrated at the pre-trade reserves
    assert rules.pool.inject is CV.inject


@settings(max_examples=20, deadline=None)
@given(
    tao=st.integers(10**6, 3_000 * TAO),
    netuid=st.sampled_from([1, 2]),
    blocks=st.integers(0, 3),
)
def test_stake_then_unstake_never_creates_rao(tao, netuid, blocks):
    state = _current_state(reservoir=TAO)
    net = dtao.Network.from_state(state)
    net.govern("superellipse", True)
    net.step(blocks)
    start = net.state.balances.get("alice", 0)
    try:
        alpha = net.add_stake("alice", "ahk", netuid, tao)
    except E.ProtocolError:
        invariants.check(net.state)
        return
    try:
        net.remove_stake("alice", "ahk", netuid, alpha)
    except E.ProtocolError:
        invariants.check(net.state)
        return
    assert net.state.balances.get("alice", 0) <= start
    invariants.check(net.state)


def test_blocks_with_the_curve_on_conserve_everything():
    net = dtao.Network.from_state(_current_state(reservoir=3 * TAO))
    net.govern("superellipse", True)
    for _ in range(60):  # an epoch included (tempo 50)
        process_block(net.state, net.rules)
        invariants.check(net.state)
    assert CV.stored_curve(net.state, 1) is not None
