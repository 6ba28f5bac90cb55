"""Conviction locks and the ownership transfer of the 14bc6f9 runtime (summer-2026,
dtao-current.md §9.1): ``lock_stake``, the lock states rolled forward in time, the per-hotkey
and owner aggregates, and ``change_subnet_owner_if_needed``.

Source: opentensor/subtensor ``pallets/subtensor/src/staking/lock.rs`` @ 14bc6f9
(``ConvictionModel``, ``roll_forward_lock``, ``exp_decay``, ``do_lock_stake``,
``hotkey_conviction``, ``get_total_conviction``, ``subnet_king``,
``change_subnet_owner_if_needed``, ``destroy_lock_maps``); the exponential is substrate-fixed
``transcendental::exp`` in I64F64. A lock is (locked mass in alpha-rao, conviction as U64F64 raw
bits, block of the last roll). The locked mass decays with time constant ``UnlockRate`` (unless
the coldkey made it perpetual) and the conviction matures toward it with ``MaturityRate``; a lock
on the subnet owner's hotkey has conviction = its mass.

The state lives in the ``summer-2026-locks`` extension. Not modelled yet: the unstake check
(``StakeUnavailable``) and the lock moves that follow stake moves and transfers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from dtao import errors as E
from dtao import extrinsics as X
from dtao import ledger
from dtao.fixed import FRAC64, I64F64, ONE64, U64F64
from dtao.receipts import Event
from dtao.rules import Rules
from dtao.state import EXTENSION_DECODERS, State
from dtao.summer import summer_columns

#: the chain's ONE_YEAR (blocks): a subnet younger than this keeps its owner
ONE_YEAR = 7200 * 365 + 1800
#: LOCK_STATE_ZERO_THRESHOLD: a lock below this in mass and conviction is dropped
ZERO_THRESHOLD = 100
_EXP_MIN_RAW = -40 * ONE64


@dataclass(frozen=True)
class LockState:
    """``LockState``: locked mass (alpha-rao), conviction (U64F64 raw), last roll (block)."""

    locked_mass: int
    conviction: int
    last_update: int

    def is_zero(self) -> bool:
        """Both mass and conviction below the zero threshold."""
        return self.locked_mass < ZERO_THRESHOLD and self.conviction < ZERO_THRESHOLD << FRAC64

    def to_list(self) -> list[str]:
        return [str(self.locked_mass), str(self.conviction), str(self.last_update)]

    @classmethod
    def from_list(cls, data: list[Any]) -> LockState:
        mass, conviction, block = (int(v) for v in data)
        if mass < 0 or conviction < 0 or block < 0:
            raise ValueError(f"lock state {data!r}")
        return cls(mass, conviction, block)


def _empty(now: int) -> LockState:
    return LockState(0, 0, now)


def _merge(a: LockState, b: LockState) -> LockState:
    return LockState(
        min(a.locked_mass + b.locked_mass, 2**64 - 1),
        U64F64.saturate(a.conviction + b.conviction),
        max(a.last_update, b.last_update),
    )


def _reduce(a: LockState, mass: int, conviction: int) -> LockState:
    return LockState(max(a.locked_mass - mass, 0), max(a.conviction - conviction, 0), a.last_update)


# -- the exponential decay ------------------------------------------------------------------


def exp_i64f64(raw: int) -> int | None:
    """substrate-fixed ``exp`` for I64F64 (None = the library's ``Err``): for |x|,
    1 + x + Σ_{i=2}^{63} t_i with t_i = ⌊t_{i−1}·x⌋ / i (checked, truncating); a negative
    argument gives 1 / exp(|x|) (truncated). exp(0) = 1."""
    if raw == 0:
        return ONE64
    if raw == 1 << 64:  # exp(1): e at the library's 23 fraction bits
        return 22_802_601 << (FRAC64 - 23)
    neg = raw < 0
    x = -raw if neg else raw
    result = I64F64.saturate(x + ONE64)
    term = x
    for i in range(2, FRAC64):
        product = I64F64.checked_mul(term, x)
        if product is None:
            return None
        quotient = I64F64.checked_div(product, i << FRAC64)
        if quotient is None:
            return None
        term = quotient
        result += term
        if result > I64F64.max_raw:
            return None
    return I64F64.checked_div(ONE64, result) if neg else result


def exp_decay(dt: int, tau: int) -> int:
    """``exp_decay``: e^(−dt/tau) as U64F64 raw, the ratio an I64F64 clamped at −40; 1 when
    dt = 0, 0 when tau = 0."""
    if dt == 0:
        return ONE64
    if tau == 0:
        return 0
    ratio = I64F64.checked_div(-dt << FRAC64, tau << FRAC64)
    clamped = max(_EXP_MIN_RAW if ratio is None else ratio, _EXP_MIN_RAW)
    decay = exp_i64f64(clamped)
    return 0 if decay is None or decay < 0 else decay


def _decayed(
    mass: int, conviction: int, dt: int, unlock: int, maturity: int, perpetual: bool
) -> tuple[int, int]:
    """``calculate_decayed_mass_and_conviction`` (U64F64 products floored, saturating)."""
    unlock_decay = exp_decay(dt, unlock)
    maturity_decay = exp_decay(dt, maturity)
    mass_fixed = mass << FRAC64
    new_mass = (
        mass
        if perpetual
        else U64F64.saturating_to_uint(U64F64.saturating_mul(unlock_decay, mass_fixed))
    )
    from_existing = U64F64.saturating_mul(maturity_decay, conviction)
    if perpetual:
        from_mass = U64F64.saturating_mul(mass_fixed, max(ONE64 - maturity_decay, 0))
    elif unlock == maturity:
        ratio = U64F64.safe_div(dt << FRAC64, maturity << FRAC64)
        from_mass = U64F64.saturating_mul(mass_fixed, U64F64.saturating_mul(ratio, maturity_decay))
    elif unlock == 0 or maturity == 0:
        from_mass = 0
    else:
        delta = I64F64.saturate(unlock_decay - maturity_decay)
        gamma = I64F64.checked_div(
            I64F64.saturating_mul(unlock << FRAC64, delta), (unlock - maturity) << FRAC64
        )
        from_mass = 0 if gamma is None or gamma <= 0 else U64F64.saturating_mul(mass_fixed, gamma)
    return new_mass, U64F64.saturate(from_existing + from_mass)


def roll_forward(
    lock: LockState, now: int, unlock: int, maturity: int, owner: bool, perpetual: bool
) -> tuple[LockState, int, int]:
    """``roll_forward_lock``: the lock at ``now``, and the (mass, conviction) it lost."""
    rolled = lock
    if now > lock.last_update:
        mass, conviction = _decayed(
            lock.locked_mass, lock.conviction, now - lock.last_update, unlock, maturity, perpetual
        )
        rolled = LockState(mass, conviction, now)
    if owner:
        rolled = LockState(rolled.locked_mass, rolled.locked_mass << FRAC64, rolled.last_update)
    if rolled.is_zero():
        rolled = LockState(0, 0, rolled.last_update)
    lost_mass = max(lock.locked_mass - rolled.locked_mass, 0)
    lost_conviction = max(lock.conviction - rolled.conviction, 0)
    return rolled, lost_mass, lost_conviction


# -- state -----------------------------------------------------------------------------------


@dataclass
class ConvictionLocks:
    """The lock maps of ``lock.rs``: ``Lock`` (one hotkey per coldkey and subnet), the
    coldkeys whose lock is perpetual (``DecayingLock = false``), the per-hotkey perpetual and
    decaying aggregates (``HotkeyLock``, ``DecayingHotkeyLock``) and the owner's
    (``OwnerLock``, ``DecayingOwnerLock``)."""

    name: ClassVar[str] = "summer-2026-locks"
    locks: dict[tuple[str, int], tuple[str, LockState]] = field(default_factory=dict)
    perpetual: set[tuple[str, int]] = field(default_factory=set)
    hotkey: dict[tuple[int, str], LockState] = field(default_factory=dict)
    decaying_hotkey: dict[tuple[int, str], LockState] = field(default_factory=dict)
    owner: dict[int, LockState] = field(default_factory=dict)
    decaying_owner: dict[int, LockState] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "locks": [
                [c, str(n), h, lock.to_list()] for (c, n), (h, lock) in sorted(self.locks.items())
            ],
            "perpetual": [[c, str(n)] for c, n in sorted(self.perpetual)],
            "hotkey": [[str(n), h, s.to_list()] for (n, h), s in sorted(self.hotkey.items())],
            "decaying_hotkey": [
                [str(n), h, s.to_list()] for (n, h), s in sorted(self.decaying_hotkey.items())
            ],
            "owner": {str(n): s.to_list() for n, s in sorted(self.owner.items())},
            "decaying_owner": {str(n): s.to_list() for n, s in sorted(self.decaying_owner.items())},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConvictionLocks:
        """The inverse of :meth:`to_dict`; ``KeyError`` / ``ValueError`` on a bad section."""
        ext = cls()
        for c, n, h, lock in data["locks"]:
            ext.locks[(str(c), int(n))] = (str(h), LockState.from_list(lock))
        ext.perpetual = {(str(c), int(n)) for c, n in data["perpetual"]}
        for n, h, lock in data["hotkey"]:
            ext.hotkey[(int(n), str(h))] = LockState.from_list(lock)
        for n, h, lock in data["decaying_hotkey"]:
            ext.decaying_hotkey[(int(n), str(h))] = LockState.from_list(lock)
        ext.owner = {int(n): LockState.from_list(s) for n, s in data["owner"].items()}
        ext.decaying_owner = {
            int(n): LockState.from_list(s) for n, s in data["decaying_owner"].items()
        }
        return ext


EXTENSION_DECODERS[ConvictionLocks.name] = ConvictionLocks.from_dict


def conviction_locks(state: State) -> ConvictionLocks:
    """The state's lock maps, created (empty) on first use."""
    ext = state.extensions.get(ConvictionLocks.name)
    if ext is None:
        ext = state.extensions[ConvictionLocks.name] = ConvictionLocks()
    return ext  # type: ignore[return-value]


def _view(state: State) -> ConvictionLocks:
    """The lock maps to read: the state's, or empty ones not attached (a read writes nothing)."""
    ext = state.extensions.get(ConvictionLocks.name)
    return ext if isinstance(ext, ConvictionLocks) else ConvictionLocks()


def _put(table: dict[Any, LockState], key: Any, lock: LockState) -> None:
    """``insert_*_lock_state`` of an aggregate: kept while mass or conviction is positive."""
    if lock.locked_mass or lock.conviction:
        table[key] = lock
    else:
        table.pop(key, None)


# -- the model of one coldkey's lock ---------------------------------------------------------


class _Model:
    """``ConvictionModel``: one coldkey's lock on a subnet and the aggregate bucket it counts in
    (owner or not, perpetual or decaying), read, changed and written back."""

    def __init__(self, state: State, coldkey: str, netuid: int, hotkey: str) -> None:
        locks, now = _view(state), state.block
        subnet = state.subnets.get(netuid)
        self.state, self.locks, self.now = state, locks, now
        self.coldkey, self.netuid, self.hotkey = coldkey, netuid, hotkey
        self.owner = subnet is not None and subnet.owner_hotkey == hotkey
        self.perpetual = (coldkey, netuid) in locks.perpetual
        held = locks.locks.get((coldkey, netuid))
        self.individual = held[1] if held and held[0] == hotkey else _empty(now)
        self.unlock = state.params.unlock_rate
        self.maturity = state.params.maturity_rate
        self.aggregate = self._bucket().get(self._key(), _empty(now))

    def _bucket(self) -> dict[Any, LockState]:
        locks = self.locks
        if self.owner:
            return locks.owner if self.perpetual else locks.decaying_owner
        return locks.hotkey if self.perpetual else locks.decaying_hotkey

    def _key(self) -> Any:
        return self.netuid if self.owner else (self.netuid, self.hotkey)

    def _roll(self, lock: LockState) -> tuple[LockState, int, int]:
        return roll_forward(lock, self.now, self.unlock, self.maturity, self.owner, self.perpetual)

    def roll_forward(self) -> None:
        """``ConvictionModel::roll_forward``: the individual lock rolled; what it lost comes
        off the aggregate (stamped now), else the aggregate is rolled on its own."""
        self.individual, lost_mass, lost_conviction = self._roll(self.individual)
        if lost_mass or lost_conviction:
            reduced = _reduce(self.aggregate, lost_mass, lost_conviction)
            self.aggregate = LockState(reduced.locked_mass, reduced.conviction, self.now)
        else:
            self.roll_aggregate()

    def roll_aggregate(self) -> None:
        self.aggregate = self._roll(self.aggregate)[0]

    def save(self) -> None:
        """``save_conviction_model``: the individual lock (dropped when zero) and the bucket."""
        self.state.extensions.setdefault(ConvictionLocks.name, self.locks)
        key = (self.coldkey, self.netuid)
        if self.individual.is_zero():
            held = self.locks.locks.get(key)
            if held is not None and held[0] == self.hotkey:
                del self.locks.locks[key]
        else:
            self.locks.locks[key] = (self.hotkey, self.individual)
        _put(self._bucket(), self._key(), self.aggregate)


# -- lock_stake ------------------------------------------------------------------------------


def total_coldkey_alpha_on_subnet(state: State, coldkey: str, netuid: int) -> int:
    """``total_coldkey_alpha_on_subnet``: the coldkey's stake over every hotkey (alpha-rao)."""
    return sum(
        ledger.get_stake(state, coldkey, hotkey, n)
        for (hotkey, n), pool in state.stakes.items()
        if n == netuid and coldkey in pool.shares
    )


def lock_stake(
    state: State,
    rules: Rules,
    events: list[Event],
    coldkey: str,
    hotkey: str,
    netuid: int,
    amount: int,
) -> None:
    """``do_lock_stake`` (staking/lock.rs @ 14bc6f9): ``AmountTooLow`` for 0,
    ``HotKeyAccountNotExists``, ``LockHotkeyMismatch`` when the coldkey's lock on the subnet
    names another hotkey, ``InsufficientStakeForLock`` when the lock would exceed the coldkey's
    stake on the subnet. The lock is rolled to now, ``amount`` added (a new lock starts with no
    conviction), and the amount added to the hotkey's aggregate."""
    if amount == 0:
        raise E.AmountTooLow("a lock of 0 alpha")
    if not X.hotkey_exists(state, hotkey):
        raise E.HotKeyAccountNotExists(f"hotkey {hotkey!r} does not exist")
    total = total_coldkey_alpha_on_subnet(state, coldkey, netuid)
    held = _view(state).locks.get((coldkey, netuid))
    if held is not None and held[0] != hotkey:
        raise E.LockHotkeyMismatch(f"{coldkey}'s lock on subnet {netuid} is to {held[0]!r}")
    model = _Model(state, coldkey, netuid, hotkey)
    model.roll_forward()
    lock = model.individual
    fresh = lock.locked_mass == 0 and lock.conviction == 0
    wanted = amount if fresh else lock.locked_mass + amount
    if total < wanted:
        raise E.InsufficientStakeForLock(f"{wanted} alpha-rao to lock, {total} staked")
    start = (
        LockState(amount, 0, model.now)
        if fresh
        else LockState(wanted, lock.conviction, lock.last_update)
    )
    model.individual = model._roll(start)[0]
    model.roll_aggregate()
    model.aggregate = _merge(model.aggregate, LockState(amount, 0, model.now))
    model.roll_aggregate()
    model.save()


def current_locked(state: State, coldkey: str, netuid: int) -> int:
    """``get_current_locked``: the coldkey's locked mass on the subnet rolled to now (alpha-rao;
    nothing is written)."""
    held = _view(state).locks.get((coldkey, netuid))
    if held is None:
        return 0
    model = _Model(state, coldkey, netuid, held[0])
    model.roll_forward()
    return model.individual.locked_mass


def set_perpetual_lock(
    state: State, rules: Rules, events: list[Event], coldkey: str, netuid: int, enabled: bool
) -> None:
    """``do_set_perpetual_lock``: switch the coldkey's lock on the subnet between decaying and
    perpetual. An existing lock is rolled to now under the old mode; on a change its rolled
    state leaves the old aggregate bucket and joins the new one."""
    locks = _view(state)
    held = locks.locks.get((coldkey, netuid))
    current = (coldkey, netuid) in locks.perpetual
    rolled = None
    if held is not None:
        model = _Model(state, coldkey, netuid, held[0])
        model.roll_forward()
        rolled = model.individual
        model.save()
        if current != enabled:
            bucket = _Model(state, coldkey, netuid, held[0])
            bucket.roll_aggregate()
            bucket.aggregate = _reduce(bucket.aggregate, rolled.locked_mass, rolled.conviction)
            _put(bucket._bucket(), bucket._key(), bucket.aggregate)
    ext = conviction_locks(state)
    if enabled:
        ext.perpetual.add((coldkey, netuid))
    else:
        ext.perpetual.discard((coldkey, netuid))
    if current != enabled and held is not None:
        again = ext.locks.get((coldkey, netuid))
        if again is not None:
            bucket = _Model(state, coldkey, netuid, again[0])
            bucket.roll_aggregate()
            bucket.aggregate = _merge(bucket.aggregate, again[1])
            bucket.roll_aggregate()
            _put(bucket._bucket(), bucket._key(), bucket.aggregate)


# -- conviction per hotkey and on the subnet, the king, the ownership transfer ---------------


def _rolled_convictions(state: State, netuid: int) -> dict[str, int]:
    """Each hotkey's rolled aggregate conviction on ``netuid`` (the owner buckets count for
    the owner hotkey), U64F64 raw."""
    locks, now, p = _view(state), state.block, state.params
    scores: dict[str, int] = {}
    for table, perpetual in ((locks.hotkey, True), (locks.decaying_hotkey, False)):
        for (n, hotkey), lock in table.items():
            if n == netuid:
                got = roll_forward(lock, now, p.unlock_rate, p.maturity_rate, False, perpetual)
                scores[hotkey] = U64F64.saturate(scores.get(hotkey, 0) + got[0].conviction)
    subnet = state.subnets.get(netuid)
    owner_hotkey = subnet.owner_hotkey if subnet else ""
    for owner_table, perpetual in ((locks.owner, True), (locks.decaying_owner, False)):
        owner_lock = owner_table.get(netuid)
        if owner_lock is not None:
            got = roll_forward(owner_lock, now, p.unlock_rate, p.maturity_rate, True, perpetual)
            scores[owner_hotkey] = U64F64.saturate(scores.get(owner_hotkey, 0) + got[0].conviction)
    return scores


def hotkey_conviction(state: State, hotkey: str, netuid: int) -> int:
    """``hotkey_conviction``: the hotkey's rolled aggregate conviction (U64F64 raw)."""
    return _rolled_convictions(state, netuid).get(hotkey, 0)


def total_conviction(state: State, netuid: int) -> int:
    """``get_total_conviction``: the subnet's rolled aggregate conviction (U64F64 raw)."""
    return U64F64.saturate(sum(_rolled_convictions(state, netuid).values()))


def subnet_king(state: State, netuid: int) -> str | None:
    """``subnet_king``: the hotkey with the largest rolled conviction; on a tie the last in key
    order (``max_by`` over the chain's ordered map keeps the last maximum; dtao orders hotkeys
    by name)."""
    scores = _rolled_convictions(state, netuid)
    best: str | None = None
    for hotkey in sorted(scores):
        if best is None or scores[hotkey] >= scores[best]:
            best = hotkey
    return best


def change_subnet_owner_if_needed(state: State, rules: Rules, netuid: int) -> None:
    """``change_subnet_owner_if_needed`` (spec 432's rule, staking/lock.rs @ 14bc6f9), run for
    each subnet whose epoch drains: nothing while SubnetAlphaOut is 0, before the subnet is
    ``ONE_YEAR`` old, or while total conviction × 10 < SubnetAlphaOut; otherwise the king hotkey
    (which must have an owner other than the current owner, and gets a UID if it has none)
    becomes the owner hotkey and its coldkey the owner. The old owner's buckets become the old
    owner hotkey's, the king's become the owner's (its conviction matured to its mass)."""
    subnet = state.subnets.get(netuid)
    alpha_out = state.columns.get("alpha_out", netuid) if subnet else 0
    if subnet is None or alpha_out <= 0 or state.block < subnet.registered_at + ONE_YEAR:
        return
    if U64F64.saturate(total_conviction(state, netuid) * 10) < alpha_out << FRAC64:
        return
    king = subnet_king(state, netuid)
    new_owner = state.hotkey_owner.get(king) if king is not None else None
    if king is None or new_owner is None or new_owner == subnet.owner_coldkey:
        return
    _transfer_ownership(state, rules, netuid, king, new_owner)


def _transfer_ownership(state: State, rules: Rules, netuid: int, king: str, new_owner: str) -> None:
    """Hand the subnet to ``king`` (owned by ``new_owner``): the king gets a UID if it has
    none (nothing moves when no UID can be freed), the old owner's buckets become the old owner
    hotkey's, the king's become the owner's (its conviction matured to its mass)."""
    subnet = state.subnets[netuid]
    if subnet.neurons.uid_of(king) is None:
        replace = None
        if subnet.neurons.n >= subnet.max_uids:
            replace = rules.registration.neuron_to_prune(state, subnet)
            if replace is None:
                return
        X.register_neuron(state, subnet, king, replace)
    locks, now, p = conviction_locks(state), state.block, state.params
    old_hotkey = subnet.owner_hotkey
    for owner_table, hotkey_table, perpetual in (
        (locks.owner, locks.hotkey, True),
        (locks.decaying_owner, locks.decaying_hotkey, False),
    ):
        moved = owner_table.pop(netuid, None)
        if moved is not None:
            rolled = roll_forward(moved, now, p.unlock_rate, p.maturity_rate, True, perpetual)[0]
            current = hotkey_table.get((netuid, old_hotkey))
            current = (
                roll_forward(current, now, p.unlock_rate, p.maturity_rate, False, perpetual)[0]
                if current
                else _empty(now)
            )
            _put(hotkey_table, (netuid, old_hotkey), LockState(*_sum(current, rolled), now))
    for owner_table, hotkey_table, perpetual in (
        (locks.owner, locks.hotkey, True),
        (locks.decaying_owner, locks.decaying_hotkey, False),
    ):
        moved = hotkey_table.pop((netuid, king), None)
        if moved is not None:
            rolled = roll_forward(moved, now, p.unlock_rate, p.maturity_rate, False, perpetual)[0]
            current = owner_table.get(netuid)
            current = (
                roll_forward(current, now, p.unlock_rate, p.maturity_rate, True, perpetual)[0]
                if current
                else _empty(now)
            )
            merged = LockState(*_sum(current, rolled), now)
            owner_lock = roll_forward(merged, now, p.unlock_rate, p.maturity_rate, True, perpetual)
            _put(owner_table, netuid, owner_lock[0])
    subnet.owner_coldkey = new_owner
    subnet.owner_hotkey = king


#: the 447 gate: the king's own conviction x 100 must exceed eligible alpha x this percentage
KING_SHARE_PERCENT = 18


def eligible_alpha(state: State, netuid: int) -> int:
    """Eligible alpha of the 447 owner check (alpha-rao): SubnetAlphaOut − SubnetProtocolAlpha
    − AlphaBurned, saturating at 0."""
    ext = summer_columns(state)
    alpha_out = state.columns.get("alpha_out", netuid)
    taken = ext.get("protocol_alpha", netuid) + ext.get("alpha_burned", netuid)
    return max(alpha_out - taken, 0)


def change_subnet_owner_to_king(state: State, rules: Rules, netuid: int) -> None:
    """``change_subnet_owner_if_needed`` of spec 447 and later (dtao-current.md §9.1;
    RaoFoundation/subtensor ``staking/lock.rs``, tests in ``tests/locks.rs`` @ 072666e0), run
    for each subnet whose epoch drains: nothing before the subnet is ``ONE_YEAR`` old; the king
    (largest rolled aggregate conviction) takes the subnet when it is not already the owner
    hotkey, has an owning coldkey, and king conviction × 100 > eligible alpha × 18, compared
    exactly on the U64F64 raw bits (Python ints: no saturation near u64::MAX). Other lockers'
    conviction does not count toward the king's share."""
    subnet = state.subnets.get(netuid)
    if subnet is None or state.block - subnet.registered_at < ONE_YEAR:
        return
    king = subnet_king(state, netuid)
    if king is None or king == subnet.owner_hotkey:
        return
    share = hotkey_conviction(state, king, netuid) * 100
    if share <= (eligible_alpha(state, netuid) << FRAC64) * KING_SHARE_PERCENT:
        return
    new_owner = state.hotkey_owner.get(king)
    if new_owner is None:
        return
    _transfer_ownership(state, rules, netuid, king, new_owner)


def _sum(a: LockState, b: LockState) -> tuple[int, int]:
    return min(a.locked_mass + b.locked_mass, 2**64 - 1), U64F64.saturate(
        a.conviction + b.conviction
    )


def no_ownership_transfer(state: State, rules: Rules, netuid: int) -> None:
    """Eras without conviction locks (launch): ownership never moves."""


def destroy_lock_maps(state: State, netuid: int) -> None:
    """``destroy_lock_maps``: every lock, aggregate and perpetual flag of the subnet."""
    ext = state.extensions.get(ConvictionLocks.name)
    if not isinstance(ext, ConvictionLocks):
        return
    ext.locks = {k: v for k, v in ext.locks.items() if k[1] != netuid}
    ext.perpetual = {k for k in ext.perpetual if k[1] != netuid}
    ext.hotkey = {k: v for k, v in ext.hotkey.items() if k[0] != netuid}
    ext.decaying_hotkey = {k: v for k, v in ext.decaying_hotkey.items() if k[0] != netuid}
    ext.owner.pop(netuid, None)
    ext.decaying_owner.pop(netuid, None)


def set_perpetual_lock_unavailable(
    state: State, rules: Rules, events: list[Event], coldkey: str, netuid: int, enabled: bool
) -> None:
    """Eras before conviction locks (launch): the call does not exist."""
    raise E.CallUnavailable("set_perpetual_lock does not exist in this era's runtime")


def lock_stake_unavailable(
    state: State,
    rules: Rules,
    events: list[Event],
    coldkey: str,
    hotkey: str,
    netuid: int,
    amount: int,
) -> None:
    """Eras before conviction locks (launch): the call does not exist."""
    raise E.CallUnavailable("lock_stake does not exist in this era's runtime")
