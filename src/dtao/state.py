"""The network state: plain containers, changed only by ``ledger`` and the operation handlers.

Amounts are ``int`` rao (TAO) or alpha-rao. Per-subnet pool and pending quantities live in
numpy ``int64`` columns indexed by netuid (:class:`SubnetColumns`) so the per-block step can
work on every subnet at once; everything else is ordinary Python data. Storage names of the
chain (opentensor/subtensor ``pallets/subtensor/src/lib.rs``) are given beside each field.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import numpy as np

from dtao.errors import InvariantViolation
from dtao.params import Params

#: Names of the int64 per-subnet columns (amounts in rao / alpha-rao, or raw fixed-point).
INT_COLUMNS = (
    "tao_in",  # SubnetTAO: TAO reserve y of the pool
    "alpha_in",  # SubnetAlphaIn: alpha reserve x of the pool
    "alpha_out",  # SubnetAlphaOut: alpha outside the pool (o)
    "pending_emission",  # PendingEmission: alpha for Yuma (server + validator part)
    "pending_alpha_swapped",  # PendingAlphaSwapped: root alpha sold this tempo (alpha)
    "pending_root_divs",  # PendingRootDivs: TAO from root-alpha sales, paid at the epoch
    "pending_owner_cut",  # PendingOwnerCut: alpha staked to the owner at the epoch
    "alpha_unbacked",  # launch accounting drift: o minus what stakes and pots hold (see docs)
    "tao_in_emission",  # SubnetTaoInEmission: last block's tao_in (record)
    "alpha_in_emission",  # SubnetAlphaInEmission: last block's alpha_in (record)
    "alpha_out_emission",  # SubnetAlphaOutEmission: last block's alpha_out (record)
    "moving_price_bits",  # SubnetMovingPrice m as raw I96F32 (m · 2^32), TAO per alpha
    "mechanism",  # SubnetMechanism: 1 = dynamic pool, 0 = stable (1:1, the storage default)
    "transfers_off",  # not TransferToggle: 1 when stake transfers are switched off (default on)
    "pow_registration_allowed",  # NetworkPowRegistrationAllowed (1 / 0)
    "adjustment_interval",  # AdjustmentInterval: blocks between burn adjustments
    "target_registrations",  # TargetRegistrationsPerInterval
    "max_registrations_per_block",  # MaxRegistrationsPerBlock
    "tempo",  # Tempo (blocks)
    "registration_allowed",  # NetworkRegistrationAllowed (1 / 0)
    "last_burn_adjustment",  # LastAdjustmentBlock (block)
    "registration_block",  # block that registrations_this_block counts
    "registrations_this_block",  # RegistrationsThisBlock (valid while registration_block = now)
)
#: Types whose values are immutable: a deep copy may share them (``copy.deepcopy`` does).
_ATOMS = frozenset({int, str, bool, float, type(None), bytes})


def _copy_value(value: Any, memo: dict[int, Any]) -> Any:
    """``copy.deepcopy(value, memo)``, faster for the state's common leaves: an immutable value
    is shared, a plain dict or list holding only immutable keys and values is copied in one
    call, a numeric numpy array by ``copy`` (layout kept). Every copy made here is entered in
    ``memo``, so an object reached twice is copied once, as ``deepcopy`` does."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is dict or kind is list or kind is np.ndarray:
        done = memo.get(id(value))
        if done is not None:
            return done
        if kind is dict:
            flat = set(map(type, value)) <= _ATOMS and set(map(type, value.values())) <= _ATOMS
        elif kind is list:
            flat = set(map(type, value)) <= _ATOMS
        else:
            flat = not value.dtype.hasobject
        if flat:
            done = memo[id(value)] = value.copy(order="K") if kind is np.ndarray else value.copy()
            return done
    return copy.deepcopy(value, memo)


