"""Operations as data: one frozen record per state change, and the one ``apply`` for them all.

Agents, the CLI, the store and the API build these records; ``apply(state, rules, op)`` checks
and applies one at the current block and returns a :class:`~dtao.receipts.Receipt`, or raises
the chain-named :class:`~dtao.errors.ProtocolError` having changed nothing. A record checks its
own field types when it is made (keys are non-empty ``str``, netuids and amounts ``int``, flags
``bool``), so a malformed record never reaches the state.

Amounts are int rao (TAO) or alpha-rao; ``limit_price`` is rao per whole alpha (price × 10^9);
takes and weights are u16 (/65535).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_args

from dtao import basket_trade as BT
from dtao import childkeys as CK
from dtao import claims as C
from dtao import curve, ledger
from dtao import epoch_null as EN
from dtao import errors as E
from dtao import extrinsics as X
from dtao import root_reborn as RR
from dtao import root_vote as RV
from dtao import root_vote_subnets as RVS
from dtao import staking_head as H
from dtao.errors import ConfigError
from dtao.receipts import Event, Receipt
from dtao.rules import Rules
from dtao.state import State
from dtao.summer import summer_columns
from dtao.units import U16_MAX, check_rao


def check_name(value: object, what: str) -> None:
    """``InvalidAmount`` unless ``value`` is a non-empty ``str`` (a key or name)."""
    if not isinstance(value, str) or not value.strip():
        raise E.InvalidAmount(f"{what} must be a non-empty name, got {value!r}")


def check_netuid(value: object, what: str = "netuid") -> None:
    """``SubnetNotExists`` unless ``value`` is an ``int`` (not ``bool``) in [0, 65535]."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= U16_MAX:
        raise E.SubnetNotExists(f"{what} must be an integer in [0, 65535], got {value!r}")


def check_amount(value: object, what: str = "amount") -> None:
    """``InvalidAmount`` unless ``value`` is an ``int`` rao amount within u64."""
    try:
        check_rao(value, what)
    except ValueError as exc:
        raise E.InvalidAmount(str(exc)) from None


