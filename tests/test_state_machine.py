"""Random operation sequences: exact conservation, atomic rejections, lossless JSON."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import dtao
from dtao import invariants
from dtao.errors import ProtocolError

TAO = 10**9
COLDKEYS = ["alice", "bob", "carol"]
HOTKEYS = ["alice-hk", "bob-hk", "carol-hk"]
amounts = st.one_of(
    st.integers(0, 2 * TAO), st.integers(0, 300 * TAO), st.sampled_from([549_999, 550_000])
)
netuids = st.integers(0, 3)


class OperationsMachine(RuleBasedStateMachine):
    """Every operation is either applied whole or rejected with the digest unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.net = dtao.Network("launch", network_min_lock=50 * TAO, network_rate_limit=1)
        for coldkey in COLDKEYS:
            self.net.fund(coldkey, 3_000 * TAO)
        self.net.register_network("alice", "alice-hk")
        self.rejections = 0

    def attempt(self, call, *args, **kwargs):
        before = self.net.digest()
        try:
            return call(*args, **kwargs)
        except ProtocolError:
            self.rejections += 1
            assert self.net.digest() == before, "a rejected operation changed the state"
            return None

    @rule(coldkey=st.sampled_from(COLDKEYS), amount=amounts)
    def fund(self, coldkey, amount):
        self.net.fund(coldkey, amount)

    @rule(
        c=st.sampled_from(COLDKEYS),
        h=st.sampled_from(HOTKEYS),
        netuid=netuids,
        amount=amounts,
        limit=st.one_of(st.none(), st.integers(0, 5 * TAO)),
        partial=st.booleans(),
    )
    def add_stake(self, c, h, netuid, amount, limit, partial):
        paid_before = self.net.balance(c)
        quote = self.attempt(self.net.quote_stake_alpha, netuid, amount)
        got = self.attempt(self.net.add_stake, c, h, netuid, amount, limit, partial)
        if got is not None:
            assert self.net.balance(c) >= paid_before - amount
            if limit is None and amount >= 550_000:
                assert got == quote  # a quote equals the executed swap

    @rule(
        c=st.sampled_from(COLDKEYS),
        h=st.sampled_from(HOTKEYS),
        netuid=netuids,
        fraction=st.floats(0, 1.2),
        partial=st.booleans(),
        limit=st.one_of(st.none(), st.integers(0, 5 * TAO)),
    )
    def remove_stake(self, c, h, netuid, fraction, partial, limit):
        held = self.net.stake(c, h, netuid)
        amount = int(held * fraction)
        quote = self.attempt(self.net.quote_unstake_tao, netuid, amount)
        got = self.attempt(self.net.remove_stake, c, h, netuid, amount, limit, partial)
        if got is not None and limit is None and self.net.stake(c, h, netuid) > 0:
            assert got == quote  # (a near-total removal takes the dust too: quote is lower)

    @rule(
        c=st.sampled_from(COLDKEYS),
        h=st.sampled_from(HOTKEYS),
        netuid=netuids,
        amount=st.integers(550_000, 50 * TAO),
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
        amount = int(self.net.stake(c, h1, n1) * fraction)
        self.attempt(self.net.move_stake, c, h1, h2, n1, n2, amount)

    @rule(
        c=st.sampled_from(COLDKEYS),
        d=st.sampled_from(COLDKEYS),
        h=st.sampled_from(HOTKEYS),
        n1=netuids,
        n2=netuids,
        fraction=st.floats(0, 1.1),
    )
    def transfer_or_swap_stake(self, c, d, h, n1, n2, fraction):
        amount = int(self.net.stake(c, h, n1) * fraction)
        if c == d:
            self.attempt(self.net.swap_stake, c, h, n1, n2, amount)
        else:
            self.attempt(self.net.transfer_stake, c, d, h, n1, n2, amount)

    @rule(c=st.sampled_from(COLDKEYS), d=st.sampled_from(COLDKEYS), amount=amounts)
    def transfer(self, c, d, amount):
        self.attempt(self.net.transfer, c, d, amount)

    @rule(c=st.sampled_from(COLDKEYS), h=st.sampled_from(HOTKEYS))
    def register_network(self, c, h):
        self.attempt(self.net.register_network, c, h)

    @rule(c=st.sampled_from(COLDKEYS), h=st.sampled_from(HOTKEYS + ["m1", "m2"]), netuid=netuids)
    def burned_register(self, c, h, netuid):
        self.attempt(self.net.burned_register, c, h, netuid)

    @rule(c=st.sampled_from(COLDKEYS), h=st.sampled_from(HOTKEYS), take=st.integers(0, 20_000))
    def set_take(self, c, h, take):
        self.attempt(self.net.set_take, c, h, take)

    @rule(blocks=st.integers(1, 3))
    def step(self, blocks):
        self.net.step(blocks)

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


TestOperations = OperationsMachine.TestCase