def _copy_fields(original: Any, memo: dict[int, Any], skip: tuple[str, ...] = ()) -> Any:
    """A new instance of ``original``'s class (no ``__init__``) with a deep copy of each of its
    attributes (by :func:`_copy_value`); the names in ``skip`` are left out."""
    twin = object.__new__(type(original))
    memo[id(original)] = twin
    fields = original.__dict__.copy()
    for name in skip:
        fields.pop(name, None)
    atoms = _ATOMS
    for name, value in fields.items():
        if type(value) not in atoms:
            fields[name] = _copy_value(value, memo)
    twin.__dict__ = fields
    return twin


#: float64 per-subnet columns (ratios).
FLOAT_COLUMNS = (
    "emission_share",  # share of E this subnet got last block
)


class SubnetColumns:
    """Per-subnet numeric columns, row = netuid (row 0 is root and keeps zeros)."""

    exists: np.ndarray
    tao_in: np.ndarray
    alpha_in: np.ndarray
    alpha_out: np.ndarray
    pending_emission: np.ndarray
    pending_alpha_swapped: np.ndarray
    pending_root_divs: np.ndarray
    pending_owner_cut: np.ndarray
    alpha_unbacked: np.ndarray
    tao_in_emission: np.ndarray
    alpha_in_emission: np.ndarray
    alpha_out_emission: np.ndarray
    moving_price_bits: np.ndarray
    mechanism: np.ndarray
    transfers_off: np.ndarray
    pow_registration_allowed: np.ndarray
    adjustment_interval: np.ndarray
    target_registrations: np.ndarray
    max_registrations_per_block: np.ndarray
    tempo: np.ndarray
    registration_allowed: np.ndarray
    last_burn_adjustment: np.ndarray
    registration_block: np.ndarray
    registrations_this_block: np.ndarray
    emission_share: np.ndarray

    def __init__(self, capacity: int = 8) -> None:
        self.exists = np.zeros(capacity, dtype=bool)
        for name in INT_COLUMNS:
            setattr(self, name, np.zeros(capacity, dtype=np.int64))
        for name in FLOAT_COLUMNS:
            setattr(self, name, np.zeros(capacity, dtype=np.float64))

    def __deepcopy__(self, memo: dict[int, Any]) -> SubnetColumns:
        return _copy_fields(self, memo)

    @property
    def capacity(self) -> int:
        return len(self.exists)

    def ensure(self, netuid: int) -> None:
        """Grow every column so that ``netuid`` is a valid row."""
        if netuid < self.capacity:
            return
        size = max(netuid + 1, 2 * self.capacity)
        for name in ("exists", *INT_COLUMNS, *FLOAT_COLUMNS):
            old = getattr(self, name)
            new = np.zeros(size, dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)

    def get(self, name: str, netuid: int) -> int:
        """One amount as a Python int."""
        return int(getattr(self, name)[netuid])

    def add(self, name: str, netuid: int, delta: int) -> None:
        """Add a (possibly negative) integer amount; never leaves a negative amount."""
        column = getattr(self, name)
        value = int(column[netuid]) + delta
        if value < 0 and name != "alpha_unbacked":
            raise InvariantViolation(f"{name}[{netuid}] would become negative ({value})")
        column[netuid] = value


@dataclass(slots=True)
class SharePool:
    """Stake held through one hotkey on one subnet (share pool, dtao-economics.md §7b).

    ``value`` is ``TotalHotkeyAlpha`` (alpha-rao; TAO rao on root); shares are U64F64 raw
    integers (value · 2^64), as the 2025 chain stored ``Alpha`` / ``TotalHotkeyShares``.
    Slotted: tens of thousands of pools, read and written a few hundred times an epoch.
    """

    value: int = 0
    total_shares: int = 0
    shares: dict[str, int] = field(default_factory=dict)

    def __deepcopy__(self, memo: dict[int, Any]) -> SharePool:
        twin = memo[id(self)] = SharePool(self.value, self.total_shares, dict(self.shares))
        return twin  # ints and str keys: a copy of the dict is a deep copy


