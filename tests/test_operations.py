"""Every operation: the happy path with exact numbers, and each bad input's named error."""

from __future__ import annotations

import pytest

import dtao
from dtao import errors as E
from dtao import invariants
from dtao.pools import constant_product as cp

TAO = 10**9
FEE = 50_000


def rejected(net: dtao.Network, error: type[Exception], call, *args, **kwargs) -> None:
    """The call raises ``error`` and leaves the state digest unchanged."""
    before = net.digest()
    with pytest.raises(error):
        call(*args, **kwargs)
    assert net.digest() == before


def test_register_network_launch_rules():
    net = dtao.Network("launch")
    net.fund("alice", 3_000 * TAO)
    issued = net.total_issuance
    assert net.block == 1
    # storage-default LastLock (1000 τ), never doubled, decayed by one block
    lock = 1_000 * TAO - (1_000 * TAO // 100_800)
    assert net.network_lock_cost() == lock
    netuid = net.register_network("alice", "alice-hk")
    view = net.subnet(netuid)
    assert (netuid, view.tao_in, view.alpha_in, view.alpha_out) == (1, TAO, TAO, 0)
    assert view.price == 1.0 and view.moving_price == 0.0 and view.n == 1 and view.tempo == 360
    assert net.balance("alice") == 3_000 * TAO - lock
    assert net.total_issuance == issued - (lock - TAO)  # lock − MinLock recycled
    assert net.neurons(netuid).hotkeys == ["alice-hk"]
    # the price doubles and then decays linearly over 100 800 blocks
    assert net.network_lock_cost() == 2 * lock
    rejected(net, E.NetworkTxRateLimitExceeded, net.register_network, "alice", "hk2")
    net.state.block += 7_200
    assert net.network_lock_cost() == 2 * lock - (lock // 100_800) * 7_200
    invariants.check(net.state)


def test_register_network_errors():
    net = dtao.Network("launch")
    net.fund("poor", 10 * TAO)
    rejected(net, E.NotEnoughBalanceToStake, net.register_network, "poor", "hk")
    net.fund("alice", 2_000 * TAO)
    net.register_network("alice", "alice-hk")
    net.state.block += 7_200
    net.fund("mallory", 5_000 * TAO)
    rejected(net, E.NonAssociatedColdKey, net.register_network, "mallory", "alice-hk")
    rejected(net, E.InvalidAmount, net.register_network, "mallory", "")


def test_add_stake_matches_pool_math_to_the_rao(net):
    y, x = net.subnet(1).tao_in, net.subnet(1).alpha_in
    amount = 10 * TAO
    quoted = net.quote_stake_alpha(1, amount)
    assert quoted == cp.sim_swap_tao_for_alpha(y, x, amount - FEE)
    got = net.add_stake("carol", "alice-hk", 1, amount)
    assert got == quoted == net.stake("carol", "alice-hk", 1)
    view = net.subnet(1)
    assert view.tao_in == y + amount  # the flat fee stays in the pool
    assert view.alpha_in == x - got and view.alpha_out >= got
    assert net.balance("carol") == 490 * TAO
    invariants.check(net.state)


def test_add_stake_errors(net):
    rejected(net, E.SubnetNotExists, net.add_stake, "carol", "alice-hk", 9, 10 * TAO)
    rejected(net, E.AmountTooLow, net.add_stake, "carol", "alice-hk", 1, 549_999)
    rejected(net, E.NotEnoughBalanceToStake, net.add_stake, "carol", "alice-hk", 1, 501 * TAO)
    rejected(net, E.HotKeyAccountNotExists, net.add_stake, "carol", "ghost", 1, 10 * TAO)
    rejected(net, E.InvalidAmount, net.add_stake, "carol", "alice-hk", 1, -5)
    rejected(net, E.InvalidAmount, net.add_stake, "carol", "alice-hk", 1, 2**64)
    rejected(net, E.SubnetNotExists, net.add_stake, "carol", "alice-hk", "1", 10 * TAO)
    # limit below the current price (~1.0 TAO/alpha) admits nothing
    rejected(
        net,
        E.SlippageTooHigh,
        net.add_stake,
        "carol",
        "alice-hk",
        1,
        10 * TAO,
        limit_price=TAO // 2,
    )


def test_buy_that_would_drain_the_pool_is_refused():
    net = dtao.Network("launch")  # pool seeded with 1 τ / 1 α
    net.fund("alice", 2_000 * TAO)
    net.register_network("alice", "hk")
    # 1 α would fall below the 0.01 α minimum once more than ~99 τ go in
    rejected(net, E.InsufficientLiquidity, net.add_stake, "alice", "hk", 1, 100 * TAO)
    assert net.add_stake("alice", "hk", 1, 98 * TAO) > 0


def test_add_stake_limit_partial_executes_the_maximum(net):
    y, x = net.subnet(1).tao_in, net.subnet(1).alpha_in
    limit = int(1.05 * y / x * TAO)  # 5 % above the price
    max_tao = cp.max_tao_for_limit(y, x, limit)
    assert 0 < max_tao < 100 * TAO
    rejected(
        net, E.SlippageTooHigh, net.add_stake, "carol", "alice-hk", 1, 100 * TAO, limit_price=limit
    )
    got = net.add_stake("carol", "alice-hk", 1, 100 * TAO, limit_price=limit, allow_partial=True)
    assert got == cp.sim_swap_tao_for_alpha(y, x, max_tao - FEE)
    assert net.balance("carol") == 500 * TAO - max_tao


def test_remove_stake_round_trip_never_profits(net):
    got = net.add_stake("carol", "alice-hk", 1, 20 * TAO)
    quoted = net.quote_unstake_tao(1, got)
    tao_back = net.remove_stake("carol", "alice-hk", 1, got)
    assert tao_back == quoted < 20 * TAO
    assert net.stake("carol", "alice-hk", 1) == 0
    assert net.balance("carol") == 480 * TAO + tao_back
    invariants.check(net.state)


def test_remove_stake_errors(net):
    got = net.add_stake("carol", "alice-hk", 1, 20 * TAO)
    rejected(net, E.SubnetNotExists, net.remove_stake, "carol", "alice-hk", 7, got)
    rejected(net, E.NotEnoughStakeToWithdraw, net.remove_stake, "carol", "alice-hk", 1, got + 1)
    rejected(net, E.NotEnoughStakeToWithdraw, net.remove_stake, "bob", "alice-hk", 1, got)
    rejected(net, E.AmountTooLow, net.remove_stake, "carol", "alice-hk", 1, 1_000)
    rejected(net, E.HotKeyAccountNotExists, net.remove_stake, "carol", "ghost", 1, got)
    rejected(
        net, E.SlippageTooHigh, net.remove_stake, "carol", "alice-hk", 1, got, limit_price=100 * TAO
    )
    rejected(net, E.InvalidAmount, net.remove_stake, "carol", "alice-hk", 1, -1)


def test_root_stake_is_one_to_one_with_the_flat_fee(net):
    got = net.add_stake("carol", "bob-hk", 0, 100 * TAO)
    assert got == 100 * TAO - FEE == net.stake("carol", "bob-hk", 0)
    assert net.state.root_tao == 100 * TAO
    back = net.remove_stake("carol", "bob-hk", 0, got)
    assert back == got - FEE
    assert net.balance("carol") == 400 * TAO + back
    invariants.check(net.state)
    rejected(net, E.AmountTooLow, net.remove_stake, "carol", "bob-hk", 0, 0)


def test_move_stake_pays_half_fee_per_leg_even_within_a_subnet(net):
    got = net.add_stake("carol", "alice-hk", 1, 50 * TAO)
    y, x = net.subnet(1).tao_in, net.subnet(1).alpha_in
    tao_out = cp.sim_swap_alpha_for_tao(y, x, got)
    expected = cp.sim_swap_tao_for_alpha(
        y - tao_out + FEE // 2, x + got, tao_out - FEE // 2 - FEE // 2
    )
    moved = net.move_stake("carol", "alice-hk", "bob-hk", 1, 1, got)
    # the result is the TAO the chain's StakeMoved event carries (move_stake.rs @ 5073ade;
    # ops_launch_move_stake.json): the proceeds after both legs' fees
    assert moved == tao_out - FEE // 2 - FEE // 2
    assert expected == net.stake("carol", "bob-hk", 1)
    assert net.stake("carol", "alice-hk", 1) == 0
    invariants.check(net.state)


def test_move_transfer_swap_errors(net):
    got = net.add_stake("carol", "alice-hk", 1, 50 * TAO)
    rejected(net, E.SubnetNotExists, net.move_stake, "carol", "alice-hk", "bob-hk", 1, 5, got)
    rejected(net, E.HotKeyAccountNotExists, net.move_stake, "carol", "alice-hk", "x", 1, 1, got)
    rejected(
        net,
        E.NotEnoughStakeToWithdraw,
        net.move_stake,
        "carol",
        "alice-hk",
        "bob-hk",
        1,
        1,
        got + 1,
    )
    rejected(net, E.AmountTooLow, net.swap_stake, "carol", "alice-hk", 1, 0, 10)
    rejected(
        net, E.NotEnoughStakeToWithdraw, net.transfer_stake, "bob", "carol", "alice-hk", 1, 1, got
    )
    rejected(net, E.InvalidAmount, net.transfer_stake, "carol", "", "alice-hk", 1, 1, got)


def test_transfer_stake_and_swap_stake(net):
    got = net.add_stake("carol", "alice-hk", 1, 50 * TAO)
    half = got // 2
    moved = net.transfer_stake("carol", "dave", "alice-hk", 1, 1, half)
    assert moved > 0 and net.stake("dave", "alice-hk", 1) > 0
    moved = net.swap_stake("carol", "alice-hk", 1, 0, net.stake("carol", "alice-hk", 1))
    assert moved == net.stake("carol", "alice-hk", 0) > 0  # root is 1:1: the TAO is the stake
    invariants.check(net.state)


def test_move_below_min_stake_loses_the_proceeds(net):
    """move_stake.rs @ 5073ade: proceeds < min stake + half fee are not re-staked."""
    got = net.add_stake("carol", "bob-hk", 0, 600_000)  # root, 1:1
    assert got == 550_000
    lost_before = net.state.lost_tao
    # 524 999 sells for 524 999 TAO-rao, minus the 25 000 leg fee: below 500 000 + 25 000;
    # the event still carries the proceeds less both leg fees
    assert net.move_stake("carol", "bob-hk", "alice-hk", 0, 0, 524_999) == 524_999 - FEE
    assert net.state.lost_tao - lost_before == 524_999 - FEE // 2
    assert net.stake("carol", "bob-hk", 0) == got - 524_999
    invariants.check(net.state)


def test_transfer(net):
    net.transfer("carol", "erin", 5 * TAO)
    assert (net.balance("carol"), net.balance("erin")) == (495 * TAO, 5 * TAO)
    rejected(net, E.NotEnoughBalanceToTransfer, net.transfer, "erin", "carol", 6 * TAO)
    rejected(net, E.InvalidAmount, net.transfer, "erin", "carol", -1)
    rejected(net, E.InvalidAmount, net.transfer, "erin", "", 1)


def test_burned_register_pays_the_burn_into_the_pool(net):
    view = net.subnet(1)
    burn = view.burn
    bought = cp.sim_swap_tao_for_alpha(view.tao_in, view.alpha_in, burn)
    net.state.block += 1  # a new block without its step: the pool stays as it was
    uid = net.burned_register("carol", "carol-hk", 1)
    after = net.subnet(1)
    assert uid == 2 and after.n == 3
    assert after.tao_in == view.tao_in + burn and after.alpha_in == view.alpha_in - bought
    assert after.alpha_out == view.alpha_out  # bought alpha destroyed
    assert net.balance("carol") == 500 * TAO - burn
    invariants.check(net.state)


def test_burned_register_errors(net):
    rejected(net, E.RegistrationNotPermittedOnRootSubnet, net.burned_register, "carol", "c", 0)
    rejected(net, E.SubnetNotExists, net.burned_register, "carol", "c", 4)
    rejected(net, E.TooManyRegistrationsThisBlock, net.burned_register, "carol", "c", 1)
    net.step(1)
    rejected(net, E.HotKeyAlreadyRegisteredInSubNet, net.burned_register, "bob", "bob-hk", 1)
    net.state.block += 7_200
    net.fund("alice", 3_000 * TAO)
    net.register_network("alice", "alice-hk2")  # alice's second hotkey, not on subnet 1
    rejected(net, E.NonAssociatedColdKey, net.burned_register, "carol", "alice-hk2", 1)
    net.fund("pauper", 10)
    rejected(net, E.NotEnoughBalanceToStake, net.burned_register, "pauper", "p", 1)


def test_full_subnet_replaces_the_lowest_scoring_non_immune_neuron():
    net = dtao.Network("launch", max_uids=3, immunity_period=10, target_registrations=10)
    net.fund("alice", 2_000 * TAO)
    net.fund("bob", 100 * TAO)
    net.register_network("alice", "owner")
    for name in ("m1", "m2"):
        net.step(1)
        net.burned_register("bob", name, 1)
    net.step(1)
    # everyone immune: the oldest non-owner with the lowest score goes (m1)
    assert net.burned_register("bob", "m3", 1) == 1
    assert net.neurons(1).hotkeys == ["owner", "m3", "m2"]
    net.step(20)  # nobody immune now; the replaced uid got score 65535, so m2 goes
    assert net.burned_register("bob", "m4", 1) == 2
    assert "owner" in net.neurons(1).hotkeys


def test_set_take_rules(net):
    assert net.take("alice-hk") == 11_796
    rejected(net, E.DelegateTakeTooHigh, net.set_take, "alice", "alice-hk", 11_797)
    rejected(net, E.NonAssociatedColdKey, net.set_take, "bob", "alice-hk", 100)
    rejected(net, E.HotKeyAccountNotExists, net.set_take, "bob", "nope", 100)
    rejected(net, E.InvalidAmount, net.set_take, "alice", "alice-hk", 70_000)
    net.set_take("alice", "alice-hk", 5_000)  # decrease: immediate
    assert net.take("alice-hk") == 5_000
    rejected(net, E.DelegateTxRateLimitExceeded, net.set_take, "alice", "alice-hk", 6_000)
    rejected(net, E.DelegateTakeTooLow, net.set_take, "alice", "alice-hk", 5_000)
    net.state.block += 216_001
    net.set_take("alice", "alice-hk", 6_000)
    assert net.take("alice-hk") == 6_000


def test_fund_and_step_reject_bad_input():
    net = dtao.Network("launch")
    rejected(net, E.InvalidAmount, net.fund, "alice", -1)
    rejected(net, E.InvalidAmount, net.fund, "alice", 1.5)
    rejected(net, E.InvalidAmount, net.fund, "", 10)
    rejected(net, E.InvalidAmount, net.fund, "alice", 21_000_001 * TAO)
    rejected(net, E.InvalidAmount, net.step, -1)
    rejected(net, E.InvalidAmount, net.step, "3")
    net.fund("alice", 5 * TAO)
    assert net.total_issuance == net.balance("alice") == 5 * TAO


def test_quotes_reject_bad_input(net):
    rejected(net, E.SubnetNotExists, net.quote_stake, 9, TAO)
    rejected(net, E.SubnetNotExists, net.quote_unstake, 9, TAO)
    rejected(net, E.InvalidAmount, net.quote_stake, 1, -TAO)
    assert net.quote_stake_alpha(0, TAO) == TAO - FEE  # root is 1:1 after the flat fee


def test_dtao_economics_6a_worked_example_through_the_operations():
    """§6a: y = 1000 τ, x = 4000 α. Stake 100 τ → 363.6362 α; unstake 100 α → 24.3902 τ − fee."""
    net = dtao.Network("launch", network_min_lock=1_000 * TAO)
    net.fund("alice", 1_200 * TAO)
    net.register_network("alice", "hk")  # pool 1000 τ / 1000 α
    net.state.columns.alpha_in[1] = 4_000 * TAO  # reshape the pool to the worked example
    before = net.to_json()
    got = net.add_stake("alice", "hk", 1, 100 * TAO)
    assert got == 363_636_198_347  # 4000 − 4e6/1099.99995, floored
    assert net.subnet(1).tao_in == 1_100 * TAO  # the fee stays in the pool
    # the unstake half, from the original pool, with bob holding 100 α through hk
    net = dtao.Network.from_json(before)
    net.state.columns.alpha_out[1] += 100 * TAO  # 100 α outstanding, held by bob
    from dtao import ledger

    ledger.increase_stake(net.state, "bob", "hk", 1, 100 * TAO)
    assert net.remove_stake("bob", "hk", 1, 100 * TAO) == 24_390_193_902  # 24.3902 − 0.00005


def test_a_small_nomination_left_behind_is_cleared(net):
    """clear_small_nomination_if_required (staking/helpers.rs @ 5073ade): a nominator left
    under NominatorMinRequiredStake is unstaked whole, fee-free; the owner is never cleared."""
    net.govern("nominator_min_stake", 10 * TAO)
    got = net.add_stake("carol", "bob-hk", 1, 50 * TAO)  # carol nominates bob's hotkey
    balance = net.balance("carol")
    net.remove_stake("carol", "bob-hk", 1, got - 5 * TAO)  # leaves ~5 α < 10 α
    assert net.stake("carol", "bob-hk", 1) == 0
    assert net.balance("carol") > balance
    own = net.add_stake("bob", "bob-hk", 1, 20 * TAO)
    net.remove_stake("bob", "bob-hk", 1, own - TAO)  # the owner keeps a small stake
    assert 0 < net.stake("bob", "bob-hk", 1) < 10 * TAO
    invariants.check(net.state)


def test_raising_the_nominator_minimum_sweeps_every_small_nomination(net):
    """sudo_set_nominator_min_required_stake (admin-utils @ 5073ade) clears on a raise."""
    net.add_stake("carol", "bob-hk", 1, 5 * TAO)
    net.add_stake("carol", "alice-hk", 1, 50 * TAO)
    net.govern("nominator_min_stake", 10 * TAO)
    assert net.stake("carol", "bob-hk", 1) == 0
    assert net.stake("carol", "alice-hk", 1) > 10 * TAO
    invariants.check(net.state)
