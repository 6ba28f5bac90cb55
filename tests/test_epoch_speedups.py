"""The epoch's kept pool references (``dtao.stake_index``) change nothing.

The fast twin reads the stake weights from references kept per subnet and credits the payouts
through them (``ledger.credit_stakes_indexed``); the reference path looks every pool up in
``state.stakes``. Checked here: the two paths give the same digests and receipts through UID
replacement, pools emptied and removed, new root stake and nominators; the kept references
give the reference stake weights after every block; the indexed credit equals the plain one;
the stake table counts every key change and copies as a plain dict would.
"""

from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dtao
from dtao import epoch, exact_compiled, ledger, stake_index
from dtao.block import process_block
from dtao.eras import rules_for
from dtao.errors import InvariantViolation, ProtocolError
from dtao.state import SharePool, StakeTable, State
from small_network import open_subnets, quick_network

TAO = 10**9
SUBNETS = 3
KERNEL = exact_compiled.kernels()  # None when the extension is off: the reference alone
needs_kernel = pytest.mark.skipif(KERNEL is None, reason="the compiled kernels are off")


def _network() -> dtao.Network:
    net = quick_network("launch", SUBNETS, max_uids=6, tempo=4, immunity_period=0)
    for coldkey in ("a", "b", "c"):
        net.fund(coldkey, 100_000 * TAO)
    for _ in open_subnets(net, SUBNETS, start=False):
        net.step(2)
    return net


def _stake_weights_agree(state: State) -> None:
    for subnet in state.subnets.values():
        pools = stake_index.subnet_pools(state, subnet)
        assert pools is not None
        kept = stake_index.stake_weights(state, pools)
        looked_up = epoch.stake_weights(state, subnet)
        for a, b in zip(kept, looked_up, strict=True):
            assert a.dtype == b.dtype
            assert np.array_equal(a, b)


def _run(seed: int, fast: bool) -> tuple[str, list[object]]:
    """Sixty blocks of registrations (replacing UIDs), weights, stakes, full unstakes and root
    stake on new hotkeys; the digest and every epoch's payouts."""
    net = _network()
    rules = rules_for(net.params, fast=fast)
    rng = np.random.default_rng(seed)
    payouts: list[object] = []
    for block in range(60):
        netuid = int(rng.integers(1, SUBNETS + 1))
        coldkey = ["a", "b", "c"][int(rng.integers(3))]
        kind = int(rng.integers(5))
        ops: list[dtao.Operation] = []
        if kind == 0:
            ops.append(dtao.BurnedRegister(coldkey, f"h{block}", netuid))
        elif kind == 1:
            uids = list(range(len(net.neurons(netuid).hotkeys)))
            for uid, validator in enumerate(net.neurons(netuid).hotkeys):
                weights = rng.integers(1, 65_535, len(uids)).tolist()
                ops.append(dtao.SetWeights(validator, netuid, uids, weights))
                if uid > 2:
                    break
        elif kind == 2:
            target = net.neurons(netuid).hotkeys[
                int(rng.integers(len(net.neurons(netuid).hotkeys)))
            ]
            root = int(rng.integers(4)) == 0
            ops.append(
                dtao.AddStake(
                    coldkey, target, 0 if root else netuid, int(rng.integers(1, 90)) * TAO
                )
            )
        elif kind == 3:
            positions = [p for p in net.positions() if p[3] > 0]
            if positions:
                c, h, n, held = positions[int(rng.integers(len(positions)))]
                ops.append(dtao.RemoveStake(c, h, n, held))  # all of it: the pool may go
        else:
            ops.append(dtao.AddStake(coldkey, f"own{netuid - 1}", netuid, 5 * TAO))
        receipt = process_block(net.state, rules, ops)
        payouts += [
            (
                p.netuid,
                p.miner_hotkeys,
                p.incentive,
                p.validator_hotkeys,
                p.alpha_take,
                p.alpha_rest,
                p.tao_take,
                p.tao_rest,
            )
            for p in receipt.epochs
        ]
        if fast:
            _stake_weights_agree(net.state)
    return net.digest(), payouts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_epochs_with_kept_references_match_the_reference_path(seed):
    fast = _run(seed, fast=True)
    reference = _run(seed, fast=False)
    assert fast == reference
    assert fast[1]  # epochs ran and paid