class StakeTable(dict[tuple[str, int], SharePool]):
    """``State.stakes``: a dict of share pools by (hotkey, netuid) that counts, per netuid, how
    often a pool was added, replaced or removed (``keys_changed``), so that a reader may keep
    references to the pools of a subnet for as long as that count stands (see
    :mod:`dtao.stake_index`). Changing a pool's fields is not counted (the pool object stays
    the same). It equals, prints and serialises as a plain dict."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._changes: dict[int, int] = {}
        self._resets = 0  # bulk changes (update, clear, popitem, |=): every netuid counts
        #: hotkey -> the netuids of its pools, built on first use, kept by the single-key
        #: writes below, dropped (rebuilt on next use) by the bulk ones
        self._netuids: dict[str, set[int]] | None = None

    def netuids_of(self, hotkey: str) -> list[int]:
        """The netuids where ``hotkey`` has a pool (ascending)."""
        if self._netuids is None:
            index: dict[str, set[int]] = {}
            for key in self:
                if type(key) is tuple and len(key) == 2:
                    index.setdefault(key[0], set()).add(key[1])
            self._netuids = index
        return sorted(self._netuids.get(hotkey, ()))

    def keys_changed(self, netuid: int) -> tuple[int, int]:
        """A token that differs whenever a key of ``netuid`` was set or removed since."""
        return self._resets, self._changes.get(netuid, 0)

    def _count(self, key: object) -> None:
        netuid = key[1] if isinstance(key, tuple) and len(key) == 2 else None
        if isinstance(netuid, int):
            self._changes[netuid] = self._changes.get(netuid, 0) + 1
        else:
            self._resets += 1
            self._netuids = None

    def _indexed(self, key: Any, present: bool) -> None:
        """Keep the hotkey index after ``key`` was set (present) or removed."""
        if self._netuids is None:
            return
        if type(key) is not tuple or len(key) != 2:
            self._netuids = None
        elif present:
            self._netuids.setdefault(key[0], set()).add(key[1])
        elif key[0] in self._netuids:
            self._netuids[key[0]].discard(key[1])

    def __setitem__(self, key: tuple[str, int], value: SharePool) -> None:
        self._count(key)
        super().__setitem__(key, value)
        self._indexed(key, True)

    def __delitem__(self, key: tuple[str, int]) -> None:
        self._count(key)
        super().__delitem__(key)
        self._indexed(key, False)

    def pop(self, key: Any, *default: Any) -> Any:
        self._count(key)
        out = super().pop(key, *default)
        self._indexed(key, False)
        return out

    def setdefault(self, key: tuple[str, int], default: Any = None) -> Any:
        self._count(key)
        out = super().setdefault(key, default)
        self._indexed(key, True)
        return out

    def popitem(self) -> tuple[tuple[str, int], SharePool]:
        self._resets += 1
        self._netuids = None
        return super().popitem()

    def clear(self) -> None:
        self._resets += 1
        self._netuids = None
        super().clear()

    def update(self, *args: Any, **kwargs: Any) -> None:
        self._resets += 1
        self._netuids = None
        super().update(*args, **kwargs)

    def __ior__(self, other: Any) -> StakeTable:  # type: ignore[misc,override]  # dict overloads __or__
        self._resets += 1
        self._netuids = None
        return super().__ior__(other)

    def __reduce__(self) -> tuple[Any, ...]:
        return (StakeTable, (dict(self),))

    def __deepcopy__(self, memo: dict[int, Any]) -> StakeTable:
        """A table of copied pools under the same (immutable) keys, with the same change
        counts (one call per pool, not the generic walk of every key, field and share)."""
        twin = type(self)()
        memo[id(self)] = twin
        get = memo.get
        pools = {}
        for key, pool in self.items():
            if type(pool) is SharePool and type(key) is tuple and set(map(type, key)) <= _ATOMS:
                done = get(id(pool))
                pools[key] = pool.__deepcopy__(memo) if done is None else done
            else:
                pools[copy.deepcopy(key, memo)] = copy.deepcopy(pool, memo)
        dict.update(twin, pools)
        twin._changes = dict(self._changes)
        twin._resets = self._resets
        return twin


@dataclass
class Neurons:
    """UIDs of one subnet: registration data, weights, bonds and last epoch's outputs."""

    capacity: int
    hotkeys: list[str] = field(default_factory=list)
    registered_at: np.ndarray = field(init=False)  # BlockAtRegistration
    last_update: np.ndarray = field(init=False)  # LastUpdate
    weights: np.ndarray = field(init=False)  # Weights, stored u16 (max-upscaled)
    weights_present: np.ndarray = field(init=False)  # which entries are stored
    bonds: np.ndarray = field(init=False)  # Bonds, stored u16
    validator_permit: np.ndarray = field(init=False)  # ValidatorPermit
    pruning_score: np.ndarray = field(init=False)  # PruningScores (u16)
    incentive: np.ndarray = field(init=False)  # Incentive (u16)
    dividends: np.ndarray = field(init=False)  # Dividends (u16)
    emission: np.ndarray = field(init=False)  # Emission (alpha-rao, last epoch)
    consensus: np.ndarray = field(init=False)  # Consensus (u16)
    validator_trust: np.ndarray = field(init=False)  # ValidatorTrust (u16)
    active: np.ndarray = field(init=False)  # Active

    def __post_init__(self) -> None:
        cap = self.capacity
        self.registered_at = np.zeros(cap, dtype=np.int64)
        self.last_update = np.zeros(cap, dtype=np.int64)
        self.weights = np.zeros((cap, cap), dtype=np.uint16)
        self.weights_present = np.zeros((cap, cap), dtype=bool)
        self.bonds = np.zeros((cap, cap), dtype=np.uint16)
        self.validator_permit = np.zeros(cap, dtype=bool)
        self.pruning_score = np.zeros(cap, dtype=np.uint16)
        self.incentive = np.zeros(cap, dtype=np.uint16)
        self.dividends = np.zeros(cap, dtype=np.uint16)
        self.emission = np.zeros(cap, dtype=np.int64)
        self.consensus = np.zeros(cap, dtype=np.uint16)
        self.validator_trust = np.zeros(cap, dtype=np.uint16)
        self.active = np.zeros(cap, dtype=bool)

    def __deepcopy__(self, memo: dict[int, Any]) -> Neurons:
        return _copy_fields(self, memo)

    def read_only(self) -> Neurons:
        """A twin whose arrays are read-only views of these (no data copied; a write to one
        raises ``ValueError``) and whose hotkeys are a copied list: for a state copy that only
        trades stake, where the neuron matrices are most of a deep copy's cost."""
        twin = object.__new__(Neurons)
        fields = self.__dict__.copy()
        for name, value in fields.items():
            if type(value) is np.ndarray:
                view = value.view()
                view.flags.writeable = False
                fields[name] = view
        fields["hotkeys"] = list(self.hotkeys)
        twin.__dict__ = fields
        return twin

    @property
    def n(self) -> int:
        return len(self.hotkeys)

    def uid_of(self, hotkey: str) -> int | None:
        """The UID of a hotkey on this subnet, or None."""
        try:
            return self.hotkeys.index(hotkey)
        except ValueError:
            return None


