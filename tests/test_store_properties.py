"""Random sessions against the library: the store always holds what a plain network would.

Hypothesis draws sequences of operations (some rejected), steps, rewinds, reopenings and dry
runs; the oracle is the session's surviving script replayed on a fresh network from the same
genesis. After every action the store's state equals the oracle's; at the end ``verify`` passes.
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import dtao
from dtao import operations as ops
from dtao.errors import ProtocolError
from dtao.store import Store

TAO = 10**9
NAMES = ("alice", "bob", "val")


@cache
def _genesis() -> str:
    net = dtao.Network("launch", network_min_lock=100 * TAO, network_rate_limit=1, tempo=10)
    net.fund("owner", 1_000 * TAO)
    for name in NAMES:
        net.fund(name, 300 * TAO)
    net.register_network("owner", "owner/hk")
    net.burned_register("val", "val/hk", 1)
    return net.to_json()


amounts = st.integers(1, 50).map(lambda k: k * TAO // 10)
records = st.one_of(
    st.builds(ops.Fund, st.sampled_from(NAMES), amounts),
    st.builds(ops.Transfer, st.sampled_from(NAMES), st.sampled_from(NAMES), amounts),
    st.builds(
        ops.AddStake, st.sampled_from(NAMES), st.just("val/hk"), st.sampled_from((0, 1)), amounts
    ),
    st.builds(ops.RemoveStake, st.sampled_from(NAMES), st.just("val/hk"), st.just(1), amounts),
)
phases = st.lists(
    st.tuples(
        st.lists(st.tuples(records, st.sampled_from((False, False, True))), max_size=4),  # dry?
        st.integers(0, 25),  # blocks to step
        st.none() | st.integers(0, 10),  # rewind this many blocks back
        st.booleans(),  # reopen the store
    ),
    min_size=2,
    max_size=6,
)


def _oracle(script: list[ops.Operation | None]) -> dtao.Network:
    net = dtao.Network.from_json(_genesis())
    for item in script:
        if item is None:
            net.step(1)
        else:
            net.submit(item)
    return net


@settings(max_examples=25)
@given(phases)
def test_the_store_matches_the_library_through_any_session(session: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp)
        genesis = dtao.Network.from_json(_genesis())
        store = Store.create(path, genesis, snapshot_every=7, checkpoint_every=5)
        script: list[ops.Operation | None] = []  # None: a block
        blocks: list[int] = []  # the block after each script item
        for submits, steps, back, reopen in session:
            for op, dry in submits:
                try:
                    receipt = store.submit(op, dry_run=dry)
                except ProtocolError:
                    continue  # rejected: nothing written (the digest check below)
                assert receipt.block == store.network.block
                if not dry:
                    script.append(op)
                    blocks.append(store.network.block)
            store.step(steps)
            first = blocks[-1] if blocks else store.genesis_block
            script += [None] * steps
            blocks += list(range(first + 1, first + 1 + steps))
            if back is not None:
                target = max(store.network.block - back, store.genesis_block)
                store.rewind(target)
                keep = next((i for i, b in enumerate(blocks) if b > target), len(blocks))
                del script[keep:], blocks[keep:]
            if reopen:
                store.close()
                store = Store.open(path)
            assert store.network.digest() == _oracle(script).digest()
        report = store.verify()
        store.close()
        assert report["ok"], report["mismatches"]
