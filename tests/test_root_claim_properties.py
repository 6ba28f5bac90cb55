"""Root claims under random operations (Hypothesis): the conservation identities hold exactly,
claims never pay more than was accrued (up to the chain's one-rao watermark floors), rejected
claims change nothing, and the extension survives the state's JSON.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import dtao
from dtao import codec, invariants, ledger
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


def test_a_claim_whose_second_sale_the_pool_refuses_changes_nothing():
    """One coldkey, two hotkeys owing on the same small pool: the first sale alone would go
    through, the second would leave the pool below its minimum liquidity: refused as a whole."""
    net, (n1, _) = _network(root_stakes=False)
    state = net.state
    for hotkey in HOTKEYS:
        net.submit(AddStake("c0", hotkey, 0, 10 * TAO))
    cols = state.columns
    y, x, owed = 30_000_000, 100_000_000, 120_000_000  # y·x/(x+a) ≥ 10⁷ > y·x/(x+2a)
    assert y * x // (x + owed) >= state.params.min_pool_liquidity > y * x // (x + 2 * owed)
    state.lost_tao += int(cols.tao_in[n1]) - y
    cols.tao_in[n1], cols.alpha_in[n1] = y, x
    for hotkey in HOTKEYS:
        state.columns.alpha_out[n1] += owed
        rc.increase_root_claimable(state, hotkey, n1, owed)
    before = codec.digest(state)
    try:
        net.submit(ClaimRoot("c0", (n1,)))
    except E.InsufficientLiquidity:
        pass
    else:
        raise AssertionError("the claim should have been refused")
    assert codec.digest(state) == before
    invariants.check(state)


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
    st.dictionaries(st.integers(0, 64), st.integers(-(2**40), 2**40), max_size=3),
)
def test_the_extension_round_trips_through_json(
    claimable, claimed, kinds, threshold, num, coldkeys, unclaimed
):
    ext = rc.RootClaims(
        claimable=claimable,
        claimed=claimed,
        claim_type=kinds,
        threshold=threshold,
        num_root_claim=num,
        root_sell_tao=dict(threshold),
        unclaimed=unclaimed,
    )
    for coldkey in coldkeys:
        rc.add_coldkey_index(ext, coldkey)
    text = codec.json.dumps(ext.to_dict())
    assert rc.RootClaims.from_dict(codec.json.loads(text)) == ext
