"""The per-block staking rate limiter of 2025-07-01 → 2026-06-25 (``f8db5d0`` → ``06032d5``;
dtao-economics.md §7a): ``StakingOperationRateLimiter``.

Re-expressed from opentensor/subtensor ``staking/stake_utils.rs`` (``set_stake_operation_limit``,
``ensure_stake_operation_limit_not_exceeded``) and ``macros/hooks.rs`` (``on_finalize``) @
ec2212c: a stake made by ``add_stake`` / ``add_stake_limit``, or the buy leg of a cross-subnet
``move_stake`` / ``swap_stake``, marks its (hotkey, coldkey, netuid); until the block ends that
position cannot be unstaked or moved from (``StakingOperationRateLimitExceeded``). Only an era
with ``params.staking_rate_limiter`` marks; the marks are their own state section, dropped at
the end of the block (here: at the start of the next block step).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from dtao.errors import StakingOperationRateLimitExceeded
from dtao.state import EXTENSION_DECODERS, State


@dataclass
class StakingMarks:
    """The positions staked into this block: (hotkey, coldkey, netuid)."""

    name: ClassVar[str] = "staking-rate-limiter"
    marked: set[tuple[str, str, int]] = field(default_factory=set)

    def to_dict(self) -> dict[str, Any]:
        return {"marked": [[h, c, str(n)] for h, c, n in sorted(self.marked)]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StakingMarks:
        marked = set()
        for hotkey, coldkey, netuid in data["marked"]:
            if not isinstance(hotkey, str) or not isinstance(coldkey, str) or int(netuid) < 0:
                raise ValueError(f"staking mark {[hotkey, coldkey, netuid]!r}")
            marked.add((hotkey, coldkey, int(netuid)))
        return cls(marked)


EXTENSION_DECODERS[StakingMarks.name] = StakingMarks.from_dict


def mark(state: State, hotkey: str, coldkey: str, netuid: int) -> None:
    """``set_stake_operation_limit`` (only when the era has the limiter)."""
    if not state.params.staking_rate_limiter:
        return
    ext = state.extensions.get(StakingMarks.name)
    if not isinstance(ext, StakingMarks):
        ext = state.extensions[StakingMarks.name] = StakingMarks()
    ext.marked.add((hotkey, coldkey, netuid))


def ensure_unmarked(state: State, hotkey: str, coldkey: str, netuid: int) -> None:
    """``ensure_stake_operation_limit_not_exceeded``: ``StakingOperationRateLimitExceeded`` if
    the position was staked into this block."""
    ext = state.extensions.get(StakingMarks.name)
    if isinstance(ext, StakingMarks) and (hotkey, coldkey, netuid) in ext.marked:
        raise StakingOperationRateLimitExceeded(
            f"({hotkey!r}, {coldkey!r}) staked into subnet {netuid} this block"
        )


def clear(state: State) -> None:
    """``on_finalize``: every mark dropped, with the section (a state between blocks has
    none)."""
    state.extensions.pop(StakingMarks.name, None)