@dataclass
class Subnet:
    """Identity, hyper-parameters and neurons of one subnet (netuid >= 1)."""

    netuid: int
    owner_coldkey: str
    owner_hotkey: str
    registered_at: int
    locked: int  # SubnetLocked: the lock paid (rao)
    max_uids: int
    max_validators: int
    immunity_period: int
    burn: int  # Burn: current neuron registration cost (rao)
    burn_min: int
    burn_max: int
    neurons: Neurons
    registrations_this_interval: int = 0
    burn_registrations_this_interval: int = 0
    pow_registrations_this_interval: int = 0  # POWRegistrationsThisInterval
    adjustment_alpha_u64: int = 0  # AdjustmentAlpha (/ u64::MAX) of the burn adjustment
    rao_recycled: int = 0  # RAORecycledForRegistration (rao)
    last_epoch_block: int = 0  # block of the last epoch that ran (0 = never)

    def __deepcopy__(self, memo: dict[int, Any]) -> Subnet:
        return _copy_fields(self, memo)


class Extension(Protocol):
    """One era's own state (e.g. a later era's reservoirs), kept in ``State.extensions`` under
    its ``name`` and written to its own section of the canonical JSON."""

    name: ClassVar[str]

    def to_dict(self) -> dict[str, Any]:
        """Plain, canonical data (amounts as decimal strings)."""
        ...


