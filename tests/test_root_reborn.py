"""Root Reborn (``current``, dtao-current.md §5): the worked examples B1 (basket redemption)
and D1 (deposit in place) of §12 through the preset's operations, seats and the #3035 split.

Both start from the B1 fund: cash 40 TAO; 2 000 α on SN-a (pool x = 200 000 α, y = 10 000 τ);
500 α on SN-b (pool x = 50 000 α, y = 1 000 τ); P = 120 TAO of shares. Values are realizable
(fee-free sale at w = ½, the constant product), so the spec's float figures are matched to the
rao they floor to. With fast twins on, a holding's value takes the balancer's fast protocol sale
where it answers: the reference's value on random pools, and a wrong twin fails the comparison.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dtao
from dtao import baskets as B
from dtao import codec, exact_compiled, invariants, ledger
from dtao import errors as E
from dtao import root_reborn as RR
from dtao.eras import rules_for
from dtao.genesis import Genesis
from dtao.operations import (
    AddStake,
    BurnedRegister,
    ClaimRootWithHotkey,
    RemoveStake,
    RootRegister,
    StartCall,
    SwapBasket,
    apply,
)
from dtao.pools import balancer as bal
from dtao.state import State
from dtao.summer import summer_columns

TAO = 10**9
V, OWNER, STAKER = "V", "vowner", "staker"


def _fund(claimant_root: int = 1_000 * TAO, escrow_cash: int = 40 * TAO) -> State:
    """The B1 fund on validator hotkey V; ``STAKER`` holds ``claimant_root`` on V."""
    state = (
        Genesis("current")
        .fund(STAKER, TAO)
        .subnet(1, "o1", "h1", tao_in=10_000 * TAO, alpha_in=200_000 * TAO)
        .subnet(2, "o2", "h2", tao_in=1_000 * TAO, alpha_in=50_000 * TAO)
        .hotkey(OWNER, V)
        .stake(B.ESCROW, V, 0, escrow_cash)
        .stake(B.ESCROW, V, 1, 2_000 * TAO)
        .stake(B.ESCROW, V, 2, 500 * TAO)
        .stake(STAKER, V, 0, claimant_root)
        .build()
    )
    ext = B.baskets(state)
    ext.seats[V] = (0, 0)
    ext.shares[V] = 120 * TAO
    ext.claimed[(V, STAKER)] = -30 * TAO  # 30 shares owed (granted through the watermark)
    invariants.check(state)
    return state


def test_b1_values_and_nav():
    state = _fund()
    rules = rules_for(state.params)
    assert RR.value_of(state, rules, 1, 2_000 * TAO) == 99_009_900_990  # 99.009901 τ
    assert RR.value_of(state, rules, 2, 500 * TAO) == 9_900_990_099  # 9.900990 τ
    assert RR.nav(state, rules, V) == 148_910_891_089  # N = 148.910891 τ


def test_b1_redemption_pays_37_227723_and_keeps_nav_per_share():
    state = _fund()
    rules = rules_for(state.params)
    nav_per_share = RR.nav(state, rules, V) / B.baskets(state).shares[V]
    issuance = state.total_issuance
    receipt = apply(state, rules, ClaimRootWithHotkey(STAKER, V))
    paid = receipt.result
    # the entitlements ⌊owed·v/P⌋: 10 + 24.752475247 + 2.475247524 (spec: 37.227723 τ)
    assert paid == 10 * TAO + 24_752_475_247 + 2_475_247_524
    assert paid == pytest.approx(37.227723 * TAO, abs=1_000)
    assert ledger.get_stake(state, STAKER, V, 0) == 1_000 * TAO + paid
    ext = B.baskets(state)
    assert ext.shares[V] == 90 * TAO
    assert ext.claimed[(V, STAKER)] == -30 * TAO + 30 * TAO  # ρ = 0: only κ += owed
    assert ledger.get_stake(state, B.ESCROW, V, 1) == 1_500 * TAO
    assert ledger.get_stake(state, B.ESCROW, V, 2) == 375 * TAO
    assert ledger.get_stake(state, B.ESCROW, V, 0) == pytest.approx(30.203699 * TAO, abs=1_000)
    assert state.columns.get("tao_in", 1) == pytest.approx(9_975.062344 * TAO, abs=1_000)
    assert RR.nav(state, rules, V) / ext.shares[V] == pytest.approx(nav_per_share, rel=1e-9)
    assert issuance - state.total_issuance == state.params.basket_claim_fee == ext.recycled_tao
    invariants.check(state)
    assert codec.dumps(codec.loads(codec.dumps(state))) == codec.dumps(state)


def test_d1_deposit_in_place_mints_0_394651_shares():
    state = _fund(claimant_root=50_000 * TAO)
    rules = rules_for(state.params)
    state.columns.alpha_out[1] += 10 * TAO  # the epoch's root rest, emitted into o
    B.enqueue_deposit(state, V, 1, 10 * TAO)
    invariants.check(state)
    minted = RR.flush(state, rules, V)
    assert minted == pytest.approx(0.394651 * TAO, abs=1_000)
    ext = B.baskets(state)
    assert ext.shares[V] == 120 * TAO + minted
    assert ext.rate[V] / 2**32 == pytest.approx(7.893e-6, rel=1e-3)
    owed = B.owed_shares(ext.rate[V], 1_000 * TAO, 0)  # a staker with 1 000 τ on V
    assert owed == pytest.approx(0.0078930 * TAO, rel=1e-4)
    assert ledger.get_stake(state, B.ESCROW, V, 1) == 2_010 * TAO
    assert not ext.pending
    invariants.check(state)


def test_root_register_burns_bumps_and_replaces_the_lowest_non_immune_seat():
    state = Genesis("current", root_seats=2, root_seat_immunity=10).fund("c", 10 * TAO).build()
    rules = rules_for(state.params)
    issuance = state.total_issuance
    assert apply(state, rules, RootRegister("c", "a")).result == 0
    with pytest.raises(E.TooManyRegistrationsThisBlock):
        apply(state, rules, RootRegister("c", "b"))
    state.block += 1
    assert apply(state, rules, RootRegister("c", "b")).result == 1
    assert issuance - state.total_issuance == TAO + 1_260_000_000
    state.block += 1
    before = codec.dumps(state)
    with pytest.raises(E.NoNeuronIdAvailable):  # both immune
        apply(state, rules, RootRegister("c", "x"))
    assert codec.dumps(state) == before
    with pytest.raises(E.HotKeyAlreadyRegisteredInSubNet):
        apply(state, rules, RootRegister("c", "a"))
    state.block += 20
    assert apply(state, rules, RootRegister("c", "x")).result == 1  # ties: the higher UID
    assert set(B.baskets(state).seats) == {"a", "x"}
    invariants.check(state)


def test_trades_draw_the_turnover_bucket_and_refill_it_linearly():
    """B1's fund traded by V's coldkey: 10 % of NAV per 7 200 blocks (≈ 14.89 TAO)."""
    state = _fund()
    for netuid in (1, 2):
        summer_columns(state).set("subtoken_enabled", netuid, 1)
    rules = rules_for(state.params)
    apply(state, rules, SwapBasket(OWNER, V, 0, 1, 10 * TAO))
    before = codec.dumps(state)
    with pytest.raises(E.BasketTurnoverCapExceeded):
        apply(state, rules, SwapBasket(OWNER, V, 0, 1, 10 * TAO))
    assert codec.dumps(state) == before
    with pytest.raises(E.NonAssociatedColdKey):
        apply(state, rules, SwapBasket(STAKER, V, 0, 1, TAO))
    state.block += 7_200
    apply(state, rules, SwapBasket(OWNER, V, 0, 1, 10 * TAO))
    assert B.baskets(state).shares[V] == 120 * TAO
    invariants.check(state)


def test_the_root_hold_refuses_an_early_root_unstake():
    """``root_stake_unlock_interval`` (0 by default: no hold) after a paying claim."""
    state = _fund()
    state.params = state.params.replace(root_stake_unlock_interval=10)
    rules = rules_for(state.params)
    apply(state, rules, ClaimRootWithHotkey(STAKER, V))  # a paying claim refreshes the hold
    with pytest.raises(E.RootStakeLocked):
        apply(state, rules, RemoveStake(STAKER, V, 0, TAO))
    state.block += 10
    apply(state, rules, RemoveStake(STAKER, V, 0, TAO))
    invariants.check(state)


def test_the_epoch_baskets_a_root_seated_validators_root_dividend_and_the_block_flushes_it():
    """Through the preset's block step: only the root-seated hotkey earns root alpha, its rest
    after the take is queued, flushed in place within a block, and redeemed by its staker."""
    net = dtao.Network("current", network_rate_limit=0, tempo=20)
    net.fund("o1", 3_000 * TAO)
    netuid = net.register_network("o1", "h1")
    net.fund("v", 100 * TAO)
    net.fund("s", 1_000 * TAO)
    net.submit(RootRegister("v", "vh"))
    net.submit(StartCall("o1", netuid))
    net.submit(BurnedRegister("v", "vh", netuid))
    net.submit(AddStake("s", "vh", 0, 500 * TAO))
    net.submit(AddStake("v", "vh", netuid, 10 * TAO))
    # a root pot as the coinbase leaves it when the root-sell flag is up (one subnet: it is not)
    summer_columns(net.state).set("pending_root_alpha", netuid, 5 * TAO)
    net.state.columns.alpha_out[netuid] += 5 * TAO
    for _ in range(60):
        net.step()
    invariants.check(net.state)
    ext = B.peek(net.state)
    assert ext is not None and ext.shares["vh"] > 0 and not ext.pending
    assert ledger.get_stake(net.state, B.ESCROW, "vh", netuid) > 0
    assert ledger.get_stake(net.state, B.ESCROW, "h1", netuid) == 0  # h1 has no root seat
    before = ledger.get_stake(net.state, "s", "vh", 0)
    paid = net.submit(ClaimRootWithHotkey("s", "vh")).result
    assert paid > 0 and ledger.get_stake(net.state, "s", "vh", 0) == before + paid
    invariants.check(net.state)


# -- the fast valuation (dtao.pools.balancer.fee_free_swap_fast) -------------------------------

_pool_sizes = st.one_of(st.integers(0, 10**17), st.integers(10**6 - 2, 10**6 + 2))


@settings(max_examples=60, deadline=None)
@given(
    _pool_sizes,
    _pool_sizes,
    st.integers(bal.MIN_WEIGHT, bal.MAX_QUOTE_WEIGHT),
    st.integers(0, 1),
    st.one_of(st.integers(-1, 10**13), st.integers(0, 10**20)),
)
def test_the_fast_value_is_the_reference_value(y, x, weight, initialised, alpha):
    """A holding's realizable value with fast twins on is the reference's, on random pools
    (initialised or not, too shallow to sell, sales stopped by the limit)."""
    state = _fund()
    state.columns.tao_in[1], state.columns.alpha_in[1] = y, x
    ext = summer_columns(state)
    ext.set("quote_weight", 1, weight)
    ext.set("pool_initialized", 1, initialised)
    fast = rules_for(state.params, fast=True)
    assert fast.fast
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("DTAO_NO_FAST", "1")
        reference = RR.value_of(state, rules_for(state.params, fast=False), 1, alpha)
    assert RR.value_of(state, fast, 1, alpha) == reference


_pool = st.tuples(
    _pool_sizes, _pool_sizes, st.integers(bal.MIN_WEIGHT, bal.MAX_QUOTE_WEIGHT), st.integers(0, 1)
)


@settings(max_examples=60, deadline=None)
@given(_pool, _pool, st.integers(1, 10**13), st.integers(0, 10**20), st.booleans())
def test_the_batched_nav_is_the_reference_nav(pool_a, pool_b, held_a, held_b, stable_b):
    """The NAV with fast twins on (one gather, the compiled sale per holding, value_of where
    it steps aside) is the reference's: random pools, refused and limit-stopped sales, a
    stable subnet (1:1) and the root cash slot."""
    state = _fund()
    ext = summer_columns(state)
    for netuid, (y, x, weight, initialised) in ((1, pool_a), (2, pool_b)):
        state.columns.tao_in[netuid], state.columns.alpha_in[netuid] = y, x
        ext.set("quote_weight", netuid, weight)
        ext.set("pool_initialized", netuid, initialised)
    if stable_b:
        state.columns.mechanism[2] = 0
    for netuid, held in ((1, held_a), (2, held_b)):
        pool = state.stakes[(V, netuid)]
        pool.value, pool.total_shares, pool.shares = held, held << 64, {B.ESCROW: held << 64}
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("DTAO_NO_FAST", "1")
        reference = RR.nav(state, rules_for(state.params, fast=False), V)
    assert RR.nav(state, rules_for(state.params, fast=True), V) == reference


def test_a_wrong_compiled_sale_fails_the_nav(monkeypatch):
    state = _fund()
    reference = RR.nav(state, rules_for(state.params, fast=False), V)
    assert RR.nav(state, rules_for(state.params, fast=True), V) == reference
    kernel = exact_compiled.kernels()
    if kernel is None:
        pytest.skip("compiled kernels off (reference mode) or not built")

    class Off:  # the extension with a sale that answers one rao too many
        def __getattr__(self, name):
            return getattr(kernel, name)

        @staticmethod
        def fee_free_swap(*args):
            out = kernel.fee_free_swap(*args)
            return out + 1 if type(out) is int else out

    monkeypatch.setattr(exact_compiled, "kernels", lambda: Off())
    assert RR.nav(state, rules_for(state.params, fast=True), V) == reference + 2


def test_a_wrong_fast_value_fails_the_comparison(monkeypatch):
    state = _fund()
    reference = RR.value_of(state, rules_for(state.params, fast=False), 1, 2_000 * TAO)
    assert RR.value_of(state, rules_for(state.params, fast=True), 1, 2_000 * TAO) == reference
    monkeypatch.setattr(bal, "fee_free_swap_fast", lambda *a, **k: 1)
    assert RR.value_of(state, rules_for(state.params, fast=True), 1, 2_000 * TAO) != reference
    assert RR.value_of(state, rules_for(state.params, fast=False), 1, 2_000 * TAO) == reference
