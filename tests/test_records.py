"""Operations as data: records, one apply, process_block with receipts, governance."""

from __future__ import annotations

import pytest

import dtao
from dtao import errors as E
from dtao import operations as ops
from dtao.receipts import Registered, StakeSwap

TAO = 10**9


def _base() -> dtao.Network:
    net = dtao.Network("launch", network_rate_limit=1, network_min_lock=100 * TAO, tempo=5)
    for coldkey in ("alice", "bob", "carol"):
        net.fund(coldkey, 2_000 * TAO)
    return net


def test_a_block_of_records_equals_the_verbs_called_one_by_one():
    """The same script as verbs (step, then calls) and as process_block(records)."""
    verbs = _base()
    verbs.step(1)
    assert verbs.register_network("alice", "ahk") == 1
    verbs.burned_register("bob", "bhk", 1)
    verbs.transfer("carol", "dave", 50 * TAO)
    verbs.add_stake("bob", "bhk", 1, 100 * TAO)
    verbs.add_stake("carol", "bhk", 0, 300 * TAO)
    with pytest.raises(E.NotEnoughBalanceToStake):
        verbs.add_stake("dave", "bhk", 1, 60 * TAO)
    verbs.step(1)
    verbs.set_take("bob", "bhk", 5_000)
    alpha = verbs.stake("bob", "bhk", 1)
    verbs.remove_stake("bob", "bhk", 1, alpha // 3)
    verbs.move_stake("bob", "bhk", "ahk", 1, 1, alpha // 3)
    verbs.transfer_stake("carol", "erin", "bhk", 0, 1, 100 * TAO)
    verbs.swap_stake("bob", "bhk", 1, 0, alpha // 4)
    verbs.step(12)

    records = _base()
    first = records.process_block(
        [
            dtao.RegisterNetwork("alice", "ahk"),
            dtao.BurnedRegister("bob", "bhk", 1),
            dtao.Transfer("carol", "dave", 50 * TAO),
            dtao.AddStake("bob", "bhk", 1, 100 * TAO),
            dtao.AddStake("carol", "bhk", 0, 300 * TAO),
            dtao.AddStake("dave", "bhk", 1, 60 * TAO),  # rejected, recorded
        ]
    )
    assert [r.result for r in first.receipts[:2]] == [1, 1]
    assert [r.error_name for r in first.rejected] == ["NotEnoughBalanceToStake"]
    second = records.process_block(
        [
            dtao.SetTake("bob", "bhk", 5_000),
            dtao.RemoveStake("bob", "bhk", 1, alpha // 3),
            dtao.MoveStake("bob", "bhk", "ahk", 1, 1, alpha // 3),
            dtao.TransferStake("carol", "erin", "bhk", 0, 1, 100 * TAO),
        ]
    )
    assert all(r.ok for r in second.receipts)
    assert records.submit(dtao.SwapStake("bob", "bhk", 1, 0, alpha // 4)).ok
    records.step(12)
    assert records.digest() == verbs.digest()


def test_receipts_carry_swaps_registrations_emission_and_payouts():
    net = _base()
    preview = dtao.Network.from_json(net.to_json())
    preview.step(1)
    lock = preview.network_lock_cost()  # the cost at the next block, where the record runs
    receipt = net.process_block(
        [dtao.RegisterNetwork("alice", "ahk"), dtao.BurnedRegister("bob", "bhk", 1)]
    )
    reg, neuron = receipt.receipts
    assert reg.events == (Registered(1, "alice", "ahk", lock),)
    assert neuron.events[0].uid == 1 and neuron.events[0].cost == net.params.burn_initial
    stake = net.submit(dtao.AddStake("carol", "bhk", 1, 10 * TAO))
    (swap,) = stake.events
    assert isinstance(swap, StakeSwap) and swap.buy
    assert swap.fee == net.params.staking_fee and swap.tao == 10 * TAO - swap.fee
    assert swap.alpha == stake.result == net.stake("carol", "bhk", 1)
    block = net.step(1)
    assert block is not None and block.coinbase_path != "none"
    assert block.emissions is not None and block.emissions.netuids.tolist() == [1]
    assert block.emissions.alpha_out.tolist() == [net.params.base_block_emission]
    # run to the subnet's epoch: the payouts in the receipt are what the positions gained
    before = {hk: net.hotkey_stake(hk, 1) for hk in ("ahk", "bhk")}
    for _ in range(10):
        block = net.step(1)
        if block and block.epochs:
            break
    assert block is not None and [p.netuid for p in block.epochs] == [1]
    payouts = block.epochs[0]
    gained = {hk: net.hotkey_stake(hk, 1) - before[hk] for hk in before}
    paid = payouts.per_hotkey()
    for hotkey, gain in gained.items():
        row = paid.get(hotkey, {"incentive": 0, "dividends": 0})
        owner_cut = payouts.owner_cut if hotkey == payouts.owner_hotkey else 0
        assert gain == row["incentive"] + row["dividends"] + owner_cut
    assert sum(gained.values()) <= payouts.drained_alpha + net.subnet(1).pending_alpha_swapped


def test_a_governance_record_changes_the_rules_for_the_rest_of_the_block():
    net = _base()
    net.process_block([dtao.RegisterNetwork("alice", "ahk")])
    receipt = net.process_block(
        [
            dtao.AddStake("bob", "ahk", 1, 10 * TAO),
            dtao.Governance("staking_fee", 10_000),
            dtao.AddStake("bob", "ahk", 1, 10 * TAO),
            dtao.Governance("no_such_parameter", 1),
        ]
    )
    fees = [r.events[0].fee for r in receipt.receipts if r.events]
    assert fees == [50_000, 10_000]
    assert receipt.rejected[0].error_name == "ConfigError"
    assert net.params.staking_fee == 10_000 and net.rules.pool.fee.buy_fee(TAO) == 10_000
    digest = net.digest()
    with pytest.raises(E.ConfigError):
        net.govern("tempo", "fast")
    assert net.digest() == digest


@pytest.mark.parametrize(
    "make",
    [
        lambda: dtao.Transfer(7, "bob", 0),  # type: ignore[arg-type]
        lambda: dtao.Transfer("alice", "", 1),
        lambda: dtao.AddStake("a", "h", 1.0, 10),  # type: ignore[arg-type]
        lambda: dtao.AddStake("a", "h", True, 10),  # type: ignore[arg-type]
        lambda: dtao.AddStake("a", "h", 1, 10, allow_partial="no"),  # type: ignore[arg-type]
        lambda: dtao.AddStake("a", "h", 1, -1),
        lambda: dtao.AddStake("a", "h", 1, 2**64),
        lambda: dtao.RemoveStake("a", "h", 70_000, 10),
        lambda: dtao.SetWeights("h", 1, "01", (1, 2)),  # type: ignore[arg-type]
        lambda: dtao.Fund(["a"], 1),  # type: ignore[arg-type]
    ],
)
def test_a_malformed_record_cannot_be_made(make):
    with pytest.raises(E.ProtocolError):
        make()


def test_records_round_trip_as_plain_data():
    records = [
        dtao.AddStake("a", "h", 1, 10, limit_price=2 * TAO, allow_partial=True),
        dtao.SetWeights("h", 1, (0, 1), (65_535, 3)),
        dtao.Governance("tempo", 99),
    ]
    for record in records:
        assert ops.from_dict(ops.to_dict(record)) == record
    with pytest.raises(E.InvalidAmount, match="unknown operation"):
        ops.from_dict({"op": "Teleport"})
    with pytest.raises(E.InvalidAmount, match="no field"):
        ops.from_dict({"op": "Fund", "coldkey": "a", "amount": 1, "color": "red"})


def test_apply_refuses_what_is_not_a_record():
    net = _base()
    with pytest.raises(E.InvalidAmount, match="not an operation record"):
        net.submit(("AddStake", "a"))  # type: ignore[arg-type]
