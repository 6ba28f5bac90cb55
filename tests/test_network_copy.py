"""``Network.copy`` (``copy.deepcopy`` of the state, by the state classes' own ``__deepcopy__``)
is a fully independent copy with the same digest, and a coldkey's positions are the filtered
full list.

Checked here, under ``launch`` and ``current``: a fresh copy has the original's digest and
canonical JSON; writing to the copy (stakes, registrations, weights, blocks with epochs) never
changes the original's digest; no mutable part is shared (neuron arrays and hotkeys, the
columns, the share pools and their shares, the extensions); the copy's ``scratch`` starts empty
and the copy steps exactly as a pickled copy (scratch kept) does; an object reached twice is
copied once; ``positions(coldkey)`` equals the full list filtered, in order.
"""

from __future__ import annotations

import copy
import pickle
from functools import cache
from typing import Any

import numpy as np
import pytest

import dtao
from dtao import ledger, stake_index
from dtao.state import SharePool, StakeTable, State
from small_network import open_subnets, quick_network

TAO = 10**9
SUBNETS = 3
PRESETS = ("launch", "current")


@cache
def _base(preset: str) -> dtao.Network:
    """Three subnets with a few UIDs, weights, nominators and root stake; epochs every 4 blocks."""
    net = quick_network(
        preset, SUBNETS, max_uids=6, tempo=4, immunity_period=0, weights_rate_limit=0
    )
    for coldkey in ("a", "b", "c"):
        net.fund(coldkey, 100_000 * TAO)
    for _ in open_subnets(net, SUBNETS, start=preset == "current"):
        net.step(1)
    for netuid in net.netuids:
        for coldkey in ("a", "b"):
            net.burned_register(coldkey, f"{coldkey}{netuid}", netuid)
            net.step(1)
        net.add_stake("a", f"own{netuid - 1}", netuid, 50 * TAO)
        net.add_stake("c", f"a{netuid}", netuid, 20 * TAO)
        net.set_weights(f"own{netuid - 1}", netuid, [0, 1, 2], [1, 2, 3])
    net.add_stake("b", "own0", 0, 500 * TAO)
    net.step(9)
    return net


def _network(preset: str) -> dtao.Network:
    """A copy of the base network, one block on, its pool references kept in the scratch."""
    net = _base(preset).copy()
    net.step(1)
    for subnet in net.state.subnets.values():
        stake_index.subnet_pools(net.state, subnet)
    assert net.state.scratch
    return net


