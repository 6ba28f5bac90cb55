"""Childkeys (dtao-economics.md §5d, §11): set_children and its checks, the inherited stake,
the two dividend splits (5073ade, 14bc6f9), pending children, conservation and JSON."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import dtao
from dtao import childkeys, invariants, ledger
from dtao import errors as E
from dtao.conformance import runner  # noqa: F401  (registers the mock overlays)
from dtao.conformance.cases_ops import MockChain
from dtao.state import State
from dtao.summer import summer_columns

TAO = 10**9
U64 = 2**64 - 1


# -- the splits, by hand ---------------------------------------------------------------------------


def _pair_state(preset: str, parent_owner: str | None, take: int, burn: int = 0) -> State:
    """Child "c" (owner "cc", 1 alpha) and parent "p" lending all of its 1 alpha on subnet 1."""
    state = State(params=dtao.get_preset(preset, ck_burn_u64=burn))
    state.hotkey_owner["c"] = "cc"
    if parent_owner is not None:
        state.hotkey_owner["p"] = parent_owner
    ledger.increase_stake(state, "pc", "p", 1, TAO)
    childkeys.apply_now(state, 1, "p", ((U64, "c"),))
    childkeys.ensure(state).takes[("c", 1)] = take
    return state


def test_the_launch_split_takes_from_the_whole_dividend():
    """test_drain_alpha_childkey_parentkey @ 5073ade: take 6553/65535 of 1e9 first, the parent
    (all of the contribution) gets floor of the rest."""
    state = _pair_state("launch", "pc", take=6553)
    split = childkeys.split_whole_dividend(state, 1, "c", TAO)
    take32 = (6553 << 32) // 65535
    rest = (TAO << 32) - TAO * take32
    assert split.parents == (("p", rest >> 32),)
    assert split.child == TAO - (rest >> 32)
    assert (split.burned, split.dust) == (0, 0)
    assert split.parents[0][1] == 900_007_629  # 1e9·(1 − 6553/65535), floored


def test_the_head_split_takes_only_from_foreign_parents():
    """test_drain_alpha_childkey_parentkey @ 14bc6f9: parent 1 has no Owner entry (the default
    account), so it is foreign to the child: the child keeps 6553/65535 of its share."""
    foreign = _pair_state("summer-2026", None, take=6553)
    split = childkeys.split_foreign_parents(foreign, 1, "c", TAO)
    assert split.parents == (("p", 900_007_629),)
    assert split.child == 99_992_370
    assert split.dust == 1
    same_owner = _pair_state("summer-2026", "cc", take=6553)
    split = childkeys.split_foreign_parents(same_owner, 1, "c", TAO)
    assert split.parents == (("p", TAO),) and split.child == 0


def test_ck_burn_recycles_part_of_a_foreign_parents_share():
    half = U64 // 2
    state = _pair_state("summer-2026", "pc", take=0, burn=half)
    split = childkeys.split_foreign_parents(state, 1, "c", TAO)
    assert split.burned == TAO // 2 - 1  # 0.5 − 2^-32 of 1e9, floored
    assert split.parents[0][1] + split.child + split.burned + split.dust == TAO


proportions = st.integers(0, U64)
stakes = st.integers(0, 10**16)


@given(
    dividend=st.integers(0, 10**15),
    take=st.integers(0, 65535),
    burn=st.integers(0, U64),
    lent=st.lists(st.tuples(proportions, stakes, stakes, st.booleans()), max_size=4),
    own=st.tuples(stakes, stakes),
    tao_weight=st.integers(0, U64),
    gives=st.lists(proportions, max_size=3),
)
def test_both_splits_add_up_to_the_dividend_exactly(
    dividend, take, burn, lent, own, tao_weight, gives
):
    state = State(
        params=dtao.get_preset("summer-2026", ck_burn_u64=burn, tao_weight_u64=tao_weight)
    )
    state.hotkey_owner["c"] = "cc"
    ledger.increase_stake(state, "cc", "c", 1, own[0])
    ledger.increase_stake(state, "cc", "c", 0, own[1])
    total_given = 0
    kids = []
    for i, proportion in enumerate(gives):  # the child lends on too, within u64::MAX
        if total_given + proportion <= U64:
            total_given += proportion
            kids.append((proportion, f"g{i}"))
    childkeys.apply_now(state, 1, "c", tuple(kids))
    for i, (proportion, alpha, root, same) in enumerate(lent):
        parent = f"p{i}"
        state.hotkey_owner[parent] = "cc" if same else f"pc{i}"
        ledger.increase_stake(state, "x", parent, 1, alpha)
        ledger.increase_stake(state, "x", parent, 0, root)
        childkeys.apply_now(state, 1, parent, ((proportion, "c"),))
    childkeys.ensure(state).takes[("c", 1)] = take
    for split_rule in (childkeys.split_whole_dividend, childkeys.split_foreign_parents):
        split = split_rule(state, 1, "c", dividend)
        paid = sum(share for _, share in split.parents) + split.child + split.burned
        assert paid + split.dust == dividend
        assert min(split.child, split.burned, split.dust, *(s for _, s in split.parents)) >= 0
    assert childkeys.split_whole_dividend(state, 1, "c", dividend).dust == 0
    assert not childkeys.check_consistency(state)


# -- inherited stake -------------------------------------------------------------------------------


def test_inherited_stake_moves_the_lent_part():
    state = State(params=dtao.get_preset("launch"))
    ledger.increase_stake(state, "a", "p", 1, 3 * TAO)
    ledger.increase_stake(state, "a", "p", 0, 2 * TAO)
    ledger.increase_stake(state, "b", "c", 1, TAO)
    childkeys.apply_now(state, 1, "p", ((U64 // 3, "c"),))
    q32 = ((U64 // 3) << 32) // U64
    lent = (3 * TAO * q32) >> 32
    assert childkeys.inherited(state, "c", 1, 1) == TAO + lent
    assert childkeys.inherited(state, "p", 1, 1) == (3 * TAO * (1 << 32) - 3 * TAO * q32) >> 32
    assert childkeys.inherited(state, "c", 1, 0) == (2 * TAO * q32) >> 32
    assert childkeys.inherited(state, "p", 0, 0) == 2 * TAO  # no relation on root
    assert childkeys.inherited_stake(state, 2, ["c"]) is None  # subnet 2: none


# -- set_children and set_childkey_take ------------------------------------------------------------


def _network(preset: str = "launch", **overrides) -> dtao.Network:
    net = dtao.Network(
        preset, network_rate_limit=1, network_min_lock=100 * TAO, tempo=5, **overrides
    )
    for coldkey in ("alice", "bob", "carol"):
        net.fund(coldkey, 2_000 * TAO)
    net.register_network("alice", "ahk")
    if preset == "summer-2026":  # staking needs the subnet's token on (start_call)
        summer_columns(net.state).set("subtoken_enabled", 1, 1)
    net.burned_register("bob", "bhk", 1)
    net.step(1)
    net.burned_register("carol", "chk", 1)
    net.add_stake("bob", "bhk", 1, 100 * TAO)
    net.add_stake("carol", "chk", 1, 20 * TAO)
    net.add_stake("carol", "bhk", 0, 300 * TAO)
    return net


def test_set_children_errors_follow_the_chain_order():
    net = _network()
    cases = [
        (dtao.SetChildren("bob", "bhk", 0, ((1, "chk"),)), E.RegistrationNotPermittedOnRootSubnet),
        (dtao.SetChildren("bob", "bhk", 9, ((1, "chk"),)), E.SubNetworkDoesNotExist),
        (dtao.SetChildren("carol", "bhk", 1, ((1, "chk"),)), E.NonAssociatedColdKey),
        (
            dtao.SetChildren("bob", "bhk", 1, tuple((1, f"k{i}") for i in range(6))),
            E.TooManyChildren,
        ),
        (dtao.SetChildren("bob", "bhk", 1, ((1, "bhk"),)), E.InvalidChild),
        (dtao.SetChildren("bob", "bhk", 1, ((U64, "chk"), (1, "k"))), E.ProportionOverflow),
        (dtao.SetChildren("bob", "bhk", 1, ((1, "chk"), (2, "chk"))), E.DuplicateChild),
    ]
    for op, error in cases:
        before = net.digest()
        with pytest.raises(error):
            net.submit(op)
        assert net.digest() == before
    net.submit(dtao.SetChildren("bob", "bhk", 1, ((U64 // 2, "chk"),)))
    with pytest.raises(E.TxRateLimitExceeded):
        net.submit(dtao.SetChildren("bob", "bhk", 1, ()))
    net.step(150)
    net.submit(dtao.SetChildren("bob", "bhk", 1, ()))  # 150 blocks later: allowed


def test_the_stake_threshold_gates_a_non_empty_list_only():
    net = _network(stake_threshold=10**6 * TAO)
    with pytest.raises(E.NotEnoughStakeToSetChildkeys):
        net.submit(dtao.SetChildren("bob", "bhk", 1, ((1, "chk"),)))
    net.submit(dtao.SetChildren("bob", "bhk", 1, ()))
    net.submit(dtao.SetChildren("alice", "ahk", 1, ((1, "chk"),)))  # the owner hotkey


def test_head_checks_refuse_a_child_that_is_a_parent():
    net = _network("summer-2026")
    state = net.state
    childkeys.apply_now(state, 1, "chk", ((U64, "bhk"),))  # chk is bhk's parent
    before = net.digest()
    with pytest.raises(E.ChildParentInconsistency):
        net.submit(dtao.SetChildren("bob", "bhk", 1, ((1, "chk"),)))
    assert net.digest() == before
    with pytest.raises(E.SubnetNotExists):
        net.submit(dtao.SetChildren("bob", "bhk", 9, ()))


@given(
    children=st.lists(
        st.tuples(st.integers(0, U64), st.sampled_from(["bhk", "chk", "ahk", "x", "y"])),
        max_size=7,
    ),
    netuid=st.sampled_from([0, 1, 2]),
    coldkey=st.sampled_from(["bob", "carol"]),
)
def test_a_rejected_set_children_changes_nothing(children, netuid, coldkey):
    net = _NET.copy()
    before = net.digest()
    try:
        net.submit(dtao.SetChildren(coldkey, "bhk", netuid, tuple(children)))
    except E.ProtocolError:
        assert net.digest() == before
    else:
        assert childkeys.get(net.state).pending[(netuid, "bhk")][0] == tuple(children)


class _Copyable:
    """One network built once and copied per example (Hypothesis draws many)."""

    def __init__(self) -> None:
        self.net: dtao.Network | None = None

    def copy(self) -> dtao.Network:
        if self.net is None:
            self.net = _network()
        return dtao.Network.from_json(self.net.to_json())


_NET = _Copyable()


def test_set_childkey_take_range_and_rate_limit():
    net = _network(childkey_take_rate_limit=10)
    with pytest.raises(E.InvalidChildkeyTake):
        net.submit(dtao.SetChildkeyTake("carol", "chk", 1, 11_797))
    with pytest.raises(E.NonAssociatedColdKey):
        net.submit(dtao.SetChildkeyTake("bob", "chk", 1, 100))
    net.submit(dtao.SetChildkeyTake("carol", "chk", 1, 100))
    with pytest.raises(E.TxChildkeyTakeRateLimitExceeded):
        net.submit(dtao.SetChildkeyTake("carol", "chk", 1, 50))  # launch: decreases too
    assert childkeys.childkey_take(net.state, "chk", 1) == 100
    head = _network("summer-2026", childkey_take_rate_limit=10)
    head.submit(dtao.SetChildkeyTake("carol", "chk", 1, 100))
    head.submit(dtao.SetChildkeyTake("carol", "chk", 1, 50))  # 14bc6f9: a decrease is free
    with pytest.raises(E.TxChildkeyTakeRateLimitExceeded):
        head.submit(dtao.SetChildkeyTake("carol", "chk", 1, 60))


# -- pending children, the epoch, conservation, JSON -----------------------------------------------


def _run_to_epoch(net: dtao.Network) -> dtao.BlockReceipt:
    for _ in range(20):
        receipt = net.step(1)
        if receipt is not None and receipt.epochs:
            return receipt
    raise AssertionError("no epoch ran")


def test_pending_children_apply_at_the_next_epoch_after_the_cooldown():
    net = _network()
    net.submit(dtao.SetChildren("bob", "bhk", 1, ((U64 // 2, "chk"),)))
    ext = childkeys.get(net.state)
    assert ("bhk", 1) not in ext.children and (1, "bhk") in ext.pending
    due = ext.pending[(1, "bhk")][1]
    while net.state.block <= due or ext.pending:  # an epoch after the cooldown block
        _run_to_epoch(net)
    assert net.state.subnets[1].last_epoch_block == net.state.block > due
    assert ext.children[("bhk", 1)] == ((U64 // 2, "chk"),)
    assert ext.parents[("chk", 1)] == ((U64 // 2, "bhk"),)
    assert not ext.pending
    invariants.check(net.state)


def test_an_epoch_with_children_pays_the_parent_and_keeps_every_identity():
    net = _network()
    net.submit(dtao.SetChildren("bob", "bhk", 1, ((U64, "chk"),)))
    while childkeys.get(net.state).pending:
        _run_to_epoch(net)  # the children apply
    receipt = _run_to_epoch(net)  # chk now weighs bhk's stake; its dividends go back to bhk
    payout = receipt.epochs[0]
    alpha = dict(zip(payout.validator_hotkeys, payout.alpha_rest, strict=True))
    # bhk lends all its stake to chk: chk wins the dividend and passes most of it back
    assert alpha["bhk"] > alpha["chk"] > 0
    invariants.check(net.state)
    again = dtao.Network.from_json(net.to_json())
    assert again.digest() == net.digest()
    assert childkeys.get(again.state) == childkeys.get(net.state)


def test_summer_before_start_call_applies_at_once_and_ck_burn_is_recycled_exactly():
    net = _network("summer-2026", ck_burn_u64=U64 // 4)
    token = summer_columns(net.state)
    token.set("subtoken_enabled", 1, 0)  # as before the start call
    net.submit(dtao.SetChildren("bob", "bhk", 1, ((U64, "chk"),)))
    ext = childkeys.get(net.state)
    assert ext.children[("bhk", 1)] == ((U64, "chk"),) and not ext.pending
    token.set("subtoken_enabled", 1, 1)  # the start call (token on, emission from next block)
    token.set("first_emission_block", 1, net.state.block + 1)
    out_before = net.state.columns.get("alpha_out", 1)
    _run_to_epoch(net)
    assert ext.burned.get(1, 0) > 0
    assert net.state.columns.get("alpha_out", 1) < out_before + 10 * TAO
    invariants.check(net.state)
    assert "childkeys" in net.to_json()


def test_launch_states_without_childkeys_have_no_section():
    net = _network()
    net.step(7)
    assert childkeys.get(net.state) is None
    assert "childkeys" not in net.to_json()


def test_a_broken_mirror_is_an_invariant_violation():
    state = State(params=dtao.get_preset("launch"))
    childkeys.apply_now(state, 1, "p", ((5, "c"),))
    childkeys.ensure(state).parents[("c", 1)] = ((6, "p"),)
    with pytest.raises(E.InvariantViolation, match="childkeys"):
        invariants.check(state)


# -- the mock's set_children at 14bc6f9 ------------------------------------------------------------


def test_the_head_mock_set_children_applies_and_writes_first_emission_block():
    case = {"preset": "summer-2026", "setup": [], "steps": [], "expected": {}}
    chain = MockChain(case, {"preset": "summer-2026"})
    chain.add_network(1, 1)
    chain.act({"action": "set_children", "netuid": 1, "parent": "2", "children": [[U64 // 2, "3"]]})
    assert chain.read("ChildKeys", {"hotkey": "2", "netuid": 1}) == [[U64 // 2, "3"]]
    assert chain.read("ParentKeys", {"hotkey": "3", "netuid": 1}) == [[U64 // 2, "2"]]
    from dtao.summer import summer_columns

    assert summer_columns(chain.state).get("first_emission_block", 1) == 0
    chain.act({"action": "set_storage", "item": "CKBurn", "value": 7})
    assert chain.state.params.ck_burn_u64 == 7


# -- random sequences with children: conservation, atomicity, JSON ---------------------------------

HOTKEYS = ["ahk", "bhk", "chk", "x"]


class ChildkeysMachine(RuleBasedStateMachine):
    """Stakes, children, takes and epochs (tempo 5) in random order: every identity holds,
    every rejection leaves the digest unchanged, the JSON round trip is lossless."""

    preset = "launch"

    def __init__(self) -> None:
        super().__init__()
        self.net = _network(self.preset, ck_burn_u64=U64 // 3, childkey_take_rate_limit=2)

    def attempt(self, op):
        before = self.net.digest()
        try:
            self.net.submit(op)
        except E.ProtocolError:
            assert self.net.digest() == before, "a rejected operation changed the state"

    @rule(
        c=st.sampled_from(["alice", "bob", "carol"]),
        h=st.sampled_from(HOTKEYS),
        netuid=st.sampled_from([0, 1]),
        amount=st.integers(0, 50 * TAO),
    )
    def add_stake(self, c, h, netuid, amount):
        self.attempt(dtao.AddStake(c, h, netuid, amount))

    @rule(
        c=st.sampled_from(["alice", "bob", "carol"]),
        h=st.sampled_from(HOTKEYS),
        children=st.lists(
            st.tuples(st.integers(0, U64 // 2), st.sampled_from(HOTKEYS)), max_size=3
        ),
    )
    def set_children(self, c, h, children):
        self.attempt(dtao.SetChildren(c, h, 1, tuple(children)))

    @rule(
        c=st.sampled_from(["alice", "bob", "carol"]),
        h=st.sampled_from(HOTKEYS),
        take=st.integers(0, 12_000),
    )
    def set_childkey_take(self, c, h, take):
        self.attempt(dtao.SetChildkeyTake(c, h, 1, take))

    @rule(blocks=st.integers(1, 6))
    def step(self, blocks):
        self.net.step(blocks)

    @invariant()
    def conserved(self):
        invariants.check(self.net.state)

    @invariant()
    def json_round_trip(self):
        text = self.net.to_json()
        again = dtao.Network.from_json(text)
        assert again.digest() == self.net.digest() and again.to_json() == text


class HeadChildkeysMachine(ChildkeysMachine):
    preset = "summer-2026"


TestChildkeysLaunch = ChildkeysMachine.TestCase
TestChildkeysHead = HeadChildkeysMachine.TestCase
for _test in (TestChildkeysLaunch, TestChildkeysHead):
    _test.settings = settings(settings.default, max_examples=30, stateful_step_count=25)


# -- the 14bc6f9 cases that use set_children: setup replayed, the split checked by hand ------------

#: case -> (child, its dividend D, parent, the parent's share from the case's notes, tolerance)
HEAD_SPLITS = {
    "test_drain_alpha_childkey_parentkey": ("2", TAO, "1", 900_007_629, 0),
    "test_drain_alpha_childkey_parentkey_with_burn": ("2", TAO, "1", 900_007_629, 0),
    "test_get_root_children_drain_half_proportion": ("3", 750_000_000, "2", 250_000_000, 1_000),
    "test_get_root_children_drain_with_take": ("3", TAO, "2", 0, 0),
    "test_get_root_children_drain_with_half_take": ("3", TAO, "2", 250_003_815, 1),  # "~" there
}


def _register(chain: MockChain, netuid: int, hotkey: str, coldkey: str) -> None:
    """The 14bc6f9 mock's ``register_ok_neuron`` as far as these cases need: a UID, owned."""
    from dtao import extrinsics

    chain.state.hotkey_owner.setdefault(hotkey, coldkey)
    extrinsics.register_neuron(chain.state, chain.state.subnets[int(netuid)], hotkey, None)