#: extension name -> decoder of its JSON section (filled by the modules that define them)
EXTENSION_DECODERS: dict[str, Any] = {}


@dataclass
class State:
    """Everything the chain stores that dtao models."""

    params: Params
    block: int = 1  # block 0 is genesis; operations run from block 1 on
    total_issuance: int = 0  # TotalIssuance (rao)
    root_tao: int = 0  # SubnetTAO[0] = R (includes flat root fees; not root dividends)
    root_fee_tao: int = 0  # root staking fees: TAO in SubnetTAO[0] owned by nobody
    lost_tao: int = 0  # TAO counted in issuance but held by no account (dust, lost moves)
    total_stake: int = 0  # TotalStake: moved by every swap's TAO, fees and injections (u64)
    balances: dict[str, int] = field(default_factory=dict)  # free TAO per coldkey
    hotkey_owner: dict[str, str] = field(default_factory=dict)  # Owner: hotkey -> coldkey
    takes: dict[str, int] = field(default_factory=dict)  # Delegates: hotkey -> u16 take
    take_changed_at: dict[str, int] = field(default_factory=dict)  # LastTxBlockDelegateTake
    stakes: dict[tuple[str, int], SharePool] = field(default_factory=StakeTable)
    subnets: dict[int, Subnet] = field(default_factory=dict)
    columns: SubnetColumns = field(default_factory=SubnetColumns)
    network_last_lock: int = 0  # NetworkLastLockCost (rao)
    network_last_lock_block: int = 0  # NetworkLastRegistered / lock block (0 = never)
    #: state that only some eras have, by extension name (see :class:`Extension`); the launch
    #: era has none, so its layout and digest do not depend on later eras
    extensions: dict[str, Extension] = field(default_factory=dict)
    #: work buffers of the block step (never serialised, never compared, not deep-copied; one
    #: set per state so that two networks can step in two threads)
    scratch: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __deepcopy__(self, memo: dict[int, Any]) -> State:
        """A fully independent copy, field by field (see :func:`_copy_value`); ``scratch`` is
        not copied but starts empty: it holds only work buffers and caches that their users
        rebuild on demand (the coinbase twin's arrays, :mod:`dtao.stake_index`'s pool
        references, which would otherwise point into the original's table)."""
        twin = _copy_fields(self, memo, skip=("scratch",))
        twin.scratch = {}
        return twin

    def __post_init__(self) -> None:
        if self.network_last_lock == 0:
            self.network_last_lock = self.params.network_last_lock

    @property
    def netuids(self) -> list[int]:
        """Existing non-root netuids, ascending."""
        return sorted(self.subnets)


def contiguous_subnets(state: State) -> int:
    """n when the existing subnets are exactly netuids 1 … n (rows 1 … n of the columns), else 0.

    Two counts on the ``exists`` column: all of its set rows lie in 1 … n and there are n.
    """
    n = len(state.subnets)
    exists = state.columns.exists
    if n and np.count_nonzero(exists) == n and np.count_nonzero(exists[1 : n + 1]) == n:
        return n
    return 0
