"""Agents of the simulator: the :class:`Agent` protocol, the shipped kinds and their registry.

An agent is Mesa's noun: the runner (:mod:`dtao.sim.runner`) asks each due agent
(``block % every == offset``) to ``act(view, rng)`` on a read-only
:class:`~dtao.sim.view.MarketView`; the agent returns operation records (:mod:`dtao.operations`)
and never touches state. After the block the runner calls ``observe(receipt)`` on every agent;
``report()`` gives JSON-able figures for the run's summary. See ``docs/agents.md`` for a guide
to writing one and every shipped kind's parameters.

Agents trade like careful users: they quote first (the view's quotes are the numbers the engine
would execute), skip or shrink a trade whose price impact exceeds ``max_slippage``, keep the
existential deposit and their extrinsic fees, never trade below twice the chain's min stake,
and send limit-price records with ``allow_partial`` (btcli's safe staking: buy limit
price·(1 + ``price_tolerance``), sell limit price·(1 − ``price_tolerance``)), so a price moved by
others in the same block cuts the trade instead of failing it.

Amounts are int rao / alpha-rao inside; parameters given in TAO are named ``*_tao`` and
converted exactly (at most 9 decimals).
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from math import ceil, floor
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dtao import operations as ops
from dtao.errors import DtaoError
from dtao.receipts import BlockReceipt, StakeSwap
from dtao.sim.metrics import demand_shares
from dtao.sim.view import BLOCKS_PER_DAY, MarketView
from dtao.units import RAO_PER_TAO

ROOT = 0
U16_MAX = 65_535
#: halvings of a buy tried before a careful user gives up on a trade that moves the price
#: more than ``max_slippage``
_SHRINK_STEPS = 12


@runtime_checkable
class Agent(Protocol):
    """What the runner needs of an agent (see the module docstring)."""

    name: str
    coldkey: str
    every: int  # act every N blocks (≥ 1)
    offset: int  # on blocks with block % every == offset
    initial_balance: int  # rao the runner funds the coldkey with at genesis

    def act(self, view: MarketView, rng: np.random.Generator) -> list[ops.Operation]: ...

    def observe(self, receipt: BlockReceipt) -> None: ...

    def report(self) -> dict[str, Any]: ...


def rao(tao: float) -> int:
    """TAO (a float parameter) → rao, exact for up to 9 decimals, floored beyond."""
    return int(Decimal(repr(float(tao))).scaleb(9).to_integral_value(rounding="ROUND_FLOOR"))


def hidden_quality(seed: int, hotkey: str, low: float = 0.2, high: float = 1.0) -> float:
    """A miner's hidden quality by the seeded rule: ``low + (high − low)·u`` with ``u`` the first
    8 bytes of sha256(``"{seed}:{hotkey}"``) / 2^64 (uniform in [0, 1), stable across runs and
    platforms, independent of activation order)."""
    digest = hashlib.sha256(f"{seed}:{hotkey}".encode()).digest()
    return low + (high - low) * int.from_bytes(digest[:8], "big") / 2**64


# -- parameters ---------------------------------------------------------------------------------


class AgentParams(BaseModel):
    """Parameters every kind has (``extra="forbid"``: an unknown key is an error)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    balance_tao: float = Field(
        1_000.0, ge=0, description="TAO the runner funds the agent's coldkey with at genesis"
    )
    every_blocks: int = Field(100, ge=1, description="act every N blocks")
    offset_blocks: int | None = Field(
        None,
        ge=0,
        description="act on blocks with block % every_blocks == offset_blocks "
        "(default: the agent's position among all agents, mod every_blocks, so that agents "
        "of one cadence act on different blocks)",
    )


class TraderParams(AgentParams):
    """Parameters of the kinds that trade (every kind but the miner and the subnet owner)."""

    max_slippage: float = Field(
        0.01,
        ge=0,
        le=1,
        description="largest price impact accepted (slippage / amount, fee excluded); "
        "a larger trade is halved until it fits",
    )
    price_tolerance: float = Field(
        0.05,
        ge=0,
        lt=1,
        description="limit price of every trade: spot·(1 + tol) for a buy, spot·(1 − tol) "
        "for a sale (partial fills allowed)",
    )


