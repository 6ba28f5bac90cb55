"""The summer-2026 coinbase and epoch (14bc6f9): the worked example of dtao-economics.md §4b,
the dividend-distribution vectors through the engine's payout, the emission switch, the
stateful scheduler and conservation over many blocks."""

from __future__ import annotations

import json

import pytest

import dtao
from conftest import SHARED
from dtao import Genesis, SetSubnetEmissionEnabled, invariants, ledger
from dtao import errors as E
from dtao.block import process_block
from dtao.codec import digest
from dtao.epoch_summer import pay_epoch
from dtao.eras import rules_for
from dtao.operations import apply
from dtao.summer import summer_columns

TAO = 10**9
ONE32 = 1 << 32


def _start_calls(state, netuids, enabled=True):
    """start_call done (FirstEmissionBlockNumber = genesis block), subtoken on, emission on."""
    ext = summer_columns(state)
    for netuid in netuids:
        ext.set("first_emission_block", netuid, state.block)
        ext.set("subtoken_enabled", netuid, 1)
        ext.set("emission_enabled", netuid, int(enabled))


# -- §4b: one block of R5.3, three subnets ---------------------------------------------------

#: (netuid, EMA price m, MinerBurned, pool TAO y, pool alpha x, alpha outstanding o): spot price
#: y/x = m at w = 0.5, alpha issuance A = x + o as in the table
SUBNETS_4B = (
    (1, 0.05, 0.0, 50_000, 1_000_000, 2_000_000),
    (2, 0.02, 0.0, 40_000, 2_000_000, 10_000_000),
    (3, 0.03, 0.5, 15_000, 500_000, 500_000),
)
#: the table of §4b: share, T, Eα, rp, alpha_in, tao_in, excess, owner, miners, validators, root
TABLE_4B = {
    1: (0.58824, 0.294118, 1.0, 0.23077, 0.230769, 0.011538,
        0.282579, 0.18, 0.41, 0.315385, 0.094615),
    2: (0.23529, 0.117647, 0.5, 0.06977, 0.034884, 0.000698,
        0.116949, 0.09, 0.205, 0.190698, 0.014302),
    3: (0.17647, 0.088235, 1.0, 0.47368, 0.473684, 0.014211,
        0.074025, 0.18, 0.41, 0.215789, 0.194211),
}  # fmt: skip


def _genesis_4b():
    genesis = Genesis("summer-2026").fund("whale", 6_000_000 * TAO)
    genesis.hotkey("rooter", "root-hk").stake("rooter", "root-hk", 0, 5_000_000 * TAO)  # R = 5M TAO
    for netuid, m, _, y, x, o in SUBNETS_4B:
        genesis.subnet(
            netuid,
            f"owner{netuid}",
            f"owner-hk{netuid}",
            tao_in=y * TAO,
            alpha_in=x * TAO,
            alpha_out=o * TAO,
            moving_price_bits=round(m * ONE32),
        )
    state = genesis.build()
    _start_calls(state, [1, 2, 3])
    ext = summer_columns(state)
    for netuid, _, burned, *_ in SUBNETS_4B:
        ext.set("miner_burned_bits", netuid, round(burned * ONE32))
    return state


