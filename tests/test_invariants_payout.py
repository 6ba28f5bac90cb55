"""The conservation identities catch a wrong payout: the drift and the dust are accounted from
their causes, not as whatever the payout left over."""

from __future__ import annotations

import pytest

import dtao
from dtao import epoch, exact_compiled, invariants, ledger
from dtao.errors import InvariantViolation
from dtao.exact_compiled import NO_JIT_ENV

TAO = 10**9


def _network_before_an_epoch() -> dtao.Network:
    net = dtao.Network("launch", network_rate_limit=1, network_min_lock=100 * TAO, tempo=5)
    for coldkey in ("alice", "bob", "carol"):
        net.fund(coldkey, 2_000 * TAO)
    net.register_network("alice", "ahk")
    net.burned_register("bob", "bhk", 1)
    net.add_stake("bob", "bhk", 1, 100 * TAO)
    net.add_stake("carol", "bhk", 1, 50 * TAO)  # a nominator of bhk
    net.add_stake("carol", "bhk", 0, 300 * TAO)  # root stake: root dividends in TAO
    net.step(2)
    return net


def _run_to_epoch(net: dtao.Network) -> None:
    for _ in range(20):
        receipt = net.step(1)
        if receipt is not None and receipt.epochs:
            return
    raise AssertionError("no epoch ran")


def test_an_honest_epoch_keeps_every_identity():
    net = _network_before_an_epoch()
    _run_to_epoch(net)
    invariants.check(net.state)


def test_a_split_that_pays_one_rao_more_breaks_the_identity(monkeypatch):
    monkeypatch.setenv(NO_JIT_ENV, "1")  # the reference split (the compiled one: below)
    real = epoch._split_take

    def one_more(amounts, take):  # the take of the first paid validator + 1 rao
        takes, rests = real(amounts, take)
        if takes:
            takes = [takes[0] + 1, *takes[1:]]
        return takes, rests

    monkeypatch.setattr(epoch, "_split_take", one_more)
    net = _network_before_an_epoch()
    _run_to_epoch(net)
    with pytest.raises(InvariantViolation):
        invariants.check(net.state)


class _OneRaoMoreSplit:
    """The compiled kernels, but the first validator's alpha take one rao more (its credit and
    its receipt), as a wrong compiled split would pay."""

    def __init__(self, kernels):
        self._kernels = kernels

    def __getattr__(self, name):
        return getattr(self._kernels, name)

    def validator_credits(self, paid, owners, default, take, alpha, tao, netuid, credits):
        first = len(credits)
        split = self._kernels.validator_credits(
            paid, owners, default, take, alpha, tao, netuid, credits
        )
        if split is not None and split[0]:
            coldkey, hotkey, credit_netuid, own, shared = credits[first]
            credits[first] = (coldkey, hotkey, credit_netuid, own + 1, shared)
            split[0][0] += 1
        return split


@pytest.mark.skipif(exact_compiled.kernels() is None, reason="the compiled kernels are off")
def test_a_compiled_split_that_pays_one_rao_more_breaks_the_identity(monkeypatch):
    wrong = _OneRaoMoreSplit(exact_compiled.kernels())
    monkeypatch.setattr(exact_compiled, "kernels", lambda: wrong)
    net = _network_before_an_epoch()
    _run_to_epoch(net)
    with pytest.raises(InvariantViolation):
        invariants.check(net.state)


def test_a_credit_of_one_rao_more_inside_the_payout_breaks_the_identity(monkeypatch):
    def one_more(real):  # the last credit of the epoch + 1 rao, on whichever credit path runs
        def credit(state, credits, *index, **kernel):
            credits = list(credits)
            coldkey, hotkey, netuid, own, shared = credits[-1]
            credits[-1] = (coldkey, hotkey, netuid, own + 1, shared)
            real(state, credits, *index, **kernel)

        return credit

    monkeypatch.setattr(ledger, "credit_stakes", one_more(ledger.credit_stakes))
    monkeypatch.setattr(ledger, "credit_stakes_indexed", one_more(ledger.credit_stakes_indexed))
    net = _network_before_an_epoch()
    _run_to_epoch(net)
    with pytest.raises(InvariantViolation):
        invariants.check(net.state)


def test_share_pool_totals_are_checked():
    net = _network_before_an_epoch()
    pool = net.state.stakes[("bhk", 1)]
    pool.total_shares += 1  # a holder's shares no longer add up to the total
    with pytest.raises(InvariantViolation, match="holders' shares"):
        invariants.check(net.state)
    pool.total_shares -= 1
    invariants.check(net.state)
    del pool.shares["carol"]  # a position dropped without its shares leaving the pool
    with pytest.raises(InvariantViolation, match="holders' shares"):
        invariants.check(net.state)