class BaseAgent:
    """Shared mechanics: identity, cadence, careful trading (see the module docstring)."""

    kind: ClassVar[str] = "base"
    Params: ClassVar[type[AgentParams]] = AgentParams

    def __init__(
        self,
        name: str,
        params: AgentParams,
        index: int = 0,
        seed: int = 0,
        slot: int | None = None,
    ) -> None:
        """``index``: the agent's number within its kind (it places neurons); ``slot``: its
        position among all agents (default ``index``), the default offset mod ``every``."""
        self.name = name
        self.coldkey = f"agent:{name}"
        self.hotkey = f"agent:{name}:hk"
        self.params = params
        self.seed = seed
        self.every = params.every_blocks
        offset = params.offset_blocks
        default = index if slot is None else slot
        self.offset = (default if offset is None else offset) % self.every
        self.initial_balance = rao(params.balance_tao)

    # -- the protocol -------------------------------------------------------------------------

    def act(self, view: MarketView, rng: np.random.Generator) -> list[ops.Operation]:
        raise NotImplementedError

    def observe(self, receipt: BlockReceipt) -> None:
        """Default: nothing to learn from a block."""

    def report(self) -> dict[str, Any]:
        return {"kind": self.kind}

    # -- careful trading ----------------------------------------------------------------------

    def spendable(self, view: MarketView, records: int = 1) -> int:
        """Free TAO (rao) the agent may spend now: its balance less the existential deposit,
        ``records`` extrinsic fees and one min stake of margin."""
        p = view.params
        keep = p.existential_deposit + records * p.tx_fee_rao + p.min_stake
        return max(view.balance(self.coldkey) - keep, 0)

    @staticmethod
    def min_trade(view: MarketView) -> int:
        """The smallest trade a careful user sends (rao): twice the chain's min stake."""
        return 2 * view.params.min_stake

    def buy(self, view: MarketView, hotkey: str, netuid: int, tao: int) -> ops.AddStake | None:
        """A limit buy of up to ``tao`` rao of ``netuid`` alpha through ``hotkey``, shrunk until
        its quoted price impact is within ``max_slippage``; None when nothing sensible fits."""
        p = self.params
        assert isinstance(p, TraderParams), f"{self.kind} does not trade"
        smallest = self.min_trade(view)
        for _ in range(_SHRINK_STEPS):
            if tao < smallest:
                return None
            try:
                quote = view.quote_stake(netuid, tao)
            except DtaoError:
                return None
            if quote.alpha > 0 and quote.tao_slippage <= p.max_slippage * tao:
                break
            tao //= 2
        else:
            return None
        if netuid == ROOT:
            return ops.AddStake(self.coldkey, hotkey, ROOT, tao)
        limit = ceil(view.spot_price(netuid) * (1 + Fraction(repr(p.price_tolerance))) * 10**9)
        return ops.AddStake(self.coldkey, hotkey, netuid, tao, limit, True)

    def sell(
        self, view: MarketView, hotkey: str, netuid: int, alpha: int
    ) -> ops.RemoveStake | None:
        """A limit sale of up to ``alpha`` of the agent's position (the whole position when the
        rest would be worth less than a min trade), shrunk until its price impact is within
        ``max_slippage``; None when nothing sensible fits."""
        p = self.params
        assert isinstance(p, TraderParams), f"{self.kind} does not trade"
        held = view.stake(self.coldkey, hotkey, netuid)
        alpha = min(alpha, held)
        smallest = self.min_trade(view)
        for _ in range(_SHRINK_STEPS):
            if alpha <= 0:
                return None
            try:
                quote = view.quote_unstake(netuid, alpha)
                rest = view.quote_unstake(netuid, held - alpha).tao if alpha < held else 0
            except DtaoError:
                return None
            if 0 < rest < smallest:  # a careful user does not leave dust behind
                alpha = held
                continue
            if quote.tao >= smallest and quote.tao_slippage <= p.max_slippage * (
                quote.tao + quote.tao_slippage
            ):
                break
            if alpha == held and quote.tao < smallest:
                return None  # the whole position is dust
            alpha //= 2
        else:
            return None
        if netuid == ROOT:
            return ops.RemoveStake(self.coldkey, hotkey, ROOT, alpha)
        limit = floor(view.spot_price(netuid) * (1 - Fraction(repr(p.price_tolerance))) * 10**9)
        return ops.RemoveStake(self.coldkey, hotkey, netuid, alpha, max(limit, 0), True)

    @staticmethod
    def best_hotkey(view: MarketView, netuid: int) -> str:
        """The hotkey a staker delegates to on ``netuid``: the permitted validator with the most
        stake (ties: lowest UID), else the subnet owner's hotkey."""
        neurons = view.neurons(netuid)
        permitted = np.flatnonzero(neurons.validator_permit)
        if len(permitted):
            uid = int(permitted[np.argmax(neurons.stake[permitted])])
            return neurons.hotkeys[uid]
        return view.subnet(netuid).owner_hotkey

    def own_alpha(self, view: MarketView) -> list[tuple[str, int, int]]:
        """The agent's alpha positions (hotkey, netuid, alpha), root left out."""
        return [(h, n, a) for _, h, n, a in view.positions(self.coldkey) if n != ROOT and a > 0]

    @staticmethod
    def tradable(view: MarketView) -> list[int]:
        """Subnets whose token trades now (start call made) with a non-empty pool."""
        out = []
        for netuid in view.netuids:
            subnet = view.subnet(netuid)
            if subnet.alpha_in > 0 and view.terms(netuid).subtoken_enabled:
                out.append(netuid)
        return out


