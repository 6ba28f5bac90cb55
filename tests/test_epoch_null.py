"""The Null epoch consensus of spec 474 (dtao.epoch_null): a hand-checked epoch through the
payout, the sudo record, and conservation over many blocks of a Null subnet."""

from __future__ import annotations

import pytest

from dtao import Genesis, invariants, ledger
from dtao import errors as E
from dtao.block import process_block
from dtao.epoch_null import NULL, YUMA, epoch_consensus, null_terms
from dtao.eras import rules_for
from dtao.operations import SetEpochConsensus, apply
from dtao.summer import summer_columns

TAO = 10**9


def _subnet(preset="current", **params):
    """Subnet 1: owner hotkey UID 0 (no stake), validators V1 (UID 1, 300 α) and V2 (UID 2,
    100 α), miner M (UID 3); start_call done and emission on."""
    genesis = Genesis(preset, **params)
    genesis.subnet(1, "owner", "owner-hk", tao_in=1_000 * TAO, alpha_in=1_000 * TAO)
    genesis.neuron(1, "V1", "c1").neuron(1, "V2", "c2").neuron(1, "M", "cm")
    genesis.stake("c1", "V1", 1, 300 * TAO).stake("c2", "V2", 1, 100 * TAO)
    state = genesis.build()
    ext = summer_columns(state)
    ext.set("first_emission_block", 1, state.block)
    ext.set("subtoken_enabled", 1, 1)
    ext.set("emission_enabled", 1, 1)
    return state


def test_one_null_epoch_checked_by_hand():
    """Pots s = v = 300 α: the terms cover s + v = 600, miners 300 and validators 300. V1 has
    the largest stake: the single permit and its row (all to M) give M the 300; dividends by
    stake 3:1 are 225 / 75 (V2 has no permit and still earns), the take goes back to each
    validator's own coldkey, so each hotkey's alpha grows by its whole dividend."""
    state = _subnet()
    rules = rules_for(state.params)
    apply(state, rules, SetEpochConsensus(1, NULL))
    neurons = state.subnets[1].neurons
    assert epoch_consensus(state, 1) == NULL and state.subnets[1].max_validators == 1
    assert neurons.validator_permit[:4].tolist() == [False, True, False, False]
    state.block += 5
    neurons.weights[1, 3] = 65_535
    neurons.weights_present[1, 3] = True
    neurons.last_update[1] = state.block - 1  # after every registration
    neurons.bonds[1, 3] = 7
    s = v = 300 * TAO
    ext = summer_columns(state)
    ext.set("pending_server", 1, s)
    ext.set("pending_validator", 1, v)
    state.columns.alpha_out[1] += s + v  # the pots are alpha already counted in o
    before = {h: ledger.get_hotkey_stake(state, h, 1) for h in ("V1", "V2", "M")}
    payouts = rules.epoch(state, rules, 1)
    invariants.check(state)
    gained = {h: ledger.get_hotkey_stake(state, h, 1) - before[h] for h in before}
    assert payouts.miner_hotkeys == ["M"] and gained["M"] == 300 * TAO
    assert gained["V1"] == pytest.approx(225 * TAO, abs=2)
    assert gained["V2"] == pytest.approx(75 * TAO, abs=2)
    assert neurons.emission[:4].tolist() == [0, 225 * TAO, 75 * TAO, 300 * TAO]
    assert not neurons.bonds[:4, :4].any()


def test_the_stale_or_empty_winner_row_shares_the_miner_budget_equally():
    state = _subnet()
    rules = rules_for(state.params)
    apply(state, rules, SetEpochConsensus(1, NULL))
    terms = null_terms(state, 1, 800)  # V1 has no weights: 400 over the 4 UIDs
    assert terms.server_emission.tolist() == [100, 100, 100, 100]
    assert terms.validator_emission.tolist() == [0, 300, 100, 0]
    neurons = state.subnets[1].neurons
    neurons.weights[1, 3] = 65_535
    neurons.last_update[1] = int(neurons.registered_at[3])  # not after M's registration: stale
    assert null_terms(state, 1, 800).server_emission.tolist() == [100, 100, 100, 100]


def test_the_switch_is_a_current_sudo_record_refused_cleanly_elsewhere():
    state = _subnet()
    rules = rules_for(state.params)
    with pytest.raises(E.NotPermittedOnRootSubnet):
        apply(state, rules, SetEpochConsensus(0, NULL))
    with pytest.raises(E.SubnetDoesNotExist):
        apply(state, rules, SetEpochConsensus(9, NULL))
    apply(state, rules, SetEpochConsensus(1, NULL, checked=False))  # the bare storage write
    assert state.subnets[1].neurons.validator_permit[:4].tolist() == [False] * 4
    apply(state, rules, SetEpochConsensus(1, YUMA))
    assert epoch_consensus(state, 1) == YUMA
    summer = _subnet("summer-2026")
    with pytest.raises(E.CallUnavailable):
        apply(summer, rules_for(summer.params), SetEpochConsensus(1, NULL))


def test_a_null_subnet_conserves_over_many_blocks():
    state = _subnet(tempo=3)
    rules = rules_for(state.params)
    apply(state, rules, SetEpochConsensus(1, NULL))
    epochs = 0
    for _ in range(20):
        receipt = process_block(state, rules)
        invariants.check(state)
        epochs += len(receipt.epochs)
    assert epochs >= 3
    assert state.subnets[1].neurons.validator_permit[:4].tolist() == [False, True, False, False]
