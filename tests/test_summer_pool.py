"""summer-2026 pool and staking (14bc6f9): the chain's balancer vectors through the engine's pool
strategy, quotes equal to executed operations, the fee to the block author, and worked numbers.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

import dtao
from conftest import SHARED
from dtao import errors as E
from dtao import extrinsics as X
from dtao import invariants
from dtao import staking_head as H
from dtao.pools import balancer as bal
from dtao.pools.strategies import Balancer
from dtao.summer import summer_columns

TAO = 10**9
AUTHOR = "block-author"
CASES = json.loads((SHARED / "vectors" / "swap_balancer.json").read_text())["cases"]


def summer_net(**overrides) -> dtao.Network:
    """A summer-2026 network with one dynamic subnet (1 000 TAO / 4 000 alpha) whose token is
    on, funded coldkeys, and the invariants holding from genesis."""
    net = dtao.Network(
        "summer-2026",
        network_min_lock=1_000 * TAO,
        network_last_lock=500 * TAO,  # so that the lock, and y, is the 1 000 TAO minimum
        network_rate_limit=0,
        **overrides,
    )
    for coldkey in ("alice", "bob", "carol"):
        net.fund(coldkey, 10_000 * TAO)
    netuid = net.register_network("alice", "alice-hk")
    state = net.state
    # registration seeds y = x = the lock (no other subnet: median price 1); make x 4 000
    # alpha (p = 0.25)
    state.columns.alpha_in[netuid] = 4_000 * TAO
    summer_columns(state).set("subtoken_enabled", netuid, 1)
    invariants.check(state)
    return net


def engine_pool(quote_weight: float | int, tao: int, alpha: int, **params):
    """A summer-2026 state whose subnet 1 has these reserves and quote weight (initialised),
    with the rules: the engine's own pool strategy prices it."""
    net = dtao.Network("summer-2026", swap_min_reserve=0, **params)
    state = net.state
    X.init_new_network(state, 1, "owner", "owner-hk", tao_in=tao, alpha_in=alpha, locked=0)
    weight = (
        quote_weight
        if isinstance(quote_weight, int)
        else int(Fraction(quote_weight) * bal.ACCURACY)
    )
    ext = summer_columns(state)
    ext.set("quote_weight", 1, weight)
    ext.set("pool_initialized", 1, 1)
    return net, state, net.rules


def _weight_of(case) -> int:
    recipe = case["inputs"].get("quote_weight_perquintill")
    if recipe:  # from_rational((w * 1e9) as u128, 1e9)
        return bal.perquintill_from_rational(int(case["inputs"]["quote_weight"] * 1e9), 10**9)
    return int(Fraction(case["inputs"].get("quote_weight", 0.5)) * bal.ACCURACY)


