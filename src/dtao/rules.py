"""``Rules``: the strategies of one era as one frozen value, and the shapes they must have.

A preset (:mod:`dtao.params`) names its strategies; :func:`dtao.eras.rules_for` resolves them
once into a :class:`Rules` that the block step, the epoch and the operations receive as an
argument. This module only declares the types: it imports no implementation, so the modules
that implement a strategy never depend on the module that chooses it.

Amounts are int rao (TAO) or alpha-rao; reserves are ``y`` = SubnetTAO, ``x`` = SubnetAlphaIn.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal, Protocol

import numpy as np

from dtao.params import Params
from dtao.receipts import EpochPayouts, Event, SwapQuote
from dtao.state import State, Subnet
from dtao.yuma import Backend, YumaParams

IntArray = np.ndarray


class PoolMath(Protocol):
    """Pure swap math of one pool kind; every result floors so that the pool never loses.

    ``None`` from a ``sim_*`` means the chain refuses the swap (nothing moves).
    """

    @property
    def name(self) -> str:
        """The pool kind's name in presets."""
        ...

    def sim_buy(self, y: int, x: int, tao: int) -> int | None:
        """Alpha-rao out for ``tao`` rao in (fees already deducted), floored."""
        ...

    def sim_sell(self, y: int, x: int, alpha: int) -> int | None:
        """Rao out for ``alpha`` alpha-rao in (before fees), floored."""
        ...

    def max_buy(self, y: int, x: int, limit_price: int) -> int:
        """Largest TAO a limited buy may spend; ``limit_price`` in rao per whole alpha."""
        ...

    def max_sell(self, y: int, x: int, limit_price: int) -> int:
        """Largest alpha a limited sale may sell; ``limit_price`` in rao per whole alpha."""
        ...

    def sell_many(self, y: IntArray, x: IntArray, alpha: IntArray) -> tuple[IntArray, IntArray]:
        """Vectorised :meth:`sim_sell`: (rao out, refused mask); refused lanes pay 0."""
        ...


class FeePolicy(Protocol):
    """What a stake operation pays and where it goes (an era's fee policy)."""

    @property
    def name(self) -> str:
        """The policy's name."""
        ...

    def buy_fee(self, tao: int, legs: int = 1) -> int:
        """Fee (rao) taken from ``tao`` before a buy; ``legs`` = 2 for one leg of a move."""
        ...

    def sell_fee(self, tao_out: int, legs: int = 1) -> int:
        """Fee (rao) taken from the proceeds ``tao_out`` of a sale."""
        ...

    def minimum_gross(self, min_stake: int, legs: int = 1) -> int:
        """Smallest TAO amount a buy (or one leg of a move) may start from: min stake plus its
        fee, rao."""
        ...


@dataclass(frozen=True)
class QuoteRules:
    """The era's quotes (:mod:`dtao.quotes`): (state, rules, netuid, amount) -> SwapQuote for a
    stake of ``amount`` rao and an unstake of ``amount`` alpha-rao; (state, rules, origin,
    destination, alpha) -> SwapQuote for a move. Each raises what its operation would."""

    stake: Callable[[State, Rules, int, int], SwapQuote]
    unstake: Callable[[State, Rules, int, int], SwapQuote]
    move: Callable[[State, Rules, int, int, int], SwapQuote]
    #: (state, rules, netuid) -> the spot price (TAO per alpha, exact) the quotes measure
    #: slippage against and limit prices compare with (root and stable subnets: 1)
    price: Callable[[State, Rules, int], Fraction]


@dataclass(frozen=True)
class PoolRules:
    """The era's pool: math for dynamic subnets, the root pool, and the fee policy."""

    subnet: PoolMath  # dynamic subnets (SubnetMechanism 1)
    root: PoolMath  # root (netuid 0) and stable subnets (SubnetMechanism 0)
    fee: FeePolicy
    #: (state, netuid) -> the math of that dynamic subnet when it depends on per-subnet state
    #: (the balancer's quote weight); None: ``subnet`` prices every dynamic subnet
    bind: Callable[[State, int], PoolMath] | None = None
    #: (state, netuid, TAO, alpha) -> (price-active TAO, price-active alpha): the pool kind's
    #: own emission injection (the superellipse translates its centres, dtao.curve.inject);
    #: None: the balancer re-weight of the era's injection rule
    inject: Callable[[State, int, int, int], tuple[int, int]] | None = None


