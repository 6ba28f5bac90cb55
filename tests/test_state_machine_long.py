"""A long random walk through the public API: several subnets on a short tempo, stake bought,
sold (whole positions too), moved, transferred and swapped across subnets and root, neurons and
subnets registered, weights and takes set, governance, blocks with batched records.

After every step ``dtao.invariants.check`` holds exactly; every rejected operation leaves the
digest unchanged; a full exit leaves nothing behind. The machine runs in batches (fixed seeds, so
every session walks the same way) until it has made at least 20 000 operations and blocks,
counted in :data:`COUNT` and asserted at the end.

Selling more alpha than ``SubnetAlphaOut`` holds is reachable here (epochs pay validator
dividends beyond the alpha the coinbase counted in o, most with a large root stake): the engine
must saturate ``SubnetAlphaOut`` at 0 as the chain does (stake_utils.rs ``swap_alpha_for_tao`` @
5073ade), never fail mid-write; :func:`test_full_exit_after_epoch_dividends_never_fails_mid_write`
is the minimal reproduction.
"""

from __future__ import annotations

import contextlib
import hashlib

from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

import dtao
from dtao import invariants
from dtao.errors import ConfigError, ProtocolError

TAO = 10**9
COLDKEYS = ["alice", "bob", "carol", "dave"]
OWN_HOTKEYS = {"alice": "alice-hk", "bob": "bob-hk", "carol": "carol-hk", "dave": "dave-hk"}
HOTKEYS = [*OWN_HOTKEYS.values(), "m1", "m2", "m3", "m4", "m5"]
MAX_SUBNETS = 5
NETUIDS = st.integers(0, MAX_SUBNETS + 1)  # root, the subnets, and one that never exists

#: operations (attempted writes, applied or rejected) and blocks, over every run of the machine
COUNT = {"operations": 0, "blocks": 0, "rejected": 0, "full_exits": 0, "runs": 0}
TARGET = 20_000