def check_u16(value: object, what: str) -> None:
    """``InvalidAmount`` unless ``value`` is an ``int`` (not ``bool``) in [0, 65535]."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= U16_MAX:
        raise E.InvalidAmount(f"{what} must be an integer in [0, 65535], got {value!r}")


def check_flag(value: object, what: str) -> None:
    """``InvalidAmount`` unless ``value`` is a ``bool``."""
    if not isinstance(value, bool):
        raise E.InvalidAmount(f"{what} must be True or False, got {value!r}")


#: fields that hold a key or a name (non-empty ``str``)
_NAME_FIELDS = {
    "coldkey",
    "hotkey",
    "destination",
    "destination_coldkey",
    "origin_hotkey",
    "destination_hotkey",
    "parameter",
    "origin",
}


class _Record:
    """Base of the operation records: checks every field by its name when a record is made
    (keys and names, netuids, rao amounts, limit prices, flags, u16 takes, uid and weight
    sequences, which become tuples); ``Governance.value`` is checked when applied."""

    def __post_init__(self) -> None:
        checks = _FIELD_CHECKS.get(type(self))
        if checks is None:  # once per record class: the check each field's name calls for
            checks = _FIELD_CHECKS[type(self)] = _field_checks(type(self))
        for name, check in checks:
            check(self, name, getattr(self, name))


def _field_checks(cls: type) -> tuple[tuple[str, Callable[[Any, str, Any], None]], ...]:
    """(field name, check) for each field of a record class that :class:`_Record` checks, in
    field order; fields without a check (``Governance.value``) are left out."""
    checks: list[tuple[str, Callable[[Any, str, Any], None]]] = []
    for field in dataclasses.fields(cls):
        name = field.name
        if name in _NAME_FIELDS:
            checks.append((name, _check_name_field))
        elif name.endswith("netuid"):
            checks.append((name, _check_netuid_field))
        elif name in _CHECK_BY_NAME:
            checks.append((name, _CHECK_BY_NAME[name]))
    return tuple(checks)


def _check_name_field(op: Any, name: str, value: Any) -> None:
    check_name(value, name.replace("_", " "))


def _check_netuid_field(op: Any, name: str, value: Any) -> None:
    check_netuid(value, name.replace("_", " "))


def _check_limit_price(op: Any, name: str, value: Any) -> None:
    if value is not None:
        check_amount(value, name)


def _check_u16_sequence(op: Any, name: str, value: Any) -> None:
    """A sequence of u16 ints, stored on the record as a tuple."""
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise E.InvalidAmount(f"{name} must be a sequence of integers, got {value!r}")
    values = tuple(value)
    for item in values:
        check_u16(item, name[:-1])
    object.__setattr__(op, name, values)


def _check_subnets(op: Any, name: str, value: Any) -> None:
    """A sequence of netuids, stored on the record as a tuple."""
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise E.InvalidAmount(f"subnets must be a sequence of netuids, got {value!r}")
    netuids = tuple(value)
    for netuid in netuids:
        check_netuid(netuid, "subnet")
    object.__setattr__(op, name, netuids)


def _children(value: object) -> tuple[tuple[int, str], ...]:
    """A children list as a tuple of (proportion u64, child hotkey); ``InvalidAmount`` if not."""
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise E.InvalidAmount(f"children must be (proportion, hotkey) pairs, got {value!r}")
    pairs = []
    for item in value:
        if isinstance(item, str | bytes) or not hasattr(item, "__len__") or len(item) != 2:
            raise E.InvalidAmount(f"a child must be a (proportion, hotkey) pair, got {item!r}")
        proportion, child = item
        check_amount(proportion, "proportion")
        check_name(child, "child")
        pairs.append((proportion, child))
    return tuple(pairs)


#: checks of the other checked fields, by field name
_CHECK_BY_NAME: dict[str, Callable[[Any, str, Any], None]] = {
    "amount": lambda op, name, value: check_amount(value, name),
    "limit_price": _check_limit_price,
    "allow_partial": lambda op, name, value: check_flag(value, name),
    "take": lambda op, name, value: check_u16(value, name),
    "uids": _check_u16_sequence,
    "weights": _check_u16_sequence,
    "enabled": lambda op, name, value: check_flag(value, name),
    "subnets": _check_subnets,
    "children": lambda op, name, value: object.__setattr__(op, name, _children(value)),
}
_FIELD_CHECKS: dict[type, tuple[tuple[str, Callable[[Any, str, Any], None]], ...]] = {}


@dataclass(frozen=True)
class Fund(_Record):
    """Genesis faucet (not an extrinsic): credit ``amount`` rao of free TAO, counted in
    ``TotalIssuance``; refused beyond the 21M supply."""

    coldkey: str
    amount: int  # rao


@dataclass(frozen=True)
class Transfer(_Record):
    """``transfer_allow_death``: move ``amount`` rao of free TAO to ``destination``."""

    coldkey: str
    destination: str
    amount: int  # rao


@dataclass(frozen=True)
class AddStake(_Record):
    """``add_stake`` / ``add_stake_limit``: spend ``amount`` rao on alpha of ``netuid`` through
    ``hotkey`` (netuid 0: root stake). Result: alpha-rao credited."""

    coldkey: str
    hotkey: str
    netuid: int
    amount: int  # rao, fee included
    limit_price: int | None = None  # rao per whole alpha; None = no limit
    allow_partial: bool = False  # cut the amount to what the limit allows


@dataclass(frozen=True)
class RemoveStake(_Record):
    """``remove_stake`` / ``remove_stake_limit``: sell ``amount`` alpha-rao of a position.
    Result: rao paid to the coldkey (after the fee)."""

    coldkey: str
    hotkey: str
    netuid: int
    amount: int  # alpha-rao (rao on root)
    limit_price: int | None = None  # rao per whole alpha; None = no limit
    allow_partial: bool = False


@dataclass(frozen=True)
class MoveStake(_Record):
    """``move_stake``: same coldkey, another hotkey and/or subnet. Result: the rao moved (the
    origin proceeds after both legs' fees, as the chain's ``StakeMoved`` event carries)."""

    coldkey: str
    origin_hotkey: str
    destination_hotkey: str
    origin_netuid: int
    destination_netuid: int
    amount: int  # alpha-rao taken from the origin position


@dataclass(frozen=True)
class TransferStake(_Record):
    """``transfer_stake``: give stake to another coldkey (same hotkey), possibly on another
    subnet; refused (``TransferDisallowed``) where a subnet's TransferToggle is off. Result:
    the rao moved."""

    coldkey: str
    destination_coldkey: str
    hotkey: str
    origin_netuid: int
    destination_netuid: int
    amount: int  # alpha-rao


@dataclass(frozen=True)
class SwapStake(_Record):
    """``swap_stake`` / ``swap_stake_limit``: same keys, another subnet. Result: rao moved."""

    coldkey: str
    hotkey: str
    origin_netuid: int
    destination_netuid: int
    amount: int  # alpha-rao
    limit_price: int | None = None  # rao per whole origin alpha, in destination alpha
    allow_partial: bool = False  # move what the limit allows


@dataclass(frozen=True)
class RegisterNetwork(_Record):
    """``register_network``: pay the lock cost, open a subnet. Result: the new netuid."""

    coldkey: str
    hotkey: str  # becomes the owner hotkey, UID 0


@dataclass(frozen=True)
class DissolveNetwork(_Record):
    """``dissolve_network`` (root origin, for the owner ``coldkey``): erase a subnet. Launch
    returns its lock (rao) to the owner; from 14bc6f9 on the pool's TAO is paid out to the
    stakers (``rules.registration.dissolve_network``)."""

    coldkey: str
    netuid: int


@dataclass(frozen=True)
class StartCall(_Record):
    """``start_call`` (the subnet owner): the subnet starts emitting from the next block
    (FirstEmissionBlockNumber = now + 1, SubtokenEnabled); from 14bc6f9's era on."""

    coldkey: str
    netuid: int


