"""taoflow random operation sequences: the summer-2026 machine's rules (stakes, moves, transfers,
root claims, blocks; atomic rejections, exact conservation, lossless JSON, quotes equal to
executed swaps) on the ec2212c preset, whose stakes also record the net Tao Flow."""

from __future__ import annotations

from hypothesis import settings
from hypothesis.stateful import invariant

import dtao
import test_summer_state_machine as base
from dtao import flows
from dtao import operations as ops
from dtao.fixed import I64F64
from dtao.summer import summer_columns

TAO = 10**9


class TaoflowOperations(base.SummerOperations):
    """The summer machine on ``taoflow``: two started subnets (start_call made)."""

    def __init__(self) -> None:
        # the base machine's setup, on this preset
        base.RuleBasedStateMachine.__init__(self)
        self.net = dtao.Network(
            "taoflow", network_min_lock=50 * TAO, network_last_lock=50 * TAO, network_rate_limit=0
        )
        for coldkey in base.COLDKEYS:
            self.net.fund(coldkey, 3_000 * TAO)
        self.net.register_network("alice", "alice-hk")
        self.net.register_network("bob", "bob-hk")
        self.net.process_block([ops.StartCall("alice", 1), ops.StartCall("bob", 2)])
        self.rejections = 0

    @invariant()
    def flows_fit_their_types(self):
        ext = summer_columns(self.net.state)
        for netuid in self.net.netuids:
            for column in ("tao_flow", "protocol_flow"):
                assert -(2**63) <= ext.get(column, netuid) < 2**63
        emas = flows.flow_emas(self.net.state)
        for _, ema in (*emas.user.values(), *emas.protocol.values()):
            assert I64F64.min_raw <= ema <= I64F64.max_raw
        shares = self.net.emission_shares()
        assert all(s >= 0 for s in shares.values()) and sum(shares.values()) <= 1 + 1e-12


TaoflowOperations.TestCase.settings = settings(max_examples=25, stateful_step_count=30)
TestTaoflowOperations = TaoflowOperations.TestCase
