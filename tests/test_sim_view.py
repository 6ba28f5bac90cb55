"""``MarketView`` (read-only) and the ``Network`` read accessors it forwards."""

from __future__ import annotations

import inspect
from fractions import Fraction

import pytest

import dtao
from dtao import operations as ops
from dtao.errors import SubnetNotExists
from dtao.sim.view import MarketView
from sim_world import TAO, world

#: Network methods that write (every one goes through submit / the block step)
WRITERS = {
    "submit", "fund", "transfer", "register_network", "burned_register", "add_stake",
    "remove_stake", "move_stake", "transfer_stake", "swap_stake", "set_weights", "set_take",
    "increase_take", "decrease_take", "govern", "process_block", "step",
}  # fmt: skip


def test_the_view_has_no_writing_method_and_no_state():
    public = {name for name in dir(MarketView) if not name.startswith("_")}
    assert {n for n, _ in inspect.getmembers(dtao.Network) if not n.startswith("_")} >= WRITERS
    assert not public & WRITERS
    assert "state" not in public
    view = MarketView(world())
    assert not hasattr(view, "state")
    with pytest.raises(AttributeError):
        view.extra = 1  # slots: nothing can be attached either


def test_the_view_reads_what_the_network_reads():
    net = world()
    net.fund("alice", 100 * TAO)
    net.add_stake("alice", "v10", 1, 10 * TAO)
    view = MarketView(net)
    assert view.block == net.block and view.netuids == net.netuids == [1, 2, 3]
    assert view.subnet(2) == net.subnet(2)
    assert view.positions("alice") == net.positions("alice")
    assert view.balance("alice") == net.balance("alice")
    assert view.quote_unstake(1, TAO) == net.quote_unstake(1, TAO)
    assert view.emission_shares() == net.emission_shares()
    assert view.params is net.params and view.digest() == net.digest()


def test_a_clone_is_independent_and_exact():
    net = world()
    view = MarketView(net)
    clone = view.clone()
    assert clone.digest() == net.digest()
    clone.step(3)
    clone.fund("x", TAO)
    assert net.digest() == view.digest() != clone.digest()
    assert net.block + 3 == clone.block


@pytest.mark.parametrize("preset", ["launch", "current"])
def test_a_trade_clone_trades_like_a_clone_and_cannot_touch_the_neurons(preset):
    net = world(preset)
    net.fund("alice", 100 * TAO)
    view = MarketView(net)
    digest = net.digest()
    full, trade = view.clone(), view.trade_clone()
    assert trade.digest() == digest
    hotkey = net.subnet(1).owner_hotkey
    for clone in (full, trade):  # the same trades pay the same on both
        clone.add_stake("alice", hotkey, 1, 10 * TAO)
        clone.remove_stake("alice", hotkey, 1, clone.stake("alice", hotkey, 1) // 2)
    assert trade.digest() == full.digest() != digest
    neurons = trade.state.subnets[1].neurons
    assert neurons.weights.base is net.state.subnets[1].neurons.weights  # shared, not copied
    with pytest.raises(ValueError):
        neurons.weights[0, 0] = 1
    with pytest.raises(ValueError):
        trade.step(2 * int(net.state.columns.tempo[1]) + 2)  # an epoch writes the UIDs
    assert net.digest() == digest  # the viewed network never changed


@pytest.mark.parametrize("preset", ["launch", "current"])
def test_spot_price_is_the_price_limits_compare_with(preset):
    net = world(preset)
    net.fund("alice", 100 * TAO)
    view = MarketView(net)
    spot = net.spot_price(1)
    assert isinstance(spot, Fraction) and net.spot_price(0) == 1
    assert view.price_rao(1) == int(spot * TAO)
    assert abs(view.price_rao(1) - 100_000_000) <= 1  # 1 000 τ / 10 000 α (U64F64 floors)
    # a buy limited at the spot price cannot fill at all; 1 % above it fills partly
    with pytest.raises(dtao.errors.DtaoError):
        net.submit(ops.AddStake("alice", "v10", 1, 50 * TAO, view.price_rao(1), False))
    before = net.balance("alice")
    alpha = net.add_stake("alice", "v10", 1, 50 * TAO, view.price_rao(1) * 101 // 100, True)
    assert alpha > 0 and 0 < before - net.balance("alice") < 50 * TAO  # cut by the limit
    with pytest.raises(SubnetNotExists):
        net.spot_price(9)


def test_subnet_terms_follow_the_start_call_and_the_emission_switch():
    genesis = dtao.Genesis("current", start_call_delay=0)
    genesis.subnet(1, "o1", "o1-hk", tao_in=100 * TAO, alpha_in=100 * TAO)
    net = dtao.Network.from_genesis(genesis)
    terms = net.subnet_terms(1)
    assert not terms.subtoken_enabled and terms.emission_enabled and terms.miner_burned == 0.0
    net.submit(ops.StartCall("o1", 1))
    net.submit(ops.SetSubnetEmissionEnabled(1, False))
    terms = net.subnet_terms(1)
    assert terms.subtoken_enabled and not terms.emission_enabled and terms.immune
    launch = world("launch").subnet_terms(1)
    assert launch.subtoken_enabled and launch.emission_enabled  # no start calls at launch
    with pytest.raises(SubnetNotExists):
        net.subnet_terms(2)


def test_the_gate_bar_exists_only_where_the_preset_gates():
    assert world("launch").emission_gate_bar() is None
    net = world("current")
    assert net.emission_gate_bar() == 0.0  # not computed before the first block
    net.step(1)
    shares = net.emission_shares()
    bar = net.emission_gate_bar()
    # rank mode with fewer positive shares than the rank: the smallest demand share (EMA 0.1 of
    # a 0.1 + 0.2 + 0.3 total)
    assert bar == pytest.approx(1 / 6, abs=1e-6) and sum(shares.values()) == pytest.approx(1)


def test_registration_room_and_the_network_rate_limit_are_readable():
    net = world("current")
    view = MarketView(net)
    assert view.registration_open(1)
    net.fund("n1", 10 * TAO)
    net.process_block([ops.BurnedRegister("n1", "n1-hk", 1)])
    limit = net.params.max_registrations_per_block
    assert view.registration_open(1) == (limit > 1)
    net.step(1)
    assert view.registration_open(1)
    assert view.last_network_registration_block == 0
    net.fund("owner", net.network_lock_cost() + TAO)
    net.register_network("owner", "owner-hk")
    assert view.last_network_registration_block == net.block


def test_pruning_order_is_the_network_to_prune_first():
    net = world("launch", network_immunity_period=3)
    assert net.pruning_order() == []
    net.step(5)
    order = net.pruning_order()
    emas = {n: net.subnet(n).moving_price for n in net.netuids}
    assert order == sorted(emas, key=emas.get) == [1, 2, 3]
