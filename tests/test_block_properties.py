"""Random operations interleaved with blocks and epochs (short tempo): exact accounting."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

import dtao
from dtao.block import process_block
from dtao.errors import ProtocolError
from test_state_machine import COLDKEYS, HOTKEYS, TAO, OperationsMachine

POTS = ("pending_emission", "pending_alpha_swapped", "pending_root_divs", "pending_owner_cut")


class BlocksMachine(OperationsMachine):
    """The operations machine plus blocks with emission and frequent epochs."""

    def __init__(self) -> None:
        super().__init__()
        self.net = dtao.Network(
            "launch", network_min_lock=50 * TAO, network_rate_limit=1, tempo=4, weights_rate_limit=1
        )
        for coldkey in COLDKEYS:
            self.net.fund(coldkey, 3_000 * TAO)
        self.net.register_network("alice", "alice-hk")
        self.epochs_seen = 0

    @rule(blocks=st.integers(1, 6))
    def step(self, blocks):
        state = self.net.state
        for _ in range(blocks):
            issuance = state.total_issuance
            receipt = process_block(state, self.net.rules)
            ran = [payouts.netuid for payouts in receipt.epochs]
            cols = state.columns
            minted = sum(cols.get("tao_in_emission", i) for i in state.netuids)
            assert state.total_issuance == issuance + minted  # launch: I += ⌊tao_in⌋ only
            for netuid in ran:  # every pot is drained by the epoch
                self.epochs_seen += 1
                assert all(cols.get(pot, netuid) == 0 for pot in POTS)
                assert state.subnets[netuid].last_epoch_block == state.block

    @rule(
        h=st.sampled_from(HOTKEYS + ["m1", "m2"]),
        netuid=st.integers(1, 3),
        weights=st.lists(st.integers(0, 65_535), min_size=1, max_size=4),
    )
    def set_weights(self, h, netuid, weights):
        if netuid not in self.net.netuids:
            return
        n = self.net.subnet(netuid).n
        uids = list(range(min(n, len(weights))))
        before = self.net.digest()
        try:
            self.net.set_weights(h, netuid, uids, weights[: len(uids)])
        except ProtocolError:
            assert self.net.digest() == before

    @invariant()
    def alpha_issuance_capped_and_nothing_negative(self):
        cols = self.net.state.columns
        for netuid in self.net.netuids:
            view = self.net.subnet(netuid)
            assert view.alpha_issuance <= self.net.params.total_supply
            assert min(view.tao_in, view.alpha_in, view.alpha_out) >= 0
            assert all(cols.get(pot, netuid) >= 0 for pot in POTS)
            assert 0.0 <= view.moving_price <= 1.0
        shares = list(self.net.emission_shares().values())
        assert all(s >= 0 for s in shares) and (sum(shares) == 0 or abs(sum(shares) - 1) < 1e-9)
        neurons = [self.net.neurons(i) for i in self.net.netuids]
        assert all((nr.emission >= 0).all() for nr in neurons)


TestBlocks = BlocksMachine.TestCase


def test_float_and_exact_yuma_backends_pay_the_same_to_a_few_rao():
    """The same network run with both Yuma backends: stakes agree to 1e-9 of all stake.

    I32F32 resolves 2^-32 ≈ 2.3e-10 of an epoch's emission, so a few rao per position and
    epoch is the expected gap between the chain's arithmetic and float64 (six epochs here).
    """
    results = []
    for backend in ("float", "exact"):
        net = dtao.Network(
            "launch", yuma_backend=backend, tempo=20, weights_rate_limit=1, target_registrations=2
        )
        net.fund("o", 2_000 * TAO)
        net.register_network("o", "o-hk")
        for i, name in enumerate(["v1", "v2", "m1", "m2", "m3"]):
            net.fund(name, 100 * TAO)
            net.step(1)
            net.burned_register(name, f"{name}-hk", 1)
            if name.startswith("v"):
                net.add_stake(name, f"{name}-hk", 1, (5 + 10 * i) * TAO)
                net.add_stake(name, f"{name}-hk", 0, 30 * TAO)
        net.step(25)  # first epoch hands out permits
        for k, v in enumerate(["v1-hk", "v2-hk"]):
            net.set_weights(v, 1, [3, 4, 5], [65_535, 30_000 + 10_000 * k, 5_000])
        net.step(100)
        results.append({(c, h, n): s for c, h, n, s in net.positions()})
    float_run, exact_run = results
    assert float_run.keys() == exact_run.keys()
    diffs = np.array([abs(float_run[k] - exact_run[k]) for k in float_run])
    sizes = np.array([exact_run[k] for k in float_run], dtype=np.float64)
    assert diffs.max() <= 1e-9 * sizes.sum(), (diffs, sizes)
    assert diffs.max() > 0  # the two arithmetics really are different
    assert sum(float_run.values()) > 0