def test_replaced_uid_and_removed_pool_rebuild_the_references():
    net = _network()
    state = net.state
    subnet = state.subnets[1]
    first = stake_index.subnet_pools(state, subnet)
    assert stake_index.subnet_pools(state, subnet) is first  # nothing changed: kept
    net.add_stake("a", "own0", 1, 10 * TAO)  # an existing pool: its value, not its key
    assert stake_index.subnet_pools(state, subnet) is first
    net.burned_register("b", "new", 1)  # a new UID
    second = stake_index.subnet_pools(state, subnet)
    assert second is not first and second.hotkeys[-1] == "new"
    net.add_stake("b", "new", 1, 10 * TAO)  # a new pool on the subnet
    third = stake_index.subnet_pools(state, subnet)
    assert third is not second and third.alpha[-1] is state.stakes[("new", 1)]
    net.add_stake("c", "new", 0, 10 * TAO)  # a new pool on root
    fourth = stake_index.subnet_pools(state, subnet)
    assert fourth is not third and fourth.root[-1] is state.stakes[("new", 0)]
    net.remove_stake("b", "new", 1, net.stake("b", "new", 1))  # the pool goes
    assert ("new", 1) not in state.stakes
    fifth = stake_index.subnet_pools(state, subnet)
    assert fifth is not fourth and "new" not in fifth.alpha_by_hotkey
    _stake_weights_agree(state)


def test_a_plain_dict_of_stakes_takes_the_reference_path():
    net = _network()
    state = net.state
    state.stakes = dict(state.stakes)
    assert stake_index.subnet_pools(state, state.subnets[1]) is None
    before = copy.deepcopy(state)
    process_block(state, rules_for(state.params, fast=True))
    process_block(before, rules_for(before.params, fast=False))
    assert dtao.Network.from_state(state).digest() == dtao.Network.from_state(before).digest()


def test_the_stake_table_counts_every_key_change():
    table = StakeTable({("h", 1): SharePool(5)})
    tokens = [table.keys_changed(1)]

    def changed(netuid: int = 1) -> bool:
        token = table.keys_changed(netuid)
        new = token != tokens[-1]
        tokens.append(token)
        return new

    table[("h", 2)] = SharePool()
    assert not changed() and table.keys_changed(2) != (0, 0)
    table[("g", 1)] = SharePool()
    assert changed()
    del table[("g", 1)]
    assert changed()
    table.pop(("h", 1))
    assert changed()
    table.pop(("x", 1), None)
    assert changed()  # counted even when nothing was there (a token may change in vain)
    table.setdefault(("h", 1), SharePool())
    assert changed()
    for bulk in (
        lambda: table.update({("k", 3): SharePool()}),
        lambda: table.__ior__({("k", 4): SharePool()}),
        table.popitem,
        table.clear,
    ):
        bulk()
        assert changed()
    assert table == {} and not changed()


def test_the_stake_table_copies_and_pickles_as_a_dict():
    net = _network()
    state = net.state
    for subnet in state.subnets.values():
        stake_index.subnet_pools(state, subnet)  # references kept in the scratch
    for copied in (copy.deepcopy(state), pickle.loads(pickle.dumps(state))):
        assert type(copied.stakes) is StakeTable
        assert copied.stakes == state.stakes and copied.stakes is not state.stakes
        assert dict(copied.stakes) == dict(state.stakes)
        for subnet in copied.subnets.values():
            pools = stake_index.subnet_pools(copied, subnet)
            assert pools is not None and pools.table is copied.stakes
            for hotkey, pool in pools.alpha_by_hotkey.items():
                assert copied.stakes[(hotkey, subnet.netuid)] is pool
        _stake_weights_agree(copied)
    assert repr(StakeTable({("h", 1): SharePool(1)})) == repr({("h", 1): SharePool(1)})


