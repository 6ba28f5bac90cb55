"""root-vote random operation sequences (the Root Network, d4d8182): TAO minted equals TAO paid,
rejected operations leave the digest unchanged, and the state survives JSON exactly."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import dtao
from dtao import invariants
from dtao import root_vote as RV
from dtao.emission import block_emission
from dtao.errors import ProtocolError

TAO = 10**9
COLDKEYS = ["alice", "bob", "carol"]
HOTKEYS = ["alice-hk", "bob-hk", "carol-hk"]
amounts = st.one_of(st.integers(0, 2 * TAO), st.integers(0, 3_000 * TAO))


class RootVoteOperations(RuleBasedStateMachine):
    """Every operation is either applied whole or rejected with the digest unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.net = dtao.Network(
            "root-vote",
            network_min_lock=50 * TAO,
            network_last_lock=50 * TAO,
            network_rate_limit=0,
            weights_rate_limit=0,
            hotkey_emission_tempo=5,
            root_tempo=10,
            root_registrations_per_block=3,
            tempo=12,
            subnet_limit=3,
            network_immunity_period=20,
        )
        for coldkey in COLDKEYS:
            self.net.fund(coldkey, 5_000 * TAO)
        self.net.submit(dtao.RegisterNetwork("alice", "alice-hk"))
        self.net.submit(dtao.RegisterNetwork("bob", "bob-hk"))
        self.minted = 0  # TAO the block steps minted (owner cuts and drains), rao
        self.burned = 0  # TAO registrations destroyed

    def attempt(self, record: dtao.Operation) -> int | None:
        before = self.net.digest()
        try:
            return self.net.submit(record).result
        except ProtocolError:
            assert self.net.digest() == before, "a rejected operation changed the state"
            return None

    @rule(coldkey=st.sampled_from(COLDKEYS), amount=amounts)
    def fund(self, coldkey, amount):
        self.net.fund(coldkey, amount)

    @rule(c=st.sampled_from(COLDKEYS), h=st.sampled_from(HOTKEYS), amount=amounts)
    def add_stake(self, c, h, amount):
        balance = self.net.balance(c)
        got = self.attempt(dtao.AddStake(c, h, 0, amount))
        if got is not None:  # 1:1, at most the balance less the existential deposit
            assert got == min(amount, balance - self.net.params.existential_deposit)
            assert self.net.balance(c) == balance - got

    @rule(c=st.sampled_from(COLDKEYS), h=st.sampled_from(HOTKEYS), fraction=st.floats(0, 1.2))
    def remove_stake(self, c, h, fraction):
        amount = int(RV.get_stake(self.net.state, h, c) * fraction)
        balance = self.net.balance(c)
        if self.attempt(dtao.RemoveStake(c, h, 0, amount)) is not None:
            assert self.net.balance(c) >= balance + amount

    @rule(c=st.sampled_from(COLDKEYS), h=st.sampled_from(HOTKEYS))
    def root_register(self, c, h):
        self.attempt(dtao.RootRegister(c, h))

    @rule(
        c=st.sampled_from(COLDKEYS),
        h=st.sampled_from(HOTKEYS),
        votes=st.lists(st.integers(0, 65_535), min_size=1, max_size=3),
    )
    def set_root_weights(self, c, h, votes):
        netuids = tuple(range(1, len(votes) + 1))
        self.attempt(dtao.SetRootWeights(c, h, netuids, tuple(votes)))

    @rule(c=st.sampled_from(COLDKEYS), h=st.sampled_from(HOTKEYS), netuid=st.integers(0, 4))
    def burned_register(self, c, h, netuid):
        issuance = self.net.total_issuance
        if self.attempt(dtao.BurnedRegister(c, h, netuid)) is not None:
            self.burned += issuance - self.net.total_issuance

    @rule(c=st.sampled_from(COLDKEYS), h=st.sampled_from(HOTKEYS))
    def register_network(self, c, h):
        self.attempt(dtao.RegisterNetwork(c, h))

    @rule(c=st.sampled_from(COLDKEYS), netuid=st.integers(1, 4))
    def dissolve_network(self, c, netuid):
        self.attempt(dtao.DissolveNetwork(c, netuid))

    @rule(c=st.sampled_from(COLDKEYS), h=st.sampled_from(HOTKEYS), take=st.integers(0, 12_000))
    def change_take(self, c, h, take):
        self.attempt(dtao.operations.DecreaseTake(c, h, take))
        self.attempt(dtao.operations.IncreaseTake(c, h, take))

    @rule(c=st.sampled_from(COLDKEYS), h=st.sampled_from(HOTKEYS))
    def dtao_only_record(self, c, h):
        before = self.net.digest()
        try:
            self.net.submit(dtao.MoveStake(c, h, h, 0, 1, 1))
        except dtao.errors.CallUnavailable:
            assert self.net.digest() == before
        else:
            raise AssertionError("MoveStake ran under root-vote")

    @rule(blocks=st.integers(1, 15))
    def step(self, blocks):
        for _ in range(blocks):
            issuance = self.net.total_issuance
            emission = block_emission(issuance, self.net.params)
            self.net.step(1)
            minted = self.net.total_issuance - issuance
            self.minted += minted
            assert minted >= 0
        ext = RV.root_vote(self.net.state)
        # what was minted is at most what the root vote handed out per block so far
        assert sum(v for n, v in ext.emission_values.items() if n) <= emission

    @invariant()
    def issuance_is_what_was_paid(self):
        invariants.check(self.net.state)  # issuance = free + TAO stake + subnet locks

    @invariant()
    def public_reads_are_the_eras_storage(self):
        state = self.net.state
        ext = RV.root_vote(state)
        assert self.net.positions() == sorted((c, h, 0, v) for (h, c), v in ext.stake.items() if v)
        for h in HOTKEYS:
            assert self.net.hotkey_stake(h, 1) == RV.hotkey_stake(state, h)
            for c in COLDKEYS:
                assert self.net.stake(c, h, 0) == RV.get_stake(state, h, c)
        for netuid in self.net.netuids:
            assert self.net.subnet(netuid).pending_emission == ext.pending_emission.get(netuid, 0)

    @invariant()
    def json_round_trip_is_exact(self):
        copy = dtao.Network.from_json(self.net.to_json())
        assert copy.digest() == self.net.digest()


RootVoteOperations.TestCase.settings = settings(
    max_examples=25, stateful_step_count=25, deadline=None
)
test_root_vote_operations = RootVoteOperations.TestCase
