"""Root claims (summer-2026, dtao-economics.md §5c): rates, watermarks, Swap / Keep /
KeepSubnets, the threshold, the staking-coldkey index and the automatic draws.

The numbers are the chain's test scenarios of ``pallets/subtensor/src/tests/claim_root.rs`` @
14bc6f9 that ``ops_head_claim_root.json`` transcribes, with the root alpha the epoch pays
(derived in the vector's notes: 10⁷ of pending root less the 18 % take = 8 200 045) accrued
directly, so the claims are checked before the epoch payout of the coinbase part lands.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

import dtao
from dtao import claims, codec, invariants, ledger
from dtao import errors as E
from dtao import root_claim as rc
from dtao.operations import (
    AddStake,
    ClaimRoot,
    RemoveStake,
    SetRootClaimType,
    SudoSetNumRootClaims,
    SudoSetRootClaimThreshold,
)
from dtao.summer import summer_columns

TAO = 10**9
ROOT_ALPHA = 8_200_045  # 10⁷ pending root alpha less the 18 % take, floored (vector notes)


def keccak_256(data: bytes) -> bytes:
    """Keccak-256 (the pre-SHA-3 padding), for the chain's block-hash test."""
    rounds = [
        0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
        0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
        0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
        0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
        0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
        0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
    ]  # fmt: skip
    rotations = [
        [0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61],
        [28, 55, 25, 21, 56], [27, 20, 39, 8, 14],
    ]  # fmt: skip
    mask = (1 << 64) - 1
    rate = 136
    padded = bytearray(data) + b"\x01" + b"\0" * ((-len(data) - 2) % rate) + b"\x80"
    lanes = [[0] * 5 for _ in range(5)]
    for block in range(0, len(padded), rate):
        for i in range(rate // 8):
            word = int.from_bytes(padded[block + 8 * i : block + 8 * i + 8], "little")
            lanes[i % 5][i // 5] ^= word
        for constant in rounds:
            c = [
                lanes[x][0] ^ lanes[x][1] ^ lanes[x][2] ^ lanes[x][3] ^ lanes[x][4]
                for x in range(5)
            ]
            d = [
                c[(x - 1) % 5] ^ (((c[(x + 1) % 5] << 1) | (c[(x + 1) % 5] >> 63)) & mask)
                for x in range(5)
            ]
            lanes = [[lanes[x][y] ^ d[x] for y in range(5)] for x in range(5)]
            b = [[0] * 5 for _ in range(5)]
            for x in range(5):
                for y in range(5):
                    r = rotations[x][y]
                    b[y][(2 * x + 3 * y) % 5] = (
                        ((lanes[x][y] << r) | (lanes[x][y] >> (64 - r))) & mask
                        if r
                        else lanes[x][y]
                    )
            lanes = [
                [b[x][y] ^ ((~b[(x + 1) % 5][y]) & b[(x + 2) % 5][y]) for y in range(5)]
                for x in range(5)
            ]
            lanes[0][0] ^= constant
    return b"".join(lanes[i % 5][i // 5].to_bytes(8, "little") for i in range(4))


def test_block_hash_to_indices_matches_the_chains_precomputed_draws():
    """test_claim_root_block_hash_indices @ 14bc6f9 (keccak-256 of "some" / "some2")."""
    assert keccak_256(b"").hex().startswith("c5d2460186f7233c")  # the known empty digest
    assert claims.block_hash_to_indices(keccak_256(b"zero"), 0, 15_000) == []
    assert claims.block_hash_to_indices(keccak_256(b"some"), 15, 15_000) == [
        265, 630, 1286, 1558, 4496, 4861, 5517, 5789, 6803, 8096, 9092, 11034, 11399, 12055, 12327
    ]  # fmt: skip
    assert claims.block_hash_to_indices(keccak_256(b"some2"), 15, 15_000) == [
        61, 246, 1440, 2855, 3521, 5236, 6130, 6615, 8511, 9405, 9890, 11786, 11971, 13165, 14580
    ]  # fmt: skip
    assert claims.block_hash_to_indices(b"\xff" * 32, 5, 0) == [0]  # n = 0: index 0, no one


def _net(**overrides: object) -> tuple[dtao.Network, int]:
    """A summer-2026 network with subnet 1 (owner coldkey 1001, hotkey 1002), no staking fee."""
    net = dtao.Network(
        "summer-2026", network_min_lock=100 * TAO, network_last_lock=100 * TAO, **overrides
    )
    net.fund("1001", 200 * TAO)
    return net, net.register_network("1001", "1002")


def _root_stake(net: dtao.Network, coldkey: str, amount: int) -> int:
    net.fund(coldkey, amount + TAO)
    got = net.submit(AddStake(coldkey, "1002", 0, amount)).result
    assert got is not None
    return got


def _accrue(net: dtao.Network, netuid: int, alpha: int, hotkey: str = "1002") -> None:
    """The epoch's root alpha for ``hotkey``: emitted (o grows) and made claimable."""
    net.state.columns.alpha_out[netuid] += alpha
    rc.increase_root_claimable(net.state, hotkey, netuid, alpha)


def _stake(net: dtao.Network, coldkey: str, netuid: int) -> int:
    return ledger.get_stake(net.state, coldkey, "1002", netuid)


def test_keep_claims_pay_rate_times_root_stake_and_move_the_watermark():
    """test_claim_root_with_drain_emissions: 820 004 accrued over 2·10⁶ root stake."""
    net, netuid = _net(staking_fee=0)
    stake = _root_stake(net, "1003", 2_000_000)
    net.submit(SetRootClaimType("1003", "Keep"))
    _accrue(net, netuid, 820_004)
    ext = rc.peek(net.state)
    assert ext is not None and ext.claimable["1002"][netuid] == (820_004 << 32) // stake
    assert rc.get_owed(net.state, "1002", "1003", netuid) == 820_003  # floor(rate · 2·10⁶)
    receipt = net.submit(ClaimRoot("1003", (netuid,)))
    assert _stake(net, "1003", netuid) == 820_003 == ext.claimed[(netuid, "1002", "1003")]
    assert receipt.events[0].alpha == 820_003 and not receipt.events[0].swapped
    _accrue(net, netuid, 820_004)
    net.submit(ClaimRoot("1003", (netuid,)))
    assert _stake(net, "1003", netuid) == 1_640_007 == ext.claimed[(netuid, "1002", "1003")]
    claimable_alpha = summer_columns(net.state).get("root_claimable_alpha", netuid)
    assert claimable_alpha == 2 * 820_004 - 1_640_007
    invariants.check(net.state)


def test_claims_split_by_root_stake_and_stake_changes_move_watermarks():
    """test_claim_root_with_changed_stake: no retroactive earnings for added root stake, none
    lost on the stake kept when some is removed (exact I96F32 values)."""
    net, netuid = _net(staking_fee=0)
    for coldkey in ("1003", "1004"):
        _root_stake(net, coldkey, 8_000_000)
        net.submit(SetRootClaimType(coldkey, "Keep"))

    def round_of_claims() -> tuple[int, int]:
        before = _stake(net, "1003", netuid), _stake(net, "1004", netuid)
        _accrue(net, netuid, ROOT_ALPHA)
        for coldkey in ("1003", "1004"):
            net.submit(ClaimRoot(coldkey, (netuid,)))
        return _stake(net, "1003", netuid) - before[0], _stake(net, "1004", netuid) - before[1]

    assert round_of_claims() == (4_100_022, 4_100_022)
    net.submit(RemoveStake("1004", "1002", 0, 4_000_000))
    assert round_of_claims() == (5_466_697, 2_733_348)  # over 12·10⁶: 2 : 1
    net.submit(AddStake("1004", "1002", 0, 4_000_000))
    alice, bob = round_of_claims()  # over 16·10⁶ again: equal owed, share-pool floors aside
    ext = rc.peek(net.state)
    assert ext is not None
    rate = ext.claimable["1002"][netuid]
    assert rate == sum((ROOT_ALPHA << 32) // s for s in (16_000_000, 12_000_000, 16_000_000))
    assert ext.claimed[(netuid, "1002", "1003")] == (rate * 8_000_000) >> 32  # all claimed
    assert abs(alice - 4_100_022) <= 1 and abs(bob - 4_100_022) <= 1
    invariants.check(net.state)


def test_swap_claims_sell_into_the_pool_and_stake_the_tao_on_root():
    """test_claim_root_with_drain_emissions_and_swap_claim_type: pool 50 τ / 100 α, root 2·10⁶
    of 20·10⁶ on the hotkey; the vector's derived owed and TAO per round."""
    net, netuid = _net(staking_fee=0)
    _root_stake(net, "1003", 2_000_000)
    _root_stake(net, "10010", 18_000_000)
    cols = net.state.columns
    net.state.lost_tao += cols.tao_in[netuid] - 50 * TAO  # keep the TAO identity exact
    cols.tao_in[netuid], cols.alpha_in[netuid] = 50 * TAO, 100 * TAO
    rounds = []
    for _ in range(3):
        _accrue(net, netuid, ROOT_ALPHA)
        (event,) = net.submit(ClaimRoot("1003", (netuid,))).events
        rounds.append((event.alpha, event.tao))
        invariants.check(net.state)
    assert rounds == [(820_004, 409_998), (968_256, 484_115), (1_135_815, 567_880)]
    assert _stake(net, "1003", 0) == 3_461_993
    ext = rc.peek(net.state)
    assert ext is not None and ext.root_sell_tao[netuid] == 409_998 + 484_115 + 567_880
    assert cols.tao_in[netuid] == 50 * TAO - ext.root_sell_tao[netuid]


def test_keep_subnets_keeps_listed_subnets_and_swaps_the_rest():
    net, netuid = _net(staking_fee=0, network_rate_limit=0)
    net.fund("2001", 200 * TAO)
    other = net.register_network("2001", "2002")
    _root_stake(net, "1003", 2_000_000)
    with pytest.raises(E.InvalidSubnetNumber):
        net.submit(SetRootClaimType("1003", "KeepSubnets", ()))
    net.submit(SetRootClaimType("1003", "KeepSubnets", (netuid,)))
    _accrue(net, netuid, 820_004)
    _accrue(net, other, 820_004)
    events = net.submit(ClaimRoot("1003", (netuid, other))).events
    assert [(e.netuid, e.swapped) for e in events] == [(netuid, False), (other, True)]
    assert _stake(net, "1003", netuid) == 820_003
    assert _stake(net, "1003", 0) == 2_000_000 + events[1].tao
    invariants.check(net.state)


def test_the_threshold_skips_small_claims_and_only_root_or_the_owner_sets_it():
    """test_claim_root_threshold / test_sudo_set_num_root_claims."""
    net, netuid = _net(staking_fee=0)
    _root_stake(net, "1003", 2_000_000)
    net.submit(SetRootClaimType("1003", "Keep"))
    _accrue(net, netuid, 400_000)  # owed 399 999 < 500 000
    assert net.submit(ClaimRoot("1003", (netuid,))).events == ()
    with pytest.raises(E.BadOrigin):
        net.submit(SudoSetRootClaimThreshold("1002", netuid, 1_000))  # the hotkey is not owner
    with pytest.raises(E.InvalidRootClaimThreshold):
        net.submit(SudoSetRootClaimThreshold("1001", netuid, 10_000_001))
    net.submit(SudoSetRootClaimThreshold("1001", netuid, 1_000))
    assert net.submit(ClaimRoot("1003", (netuid,))).events[0].alpha == 399_999
    with pytest.raises(E.BadOrigin):
        net.submit(SudoSetNumRootClaims("1001", 7))
    with pytest.raises(E.InvalidNumRootClaim):
        net.submit(SudoSetNumRootClaims("root", 51))
    net.submit(SudoSetNumRootClaims("root", 0))
    assert rc.get_num_root_claim(rc.peek(net.state), net.state.params) == 0


def test_claim_root_needs_one_to_five_subnets():
    net, netuid = _net()
    for subnets in ((), tuple(range(6))):
        with pytest.raises(E.InvalidSubnetNumber):
            net.submit(ClaimRoot("1003", subnets))
    assert "root-claims" not in net.to_json()  # refused: nothing written, not even the index


def test_root_alpha_beyond_the_root_stake_goes_to_the_hotkey_owner():
    """The not-enough-root-stake fallback of increase_root_claimable_for_hotkey_and_subnet."""
    net, netuid = _net(staking_fee=0)
    _root_stake(net, "1003", 3_000_000)
    _accrue(net, netuid, 3_000_001)
    assert _stake(net, "1001", netuid) == 3_000_001
    assert rc.peek(net.state) is None  # no rate was written
    _accrue(net, netuid, 3_000_000)  # exactly the stake: a rate of 1.0
    ext = rc.peek(net.state)
    assert ext is not None and ext.claimable["1002"][netuid] == 1 << 32
    invariants.check(net.state)


def test_the_index_compacts_when_a_coldkey_leaves_root():
    net, _ = _net(staking_fee=0)
    _root_stake(net, "a", 3_000_000)
    assert rc.peek(net.state) is None  # nothing written before the block step needs it
    net.process_block()  # the block step indexes the root stakers (creating the storage)
    for coldkey in ("b", "c"):
        _root_stake(net, coldkey, 3_000_000)  # indexed at once
    ext = rc.peek(net.state)
    assert ext is not None and ext.coldkeys == ["a", "b", "c"]
    net.submit(RemoveStake("a", "1002", 0, 3_000_000))
    assert ext.coldkeys == ["c", "b"] and ext.coldkey_index == {"c": 0, "b": 1}
    invariants.check(net.state)


def test_dissolution_drops_the_subnets_rates_and_watermarks():
    net, netuid = _net(staking_fee=0)
    _root_stake(net, "1003", 2_000_000)
    net.submit(SetRootClaimType("1003", "Keep"))
    _accrue(net, netuid, 820_004)
    net.submit(ClaimRoot("1003", (netuid,)))
    assert rc.finalize_subnet_root_dividends(net.state, netuid) == 1
    ext = rc.peek(net.state)
    assert ext is not None and ext.claimable == {} and ext.claimed == {}


def test_automatic_claims_draw_from_the_index_each_block():
    net, netuid = _net(staking_fee=0, num_root_claim=1)
    _root_stake(net, "1003", 2_000_000)
    _accrue(net, netuid, 820_004)  # default claim type Swap
    assert rc.get_owed(net.state, "1002", "1003", netuid) == 820_003
    assert net.process_block().root_claims == []  # not indexed yet: drawn from an empty index
    receipt = net.process_block()
    assert [e.coldkey for e in receipt.root_claims] == ["1003"]  # n = 1: index 0 every block
    assert rc.get_owed(net.state, "1002", "1003", netuid) <= 1  # the swap TAO's watermark floors
    assert _stake(net, "1003", 0) == 2_000_000 + receipt.root_claims[0].tao


def test_the_parent_hash_depends_on_the_seed_and_the_block():
    assert claims.parent_hash(0, 10) != claims.parent_hash(1, 10) != claims.parent_hash(0, 11)
    assert (
        claims.parent_hash(3, 10) == claims.parent_hash(3, 10)
        and len(claims.parent_hash(0, 1)) == 32
    )


def test_owed_is_the_floor_of_the_exact_i96f32_difference():
    rate = (ROOT_ALPHA << 32) // 12_000_000
    exact = Fraction(rate, 1 << 32) * 4_000_000 - 1_000
    assert rc.owed_to_u64(rc.owed_bits(rate, 4_000_000, 1_000)) == int(exact)
    assert rc.owed_to_u64(rc.owed_bits(rate, 0, 1)) == 0  # negative: nothing


def test_the_extension_round_trips_through_the_state_json():
    net, netuid = _net(staking_fee=0)
    _root_stake(net, "1003", 2_000_000)
    net.submit(SetRootClaimType("1003", "KeepSubnets", (netuid, 7)))
    net.submit(SudoSetRootClaimThreshold("root", netuid, 0))
    net.submit(SudoSetNumRootClaims("root", 3))
    _accrue(net, netuid, 820_004)
    text = net.to_json()
    again = dtao.Network.from_json(text)
    assert again.state.extensions["root-claims"] == net.state.extensions["root-claims"]
    assert codec.digest(again.state) == codec.digest(net.state)
    assert "root-claims" not in dtao.Network("launch").to_json()  # launch: never written
