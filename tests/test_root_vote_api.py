"""The public API under ``root-vote`` (d4d8182): the reads answer from the era's own storage
(compared with :mod:`dtao.root_vote`'s state functions), quotes are 1:1, and ``dtao.Genesis``
builds a root-vote state — directly (subnets without pools, TAO stake) or mapped from a
dTAO-shaped network (positions valued at the genesis spot prices, to the rao).
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dtao
from dtao import invariants
from dtao import root_vote as RV
from dtao.errors import CallUnavailable, ConfigError
from test_root_vote import scripted

TAO = 10**9


@pytest.fixture(scope="module")
def network() -> dtao.Network:
    """The scripted root-vote network (3 subnets, 4 root validators, nominators), 400 blocks."""
    return scripted(blocks=400)


def test_stake_reads_are_the_eras_storage(network):
    state = network.state
    ext = RV.root_vote(state)
    assert any(v for v in ext.stake.values())
    for (hotkey, coldkey), amount in ext.stake.items():
        for netuid in (0, 1, 3):  # stake is global: the same on every netuid
            assert network.stake(coldkey, hotkey, netuid) == RV.get_stake(state, hotkey, coldkey)
        assert network.stake(coldkey, hotkey, 0) == amount
    for hotkey in ext.hotkey_total:
        assert network.hotkey_stake(hotkey, 2) == RV.hotkey_stake(state, hotkey)
    want = sorted((c, h, 0, v) for (h, c), v in ext.stake.items() if v)
    assert network.positions() == want
    assert network.positions("nom1") == [row for row in want if row[0] == "nom1"]
    assert sum(row[3] for row in network.positions()) == state.total_stake


def test_subnet_views_neurons_and_shares_read_the_eras_emission(network):
    state = network.state
    ext = RV.root_vote(state)
    total = sum(ext.emission_values.values())
    assert total > 0
    shares = network.emission_shares()
    for netuid in network.netuids:
        view = network.subnet(netuid)
        assert view.pending_emission == ext.pending_emission.get(netuid, 0)
        assert view.emission_share == shares[netuid] == ext.emission_values[netuid] / total
        assert (view.tao_in, view.alpha_in, view.alpha_out, view.price) == (0, 0, 0, 0.0)
        neurons = network.neurons(netuid)
        stakes = [RV.hotkey_stake(state, h) for h in neurons.hotkeys]
        assert neurons.stake.tolist() == stakes == neurons.root_stake.tolist()
    assert any(network.subnet(n).pending_emission for n in network.netuids)
    assert abs(sum(shares.values()) + ext.emission_values[0] / total - 1) < 1e-12


def test_quotes_are_one_to_one_and_what_the_records_then_do():
    net = scripted(blocks=400)  # past every StakeInterval (360) window of the setup's stakes
    quote = net.quote_stake(1, 123 * TAO + 7)
    assert (quote.tao, quote.alpha, quote.tao_fee, quote.alpha_fee) == (123 * TAO + 7,) * 2 + (0, 0)
    assert (quote.tao_slippage, quote.alpha_slippage) == (0, 0)
    assert net.spot_price(1) == net.spot_price(0) == 1
    before = net.stake("nom0", "val0-hk", 0)
    assert net.add_stake("nom0", "val0-hk", 1, quote.tao) == quote.alpha
    assert net.stake("nom0", "val0-hk", 0) - before == quote.alpha
    out = net.quote_unstake(2, 50 * TAO)
    assert (out.tao, out.alpha, out.tao_fee, out.tao_slippage) == (50 * TAO, 50 * TAO, 0, 0)
    balance = net.balance("nom1")
    assert net.remove_stake("nom1", "val0-hk", 2, out.alpha) == out.tao
    assert net.balance("nom1") - balance == out.tao
    digest = net.digest()
    with pytest.raises(CallUnavailable):
        net.quote_move(1, 2, TAO)
    with pytest.raises(CallUnavailable):
        net.move_stake("nom0", "val0-hk", "val1-hk", 0, 0, TAO)
    assert net.digest() == digest


def test_accepts_says_which_records_the_era_has():
    root_vote, current = dtao.Network("root-vote"), dtao.Network("current")
    assert root_vote.accepts(dtao.SetRootWeights) and not current.accepts(dtao.SetRootWeights)
    assert not root_vote.accepts(dtao.MoveStake) and current.accepts(dtao.MoveStake)
    assert root_vote.accepts(dtao.AddStake) and current.accepts(dtao.AddStake)
    with pytest.raises(dtao.errors.InvalidAmount):
        root_vote.accepts(int)


# -- genesis --------------------------------------------------------------------------------------


def direct_genesis(**overrides) -> dtao.Genesis:
    """Two subnets without pools, TAO stake (netuid 0) through three hotkeys, a nominator."""
    return (
        dtao.Genesis("root-vote", block=5, **overrides)
        .fund("alice", 100 * TAO)
        .fund("val-a", 10 * TAO)
        .subnet(1, "owner1", "owner1-hk", locked=1_000 * TAO)
        .subnet(2, "owner2", "owner2-hk")
        .neuron(1, "va", "val-a")
        .neuron(2, "vb", "val-b")
        .neuron(2, "vc", "val-c")
        .stake("val-a", "va", 0, 300 * TAO)
        .stake("alice", "va", 0, 50 * TAO)
        .stake("val-b", "vb", 0, 200 * TAO)
        .stake("val-c", "vc", 0, 100 * TAO)
        .take("vb", 5_000)
    )


def test_a_genesis_builds_a_root_vote_state_without_pools():
    net = dtao.Network.from_genesis(direct_genesis(root_seats=2))
    state = net.state
    ext = RV.root_vote(state)
    # TotalIssuance = free + stake + SubnetLocked, to the rao
    assert net.total_issuance == 110 * TAO + 650 * TAO + 1_000 * TAO
    assert ext.locked == {1: 1_000 * TAO} and ext.registered_at == {1: 5, 2: 5}
    assert net.positions() == [
        ("alice", "va", 0, 50 * TAO),
        ("val-a", "va", 0, 300 * TAO),
        ("val-b", "vb", 0, 200 * TAO),
        ("val-c", "vc", 0, 100 * TAO),
    ]
    assert ext.seats == ["va", "vb"]  # the 2 largest total stakes (350, 200); vc is left out
    # delegates: the seats, and va as a nominee of alice; vb keeps its genesis take
    assert state.takes == {"va": 11_796, "vb": 5_000}
    assert net.neurons(2).hotkeys == ["owner2-hk", "vb", "vc"]
    assert (net.subnet(1).tao_in, net.subnet(1).alpha_in) == (0, 0)
    assert not ext.root_weights and set(ext.emission_values.values()) == {0}  # no prices: no vote
    invariants.check(state)
    assert dtao.Network.from_json(net.to_json()).digest() == net.digest()
    # the records then work as on chain: alice may nominate va (a delegate), not vc
    net.submit(dtao.AddStake("alice", "va", 0, 10 * TAO))
    with pytest.raises(dtao.errors.HotKeyNotDelegateAndSignerNotOwnHotKey):
        net.submit(dtao.AddStake("alice", "vc", 0, 10 * TAO))
    net.step(150)
    invariants.check(net.state)


def test_alpha_stake_on_a_subnet_without_a_pool_is_refused():
    genesis = direct_genesis().stake("alice", "va", 1, TAO)
    with pytest.raises(ConfigError, match="no pool"):
        genesis.build()


def pooled_genesis(preset: str, pools, positions, root, free) -> dtao.Genesis:
    """A dTAO-shaped network: ``pools`` [(tao_in, alpha_in, moving price bits)], alpha
    ``positions`` [(coldkey index, hotkey index, subnet index, alpha)], ``root`` TAO stakes."""
    genesis = dtao.Genesis(preset, block=50).fund("free", free)
    hotkeys = [f"hk{i}" for i in range(4)]
    for i, (tao_in, alpha_in, bits) in enumerate(pools):
        netuid = i + 1
        genesis.subnet(
            netuid, f"o{netuid}", f"o{netuid}-hk", tao_in=tao_in, alpha_in=alpha_in,
            moving_price_bits=bits,
        )  # fmt: skip
        for h in hotkeys:
            genesis.neuron(netuid, h, f"owner-{h}")
    for c, h, s, alpha in positions:
        genesis.stake(f"c{c}", hotkeys[h], 1 + s % len(pools), alpha)
    for c, h, amount in root:
        genesis.stake(f"c{c}", hotkeys[h], 0, amount)
    return genesis


def tao_value(net: dtao.Network) -> tuple[int, Fraction, int]:
    """A dTAO network's holdings in TAO at its spot prices, from its public reads: (free + root
    stake + Σ ⌊α·tao_in/alpha_in⌋ per position, the exact rational value, alpha positions)."""
    value = sum(net.balance(c) for c in net.state.balances)
    exact = Fraction(value)
    floors = 0
    for _, _, netuid, amount in net.positions():
        if netuid == 0:
            value += amount
            exact += amount
            continue
        view = net.subnet(netuid)
        price = Fraction(view.tao_in, view.alpha_in)
        value += int(amount * price)
        exact += amount * price
        floors += 1
    return value, exact, floors


# prices up to 1 000 TAO per alpha, positions up to 1 000 alpha: the mapped issuance stays
# below the supply (a larger one is refused, see the test after)
_pools = st.lists(
    st.tuples(st.integers(10**9, 10**14), st.integers(10**11, 10**16), st.integers(0, 2**40)),
    min_size=1,
    max_size=4,
)
_positions = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 3), st.integers(0, 3), st.integers(1, 10**12)),
    max_size=12,
)
_root = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 3), st.integers(1, 10**15)), max_size=6
)


@settings(max_examples=40, deadline=None)
@given(pools=_pools, positions=_positions, root=_root, free=st.integers(0, 10**15))
def test_the_mapped_network_holds_the_tao_value_of_the_dtao_one(pools, positions, root, free):
    """Total TAO of the root-vote network = the dTAO network's free TAO + root stake + each
    alpha position at its subnet's spot price tao_in/alpha_in, floored once per position."""
    dtao_net = dtao.Network.from_genesis(pooled_genesis("current", pools, positions, root, free))
    value, exact, floors = tao_value(dtao_net)
    mapped = dtao.Network.from_genesis(pooled_genesis("root-vote", pools, positions, root, free))
    assert mapped.total_issuance == value  # to the rao
    assert (
        sum(row[3] for row in mapped.positions())
        + sum(mapped.balance(c) for c in mapped.state.balances)
        == value
    )
    assert 0 <= exact - value < max(floors, 1)
    # same subnets, owners and neurons; every coldkey keeps its free TAO
    assert mapped.netuids == dtao_net.netuids
    for netuid in mapped.netuids:
        a, b = mapped.subnet(netuid), dtao_net.subnet(netuid)
        assert (a.owner_coldkey, a.owner_hotkey, a.tempo) == (
            b.owner_coldkey,
            b.owner_hotkey,
            b.tempo,
        )
        assert mapped.neurons(netuid).hotkeys == dtao_net.neurons(netuid).hotkeys
    assert mapped.balance("free") == dtao_net.balance("free")
    invariants.check(mapped.state)


