"""Worked launch-era blocks, with the expected numbers derived by hand in the comments."""

from __future__ import annotations

import numpy as np
import pytest

import dtao
from dtao import invariants

TAO = 10**9
CUT = 179_995_422  # ⌊1e9 · 11796/65535⌋ = ⌊179 995 422.29⌋: owner cut of 1 α
REST = 820_004_577  # ⌊1e9 − 179 995 422.29⌋ = ⌊820 004 577.71⌋: X' when rp = 0


def two_subnets() -> dtao.Network:
    net = dtao.Network("launch", network_rate_limit=1)
    net.fund("o1", 10_000 * TAO)
    net.fund("o2", 10_000 * TAO)
    net.register_network("o1", "o1-hk")
    net.step(1)
    net.register_network("o2", "o2-hk")
    return net


def set_pool(net: dtao.Network, netuid: int, y: int, x: int, o: int, m: float) -> None:
    cols = net.state.columns
    issuance_delta = y - cols.get("tao_in", netuid)
    cols.alpha_unbacked[netuid] += o - cols.get("alpha_out", netuid)  # held by nobody
    cols.tao_in[netuid], cols.alpha_in[netuid], cols.alpha_out[netuid] = y, x, o
    cols.moving_price_bits[netuid] = round(m * 2**32)  # stored as I96F32
    net.state.total_issuance += issuance_delta


def test_one_block_by_hand():
    net = two_subnets()
    # SN1: y = 100 τ, x = 400 α (p = 0.25), o = 100 α, m = 0.30
    # SN2: y = 100 τ, x = 100 α (p = 1.00), o = 100 α, m = 0.10
    set_pool(net, 1, 100 * TAO, 400 * TAO, 100 * TAO, 0.30)
    set_pool(net, 2, 100 * TAO, 100 * TAO, 100 * TAO, 0.10)
    issuance = net.total_issuance
    pots = (net.subnet(1).pending_owner_cut, net.subnet(1).pending_emission)
    net.step(1)
    s1, s2 = net.subnet(1), net.subnet(2)
    # m is stored as I96F32: 0.30 → round(0.3·2^32) = 1 288 490 189, 0.10 → 429 496 730
    b1, b2 = 1_288_490_189, 429_496_730
    # shares ≈ 0.75 / 0.25 of E = 1 τ; T_i = ⌊E·b_i/(b1 + b2)⌋ = ⌊749 999 999.85⌋, ⌊250 000 000.15⌋
    assert (s1.emission_share, s2.emission_share) == pytest.approx((0.75, 0.25), abs=1e-9)
    cols = net.state.columns
    assert cols.get("tao_in_emission", 1) == 749_999_999
    assert cols.get("tao_in_emission", 2) == 250_000_000
    # alpha_in = min(T/p, Eα): SN1 min(0.75/0.25 = 3 α, 1 α) = 1 α; SN2 0.25/1.0 = 0.25 α
    assert cols.get("alpha_in_emission", 1) == TAO
    assert cols.get("alpha_in_emission", 2) == 250_000_000
    assert (s1.tao_in, s1.alpha_in, s1.alpha_out) == (100_749_999_999, 401 * TAO, 101 * TAO)
    assert (s2.tao_in, s2.alpha_in, s2.alpha_out) == (100_250_000_000, 100_250_000_000, 101 * TAO)
    # launch: I grows by the injected TAO only; the floors lose 1 rao of E this block
    assert net.total_issuance == issuance + 999_999_999
    # no root stake: rp = 0, so nothing is sold and X' is pending in full
    assert (s1.pending_owner_cut - pots[0], s1.pending_emission - pots[1]) == (CUT, REST)
    assert s1.pending_root_divs == 0
    # EMA in I96F32 bits: a = round(3e-6·2^32) = 12 885; p = ⌊y·2^32/x⌋ (capped at 2^32);
    # m' = ⌊a·p/2^32⌋ + ⌊(2^32 − a)·m/2^32⌋  →  0.299 999 853 7… and 0.100 002 7…
    a, one = 12_885, 2**32
    p1 = (100_749_999_999 << 32) // (401 * TAO)
    m1 = (a * p1 >> 32) + ((one - a) * b1 >> 32)
    m2 = (a * one >> 32) + ((one - a) * b2 >> 32)
    assert net.state.columns.get("moving_price_bits", 1) == m1
    assert net.state.columns.get("moving_price_bits", 2) == m2
    assert s1.moving_price == pytest.approx(0.2999998537, abs=1e-9)
    assert s2.moving_price == pytest.approx(0.1000027, abs=1e-9)