@dataclass(frozen=True)
class LockStake(_Record):
    """``lock_stake``: lock ``amount`` alpha-rao of the coldkey's stake on ``netuid`` to
    ``hotkey`` (conviction grows on it; from 14bc6f9's era on)."""

    coldkey: str
    hotkey: str
    netuid: int
    amount: int  # alpha-rao


@dataclass(frozen=True)
class SetPerpetualLock(_Record):
    """``set_perpetual_lock``: the coldkey's lock on ``netuid`` stops decaying (``enabled``)
    or decays again (from 14bc6f9's era on)."""

    coldkey: str
    netuid: int
    enabled: bool


@dataclass(frozen=True)
class BurnedRegister(_Record):
    """``burned_register``: pay the subnet's burn (rao) for a UID. Result: the uid."""

    coldkey: str
    hotkey: str
    netuid: int


@dataclass(frozen=True)
class SetWeights(_Record):
    """``set_weights``: a validator's weights over UIDs (u16 each; stored max-upscaled)."""

    hotkey: str
    netuid: int
    uids: tuple[int, ...]
    weights: tuple[int, ...]  # u16


@dataclass(frozen=True)
class IncreaseTake(_Record):
    """``increase_take``: raise a hotkey's validator take (u16 / 65535), rate-limited."""

    coldkey: str
    hotkey: str
    take: int  # u16


@dataclass(frozen=True)
class DecreaseTake(_Record):
    """``decrease_take``: lower a hotkey's validator take (u16 / 65535), at once."""

    coldkey: str
    hotkey: str
    take: int  # u16


@dataclass(frozen=True)
class SetTake(_Record):
    """Set a hotkey's take (u16 / 65535): ``increase_take`` when above the current take,
    else ``decrease_take`` (a convenience over the two extrinsics)."""

    coldkey: str
    hotkey: str
    take: int  # u16


@dataclass(frozen=True)
class SetChildren(_Record):
    """``set_children``: the hotkey lends ``children`` = ((proportion u64 / (2^64 − 1), child),
    …) of its stake on ``netuid``, effective after the cooldown
    (:func:`dtao.childkeys.set_children`)."""

    coldkey: str
    hotkey: str
    netuid: int
    children: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class SetChildkeyTake(_Record):
    """``set_childkey_take``: the child's take (u16 / 65535) of its parents' dividend shares on
    ``netuid`` (:func:`dtao.childkeys.set_childkey_take`)."""

    coldkey: str
    hotkey: str
    netuid: int
    take: int  # u16


@dataclass(frozen=True)
class Governance(_Record):
    """A parameter change by governance (sudo): ``parameter`` of the preset set to ``value``,
    effective from the next operation; the era's rules are resolved again from the new value."""

    parameter: str
    value: Any


@dataclass(frozen=True)
class SetSubnetEmissionEnabled(_Record):
    """Governance (root origin) switches a subnet's TAO-side emission on or off
    (``sudo_set_subnet_emission_enabled``, admin-utils @ 14bc6f9); summer-2026 subnets start
    disabled. A disabled subnet still emits alpha; its TAO share goes to the enabled ones."""

    netuid: int
    enabled: bool


@dataclass(frozen=True)
class Remark(_Record):
    """``System::remark``: a signed call that changes nothing but pays the transaction fee
    (:mod:`dtao.tx_fees`)."""

    coldkey: str


@dataclass(frozen=True)
class SetEpochConsensus(_Record):
    """Governance (root origin) sets a subnet's ``SubnetEpochConsensus`` (spec 474; mode
    :data:`dtao.epoch_null.YUMA` or ``NULL``); ``checked``: the admin path, which switching to
    Null also elects the single validator permit (:func:`dtao.epoch_null.set_epoch_consensus`)."""

    netuid: int
    mode: int
    checked: bool = True


@dataclass(frozen=True)
class ClaimRoot(_Record):
    """``claim_root(subnets)`` (14bc6f9): claim the root dividends ``coldkey`` is owed on
    ``subnets`` (1 … 5 netuids) through each hotkey it stakes root on, Swap or Keep by its
    claim type; all or nothing."""

    coldkey: str
    subnets: tuple[int, ...]


