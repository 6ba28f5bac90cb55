"""The random-operation state machine of ``test_state_machine`` under the summer-2026 preset,
with its coinbase rules added: start_call and the emission switch, weights (so that incentive
reaches miners and owner hotkeys), short tempos so that the stateful scheduler, the payout,
chain buys, recycled root alpha and root-claim accrual all run; every identity is checked
after every step."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import rule

import dtao
from dtao.summer import summer_columns
from test_state_machine import COLDKEYS, HOTKEYS, TAO, OperationsMachine, netuids


class SummerOperationsMachine(OperationsMachine):
    """The launch machine's operations on a summer-2026 network, plus the coinbase's own."""

    def __init__(self) -> None:
        super(OperationsMachine, self).__init__()
        self.net = dtao.Network(
            "summer-2026",
            network_min_lock=50 * TAO,
            network_rate_limit=1,
            tempo=3,
            weights_rate_limit=0,
        )
        for coldkey in COLDKEYS:
            self.net.fund(coldkey, 3_000 * TAO)
        self.net.register_network("alice", "alice-hk")
        self.rejections = 0

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

    @rule(h=st.sampled_from(HOTKEYS + ["m1", "m2"]), netuid=netuids, uid=st.integers(0, 3))
    def set_weights(self, h, netuid, uid):
        self.attempt(self.net.set_weights, h, netuid, [uid], [65_535])


TestSummerOperations = SummerOperationsMachine.TestCase
TestSummerOperations.settings = settings(max_examples=40, stateful_step_count=40, deadline=None)