def _abs(text: str) -> int:
    return int(text.split("abs ")[1].split()[0])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_swap_balancer_cases_through_the_engine_pool(case):
    """Every swap_balancer.json case, priced by ``rules.pool`` bound to the subnet's weight
    (``X.pool_math``) and, for swaps, executed on the state by the era's swap writers."""
    inputs, expected, kind = case["inputs"], case["expected"], case["function"]
    y, x = inputs["tao_reserve"], inputs["alpha_reserve"]
    if kind == "maybe_initialize_palswap + current_price":
        net, state, rules = engine_pool(0.5, y, x)
        if inputs["init_price"] is not None:
            a, b = (int(v) for v in inputs["init_price"].split("(")[0].split("/"))
            weight = bal.initial_quote_weight(y, x, (a << 64) // b)
            summer_columns(state).set("quote_weight", 1, weight)
        got = Fraction(H.current_price_bits(state, rules, 1), 1 << 64)
        assert abs(got - Fraction(expected["price"])) <= Fraction(1, 10**9)
        if "quote_weight" in expected:
            weight = Fraction(H.quote_weight(state, 1), bal.ACCURACY)
            assert weight == Fraction(expected["quote_weight"])
        return
    net, state, rules = engine_pool(_weight_of(case), y, x)
    math = X.pool_math(state, rules, 1)
    assert isinstance(math, Balancer) and math.quote_weight == _weight_of(case)
    if kind == "convert_deltas":
        delta = inputs["delta_in"]
        tol = _abs(case["tolerance"])
        outs = {
            "sell_alpha_for_tao_out": (False, bal.tao_out_for_alpha_in),
            "buy_tao_for_alpha_out": (True, bal.alpha_out_for_tao_in),
        }
        for key, want in expected.items():
            buy, curve = outs[key]
            try:  # the engine's swap, fee-free, at the default limit
                got = math.swap(y, x, delta, buy=buy, drop_fees=True, simulate=True)
                out = got.amount_paid_out
            except E.ProtocolError:  # the pallet refuses; the curve itself must agree
                out = curve(y, x, math.quote_weight, delta)
                assert out == 0 or delta > 1_000 * (y if buy else x)
            assert abs(out - want) <= tol, key
    elif kind == "do_swap":
        buy = inputs["order"].startswith("GetAlphaForTao")
        limit = round(inputs["limit_price"] * TAO)
        plan = H.plan_swap(state, rules, 1, inputs["amount"], buy=buy, limit_price=limit)
        (H.write_buy(state, 1, inputs["amount"], plan) if buy else H.write_sell(state, 1, plan))
        tol = _abs(case["tolerance"])
        dy, dx = state.columns.tao_in[1] - y, state.columns.alpha_in[1] - x
        amounts = {
            "fee": plan.fee_paid,
            "amount_paid_out": plan.amount_paid_out,
            "paid_in_reserve_delta": dy if buy else dx,
            "paid_out_reserve_delta": dx if buy else dy,
        }
        for key, want in expected.items():
            if key == "price_moves":
                after = H.current_price_bits(state, rules, 1)
                before = bal.calculate_price(y, x, math.quote_weight)
                assert (after >= before) == (want == "up")
            else:
                assert abs(amounts[key] - want) <= tol, key
    elif kind == "adjust_protocol_liquidity":
        before = Fraction(H.current_price_bits(state, rules, 1), 1 << 64)
        tao, alpha = H.adjust_protocol_liquidity(
            state, 1, inputs["tao_delta"], inputs["alpha_delta"]
        )
        assert (tao, alpha) == (inputs["tao_delta"], inputs["alpha_delta"])
        state.columns.tao_in[1] += tao
        state.columns.alpha_in[1] += alpha
        after = Fraction(H.current_price_bits(state, rules, 1), 1 << 64)
        want = Fraction(expected["price_unchanged"])
        assert abs(after - want) <= want / 10**12 and abs(before - want) <= want / 10**12
        weight = Fraction(H.quote_weight(state, 1), bal.ACCURACY)
        assert (
            abs(weight - Fraction(expected["new_quote_weight"]))
            <= Fraction(expected["new_quote_weight"]) / 10**12
        )
    else:
        pytest.fail(f"unknown case kind {kind}")


def test_the_spec_worked_buy_pays_the_author():
    """§6c worked example: y = 1 000 TAO, x = 4 000 α, w2 = 0.5, buy 100 TAO: fee
    0.050354772 TAO to the author, 363.4699 α out; identities exact."""
    net = summer_net()
    before = net.balance(AUTHOR)
    got = net.add_stake("bob", "alice-hk", 1, 100 * TAO)
    assert net.balance(AUTHOR) - before == 50_354_772
    assert abs(got - 363_469_900_000) < 100_000
    assert net.state.columns.tao_in[1] == 1_000 * TAO + 100 * TAO - 50_354_772
    invariants.check(net.state)


def test_a_sale_sells_its_fee_alpha_for_the_author():
    net = summer_net()
    alpha = net.add_stake("bob", "alice-hk", 1, 100 * TAO)
    author = net.balance(AUTHOR)
    tao = net.remove_stake("bob", "alice-hk", 1, alpha)
    fee_alpha = bal.fee_amount(alpha)
    assert net.balance(AUTHOR) > author and fee_alpha > 0
    assert tao < 100 * TAO  # a round trip never returns more than was paid
    invariants.check(net.state)


def test_without_an_author_fees_are_burned_and_the_identities_hold():
    net = summer_net(block_author="")
    alpha = net.add_stake("bob", "alice-hk", 1, 100 * TAO)
    net.remove_stake("bob", "alice-hk", 1, alpha // 2)
    assert summer_columns(net.state).get("alpha_burned", 1) > 0
    assert net.state.lost_tao > 0
    invariants.check(net.state)


@pytest.mark.parametrize("preset", ["launch", "summer-2026"])
def test_quotes_equal_the_executed_operations(preset):
    """A quote is what the operation then does: the same alpha, TAO and fee as its receipt."""
    net = (
        summer_net()
        if preset == "summer-2026"
        else dtao.Network("launch", network_min_lock=1_000 * TAO)
    )
    if preset == "launch":
        for coldkey in ("alice", "bob", "carol"):
            net.fund(coldkey, 10_000 * TAO)
        net.register_network("alice", "alice-hk")
    quote = net.quote_stake(1, 50 * TAO)
    assert net.quote_stake_alpha(1, 50 * TAO) == quote.alpha
    receipt = net.submit(dtao.AddStake("bob", "alice-hk", 1, 50 * TAO))
    (swap,) = [e for e in receipt.events if isinstance(e, dtao.receipts.StakeSwap)]
    assert quote.alpha == receipt.result == swap.alpha
    assert quote.tao_fee == swap.fee and quote.tao == 50 * TAO
    assert quote.alpha_slippage > 0 and quote.tao_slippage > 0
    held = net.stake("bob", "alice-hk", 1)
    quote = net.quote_unstake(1, held // 3)
    assert net.quote_unstake_tao(1, held // 3) == quote.tao
    receipt = net.submit(dtao.RemoveStake("bob", "alice-hk", 1, held // 3))
    assert quote.tao == receipt.result
    (swap,) = [e for e in receipt.events if isinstance(e, dtao.receipts.StakeSwap)]
    assert quote.alpha_fee + quote.tao_fee == swap.fee
    quote = net.quote_move(1, 0, held // 3)
    receipt = net.submit(dtao.SwapStake("bob", "alice-hk", 1, 0, held // 3))
    assert quote.tao == receipt.result
    assert net.stake("bob", "alice-hk", 0) == quote.alpha
    invariants.check(net.state)


def test_limit_orders_stop_at_the_limit_and_refund():
    net = summer_net()
    price = H.current_price_bits(net.state, net.rules, 1)
    limit = (price * 104 // 100 * TAO) >> 64  # 4 % above the spot price (rao per alpha)
    # buying up to +4 % executes ΔT = y·(√1.04 − 1) ≈ 19.8039 TAO net (§6c worked example)
    got = net.add_stake("bob", "alice-hk", 1, 100 * TAO, limit, True)
    assert got > 0
    spent = 10_000 * TAO - net.balance("bob")
    assert abs(spent - 19_813_900_000) < 20_000_000
    with pytest.raises(E.SlippageTooHigh):
        net.add_stake("bob", "alice-hk", 1, 100 * TAO, limit, False)
    with pytest.raises(E.PriceLimitExceeded):  # the limit is no longer above the price
        net.add_stake("bob", "alice-hk", 1, 100 * TAO, limit // 2, True)
    held = net.stake("bob", "alice-hk", 1)
    low = (H.current_price_bits(net.state, net.rules, 1) * 99 // 100 * TAO) >> 64
    net.remove_stake("bob", "alice-hk", 1, held, low, True)
    assert 0 < net.stake("bob", "alice-hk", 1) < held  # the unsold rest was refunded
    invariants.check(net.state)


def test_new_records_and_their_errors():
    net = summer_net()
    net.add_stake("bob", "alice-hk", 1, 100 * TAO)
    net.add_stake("bob", "alice-hk", 0, 10 * TAO)
    o = net.state.columns.alpha_out[1]
    got = net.submit(dtao.RecycleAlpha("bob", "alice-hk", 1, TAO)).result
    assert got == TAO and net.state.columns.alpha_out[1] == o - TAO
    net.submit(dtao.BurnAlpha("bob", "alice-hk", 1, TAO))
    assert net.state.columns.alpha_out[1] == o - TAO
    with pytest.raises(E.CannotBurnOrRecycleOnRootSubnet):
        net.submit(dtao.RecycleAlpha("bob", "alice-hk", 0, TAO))
    root = net.stake("bob", "alice-hk", 0)
    restaked = net.submit(dtao.UnstakeAllAlpha("bob", "alice-hk")).result
    assert net.stake("bob", "alice-hk", 1) == 0
    assert net.stake("bob", "alice-hk", 0) == root + restaked
    net.submit(dtao.UnstakeAll("bob", "alice-hk"))
    assert net.stake("bob", "alice-hk", 0) == 0
    with pytest.raises(E.HotKeyAccountNotExists):
        net.submit(dtao.UnstakeAll("bob", "nobody-hk"))
    with pytest.raises(E.SameNetuid):
        net.swap_stake("bob", "alice-hk", 1, 1, TAO)
    invariants.check(net.state)
    launch = dtao.Network("launch")
    with pytest.raises(E.CallUnavailable):
        launch.submit(dtao.RecycleAlpha("bob", "alice-hk", 1, TAO))


def test_a_pool_not_yet_initialised_trades_at_half_whatever_its_stored_weight():
    """``maybe_initialize_palswap(None)`` at the start of every swap resets w2 to 0.5."""
    net = summer_net()
    summer_columns(net.state).set("quote_weight", 1, bal.ACCURACY * 6 // 10)
    assert H.quote_weight(net.state, 1) == bal.DEFAULT_QUOTE_WEIGHT
    net.add_stake("bob", "alice-hk", 1, 10 * TAO)
    assert summer_columns(net.state).get("pool_initialized", 1) == 1
    assert summer_columns(net.state).get("quote_weight", 1) == bal.DEFAULT_QUOTE_WEIGHT


def test_launch_unstake_all_and_unstake_all_alpha():
    """5073ade: every position sold at the flat fee; ``_alpha`` restakes on root fee-free."""
    net = dtao.Network("launch", network_min_lock=1_000 * TAO)
    for coldkey in ("alice", "bob"):
        net.fund(coldkey, 10_000 * TAO)
    net.register_network("alice", "alice-hk")
    net.add_stake("bob", "alice-hk", 1, 100 * TAO)
    net.add_stake("bob", "alice-hk", 0, 10 * TAO)
    root = net.stake("bob", "alice-hk", 0)
    quote = net.quote_unstake_tao(1, net.stake("bob", "alice-hk", 1))
    restaked = net.submit(dtao.UnstakeAllAlpha("bob", "alice-hk")).result
    assert restaked == quote and net.stake("bob", "alice-hk", 0) == root + restaked
    balance = net.balance("bob")
    got = net.submit(dtao.UnstakeAll("bob", "alice-hk")).result
    assert net.stake("bob", "alice-hk", 0) == 0 and net.balance("bob") == balance + got
    invariants.check(net.state)


def test_a_limited_swap_stake_moves_at_most_get_max_amount_move():
    net = summer_net()
    net.fund("alice", 2_000 * TAO)
    net.register_network("alice", "alice-hk2")
    summer_columns(net.state).set("subtoken_enabled", 2, 1)
    got = net.add_stake("bob", "alice-hk", 1, 500 * TAO)
    p1, p2 = (H.current_price_bits(net.state, net.rules, n) for n in (1, 2))
    limit = p1 * TAO // p2 * 97 // 100  # 3 % below the price ratio (rao per origin alpha)
    most = H.get_max_amount_move(net.state, net.rules, 1, 2, limit)
    assert 0 < most < got
    with pytest.raises(E.SlippageTooHigh):
        net.swap_stake("bob", "alice-hk", 1, 2, got, limit, False)
    net.swap_stake("bob", "alice-hk", 1, 2, got, limit, True)
    assert net.stake("bob", "alice-hk", 1) == got - most
    invariants.check(net.state)


def test_a_small_nomination_left_by_a_removal_is_cleared():
    net = summer_net(nominator_min_stake=5 * TAO)
    alpha = net.add_stake("bob", "alice-hk", 1, 10 * TAO)
    net.remove_stake("bob", "alice-hk", 1, alpha * 3 // 4)  # ~2.4 TAO left: below 5 TAO
    assert net.stake("bob", "alice-hk", 1) == 0
    invariants.check(net.state)


def test_raising_the_nominator_minimum_clears_by_the_14bc6f9_rule():
    net = summer_net()
    net.add_stake("bob", "alice-hk", 1, 3 * TAO)
    net.add_stake("alice", "alice-hk", 1, 3 * TAO)  # the owner's own stake is never cleared
    author = net.balance(AUTHOR)
    net.govern("nominator_min_stake", 5 * TAO)
    assert net.stake("bob", "alice-hk", 1) == 0 and net.stake("alice", "alice-hk", 1) > 0
    assert net.balance(AUTHOR) > author  # sold at the market, the fee to the author
    invariants.check(net.state)