#: (E rao, moving prices as raw I96F32 bits per subnet) -> TAO injected per subnet (rao).
ShareRule = Callable[[int, IntArray], IntArray]
#: (state, emitting netuids) -> each subnet's share of the block emission, U64F64 bits summing to
#: ≤ 1: the era's share step before the emission-enabled renormalisation (a user rule replaces
#: it, :mod:`dtao.rule_lab`)
BlockShares = Callable[[State, list[int]], dict[int, int]]
#: (state, rules, subnets, E rao) -> None: one block's injection, split and pending pots, on the
#: reference path.
InjectionRule = Callable[[State, "Rules", int, int], None]
#: (state, rules, subnets, E rao) -> True if it ran (wrote the same numbers as the reference),
#: else False having written nothing.
FastInjectionRule = Callable[[State, "Rules", int, int], bool]
#: (state, subnets) -> netuids whose epoch runs this block, ascending.
EpochScheduler = Callable[[State, int], list[int]]
#: (state, rules, netuid) -> payouts: drain the pots, run Yuma, credit everyone.
EpochRule = Callable[[State, "Rules", int], EpochPayouts]
#: (dividends, alpha stake, tw·root stake, pending, swapped) per validator (float rao) ->
#: (alpha dividends, root dividends before the TAO conversion).
RootDividendPolicy = Callable[
    [np.ndarray, np.ndarray, np.ndarray, int, int], tuple[np.ndarray, np.ndarray]
]
#: (state, netuid, child hotkey, dividend alpha-rao) -> its split with the parents
#: (:class:`dtao.childkeys.Split`), the era's childkey rule (§5d).
ChildkeySplit = Callable[[State, int, str, int], Any]
#: (state, rules, subnets) -> None: neuron-burn adjustments due this block.
BurnAdjustment = Callable[[State, "Rules", int], None]
#: state -> rao a subnet registration costs now.
LockCost = Callable[[State], int]
#: (state, rules, subnets) -> None: block-step work after the coinbase and its epochs (the
#: summer-2026 EMA price and RootProp updates).
AfterCoinbase = Callable[[State, "Rules", int], None]
#: (state, rules, events, coldkey, hotkey) -> netuid: ``register_network``.
#: returns the new netuid, or None when the registration was queued (spec 475)
NetworkRegistration = Callable[[State, "Rules", list[Event], str, str], int | None]
#: end-of-block idle work of the registration lifecycle (state, rules)
IdleRule = Callable[[State, "Rules"], None]
#: (state, rules, events, coldkey, netuid) -> None: the ``dissolve_network`` record.
NetworkDissolution = Callable[[State, "Rules", list[Event], str, int], None]
#: (state, rules, events, coldkey, hotkey, netuid) -> uid: ``burned_register``.
NeuronRegistration = Callable[[State, "Rules", list[Event], str, str, int], int]
#: (state, rules, events, coldkey, netuid) -> None: ``start_call``.
StartCallRule = Callable[[State, "Rules", list[Event], str, int], None]
#: (state, netuid) -> None: root dividends of a subnet finalised before it is dissolved.
RootDividendFinalisation = Callable[[State, int], None]
#: (state, subnet) -> the UID a registration on a full subnet replaces, or None.
NeuronPruning = Callable[[State, Subnet], "int | None"]
#: (state, rules, events, coldkey, hotkey, netuid, amount) -> None: ``lock_stake``.
LockStakeRule = Callable[[State, "Rules", list[Event], str, str, int, int], None]
#: (state, rules, events, coldkey, netuid, enabled) -> None: ``set_perpetual_lock``.
PerpetualLockRule = Callable[[State, "Rules", list[Event], str, int, bool], None]
#: (state, rules, netuid) -> None: run for each subnet whose epoch drains (ownership by
#: conviction).
OwnershipRule = Callable[[State, "Rules", int], None]
#: (state, rules, events) -> None: the block step's automatic root claims (§14a step 10).
RootClaimStep = Callable[[State, "Rules", list[Event]], None]


@dataclass(frozen=True)
class RootDividendRoute:
    """Where an era's epoch sends root dividends (Root Reborn, dtao-current.md §4.2-§4.3):
    only ``eligible(state, hotkey)`` hotkeys earn a root part (the others' root-weighted part
    is not given to alpha), and ``credit(state, hotkey, netuid, alpha)`` takes each rest
    after the take."""

    eligible: Callable[[State, str], bool]
    credit: Callable[[State, str, int, int], None]