def test_a_mapped_network_beyond_the_supply_is_refused():
    genesis = pooled_genesis("root-vote", [(10**16, 10**9, 0)], [(0, 0, 0, 10**10)], [], 0)
    with pytest.raises(ConfigError, match="beyond supply"):
        genesis.build()  # 10 alpha at 10⁷ TAO each: 10⁸ TAO > 21 M


def test_the_mapped_votes_follow_the_moving_prices_and_are_the_first_root_epochs():
    prices = [1 << 30, 1 << 31, 3 << 30]  # 0.25, 0.5, 0.75 TAO per alpha
    pools = [(1_000 * TAO, 4_000 * TAO, prices[0]), (500 * TAO, 1_000 * TAO, prices[1]),
             (750 * TAO, 1_000 * TAO, prices[2])]  # fmt: skip
    positions = [(0, 0, 0, 400 * TAO), (1, 1, 1, 200 * TAO), (2, 2, 2, 300 * TAO)]
    genesis = pooled_genesis("root-vote", pools, positions, [(3, 3, 900 * TAO)], 10 * TAO)
    net = dtao.Network.from_genesis(genesis)
    ext = RV.root_vote(net.state)
    assert ext.seats == ["hk3", "hk2", "hk0", "hk1"]  # stakes 900, 225, 100, 100 TAO
    assert net.take("hk3") == 11_796 and "hk3" in net.state.takes
    assert ext.root_weights[0] == [(0, 0), (1, 21_845), (2, 43_690), (3, 65_535)]
    shares = net.emission_shares()
    for netuid, want in zip((1, 2, 3), (1 / 6, 2 / 6, 3 / 6), strict=True):
        assert abs(shares[netuid] - want) < 1e-4  # every seat votes alike: e ∝ the votes
    at_genesis = dict(ext.emission_values)
    net.step(99 - net.block)  # the first root epoch (block 99) on unchanged stakes and votes
    assert ext.emission_values == at_genesis
    invariants.check(net.state)


