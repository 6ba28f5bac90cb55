"""``StakeTable.netuids_of`` (the hotkey index Root Reborn's basket holdings read) always equals
a scan of the table's keys, through every kind of write, copy and pickle."""

from __future__ import annotations

import copy
import pickle

from hypothesis import given
from hypothesis import strategies as st

from dtao.state import SharePool, StakeTable

hotkeys = st.sampled_from(["a", "b", "c"])
keys = st.tuples(hotkeys, st.integers(0, 5))
writes = st.lists(
    st.one_of(
        st.tuples(st.just("set"), keys),
        st.tuples(st.just("del"), keys),
        st.tuples(st.just("pop"), keys),
        st.tuples(st.just("setdefault"), keys),
        st.tuples(st.just("update"), keys),
        st.tuples(st.just("clear"), keys),
        st.tuples(st.just("copy"), keys),
        st.tuples(st.just("pickle"), keys),
        st.tuples(st.just("read"), keys),
    ),
    max_size=40,
)


def _scan(table: dict, hotkey: str) -> list[int]:
    return sorted(n for h, n in table if h == hotkey)


@given(writes)
def test_the_hotkey_index_is_the_scan(ops):
    table = StakeTable({("a", 1): SharePool()})
    for op, key in ops:
        if op == "set":
            table[key] = SharePool()
        elif op == "del" and key in table:
            del table[key]
        elif op == "pop":
            table.pop(key, None)
        elif op == "setdefault":
            table.setdefault(key, SharePool())
        elif op == "update":
            table.update({key: SharePool()})
        elif op == "clear":
            table.clear()
        elif op == "copy":
            table = copy.deepcopy(table)
        elif op == "pickle":
            table = pickle.loads(pickle.dumps(table))
        for hotkey in ("a", "b", "c"):  # every step: read (builds the index) and compare
            assert table.netuids_of(hotkey) == _scan(table, hotkey)


def test_a_removed_pool_leaves_the_index():
    table = StakeTable()
    table[("a", 3)] = SharePool()
    table[("a", 1)] = SharePool()
    assert table.netuids_of("a") == [1, 3]
    del table[("a", 3)]
    assert table.netuids_of("a") == [1]
    assert table.netuids_of("zz") == []