#: the values of :attr:`SetRootClaimType.claim_type`
ROOT_CLAIM_TYPES = ("Swap", "Keep", "KeepSubnets")


@dataclass(frozen=True)
class SetRootClaimType(_Record):
    """``set_root_claim_type`` (14bc6f9): "Swap" (sell claims for root stake, the default),
    "Keep" (keep them as alpha stake) or "KeepSubnets" (keep on ``subnets``, sell elsewhere)."""

    coldkey: str
    claim_type: str
    subnets: tuple[int, ...] = ()  # KeepSubnets only

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.claim_type not in ROOT_CLAIM_TYPES:
            raise E.InvalidAmount(f"claim type must be one of {ROOT_CLAIM_TYPES}")
        if self.subnets and self.claim_type != "KeepSubnets":
            raise E.InvalidAmount("subnets are given with KeepSubnets only")


@dataclass(frozen=True)
class SudoSetNumRootClaims(_Record):
    """``sudo_set_num_root_claims`` (root origin "root"): coldkeys claimed each block."""

    origin: str
    value: int  # coldkeys, u64

    def __post_init__(self) -> None:
        super().__post_init__()
        check_amount(self.value, "value")


@dataclass(frozen=True)
class SudoSetRootClaimThreshold(_Record):
    """``sudo_set_root_claim_threshold`` (root "root" or the subnet's owner coldkey): the
    smallest claim (alpha-rao) paid on ``netuid``."""

    origin: str
    netuid: int
    value: int  # alpha-rao, u64

    def __post_init__(self) -> None:
        super().__post_init__()
        check_amount(self.value, "value")


@dataclass(frozen=True)
class RootRegister(_Record):
    """``root_register`` (Root Reborn, spec 475): take a root seat for ``hotkey``, paying the
    root burn (recycled); replaces the lowest-staked non-immune seat when root is full."""

    coldkey: str
    hotkey: str


@dataclass(frozen=True)
class SetRootWeights(_Record):
    """``set_root_weights`` (Root Network, d4d8182): a root member's vote, ``uids`` = the
    netuids voted for, ``weights`` u16 (stored max-upscaled); ``netuid`` must be 0."""

    coldkey: str
    hotkey: str
    uids: tuple[int, ...]
    weights: tuple[int, ...]
    netuid: int = 0


@dataclass(frozen=True)
class BecomeDelegate(_Record):
    """``become_delegate`` (Root Network, d4d8182): open ``hotkey`` to nominators at
    MaxDelegateTake."""

    coldkey: str
    hotkey: str


@dataclass(frozen=True)
class ScheduleDissolveNetwork(_Record):
    """``schedule_dissolve_network`` (Root Network, d4d8182): the owner's dissolution, run
    DissolveNetworkScheduleDuration blocks later."""

    coldkey: str
    netuid: int


@dataclass(frozen=True)
class StakeIntoBasket(_Record):
    """``stake_into_basket`` (Root Reborn; gated on mainnet since 443, live state unknown):
    buy ``amount`` rao into ``hotkey``'s fund, split over its rows by value."""

    coldkey: str
    hotkey: str
    amount: int

    def __post_init__(self) -> None:
        super().__post_init__()
        check_amount(self.amount)


@dataclass(frozen=True)
class SwapBasket(_Record):
    """``swap_basket`` (Root Reborn): the validator's coldkey sells ``amount`` of ``hotkey``'s
    fund row on ``origin_netuid`` and buys ``destination_netuid`` with it (0 = the cash
    slot), within the basket guardrails; at least ``min_amount_out`` bought."""

    coldkey: str
    hotkey: str
    origin_netuid: int
    destination_netuid: int
    amount: int
    min_amount_out: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        check_amount(self.min_amount_out, "min_amount_out")


@dataclass(frozen=True)
class SwapBasketMany(_Record):
    """``swap_basket_many``: 1 … 64 legs (origin, destination, amount, min out) run as one
    all-or-nothing trade."""

    coldkey: str
    hotkey: str
    legs: tuple[tuple[int, int, int, int], ...]

    def __post_init__(self) -> None:
        super().__post_init__()
        if isinstance(self.legs, str | bytes) or not hasattr(self.legs, "__iter__"):
            raise E.InvalidAmount(f"legs must be a sequence, got {self.legs!r}")
        legs = []
        for leg in self.legs:
            origin, destination, amount, min_out = leg
            check_netuid(origin, "origin")
            check_netuid(destination, "destination")
            check_amount(amount)
            check_amount(min_out, "min_out")
            legs.append((origin, destination, amount, min_out))
        object.__setattr__(self, "legs", tuple(legs))