def _write(net: dtao.Network) -> None:
    """Stakes, a sale, a registration, weights and blocks (with epochs) on ``net``."""
    first = net.netuids[0]
    net.add_stake("c", f"own{first - 1}", first, 7 * TAO)
    net.add_stake("b", f"b{first}", first, 3 * TAO)
    net.remove_stake("c", f"a{first}", first, net.stake("c", f"a{first}", first) // 2)
    net.add_stake("c", "own0", 0, 11 * TAO)
    net.burned_register("c", f"c{first}", first)
    net.set_weights(f"own{first - 1}", first, [0, 1], [5, 1])
    net.fund("newcomer", 5 * TAO)
    net.step(9)


def _arrays(obj: Any) -> dict[str, np.ndarray]:
    return {k: v for k, v in vars(obj).items() if isinstance(v, np.ndarray)}


@pytest.mark.parametrize("preset", PRESETS)
def test_a_fresh_copy_has_the_digest_and_json_of_the_original(preset):
    net = _network(preset)
    twin = net.copy()
    assert twin.digest() == net.digest()
    assert twin.to_json() == net.to_json()
    assert type(twin.state.stakes) is StakeTable
    assert twin.state.stakes.keys_changed(1) == net.state.stakes.keys_changed(1)
    assert twin.rules.fast == net.rules.fast


@pytest.mark.parametrize("preset", PRESETS)
def test_writing_to_the_copy_never_reaches_the_original(preset):
    net = _network(preset)
    before, text = net.digest(), net.to_json()
    twin = net.copy()
    _write(twin)
    assert twin.digest() != before
    assert net.digest() == before and net.to_json() == text
    # and the other way round: the original steps, the copy's state stays what it was
    after = twin.digest()
    _write(net)
    assert twin.digest() == after


@pytest.mark.parametrize("preset", PRESETS)
def test_no_mutable_part_is_shared(preset):
    state = _network(preset).state
    twin = copy.deepcopy(state)
    assert twin.scratch == {}
    assert twin.params == state.params
    for name in ("balances", "hotkey_owner", "takes", "take_changed_at", "stakes", "subnets"):
        assert getattr(twin, name) is not getattr(state, name), name
    for name, array in _arrays(state.columns).items():
        assert not np.shares_memory(array, getattr(twin.columns, name)), name
        assert (
            np.array_equal(array, getattr(twin.columns, name))
            and array.dtype == getattr(twin.columns, name).dtype
        )
    for netuid, subnet in state.subnets.items():
        copied = twin.subnets[netuid]
        assert copied is not subnet
        assert {k: v for k, v in vars(copied).items() if k != "neurons"} == {
            k: v for k, v in vars(subnet).items() if k != "neurons"
        }
        assert copied.neurons is not subnet.neurons
        assert copied.neurons.hotkeys is not subnet.neurons.hotkeys
        for name, array in _arrays(subnet.neurons).items():
            other = getattr(copied.neurons, name)
            assert not np.shares_memory(array, other), (netuid, name)
            assert np.array_equal(other, array) and other.dtype == array.dtype
            assert other.flags.writeable
    assert twin.stakes.keys() == state.stakes.keys()
    for key, pool in state.stakes.items():
        assert twin.stakes[key] is not pool and twin.stakes[key] == pool
        assert twin.stakes[key].shares is not pool.shares
    assert twin.extensions.keys() == state.extensions.keys()
    for name, ext in state.extensions.items():
        assert twin.extensions[name] is not ext
        assert twin.extensions[name].to_dict() == ext.to_dict()


@pytest.mark.parametrize("preset", PRESETS)
def test_writing_the_copys_sub_objects_leaves_the_original(preset):
    net = _network(preset)
    before = net.digest()
    twin = copy.deepcopy(net.state)
    for subnet in twin.subnets.values():
        subnet.burn += 1
        subnet.neurons.hotkeys.append("extra")
        for array in _arrays(subnet.neurons).values():
            array[...] = 1
    for array in _arrays(twin.columns).values():
        array[...] = 1
    for pool in twin.stakes.values():
        pool.value += 1
        for holder in pool.shares:
            pool.shares[holder] += 1
        pool.shares["extra"] = 1
    twin.stakes[("extra", 1)] = SharePool(1, 1, {"x": 1})
    twin.balances["extra"] = 1
    twin.hotkey_owner["extra"] = "x"
    assert net.digest() == before


@pytest.mark.parametrize("preset", PRESETS)
def test_the_copy_steps_as_a_pickled_copy_does(preset):
    """The copy drops the scratch (caches rebuilt on demand); a pickled copy keeps it: the same
    writes and blocks give the same digests, fast and reference."""
    net = _network(preset)
    fresh = net.copy()
    kept = dtao.Network.from_state(pickle.loads(pickle.dumps(net.state)))
    _write(fresh)
    _write(kept)
    assert fresh.digest() == kept.digest()


def test_an_object_reached_twice_is_copied_once():
    pool = SharePool(5, 7, {"a": 7})
    table = StakeTable({("h", 1): pool, ("h", 2): pool})
    twin = copy.deepcopy([table, pool, table])
    assert twin[0] is twin[2] and twin[0] is not table
    assert twin[0][("h", 1)] is twin[0][("h", 2)] is twin[1]
    assert twin[1] is not pool and twin[1] == pool and twin[1].shares is not pool.shares
    shared = [1, 2]
    state = State(params=_network("launch").state.params)
    state.balances = {"a": 1}
    state.extensions = {"x": shared, "y": shared}  # type: ignore[dict-item]
    copied = copy.deepcopy(state)
    assert copied.extensions["x"] is copied.extensions["y"] and copied.extensions["x"] is not shared


@pytest.mark.parametrize("preset", PRESETS)
def test_a_coldkeys_positions_are_the_full_list_filtered(preset):
    net = _network(preset)
    _write(net)
    rows = net.positions()
    assert rows == sorted(rows) and rows == ledger.stake_positions(net.state)
    for coldkey in sorted({r[0] for r in rows}) + ["nobody"]:
        want = [r for r in rows if r[0] == coldkey]
        assert net.positions(coldkey) == want
        assert ledger.stake_positions(net.state, coldkey) == want
    assert net.positions("nobody") == []
