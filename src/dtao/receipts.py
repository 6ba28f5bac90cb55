"""What happened: events, operation receipts and block receipts (read by metrics, store, API).

Every amount is int rao (TAO) or alpha-rao. Events are plain frozen records; per-subnet and
per-UID figures are numpy arrays or lists so that a block of 128 subnets costs a few copies,
not hundreds of objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class StakeSwap:
    """A stake operation's trade on a pool (``buy``: TAO in, alpha out; else alpha in, TAO out).

    ``tao`` is the TAO that entered (buy, after the fee) or left (sale, before the fee) the pool;
    ``fee`` the fee charged (rao); ``refused`` when the pool refused and nothing traded.
    """

    netuid: int
    coldkey: str
    hotkey: str
    buy: bool
    tao: int
    alpha: int
    fee: int
    refused: bool = False


@dataclass(frozen=True)
class Registered:
    """A subnet (``uid`` None) or a neuron registration and what it cost (rao)."""

    netuid: int
    coldkey: str
    hotkey: str
    cost: int
    uid: int | None = None
    replaced: str | None = None  # hotkey pruned to make room


@dataclass(frozen=True)
class Lost:
    """TAO counted in issuance that left every account (a refused swap, a move too small)."""

    tao: int
    reason: str


@dataclass(frozen=True)
class Dissolved:
    """A dissolved subnet's TAO: the subnet account held ``account`` rao (pool ``pot`` plus
    the rest); stakers were paid ``paid`` (coldkey → rao) and the owner ``refund``; the
    protocol's share ``protocol`` of the pot stayed; ``recycled`` left issuance and ``kept``
    (the existential deposit) stays on the account."""

    netuid: int
    account: int
    pot: int
    weights: tuple[tuple[str, str, int], ...]  # (hotkey, coldkey, alpha value)
    protocol_weight: int
    paid: tuple[tuple[str, int], ...]  # aligned with ``weights`` (0: transfer failed)
    protocol: int
    refund: int
    recycled: int
    kept: int


@dataclass(frozen=True)
class RootClaimed:
    """A root claim paid on one (hotkey, subnet): ``alpha`` alpha-rao owed; sold for ``tao``
    rao staked on root when ``swapped``, else kept as alpha stake on ``netuid``."""

    netuid: int
    coldkey: str
    hotkey: str
    alpha: int
    tao: int
    swapped: bool


@dataclass(frozen=True)
class BasketSwapped:
    """One leg of a basket trade (Root Reborn): ``alpha_sold`` of the fund's ``origin`` row
    sold for ``tao_mid`` rao, which bought ``alpha_bought`` of the ``destination`` row
    (netuid 0 = the cash slot, 1:1)."""

    hotkey: str
    origin: int
    destination: int
    alpha_sold: int
    tao_mid: int
    alpha_bought: int


@dataclass(frozen=True)
class BasketClaimDustSkipped:
    """A basket claim left ``rows`` dust rows of the fund unsold (their slice stays)."""

    hotkey: str
    coldkey: str
    rows: int


Event = (
    StakeSwap | Registered | Lost | Dissolved | RootClaimed | BasketSwapped | BasketClaimDustSkipped
)


@dataclass(frozen=True)
class SwapQuote:
    """What a stake, unstake or move would do now (bittensor 11 ``SwapQuote`` fields).

    ``tao``: TAO paid in (a stake, fee included) or received (an unstake; a move: carried
    between the legs); ``alpha``: alpha received (a stake, a move's destination) or sold (an
    unstake, fee included); ``tao_fee`` / ``alpha_fee``: the fee in each unit; ``*_slippage``:
    what the trade lost against the spot price, in each unit (see :mod:`dtao.quotes`).
    """

    tao: int
    alpha: int
    tao_fee: int
    alpha_fee: int
    tao_slippage: int
    alpha_slippage: int


@dataclass(frozen=True)
class SubnetEmissions:
    """One block's injection per subnet (arrays aligned with ``netuids``)."""

    netuids: np.ndarray
    tao_in: np.ndarray  # rao into each pool (counts in issuance)
    alpha_in: np.ndarray  # alpha-rao into each pool
    alpha_out: np.ndarray  # alpha-rao emitted outside each pool
    share: np.ndarray  # each subnet's share of the block's TAO emission (float)


@dataclass(frozen=True)
class EpochPayouts:
    """One subnet's epoch: the pots drained and who was credited (alpha-rao; root in rao).

    Validators' dividends are split into ``*_take`` (credited to the hotkey owner's own
    position) and ``*_rest`` (added to the hotkey's pool for every nominator).
    summer-2026: the root part is alpha (``tao_take`` staked as the owner's alpha,
    ``tao_rest`` accrued for root claims), ``miner_hotkeys`` leaves out burned owner-hotkey
    incentive and ``drained_tao`` is 0.
    """

    netuid: int
    block: int
    owner_hotkey: str
    owner_cut: int
    miner_hotkeys: list[str]
    incentive: list[int]
    validator_hotkeys: list[str]
    alpha_take: list[int]
    alpha_rest: list[int]
    tao_take: list[int]
    tao_rest: list[int]
    drained_alpha: int  # pending emission + owner cut taken from the pots
    drained_tao: int  # pending root dividends taken from the pot

    def per_hotkey(self) -> dict[str, dict[str, int]]:
        """hotkey -> {incentive, dividends, take, root, root_take} (owner cut as incentive 0)."""
        out: dict[str, dict[str, int]] = {}

        def row(hotkey: str) -> dict[str, int]:
            return out.setdefault(
                hotkey, {"incentive": 0, "dividends": 0, "take": 0, "root": 0, "root_take": 0}
            )

        for hotkey, amount in zip(self.miner_hotkeys, self.incentive, strict=True):
            row(hotkey)["incentive"] += amount
        for i, hotkey in enumerate(self.validator_hotkeys):
            r = row(hotkey)
            r["dividends"] += self.alpha_take[i] + self.alpha_rest[i]
            r["take"] += self.alpha_take[i]
            r["root"] += self.tao_take[i] + self.tao_rest[i]
            r["root_take"] += self.tao_take[i]
        return out


@dataclass(frozen=True)
class Receipt:
    """The outcome of one operation: its result (alpha, TAO, a netuid or uid) or its error."""

    op: Any
    block: int
    result: int | None = None
    events: tuple[Event, ...] = ()
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def error_name(self) -> str | None:
        """The chain's name of the rejection (``None`` when applied)."""
        return None if self.error is None else type(self.error).__name__


@dataclass
class BlockReceipt:
    """One block: its injection, the epochs that ran, and each operation's receipt."""

    block: int
    coinbase_path: str = "none"  # "fast" / "reference" / "none" (no subnet)
    emissions: SubnetEmissions | None = None
    epochs: list[EpochPayouts] = field(default_factory=list)
    receipts: list[Receipt] = field(default_factory=list)
    root_claims: list[Event] = field(default_factory=list)  # this block's automatic claims

    @property
    def rejected(self) -> list[Receipt]:
        return [r for r in self.receipts if not r.ok]