# -- stakers ------------------------------------------------------------------------------------


class RootStaker(BaseAgent):
    """Passive root staker: on its first act, stakes ``stake_tao`` (default: all it can spend)
    on root through the ``hotkeys`` hotkeys holding the most root stake among subnet neurons
    (ties: name order), split evenly, then holds."""

    kind = "root_staker"

    class Params(TraderParams):
        every_blocks: int = Field(1, ge=1, description="act every N blocks (it acts once)")
        stake_tao: float | None = Field(
            None, ge=0, description="TAO to stake on root (default: everything spendable)"
        )
        hotkeys: int = Field(1, ge=1, description="number of root hotkeys to split the stake over")

    def __init__(
        self, name: str, params: AgentParams, index: int = 0, seed: int = 0, slot: int | None = None
    ) -> None:
        super().__init__(name, params, index, seed, slot)
        self.staked = 0  # rao sent to root stake

    def act(self, view: MarketView, rng: np.random.Generator) -> list[ops.Operation]:
        if self.staked:
            return []
        p: RootStaker.Params = self.params  # type: ignore[assignment]
        root: dict[str, int] = {}
        for netuid in view.netuids:
            neurons = view.neurons(netuid)
            for hotkey, amount in zip(neurons.hotkeys, neurons.root_stake.tolist(), strict=True):
                root[hotkey] = max(root.get(hotkey, 0), int(amount))
        targets = sorted(root, key=lambda h: (-root[h], h))[: p.hotkeys]
        if not targets:
            return []
        budget = self.spendable(view, len(targets))
        if p.stake_tao is not None:
            budget = min(budget, rao(p.stake_tao))
        share = budget // len(targets)
        records: list[ops.Operation] = []
        for hotkey in targets:
            record = self.buy(view, hotkey, ROOT, share)
            if record is not None:
                records.append(record)
                self.staked += record.amount
        return records

    def report(self) -> dict[str, Any]:
        return {"kind": self.kind, "staked_rao": self.staked}


def staker_yields(view: MarketView, dividends: Mapping[int, int]) -> dict[int, float]:
    """Each subnet's staker yield per day (alpha per alpha staked, i.e. TAO terms at a constant
    price) from its last epoch's validator dividends ``dividends[netuid]`` (alpha-rao, the
    receipts' ``alpha_take + alpha_rest``): dividends / the subnet's stake now × epochs a day
    (7 200 / (tempo + 1)). Subnets without dividends or stake are left out."""
    out = {}
    for netuid, paid in dividends.items():
        if netuid not in view.netuids or paid <= 0:
            continue
        stake = int(view.neurons(netuid).stake.sum())
        if stake > 0:
            out[netuid] = paid / stake * BLOCKS_PER_DAY / (view.subnet(netuid).tempo + 1)
    return out


