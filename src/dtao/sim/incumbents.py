"""The genesis's own validators at work: the synthetic validators (``val-<i>``, registered on
every subnet, holding the snapshot's stake) keep setting weights, as the real network's do.

Without weights a subnet's epoch pays its miners nothing (Yuma has no consensus to pay: the
server pot stays unpaid, measured in ``tests/test_sim_runner.py``), so a genesis whose
validators never vote would have no miner economy at all. The rule, stated in
``docs/simulator.md``: every ``every`` blocks each validator scores every other UID of each
subnet except the owner's (UID 0) and the validators' by the miner's hidden quality
(``dtao.sim.agents.hidden_quality(seed, hotkey)``, the rule miner agents use) plus
N(0, :data:`NOISE`) noise, clipped at 0, max-upscaled to u16, and sets those weights.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dtao.operations import Operation, SetWeights
from dtao.units import U16_MAX

NOISE = 0.1  # std of the noise on each score (quality units)


class Incumbents:
    """The synthetic validators as one agent (the ``dtao.sim.agents.Agent`` protocol)."""

    name = "incumbent-validators"
    coldkey = "genesis:val-0"
    initial_balance = 0

    def __init__(self, hotkeys: list[str], seed: int, every: int, offset: int) -> None:
        from dtao.sim.agents import hidden_quality

        self.hotkeys = list(hotkeys)
        self.seed = seed
        self.every = every
        self.offset = offset
        self._quality = hidden_quality
        self.weight_sets = 0
        self.refused = 0

    def act(self, view: Any, rng: np.random.Generator) -> list[Operation]:
        validators = set(self.hotkeys)
        records: list[Operation] = []
        for netuid in view.netuids:
            neurons = view.neurons(netuid)
            miners = [
                uid
                for uid, hotkey in enumerate(neurons.hotkeys)
                if uid != 0 and hotkey not in validators
            ]
            if not miners:
                continue
            quality = np.array([self._quality(self.seed, neurons.hotkeys[u]) for u in miners])
            for hotkey in self.hotkeys:
                if hotkey not in neurons.hotkeys:
                    continue
                score = np.clip(quality + rng.normal(0.0, NOISE, len(miners)), 0.0, None)
                if score.max() <= 0:
                    continue
                weights = np.floor(score / score.max() * U16_MAX).astype(int).tolist()
                records.append(SetWeights(hotkey, netuid, tuple(miners), tuple(weights)))
        self.weight_sets += len(records)
        return records

    def observe(self, receipt: Any) -> None:
        mine = set(self.hotkeys)
        self.refused += sum(
            isinstance(r.op, SetWeights) and r.op.hotkey in mine for r in receipt.rejected
        )

    def report(self) -> dict[str, Any]:
        return {"kind": "incumbents", "weight_sets": self.weight_sets, "refused": self.refused}