@dataclass(frozen=True)
class ClaimRootWithHotkey(_Record):
    """``claim_root_with_hotkey`` (Root Reborn): redeem ``coldkey``'s owed basket shares of
    ``hotkey``'s fund into root stake on it; pays the recycled claim fee."""

    coldkey: str
    hotkey: str


@dataclass(frozen=True)
class UnstakeAll(_Record):
    """``unstake_all``: sell every position of (coldkey, ``hotkey``), root included (14bc6f9:
    subnets where the removal would not validate are skipped). Result: rao received."""

    coldkey: str
    hotkey: str


@dataclass(frozen=True)
class UnstakeAllAlpha(_Record):
    """``unstake_all_alpha``: sell every non-root position of (coldkey, ``hotkey``) and stake
    the proceeds on root through the same hotkey. Result: rao restaked."""

    coldkey: str
    hotkey: str


@dataclass(frozen=True)
class RecycleAlpha(_Record):
    """``recycle_alpha`` (14bc6f9): destroy ``amount`` alpha-rao of a position (capped to it);
    SubnetAlphaOut falls with it. Result: alpha-rao recycled."""

    coldkey: str
    hotkey: str
    netuid: int
    amount: int  # alpha-rao


@dataclass(frozen=True)
class BurnAlpha(_Record):
    """``burn_alpha`` (14bc6f9): destroy ``amount`` alpha-rao of a position (capped to it),
    leaving SubnetAlphaOut as it is. Result: alpha-rao burned."""

    coldkey: str
    hotkey: str
    netuid: int
    amount: int  # alpha-rao


Operation = (
    Fund
    | Transfer
    | AddStake
    | RemoveStake
    | MoveStake
    | TransferStake
    | SwapStake
    | RegisterNetwork
    | DissolveNetwork
    | StartCall
    | LockStake
    | SetPerpetualLock
    | BurnedRegister
    | SetWeights
    | IncreaseTake
    | DecreaseTake
    | SetTake
    | SetChildren
    | SetChildkeyTake
    | Governance
    | ClaimRoot
    | SetRootClaimType
    | SudoSetNumRootClaims
    | SudoSetRootClaimThreshold
    | UnstakeAll
    | UnstakeAllAlpha
    | RecycleAlpha
    | BurnAlpha
    | SetSubnetEmissionEnabled
    | SetEpochConsensus
    | Remark
    | RootRegister
    | StakeIntoBasket
    | SwapBasket
    | SwapBasketMany
    | ClaimRootWithHotkey
    | SetRootWeights
    | BecomeDelegate
    | ScheduleDissolveNetwork
)

# -- apply ----------------------------------------------------------------------------------------


def _fund(state: State, rules: Rules, events: list[Event], op: Fund) -> None:
    if state.total_issuance + op.amount > state.params.total_supply:
        raise E.InvalidAmount("funding would push issuance beyond the 21M TAO supply")
    ledger.increase_balance(state, op.coldkey, op.amount)
    state.total_issuance += op.amount


def _governance(
    state: State,
    rules: Rules,
    events: list[Event],
    op: Governance,
    clear: Callable[[State, Rules, list[Event]], None] = X.clear_small_nominations,
) -> None:
    """Set the parameter; raising ``nominator_min_stake`` also clears the small nominations
    by the era's rule ``clear`` (``sudo_set_nominator_min_required_stake``, admin-utils).
    Turning ``superellipse`` on runs the curve migration (:func:`dtao.curve.migrate`); turning
    it off again is refused (``ConfigError``: the chain has no way back to the balancer)."""
    before = state.params
    after = before.replace(**{op.parameter: op.value})
    if before.superellipse and not after.superellipse:
        raise ConfigError("superellipse cannot be turned off once the pools have migrated")
    state.params = after
    if state.params.nominator_min_stake > before.nominator_min_stake:
        clear(state, rules, events)
    if after.superellipse and not before.superellipse:
        curve.migrate(state)


def _set_subnet_emission_enabled(
    state: State, rules: Rules, events: list[Event], op: SetSubnetEmissionEnabled
) -> None:
    """Root is refused first, then a netuid without a subnet; the switch is the summer-2026
    column ``emission_enabled``."""
    if op.netuid == 0:
        raise E.NotPermittedOnRootSubnet("netuid 0")
    if op.netuid not in state.subnets:
        raise E.SubnetDoesNotExist(f"subnet {op.netuid} does not exist")
    summer_columns(state).set("emission_enabled", op.netuid, int(op.enabled))


