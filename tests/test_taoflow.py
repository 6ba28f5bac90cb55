"""The taoflow preset (ec2212c, 2026-06-01): net Tao Flow shares, the v3 full-range pool, the
min(Eα, E) cap with chain buys kept, the legacy epoch slot — each checked against numbers
worked out by hand (dtao-economics.md §3b, §4a, §6b, §10, §14c)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import dtao
from dtao import flows, invariants, root_claim
from dtao import operations as ops
from dtao.fixed import FRAC64, ONE64
from dtao.pools import balancer as bal
from dtao.pools.v3 import FullRangeV3
from dtao.sim.demo import build, set_weights
from dtao.summer import summer_columns

TAO = 10**9
#: β = FlowEmaSmoothingFactor / i64::MAX as I64F64 bits (lib.rs @ ec2212c)
BETA_BITS = (29_597_889_189_277 << 64) // (2**63 - 1)


def _gross_for_net(net: int, rate: int = 33) -> int:
    """The stake whose amount after the 33/65 535 fee is exactly ``net`` rao."""
    gross = net * 65_535 // (65_535 - rate)
    while gross - bal.fee_amount(gross, rate) < net:
        gross += 1
    assert gross - bal.fee_amount(gross, rate) == net
    return gross


def _three_subnets(first_pool_tao: int = 1_000 * TAO, **overrides) -> dtao.Network:
    """Three started subnets with 1 000 TAO / 1 000 alpha pools (subnet 1: ``first_pool_tao``
    TAO); stakers s1, s2 with free TAO, s3 with 100 alpha on subnet 3 credited at genesis (no
    flow recorded)."""
    genesis = dtao.Genesis("taoflow", **overrides).fund("s1", 1_000 * TAO).fund("s2", 1_000 * TAO)
    for n in (1, 2, 3):
        tao = first_pool_tao if n == 1 else 1_000 * TAO
        genesis.subnet(n, f"o{n}", f"o{n}-hk", tao_in=tao, alpha_in=1_000 * TAO)
    genesis.stake("s3", "o3-hk", 3, 100 * TAO).fund("s3", TAO)
    net = dtao.Network.from_genesis(genesis)
    net.process_block([ops.StartCall(f"o{n}", n) for n in (1, 2, 3)])
    return net


def test_the_14c_example_net_flows_100_50_minus_20_give_two_thirds_one_third_zero():
    """§14c: net flows (+100, +50, −20) TAO a block → shares (⅔, ⅓, 0).

    By hand: the subnets start with every EMA at 0, so the block after they start emits nothing
    (all offsets 0) and injects no TAO (protocol flow 0). In that block s1 stakes a net 100 TAO
    on subnet 1, s2 a net 50 TAO on subnet 2 and s3 sells 20 alpha of subnet 3 (≈ −19.6 TAO).
    The next coinbase folds each flow into its EMA from 0: S_i = β·F_i exactly (I64F64 bits
    β_bits·F_i), the protocol EMAs stay 0, so Net = S; L = max(0, min(S_3, 0)) = 0, offsets
    (100β, 50β, 0) and shares 100/150, 50/150, 0: T_1 = ⌊E·⅔⌋, T_2 = ⌊E·⅓⌋ (to U64F64 rounding).
    """
    net = _three_subnets()
    net.process_block(
        [
            ops.AddStake("s1", "o1-hk", 1, _gross_for_net(100 * TAO)),
            ops.AddStake("s2", "o2-hk", 2, _gross_for_net(50 * TAO)),
            ops.RemoveStake("s3", "o3-hk", 3, 20 * TAO),
        ]
    )
    ext = summer_columns(net.state)
    recorded = [ext.get("tao_flow", n) for n in (1, 2, 3)]
    assert recorded[:2] == [100 * TAO, 50 * TAO]
    assert -21 * TAO < recorded[2] < -19 * TAO  # the TAO out, the author's fee TAO included
    assert not any(net.state.columns.tao_in_emission[1:4])  # nothing injected yet

    net.process_block([])
    emas = flows.flow_emas(net.state)
    for n, flow in zip((1, 2, 3), recorded, strict=True):
        assert emas.user[n] == (net.block, BETA_BITS * flow)
        assert emas.protocol[n] == (net.block, 0)
        assert ext.get("tao_flow", n) == 0  # reset once folded
    shares = net.emission_shares()
    assert shares[1] == pytest.approx(2 / 3, abs=1e-12)
    assert shares[2] == pytest.approx(1 / 3, abs=1e-12)
    assert shares[3] == 0.0
    cols = net.state.columns
    given = [int(cols.tao_in_emission[n]) + ext.get("excess_tao", n) for n in (1, 2, 3)]
    assert abs(given[0] - 2 * TAO // 3) <= 1 and abs(given[1] - TAO // 3) <= 1
    assert given[2] == 0
    invariants.check(net.state)


def test_net_flow_subtracts_the_normalised_protocol_flow():
    """§3b step 6 by hand: S = (60, 30, 10), P = (40, 80, −20) (rao per block, I64F64);
    norm = min(1, 100/120) = ⅚; Net = (60 − ⅚·40, 30 − ⅚·80, 10 + 20) = (26.67, −36.67, 30);
    L = 0 (the cutoff), offsets (26.67, 0, 30) → shares (0.4706, 0, 0.5294)."""
    net = _three_subnets()
    emas = flows.flow_emas(net.state)
    block = net.state.block
    for n, (s, p) in zip((1, 2, 3), ((60, 40), (30, 80), (10, -20)), strict=True):
        emas.user[n] = (block, s << FRAC64)
        emas.protocol[n] = (block, p << FRAC64)
    got = flows.net_flow_shares(net.state, [1, 2, 3])
    norm = Fraction(100, 120)
    offsets = [60 - norm * 40, Fraction(0), Fraction(30)]
    for n, z in zip((1, 2, 3), offsets, strict=True):
        assert got[n] / ONE64 == pytest.approx(float(z / sum(offsets)), abs=1e-9)
    assert got[2] == 0


def test_pow_normalize_is_the_plain_normalisation_for_p_1():
    values = {1: 5 << 60, 2: 3 << 60, 3: 0, 4: 1 << 50}
    got = flows.pow_normalize(values, 1.0)
    total = sum(values.values())
    for n, v in values.items():
        assert got[n] / ONE64 == pytest.approx(v / total, abs=1e-9)
    assert flows.pow_normalize({1: 0, 2: 0}, 1.0) == {1: 0, 2: 0}


def test_the_v3_pool_is_constant_product_with_the_fee_to_the_author():
    """§6b: one full-range position ⇒ x·y = k; 33/65 535 of the input to the author."""
    pool = FullRangeV3(fee_rate=33, min_reserve=1_000_000)
    y, x = 1_000 * TAO, 4_000 * TAO
    got = pool.swap(y, x, 5 * TAO, buy=True)
    fee = 5 * TAO * 33 // 65_535
    assert (got.fee_paid, got.fee_to_block_author) == (fee, fee)
    assert got.amount_paid_out == x * (5 * TAO - fee) // (y + 5 * TAO - fee)
    sold = pool.swap(y, x, 20 * TAO, buy=False)
    net_in = 20 * TAO - 20 * TAO * 33 // 65_535
    assert sold.amount_paid_out == y * net_in // (x + net_in)
    # a limit stops the buy where the price reaches it: y'²/k = limit
    capped = pool.swap(y, x, 500 * TAO, buy=True, limit_price=300_000_000)
    after = Fraction(y + capped.amount_paid_in, x - capped.amount_paid_out)
    assert after <= Fraction(3, 10) and after > Fraction(299_999, 1_000_000)
    with pytest.raises(dtao.errors.PriceLimitExceeded):
        pool.swap(y, x, TAO, buy=True, limit_price=200_000_000)  # below the price 0.25


def test_the_cap_min_alpha_emission_e_and_the_kept_chain_buy():
    """§4a at ec2212c: a cheap subnet (p ≈ 0.01) would take T/p ≈ 100 alpha for 1 TAO; the
    cap is min(Eα, E) = 1 alpha, so tao_in = 1 alpha · p ≈ 0.01 TAO and the rest, ≈ 0.99 TAO,
    buys alpha fee-free, which stays in SubnetAlphaOut as SubnetProtocolAlpha."""
    net = _three_subnets(first_pool_tao=10 * TAO)  # price 0.01
    net.process_block([ops.AddStake("s1", "o1-hk", 1, 20 * TAO // 1_000)])  # keeps p ≈ 0.01
    cols = net.state.columns
    y, x = int(cols.tao_in[1]), int(cols.alpha_in[1])
    price = y / x
    alpha_out, before = int(cols.alpha_out[1]), net.state.total_issuance
    net.process_block([])
    ext = summer_columns(net.state)
    assert net.emission_shares()[1] == 1.0  # the only subnet with a positive flow
    assert int(cols.alpha_in_emission[1]) == TAO  # the cap: min(Eα = 1 α, E = 1 τ)
    assert int(cols.tao_in_emission[1]) == pytest.approx(TAO * price, abs=2)
    assert ext.get("excess_tao", 1) == pytest.approx(TAO * (1 - price), abs=2)
    bought, excess = ext.get("protocol_alpha", 1), ext.get("excess_tao", 1)
    assert bought == x * excess // (y + excess)  # fee-free, on x·y = k, before the injection
    assert int(cols.alpha_out[1]) >= alpha_out + bought  # kept, not recycled (R4.7)
    assert 0 <= before + TAO - net.state.total_issuance <= 2  # ≤ 2 rao of flooring recycled
    invariants.check(net.state)


def test_a_registration_burn_is_user_inflow_and_new_subnets_emit():
    net = _three_subnets()
    net.fund("m", 10 * TAO)
    burn = net.subnet(2).burn
    net.burned_register("m", "m-hk", 2)
    assert summer_columns(net.state).get("tao_flow", 2) == burn
    net.fund("o4", net.network_lock_cost() + TAO)
    netuid = net.register_network("o4", "o4-hk")
    assert summer_columns(net.state).get("emission_enabled", netuid) == 1  # e367ae6 is later


def test_the_legacy_slot_runs_each_epoch_and_counts_blocks_since_the_last():
    """§10: subnet n runs its epoch in block b iff (b + n + 1) mod (tempo + 1) = tempo."""
    net = _three_subnets(tempo=9)
    ran = {1: [], 2: [], 3: []}
    for _ in range(25):
        receipt = net.process_block([])
        for payout in receipt.epochs:
            ran[payout.netuid].append(receipt.block)
    for n, blocks in ran.items():
        assert blocks and all((b + n + 1) % 10 == 9 for b in blocks)
        last = blocks[-1]
        assert summer_columns(net.state).get("blocks_since_last_step", n) == net.block - last


def test_one_block_of_the_golden_run_checked_by_hand():
    """Block 1 500 of the golden network (``dtao demo --preset taoflow --seed 11``): from the
    EMAs and accumulators before the block, in exact fractions, S' = (1 − β)·S + β·F per flow,
    norm = min(1, ΣS'⁺/ΣP'⁺), Net = S' − norm·P' (P' > 0) or S' − P', offsets max(Net, 0) and
    shares offset/Σ — against the shares the engine's fixed-point coinbase gave the block."""
    net, players = build(3, 11, "taoflow")
    rng = np.random.default_rng(12)
    while net.block < 1_499:
        if net.block % 100 == 0:
            set_weights(net, players, rng)
        net.process_block([])
    beta = Fraction(29_597_889_189_277, 2**63 - 1)
    ext, emas = summer_columns(net.state), flows.flow_emas(net.state)
    user, protocol = {}, {}
    for n in (1, 2, 3):
        user[n] = (1 - beta) * Fraction(emas.user[n][1], ONE64) + beta * ext.get("tao_flow", n)
        flow = ext.get("protocol_flow", n)
        protocol[n] = (1 - beta) * Fraction(emas.protocol[n][1], ONE64) + beta * flow
    norm = min(
        Fraction(1),
        sum(max(u, 0) for u in user.values()) / sum(max(p, 0) for p in protocol.values()),
    )
    offsets = {
        n: max(user[n] - (norm * protocol[n] if protocol[n] > 0 else protocol[n]), 0)
        for n in (1, 2, 3)
    }
    total = sum(offsets.values())
    net.process_block([])
    shares = net.emission_shares()
    for n in (1, 2, 3):
        assert shares[n] == pytest.approx(float(offsets[n] / total), abs=1e-9)
    assert sum(shares.values()) == pytest.approx(1.0, abs=1e-12)


def test_a_dissolved_subnet_loses_its_flow_emas():
    """``remove_network`` @ ec2212c removes SubnetTaoFlow and both EMAs; a netuid registered
    again starts from no flow."""
    net = _three_subnets()
    net.process_block([ops.AddStake("s1", "o1-hk", 1, 10 * TAO)])
    net.process_block([])
    assert 1 in flows.flow_emas(net.state).user
    net.process_block([ops.DissolveNetwork("o1", 1)])
    emas = flows.flow_emas(net.state)
    assert 1 not in emas.user and 1 not in emas.protocol
    assert summer_columns(net.state).get("tao_flow", 1) == 0
    invariants.check(net.state)


def test_the_staking_rate_limiter_refuses_an_unstake_in_the_block_of_the_stake():
    """§7a (f8db5d0 → 06032d5): add_stake marks (hotkey, coldkey, netuid) until the block
    ends; an unstake or a move from it is StakingOperationRateLimitExceeded, the state
    unchanged; a transfer's destination is not marked; the next block clears the marks."""
    net = _three_subnets()
    receipt = net.process_block(
        [
            ops.AddStake("s1", "o1-hk", 1, 10 * TAO),
            ops.RemoveStake("s1", "o1-hk", 1, TAO),
            ops.MoveStake("s1", "o1-hk", "o2-hk", 1, 2, TAO),
            ops.RemoveStake("s3", "o3-hk", 3, TAO),  # a position not staked this block
            ops.TransferStake("s3", "s2", "o3-hk", 3, 1, 10 * TAO),  # buys on subnet 1
            ops.RemoveStake("s2", "o3-hk", 1, TAO),
        ]
    )
    errors = [type(r.error).__name__ if r.error else None for r in receipt.receipts]
    limited = "StakingOperationRateLimitExceeded"
    assert errors == [None, limited, limited, None, None, None]
    held = net.stake("s1", "o1-hk", 1)
    receipt = net.process_block(
        [
            ops.RemoveStake("s1", "o1-hk", 1, held // 2),
            ops.MoveStake("s3", "o3-hk", "o3-hk", 3, 2, 10 * TAO),  # marks the destination
            ops.RemoveStake("s3", "o3-hk", 2, TAO),
        ]
    )
    errors = [type(r.error).__name__ if r.error else None for r in receipt.receipts]
    assert errors == [None, None, limited]
    summer = dtao.Network("summer-2026")  # the limiter was gone by 14bc6f9 (06032d5)
    assert not summer.params.staking_rate_limiter and net.params.staking_rate_limiter


def test_root_claim_sales_are_protocol_outflow_at_the_next_coinbase():
    """claim_root.rs @ ec2212c: a Swap claim's TAO (``SubnetRootSellTao``) is protocol outflow;
    ``run_coinbase`` clears the counters. No injection yet (all offsets 0), so the protocol
    EMA after the block is exactly β·(−5 TAO)."""
    net = _three_subnets()
    root_claim.root_claims(net.state).root_sell_tao[1] = 5 * TAO
    net.process_block([])
    assert flows.flow_emas(net.state).protocol[1] == (net.block, BETA_BITS * -5 * TAO)
    assert root_claim.root_claims(net.state).root_sell_tao == {}