class YieldChaser(BaseAgent):
    """Moves stake toward the best expected yield net of slippage.

    Expected yield: :func:`staker_yields` of the last epoch it observed on each subnet. Each act
    it sells a position whose subnet trails the best one when the yield gained over
    ``horizon_days`` on the position's value exceeds the round trip's quoted cost (sale and buy
    slippage and fees), and buys the best subnet (through its top validator) with what it can
    spend; the proceeds of a sale are bought at its next act."""

    kind = "yield_chaser"

    class Params(TraderParams):
        every_blocks: int = Field(360, ge=1, description="act every N blocks")
        horizon_days: float = Field(
            7.0, gt=0, description="days over which a yield gain must repay a move's cost"
        )

    def __init__(
        self, name: str, params: AgentParams, index: int = 0, seed: int = 0, slot: int | None = None
    ) -> None:
        super().__init__(name, params, index, seed, slot)
        self.sales = 0  # positions sold to move toward a better yield
        self.buys = 0
        self.dividends: dict[int, int] = {}  # netuid -> last epoch's validator dividends (alpha)

    def observe(self, receipt: BlockReceipt) -> None:
        for payout in receipt.epochs:
            self.dividends[payout.netuid] = sum(payout.alpha_take) + sum(payout.alpha_rest)

    def act(self, view: MarketView, rng: np.random.Generator) -> list[ops.Operation]:
        p: YieldChaser.Params = self.params  # type: ignore[assignment]
        tradable = set(self.tradable(view))
        yields = {n: y for n, y in staker_yields(view, self.dividends).items() if n in tradable}
        if not yields:
            return []
        best = max(yields, key=lambda n: (yields[n], -n))
        records: list[ops.Operation] = []
        for hotkey, netuid, alpha in self.own_alpha(view):
            if netuid == best:
                continue
            try:
                sale = view.quote_unstake(netuid, alpha)
                rebuy = view.quote_stake(best, max(sale.tao, 1))
            except DtaoError:
                continue
            cost = sale.tao_slippage + rebuy.tao_slippage + rebuy.tao_fee
            cost += floor(view.spot_price(netuid) * sale.alpha_fee)
            gain = (yields[best] - yields.get(netuid, 0.0)) * p.horizon_days * sale.tao
            if gain > cost:
                sale_record = self.sell(view, hotkey, netuid, alpha)
                if sale_record is not None:
                    records.append(sale_record)
                    self.sales += 1
        record = self.buy(
            view, self.best_hotkey(view, best), best, self.spendable(view, len(records) + 1)
        )
        if record is not None:
            records.append(record)
            self.buys += 1
        return records

    def report(self) -> dict[str, Any]:
        return {"kind": self.kind, "sales": self.sales, "buys": self.buys}


class Momentum(BaseAgent):
    """Momentum speculator: keeps each subnet's spot price at its last ``lookback`` acts; buys
    the subnet whose price rose most (by more than ``entry_threshold``) with ``trade_fraction``
    of what it can spend, and sells a whole position once its subnet's price fell by more than
    ``exit_threshold`` over the lookback."""

    kind = "momentum"

    class Params(TraderParams):
        lookback: int = Field(5, ge=1, description="acts between the two prices compared")
        entry_threshold: float = Field(
            0.02, ge=0, description="relative price rise over the lookback that triggers a buy"
        )
        exit_threshold: float = Field(
            0.02, ge=0, description="relative price fall over the lookback that triggers a sale"
        )
        trade_fraction: float = Field(
            0.25, gt=0, le=1, description="share of the spendable balance one buy uses"
        )

    def __init__(
        self, name: str, params: AgentParams, index: int = 0, seed: int = 0, slot: int | None = None
    ) -> None:
        super().__init__(name, params, index, seed, slot)
        self.history: dict[int, deque[float]] = {}
        self.trades = 0

    def act(self, view: MarketView, rng: np.random.Generator) -> list[ops.Operation]:
        p: Momentum.Params = self.params  # type: ignore[assignment]
        signal = {}
        for netuid in self.tradable(view):
            prices = self.history.setdefault(netuid, deque(maxlen=p.lookback + 1))
            prices.append(float(view.spot_price(netuid)))
            if len(prices) > p.lookback and prices[0] > 0:
                signal[netuid] = prices[-1] / prices[0] - 1
        records: list[ops.Operation] = []
        for hotkey, netuid, alpha in self.own_alpha(view):
            if signal.get(netuid, 0.0) < -p.exit_threshold:
                sale = self.sell(view, hotkey, netuid, alpha)
                if sale is not None:
                    records.append(sale)
        rising = {n: s for n, s in signal.items() if s > p.entry_threshold}
        if rising:
            target = max(rising, key=lambda n: (rising[n], -n))
            tao = floor(self.spendable(view, len(records) + 1) * p.trade_fraction)
            record = self.buy(view, self.best_hotkey(view, target), target, tao)
            if record is not None:
                records.append(record)
        self.trades += len(records)
        return records

    def report(self) -> dict[str, Any]:
        return {"kind": self.kind, "trades": self.trades}


