"""The summer-2026 staking state machine (``test_summer_state_machine``) with the coinbase's
own rules added: start_call and the emission switch, weights (so that incentive reaches miners
and owner hotkeys) and a short tempo, so that the stateful scheduler, the payout, chain buys,
recycled root alpha and root-claim accrual all run between the staking operations; every
identity is checked after every step."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import rule

import dtao
from dtao.summer import summer_columns
from test_summer_state_machine import HOTKEYS, SummerOperations, netuids


class SummerCoinbaseOperations(SummerOperations):
    """The staking machine on a network with tempo 3 and no weights rate limit."""

    def __init__(self) -> None:
        super().__init__()
        self.net.submit(dtao.Governance("weights_rate_limit", 0))
        self.net.submit(dtao.Governance("tempo", 3))  # subnets registered from now on
        for netuid in self.net.state.netuids:
            self.net.state.columns.tempo[netuid] = 3

    @rule(netuid=netuids, price=st.integers(0, 2 << 32))
    def start_call(self, netuid, price):
        """Stand-in for the subnets part's ``start_call`` (state written directly)."""
        state = self.net.state
        if netuid in state.subnets:
            ext = summer_columns(state)
            ext.set("first_emission_block", netuid, state.block + 1)
            ext.set("subtoken_enabled", netuid, 1)
            state.columns.moving_price_bits[netuid] = price

    @rule(netuid=netuids, enabled=st.booleans())
    def set_emission_enabled(self, netuid, enabled):
        self.attempt(self.net.submit, dtao.SetSubnetEmissionEnabled(netuid, enabled))

    @rule(h=st.sampled_from([*HOTKEYS, "m1", "m2"]), netuid=netuids, uid=st.integers(0, 3))
    def set_weights(self, h, netuid, uid):
        self.attempt(self.net.set_weights, h, netuid, [uid], [65_535])

    @rule(blocks=st.integers(1, 4))
    def blocks(self, blocks):
        self.net.step(blocks)


SummerCoinbaseOperations.TestCase.settings = settings(
    max_examples=30, stateful_step_count=40, deadline=None
)
TestSummerCoinbaseOperations = SummerCoinbaseOperations.TestCase