@pytest.mark.parametrize("name", sorted(HEAD_SPLITS))
def test_the_head_cases_children_split_as_their_notes_say(name):
    import json

    from conftest import SHARED

    document = json.loads((SHARED / "vectors/ops/ops_head_coinbase.json").read_text())
    case = next(c for c in document["cases"] if c["name"] == name)
    chain = MockChain(case, document)
    chain.actions["new_test_ext"] = lambda c, block: c.set_block(block)
    chain.actions["register_neuron"] = _register
    chain.actions["add_network"] = lambda c, netuid, tempo, mechanism=0: (
        None if int(netuid) == 0 else MockChain.add_network(c, netuid, tempo, mechanism)
    )
    for action in case["setup"]:
        chain.act(action)
    child, dividend, parent, share, tolerance = HEAD_SPLITS[name]
    assert chain.read("ParentKeys", {"hotkey": child, "netuid": 1})[0][1] == parent
    split = childkeys.split_foreign_parents(chain.state, 1, child, dividend)
    assert split.parents[0][0] == parent
    assert abs(split.parents[0][1] - share) <= tolerance
    assert split.parents[0][1] + split.child + split.burned + split.dust == dividend


def test_removing_stake_below_the_threshold_drops_pending_lists():
    """test_do_remove_stake_clears_pending_childkeys (children.rs @ 5073ade)."""
    net = _network(stake_threshold=350 * TAO)
    net.submit(dtao.SetChildren("bob", "bhk", 1, ((1000, "chk"),)))
    assert childkeys.get(net.state).pending
    alpha = ledger.get_stake(net.state, "carol", "bhk", 0)
    net.remove_stake("carol", "bhk", 0, alpha)  # bhk: about 500 TAO of stake, then about 200
    assert not childkeys.get(net.state).pending