class Manipulator(BaseAgent):
    """Whale / manipulator: pumps one subnet's price (buying ``chunk_tao`` per act until
    ``budget_tao`` is spent) so that its EMA price, hence its emission share, rises or crosses
    the gate's bar; holds ``hold_blocks`` from the first act no careful buy fits (the budget
    spent, or the pool too thin for ``max_slippage``); then exits in chunks. ``report()`` gives
    its cost (TAO spent buying, fees included), proceeds (TAO received selling), the value of
    what it still holds (a quoted sale of it, as of its last act) and the gain = proceeds + held −
    cost, all rao, with the target's share and bar position before, at peak and now."""

    kind = "manipulator"

    class Params(TraderParams):
        every_blocks: int = Field(10, ge=1, description="act every N blocks")
        max_slippage: float = Field(
            0.05, ge=0, le=1, description="largest price impact accepted per chunk"
        )
        netuid: int | None = Field(
            None,
            ge=1,
            description="target subnet (default: the tradable subnet with the largest demand "
            "share still below the gate's bar, else the smallest share)",
        )
        budget_tao: float = Field(100.0, gt=0, description="TAO to spend on the pump")
        chunk_tao: float = Field(10.0, gt=0, description="TAO bought (or its alpha sold) per act")
        hold_blocks: int = Field(7_200, ge=0, description="blocks to hold after the last buy")

    def __init__(
        self, name: str, params: AgentParams, index: int = 0, seed: int = 0, slot: int | None = None
    ) -> None:
        super().__init__(name, params, index, seed, slot)
        self.target: int | None = None
        self.target_hotkey = ""
        self.phase = "buy"  # buy → hold → exit → done
        self.hold_until = 0
        self.cost = 0  # rao spent buying, fees included
        self.proceeds = 0  # rao received selling
        self.held_value = 0  # rao a sale of the remaining position would pay (last act)
        self.shares: dict[str, float] = {}
        self.bar: dict[str, bool] = {}

    def _pick(self, view: MarketView) -> int | None:
        p: Manipulator.Params = self.params  # type: ignore[assignment]
        tradable = self.tradable(view)
        if p.netuid is not None:
            return p.netuid if p.netuid in tradable else None
        shares = demand_shares(view)
        candidates = [n for n in tradable if n in shares]
        if not candidates:
            return None
        bar = view.emission_gate_bar()
        below = [n for n in candidates if bar is not None and shares[n] < bar]
        if below:
            return max(below, key=lambda n: (shares[n], -n))
        return min(candidates, key=lambda n: (shares[n], n))

    def _track(self, view: MarketView, netuid: int) -> None:
        share = view.emission_shares().get(netuid, 0.0)
        bar = view.emission_gate_bar()
        above = bar is not None and demand_shares(view).get(netuid, 0.0) >= bar
        self.shares.setdefault("before", share)
        self.bar.setdefault("before", above)
        self.shares["peak"] = max(self.shares.get("peak", 0.0), share)
        self.bar["ever_above"] = self.bar.get("ever_above", False) or above
        self.shares["now"], self.bar["now"] = share, above

    def act(self, view: MarketView, rng: np.random.Generator) -> list[ops.Operation]:
        p: Manipulator.Params = self.params  # type: ignore[assignment]
        if self.target is None:
            self.target = self._pick(view)
            if self.target is None:
                return []
            self.target_hotkey = self.best_hotkey(view, self.target)
        netuid, hotkey = self.target, self.target_hotkey
        if netuid not in view.netuids:  # pruned or dissolved under the agent
            self.phase = "done"
            return []
        self._track(view, netuid)
        held = view.stake(self.coldkey, hotkey, netuid)
        try:
            self.held_value = view.quote_unstake(netuid, held).tao if held else 0
        except DtaoError:
            self.held_value = 0
        records: list[ops.Operation] = []
        if self.phase == "buy":
            left = rao(p.budget_tao) - self.cost
            tao = min(rao(p.chunk_tao), left, self.spendable(view))
            record = self.buy(view, hotkey, netuid, tao)
            if record is not None:
                records.append(record)
            else:  # the budget is spent, or the pool takes no careful buy any more
                self.phase, self.hold_until = "hold", view.block + p.hold_blocks
        if self.phase == "hold" and view.block >= self.hold_until:
            self.phase = "exit"
        if self.phase == "exit":
            if held == 0:
                self.phase = "done"
            else:
                price = view.spot_price(netuid)
                chunk = floor(rao(p.chunk_tao) / price) if price > 0 else held
                sale = self.sell(view, hotkey, netuid, max(chunk, 1))
                if sale is not None:
                    records.append(sale)
        return records

    def observe(self, receipt: BlockReceipt) -> None:
        for r in receipt.receipts:
            if not r.ok or getattr(r.op, "coldkey", None) != self.coldkey:
                continue
            if isinstance(r.op, ops.AddStake):
                for event in r.events:
                    if isinstance(event, StakeSwap) and event.buy:
                        self.cost += event.tao + event.fee
            elif isinstance(r.op, ops.RemoveStake) and r.result is not None:
                self.proceeds += r.result

    def report(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "netuid": self.target,
            "phase": self.phase,
            "cost_rao": self.cost,
            "proceeds_rao": self.proceeds,
            "held_value_rao": self.held_value,
            "gain_rao": self.proceeds + self.held_value - self.cost,
            "share_before": self.shares.get("before"),
            "share_peak": self.shares.get("peak"),
            "share_now": self.shares.get("now"),
            "above_bar_before": self.bar.get("before"),
            "above_bar_ever": self.bar.get("ever_above"),
        }


