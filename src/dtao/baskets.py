"""Root Reborn's storage (dtao-current.md §5.2, §5.8): the ``current`` extension.

Per root validator hotkey V a *fund*: its holdings are stake positions (V, escrow, netuid) of
one global escrow coldkey ``ESCROW`` (netuid 0 is the cash slot, 1 rao = 1 rao of TAO);
``BasketShares[V]`` = P (u64, 1 share = 1 rao at par), ``BasketRate[V]`` = ρ (raw I96F32 bits,
shares per rao of claimant root stake), ``BasketClaimed[V][c]`` = κ (signed watermark, shares)
and ``PendingBasketDeposits[V][i]`` (alpha-rao queued by epochs, still counted in the subnet's
``SubnetAlphaOut``). The 64 root seats (``Uids[ROOT]``) and the root registration burn live
here too. Mirrors RaoFoundation/subtensor ``staking/claim_root.rs`` (id:68851360157),
``coinbase/root.rs`` (id:61465281520) and ``lib.rs`` (id:68884137211).

This module holds the state and the pure arithmetic; the flows that trade through the pool are
in :mod:`dtao.root_reborn`. The extension is created on first use, so a launch or summer-2026
state never has it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from dtao.fixed import FRAC32
from dtao.state import EXTENSION_DECODERS, State

ROOT = 0
#: the one global Root-Reborn escrow coldkey E (``get_beta_escrow_account_id``)
ESCROW = "escrow"


@dataclass
class Baskets:
    """Root Reborn storage of one network (``name`` = its JSON section)."""

    name: ClassVar[str] = "root-reborn"

    #: Uids[ROOT]: hotkey -> (uid, registration block)
    seats: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: Burn[ROOT] in rao (None: the preset's floor, not yet registered)
    burn: int | None = None
    #: block of the last root registration and the registrations in it
    registered_block: int = 0
    registrations_this_block: int = 0
    #: BasketShares P per hotkey
    shares: dict[str, int] = field(default_factory=dict)
    #: BasketRate ρ per hotkey (raw I96F32 bits)
    rate: dict[str, int] = field(default_factory=dict)
    #: BasketClaimed κ per (hotkey, coldkey), signed shares
    claimed: dict[tuple[str, str], int] = field(default_factory=dict)
    #: PendingBasketDeposits: hotkey -> netuid -> alpha-rao (counted in SubnetAlphaOut)
    pending: dict[str, dict[int, int]] = field(default_factory=dict)
    #: LastColdkeyHotkeyStakeBlock (coldkey, hotkey) -> block (the root unstake hold)
    last_root_stake_block: dict[tuple[str, str], int] = field(default_factory=dict)
    #: round-robin position of the per-block basket flush
    flush_cursor: int = 0
    #: statistics from causes: rao recycled by root burns and claim fees, alpha recycled
    recycled_tao: int = 0
    recycled_alpha: dict[int, int] = field(default_factory=dict)
    #: BasketRedeemedTao per hotkey (statistic)
    redeemed_tao: dict[str, int] = field(default_factory=dict)
    #: BasketTradingFrozen: hotkeys whose fund may not trade
    frozen: set[str] = field(default_factory=set)
    #: the turnover bucket per hotkey: (rao left, block it was last drawn)
    turnover: dict[str, tuple[int, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Canonical plain data (amounts and raw fixed-point values as decimal strings)."""
        return {
            "seats": {h: [u, b] for h, (u, b) in sorted(self.seats.items())},
            "burn": None if self.burn is None else str(self.burn),
            "registered_block": self.registered_block,
            "registrations_this_block": self.registrations_this_block,
            "shares": {h: str(v) for h, v in sorted(self.shares.items())},
            "rate": {h: str(v) for h, v in sorted(self.rate.items())},
            "claimed": [[h, c, str(v)] for (h, c), v in sorted(self.claimed.items())],
            "pending": {
                h: {str(n): str(a) for n, a in sorted(q.items())}
                for h, q in sorted(self.pending.items())
            },
            "last_root_stake_block": [
                [c, h, b] for (c, h), b in sorted(self.last_root_stake_block.items())
            ],
            "flush_cursor": self.flush_cursor,
            "recycled_tao": str(self.recycled_tao),
            "recycled_alpha": {str(n): str(a) for n, a in sorted(self.recycled_alpha.items())},
            "redeemed_tao": {h: str(v) for h, v in sorted(self.redeemed_tao.items())},
            "frozen": sorted(self.frozen),
            "turnover": {h: [str(v), b] for h, (v, b) in sorted(self.turnover.items())},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Baskets:
        """The inverse of :meth:`to_dict`; ``KeyError`` / ``ValueError`` on a bad section."""
        ext = cls()
        if set(data) != set(ext.to_dict()):
            raise KeyError(f"root-reborn section keys {sorted(data)}")
        ext.seats = {str(h): (int(u), int(b)) for h, (u, b) in data["seats"].items()}
        ext.burn = None if data["burn"] is None else int(data["burn"])
        ext.registered_block = int(data["registered_block"])
        ext.registrations_this_block = int(data["registrations_this_block"])
        ext.shares = {str(h): int(v) for h, v in data["shares"].items()}
        ext.rate = {str(h): int(v) for h, v in data["rate"].items()}
        ext.claimed = {(str(h), str(c)): int(v) for h, c, v in data["claimed"]}
        ext.pending = {
            str(h): {int(n): int(a) for n, a in q.items()} for h, q in data["pending"].items()
        }
        ext.last_root_stake_block = {
            (str(c), str(h)): int(b) for c, h, b in data["last_root_stake_block"]
        }
        ext.flush_cursor = int(data["flush_cursor"])
        ext.recycled_tao = int(data["recycled_tao"])
        ext.recycled_alpha = {int(n): int(a) for n, a in data["recycled_alpha"].items()}
        ext.redeemed_tao = {str(h): int(v) for h, v in data["redeemed_tao"].items()}
        ext.frozen = {str(h) for h in data["frozen"]}
        ext.turnover = {str(h): (int(v), int(b)) for h, (v, b) in data["turnover"].items()}
        return ext


EXTENSION_DECODERS[Baskets.name] = Baskets.from_dict


def baskets(state: State) -> Baskets:
    """The network's Root Reborn storage, created on first use."""
    ext = state.extensions.get(Baskets.name)
    if ext is None:
        ext = state.extensions[Baskets.name] = Baskets()
    assert isinstance(ext, Baskets)
    return ext


def peek(state: State) -> Baskets | None:
    """The storage if the state has it (never creates it)."""
    ext = state.extensions.get(Baskets.name)
    return ext if isinstance(ext, Baskets) else None


def on_root(state: State, hotkey: str) -> bool:
    """Whether ``hotkey`` holds a root UID (the #3035 eligibility for root dividends)."""
    ext = peek(state)
    return ext is not None and hotkey in ext.seats


def enqueue_deposit(state: State, hotkey: str, netuid: int, alpha: int) -> None:
    """An epoch's root dividend rest (after the take): ``PendingBasketDeposits[V][i] += a``
    (the alpha stays counted in o, held by the queue)."""
    if alpha < 0:
        raise ValueError(f"negative basket deposit {alpha}")
    if alpha:
        queue = baskets(state).pending.setdefault(hotkey, {})
        queue[netuid] = queue.get(netuid, 0) + alpha


def pending_alpha(state: State, netuid: int) -> int:
    """Alpha-rao queued for baskets on ``netuid`` (a holder of o, :mod:`dtao.invariants`)."""
    ext = peek(state)
    if ext is None:
        return 0
    return sum(q.get(netuid, 0) for q in ext.pending.values())


def owed_shares(rate: int, root_stake: int, claimed: int) -> int:
    """``get_basket_owed_shares``: max(0, ⌊ρ·R − κ⌋) shares (ρ raw I96F32)."""
    return max(0, ((rate * root_stake) >> FRAC32) - claimed)


def rebase(rate: int, delta: int) -> int:
    """The watermark change for a root stake change of ``delta`` rao: ⌊ρ·Δ⌋ (signed, floors
    toward −∞ for a removal as the chain's I96F32 product)."""
    return (rate * delta) >> FRAC32


def rebase_root_stake(state: State, coldkey: str, hotkey: str, delta: int) -> None:
    """A root stake change of ``delta`` rao for (coldkey, V) (§5.3): κ += ⌊ρ·Δ⌋, so the
    change neither grants nor destroys accrued shares; the block is the root hold's. Nothing
    in a state without Root Reborn storage or for a hotkey without a fund."""
    ext = peek(state)
    if ext is None or coldkey == ESCROW:  # the escrow's cash slot is not a claimant
        return
    ext.last_root_stake_block[(coldkey, hotkey)] = state.block
    if not ext.rate.get(hotkey):
        return
    key = (hotkey, coldkey)
    ext.claimed[key] = ext.claimed.get(key, 0) + rebase(ext.rate[hotkey], delta)


def root_hold_elapsed(state: State, coldkey: str, hotkey: str) -> bool:
    """The root unstake hold (§5.3): now − LastColdkeyHotkeyStakeBlock ≥
    ``root_stake_unlock_interval`` (0, the default, never holds)."""
    interval = state.params.root_stake_unlock_interval
    ext = peek(state)
    if not interval or ext is None:
        return True
    last = ext.last_root_stake_block.get((coldkey, hotkey))
    return last is None or state.block - last >= interval


def payout_from(owed: int, nav: int, shares: int) -> int:
    """``basket_payout_from``: ⌊owed·NAV/P⌋ in u128 (0 when P = 0)."""
    return owed * nav // shares if shares else 0


def basket_share(added: int, nav0: int, supply: int) -> int:
    """Shares a deposit of value ``added`` mints into a fund of NAV ``nav0`` and ``supply``
    shares (§5.4 step 4): par into an empty fund; a dust revival (P ≤ added/100) of a fund
    worth 0; else ⌊added·P/N0⌋."""
    if supply == 0:
        return added
    if nav0 == 0:
        return added if supply <= added // 100 else 0
    return added * supply // nav0
