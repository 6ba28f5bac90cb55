"""The Null epoch consensus of spec 474/475 (dtao-current.md §9.2): a per-subnet alternative
to Yuma chosen by the summer column ``epoch_consensus`` (``SubnetEpochConsensus``, default Yuma).

Null mode, over the subnet's UIDs with stake weights S (α + tw·τ, as Yuma's):

* one validator permit, for the largest-stake UID (the lowest UID on a tie; none when Σ S = 0);
* the budget E splits into validators ⌊E/2⌋ and miners E − ⌊E/2⌋ (all to miners when Σ S = 0);
* miner incentive follows the winner's stored weight row, normalised; entries to UIDs registered
  at or after the row's ``last_update`` are stale (Yuma's outdated mask); an empty or fully stale
  row falls back to an equal split over every UID;
* dividends are ⌊V·S_i/ΣS⌋ for every stake holder, permit or not, active or not;
* no bonds (the subnet's bonds are cleared). Each amount is floored; the rest stays unpaid
  (``alpha_unbacked`` of :mod:`dtao.epoch_summer`).

In the payout (:func:`dtao.epoch_summer.distribute_emission`) the terms cover the server and
validator pots only (the Emission vector is s + v); the root pot goes to the era's root
dividend route as under Yuma, and is recycled out of o when no UID has stake
(:func:`recycle_unearned_root`).

Re-expressed from RaoFoundation/subtensor ``null_consensus.rs`` tests (spec-474 version,
file-version id:70888915236, the ops_current_emission.json ``null_*`` cases); the consensus code
itself was not read, so rounding follows the cases' notes (floors, tolerance ≤ 5 rao).
The 2 500-UID shared cap of §9.2 is not modelled (dtao's subnets stay under it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dtao import childkeys
from dtao.epoch import stake_weights
from dtao.state import State
from dtao.summer import SummerColumns, summer_columns

#: ``SubnetEpochConsensus`` values of the summer column ``epoch_consensus``
YUMA, NULL = 0, 1
MODES = {"Yuma": YUMA, "Null": NULL}


@dataclass
class NullResult:
    """Per-UID outputs of a Null epoch (alpha-rao amounts, floored)."""

    active: npt.NDArray[np.bool_]
    new_validator_permit: npt.NDArray[np.bool_]
    server_emission: npt.NDArray[np.int64]
    validator_emission: npt.NDArray[np.int64]


def epoch_consensus(state: State, netuid: int) -> int:
    """The subnet's ``SubnetEpochConsensus`` (:data:`YUMA` or :data:`NULL`; Yuma in a state
    without the summer columns, which is left without them)."""
    ext = state.extensions.get(SummerColumns.name)
    return YUMA if ext is None else ext.get("epoch_consensus", netuid)  # type: ignore[attr-defined]


def _stakes(state: State, netuid: int) -> list[int]:
    """Stake weight per UID (α + tw·τ, inherited through childkeys as Yuma's), floored rao."""
    subnet = state.subnets[netuid]
    alpha, root, stake = stake_weights(state, subnet)
    borrowed = childkeys.inherited_stake(state, netuid, subnet.neurons.hotkeys)
    if borrowed is not None:
        alpha, root = (np.array(v, dtype=np.int64) for v in borrowed)
        stake = alpha + state.params.tao_weight * root
    return [int(s) for s in np.asarray(stake).tolist()]


def elect(stakes: list[int]) -> int | None:
    """The single permit: the first UID of largest stake, None when nobody has stake."""
    if not stakes or max(stakes) <= 0:
        return None
    return stakes.index(max(stakes))


def set_epoch_consensus(state: State, netuid: int, mode: int, checked: bool) -> None:
    """Set ``SubnetEpochConsensus``; ``checked`` (the admin path) switching to Null also sets
    MaxAllowedValidators = 1 and gives the single permit to the elected UID."""
    summer_columns(state).set("epoch_consensus", netuid, mode)
    if checked and mode == NULL:
        subnet = state.subnets[netuid]
        subnet.max_validators = 1
        winner = elect(_stakes(state, netuid))
        subnet.neurons.validator_permit[:] = False
        if winner is not None:
            subnet.neurons.validator_permit[winner] = True


def null_terms(state: State, netuid: int, total: int) -> NullResult:
    """One Null epoch's terms over ``total`` alpha-rao (nothing stored)."""
    neurons = state.subnets[netuid].neurons
    n = neurons.n
    stakes = _stakes(state, netuid)
    stake_sum = sum(stakes)
    winner = elect(stakes)
    validators = total // 2 if stake_sum else 0
    miners = total - validators
    row = _winner_row(neurons, winner, n)
    row_sum = sum(row)
    server = np.array(
        [miners * w // row_sum if row_sum else miners // n for w in row], dtype=np.int64
    )
    validator = np.array(
        [validators * s // stake_sum if stake_sum else 0 for s in stakes], dtype=np.int64
    )
    permit = np.zeros(n, dtype=bool)
    if winner is not None:
        permit[winner] = True
    active = neurons.last_update[:n] >= state.block - int(state.params.activity_cutoff)
    return NullResult(active, permit, server, validator)


def persist(state: State, netuid: int, terms: NullResult) -> None:
    """``persist_netuid_epoch_terms``: permits, activity and emission stored; bonds cleared."""
    subnet = state.subnets[netuid]
    neurons = subnet.neurons
    n = neurons.n
    neurons.validator_permit[:n] = terms.new_validator_permit
    neurons.active[:n] = terms.active
    neurons.emission[:n] = terms.server_emission + terms.validator_emission
    neurons.bonds[:n, :n] = 0
    subnet.last_epoch_block = state.block


def null_epoch(state: State, netuid: int, total: int) -> NullResult:
    """One Null epoch over ``total`` alpha-rao, its terms stored (:func:`persist`)."""
    terms = null_terms(state, netuid, total)
    persist(state, netuid, terms)
    return terms


def recycle_unearned_root(state: State, netuid: int, root: int, terms: NullResult) -> int:
    """A Null epoch with no validator term (nobody has stake): the root pot has no earner and
    is recycled, SubnetAlphaOut falls by it (saturating at 0); returns the alpha removed."""
    if terms.validator_emission.any():
        return 0
    removed = min(max(root, 0), state.columns.get("alpha_out", netuid))
    state.columns.add("alpha_out", netuid, -removed)
    return removed


def _winner_row(neurons: object, winner: int | None, n: int) -> list[int]:
    """The winner's stored u16 weights with stale entries (target registered at or after the
    row's ``last_update``) masked; all zero when there is no winner."""
    if winner is None:
        return [0] * n
    weights = neurons.weights[winner, :n]  # type: ignore[attr-defined]
    updated = int(neurons.last_update[winner])  # type: ignore[attr-defined]
    registered = neurons.registered_at[:n]  # type: ignore[attr-defined]
    return [int(w) if updated > int(r) else 0 for w, r in zip(weights, registered, strict=True)]