# -- neurons and owners -------------------------------------------------------------------------


class _Neuron(BaseAgent):
    """A neuron agent: registers its hotkey on its subnet (burned registration, when the subnet
    has room and the burn is at most ``max_burn_tao``), re-registering if it is pruned."""

    class Params(AgentParams):
        every_blocks: int = Field(10, ge=1, description="act every N blocks")
        netuid: int | None = Field(
            None,
            ge=1,
            description="subnet to serve (default: the agent's index over the subnets, "
            "in netuid order, at genesis)",
        )
        max_burn_tao: float = Field(
            100.0, ge=0, description="largest registration burn (TAO) the agent pays"
        )

    def __init__(
        self, name: str, params: AgentParams, index: int = 0, seed: int = 0, slot: int | None = None
    ) -> None:
        super().__init__(name, params, index, seed, slot)
        self.netuid = getattr(params, "netuid", None)
        self.index = index
        self.registrations = 0

    def place(self, view: MarketView) -> None:
        """Choose the subnet at genesis when the parameters leave it open."""
        if self.netuid is None and view.netuids:
            self.netuid = view.netuids[self.index % len(view.netuids)]

    def uid(self, view: MarketView) -> int | None:
        """The agent's UID on its subnet, or None (not registered)."""
        if self.netuid is None or self.netuid not in view.netuids:
            return None
        hotkeys = view.neurons(self.netuid).hotkeys
        return hotkeys.index(self.hotkey) if self.hotkey in hotkeys else None

    def register(self, view: MarketView) -> ops.BurnedRegister | None:
        p: _Neuron.Params = self.params  # type: ignore[assignment]
        netuid = self.netuid
        if netuid is None or netuid not in view.netuids or not view.registration_open(netuid):
            return None
        burn = view.subnet(netuid).burn
        if burn > rao(p.max_burn_tao) or burn > self.spendable(view):
            return None
        self.registrations += 1
        return ops.BurnedRegister(self.coldkey, self.hotkey, netuid)


class Miner(_Neuron):
    """A miner with a hidden quality (``quality``, or :func:`hidden_quality` of the run's seed
    and its hotkey): it registers on its subnet and serves; validators score it by that
    quality. ``report()`` sums the incentive it was paid (alpha-rao)."""

    kind = "miner"

    class Params(_Neuron.Params):
        balance_tao: float = Field(
            100.0, ge=0, description="TAO the runner funds the agent's coldkey with (burns)"
        )
        quality: float | None = Field(
            None,
            ge=0,
            description="hidden quality validators score (default: the seeded rule "
            "hidden_quality(seed, hotkey) in [0.2, 1.0))",
        )

    def __init__(
        self, name: str, params: AgentParams, index: int = 0, seed: int = 0, slot: int | None = None
    ) -> None:
        super().__init__(name, params, index, seed, slot)
        given = getattr(params, "quality", None)
        self.quality = hidden_quality(seed, self.hotkey) if given is None else given
        self.incentive = 0

    def act(self, view: MarketView, rng: np.random.Generator) -> list[ops.Operation]:
        if self.uid(view) is not None:
            return []
        record = self.register(view)
        return [] if record is None else [record]

    def observe(self, receipt: BlockReceipt) -> None:
        for payout in receipt.epochs:
            if payout.netuid == self.netuid:
                for hotkey, amount in zip(payout.miner_hotkeys, payout.incentive, strict=True):
                    if hotkey == self.hotkey:
                        self.incentive += amount

    def report(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "netuid": self.netuid,
            "quality": self.quality,
            "registrations": self.registrations,
            "incentive_alpha": self.incentive,
        }