amount = st.one_of(st.just(0), st.integers(1, 10**6), st.integers(10**9, 10**16))
credit = st.tuples(
    st.sampled_from(["c0", "c1", "c2"]),
    st.sampled_from(["h0", "h1", "h2", "h3"]),
    st.sampled_from([0, 1, 2]),
    amount,
    amount,
)
pool_spec = st.tuples(st.integers(0, 10**15), st.integers(0, 3))


@given(
    st.dictionaries(
        st.tuples(st.sampled_from(["h0", "h1", "h2", "h3"]), st.sampled_from([0, 1, 2])),
        pool_spec,
        max_size=10,
    ),
    st.lists(credit, max_size=30),
)
def test_the_indexed_credit_is_the_plain_credit(pools, credits):
    """Same pools, same credits: the same table, whatever the index holds (pools of netuid 1
    and of root) and whichever pools are still missing."""
    state = State(params=dtao.get_preset("launch"))
    for (hotkey, netuid), (value, holders) in pools.items():
        pool = state.stakes[(hotkey, netuid)] = SharePool()
        for i in range(holders):
            ledger.add_for_one(pool, f"c{i}", value // (i + 1) + 1)
        pool.value += value // 7  # add-for-all: V/D above 1
    indexed = copy.deepcopy(state)
    by_hotkey = {h: p for (h, n), p in indexed.stakes.items() if n == 1}
    root = {h: p for (h, n), p in indexed.stakes.items() if n == 0}
    compiled = copy.deepcopy(indexed)
    ledger.credit_stakes(state, credits)
    ledger.credit_stakes_indexed(indexed, credits, 1, by_hotkey, root)
    assert indexed.stakes == state.stakes
    if KERNEL is not None:  # the compiled credits, handing back what they do not decide
        by_hotkey = {h: p for (h, n), p in compiled.stakes.items() if n == 1}
        root = {h: p for (h, n), p in compiled.stakes.items() if n == 0}
        ledger.credit_stakes_indexed(compiled, credits, 1, by_hotkey, root, kernel=KERNEL)
        assert compiled.stakes == state.stakes


U64 = 2**64
U128_MAX = 2**128 - 1
raw_value = st.one_of(
    st.integers(0, 10**16), st.integers(U64 - 10**6, U64 - 1), st.integers(0, U64 - 1)
)
raw_shares = st.one_of(
    st.integers(0, 2**70),
    st.integers(2**127, U128_MAX),
    st.integers(0, U128_MAX),
    st.integers(U128_MAX - 10**6, U128_MAX),
)


@needs_kernel
@given(
    value=raw_value,
    total=st.one_of(raw_shares, st.just(None)),  # None: exactly value · 2^64 (V/D = 1)
    held=st.one_of(st.just(None), raw_shares),
    own=st.one_of(st.integers(0, 10**12), st.integers(0, U64 - 1), st.integers(U64, 2**66)),
    shared=st.one_of(st.integers(0, 10**12), st.integers(0, U64 - 1)),
    root=st.booleans(),
)
def test_the_compiled_credit_is_the_reference_on_any_pool(value, total, held, own, shared, root):
    """One credit to one pool at any raw value, share total and holding in range (V/D = 1, V/D
    anywhere, saturation at U64F64::MAX, amounts past u64): the compiled credit leaves the very
    pool the reference leaves, or hands the credit to it."""
    total = value << 64 if total is None else total
    pool = SharePool(value, total, {} if held is None else {"c": held, "other": 5})
    twin = copy.deepcopy(pool)
    state, other = State(params=dtao.get_preset("launch")), State(params=dtao.get_preset("launch"))
    netuid = 0 if root else 1
    state.stakes[("h", netuid)], other.stakes[("h", netuid)] = pool, twin
    credits = [("c", "h", netuid, own, shared)]
    found = {"h": pool}
    ledger.credit_stakes_indexed(other, credits, 1, {"h": twin}, {"h": twin})
    ledger.credit_stakes_indexed(state, credits, 1, found, found, kernel=KERNEL)
    assert (pool.value, pool.total_shares, pool.shares) == (
        twin.value,
        twin.total_shares,
        twin.shares,
    )


@needs_kernel
def test_the_compiled_credit_decides_the_usual_credits():
    """The kernel itself applies found pools at V/D = 1 and off it (not the hand-back), stops at
    a pool it would have to make, and leaves a refused credit to the reference's error."""
    at_par = SharePool(10 * TAO, 10 * TAO << 64, {"c": 10 * TAO << 64})
    off_par = SharePool(15 * TAO, 10 * TAO << 64, {"c": 10 * TAO << 64})
    credits = [
        ("c", "h", 1, TAO, 0),
        ("d", "g", 1, 3 * TAO, TAO),
        ("c", "h", 1, 0, 0),
        ("c", "new", 1, TAO, 0),
    ]
    stop = KERNEL.credit_pools(credits, 0, 1, {"h": at_par, "g": off_par}, {})
    assert stop == 3  # the fourth credit's pool does not exist yet
    assert (at_par.value, at_par.total_shares) == (11 * TAO, 11 * TAO << 64)
    assert off_par.value == 19 * TAO
    assert off_par.shares["d"] == ((3 * TAO) << 128) // (((15 * TAO) << 128) // (10 * TAO << 64))
    state = State(params=dtao.get_preset("launch"))
    with pytest.raises(InvariantViolation):
        ledger.credit_stakes_indexed(state, [("c", "h", 1, -1, 0)], 1, {}, {}, kernel=KERNEL)
    assert KERNEL.credit_pools([("c", "h", 1, -1, 0)], 0, 1, {"h": at_par}, {}) == 0


def test_the_indexed_credit_refuses_a_negative_credit():
    state = State(params=dtao.get_preset("launch"))
    with pytest.raises(InvariantViolation):
        ledger.credit_stakes_indexed(state, [("c", "h", 1, -1, 0)], 1, {}, {})
    assert state.stakes == {}


def test_protocol_errors_do_not_touch_the_references():
    net = _network()
    state = net.state
    first = stake_index.subnet_pools(state, state.subnets[1])
    with pytest.raises(ProtocolError):
        net.remove_stake("a", "own0", 1, 10**15)  # more than held: refused, nothing written
    assert stake_index.subnet_pools(state, state.subnets[1]) is first


dividend = st.one_of(
    st.floats(-1e3, 1e18),
    st.floats(0, 2.0**64),
    st.integers(0, 2**40).map(float),
    st.just(float("nan")),
)


@needs_kernel
@given(
    st.lists(
        st.tuples(st.integers(0, 65_535), dividend, dividend, st.booleans()),
        max_size=12,
    )
)
def test_the_compiled_validator_split_is_the_reference_split(rows):
    """Take rates from any u16, dividends of any float (negative, NaN, past 2^63): the compiled
    split gives the reference's takes and rests and the credits the reference loop makes, or
    steps aside (None, no credit) exactly where the reference needs arbitrary precision."""
    paid = [f"h{i}" for i in range(len(rows))]
    owners = {hotkey: f"c{i}" for i, hotkey in enumerate(paid) if rows[i][3]}
    take = np.array([row[0] for row in rows], dtype=np.float64) / 65_535
    alpha = np.array([row[1] for row in rows], dtype=np.float64)
    tao = np.array([row[2] for row in rows], dtype=np.float64)
    credits: list[tuple[str, str, int, int, int]] = []
    split = KERNEL.validator_credits(paid, owners, "0", take, alpha, tao, 7, credits)
    if max([*np.where(alpha > 0, alpha, 0), *np.where(tao > 0, tao, 0)], default=0) >= 2.0**63:
        assert split is None and credits == []
        return
    alpha_take, alpha_rest = epoch._split_take(alpha, take)
    tao_take, tao_rest = epoch._split_take(tao, take)
    assert split == (alpha_take, alpha_rest, tao_take, tao_rest)
    expected = []
    for i, hotkey in enumerate(paid):
        owner = owners.get(hotkey, "0")
        expected.append((owner, hotkey, 7, alpha_take[i], alpha_rest[i]))
        if tao_take[i] or tao_rest[i]:
            expected.append((owner, hotkey, 0, tao_take[i], tao_rest[i]))
    assert credits == expected


@needs_kernel
def test_the_compiled_miner_credits_are_the_reference_ones():
    hotkeys = ["a", "b", "c", "d"]
    owners = {"a": "ca", "b": "cb", "c": "cc", "d": "cd"}
    server = np.array([5, 0, 7, -1], dtype=np.int64)  # a negative one is listed: credit refuses
    credits = [("owner", "o", 3, 9, 0)]
    assert KERNEL.miner_credits(hotkeys, owners, server, 3, credits) == (
        ["a", "c", "d"],
        [5, 7, -1],
    )
    assert credits[1:] == [("ca", "a", 3, 5, 0), ("cc", "c", 3, 7, 0), ("cd", "d", 3, -1, 0)]
    with pytest.raises(KeyError):  # as hotkey_owner[hotkey]
        KERNEL.miner_credits(hotkeys, {"a": "ca"}, server, 3, [])
    with pytest.raises(ValueError):  # float emissions are not the int64 rao it reads
        KERNEL.miner_credits(hotkeys, owners, server.astype(np.float64), 3, [])


@needs_kernel
def test_the_compiled_gather_reads_each_value_or_steps_aside():
    pools = [SharePool(5), SharePool(0), SharePool(2**63 - 1)]
    out = np.zeros(3, dtype=np.int64)
    assert KERNEL.pool_values(pools, out) and out.tolist() == [5, 0, 2**63 - 1]
    assert not KERNEL.pool_values([SharePool(2**63)], np.zeros(1, dtype=np.int64))  # int64
    assert not KERNEL.pool_values([SharePool(-1)], np.zeros(1, dtype=np.int64))
    with pytest.raises(ValueError):
        KERNEL.pool_values(pools, np.zeros(2, dtype=np.int64))
    big = [SharePool(2**63)]  # the gather then falls back to the reference (and its error)
    with pytest.raises(OverflowError):
        stake_index._values(big)


@given(
    st.lists(
        st.tuples(
            st.integers(0, 65_535),
            st.floats(-1e3, 2.0**70) | st.sampled_from([0.0, 2.0**53 - 1, 2.0**53, float("nan")]),
        ),
        max_size=600,
    )
)
def test_the_owed_total_is_the_one_by_one_account(rows):
    """The vectorised account of the floors equals ⌊t·a⌋ + ⌊a − t·a⌋ summed one dividend at a
    time in Python ints, for any take and any float dividend (negative, NaN, around 2^53 and
    far past 2^63, where it steps aside to Python ints), and for long lists of large ones."""
    take = np.array([row[0] for row in rows], dtype=np.float64) / 65_535
    amounts = np.array([row[1] for row in rows], dtype=np.float64)
    expected = 0
    for a, t in zip(amounts.tolist(), take.tolist(), strict=True):
        if a > 0:
            expected += math.floor(t * a) + math.floor(a - t * a)
    assert epoch._owed(amounts, take) == expected


def test_the_owed_total_of_many_dividends_near_2_53_does_not_overflow():
    """4 096 dividends just under 2^53 sum past int64's range: the account steps aside to
    Python ints instead of wrapping (a plain int64 sum would be negative)."""
    a, t = 2.0**53 - 2, 0.18
    amounts, take = np.full(4_096, a), np.full(4_096, t)
    owed = epoch._owed(amounts, take)
    assert owed == 4_096 * (math.floor(t * a) + math.floor(a - t * a))
    assert owed > 2**63
