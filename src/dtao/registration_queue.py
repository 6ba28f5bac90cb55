"""The subnet registration queue of spec 475 as state (dtao-current.md §8.2): the queued
registrations (``NetworkRegistrationQueue``), the netuids whose dissolution is still being
cleaned up (``DissolveCleanupQueue``) and the per-entry escrow of the TAO paid at queue time
(``NetworkRegistrationEscrow``, rao). The rules that use it are in :mod:`dtao.lifecycle`.

Sources: RaoFoundation/subtensor ``utils/tao.rs`` (escrow, index id 71289367744),
``tests/networks.rs`` @ 0249a4a4 (the queue, id 71315464685).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from dtao.state import EXTENSION_DECODERS, State


@dataclass(frozen=True)
class QueuedRegistration:
    """One queue entry: the payer, the hotkey reserved for it, the cost priced at queue time
    (rao), the median price snapshot (U64F64 bits) and the escrow's lock id."""

    coldkey: str
    hotkey: str
    cost: int
    median_bits: int
    lock_id: int

    def to_list(self) -> list[str]:
        return [self.coldkey, self.hotkey, str(self.cost), str(self.median_bits), str(self.lock_id)]

    @classmethod
    def from_list(cls, data: list[Any]) -> QueuedRegistration:
        coldkey, hotkey, cost, median, lock_id = data
        entry = cls(str(coldkey), str(hotkey), int(cost), int(median), int(lock_id))
        if entry.cost < 0 or entry.median_bits <= 0 or entry.lock_id < 0:
            raise ValueError(f"queue entry {data!r}")
        return entry


@dataclass
class RegistrationQueue:
    """FIFO registration entries, the dissolve-cleanup queue (netuids), the escrow per lock id
    (coldkey, rao) and the next lock id."""

    name: ClassVar[str] = "current-registration-queue"
    entries: list[QueuedRegistration] = field(default_factory=list)
    cleanup: list[int] = field(default_factory=list)
    escrow: dict[int, tuple[str, int]] = field(default_factory=dict)
    next_lock_id: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "entries": [e.to_list() for e in self.entries],
            "cleanup": [str(n) for n in self.cleanup],
            "escrow": {str(i): [c, str(a)] for i, (c, a) in sorted(self.escrow.items())},
            "next_lock_id": str(self.next_lock_id),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RegistrationQueue:
        """The inverse of :meth:`to_dict`; ``KeyError`` / ``ValueError`` on a bad section."""
        escrow = {int(i): (str(c), int(a)) for i, (c, a) in data["escrow"].items()}
        if any(a < 0 for _, a in escrow.values()):
            raise ValueError("negative escrow")
        return cls(
            entries=[QueuedRegistration.from_list(e) for e in data["entries"]],
            cleanup=[int(n) for n in data["cleanup"]],
            escrow=escrow,
            next_lock_id=int(data["next_lock_id"]),
        )


EXTENSION_DECODERS[RegistrationQueue.name] = RegistrationQueue.from_dict


def registration_queue(state: State) -> RegistrationQueue:
    """The state's queue, created (empty) on first use."""
    ext = state.extensions.get(RegistrationQueue.name)
    if ext is None:
        ext = state.extensions[RegistrationQueue.name] = RegistrationQueue()
    return ext  # type: ignore[return-value]


def queue_view(state: State) -> RegistrationQueue:
    """The queue to read: the state's, or an empty one not attached (a read writes nothing)."""
    ext = state.extensions.get(RegistrationQueue.name)
    return ext if isinstance(ext, RegistrationQueue) else RegistrationQueue()


def escrow_tao(state: State) -> int:
    """TAO held in registration escrows (rao)."""
    return sum(amount for _, amount in queue_view(state).escrow.values())