class Validator(_Neuron):
    """A validator: registers on its subnet, stakes ``stake_tao`` on its own hotkey, and once it
    holds a validator permit sets weights every ``weights_every_blocks`` over the subnet's
    other unpermitted UIDs (the miners): quality + N(0, ``noise``), clipped at 0, max-upscaled
    to u16. A miner's quality is its miner agent's, else :func:`hidden_quality`."""

    kind = "validator"

    class Params(_Neuron.Params, TraderParams):
        stake_tao: float = Field(100.0, ge=0, description="TAO staked on its own hotkey")
        noise: float = Field(0.1, ge=0, description="std of the noise added to each score")
        weights_every_blocks: int | None = Field(
            None, ge=1, description="blocks between weight settings (default: the rate limit)"
        )

    def __init__(
        self, name: str, params: AgentParams, index: int = 0, seed: int = 0, slot: int | None = None
    ) -> None:
        super().__init__(name, params, index, seed, slot)
        self.qualities: Mapping[str, float] = {}
        self.staked = False
        self.weight_sets = 0

    def quality_of(self, hotkey: str) -> float:
        known = self.qualities.get(hotkey)
        return hidden_quality(self.seed, hotkey) if known is None else known

    def act(self, view: MarketView, rng: np.random.Generator) -> list[ops.Operation]:
        p: Validator.Params = self.params  # type: ignore[assignment]
        uid = self.uid(view)
        if uid is None:
            record = self.register(view)
            return [] if record is None else [record]
        assert self.netuid is not None
        if not self.staked:
            self.staked = True
            tao = min(rao(p.stake_tao), self.spendable(view))
            stake = self.buy(view, self.hotkey, self.netuid, tao)
            return [] if stake is None else [stake]
        return self._weights(view, rng, uid)

    def _weights(self, view: MarketView, rng: np.random.Generator, uid: int) -> list[ops.Operation]:
        p: Validator.Params = self.params  # type: ignore[assignment]
        assert self.netuid is not None
        neurons = view.neurons(self.netuid)
        params = view.params
        every = max(p.weights_every_blocks or 0, params.weights_rate_limit)
        last = int(neurons.last_update[uid])
        if not neurons.validator_permit[uid] or (last and view.block - last < every):
            return []
        weight = int(neurons.stake[uid]) + params.tao_weight * int(neurons.root_stake[uid])
        if weight < params.stake_threshold:
            return []
        miners = [u for u in range(len(neurons.hotkeys)) if u != uid]
        miners = [u for u in miners if not neurons.validator_permit[u]]
        if len(miners) < max(params.min_allowed_weights, 1):
            return []
        quality = np.array([self.quality_of(neurons.hotkeys[u]) for u in miners])
        score = np.clip(quality + rng.normal(0.0, p.noise, len(miners)), 0.0, None)
        if score.max() <= 0:
            return []
        weights = np.floor(score / score.max() * U16_MAX).astype(int).tolist()
        self.weight_sets += 1
        return [ops.SetWeights(self.hotkey, self.netuid, tuple(miners), tuple(weights))]

    def report(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "netuid": self.netuid,
            "registrations": self.registrations,
            "weight_sets": self.weight_sets,
        }


class SubnetOwner(BaseAgent):
    """Registers a subnet when the lock is worth it, then makes its start call.

    Worth it: the owner's expected cut over ``horizon_days`` — owner cut × ``alpha_per_block``
    × 7 200 × days × the median subnet price (the price a new pool opens at) — is at least
    ``min_return`` × the lock cost, the lock is at most ``max_lock_tao`` and spendable, the
    network registration rate limit has passed, and the subnet limit leaves room or a subnet
    can be pruned. It owns at most ``max_subnets`` subnets."""

    kind = "subnet_owner"

    class Params(AgentParams):
        balance_tao: float = Field(
            2_000.0, ge=0, description="TAO the runner funds the agent's coldkey with"
        )
        every_blocks: int = Field(360, ge=1, description="act every N blocks")
        max_lock_tao: float = Field(1_500.0, ge=0, description="largest lock cost (TAO) it pays")
        horizon_days: float = Field(
            30.0, gt=0, description="days over which the owner cut must repay the lock"
        )
        min_return: float = Field(
            1.0, ge=0, description="required owner cut over the horizon, as a multiple of the lock"
        )
        alpha_per_block: float = Field(
            1.0, ge=0, description="alpha a subnet emits per block (assumed; before halvings)"
        )
        max_subnets: int = Field(1, ge=0, description="subnets it registers at most")

    def __init__(
        self, name: str, params: AgentParams, index: int = 0, seed: int = 0, slot: int | None = None
    ) -> None:
        super().__init__(name, params, index, seed, slot)
        self.registered = 0
        self.lock_paid = 0
        self.expected = 0.0

    def expected_cut(self, view: MarketView) -> float:
        """The owner cut (TAO) a new subnet is expected to earn over the horizon."""
        p: SubnetOwner.Params = self.params  # type: ignore[assignment]
        prices = sorted(float(view.spot_price(n)) for n in view.netuids)
        median = float(np.median(prices)) if prices else 1.0
        per_day = view.params.owner_cut * p.alpha_per_block * BLOCKS_PER_DAY * median
        return per_day * p.horizon_days

    def act(self, view: MarketView, rng: np.random.Generator) -> list[ops.Operation]:
        p: SubnetOwner.Params = self.params  # type: ignore[assignment]
        records: list[ops.Operation] = []
        delay = view.params.start_call_delay
        for subnet in view.subnets():
            if subnet.owner_coldkey != self.coldkey or view.terms(subnet.netuid).subtoken_enabled:
                continue
            if view.block >= subnet.registered_at + delay:
                records.append(ops.StartCall(self.coldkey, subnet.netuid))
        if records or self.registered >= p.max_subnets:
            return records
        params = view.params
        last = view.last_network_registration_block
        if last and view.block - last < params.network_rate_limit:
            return []
        full = params.subnet_limit is not None and len(view.netuids) >= params.subnet_limit
        if full and not view.pruning_order():
            return []
        lock = view.network_lock_cost()
        if lock > rao(p.max_lock_tao) or lock > self.spendable(view):
            return []
        self.expected = self.expected_cut(view)
        if self.expected * RAO_PER_TAO < p.min_return * lock:
            return []
        self.registered += 1
        self.lock_paid += lock
        return [ops.RegisterNetwork(self.coldkey, self.hotkey)]

    def report(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "registered": self.registered,
            "lock_quoted_rao": self.lock_paid,
            "expected_cut_tao": self.expected,
        }