# -- the snapshot loader (dtao.sim.snapshot) through the preset ----------------------------------


def test_the_snapshot_loader_maps_the_real_network_to_root_vote_with_its_tao_value():
    """The shipped 2026-04-11 snapshot: the same genesis under ``current`` and ``root-vote``."""
    from dtao.sim import snapshot

    rows = snapshot.read_snapshot()
    dtao_net = dtao.Network.from_genesis(snapshot.build_genesis(rows, "current", seed=3))
    mapped = dtao.Network.from_genesis(snapshot.build_genesis(rows, "root-vote", seed=3))
    value, exact, floors = tao_value(dtao_net)
    assert mapped.total_issuance == value and 0 <= exact - value < floors
    # valued at spot, the alpha outstanding is worth more than the pools hold: ≈ 11.72 M TAO
    # against the dTAO network's 10.92 M
    assert 11_700_000 * TAO < mapped.total_issuance < 11_750_000 * TAO
    assert dtao_net.total_issuance == snapshot.ASSUMED_ISSUANCE
    assert mapped.netuids == dtao_net.netuids and len(mapped.netuids) == 128
    ext = RV.root_vote(mapped.state)
    stakes = {h: RV.hotkey_stake(mapped.state, h) for h in snapshot.validator_hotkeys(4)}
    assert ext.seats == sorted(stakes, key=lambda h: (-stakes[h], h))
    # the votes follow the moving prices: the shares within u16 rounding of m / Σ m
    prices = {n: Fraction(dtao_net.subnet(n).moving_price) for n in dtao_net.netuids}
    total = sum(prices.values())
    shares = mapped.emission_shares()
    assert max(abs(shares[n] - float(prices[n] / total)) for n in prices) < 2e-4
    mapped.step(101)  # a root epoch and the first subnet epochs run on the mapped state
    invariants.check(mapped.state)


def test_the_64_largest_stakes_take_the_root_seats():
    from dtao.sim import snapshot

    rows = snapshot.synthetic_rows(3, seed=5)
    synthesis = snapshot.Synthesis(validators=70, holders=140, miners=1)
    net = dtao.Network.from_genesis(snapshot.build_genesis(rows, "root-vote", 5, synthesis))
    state = net.state
    ext = RV.root_vote(state)
    stakes = sorted(((-v, h) for h, v in RV.root_vote(state).hotkey_total.items() if v))
    assert len(stakes) == 70 and len(ext.seats) == 64
    assert ext.seats == [h for _, h in stakes[:64]]
    assert all(net.take(h) == 11_796 and h in state.takes for h in ext.seats)
    left_out = {h for _, h in stakes[64:]}
    assert left_out and left_out <= set(state.takes)  # still delegates: they hold nominations
