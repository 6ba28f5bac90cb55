"""Vector handlers for the full-epoch scenario files (``epoch_*.json``).

A scenario is an ``initial_state`` (epoch-level storage of one subnet mechanism) plus ``steps``
(``set_weights``, ``set_weights_uniform``, ``set_state``, ``register``, ``reset_bonds_for_uid``,
``epoch``), documented in each file's ``schema``. :func:`replay` applies the steps and runs
:func:`dtao.yuma.epoch` with the **exact** backend for the assertions (the float backend is
compared separately in ``tests/test_yuma.py``). Storage follows the chain: ``set_weights`` stores
max-upscaled u16 values with explicit zeros; after an epoch the permits and bond rows carry over.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from dtao import yuma
from dtao.conformance.registry import EPOCH_SCENARIO, Case, CaseFailed, check, handles
from dtao.units import U16_MAX


@dataclass
class ScenarioState:
    """Epoch-level storage of one subnet mechanism, as the scenario files describe it."""

    n: int
    current_block: int
    tempo: int
    activity_cutoff: int
    last_mechanism_step_block: int
    last_update: list[int]
    block_at_registration: npt.NDArray[np.int64]
    stake: list[int]
    stake_threshold: int
    owner_uid: int | None
    validator_permit: npt.NDArray[np.bool_]
    max_allowed_validators: int
    weights: npt.NDArray[np.uint16]
    weights_present: npt.NDArray[np.bool_]
    bonds: npt.NDArray[np.uint16]
    hyper: dict[str, Any] = field(default_factory=dict)
    rao_emission: int = 0

    @property
    def last_tempo(self) -> int:
        """``current - tempo`` (saturating) before the first recorded epoch, else that block + 1."""
        if self.last_mechanism_step_block == 0:
            return max(self.current_block - self.tempo, 0)
        return self.last_mechanism_step_block + 1

    def params(self) -> yuma.YumaParams:
        """HEAD-era parameters with the scenario's hyperparameters."""
        h = self.hyper
        return yuma.YumaParams(
            kappa=int(h["kappa"]),
            bonds_penalty=int(h["bonds_penalty"]),
            bonds_moving_average=int(h["bonds_moving_average"]),
            yuma3=bool(h["yuma3"]),
            liquid_alpha=bool(h["liquid_alpha"]),
            alpha_low=int(h["alpha_low"]),
            alpha_high=int(h["alpha_high"]),
            alpha_sigmoid_steepness=int(h["alpha_sigmoid_steepness"]),
            max_allowed_validators=self.max_allowed_validators,
            activity_cutoff=self.activity_cutoff,
            stake_threshold=self.stake_threshold,
        )

    def inputs(self) -> yuma.YumaInputs:
        """The epoch inputs for the current storage."""
        return yuma.YumaInputs(
            current_block=self.current_block,
            last_tempo=self.last_tempo,
            stake=np.array(self.stake, dtype=object),
            last_update=np.array(self.last_update, dtype=np.int64),
            block_at_registration=self.block_at_registration.copy(),
            validator_permit=self.validator_permit.copy(),
            owner_uid=self.owner_uid,
            weights=self.weights.copy(),
            weights_present=self.weights_present.copy(),
            bonds=self.bonds.copy(),
        )


_HYPER = (
    "kappa",
    "bonds_penalty",
    "bonds_moving_average",
    "yuma3",
    "liquid_alpha",
    "alpha_low",
    "alpha_high",
    "alpha_sigmoid_steepness",
)


def _rows_to_dense(rows: list[Any], n: int) -> tuple[npt.NDArray[np.uint16], npt.NDArray[np.bool_]]:
    values = np.zeros((n, n), dtype=np.uint16)
    present = np.zeros((n, n), dtype=bool)
    for i, row in enumerate(rows[:n]):
        for j, v in row:
            if int(j) < n:
                values[i, int(j)] = int(v)
                present[i, int(j)] = True
    return values, present


