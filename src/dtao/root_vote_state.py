"""The Root Network era's storage (``root-vote`` preset, d4d8182): the ``root-vote`` state
extension, created on first use so that no other era's state has it. The rules that read and
write it are in :mod:`dtao.root_vote` (stake ledger, staking, root network),
:mod:`dtao.root_vote_coinbase` and :mod:`dtao.root_vote_subnets`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from dtao.state import EXTENSION_DECODERS, State


@dataclass
class RootVote:
    """The Root Network storage of one network (``name`` = its JSON section). Amounts in rao."""

    name: ClassVar[str] = "root-vote"

    #: Stake[hotkey][coldkey]
    stake: dict[tuple[str, str], int] = field(default_factory=dict)
    #: TotalHotkeyStake / TotalColdkeyStake (kept with every stake change)
    hotkey_total: dict[str, int] = field(default_factory=dict)
    coldkey_total: dict[str, int] = field(default_factory=dict)
    #: StakeDeltaSinceLastEmissionDrain[hotkey][coldkey] (signed, requested amounts)
    delta: dict[tuple[str, str], int] = field(default_factory=dict)
    #: PendingdHotkeyEmission / PendingdHotkeyEmissionUntouchable / LastHotkeyEmissionDrain
    pending_hotkey: dict[str, int] = field(default_factory=dict)
    untouchable: dict[str, int] = field(default_factory=dict)
    last_drain: dict[str, int] = field(default_factory=dict)
    #: EmissionValues[netuid]: rao per block, written by the root epoch
    emission_values: dict[int, int] = field(default_factory=dict)
    #: PendingEmission[netuid]: TAO accrued for the subnet's next epoch, not yet minted
    pending_emission: dict[int, int] = field(default_factory=dict)
    #: NetworksAdded[0]; the root seats Keys[0] in uid order and their BlockAtRegistration
    root_added: bool = True
    seats: list[str] = field(default_factory=list)
    seat_block: list[int] = field(default_factory=list)
    #: Weights[0][uid] = [(netuid, u16)] and LastUpdate[0][uid]
    root_weights: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    root_last_update: dict[int, int] = field(default_factory=dict)
    #: root network hyper-parameters (None: the preset's value)
    root_tempo: int | None = None
    root_max_uids: int | None = None
    root_max_registrations_per_block: int | None = None
    root_target_registrations: int = 1
    #: root registration counters: (block of the count, this block, this interval)
    root_registrations: tuple[int, int, int] = (0, 0, 0)
    #: LastAdjustmentBlock[0]: when the root interval counter was last reset
    root_last_adjustment: int = 0
    #: SubnetLocked / NetworkRegisteredAt per netuid
    locked: dict[int, int] = field(default_factory=dict)
    registered_at: dict[int, int] = field(default_factory=dict)
    #: TotalHotkeyColdkeyStakesThisInterval[(coldkey, hotkey)] = (count, window start)
    stake_counter: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    #: dissolve_network calls scheduled by ``schedule_dissolve_network``: (block, coldkey, netuid)
    scheduled: list[tuple[int, str, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Canonical plain data (amounts as decimal strings)."""
        return {
            "stake": [[h, c, str(v)] for (h, c), v in sorted(self.stake.items())],
            "delta": [[h, c, str(v)] for (h, c), v in sorted(self.delta.items())],
            "pending_hotkey": {h: str(v) for h, v in sorted(self.pending_hotkey.items())},
            "untouchable": {h: str(v) for h, v in sorted(self.untouchable.items())},
            "last_drain": dict(sorted(self.last_drain.items())),
            "emission_values": {str(n): str(v) for n, v in sorted(self.emission_values.items())},
            "pending_emission": {str(n): str(v) for n, v in sorted(self.pending_emission.items())},
            "root_added": self.root_added,
            "seats": list(self.seats),
            "seat_block": list(self.seat_block),
            "root_weights": {
                str(u): [[n, w] for n, w in row] for u, row in sorted(self.root_weights.items())
            },
            "root_last_update": {str(u): b for u, b in sorted(self.root_last_update.items())},
            "root_tempo": self.root_tempo,
            "root_max_uids": self.root_max_uids,
            "root_max_registrations_per_block": self.root_max_registrations_per_block,
            "root_target_registrations": self.root_target_registrations,
            "root_registrations": list(self.root_registrations),
            "root_last_adjustment": self.root_last_adjustment,
            "locked": {str(n): str(v) for n, v in sorted(self.locked.items())},
            "registered_at": {str(n): b for n, b in sorted(self.registered_at.items())},
            "stake_counter": [
                [c, h, n, b] for (c, h), (n, b) in sorted(self.stake_counter.items())
            ],
            "scheduled": [list(item) for item in self.scheduled],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RootVote:
        """The inverse of :meth:`to_dict`; ``KeyError`` / ``ValueError`` on a bad section."""
        ext = cls()
        if set(data) != set(ext.to_dict()):
            raise KeyError(f"root-vote section keys {sorted(data)}")
        ext.stake = {(str(h), str(c)): int(v) for h, c, v in data["stake"]}
        for (h, c), v in ext.stake.items():
            ext.hotkey_total[h] = ext.hotkey_total.get(h, 0) + v
            ext.coldkey_total[c] = ext.coldkey_total.get(c, 0) + v
        ext.delta = {(str(h), str(c)): int(v) for h, c, v in data["delta"]}
        ext.pending_hotkey = {str(h): int(v) for h, v in data["pending_hotkey"].items()}
        ext.untouchable = {str(h): int(v) for h, v in data["untouchable"].items()}
        ext.last_drain = {str(h): int(v) for h, v in data["last_drain"].items()}
        ext.emission_values = {int(n): int(v) for n, v in data["emission_values"].items()}
        ext.pending_emission = {int(n): int(v) for n, v in data["pending_emission"].items()}
        ext.root_added = bool(data["root_added"])
        ext.seats = [str(h) for h in data["seats"]]
        ext.seat_block = [int(b) for b in data["seat_block"]]
        ext.root_weights = {
            int(u): [(int(n), int(w)) for n, w in row] for u, row in data["root_weights"].items()
        }
        ext.root_last_update = {int(u): int(b) for u, b in data["root_last_update"].items()}
        for name in ("root_tempo", "root_max_uids", "root_max_registrations_per_block"):
            value = data[name]
            setattr(ext, name, None if value is None else int(value))
        ext.root_target_registrations = int(data["root_target_registrations"])
        block, this_block, interval = (int(v) for v in data["root_registrations"])
        ext.root_registrations = (block, this_block, interval)
        ext.root_last_adjustment = int(data["root_last_adjustment"])
        ext.locked = {int(n): int(v) for n, v in data["locked"].items()}
        ext.registered_at = {int(n): int(b) for n, b in data["registered_at"].items()}
        ext.stake_counter = {
            (str(c), str(h)): (int(n), int(b)) for c, h, n, b in data["stake_counter"]
        }
        ext.scheduled = [(int(b), str(c), int(n)) for b, c, n in data["scheduled"]]
        return ext


EXTENSION_DECODERS[RootVote.name] = RootVote.from_dict


def root_vote(state: State) -> RootVote:
    """The network's Root Network storage, created on first use."""
    ext = state.extensions.get(RootVote.name)
    if ext is None:
        ext = state.extensions[RootVote.name] = RootVote()
    assert isinstance(ext, RootVote)
    return ext


def peek(state: State) -> RootVote | None:
    """The storage if the state has it (never creates it)."""
    ext = state.extensions.get(RootVote.name)
    return ext if isinstance(ext, RootVote) else None
