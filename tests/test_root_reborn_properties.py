"""Root Reborn under random operations (Hypothesis state machine, ``current``): root
registrations, basket deposits (epoch root dividends queued and flushed), direct deposits,
claims, basket trades and root stake changes keep every conservation identity exactly; a
rejected operation changes nothing; the state survives its JSON. A claim pays at most its
pro-rata slice of the fund's realizable NAV, the fund's NAV per share never falls by a claim,
and a trade never moves shares, ρ or κ.
"""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from dtao import baskets as B
from dtao import codec, invariants, ledger
from dtao import errors as E
from dtao import root_reborn as RR
from dtao.eras import rules_for
from dtao.genesis import Genesis
from dtao.operations import (
    AddStake,
    ClaimRootWithHotkey,
    RemoveStake,
    RootRegister,
    StakeIntoBasket,
    SwapBasket,
    apply,
)
from dtao.summer import summer_columns

TAO = 10**9
COLDKEYS = ("c0", "c1", "c2")
HOTKEYS = ("v1", "v2", "v3")


class RootReborn(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        genesis = Genesis(
            "current",
            root_seats=2,
            root_seat_immunity=3,
            block_author="author",
            basket_min_trade=10_000_000,
            basket_turnover_cap_u16=65_535,
        )
        genesis.subnet(1, "o1", "s1", tao_in=1_000 * TAO, alpha_in=4_000 * TAO)
        genesis.subnet(2, "o2", "s2", tao_in=50 * TAO, alpha_in=500 * TAO)
        for coldkey in COLDKEYS:
            genesis.fund(coldkey, 500 * TAO)
        for hotkey in HOTKEYS:
            genesis.hotkey("vowner", hotkey)
        genesis.fund("vowner", 50 * TAO)
        self.state = genesis.build()
        for netuid in (1, 2):  # start_call made
            summer_columns(self.state).set("subtoken_enabled", netuid, 1)
        self.rules = rules_for(self.state.params)

    def _apply(self, op: object) -> None:
        before = codec.dumps(self.state)
        try:
            apply(self.state, self.rules, op)  # type: ignore[arg-type]
        except E.ProtocolError:
            assert codec.dumps(self.state) == before, f"rejected {op!r} changed the state"

    @rule(hotkey=st.sampled_from(HOTKEYS))
    def register(self, hotkey: str) -> None:
        self._apply(RootRegister("vowner", hotkey))

    @rule(
        coldkey=st.sampled_from(COLDKEYS),
        hotkey=st.sampled_from(HOTKEYS),
        amount=st.integers(1_000_000, 20 * TAO),
    )
    def stake_root(self, coldkey: str, hotkey: str, amount: int) -> None:
        self._apply(AddStake(coldkey, hotkey, 0, amount))

    @rule(
        coldkey=st.sampled_from(COLDKEYS), hotkey=st.sampled_from(HOTKEYS), part=st.integers(1, 100)
    )
    def unstake_root(self, coldkey: str, hotkey: str, part: int) -> None:
        held = ledger.get_stake(self.state, coldkey, hotkey, 0)
        if held:
            self._apply(RemoveStake(coldkey, hotkey, 0, max(held * part // 100, 1)))

    @rule(
        hotkey=st.sampled_from(HOTKEYS),
        netuid=st.sampled_from((1, 2)),
        alpha=st.integers(1, 5 * TAO),
    )
    def epoch_root_dividend(self, hotkey: str, netuid: int, alpha: int) -> None:
        """The epoch's root rest for a root-seated hotkey, emitted into o and queued."""
        if B.on_root(self.state, hotkey):
            self.state.columns.alpha_out[netuid] += alpha
            B.enqueue_deposit(self.state, hotkey, netuid, alpha)

    @rule()
    def block(self) -> None:
        self.state.block += 1
        RR.block_step(self.state, self.rules, [])

    @rule(
        coldkey=st.sampled_from(COLDKEYS),
        hotkey=st.sampled_from(HOTKEYS),
        amount=st.integers(1_000_000, 10 * TAO),
    )
    def deposit(self, coldkey: str, hotkey: str, amount: int) -> None:
        self._apply(StakeIntoBasket(coldkey, hotkey, amount))

    @rule(coldkey=st.sampled_from(COLDKEYS), hotkey=st.sampled_from(HOTKEYS))
    def claim(self, coldkey: str, hotkey: str) -> None:
        RR.flush(self.state, self.rules, hotkey)
        ext = B.baskets(self.state)
        supply = ext.shares.get(hotkey, 0)
        nav = RR.nav(self.state, self.rules, hotkey)
        owed = min(
            B.owed_shares(
                ext.rate.get(hotkey, 0),
                ledger.get_stake(self.state, coldkey, hotkey, 0),
                ext.claimed.get((hotkey, coldkey), 0),
            ),
            supply,
        )
        root_before = ledger.get_stake(self.state, coldkey, hotkey, 0)
        self._apply(ClaimRootWithHotkey(coldkey, hotkey))
        paid = ledger.get_stake(self.state, coldkey, hotkey, 0) - root_before
        if supply:
            assert paid <= owed * nav // supply + 2, "a claim paid beyond its slice of the NAV"
            left = ext.shares.get(hotkey, 0)
            if left and paid:
                after = RR.nav(self.state, self.rules, hotkey)
                assert after * supply >= nav * left - supply * 4, "NAV per share fell"

    @rule(
        hotkey=st.sampled_from(HOTKEYS),
        origin=st.sampled_from((0, 1, 2)),
        destination=st.sampled_from((0, 1, 2)),
        part=st.integers(1, 100),
    )
    def swap(self, hotkey: str, origin: int, destination: int, part: int) -> None:
        """The validator trades its fund; shares, ρ and κ never move."""
        ext = B.baskets(self.state)
        held = ledger.get_stake(self.state, B.ESCROW, hotkey, origin)
        before = (ext.shares.get(hotkey), ext.rate.get(hotkey), dict(ext.claimed))
        self._apply(SwapBasket("vowner", hotkey, origin, destination, held * part // 100))
        assert (ext.shares.get(hotkey), ext.rate.get(hotkey), dict(ext.claimed)) == before

    @invariant()
    def conserved(self) -> None:
        invariants.check(self.state)

    @invariant()
    def round_trips(self) -> None:
        text = codec.dumps(self.state)
        assert codec.dumps(codec.loads(text)) == text


RootReborn.TestCase.settings = settings(max_examples=40, stateful_step_count=40, deadline=None)
TestRootReborn = RootReborn.TestCase
