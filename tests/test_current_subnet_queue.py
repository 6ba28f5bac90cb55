"""current (spec 475) subnet registration at the subnet limit: random registrations,
dissolutions and blocks with the queue, the escrow and the cleanup queue in play. Exact TAO
conservation (escrow included), atomic rejections, lossless JSON, and the queue's own rules
(escrow = the queued costs, a queued hotkey reserved for its payer, no settlement while a
cleanup is pending)."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import dtao
from dtao import invariants, lifecycle
from dtao.errors import ProtocolError
from dtao.registration_queue import queue_view

TAO = 10**9
COLDKEYS = ["alice", "bob", "carol", "dave"]
HOTKEYS = [f"hk{i}" for i in range(8)]
LIMIT = 3


class QueueOperations(RuleBasedStateMachine):
    """Registrations at a small subnet limit; every rejection leaves the digest unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.net = dtao.Network(
            "current",
            network_min_lock=10 * TAO,
            network_last_lock=10 * TAO,
            network_rate_limit=0,
            network_immunity_period=0,
            subnet_limit=LIMIT,
        )
        for coldkey in COLDKEYS:
            self.net.fund(coldkey, 1_000 * TAO)

    def attempt(self, call, *args):
        before = self.net.digest()
        try:
            return call(*args)
        except ProtocolError:
            assert self.net.digest() == before, "a rejected operation changed the state"
            return None

    @rule(c=st.sampled_from(COLDKEYS), h=st.sampled_from(HOTKEYS))
    def register(self, c, h):
        queued_before = len(queue_view(self.net.state).entries)
        balance = self.net.balance(c)
        cost = self.net.network_lock_cost()
        got = self.attempt(self.net.register_network, c, h)
        if got is None:
            return
        assert self.net.balance(c) == balance - cost
        if got == 0:  # queued: the cost sits in escrow, the hotkey is the payer's
            entries = queue_view(self.net.state).entries
            assert len(entries) == queued_before + 1 and entries[-1].cost == cost
            assert self.net.state.hotkey_owner[h] == c
        else:
            assert self.net.state.columns.get("tao_in", got) == cost

    @rule(c=st.sampled_from(COLDKEYS), netuid=st.integers(1, LIMIT + 1))
    def dissolve(self, c, netuid):
        self.attempt(self.net.submit, dtao.DissolveNetwork(c, netuid))

    @rule(blocks=st.integers(1, 2))
    def step(self, blocks):
        self.net.step(blocks)

    @rule()
    def settle_without_cleanup(self):
        """Settling never happens while a cleanup is pending."""
        state = self.net.state
        view = queue_view(state)
        if view.cleanup and view.entries:
            assert lifecycle.process_registration_queue(state, self.net.rules, []) is None

    @invariant()
    def conserved(self):
        invariants.check(self.net.state)

    @invariant()
    def escrow_matches_queue(self):
        view = queue_view(self.net.state)
        assert sorted(view.escrow) == sorted(e.lock_id for e in view.entries)
        assert all(view.escrow[e.lock_id] == (e.coldkey, e.cost) for e in view.entries)
        assert len(self.net.state.subnets) <= LIMIT

    @invariant()
    def json_round_trip(self):
        text = self.net.to_json()
        again = dtao.Network.from_json(text)
        assert again.digest() == self.net.digest()
        assert again.to_json() == text


QueueOperations.TestCase.settings = settings(max_examples=30, stateful_step_count=25)
TestQueueOperations = QueueOperations.TestCase


def test_queue_then_settle_on_idle():
    """At the limit a registration prunes the lowest-priced subnet and queues; the next
    block's idle phase finishes the cleanup and opens the queued subnet from the escrow."""
    net = dtao.Network(
        "current",
        network_min_lock=10 * TAO,
        network_last_lock=10 * TAO,
        network_rate_limit=0,
        network_immunity_period=0,
        subnet_limit=2,
    )
    for coldkey in COLDKEYS:
        net.fund(coldkey, 1_000 * TAO)
    assert net.register_network("alice", "hk0") == 1
    assert net.register_network("bob", "hk1") == 2
    cost = net.network_lock_cost()
    assert net.register_network("carol", "hk2") is None  # queued: no netuid yet
    view = queue_view(net.state)
    assert [e.coldkey for e in view.entries] == ["carol"] and view.cleanup == [1]
    assert view.escrow == {0: ("carol", cost)}
    invariants.check(net.state)
    net.step(1)
    assert net.state.subnets[1].owner_coldkey == "carol"
    assert net.state.columns.get("tao_in", 1) == cost
    assert not queue_view(net.state).escrow and not queue_view(net.state).entries
    invariants.check(net.state)


def _fee_network(destination: str) -> dtao.Network:
    net = dtao.Network(
        "current", tx_fee_rao=1_000_000, tx_fee_destination=destination, block_author="author"
    )
    net.fund("alice", 10 * TAO)
    return net


def test_tx_fee_recycled_or_to_author():
    """A signed record pays the flat fee: recycled at current, to the author when set so; a
    rejected record pays nothing (dtao refunds it); the faucet pays no fee."""
    for destination in ("recycle", "author"):
        net = _fee_network(destination)
        issuance = net.state.total_issuance
        receipt = net.process_block([dtao.Transfer("alice", "bob", TAO)])
        assert receipt.receipts[0].error is None
        assert net.balance("alice") == 9 * TAO - 1_000_000
        author = net.balance("author")
        if destination == "recycle":
            assert net.state.total_issuance == issuance - 1_000_000 and author == 0
        else:
            assert net.state.total_issuance == issuance and author == 1_000_000
        before = net.digest()
        bad = net.process_block([dtao.Transfer("alice", "bob", 100 * TAO)])
        assert bad.receipts[0].error is not None
        invariants.check(net.state)
        assert net.balance("alice") == 9 * TAO - 1_000_000 and before != ""