def load_state(initial: dict[str, Any]) -> ScenarioState:
    """Build the storage from a scenario's ``initial_state``."""
    n = int(initial["n"])
    weights, present = _rows_to_dense(initial["weights"], n)
    bonds, _ = _rows_to_dense(initial["bonds"], n)
    permit = np.zeros(n, dtype=bool)
    permit[: len(initial["validator_permit"])] = [bool(v) for v in initial["validator_permit"]][:n]
    owner = initial.get("owner_uid")
    return ScenarioState(
        n=n,
        current_block=int(initial["current_block"]),
        tempo=int(initial["tempo"]),
        activity_cutoff=int(initial["activity_cutoff"]),
        last_mechanism_step_block=int(initial["last_mechanism_step_block"]),
        last_update=[int(v) for v in initial["last_update"]],
        block_at_registration=np.array(initial["block_at_registration"], dtype=np.int64),
        stake=[int(v) for v in initial["stake"]],
        stake_threshold=int(initial["stake_threshold"]),
        owner_uid=None if owner is None else int(owner),
        validator_permit=permit,
        max_allowed_validators=int(initial["max_allowed_validators"]),
        weights=weights,
        weights_present=present,
        bonds=bonds,
        hyper={key: initial[key] for key in _HYPER},
        rao_emission=int(initial["rao_emission"]),
    )


def _set_weights(state: ScenarioState, uid: int, row: list[Any]) -> None:
    cols = [int(j) for j, _ in row]
    stored = yuma.max_upscale_weights_u16(np.array([int(v) for _, v in row], dtype=np.int64))
    state.weights[uid] = 0
    state.weights_present[uid] = False
    for j, v in zip(cols, stored.tolist(), strict=True):
        if j < state.n:
            state.weights[uid, j] = v
            state.weights_present[uid, j] = True
    while len(state.last_update) <= uid:
        state.last_update.append(0)
    state.last_update[uid] = state.current_block


def _set_state(state: ScenarioState, changes: dict[str, Any]) -> None:
    for key, value in changes.items():
        if key in _HYPER:
            state.hyper[key] = value
        elif key == "stake":
            state.stake = [int(v) for v in value]
        elif key == "last_update":
            state.last_update = [int(v) for v in value]
        elif key == "block_at_registration":
            state.block_at_registration = np.array(value, dtype=np.int64)
        elif key == "validator_permit":
            state.validator_permit = np.array([bool(v) for v in value], dtype=bool)
        elif key == "weights":
            state.weights, state.weights_present = _rows_to_dense(value, state.n)
        elif key == "bonds":
            state.bonds, _ = _rows_to_dense(value, state.n)
        elif key == "owner_uid":
            state.owner_uid = None if value is None else int(value)
        elif key in (
            "current_block",
            "tempo",
            "activity_cutoff",
            "last_mechanism_step_block",
            "stake_threshold",
            "max_allowed_validators",
            "rao_emission",
        ):
            setattr(state, key, int(value))
        elif key == "bonds_reset":
            state.hyper[key] = value
        else:
            raise CaseFailed(f"set_state: unknown key {key!r}")


def _register(state: ScenarioState, uid: int) -> None:
    state.weights[uid] = 0
    state.weights_present[uid] = False
    state.bonds[uid] = 0
    state.weights[:, uid] = 0  # stored weights on the UID are zeroed (entries stay)
    state.block_at_registration[uid] = state.current_block
    while len(state.last_update) <= uid:
        state.last_update.append(0)
    state.last_update[uid] = state.current_block
    state.validator_permit[uid] = False


EpochHook = Callable[[yuma.YumaInputs, yuma.YumaParams, int, yuma.YumaResult], None]