@dataclass(frozen=True)
class YumaRules:
    """How an era runs Yuma: the backend and the switches the preset sets."""

    backend: Backend
    #: whether ``stake_threshold`` also zeroes stake inside the epoch, so no permit and no
    #: counted weights below it (with ``Params.permit_requires_stake``; launch: set_weights
    #: only)
    threshold_in_epoch: bool

    def params_for(self, params: Params, subnet: Subnet) -> YumaParams:
        """The Yuma settings for one subnet under ``params``."""
        return YumaParams(
            kappa=params.kappa_u16,
            bonds_penalty=params.bonds_penalty_u16,
            bonds_moving_average=params.bonds_moving_average,
            yuma3=params.yuma3,
            liquid_alpha=params.liquid_alpha,
            alpha_low=params.alpha_low_u16,
            alpha_high=params.alpha_high_u16,
            alpha_sigmoid_steepness=params.alpha_sigmoid_steepness,
            max_allowed_validators=subnet.max_validators,
            activity_cutoff=params.activity_cutoff,
            stake_threshold=params.stake_threshold if self.threshold_in_epoch else 0,
            owner_self_weight_kept=params.owner_self_weight_kept,
            permit_requires_stake=params.permit_requires_stake,
            owner_always_permitted=params.owner_always_permitted,
            bond_mask=params.bond_mask,  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class RegistrationRules:
    """Registration and the subnet lifecycle: the neuron burn and its registration, the
    subnet lock, registration and dissolution, the start call."""

    adjust_burns: BurnAdjustment
    network_lock_cost: LockCost
    register_network: NetworkRegistration
    dissolve_network: NetworkDissolution
    burned_register: NeuronRegistration
    start_call: StartCallRule
    #: the hook where the root-claim era finalises a subnet's root dividends (dissolution)
    finalize_root_dividends: RootDividendFinalisation
    neuron_to_prune: NeuronPruning
    lock_stake: LockStakeRule
    set_perpetual_lock: PerpetualLockRule
    #: the ownership check at each drained epoch (before the subnet's epoch runs)
    change_owner_if_needed: OwnershipRule
    #: ``on_idle`` after the block's extrinsics (spec 475: dissolve cleanup, then one queued
    #: subnet registration); None: nothing (launch, summer-2026)
    on_idle: IdleRule | None = None


@dataclass(frozen=True)
class LedgerReads:
    """How the public API reads an era's stake and emission (:class:`dtao.Network`), so that
    no shared read asks which era it is in. Amounts rao / alpha-rao."""

    #: (state, coldkey, hotkey, netuid) -> the position's stake
    stake: Callable[[State, str, str, int], int]
    #: (state, hotkey, netuid) -> all stake held through the hotkey
    hotkey_stake: Callable[[State, str, int], int]
    #: (state, coldkey or None) -> every position as (coldkey, hotkey, netuid, stake), sorted;
    #: with a coldkey only its positions (the same rows, in the same order)
    positions: Callable[[State, str | None], list[tuple[str, str, int, int]]]
    #: (state, netuid) -> emission accrued for the subnet's next epoch (its unit)
    pending_emission: Callable[[State, int], int]
    #: (state, netuid) -> the subnet's share of the TAO block emission (last block)
    emission_share: Callable[[State, int], float]
    #: state -> the stake that decides emission by holder (rao), where the era's root seats
    #: vote it; None: pool demand decides (the holders' alpha at spot, Network reads it)
    emission_control: Callable[[State], dict[str, int]] | None = None


CoinbasePath = Literal["fast", "reference", "none"]


@dataclass(frozen=True)
class Rules:
    """Every strategy of one era, resolved once from ``params`` (see :mod:`dtao.eras`)."""

    params: Params
    pool: PoolRules
    shares: ShareRule
    injection: InjectionRule
    epoch_schedule: EpochScheduler
    epoch: EpochRule
    root_dividends: RootDividendPolicy
    registration: RegistrationRules
    yuma: YumaRules
    #: the era's stake ledger and emission as the public API reads them
    reads: LedgerReads
    #: whether fast twins were asked for (each twin is still None where not eligible)
    fast: bool = True
    #: fast twin of ``injection`` (same numbers), or None when off or not eligible
    injection_fast: FastInjectionRule | None = None
    #: block-step work after the coinbase and the epochs (None: nothing, as at launch)
    after_coinbase: AfterCoinbase | None = None
    #: the fast EMA of the spot price, right after ``after_coinbase`` (spec 464+,
    #: :mod:`dtao.fast_ema`); None: the era has none
    fast_prices: AfterCoinbase | None = None
    #: the era's root claims (automatic claims each block; root stake moves its watermarks),
    #: or None for an era without them (launch)
    root_claims: RootClaimStep | None = None
    #: the era's quotes (None only for a hand-built Rules that never quotes)
    quotes: QuoteRules | None = None
    #: operation handlers the era replaces or adds (record type -> handler taking
    #: (state, rules, events, record)); the others are the launch ones
    operations: Mapping[type, Callable[..., Any]] = field(default_factory=dict, hash=False)
    #: how a child's dividend is shared with its parents (set by dtao.eras)
    childkey_split: ChildkeySplit | None = None
    #: the era's root dividend route (None: every hotkey earns, the rest accrues root claims)
    root_route: RootDividendRoute | None = None
    #: dTAO-shaped genesis state (pools, alpha stakes) -> the era's own genesis state, for an
    #: era whose storage differs (root-vote: TAO stake valued at genesis prices); None: the
    #: dTAO state is the era's (:class:`dtao.Genesis` builds it directly)
    genesis: Callable[[State], State] | None = None
    #: the era's per-block share step (None: the era has none a user rule can replace: launch's
    #: shares are ``shares`` over EMA prices, root-vote's the root epoch's)
    block_shares: BlockShares | None = None