amounts = st.one_of(
    st.integers(0, 3 * TAO),
    st.integers(0, 400 * TAO),
    st.sampled_from([0, 1, 549_999, 550_000, 550_001]),
)
fractions = st.one_of(st.floats(0, 1.05), st.just(1.0), st.just(0.5))
limits = st.one_of(st.none(), st.integers(0, 3 * TAO))
#: governance values: some in range, some refused (each refusal must change nothing)
GOVERNANCE = [
    ("staking_fee", 50_000),
    ("staking_fee", 20_000),
    ("min_stake", 500_000),
    ("min_stake", 2_000_000),
    ("tempo", 3),
    ("tempo", 7),
    ("owner_cut_u16", 0),
    ("owner_cut_u16", 11_796),
    ("tempo", None),
    ("tempo", 70_000),
    ("ema_alpha", 2.0),
    ("max_uids", 0),
    ("base_block_emission", 0),
    ("pool", "uniswap"),
    ("no_such_parameter", 1),
]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class LongWalk(RuleBasedStateMachine):
    """Every operation is applied whole or rejected with the digest unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.net: dtao.Network | None = None

    # -- helpers -----------------------------------------------------------------------------

    @property
    def n(self) -> dtao.Network:
        assert self.net is not None
        return self.net

    def attempt(self, name: str, *args, **kwargs):
        """Call ``Network.<name>``; a rejection must leave the digest unchanged (None back)."""
        COUNT["operations"] += 1
        text = self.n.to_json()  # the digest is sha256 of this text (Network.digest)
        try:
            return getattr(self.n, name)(*args, **kwargs)
        except (ProtocolError, ConfigError):
            COUNT["rejected"] += 1
            assert self.n.digest() == _sha256(text), f"a rejected {name} changed the state"
            return None

    def blocks(self, count: int) -> None:
        COUNT["blocks"] += count
        self.n.step(count)

    # -- setup -------------------------------------------------------------------------------

    @initialize(tempo=st.integers(3, 9), fast_burn=st.booleans())
    def start(self, tempo: int, fast_burn: bool) -> None:
        COUNT["runs"] += 1
        self.net = dtao.Network(
            "launch",
            tempo=tempo,
            network_rate_limit=1,
            network_min_lock=10 * TAO,
            network_last_lock=10 * TAO,
            lock_reduction_interval=50,
            subnet_limit=MAX_SUBNETS,
            max_uids=6,
            immunity_period=4,
            target_registrations=4,
            max_registrations_per_block=2,
            burn_initial=TAO // 10,
            burn_adjustment_interval=10 if fast_burn else 100,
            weights_rate_limit=2,
            activity_cutoff=60,
            take_rate_limit=5,
        )
        assert self.n.digest() == _sha256(self.n.to_json())
        for coldkey in COLDKEYS:
            self.n.fund(coldkey, 20_000 * TAO)
        self.n.register_network("alice", "alice-hk")
        self.blocks(1)
        self.n.register_network("bob", "bob-hk")

    # -- money and stake ---------------------------------------------------------------------

    @rule(coldkey=st.sampled_from(COLDKEYS), amount=st.integers(0, 500 * TAO))
    def fund(self, coldkey, amount):
        self.attempt("fund", coldkey, amount)

    @rule(c=st.sampled_from(COLDKEYS), d=st.sampled_from([*COLDKEYS, "eve"]), amount=amounts)
    def transfer(self, c, d, amount):
        keys = {c, d}
        before = sum(self.n.balance(k) for k in keys)
        self.attempt("transfer", c, d, amount)
        assert sum(self.n.balance(k) for k in keys) == before, "a transfer made or lost TAO"

    @rule(
        c=st.sampled_from(COLDKEYS),
        h=st.sampled_from(HOTKEYS),
        netuid=NETUIDS,
        amount=amounts,
        limit=limits,
        partial=st.booleans(),
    )
    def add_stake(self, c, h, netuid, amount, limit, partial):
        balance = self.n.balance(c)
        held = self.n.stake(c, h, netuid)
        quote = None
        if limit is None:
            with contextlib.suppress(ProtocolError):
                quote = self.n.quote_stake_alpha(netuid, amount)
        got = self.attempt("add_stake", c, h, netuid, amount, limit, partial)
        if got is not None:
            spent = balance - self.n.balance(c)
            assert 0 <= spent <= amount and (spent > 0 or partial)
            assert self.n.stake(c, h, netuid) >= held + got - 1
            if limit is None and quote is not None:
                assert got == quote  # a quote equals the executed swap

    @rule(
        c=st.sampled_from(COLDKEYS),
        h=st.sampled_from(HOTKEYS),
        amount=st.one_of(amounts, st.integers(1_000 * TAO, 8_000 * TAO)),
    )
    def root_stake(self, c, h, amount):
        got = self.attempt("add_stake", c, h, 0, amount)
        if got is not None:
            assert got == amount - self.n.params.staking_fee  # root is 1:1, the fee kept

    @rule(
        c=st.sampled_from(COLDKEYS),
        h=st.sampled_from(HOTKEYS),
        netuid=NETUIDS,
        fraction=fractions,
        limit=limits,
        partial=st.booleans(),
    )
    def remove_stake(self, c, h, netuid, fraction, limit, partial):
        amount = int(self.n.stake(c, h, netuid) * fraction)
        balance = self.n.balance(c)
        got = self.attempt("remove_stake", c, h, netuid, amount, limit, partial)
        if got is not None:
            assert got >= 0 and self.n.balance(c) == balance + got

    @rule(index=st.integers(0, 10**6))
    def full_exit(self, index):
        """Sell a whole position (any coldkey, hotkey, subnet or root)."""
        positions = [p for p in self.n.positions() if p[3] > 0]
        if not positions:
            return
        coldkey, hotkey, netuid, amount = positions[index % len(positions)]
        balance = self.n.balance(coldkey)
        got = self.attempt("remove_stake", coldkey, hotkey, netuid, amount)
        if got is not None:
            COUNT["full_exits"] += 1
            assert self.n.stake(coldkey, hotkey, netuid) == 0, "a full exit left stake behind"
            assert self.n.balance(coldkey) == balance + got

    @rule(
        index=st.integers(0, 10**6),
        h2=st.sampled_from(HOTKEYS),
        n2=NETUIDS,
        kind=st.sampled_from(["move", "swap", "transfer"]),
        d=st.sampled_from(COLDKEYS),
        whole=st.booleans(),
        fraction=fractions,
    )
    def relocate_position(self, index, h2, n2, kind, d, whole, fraction):
        """Move, swap or transfer some or all of an existing position."""
        positions = [p for p in self.n.positions() if p[3] > 0]
        if not positions:
            return
        coldkey, hotkey, netuid, held = positions[index % len(positions)]
        amount = held if whole else int(held * fraction)
        if kind == "move":
            got = self.attempt("move_stake", coldkey, hotkey, h2, netuid, n2, amount)
        elif kind == "swap":
            got = self.attempt("swap_stake", coldkey, hotkey, netuid, n2, amount)
        else:
            got = self.attempt("transfer_stake", coldkey, d, hotkey, netuid, n2, amount)
        destination = (
            d if kind == "transfer" else coldkey,
            h2 if kind == "move" else hotkey,
            n2,
        )
        if got is not None and whole and destination != (coldkey, hotkey, netuid):
            assert self.n.stake(coldkey, hotkey, netuid) == 0, "a whole move left stake behind"

    @rule(
        c=st.sampled_from(COLDKEYS),
        d=st.sampled_from(COLDKEYS),
        h1=st.sampled_from(HOTKEYS),
        h2=st.sampled_from(HOTKEYS),
        n1=NETUIDS,
        n2=NETUIDS,
        fraction=fractions,
    )
    def any_move(self, c, d, h1, h2, n1, n2, fraction):
        """Moves with arbitrary keys: mostly rejections, which must change nothing."""
        amount = int(self.n.stake(c, h1, n1) * fraction)
        self.attempt("move_stake", c, h1, h2, n1, n2, amount)
        self.attempt("transfer_stake", c, d, h1, n1, n2, amount)
        self.attempt("swap_stake", c, h1, n1, n2, amount)

    # -- registrations, weights, takes, governance ------------------------------------------

    @rule(c=st.sampled_from(COLDKEYS), h=st.sampled_from(HOTKEYS))
    def register_network(self, c, h):
        netuid = self.attempt("register_network", c, h)
        if netuid is not None:
            assert netuid in self.n.netuids and self.n.subnet(netuid).owner_hotkey == h

    @rule(c=st.sampled_from(COLDKEYS), h=st.sampled_from(HOTKEYS), netuid=NETUIDS)
    def burned_register(self, c, h, netuid):
        uid = self.attempt("burned_register", c, h, netuid)
        if uid is not None:
            assert self.n.neurons(netuid).hotkeys[uid] == h

    @rule(
        h=st.sampled_from(HOTKEYS),
        netuid=NETUIDS,
        pairs=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 65_535)), max_size=6),
    )
    def set_weights(self, h, netuid, pairs):
        uids = [u for u, _ in pairs]
        weights = [w for _, w in pairs]
        self.attempt("set_weights", h, netuid, uids, weights)

    @rule(c=st.sampled_from(COLDKEYS), h=st.sampled_from(HOTKEYS), take=st.integers(0, 20_000))
    def set_take(self, c, h, take):
        self.attempt("set_take", c, h, take)

    @rule(change=st.sampled_from(GOVERNANCE))
    def govern(self, change):
        parameter, value = change
        self.attempt("govern", parameter, value)

    # -- blocks ------------------------------------------------------------------------------

    @rule(count=st.one_of(st.integers(1, 4), st.integers(5, 30)))
    def step(self, count):
        self.blocks(count)

    @rule(
        records=st.lists(
            st.one_of(
                st.builds(
                    dtao.AddStake,
                    st.sampled_from(COLDKEYS),
                    st.sampled_from(HOTKEYS),
                    NETUIDS,
                    amounts,
                ),
                st.builds(
                    dtao.RemoveStake,
                    st.sampled_from(COLDKEYS),
                    st.sampled_from(HOTKEYS),
                    NETUIDS,
                    amounts,
                ),
                st.builds(
                    dtao.Transfer, st.sampled_from(COLDKEYS), st.sampled_from(COLDKEYS), amounts
                ),
                st.builds(
                    dtao.BurnedRegister,
                    st.sampled_from(COLDKEYS),
                    st.sampled_from(HOTKEYS),
                    NETUIDS,
                ),
                st.builds(dtao.Governance, st.just("staking_fee"), st.sampled_from([0, 5, -1])),
            ),
            max_size=4,
        )
    )
    def process_block(self, records):
        """One block with a batch of records; rejections are recorded, never raised."""
        COUNT["blocks"] += 1
        COUNT["operations"] += len(records)
        receipt = self.n.process_block(records)
        assert len(receipt.receipts) == len(records)
        COUNT["rejected"] += len(receipt.rejected)

    @rule()
    def json_round_trip(self):
        text = self.n.to_json()
        again = dtao.Network.from_json(text)
        assert again.digest() == self.n.digest() and again.to_json() == text

    # -- checks after every step -------------------------------------------------------------

    @invariant()
    def conserved(self):
        if self.net is not None:
            invariants.check(self.net.state)


#: one batch of runs; batches (each with its own fixed seed) run until the walk reaches TARGET
BATCH = settings(
    max_examples=6,
    stateful_step_count=400,
    deadline=None,
    database=None,  # fixed seeds: every session walks the same way
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
MAX_BATCHES = 40
SEED = 0x5073ADE  # the launch commit, as a number


def test_the_long_walk_makes_20_000_operations_and_blocks():
    """Batches of runs of :class:`LongWalk` until :data:`COUNT` holds at least TARGET
    operations and blocks (every invariant checked after every step, every rejection's digest)."""
    for batch in range(MAX_BATCHES):
        if COUNT["operations"] + COUNT["blocks"] >= TARGET:
            break
        machine = seed(SEED + batch)(type(f"LongWalkBatch{batch}", (LongWalk,), {}))
        run_state_machine_as_test(machine, settings=BATCH)
    total = COUNT["operations"] + COUNT["blocks"]
    print(f"long walk: {total} operations and blocks {COUNT}")
    assert total >= TARGET, f"only {total} operations and blocks in {MAX_BATCHES} batches"
    assert COUNT["full_exits"] > 0 and COUNT["rejected"] > 0


def test_full_exit_after_epoch_dividends_never_fails_mid_write():
    """A position larger than ``SubnetAlphaOut`` sells whole; o saturates at 0 (the chain's
    ``saturating_sub``) and the shortfall settles the launch drift (``alpha_unbacked``)."""
    net = dtao.Network("launch", tempo=9, network_rate_limit=0)
    net.fund("a", 5_000 * TAO)
    net.fund("b", 20_000 * TAO)
    assert net.register_network("a", "hk") == 1
    assert net.register_network("b", "bhk") == 2
    net.add_stake("b", "bhk", 0, 10_000 * TAO)
    net.step(20)
    net.add_stake("a", "hk", 1, 10 * TAO)
    net.step(100)
    held = net.stake("a", "hk", 1)
    assert held > net.subnet(1).alpha_out  # epochs credited more alpha than o counts
    balance = net.balance("a")
    paid = net.remove_stake("a", "hk", 1, held)
    assert net.stake("a", "hk", 1) == 0 and net.balance("a") == balance + paid
    assert net.subnet(1).alpha_out == 0  # saturated, as the chain does
    invariants.check(net.state)