def test_shares_follow_ema_prices_over_300_blocks():
    net = two_subnets()
    set_pool(net, 1, 100 * TAO, 400 * TAO, 100 * TAO, 0.30)
    set_pool(net, 2, 100 * TAO, 100 * TAO, 100 * TAO, 0.10)
    # an independent float model of the launch rules (§3a, §4): share, injection, EMA
    y, x, m = [100.0, 100.0], [400.0, 100.0], [0.30, 0.10]
    for _ in range(300):
        m1, m2 = net.subnet(1).moving_price, net.subnet(2).moving_price
        net.step(1)
        assert net.subnet(2).emission_share == pytest.approx(m2 / (m1 + m2), rel=1e-12)
        shares = [mi / sum(m) for mi in m]
        for i in range(2):
            alpha_in = min(shares[i] / (y[i] / x[i]), 1.0)
            y[i] += shares[i]
            x[i] += alpha_in
        m = [3e-6 * min(y[i] / x[i], 1.0) + (1 - 3e-6) * m[i] for i in range(2)]
        # the chain's I96F32 floors lose ≤ 2·2^-32 per block: ≤ 3e-7 after 300 blocks
        assert net.subnet(1).moving_price == pytest.approx(m[0], abs=2 * 2**-32 * 300)
        assert net.subnet(2).moving_price == pytest.approx(m[1], abs=2 * 2**-32 * 300)
    # SN2 trades at p = 1 above its EMA 0.1, so its EMA climbs ~2.7e-6 per block; SN1's price
    # rises from 0.25 (1 τ buys ≤ 1 α per block) past its EMA 0.3, so it climbs more slowly:
    # share2 = m2/(m1 + m2) goes 0.25 → 0.100 810/(0.300 069 + 0.100 810) = 0.251 47
    assert net.subnet(2).emission_share == pytest.approx(0.25147, abs=1e-5)
    assert net.subnet(1).tao_in / TAO == pytest.approx(y[0], rel=1e-8)  # EMA floors shift T
    invariants.check(net.state)


def test_owner_miner_validator_split_is_18_41_41():
    net = dtao.Network("launch", network_rate_limit=1)
    net.fund("owner", 2_000 * TAO)
    net.fund("val", 100 * TAO)
    net.fund("miner", 100 * TAO)
    net.register_network("owner", "owner-hk")  # block 1
    net.step(1)
    net.burned_register("val", "val-hk", 1)  # uid 1
    net.step(1)
    net.burned_register("miner", "miner-hk", 1)  # uid 2
    net.add_stake("val", "val-hk", 1, 50 * TAO)
    net.step(359 - net.block)  # epoch at b with (b + 1 + 1) % 361 == 0: block 359, permits
    assert net.neurons(1).validator_permit.all()
    net.step(100)  # block 459: past the weights rate limit (100 blocks since registration)
    net.set_weights("val-hk", 1, [2], [65_535])
    before = {h: net.hotkey_stake(h, 1) for h in ("owner-hk", "val-hk", "miner-hk")}
    net.step(720 - net.block)  # next epoch at block 720 drains blocks 360 … 720 (361 blocks)
    gained = {h: net.hotkey_stake(h, 1) - before[h] for h in before}
    # 361 blocks × 1 α: owner cut 361·179 995 422; Yuma total 361·820 004 577 split 1:1
    total = 361 * REST
    assert gained["owner-hk"] == 361 * CUT  # ≈ 18.0 % of 361 α
    assert abs(gained["miner-hk"] - total // 2) <= 2  # ≈ 41 %: incentive 1.0 to one miner
    assert abs(gained["val-hk"] - total // 2) <= 3  # ≈ 41 %: dividends 1.0, no root stake
    minted = 361 * TAO
    assert gained["owner-hk"] / minted == pytest.approx(0.18, abs=1e-4)
    assert gained["miner-hk"] / minted == pytest.approx(0.41, abs=1e-4)
    assert gained["val-hk"] / minted == pytest.approx(0.41, abs=1e-4)
    invariants.check(net.state)


def test_root_yield_falls_as_alpha_issuance_grows():
    """§5e: per-TAO root yield ≈ Σ 0.41·Eα·p·tw/(tw·R + A) falls as A grows."""
    net = dtao.Network("launch", network_rate_limit=1, network_min_lock=100 * TAO)
    net.fund("owner", 2_000 * TAO)
    net.fund("val", 10_000 * TAO)
    net.register_network("owner", "owner-hk")  # pool 100 τ / 100 α
    net.step(1)
    net.burned_register("val", "val-hk", 1)
    net.add_stake("val", "val-hk", 0, 5_000 * TAO)  # R = 5 000 τ → tw·R = 900 α-equivalent
    net.add_stake("val", "val-hk", 1, 20 * TAO)
    # first block by hand: A = 100 α pool + 1 α in + 1 α out + alpha bought ≈ 102 + 16.7 α,
    # rp = 900/(900 + A) ≈ 0.883; root alpha = rp · 0.82 / 2 ≈ 0.362 α sold per block.
    net.step(1)
    rp = 900 / (900 + net.subnet(1).alpha_issuance / TAO)
    swapped = net.subnet(1).pending_alpha_swapped
    assert swapped == pytest.approx(rp * REST / 2, rel=2e-3)
    yields = []
    for _ in range(4):
        root_before = net.hotkey_stake("val-hk", 0)
        net.step(361)
        yields.append((net.hotkey_stake("val-hk", 0) - root_before) / root_before)
    issuance = net.subnet(1).alpha_issuance
    assert issuance > 1_500 * TAO  # ≈ 2 α per block for ~1 445 blocks
    assert all(b < a for a, b in zip(yields, yields[1:], strict=False)), yields
    # each epoch pays ≈ Σ_blocks rp_b·0.41·p_b TAO; the final rp is well below the first
    assert 900 / (900 + issuance / TAO) < 0.4 < rp
    invariants.check(net.state)
    assert np.isfinite(yields).all()
