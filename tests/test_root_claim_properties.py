"""Root claims under random operations (Hypothesis): the conservation identities hold exactly,
claims never pay more than was accrued (up to the chain's one-rao watermark floors), rejected
claims change nothing, and the extension survives the state's JSON.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dtao
from dtao import claims, codec, invariants, ledger
from dtao import errors as E
from dtao import root_claim as rc
from dtao.operations import (
    AddStake,
    ClaimRoot,
    RemoveStake,
    SetRootClaimType,
    TransferStake,
)
from dtao.receipts import RootClaimed

TAO = 10**9
COLDKEYS = ("c0", "c1", "c2")
HOTKEYS = ("h1", "h2")


def _network(root_stakes: bool = True) -> tuple[dtao.Network, list[int]]:
    """Two subnets (owners o1/o2, hotkeys h1/h2), every coldkey staked on root through both
    hotkeys (unless ``root_stakes`` is False); no fee, no epochs, no rate limit."""
    net = dtao.Network(
        "summer-2026",
        staking_fee=0,
        tempo=0,
        network_rate_limit=0,
        network_min_lock=100 * TAO,
        network_last_lock=100 * TAO,
    )
    netuids = []
    for owner, hotkey in (("o1", "h1"), ("o2", "h2")):
        net.fund(owner, 200 * TAO)
        netuids.append(net.register_network(owner, hotkey))
    for i, coldkey in enumerate(COLDKEYS):
        net.fund(coldkey, 1_000 * TAO)
        for hotkey in HOTKEYS if root_stakes else ():
            net.submit(AddStake(coldkey, hotkey, 0, (i + 1) * 3 * TAO))
    return net, netuids


amounts = st.integers(min_value=1_000_000, max_value=50 * TAO)
action = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(COLDKEYS), st.sampled_from(HOTKEYS), amounts),
    st.tuples(
        st.just("remove"),
        st.sampled_from(COLDKEYS),
        st.sampled_from(HOTKEYS),
        st.integers(1, 100),
    ),
    st.tuples(
        st.just("transfer"),
        st.sampled_from(COLDKEYS),
        st.sampled_from(COLDKEYS),
        st.sampled_from(HOTKEYS),
        st.integers(1, 100),
    ),
    st.tuples(  # percent of the hotkey's root stake (above 100: the owner fallback)
        st.just("accrue"), st.sampled_from(HOTKEYS), st.integers(0, 1), st.integers(0, 110)
    ),
    st.tuples(
        st.just("type"),
        st.sampled_from(COLDKEYS),
        st.sampled_from(["Swap", "Keep", "KeepSubnets"]),
        st.integers(0, 1),
    ),
    st.tuples(st.just("claim"), st.sampled_from(COLDKEYS), st.sampled_from([(0,), (1,), (0, 1)])),
    st.tuples(st.just("claim"), st.sampled_from(COLDKEYS), st.just((0, 1))),
    st.tuples(st.just("block")),
)
#: accruals drawn as often as everything else together, so that claims have something to pay
actions = st.one_of(
    action,
    st.tuples(st.just("accrue"), st.sampled_from(HOTKEYS), st.integers(0, 1), st.integers(0, 110)),
)


@given(st.lists(actions, min_size=5, max_size=40))
def test_claims_conserve_alpha_and_never_pay_more_than_accrued(actions):
    net, netuids = _network()
    state = net.state
    accrued = dict.fromkeys(netuids, 0)
    paid = dict.fromkeys(netuids, 0)
    adjustments = 0  # watermark moves that can each leave ≤ 1 rao of owed unpaid-for

    def count(receipt_events):
        nonlocal adjustments
        for event in receipt_events:
            if isinstance(event, RootClaimed):
                paid[event.netuid] += event.alpha
                adjustments += event.swapped

    for act in actions:
        kind = act[0]
        try:
            if kind == "add":
                net.submit(AddStake(act[1], act[2], 0, act[3]))
                adjustments += 1
            elif kind == "remove":
                held = ledger.get_stake(state, act[1], act[2], 0)
                net.submit(RemoveStake(act[1], act[2], 0, held * act[3] // 100))
                adjustments += 1
            elif kind == "transfer":
                held = ledger.get_stake(state, act[1], act[3], 0)
                net.submit(TransferStake(act[1], act[2], act[3], 0, 0, held * act[4] // 100))
                adjustments += 2
            elif kind == "accrue":
                netuid = netuids[act[2]]
                hotkey = act[1]
                alpha = ledger.get_hotkey_stake(state, hotkey, 0) * act[3] // 100 + act[3]
                if alpha <= ledger.get_hotkey_stake(state, hotkey, 0):
                    accrued[netuid] += alpha
                state.columns.alpha_out[netuid] += alpha  # the epoch's root alpha, emitted
                rc.increase_root_claimable(state, hotkey, netuid, alpha)
            elif kind == "type":
                subnets = (netuids[act[3]],) if act[2] == "KeepSubnets" else ()
                net.submit(SetRootClaimType(act[1], act[2], subnets))
            elif kind == "claim":
                before = codec.digest(state)
                try:
                    count(net.submit(ClaimRoot(act[1], tuple(netuids[i] for i in act[2]))).events)
                except E.ProtocolError:
                    assert codec.digest(state) == before  # all or nothing
                    raise
            else:
                count(net.process_block().root_claims)
        except E.ProtocolError:
            pass
        invariants.check(state)
        for netuid in netuids:
            assert paid[netuid] <= accrued[netuid] + adjustments
    again = dtao.Network.from_json(net.to_json())
    assert codec.digest(again.state) == codec.digest(state)


def test_a_claim_whose_later_sale_the_pool_refuses_changes_nothing():
    """KeepSubnets{n1}: the claim first keeps its alpha on n1 (a write), then sells on n2,
    whose pool refuses the sale: refused as a whole, nothing written."""
    net, (n1, n2) = _network(root_stakes=False)
    state, rules = net.state, net.rules
    net.submit(AddStake("c0", "h1", 0, 10 * TAO))
    net.submit(SetRootClaimType("c0", "KeepSubnets", (n1,)))
    y, x, alpha = next(  # a pool the era's pool math refuses a sale on
        (y, x, a)
        for y in (1, 1_000, state.params.min_pool_liquidity + 1)
        for x in (10**9, 10**15)
        for a in (10**7, 10**9)
        if not _sells(state, rules, n2, a, (y, x))
    )
    cols = state.columns
    state.lost_tao += int(cols.tao_in[n2]) - y
    cols.tao_in[n2], cols.alpha_in[n2] = y, x
    stake = ledger.get_stake(state, "c0", "h1", 0)  # c0 alone holds h1's root stake
    for netuid in (n1, n2):
        state.columns.alpha_out[netuid] += alpha + 2
        rc.increase_root_claimable(state, "h1", netuid, alpha + 2)
    owed = rc.get_owed(state, "h1", "c0", n2)
    assert not _sells(state, rules, n2, owed, (y, x)) and owed > 0 and stake > 0
    before = codec.digest(state)
    with pytest.raises(E.ProtocolError):
        net.submit(ClaimRoot("c0", (n1, n2)))
    assert codec.digest(state) == before
    invariants.check(state)


def _sells(state, rules, netuid, alpha, reserves):
    """Whether the era's pool takes a claim's sale of ``alpha`` on ``reserves``."""
    try:
        claims.quote_claim_sale(state, rules, netuid, alpha, reserves)
    except E.ProtocolError:
        return False
    return True


claim_types = st.one_of(
    st.sampled_from(["Keep"]),
    st.lists(st.integers(0, 65_535), min_size=1, max_size=4).map(lambda v: tuple(sorted(set(v)))),
)
keys = st.sampled_from(["a", "b", "c", "d"])
big = st.integers(0, 2**100)


@given(
    st.dictionaries(keys, st.dictionaries(st.integers(0, 64), big, max_size=3), max_size=3),
    st.dictionaries(st.tuples(st.integers(0, 64), keys, keys), big, max_size=4),
    st.dictionaries(keys, claim_types, max_size=3),
    st.dictionaries(st.integers(0, 64), big, max_size=3),
    st.none() | st.integers(0, 50),
    st.lists(keys, unique=True),
)
def test_the_extension_round_trips_through_json(
    claimable, claimed, kinds, threshold, num, coldkeys
):
    ext = rc.RootClaims(
        claimable=claimable,
        claimed=claimed,
        claim_type=kinds,
        threshold=threshold,
        num_root_claim=num,
        root_sell_tao=dict(threshold),
    )
    for coldkey in coldkeys:
        rc.add_coldkey_index(ext, coldkey)
    text = codec.json.dumps(ext.to_dict())
    assert rc.RootClaims.from_dict(codec.json.loads(text)) == ext
