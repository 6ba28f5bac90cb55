"""summer-2026 random operation sequences (14bc6f9 staking on the balancer, the fee to the block
author, the new records, root dividends and their claims): exact conservation, atomic
rejections, lossless JSON, quotes equal to executed operations."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import dtao
from dtao import invariants, ledger, root_claim
from dtao.errors import ProtocolError
from dtao.summer import summer_columns

TAO = 10**9
COLDKEYS = ["alice", "bob", "carol"]
HOTKEYS = ["alice-hk", "bob-hk", "carol-hk"]
amounts = st.one_of(
    st.integers(0, 2 * TAO), st.integers(0, 300 * TAO), st.sampled_from([2_001_007, 2_001_008])
)
netuids = st.integers(0, 3)
limits = st.one_of(st.none(), st.integers(0, 5 * TAO))


class SummerOperations(RuleBasedStateMachine):
    """Every operation is either applied whole or rejected with the digest unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.net = dtao.Network(
            "summer-2026",
            network_min_lock=50 * TAO,
            network_last_lock=50 * TAO,
            network_rate_limit=0,
        )
        for coldkey in COLDKEYS:
            self.net.fund(coldkey, 3_000 * TAO)
        self.net.register_network("alice", "alice-hk")
        self.net.register_network("bob", "bob-hk")
        for netuid in (1, 2):  # start_call made (the subnets part's operation)
            summer_columns(self.net.state).set("subtoken_enabled", netuid, 1)
        self.rejections = 0

    def attempt(self, call, *args, **kwargs):
        before = self.net.digest()
        try:
            return call(*args, **kwargs)
        except ProtocolError:
            self.rejections += 1
            assert self.net.digest() == before, "a rejected operation changed the state"
            return None

    def submit(self, record):
        receipt = self.attempt(self.net.submit, record)
        return None if receipt is None else receipt.result

    @rule(coldkey=st.sampled_from(COLDKEYS), amount=amounts)
    def fund(self, coldkey, amount):
        self.net.fund(coldkey, amount)

    @rule(
        c=st.sampled_from(COLDKEYS),
        h=st.sampled_from(HOTKEYS),
        netuid=netuids,
        amount=amounts,
        limit=limits,
        partial=st.booleans(),
    )
    def add_stake(self, c, h, netuid, amount, limit, partial):
        paid_before = self.net.balance(c)
        quote = self.attempt(self.net.quote_stake, netuid, amount)
        got = self.attempt(self.net.add_stake, c, h, netuid, amount, limit, partial)
        if got is not None:
            assert self.net.balance(c) >= paid_before - amount
            ed = self.net.params.existential_deposit
            if limit is None and paid_before >= amount + ed and quote is not None:
                assert got == quote.alpha  # a quote equals the executed swap

    @rule(
        c=st.sampled_from(COLDKEYS),
        h=st.sampled_from(HOTKEYS),
        netuid=netuids,
        fraction=st.floats(0, 1.2),
        partial=st.booleans(),
        limit=limits,
    )
    def remove_stake(self, c, h, netuid, fraction, partial, limit):
        held = self.net.stake(c, h, netuid)
        amount = int(held * fraction)
        quote = self.attempt(self.net.quote_unstake, netuid, min(amount, held))
        got = self.attempt(self.net.remove_stake, c, h, netuid, amount, limit, partial)
        whole = amount >= held or self.net.stake(c, h, netuid) > 0  # not the dust rule
        if got is not None and limit is None and quote is not None and whole:
            assert got == quote.tao

    @rule(
        c=st.sampled_from(COLDKEYS),
        h=st.sampled_from(HOTKEYS),
        netuid=st.integers(1, 3),
        amount=st.integers(2_100_000, 50 * TAO),
    )
    def stake_then_unstake_never_profits(self, c, h, netuid, amount):
        before = self.net.stake(c, h, netuid)
        got = self.attempt(self.net.add_stake, c, h, netuid, amount)
        if got:
            back = self.attempt(self.net.remove_stake, c, h, netuid, got)
            if back is not None:
                assert back < amount
                assert self.net.stake(c, h, netuid) >= before - 1

    @rule(
        c=st.sampled_from(COLDKEYS),
        h1=st.sampled_from(HOTKEYS),
        h2=st.sampled_from(HOTKEYS),
        n1=netuids,
        n2=netuids,
        fraction=st.floats(0, 1.1),
    )
    def move_stake(self, c, h1, h2, n1, n2, fraction):
        held = self.net.stake(c, h1, n1)
        amount = int(held * fraction)
        quote = self.attempt(self.net.quote_move, n1, n2, amount)
        got = self.attempt(self.net.move_stake, c, h1, h2, n1, n2, amount)
        # the chain caps a move at the position (transition_stake_internal, move_stake.rs @
        # 14bc6f9); the quote of an amount knows no position
        if got is not None and quote is not None and amount <= held:
            assert got == quote.tao

    @rule(
        c=st.sampled_from(COLDKEYS),
        d=st.sampled_from(COLDKEYS),
        h=st.sampled_from(HOTKEYS),
        n1=netuids,
        n2=netuids,
        fraction=st.floats(0, 1.1),
        limit=limits,
        partial=st.booleans(),
    )
    def transfer_or_swap_stake(self, c, d, h, n1, n2, fraction, limit, partial):
        amount = int(self.net.stake(c, h, n1) * fraction)
        if c == d:
            self.attempt(self.net.swap_stake, c, h, n1, n2, amount, limit, partial)
        else:
            self.attempt(self.net.transfer_stake, c, d, h, n1, n2, amount)

    @rule(c=st.sampled_from(COLDKEYS), h=st.sampled_from(HOTKEYS), only_alpha=st.booleans())
    def unstake_all(self, c, h, only_alpha):
        record = dtao.UnstakeAllAlpha(c, h) if only_alpha else dtao.UnstakeAll(c, h)
        self.submit(record)

    @rule(
        c=st.sampled_from(COLDKEYS),
        h=st.sampled_from(HOTKEYS),
        netuid=netuids,
        fraction=st.floats(0, 1.1),
        recycle=st.booleans(),
    )
    def recycle_or_burn(self, c, h, netuid, fraction, recycle):
        amount = int(self.net.stake(c, h, netuid) * fraction)
        kind = dtao.RecycleAlpha if recycle else dtao.BurnAlpha
        self.submit(kind(c, h, netuid, amount))

    @rule(c=st.sampled_from(COLDKEYS), d=st.sampled_from(COLDKEYS), amount=amounts)
    def transfer(self, c, d, amount):
        self.attempt(self.net.transfer, c, d, amount)

    @rule(minimum=st.integers(0, 10 * TAO))
    def nominator_minimum(self, minimum):
        self.attempt(self.net.govern, "nominator_min_stake", minimum)

    @rule(blocks=st.integers(1, 3))
    def step(self, blocks):
        self.net.step(blocks)

    # root claims (§5c): root stake, the epoch's root alpha accrued, claims by Swap / Keep /
    # KeepSubnets (also drawn automatically by the block step)
    @rule(
        c=st.sampled_from(COLDKEYS),
        h=st.sampled_from(HOTKEYS),
        stake=st.integers(0, 50),
        netuid=st.integers(1, 2),
        percent=st.integers(0, 120),
        kind=st.sampled_from(["Swap", "Keep", "KeepSubnets", None]),
        subnets=st.sampled_from([(1,), (2,), (1, 2), ()]),
    )
    def root_dividends_and_claim(self, c, h, stake, netuid, percent, kind, subnets):
        if stake:
            self.attempt(self.net.add_stake, c, h, 0, stake * TAO)
        alpha = ledger.get_hotkey_stake(self.net.state, h, 0) * percent // 100
        self.net.state.columns.alpha_out[netuid] += alpha  # emitted, as the epoch's root part
        root_claim.increase_root_claimable(self.net.state, h, netuid, alpha)
        if kind is not None:
            chosen = (netuid,) if kind == "KeepSubnets" else ()
            self.submit(dtao.SetRootClaimType(c, kind, chosen))
        self.submit(dtao.ClaimRoot(c, subnets))

    @invariant()
    def conserved(self):
        invariants.check(self.net.state)

    @precondition(lambda self: self.net.block % 3 == 0)
    @invariant()
    def json_round_trip(self):
        text = self.net.to_json()
        again = dtao.Network.from_json(text)
        assert again.digest() == self.net.digest()
        assert again.to_json() == text


SummerOperations.TestCase.settings = settings(max_examples=40, stateful_step_count=30)
TestSummerOperations = SummerOperations.TestCase
