"""The simulator's metric functions on known distributions and hand-built networks."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dtao
from dtao import operations as ops
from dtao.sim import metrics as M
from dtao.sim.view import MarketView
from sim_world import TAO, world

# -- concentration ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "threshold", "expected"),
    [
        ([1, 1, 1, 1], 0.5, 3),  # two holders have exactly half: not more
        ([10, 1, 1], 0.5, 1),
        ([5, 5], 0.5, 2),
        ([1, 1, 1], 0.33, 1),
        ([3, 1, 4, 1, 5, 9, 2, 6], 0.5, 3),  # 9 + 6 + 5 = 20 > 15.5
        ([0, 0], 0.5, 0),
        ([], 0.5, 0),
    ],
)
def test_nakamoto_on_known_distributions(values, threshold, expected):
    assert M.nakamoto(values, threshold) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([7, 7, 7], 0.0),
        ([0, 0, 0, 1], 0.75),  # one holder of four: (n − 1)/n
        ([1, 2, 3, 4], 0.25),
        ([1, 3], 0.25),
        ([], 0.0),
    ],
)
def test_gini_on_known_distributions(values, expected):
    assert M.gini(values) == pytest.approx(expected, abs=1e-12)


def test_gini_equals_the_mean_absolute_difference_definition():
    rng = np.random.default_rng(4)
    for _ in range(20):
        x = rng.pareto(1.5, rng.integers(2, 40))
        pairs = sum(abs(a - b) for a, b in itertools.product(x, x))
        assert M.gini(x) == pytest.approx(pairs / (2 * len(x) ** 2 * x.mean()), rel=1e-9)


def test_concentration_refuses_negative_values():
    with pytest.raises(ValueError):
        M.gini([1, -1])
    with pytest.raises(ValueError):
        M.nakamoto([1, -1])


def _holders(preset: str = "launch") -> dtao.Network:
    """The sim world plus two holders: ``alice`` on subnets 1 and 2 and root, ``bob`` on 3."""
    net = world(preset)
    for coldkey in ("alice", "bob"):
        net.fund(coldkey, 1_000 * TAO)
    net.add_stake("alice", "v10", 1, 100 * TAO)
    net.add_stake("alice", "v21", 2, 50 * TAO)
    net.add_stake("alice", "v10", 0, 30 * TAO)
    net.add_stake("bob", "v30", 3, 200 * TAO)
    return net


def test_emission_control_stakes_value_alpha_holders_at_spot_without_root():
    net = _holders()
    view = MarketView(net)
    stakes = M.emission_control_stakes(view)
    by_coldkey = {}
    for coldkey, _, netuid, amount in net.positions():
        if netuid:
            s = net.subnet(netuid)
            by_coldkey[coldkey] = by_coldkey.get(coldkey, 0) + amount * s.tao_in // s.alpha_in
    assert stakes == sorted(by_coldkey.values(), reverse=True)  # launch: price = y/x exactly
    assert "rs" not in by_coldkey  # the root-only staker holds no alpha
    assert M.nakamoto(stakes) >= 1 and 0 <= M.gini(stakes) < 1


# -- holdings -----------------------------------------------------------------------------------


@pytest.mark.parametrize("preset", ["launch", "current"])
def test_spot_value_is_alpha_at_the_spot_price_and_root_at_par(preset):
    net = _holders(preset)
    view = MarketView(net)
    expected = 0
    for _, _, netuid, amount in net.positions("alice"):
        expected += amount if netuid == 0 else int(amount * net.spot_price(netuid))
    assert M.spot_value(view, "alice") == expected
    if preset == "launch":  # the constant product's price is y / x
        s1 = net.subnet(1)
        alpha = net.stake("alice", "v10", 1)
        assert net.spot_price(1) == Fraction(s1.tao_in, s1.alpha_in)
        assert M.spot_value(view, "alice") >= alpha * s1.tao_in // s1.alpha_in + 30 * TAO


@pytest.mark.parametrize("preset", ["launch", "current"])
def test_exit_value_equals_unstakes_executed_on_a_cloned_state(preset):
    net = _holders(preset)
    net.step(30)  # epochs have paid dividends; pools have moved
    view = MarketView(net)
    digest = net.digest()
    value = M.exit_value(view, "alice")
    assert net.digest() == digest  # computed on a clone
    clone = dtao.Network.from_json(net.to_json())
    before = clone.balance("alice")
    for _, hotkey, netuid, amount in clone.positions("alice"):
        clone.remove_stake("alice", hotkey, netuid, amount)
    assert clone.positions("alice") == []
    assert value == clone.balance("alice") - before > 0
    assert value < M.spot_value(view, "alice")  # slippage and fees


def test_market_cap_is_price_times_issued_alpha():
    net = _holders()
    view = MarketView(net)
    s = net.subnet(1)
    assert M.market_cap(view, 1) == (s.alpha_in + s.alpha_out) * s.tao_in // s.alpha_in


def test_pruning_rank_orders_by_ema_price_past_immunity():
    net = world("current", network_immunity_period=5)
    view = MarketView(net)
    assert M.pruning_rank(view) == {1: None, 2: None, 3: None}  # all immune at block 1
    net.step(10)
    rank = M.pruning_rank(view)
    emas = {n: net.subnet(n).moving_price for n in net.netuids}
    assert sorted(rank, key=rank.get) == sorted(emas, key=emas.get)
    assert rank[min(emas, key=emas.get)] == 1


# -- yields -------------------------------------------------------------------------------------


def test_a_yield_equals_the_growth_of_a_position_from_the_epoch_receipts():
    """A validator owner alone on its hotkey: its stake grows by exactly the dividends the
    epochs credit through the hotkey, and the realised return and its simple APY follow."""
    net = world("current")
    view = MarketView(net)
    start = net.stake("vc10", "v10", 1)
    receipts = [net.process_block() for _ in range(100)]
    end = net.stake("vc10", "v10", 1)
    dividends = M.hotkey_dividends(receipts, "v10", 1)
    assert dividends > 0 and len([p for r in receipts for p in r.epochs if p.netuid == 1]) >= 4
    epochs = len([p for r in receipts for p in r.epochs if p.netuid == 1])
    assert 0 <= dividends - (end - start) <= epochs  # the share pool floors each credit
    r = M.realised_return(start, end)
    assert r == pytest.approx(dividends / start, abs=epochs / start)
    assert M.simple_apy(r, 100) == pytest.approx(dividends / start * 365 * 7_200 / 100, rel=1e-9)
    assert M.compound_apy(r, 100) > M.simple_apy(r, 100)
    paid = M.subnet_dividends(receipts)
    assert paid[1] >= dividends
    assert M.alpha_dividend_return(view, paid) > 0


def test_realised_return_counts_flows_and_windows_must_be_positive():
    assert M.realised_return(100, 130, flows=20) == pytest.approx(0.10)
    assert M.realised_return(0, 5) == 0.0
    with pytest.raises(ValueError):
        M.simple_apy(0.1, 0)


# -- manipulation -------------------------------------------------------------------------------


def test_manipulation_cost_is_the_smallest_buy_reaching_the_target():
    view = MarketView(world("current"))
    result = M.manipulation_cost(view, 1, share_gain=0.10, days=30)
    t = result["tao_rao"]
    assert t is not None and result["share_target"] == pytest.approx(result["share_baseline"] * 1.1)
    assert result["share_projected"] >= result["share_target"]
    lower = M.manipulation_cost(view, 1, share_gain=0.05, days=30)["tao_rao"]
    faster = M.manipulation_cost(view, 1, share_gain=0.10, days=10)["tao_rao"]
    assert lower < t < faster  # a smaller gain is cheaper; a shorter window dearer
    # a young subnet's EMA warms up slowly and observes at most the 1 τ cap: within a day no
    # buy moves its share by 10 %
    assert M.manipulation_cost(view, 1, share_gain=0.10, days=1)["tao_rao"] is None


def test_manipulation_cost_projection_matches_the_engine():
    """Launch shares follow the EMA price: buy the projected amount on a clone, run the days,
    and the subnet's emission share lands on the target (the projection ignores emission's
    own price drift, a fraction of a per cent here)."""
    net = world("launch", ema_alpha=0.002)
    view = MarketView(net)
    days = 0.05  # 360 blocks
    result = M.manipulation_cost(view, 1, share_gain=0.10, days=days)
    clone = view.clone()
    clone.fund("whale", result["tao_rao"] + TAO)
    clone.add_stake("whale", "v10", 1, result["tao_rao"])
    clone.step(360)
    assert clone.subnet(1).emission_share == pytest.approx(result["share_target"], rel=0.01)
    untouched = view.clone()
    untouched.step(360)
    assert untouched.subnet(1).emission_share == pytest.approx(result["share_baseline"], rel=0.01)


def test_manipulation_cost_refuses_a_subnet_that_does_not_emit():
    net = world("current")
    net.submit(ops.SetSubnetEmissionEnabled(2, False))
    with pytest.raises(ValueError, match="does not emit"):
        M.manipulation_cost(MarketView(net), 2)


def test_every_metric_is_documented():
    import inspect
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "metrics.md").read_text()
    public = [
        name
        for name, f in inspect.getmembers(M, inspect.isfunction)
        if f.__module__ == M.__name__ and not name.startswith("_")
    ]
    assert len(public) >= 14
    for name in public:
        assert f"`{name}(" in text, name


@pytest.mark.parametrize(
    ("preset", "overrides"),
    [("launch", {}), ("current", {}), ("current", {"superellipse": True})],
)
def test_the_price_after_a_buy_is_the_executed_one(preset, overrides):
    net = world(preset, **overrides)
    view = MarketView(net)
    predicted = M._price_after_buy(view, 2, 300 * TAO)
    clone = view.clone()
    clone.fund("whale", 300 * TAO)
    clone.add_stake("whale", "v20", 2, 300 * TAO)
    # exact where the fee leaves the pool (current); launch's flat fee stays in it: fee / y off
    assert predicted == pytest.approx(float(clone.spot_price(2)), rel=1e-7)


@given(st.lists(st.integers(0, 10**15), max_size=40), st.floats(0.05, 0.95))
def test_nakamoto_is_the_fewest_holders_above_the_threshold(values, threshold):
    k = M.nakamoto(values, threshold)
    ranked = sorted(values, reverse=True)
    total = sum(values)
    if total == 0:
        assert k == 0
        return
    assert sum(ranked[:k]) > threshold * total >= sum(ranked[: k - 1])
    assert 0 <= M.gini(values) <= 1 - 1 / len(values) + 1e-12


def test_demand_shares_follow_the_ema_prices_and_the_miner_burn():
    net = world("current")
    view = MarketView(net)
    shares = M.demand_shares(view)
    assert shares == pytest.approx({1: 1 / 6, 2: 2 / 6, 3: 3 / 6}, rel=1e-8)  # EMA 0.1, 0.2, 0.3
    net.submit(ops.SetSubnetEmissionEnabled(3, False))
    assert M.demand_shares(view) == pytest.approx({1: 1 / 3, 2: 2 / 3}, rel=1e-8)


@pytest.mark.parametrize("preset", ["launch", "current"])
def test_manipulation_gain_is_the_claim_less_an_executed_round_trip(preset):
    """The gain's parts computed by hand: the extra emission from the block emission, the
    claim from the alpha outstanding, and the loss from a round trip executed on a clone (a
    real ``remove_stake``, not the quote the metric reads)."""
    from dtao.emission import block_emission

    view = MarketView(world(preset))
    tao, extra_share, days = 500 * TAO, 0.004, 10
    result = M.manipulation_gain(view, 1, tao, extra_share, days)
    alpha = view.quote_stake(1, tao).alpha
    assert result["alpha_bought"] == alpha > 0
    per_block = block_emission(view.total_issuance, view.params)
    extra = int(Fraction(extra_share) * per_block * days * 7_200)
    assert abs(result["extra_emission_rao"] - extra) <= 1
    outstanding = view.subnet(1).alpha_out + alpha
    assert result["claim_rao"] == result["extra_emission_rao"] * alpha // outstanding
    clone = view.clone()
    clone.fund("whale", tao + TAO)
    credited = clone.add_stake("whale", view.subnet(1).owner_hotkey, 1, tao)
    before = clone.balance("whale")
    clone.remove_stake("whale", view.subnet(1).owner_hotkey, 1, credited)
    fees = clone.params.tx_fee_rao or 0  # the removal's extrinsic fee, left out of the metric
    assert result["round_trip_loss_rao"] == tao - (clone.balance("whale") - before + fees) > 0
    assert result["gain_rao"] == result["claim_rao"] - result["round_trip_loss_rao"]
    # no extra share: only the loss (on a weighted pool the round trip gives the slippage back;
    # what is lost are the swap fees and roundings)
    none = M.manipulation_gain(view, 1, tao, 0.0, days)
    assert none["gain_rao"] == -result["round_trip_loss_rao"]