_HANDLERS: dict[type, Callable[[State, Rules, list[Event], Any], int | None]] = {
    Fund: _fund,
    Transfer: lambda s, r, ev, op: X.transfer(s, op.coldkey, op.destination, op.amount),
    AddStake: lambda s, r, ev, op: X.add_stake(
        s, r, ev, op.coldkey, op.hotkey, op.netuid, op.amount, op.limit_price, op.allow_partial
    ),
    RemoveStake: lambda s, r, ev, op: X.remove_stake(
        s, r, ev, op.coldkey, op.hotkey, op.netuid, op.amount, op.limit_price, op.allow_partial
    ),
    MoveStake: lambda s, r, ev, op: X.transition_stake(
        s,
        r,
        ev,
        op.coldkey,
        op.coldkey,
        op.origin_hotkey,
        op.destination_hotkey,
        op.origin_netuid,
        op.destination_netuid,
        op.amount,
    ),
    TransferStake: lambda s, r, ev, op: X.transition_stake(
        s,
        r,
        ev,
        op.coldkey,
        op.destination_coldkey,
        op.hotkey,
        op.hotkey,
        op.origin_netuid,
        op.destination_netuid,
        op.amount,
        check_transfer_toggle=True,
    ),
    SwapStake: lambda s, r, ev, op: X.transition_stake(
        s,
        r,
        ev,
        op.coldkey,
        op.coldkey,
        op.hotkey,
        op.hotkey,
        op.origin_netuid,
        op.destination_netuid,
        op.amount,
        op.limit_price,
        op.allow_partial,
    ),
    RegisterNetwork: lambda s, r, ev, op: r.registration.register_network(
        s, r, ev, op.coldkey, op.hotkey
    ),
    DissolveNetwork: lambda s, r, ev, op: r.registration.dissolve_network(
        s, r, ev, op.coldkey, op.netuid
    ),
    StartCall: lambda s, r, ev, op: r.registration.start_call(s, r, ev, op.coldkey, op.netuid),
    LockStake: lambda s, r, ev, op: r.registration.lock_stake(
        s, r, ev, op.coldkey, op.hotkey, op.netuid, op.amount
    ),
    SetPerpetualLock: lambda s, r, ev, op: r.registration.set_perpetual_lock(
        s, r, ev, op.coldkey, op.netuid, op.enabled
    ),
    BurnedRegister: lambda s, r, ev, op: r.registration.burned_register(
        s, r, ev, op.coldkey, op.hotkey, op.netuid
    ),
    Remark: lambda s, r, ev, op: None,
    SetWeights: lambda s, r, ev, op: X.set_weights(s, op.hotkey, op.netuid, op.uids, op.weights),
    IncreaseTake: lambda s, r, ev, op: X.increase_take(s, op.coldkey, op.hotkey, op.take),
    DecreaseTake: lambda s, r, ev, op: X.decrease_take(s, op.coldkey, op.hotkey, op.take),
    SetTake: lambda s, r, ev, op: X.set_take(s, op.coldkey, op.hotkey, op.take),
    SetChildren: lambda s, r, ev, op: CK.set_children(
        s, op.coldkey, op.hotkey, op.netuid, op.children
    ),
    SetChildkeyTake: lambda s, r, ev, op: CK.set_childkey_take(
        s, op.coldkey, op.hotkey, op.netuid, op.take
    ),
    Governance: _governance,
    UnstakeAll: lambda s, r, ev, op: X.unstake_all(s, r, ev, op.coldkey, op.hotkey, False),
    UnstakeAllAlpha: lambda s, r, ev, op: X.unstake_all(s, r, ev, op.coldkey, op.hotkey, True),
}


def _transition(s: State, r: Rules, ev: list[Event], op: Any, **keys: Any) -> int:
    """A 14bc6f9 stake move: ``keys`` name the coldkeys, hotkeys and the transfer toggle."""
    return H.transition_stake(
        s,
        r,
        ev,
        keys.get("origin_coldkey", op.coldkey),
        keys.get("destination_coldkey", op.coldkey),
        keys["origin_hotkey"],
        keys["destination_hotkey"],
        op.origin_netuid,
        op.destination_netuid,
        op.amount,
        keys.get("limit_price"),
        keys.get("allow_partial"),
        keys.get("check_transfer_toggle", False),
    )


