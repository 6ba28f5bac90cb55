"""The 14bc6f9 subnet lifecycle (summer-2026): registration at the median price, pruning at
the subnet limit, the dissolution payout, start_call and the neuron burn (dtao.lifecycle)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dtao
from dtao import invariants, lifecycle
from dtao.errors import InvariantViolation, ProtocolError
from dtao.fixed import ONE64
from dtao.receipts import Dissolved
from dtao.summer import summer_columns
from dtao.summer_subnets import u64f64_bits_of_float

TAO = 10**9


def _net(**overrides: object) -> dtao.Network:
    overrides.setdefault("start_call_delay", 0)
    net = dtao.Network("summer-2026", network_rate_limit=0, **overrides)
    for who in ("a", "b", "c", "d"):
        net.fund(who, 20_000 * TAO)
    return net


def test_decay_factor_is_the_largest_q32_whose_power_is_at_most_one_half():
    for half_life in (1, 2, 3, 17, 360, 1000, 65_535):
        f = lifecycle.decay_factor_q32(half_life)
        assert lifecycle.pow_q32(f, half_life) <= 1 << 31 < lifecycle.pow_q32(f + 1, half_life)
    assert lifecycle.decay_factor_q32(1) == 1 << 31 and lifecycle.decay_factor_q32(0) == 1 << 32
    # the vector's hand-checked numbers: 1000 -> 2000 by a x2 bump, then 1998 after one block
    assert lifecycle.mul_by_q32(2000, lifecycle.decay_factor_q32(1000)) == 1998


def test_registration_keeps_the_whole_lock_in_the_pool_at_the_median_price():
    net = _net()
    first = net.network_lock_cost()
    n1 = net.register_network("a", "ha")
    state = net.state
    assert state.columns.tao_in[n1] == first and state.columns.alpha_in[n1] == first
    assert state.subnets[n1].locked == first and state.subnets[n1].rao_recycled == 0
    era = summer_columns(state)
    assert era.get("emission_enabled", n1) == 0 and era.get("registered_counter", n1) == 1
    state.columns.tao_in[n1] *= 4  # price 4.0: the next pool is priced at the median, 4
    lock = net.network_lock_cost()
    n2 = net.register_network("b", "hb")
    assert lifecycle.median_subnet_alpha_price_bits(state) == 4 * ONE64
    assert state.columns.tao_in[n2] == lock and state.columns.alpha_in[n2] == lock // 4
    assert state.network_last_lock == lock and net.params.yuma3
    state.columns.tao_in[n1] //= 4  # back to the backing the issuance counts
    invariants.check(state)


def test_median_of_an_even_count_is_the_floored_mean_of_the_middle_two():
    net = _net()
    netuids = [net.register_network(k, "h" + k) for k in ("a", "b", "c", "d")]
    cols = net.state.columns
    for netuid, tao in zip(netuids, (700, 200, 500, 0), strict=True):
        cols.tao_in[netuid], cols.alpha_in[netuid] = tao, 100
    assert lifecycle.median_subnet_alpha_price_bits(net.state) == 5 * ONE64  # {7, 2, 5}
    cols.tao_in[netuids[3]] = 300
    assert lifecycle.median_subnet_alpha_price_bits(net.state) == 4 * ONE64  # (3 + 5) / 2


def test_at_the_limit_the_lowest_ema_price_mature_subnet_is_pruned_and_its_netuid_reused():
    net = _net(subnet_limit=2, network_immunity_period=10)
    n1 = net.register_network("a", "ha")
    n2 = net.register_network("b", "hb")
    net.step(20)
    cols = net.state.columns
    cols.moving_price_bits[n1], cols.moving_price_bits[n2] = 1 << 32, 1 << 31
    assert lifecycle.network_to_prune(net.state) == n2
    got = net.register_network("c", "hc")
    assert got == n2 and net.state.subnets[n2].owner_coldkey == "c"
    assert summer_columns(net.state).get("registered_counter", n2) == 2
    invariants.check(net.state)
    net.govern("network_immunity_period", 10**6)  # every subnet immune again
    before = net.digest()
    with pytest.raises(dtao.errors.SubnetLimitReached):
        net.register_network("d", "hd")
    assert net.digest() == before


def _dissolved(receipt: dtao.Receipt) -> Dissolved:
    return next(e for e in receipt.events if isinstance(e, Dissolved))


@settings(max_examples=30, deadline=None)
@given(
    stakes=st.lists(st.integers(1, 500), min_size=0, max_size=4),
    pot=st.integers(0, 10**12),
    protocol=st.integers(0, 10**6),
    legacy=st.booleans(),
)
def test_dissolution_pays_the_pot_by_alpha_value_and_conserves_tao(stakes, pot, protocol, legacy):
    net = _net(owner_cut_u16=11_796)
    netuid = net.register_network("a", "ha")
    net.submit(dtao.StartCall("a", netuid))  # staking needs the token on
    for i, tao in enumerate(stakes):
        net.fund(f"s{i}", tao * TAO)
        net.add_stake(f"s{i}", "ha", netuid, tao * TAO - 1_000)
    state, era = net.state, summer_columns(net.state)
    # move pool TAO to or from the account: the account's total stays what was paid in
    era.set("account_tao", netuid, era.get("account_tao", netuid) + state.columns.tao_in[netuid])
    era.set("account_tao", netuid, era.get("account_tao", netuid) - pot)
    state.columns.tao_in[netuid] = pot
    era.set("protocol_alpha", netuid, protocol)  # a holder of o (dtao.invariants)
    state.columns.alpha_out[netuid] += protocol
    if legacy:
        state.params = state.params.replace(network_registration_start_block=state.block + 1)
    invariants.check(state)
    before = {k: net.balance(k) for k in state.balances}
    receipt = net.submit(dtao.DissolveNetwork("anyone", netuid))
    event = _dissolved(receipt)
    invariants.check(state)
    invariants.check_dissolution(event, state.params.existential_deposit)
    assert netuid not in state.subnets and not any(n == netuid for _, n in state.stakes)
    for coldkey, share in event.paid:
        assert share >= 0 and net.balance(coldkey) >= before.get(coldkey, 0) + share
    if not legacy:
        assert event.refund == 0


def test_a_wrong_payout_breaks_the_dissolution_identity(monkeypatch):
    net = _net()
    netuid = net.register_network("a", "ha")
    net.submit(dtao.StartCall("a", netuid))  # staking needs the token on
    net.fund("s", 10 * TAO)
    net.add_stake("s", "ha", netuid, 5 * TAO)
    real = lifecycle._largest_remainder

    def generous(pot: int, weights: list[int]) -> list[int]:
        shares = real(pot, weights)
        shares[0] += 7
        return shares

    monkeypatch.setattr(lifecycle, "_largest_remainder", generous)
    event = _dissolved(net.submit(dtao.DissolveNetwork("a", netuid)))
    with pytest.raises(InvariantViolation):
        invariants.check_dissolution(event, net.params.existential_deposit)


def test_start_call_sets_the_first_emission_block_once_and_only_for_the_owner():
    net = _net(start_call_delay=5)
    netuid = net.register_network("a", "ha")
    with pytest.raises(dtao.errors.BadOrigin):
        net.submit(dtao.StartCall("b", netuid))
    with pytest.raises(dtao.errors.NeedWaitingMoreBlocksToStarCall):
        net.submit(dtao.StartCall("a", netuid))
    net.step(5)
    net.submit(dtao.StartCall("a", netuid))
    era = summer_columns(net.state)
    assert era.get("first_emission_block", netuid) == net.block + 1
    assert era.get("subtoken_enabled", netuid) == 1
    with pytest.raises(dtao.errors.FirstEmissionBlockNumberAlreadySet):
        net.submit(dtao.StartCall("a", netuid))
    with pytest.raises(dtao.errors.CallUnavailable):  # the launch runtime has no start_call
        dtao.Network("launch").submit(dtao.StartCall("a", 1))


def test_the_burn_is_bumped_by_each_registration_and_decays_each_block():
    net = _net()
    netuid = net.register_network("a", "ha")
    subnet = net.state.subnets[netuid]
    assert subnet.burn == TAO and subnet.burn_min == 500_000 and subnet.burn_max == 100 * TAO
    net.burned_register("b", "m1", netuid)
    net.burned_register("c", "m2", netuid)  # no per-block count limit at 14bc6f9
    mult = u64f64_bits_of_float(1.26)
    assert subnet.burn == ((TAO * mult >> 64) * mult) >> 64
    bumped = subnet.burn
    net.step(1)
    assert subnet.burn == lifecycle.mul_by_q32(bumped, lifecycle.decay_factor_q32(360))
    invariants.check(net.state)


def test_a_full_subnet_replaces_the_lowest_emission_non_immune_uid_but_never_the_owner():
    net = _net(max_uids=4, immunity_period=3, min_non_immune_uids=1)
    netuid = net.register_network("a", "ha")
    for k in ("m1", "m2", "m3"):
        net.burned_register("b", k, netuid)
    neurons = net.state.subnets[netuid].neurons
    net.step(5)
    neurons.emission[:4] = [0, 50, 10, 40]  # the owner (uid 0) has the lowest
    assert lifecycle.neuron_to_prune(net.state, net.state.subnets[netuid]) == 2
    uid = net.burned_register("c", "new", netuid)
    assert uid == 2 and neurons.hotkeys[2] == "new" and neurons.hotkeys[0] == "ha"


_OPS = st.one_of(
    st.builds(dtao.RegisterNetwork, st.sampled_from("abcx"), st.sampled_from(["ha", "hb", "m1"])),
    st.builds(dtao.DissolveNetwork, st.sampled_from("ab"), st.integers(0, 4)),
    st.builds(dtao.StartCall, st.sampled_from("abc"), st.integers(0, 4)),
    st.builds(
        dtao.BurnedRegister,
        st.sampled_from("abcx"),
        st.sampled_from(["ha", "m1", "m2", "m3"]),
        st.integers(0, 4),
    ),
)


@settings(max_examples=40, deadline=None)
@given(ops=st.lists(st.tuples(_OPS, st.integers(0, 3)), min_size=1, max_size=12))
def test_lifecycle_records_are_atomic_and_keep_every_identity(ops):
    net = _net(subnet_limit=3, network_immunity_period=2, max_uids=3, min_non_immune_uids=0)
    net.fund("x", 600_000)  # can pay a small burn, never a lock
    for op, blocks in ops:
        if blocks:
            net.step(blocks)
        before = net.digest()
        try:
            receipt = net.submit(op)
        except ProtocolError:
            assert net.digest() == before, f"rejected {op} changed the state"
            continue
        invariants.check(net.state)
        for event in receipt.events:
            if isinstance(event, Dissolved):
                invariants.check_dissolution(event, net.params.existential_deposit)
    assert dtao.Network.from_json(net.to_json()).digest() == net.digest()