# -- registry -----------------------------------------------------------------------------------

#: kind name -> agent class (each with a nested pydantic ``Params``)
AGENT_KINDS: dict[str, type[BaseAgent]] = {
    cls.kind: cls
    for cls in (RootStaker, YieldChaser, Momentum, Manipulator, Validator, Miner, SubnetOwner)
}


class AgentParamsError(ValueError):
    """A bad agent specification: ``key`` (dotted, relative to the agent's table: ``kind`` or
    ``params.<field>``) and one line saying what was expected and what was given."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


def validate_agent(kind: str, params: Mapping[str, Any] | None) -> AgentParams:
    """The validated ``Params`` of an agent kind; :class:`AgentParamsError` (a ``ValueError``)
    naming the key, what was expected and what was given (an unknown kind lists the known)."""
    cls = AGENT_KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        known = ", ".join(sorted(AGENT_KINDS))
        raise AgentParamsError("kind", f"unknown agent kind (known: {known}) (got {kind!r})")
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise AgentParamsError("params", f"expected a table of parameters (got {params!r})")
    try:
        return cls.Params.model_validate(dict(params))
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(part) for part in ("params", *error["loc"]))
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            known = ", ".join(cls.Params.model_fields)
            message = f"unknown parameter of {kind} (known: {known})"
        raise AgentParamsError(key, f"{message} (got {error.get('input')!r})") from None


def _field(spec: Any, name: str, default: Any = None) -> Any:
    if isinstance(spec, Mapping):
        return spec.get(name, default)
    return getattr(spec, name, default)


def make_agents(specs: Sequence[Any], view: MarketView, seed: int) -> list[BaseAgent]:
    """Agents from specs (dicts or objects with ``kind``, ``count`` (default 1), ``name``
    (optional) and ``params``): named ``<kind>-<i>`` (i counts that kind's agents from 0) unless
    ``name`` is given (``<name>-<j>`` when ``count`` > 1); coldkey ``agent:<name>``; default
    offsets follow the agents' positions (so neurons of one cadence register on different
    blocks and do not collide in a block's registration room). Neurons
    without a subnet are placed by their index; validators learn the miner agents' qualities.
    """
    agents: list[BaseAgent] = []
    counters: dict[str, int] = {}
    names: set[str] = set()
    for spec in specs:
        kind = _field(spec, "kind")
        raw = _field(spec, "params") or {}
        params = raw if isinstance(raw, AgentParams) else validate_agent(kind, raw)
        cls = AGENT_KINDS[kind]
        count = _field(spec, "count", 1)
        given = _field(spec, "name")
        for j in range(count):
            index = counters.get(kind, 0)
            counters[kind] = index + 1
            if given is None:
                name = f"{kind}-{index}"
            else:
                name = given if count == 1 else f"{given}-{j}"
            if name in names:
                raise AgentParamsError("name", f"agent names must be unique (got {name!r} twice)")
            names.add(name)
            agent = cls(name, params, index, seed, len(agents))
            if isinstance(agent, _Neuron):
                agent.place(view)
            agents.append(agent)
    qualities = {a.hotkey: a.quality for a in agents if isinstance(a, Miner)}
    for agent in agents:
        if isinstance(agent, Validator):
            agent.qualities = qualities
    return agents