#: the 14bc6f9 stake operations (balancer pool, fee to the block author), chosen by the era
BALANCER_OPERATIONS: dict[type, Callable[[State, Rules, list[Event], Any], int | None]] = {
    AddStake: lambda s, r, ev, op: H.add_stake(
        s, r, ev, op.coldkey, op.hotkey, op.netuid, op.amount, op.limit_price, op.allow_partial
    ),
    RemoveStake: lambda s, r, ev, op: H.remove_stake(
        s, r, ev, op.coldkey, op.hotkey, op.netuid, op.amount, op.limit_price, op.allow_partial
    ),
    MoveStake: lambda s, r, ev, op: _transition(
        s, r, ev, op, origin_hotkey=op.origin_hotkey, destination_hotkey=op.destination_hotkey
    ),
    TransferStake: lambda s, r, ev, op: _transition(
        s,
        r,
        ev,
        op,
        destination_coldkey=op.destination_coldkey,
        origin_hotkey=op.hotkey,
        destination_hotkey=op.hotkey,
        check_transfer_toggle=True,
    ),
    SwapStake: lambda s, r, ev, op: _transition(
        s,
        r,
        ev,
        op,
        origin_hotkey=op.hotkey,
        destination_hotkey=op.hotkey,
        limit_price=op.limit_price,
        allow_partial=None if op.limit_price is None else op.allow_partial,
    ),
    UnstakeAll: lambda s, r, ev, op: H.unstake_all(s, r, ev, op.coldkey, op.hotkey, False),
    UnstakeAllAlpha: lambda s, r, ev, op: H.unstake_all(s, r, ev, op.coldkey, op.hotkey, True),
    RecycleAlpha: lambda s, r, ev, op: H.recycle_alpha(
        s, r, ev, op.coldkey, op.hotkey, op.netuid, op.amount, True
    ),
    BurnAlpha: lambda s, r, ev, op: H.recycle_alpha(
        s, r, ev, op.coldkey, op.hotkey, op.netuid, op.amount, False
    ),
    Governance: lambda s, r, ev, op: _governance(s, r, ev, op, H.clear_small_nominations),
    # 14bc6f9 only: the launch runtime has no per-subnet emission switch and no root claims
    # (CallUnavailable)
    SetSubnetEmissionEnabled: _set_subnet_emission_enabled,
    ClaimRoot: lambda s, r, ev, op: C.claim_root(s, r, ev, op.coldkey, op.subnets),
    SetRootClaimType: lambda s, r, ev, op: C.set_root_claim_type(
        s, op.coldkey, op.subnets if op.claim_type == "KeepSubnets" else op.claim_type
    ),
    SudoSetNumRootClaims: lambda s, r, ev, op: C.sudo_set_num_root_claims(s, op.origin, op.value),
    SudoSetRootClaimThreshold: lambda s, r, ev, op: C.sudo_set_root_claim_threshold(
        s, op.origin, op.netuid, op.value
    ),
}


def _set_epoch_consensus(
    state: State, rules: Rules, events: list[Event], op: SetEpochConsensus
) -> None:
    """Root and a netuid without a subnet are refused, then the mode is set."""
    if op.netuid == 0:
        raise E.NotPermittedOnRootSubnet("netuid 0")
    if op.netuid not in state.subnets:
        raise E.SubnetDoesNotExist(f"subnet {op.netuid} does not exist")
    if op.mode not in EN.MODES.values():
        raise E.InvalidAmount(f"not an epoch consensus: {op.mode}")
    EN.set_epoch_consensus(state, op.netuid, op.mode, op.checked)


#: the per-subnet epoch consensus of spec 474 (``epoch_consensus = "per_subnet"``)
EPOCH_CONSENSUS_OPERATIONS: dict[type, Callable[[State, Rules, list[Event], Any], int | None]] = {
    SetEpochConsensus: _set_epoch_consensus,
}
_EPOCH_OPS = EPOCH_CONSENSUS_OPERATIONS


#: the Root Reborn operations (spec 475), chosen by the era's root policy; ``claim_root``
#: ignores its subnets and walks every root-relevant hotkey
BASKET_OPERATIONS: dict[type, Callable[[State, Rules, list[Event], Any], int | None]] = {
    RootRegister: lambda s, r, ev, op: RR.root_register(s, r, ev, op.coldkey, op.hotkey),
    ClaimRootWithHotkey: lambda s, r, ev, op: RR.claim_root_with_hotkey(
        s, r, ev, op.coldkey, op.hotkey
    ),
    StakeIntoBasket: lambda s, r, ev, op: RR.stake_into_basket(
        s, r, ev, op.coldkey, op.hotkey, op.amount
    ),
    SwapBasket: lambda s, r, ev, op: BT.swap_basket(
        s,
        r,
        ev,
        op.coldkey,
        op.hotkey,
        (op.origin_netuid, op.destination_netuid, op.amount, op.min_amount_out),
    ),
    SwapBasketMany: lambda s, r, ev, op: BT.swap_basket_many(
        s, r, ev, op.coldkey, op.hotkey, list(op.legs)
    ),
    ClaimRoot: lambda s, r, ev, op: RR.claim_root(s, r, ev, op.coldkey),
    SudoSetRootClaimThreshold: lambda s, r, ev, op: RR.sudo_set_root_claim_threshold(
        s, op.origin, op.netuid, op.value
    ),
}