def _table(value, rel=1e-5):
    """A table entry (TAO or alpha, rounded to the digits shown) as rao, with that rounding
    (half a unit of 10⁻⁶) and ``rel`` for the table's own float arithmetic."""
    return pytest.approx(value * TAO, abs=TAO // 2_000_000, rel=rel)


def test_the_worked_example_of_section_4b_is_one_block_of_the_preset():
    state = _genesis_4b()
    assert 10_500_000 * TAO <= state.total_issuance < 15_750_000 * TAO  # E = 0.5 TAO
    cols, ext = state.columns, summer_columns(state)
    before = {n: (int(cols.alpha_in[n]), int(cols.alpha_out[n])) for n in (1, 2, 3)}
    issuance = state.total_issuance
    receipt = process_block(state, rules_for(state.params))
    invariants.check(state)
    assert receipt.epochs == []
    assert sum(receipt.emissions.share) == pytest.approx(1.0)
    minted = 0
    for netuid in (1, 2, 3):
        share, t, e_alpha, rp, alpha_in, tao_in, excess, owner, miners, vali, root = TABLE_4B[
            netuid
        ]
        i = netuid - 1
        assert receipt.emissions.share[i] == pytest.approx(share, abs=5e-6)
        assert int(cols.alpha_out_emission[netuid]) == e_alpha * TAO
        assert int(cols.alpha_in_emission[netuid]) == _table(alpha_in)
        assert int(cols.tao_in_emission[netuid]) == _table(tao_in)
        bought_tao = ext.get("excess_tao", netuid)
        assert bought_tao == _table(excess)
        assert bought_tao + int(cols.tao_in_emission[netuid]) == _table(t)
        minted += bought_tao + int(cols.tao_in_emission[netuid])
        # chain buy: alpha out of the pool at ~p, kept as protocol alpha
        bought = ext.get("protocol_alpha", netuid)
        assert bought == pytest.approx(bought_tao / SUBNETS_4B[i][1], rel=1e-4)
        assert (
            int(cols.alpha_in[netuid])
            == before[netuid][0] + int(cols.alpha_in_emission[netuid]) - bought
        )
        # the split: owner 18 %, miners 41 %, validators 41 %·(1 − rp); Σm = 0.1 ≤ 1, so the
        # root-sell flag is off and root alpha (41 %·rp) is recycled out of o. The table rounds
        # the owner cut 11 796/65 535 = 0.179995 to 18 % (rel 2.5e-5 on these four rows)
        assert int(cols.pending_owner_cut[netuid]) == _table(owner, rel=3e-5)
        assert ext.get("pending_server", netuid) == _table(miners, rel=3e-5)
        assert ext.get("pending_validator", netuid) == _table(vali, rel=3e-5)
        assert ext.get("pending_root_alpha", netuid) == 0
        recycled = before[netuid][1] + e_alpha * TAO + bought - int(cols.alpha_out[netuid])
        assert recycled == _table(root, rel=3e-5)
        assert ext.get("root_prop_bits", netuid) / ONE32 == pytest.approx(rp, abs=1e-5)
    assert state.total_issuance == issuance + minted  # the unspent rao of E recycled
    assert minted <= TAO // 2


# -- the dividend-distribution vectors through the epoch payout -----------------------------


def _dividend_cases():
    document = json.loads((SHARED / "vectors" / "coinbase_dividend_distribution.json").read_text())
    return [c for c in document["cases"] if c["function"] == "calculate_dividend_distribution"]


@pytest.mark.parametrize("case", _dividend_cases(), ids=lambda c: c["name"])
def test_dividend_distribution_vectors_pass_through_the_epoch_payout(case):
    inputs, expected = case["inputs"], case["expected"]
    tolerance = expected["abs_tolerance_rao"]
    tao_weight = round(inputs["tao_weight"] * (2**64 - 1))
    genesis = Genesis("summer-2026", tao_weight_u64=tao_weight, default_take_u16=0)
    genesis.subnet(1, "owner", "owner-hk", tao_in=10**15, alpha_in=10**15)
    for hotkey, (alpha, root) in inputs["stake_map"].items():
        genesis.neuron(1, f"hk{hotkey}", f"ck{hotkey}")
        genesis.stake(f"ck{hotkey}", f"hk{hotkey}", 1, alpha).stake(
            f"ck{hotkey}", f"hk{hotkey}", 0, root
        )
    state = genesis.build()
    _start_calls(state, [1])
    # the pots the payout drains are alpha already counted in o
    state.columns.alpha_out[1] += inputs["pending_validator_alpha"] + inputs["pending_root_alpha"]
    payouts = pay_epoch(
        state,
        1,
        0,
        inputs["pending_validator_alpha"],
        inputs["pending_root_alpha"],
        0,
        {f"hk{h}": 1 for h in inputs["epoch_dividends"]},  # incentive > 0: the pot is v alone
        {f"hk{h}": d for h, d in inputs["epoch_dividends"].items()},
    )
    invariants.check(state)
    alpha = dict(zip(payouts.validator_hotkeys, payouts.alpha_rest, strict=True))
    root = {
        h: take + rest
        for h, take, rest in zip(
            payouts.validator_hotkeys, payouts.tao_take, payouts.tao_rest, strict=True
        )
    }
    assert sum(alpha.values()) <= inputs["pending_validator_alpha"]
    assert sum(alpha.values()) == pytest.approx(expected["sum_alpha_dividends"], abs=tolerance)
    assert sum(root.values()) == pytest.approx(expected["sum_root_alpha_dividends"], abs=tolerance)
    for hotkey, want in expected["derived_per_hotkey_alpha_dividends"].items():
        assert alpha[f"hk{hotkey}"] == pytest.approx(want, abs=tolerance)
    for hotkey, want in expected["derived_per_hotkey_root_alpha_dividends"].items():
        assert root[f"hk{hotkey}"] == pytest.approx(want, abs=tolerance)
    for hotkey, amount in alpha.items():  # take 0: the alpha part lands in the hotkey's pool
        stake = inputs["stake_map"][hotkey[2:]][0]
        assert ledger.get_hotkey_stake(state, hotkey, 1) >= stake + amount


# -- the emission switch (governance) --------------------------------------------------------


def test_set_subnet_emission_enabled_switches_the_tao_share_and_refuses_cleanly():
    state = _genesis_4b()
    rules = rules_for(state.params)
    apply(state, rules, SetSubnetEmissionEnabled(2, False))
    assert summer_columns(state).get("emission_enabled", 2) == 0
    for op, error in (
        (SetSubnetEmissionEnabled(0, True), E.NotPermittedOnRootSubnet),
        (SetSubnetEmissionEnabled(9, True), E.SubnetDoesNotExist),
    ):
        before = digest(state)
        with pytest.raises(error):
            apply(state, rules, op)
        assert digest(state) == before
    process_block(state, rules)
    invariants.check(state)
    cols = state.columns
    assert cols.tao_in_emission[2] == 0 and summer_columns(state).get("excess_tao", 2) == 0
    assert cols.alpha_out_emission[2] == TAO // 2  # alpha still emitted
    # the enabled two share all of E: 0.05 : 0.015 (SN3 burns half)
    t1 = int(cols.tao_in_emission[1]) + summer_columns(state).get("excess_tao", 1)
    assert t1 == pytest.approx(TAO // 2 * 0.05 / 0.065, rel=1e-6)


# -- the scheduler and many blocks -----------------------------------------------------------


def _network(subnets=4, tempo=5, max_epochs=2):
    genesis = Genesis(
        "summer-2026", tempo=tempo, max_epochs_per_block=max_epochs, owner_cut_u16=11_796
    )
    genesis.fund("whale", 1_000 * TAO).hotkey("rooter", "validator")
    genesis.stake("rooter", "validator", 0, 500 * TAO)
    for netuid in range(1, subnets + 1):
        genesis.subnet(
            netuid,
            f"owner{netuid}",
            f"owner-hk{netuid}",
            tao_in=100 * TAO,
            alpha_in=100 * TAO,
            moving_price_bits=ONE32 // 2,
        )
        genesis.neuron(netuid, "validator", "rooter").neuron(netuid, f"miner{netuid}", "mc")
        genesis.stake("rooter", "validator", netuid, 10 * TAO)
    state = genesis.build()
    _start_calls(state, range(1, subnets + 1))
    return state


def test_at_most_max_epochs_run_per_block_and_the_rest_are_deferred():
    state = _network(subnets=5, tempo=3, max_epochs=2)
    rules = rules_for(state.params)
    ext = summer_columns(state)
    runs: dict[int, list[int]] = {}
    for _ in range(12):
        receipt = process_block(state, rules)
        assert len(receipt.epochs) <= 2
        runs[state.block] = [p.netuid for p in receipt.epochs]
        invariants.check(state)
    first = min(b for b, r in runs.items() if r)
    assert runs[first] == [1, 2]  # all five due at once: netuid order, two per block
    assert runs[first + 1] == [3, 4] and runs[first + 2] == [5]
    assert ext.get("pending_epoch_at", 5) == 0
    assert all(ext.get("blocks_since_last_step", n) <= 3 for n in range(1, 6))


def test_conservation_holds_over_many_blocks_with_epochs_and_root_sells():
    state = _network(subnets=3, tempo=4)
    rules = rules_for(state.params)
    # moving prices Σm = 1.5 > 1: root alpha goes to the pots and is accrued for root claims
    for _ in range(40):
        receipt = process_block(state, rules)
        invariants.check(state)
        for payouts in receipt.epochs:
            # the owner hotkey's own incentive is burned; the miner's is staked
            assert "owner-hk" + str(payouts.netuid) not in payouts.miner_hotkeys
    ext = summer_columns(state)
    assert any(ext.get("root_claimable_alpha", n) > 0 for n in (1, 2, 3))
    assert all(ext.get("pending_root_alpha", n) >= 0 for n in (1, 2, 3))
    assert state.total_issuance > 0


def test_incentive_to_an_owner_hotkey_is_burned_and_moves_the_subnet_s_share_away():
    from dtao.operations import SetWeights

    state = _network(subnets=2, tempo=4)
    state.params = state.params.replace(weights_rate_limit=0)
    rules = rules_for(state.params)
    while not any(state.subnets[n].last_epoch_block for n in (1, 2)) or not all(
        state.subnets[n].neurons.validator_permit[1] for n in (1, 2)
    ):
        process_block(state, rules)
    # the validator (UID 1) weights the owner hotkey (UID 0) on 1 and the miner (UID 2) on 2
    apply(state, rules, SetWeights("validator", 1, (0,), (65_535,)))
    apply(state, rules, SetWeights("validator", 2, (2,), (65_535,)))
    miner_before = ledger.get_hotkey_stake(state, "miner2", 2)
    owner_before = ledger.get_hotkey_stake(state, "owner-hk1", 1)
    for _ in range(10):
        process_block(state, rules)
        invariants.check(state)
    ext = summer_columns(state)
    assert ext.get("miner_burned_bits", 1) == ONE32  # all of subnet 1's incentive withheld
    assert ext.get("miner_burned_bits", 2) == 0
    assert ledger.get_hotkey_stake(state, "miner2", 2) > miner_before
    # the owner hotkey's stake grows by the owner cut only, never by its burned incentive
    owner_gain = ledger.get_hotkey_stake(state, "owner-hk1", 1) - owner_before
    assert owner_gain > 0 and ext.get("alpha_burned", 1) > owner_gain  # 41 % vs 18 %
    receipt = process_block(state, rules)
    assert receipt.emissions.share[0] == 0.0 and receipt.emissions.share[1] == 1.0


def test_a_summer_state_after_epochs_round_trips_through_json():
    from dtao.codec import dumps, loads

    state = _network(subnets=3, tempo=4)
    rules = rules_for(state.params)
    for _ in range(12):
        process_block(state, rules)
    assert "root-claims" in state.extensions
    again = loads(dumps(state), check=invariants.check)
    assert digest(again) == digest(state)
    process_block(state, rules), process_block(again, rules_for(again.params))
    assert digest(again) == digest(state)


def test_one_epoch_payout_checked_by_hand():
    """Owner hotkey UID 0 (no stake), validator V (UID 1, 100 α and 500 τ on root), miner M
    (UID 2); V weights M. Yuma: incentive all M's, dividends all V's, each half of the pots'
    total. V's dividend splits by its stake mix (both parts > 0), so rescaled its alpha part
    is the whole validator pot v and its root part the whole root pot r; the 18 % take of each
    is V's owner's alpha stake, the alpha rest V's pool, the root rest accrued for root claims
    (rate = rest / V's root stake)."""
    genesis = Genesis("summer-2026", tao_weight_u64=(2**64 - 1) // 2)
    genesis.subnet(1, "owner", "owner-hk", tao_in=1_000 * TAO, alpha_in=1_000 * TAO)
    genesis.neuron(1, "V", "vc").neuron(1, "M", "mc")
    genesis.stake("vc", "V", 1, 100 * TAO).stake("vc", "V", 0, 500 * TAO)
    state = genesis.build()
    _start_calls(state, [1])
    neurons = state.subnets[1].neurons
    neurons.validator_permit[:3] = [False, True, False]
    neurons.weights[1, 2] = 65_535
    neurons.weights_present[1, 2] = True
    state.block += 5
    neurons.last_update[:3] = state.block - 1  # weights set after the registrations
    s, v, r, c = 410 * TAO + 1, 300 * TAO + 7, 110 * TAO, 180 * TAO
    ext = summer_columns(state)
    for column, amount in (
        ("pending_server", s),
        ("pending_validator", v),
        ("pending_root_alpha", r),
    ):
        ext.set(column, 1, amount)
    state.columns.pending_owner_cut[1] = c
    state.columns.alpha_out[1] += s + v + r + c  # the pots are alpha already counted in o
    rules = rules_for(state.params)
    payouts = epochs = rules.epoch(state, rules, 1)
    invariants.check(state)
    total = s + v + r
    assert payouts.miner_hotkeys == ["M"] and payouts.incentive == [total // 2]
    assert ledger.get_hotkey_stake(state, "M", 1) == total // 2
    take_bits = (11_796 << 32) // 65_535  # get_hotkey_take_float, U96F32 (floored)
    i = payouts.validator_hotkeys.index("V")
    # a single validator's share of each pot is exactly 1.0, so each part is its whole pot
    assert payouts.alpha_take[i] == take_bits * v >> 32
    assert payouts.alpha_rest[i] == ((v << 32) - (take_bits * v)) >> 32
    assert payouts.tao_take[i] == take_bits * r >> 32
    assert payouts.tao_rest[i] == ((r << 32) - (take_bits * r)) >> 32
    # V's pool: its own 100 α + the alpha part + the root part's take
    assert ledger.get_hotkey_stake(state, "V", 1) == (
        100 * TAO + payouts.alpha_take[i] + payouts.alpha_rest[i] + payouts.tao_take[i]
    )
    assert ext.get("root_claimable_alpha", 1) == payouts.tao_rest[i]
    rate = root_claims_rate(state, "V", 1)
    assert rate == pytest.approx(payouts.tao_rest[i] / (500 * TAO), rel=1e-9)
    assert ledger.get_hotkey_stake(state, "owner-hk", 1) == c  # the owner cut
    assert all(ext.get(p, 1) == 0 for p in ("pending_server", "pending_validator"))
    assert epochs.drained_alpha == total + c
    # the miners get half of s + v + r = s + 3 (their pot is s): the chain credits 3 alpha
    # beyond o, less the validators' flooring dust
    dust = (
        v
        + r
        - (payouts.alpha_take[i] + payouts.alpha_rest[i])
        - (payouts.tao_take[i] + payouts.tao_rest[i])
    )
    assert total // 2 - s == 3
    assert state.columns.alpha_unbacked[1] == dust - 3


def root_claims_rate(state, hotkey, netuid):
    from dtao.root_claim import root_claims

    return root_claims(state).claimable[hotkey][netuid] / ONE32


def test_root_alpha_beyond_the_hotkey_s_root_stake_is_staked_to_its_owner():
    from dtao.root_claim import increase_root_claimable, root_claims

    state = _network(subnets=1)
    root_stake = ledger.get_hotkey_stake(state, "validator", 0)
    before = ledger.get_stake(state, "rooter", "validator", 1)
    increase_root_claimable(state, "validator", 1, root_stake + 1)  # more than its root stake
    assert ledger.get_stake(state, "rooter", "validator", 1) == before + root_stake + 1
    assert "validator" not in root_claims(state).claimable
    increase_root_claimable(state, "validator", 1, 0)  # zero still writes the entry (mutate)
    assert root_claims(state).claimable["validator"] == {1: 0}


def test_a_refused_chain_buy_leaves_its_tao_on_the_subnet_account():
    """x = 500 000 alpha-rao is below SwapMinimumReserve (10⁶): the buy is refused
    (ReservesTooLow) and its TAO stays on the subnet's account (the summer-2026
    ``chain_buy_failure`` switch: stranded, not refunded)."""
    genesis = Genesis("summer-2026").hotkey("r", "rh").stake("r", "rh", 0, 10**6 * TAO)
    genesis.subnet(1, "o", "oh", tao_in=100_000, alpha_in=500_000, moving_price_bits=ONE32 // 5)
    state = genesis.build()
    _start_calls(state, [1])
    ext = summer_columns(state)
    y_before, issuance = int(state.columns.tao_in[1]), state.total_issuance
    process_block(state, rules_for(state.params))
    invariants.check(state)
    tao_in = int(state.columns.tao_in_emission[1])
    stranded = ext.get("account_tao", 1)
    assert stranded > 0 and ext.get("excess_tao", 1) == 0 and ext.get("protocol_alpha", 1) == 0
    assert int(state.columns.tao_in[1]) == y_before + tao_in
    assert state.total_issuance == issuance + tao_in + stranded  # minted, nothing recycled


def test_the_launch_runtime_has_no_emission_switch():
    net = dtao.Network("launch")
    before = net.digest()
    with pytest.raises(E.CallUnavailable):
        net.submit(SetSubnetEmissionEnabled(1, True))
    assert net.digest() == before and "summer-2026" not in net.to_json()