def replay(
    case: Case, backend: yuma.Backend = "exact", on_epoch: EpochHook | None = None
) -> list[yuma.YumaResult]:
    """Apply a scenario's steps and return the result of every executed epoch.

    ``on_epoch(inputs, params, rao_emission, result)`` is called after each epoch (tests use it
    to run the other backend on exactly the same inputs).
    """
    state = load_state(case["inputs"]["initial_state"])
    results: list[yuma.YumaResult] = []
    for step in case["inputs"]["steps"]:
        if "block" in step:
            state.current_block = int(step["block"])
        actions = [key for key in step if key != "block"]
        if len(actions) != 1:
            raise CaseFailed(f"step must have exactly one action: {step!r}")
        action = actions[0]
        value = step[action]
        if action == "set_weights":
            for uid, row in value:
                _set_weights(state, int(uid), row)
        elif action == "set_weights_uniform":
            targets = [int(t) for t in value["targets"]]
            for uid in value["uids"]:
                _set_weights(state, int(uid), [[t, int(value["value"])] for t in targets])
        elif action == "set_state":
            _set_state(state, value)
        elif action == "register":
            _register(state, int(value["uid"] if isinstance(value, dict) else value))
        elif action == "reset_bonds_for_uid":
            state.bonds[:, int(value)] = 0
        elif action == "epoch":
            inputs, params = state.inputs(), state.params()
            result = yuma.epoch(inputs, params, state.rao_emission, backend)
            if on_epoch is not None:
                on_epoch(inputs, params, state.rao_emission, result)
            results.append(result)
            state.validator_permit = result.new_validator_permit.copy()
            state.bonds = result.bonds.copy()
        else:
            raise CaseFailed(f"unknown step action {action!r}")
    return results


_U16 = {
    "incentive": "incentive",
    "dividend": "dividends",
    "consensus": "consensus",
    "validator_trust": "validator_trust",
    "stake_weight": "stake_weight",
}
_RAO = ("emission", "server_emission", "validator_emission")
_BOOL = ("new_validator_permit", "active")


def _value(result: yuma.YumaResult, quantity: str, uid: int, col: int | None) -> float | int:
    if quantity in _U16:
        return int(getattr(result, _U16[quantity])[uid])
    if quantity in _RAO:
        return int(getattr(result, quantity)[uid])
    if quantity in _BOOL:
        return int(bool(getattr(result, quantity)[uid]))
    if quantity == "bonds":
        if col is None:
            raise CaseFailed("bonds assertion without col")
        return int(result.bonds[uid, col])
    if quantity == "dividend_fraction":
        return int(result.dividends[uid]) / U16_MAX
    if quantity == "bond_fraction_informational":
        if col is None:
            raise CaseFailed("bond fraction assertion without col")
        return int(result.bonds[uid, col]) / U16_MAX
    raise CaseFailed(f"unknown assertion quantity {quantity!r}")


def check_assertions(case: Case, results: list[yuma.YumaResult]) -> int:
    """Check every assertion of a scenario against the replayed epochs; returns the count."""
    count = 0
    for a in case["expected"]["assertions"]:
        index = int(a["epoch"])
        check(index < len(results), f"assertion on epoch {index}, only {len(results)} ran")
        uids = [int(u) for u in a["uids"]] if "uids" in a else [int(a["uid"])]
        col = None if a.get("col") is None else int(a["col"])
        want = a["value"]
        tol = a.get("abs_tolerance")
        for uid in uids:
            got = _value(results[index], a["quantity"], uid, col)
            where = f"epoch {index} {a['quantity']}[{uid}]" + (
                f"[{col}]" if col is not None else ""
            )
            if tol is not None:
                check(
                    abs(float(got) - float(want)) <= float(tol) + 1e-12,
                    f"{where}: got {got}, expected {want} ± {tol}",
                )
            else:
                expected = int(bool(want)) if isinstance(want, bool) else want
                check(got == expected, f"{where}: got {got}, expected {want}")
            count += 1
    return count


@handles(EPOCH_SCENARIO)
def _epoch_scenario(case: Case, document: dict[str, Any]) -> None:
    results = replay(case, "exact")
    check(check_assertions(case, results) > 0, "scenario has no assertions")