def _call_unavailable(state: State, rules: Rules, events: list[Event], op: Any) -> None:
    raise E.CallUnavailable(f"{type(op).__name__} is not an extrinsic of this era")


#: the Root Network operations (root-vote, d4d8182): TAO staking 1:1 to a hotkey, root seats
#: and votes, delegation; the dTAO-only records are CallUnavailable
ROOT_VOTE_OPERATIONS: dict[type, Callable[[State, Rules, list[Event], Any], int | None]] = {
    AddStake: lambda s, r, ev, op: RV.add_stake(s, r, ev, op.coldkey, op.hotkey, op.amount),
    RemoveStake: lambda s, r, ev, op: RV.remove_stake(s, r, ev, op.coldkey, op.hotkey, op.amount),
    IncreaseTake: lambda s, r, ev, op: RV.increase_take(s, r, ev, op.coldkey, op.hotkey, op.take),
    DecreaseTake: lambda s, r, ev, op: RV.decrease_take(s, r, ev, op.coldkey, op.hotkey, op.take),
    RootRegister: lambda s, r, ev, op: RV.root_register(s, r, ev, op.coldkey, op.hotkey),
    SetRootWeights: lambda s, r, ev, op: RV.set_root_weights(
        s, r, ev, op.coldkey, op.hotkey, op.netuid, op.uids, op.weights
    ),
    BecomeDelegate: lambda s, r, ev, op: RV.become_delegate(s, r, ev, op.coldkey, op.hotkey, None),
    ScheduleDissolveNetwork: lambda s, r, ev, op: RVS.schedule_dissolve_network(
        s, op.coldkey, op.netuid
    ),
    Governance: lambda s, r, ev, op: _governance(s, r, ev, op, RV.clear_small_nominations),
    **{
        kind: _call_unavailable
        for kind in (
            MoveStake,
            TransferStake,
            SwapStake,
            StartCall,
            LockStake,
            SetPerpetualLock,
            SetTake,
            SetChildren,
            SetChildkeyTake,
            UnstakeAll,
            UnstakeAllAlpha,
        )
    },
}


def apply(state: State, rules: Rules, op: Operation) -> Receipt:
    """Check and apply one operation at the current block; its receipt, or the chain-named
    ``ProtocolError`` (``ConfigError`` for a bad governance value) with the state unchanged.
    The era's own handlers (``rules.operations``) come first; a record the era has no
    extrinsic for is ``CallUnavailable``."""
    handler = rules.operations.get(type(op)) or _HANDLERS.get(type(op))
    if handler is None:
        eras = (BALANCER_OPERATIONS, BASKET_OPERATIONS, _EPOCH_OPS, ROOT_VOTE_OPERATIONS)
        if any(type(op) in t for t in eras):
            raise E.CallUnavailable(f"{type(op).__name__} is not an extrinsic of this era")
        raise E.InvalidAmount(f"not an operation record: {op!r}")
    events: list[Event] = []
    result = handler(state, rules, events, op)
    return Receipt(op=op, block=state.block, result=result, events=tuple(events))


def available(rules: Rules, kind: type) -> bool:
    """Whether the era of ``rules`` has an extrinsic for records of type ``kind`` (else
    :func:`apply` answers ``CallUnavailable``)."""
    handler = rules.operations.get(kind) or _HANDLERS.get(kind)
    return handler is not None and handler is not _call_unavailable


def to_dict(op: Operation) -> dict[str, Any]:
    """Plain data of a record: ``{"op": "AddStake", ...fields}`` (amounts stay ints)."""
    data = {"op": type(op).__name__}
    data.update(dataclasses.asdict(op))
    return data


def from_dict(data: dict[str, Any]) -> Operation:
    """The record :func:`to_dict` made; ``InvalidAmount`` naming what is wrong otherwise."""
    if not isinstance(data, dict) or not isinstance(data.get("op"), str):
        raise E.InvalidAmount(f"an operation needs an 'op' name, got {data!r}")
    kinds = {cls.__name__: cls for cls in get_args(Operation)}
    cls = kinds.get(data["op"])
    if cls is None:
        raise E.InvalidAmount(f"unknown operation {data['op']!r}; known: {', '.join(kinds)}")
    fields = {f.name for f in dataclasses.fields(cls)}
    given = {k: v for k, v in data.items() if k != "op"}
    unknown = set(given) - fields
    if unknown:
        raise E.InvalidAmount(f"{data['op']} has no field(s) {sorted(unknown)}")
    try:
        return cls(**given)
    except TypeError as exc:
        raise E.InvalidAmount(f"{data['op']}: {exc}") from None