def test_a_dissolved_subnet_loses_its_relations_at_14bc6f9():
    state = State(params=dtao.get_preset("summer-2026"))
    childkeys.apply_now(state, 1, "p", ((5, "c"),))
    childkeys.apply_now(state, 2, "p", ((5, "c"),))
    childkeys.ensure(state).takes[("c", 1)] = 3
    childkeys.remove_subnet(state, 1)
    ext = childkeys.get(state)
    assert list(ext.children) == [("p", 2)] and list(ext.parents) == [("c", 2)] and not ext.takes


def test_inherited_stake_matches_the_chains_children_tests():
    """test_children_stake_values and test_get_stake_for_hotkey_on_subnet_edge_cases
    (children.rs @ 5073ade): exact I96F32 results."""
    state = State(params=dtao.get_preset("launch"))
    ledger.increase_stake(state, "1", "2", 1, 100_000_000_000_000)
    childkeys.apply_now(state, 1, "2", tuple((U64 // 4, child) for child in ("3", "4", "5")))
    assert childkeys.inherited(state, "2", 1, 1) == 25_000_000_069_849
    for child in ("3", "4", "5"):
        assert childkeys.inherited(state, child, 1, 1) == 24_999_999_976_716
    edge = State(params=dtao.get_preset("launch"))
    ledger.increase_stake(edge, "4", "p", 1, 500_000_000_000_000)
    childkeys.apply_now(edge, 1, "p", ((0, "c1"), (U64, "c2")))
    assert [childkeys.inherited(edge, hk, 1, 1) for hk in ("p", "c1", "c2")] == [
        0,
        0,
        500_000_000_000_000,
    ]


# -- the spec-475 fan-in cap (max_parents_per_child, off by default) ------------------------------


def _with_parents(cap: int, parents: int) -> dtao.Network:
    """The summer network with the cap set and ``parents`` foreign parents already on chk."""
    net = _network("summer-2026", max_parents_per_child=cap)
    for i in range(parents):
        childkeys.apply_now(net.state, 1, f"p{i}", ((1, "chk"),))
    return net


def test_the_fan_in_cap_is_off_by_default_in_every_preset():
    for name in ("launch", "summer-2026", "current"):
        assert dtao.get_preset(name).max_parents_per_child == 0
    assert (
        "MAX_PARENTS_PER_CHILD = 100" in dtao.get_preset("current").sources["max_parents_per_child"]
    )


def test_set_children_beyond_the_fan_in_cap_is_refused_and_changes_nothing():
    net = _with_parents(cap=3, parents=3)
    before = net.digest()
    with pytest.raises(E.TooManyParents):
        net.submit(dtao.SetChildren("bob", "bhk", 1, ((U64 // 2, "chk"),)))
    assert net.digest() == before
    assert len(childkeys.get(net.state).parents[("chk", 1)]) == 3
    # another subnet's parents do not count; below the cap the list is accepted
    below = _with_parents(cap=4, parents=3)
    below.submit(dtao.SetChildren("bob", "bhk", 1, ((U64 // 2, "chk"),)))
    assert childkeys.get(below.state).pending[(1, "bhk")][0] == ((U64 // 2, "chk"),)


def test_the_fan_in_cap_lets_an_existing_parent_change_its_proportion():
    net = _with_parents(cap=3, parents=2)
    childkeys.apply_now(net.state, 1, "bhk", ((1, "chk"),))  # bhk is the third parent
    net.submit(dtao.SetChildren("bob", "bhk", 1, ((U64 // 2, "chk"),)))  # not a new parent
    off = _with_parents(cap=0, parents=120)  # off: no limit at all
    off.submit(dtao.SetChildren("bob", "bhk", 1, ((1, "chk"),)))


def test_a_pending_list_that_reaches_the_cap_before_it_applies_is_dropped():
    """As ``persist_child_parent_relations``: the cap is checked again when the list goes live;
    a failing list is dropped silently and the relations stay as they were."""
    net = _with_parents(cap=3, parents=2)
    net.submit(dtao.SetChildren("bob", "bhk", 1, ((U64 // 2, "chk"),)))
    childkeys.apply_now(net.state, 1, "p9", ((1, "chk"),))  # the third parent, meanwhile
    parents = childkeys.get(net.state).parents[("chk", 1)]
    net.step(net.state.params.childkey_cooldown + 10)
    ext = childkeys.get(net.state)
    assert (1, "bhk") not in ext.pending
    assert ext.parents[("chk", 1)] == parents
    assert ("bhk", 1) not in ext.children
    assert not childkeys.check_consistency(net.state)
