"""``dtao.Network``: the public, exact interface to one simulated chain.

Every method validates its arguments and either applies an operation completely or raises a
:class:`~dtao.errors.ProtocolError` (chain-named) and changes nothing. Amounts are int rao
(TAO) or alpha-rao; prices are TAO per alpha as floats (read-outs only).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import floor
from typing import Any, cast, get_args

import numpy as np

from dtao import codec, invariants, ledger, lifecycle, rule_lab
from dtao import errors as E
from dtao import extrinsics as X
from dtao import operations as ops
from dtao.block import process_block
from dtao.coinbase_current import inject_current
from dtao.eras import rules_for
from dtao.fixed import I96F32, ONE64
from dtao.gate import GateState
from dtao.genesis import Genesis
from dtao.params import DEFAULT_PRESET, Params, get_preset
from dtao.receipts import BlockReceipt, Receipt, SwapQuote
from dtao.rules import QuoteRules, Rules
from dtao.staking_head import summer_value
from dtao.state import State
from dtao.units import U16_MAX

#: the operation record types :meth:`Network.submit` accepts (the members of ``Operation``)
RECORD_TYPES: tuple[type, ...] = get_args(ops.Operation)


@dataclass(frozen=True)
class SubnetView:
    """Read-only snapshot of a subnet (amounts in rao / alpha-rao)."""

    netuid: int
    tao_in: int
    alpha_in: int
    alpha_out: int
    price: float  # the era's spot TAO per alpha (Network.spot_price); 0 without alpha reserve
    moving_price: float  # EMA price m
    owner_coldkey: str
    owner_hotkey: str
    tempo: int
    n: int
    burn: int
    registered_at: int
    pending_emission: int
    pending_alpha_swapped: int
    pending_root_divs: int
    pending_owner_cut: int
    last_epoch_block: int
    emission_share: float

    @property
    def alpha_issuance(self) -> int:
        """A = alpha_in + alpha_out (alpha-rao)."""
        return self.alpha_in + self.alpha_out


@dataclass(frozen=True)
class NeuronsView:
    """Per-UID arrays of a subnet (copies; amounts in rao / alpha-rao)."""

    netuid: int
    hotkeys: list[str]
    coldkeys: list[str]
    stake: np.ndarray  # alpha stake held through each UID's hotkey
    root_stake: np.ndarray  # root TAO held through each UID's hotkey
    incentive: np.ndarray  # u16
    dividends: np.ndarray  # u16
    emission: np.ndarray  # alpha-rao of the last epoch
    consensus: np.ndarray  # u16
    validator_trust: np.ndarray  # u16
    validator_permit: np.ndarray  # bool
    active: np.ndarray  # bool
    last_update: np.ndarray  # block
    registered_at: np.ndarray  # block


@dataclass(frozen=True)
class SubnetTerms:
    """Read-only era-specific state of a subnet (summer-2026 / current storage; an era without
    the item reads its neutral value). Fractions are floats read from the chain's fixed point."""

    netuid: int
    subtoken_enabled: bool  # SubtokenEnabled: start_call made (always True without start calls)
    emission_enabled: bool  # SubnetEmissionEnabled: TAO-side emission switch (True at launch)
    miner_burned: float  # MinerBurned: share of the last epoch's incentive withheld (0 at launch)
    root_prop: float  # RootProp after the last coinbase, tw·R/(tw·R + A) (0 where not stored)
    tao_flow: int  # SubnetTaoFlow: TAO inflow recorded (rao; 0 where not stored)
    protocol_alpha: int  # SubnetProtocolAlpha: alpha bought by chain buys (alpha-rao)
    immune: bool  # within NetworkImmunityPeriod of its registration (cannot be pruned)


class Network:
    """A simulated Bittensor chain under one era's rules (default: ``current``, mainnet now;
    :data:`~dtao.params.DEFAULT_PRESET`).

    ``Network(preset, **overrides)`` resolves the preset's :class:`~dtao.rules.Rules` once
    (``ConfigError`` on an unknown preset, parameter or strategy). Every write is an operation
    record (:mod:`dtao.operations`) applied by :meth:`submit`; the verbs below are wrappers.
    """

    #: a user share rule in place of the era's share step (:meth:`use_share_rule`), or None
    _share_rule: tuple[Callable[..., Any], str] | None = None

    def __init__(self, preset: str = DEFAULT_PRESET, **overrides: Any) -> None:
        if not isinstance(preset, str):
            raise E.ConfigError(f"preset must be a preset name, got {preset!r}")
        state = State(params=get_preset(preset, **overrides))
        self._rules = rules_for(state.params)
        self.state = state

    # -- construction and persistence ---------------------------------------------------------

    @classmethod
    def from_state(cls, state: State) -> Network:
        """A network over an existing state (its rules resolved from ``state.params``)."""
        if not isinstance(state, State):
            raise E.ConfigError(f"from_state needs a dtao State, got {type(state).__name__}")
        network = cls.__new__(cls)
        network._rules = rules_for(state.params)
        network.state = state
        return network

    @classmethod
    def from_genesis(cls, genesis: Genesis) -> Network:
        """A network over a state built directly (:class:`~dtao.genesis.Genesis`)."""
        if not isinstance(genesis, Genesis):
            raise E.ConfigError(f"from_genesis needs a Genesis, got {type(genesis).__name__}")
        return cls.from_state(genesis.build())

    def to_json(self) -> str:
        """Canonical, lossless JSON (amounts as decimal strings)."""
        return codec.dumps(self.state)

    @classmethod
    def from_json(cls, text: str) -> Network:
        """Rebuild a network from :meth:`to_json` output (same digest).

        ``ConfigError`` naming the key if the text is not a valid dtao state: the schema (every
        key known and present, values of their type and range) and every conservation identity
        (:func:`dtao.invariants.check`) are checked before a network is returned.
        """
        return cls.from_state(codec.loads(text, check=invariants.check))

    def digest(self) -> str:
        """sha256 of the canonical JSON."""
        return codec.digest(self.state)

    # -- reads ----------------------------------------------------------------------------------

    @property
    def params(self) -> Params:
        """The constants in force (the preset with overrides and governance changes)."""
        return self.state.params

    @property
    def rules(self) -> Rules:
        """The era's strategies for the parameters in force (resolved again after a change)."""
        if self._rules.params is not self.state.params:
            self._rules = self._resolve(self.state.params, self._rules.fast)
        return self._rules

    def _resolve(self, params: Params, fast: bool) -> Rules:
        rules = rules_for(params, fast=fast)
        if self._share_rule is not None:
            rules = rule_lab.plug(rules, *self._share_rule)
        return rules

    def use_share_rule(self, rule: Callable[..., Any], name: str) -> None:
        """Replace the era's per-block share step by a user rule (:mod:`dtao.rule_lab`; kept
        across parameter changes and copies); ``ShareRuleError`` where the era has none."""
        plugged = rule_lab.plug(rules_for(self.state.params, fast=False), rule, name)
        self._share_rule = (rule, name)
        self._rules = plugged

    @property
    def block(self) -> int:
        """The current block number."""
        return self.state.block

    @property
    def total_issuance(self) -> int:
        """``TotalIssuance`` (rao)."""
        return self.state.total_issuance

    @property
    def netuids(self) -> list[int]:
        """Existing subnets (without root), ascending."""
        return self.state.netuids

    def balance(self, coldkey: str) -> int:
        """Free TAO of a coldkey (rao)."""
        ops.check_name(coldkey, "coldkey")
        return ledger.get_balance(self.state, coldkey)

    def stake(self, coldkey: str, hotkey: str, netuid: int) -> int:
        """Stake of a (coldkey, hotkey) position on a subnet (alpha-rao; TAO rao on root),
        floored; under ``root-vote`` the coldkey's TAO stake on the hotkey, the same for every
        netuid (stake is global in that era)."""
        ops.check_name(coldkey, "coldkey")
        ops.check_name(hotkey, "hotkey")
        ops.check_netuid(netuid)
        return self.rules.reads.stake(self.state, coldkey, hotkey, netuid)

    def hotkey_stake(self, hotkey: str, netuid: int) -> int:
        """All stake held through a hotkey on a subnet (``TotalHotkeyAlpha``, alpha-rao; under
        ``root-vote`` ``TotalHotkeyStake`` in rao, any netuid)."""
        ops.check_name(hotkey, "hotkey")
        ops.check_netuid(netuid)
        return self.rules.reads.hotkey_stake(self.state, hotkey, netuid)

    def positions(self, coldkey: str | None = None) -> list[tuple[str, str, int, int]]:
        """Stake positions as (coldkey, hotkey, netuid, amount), optionally for one coldkey
        (under ``root-vote`` one row per non-empty TAO stake, netuid 0)."""
        if coldkey is not None:
            ops.check_name(coldkey, "coldkey")
        return self.rules.reads.positions(self.state, coldkey)

    def emission_control_stakes(self) -> dict[str, int]:
        """The stake that decides emission, by holder (rao): where root seats vote emission
        (``root-vote``) each seat hotkey's stake; where pool demand decides (dTAO) each
        coldkey's alpha valued at the spot price, floored per position, root left out (root
        stake earns but sets no price). Zero holders are left out."""
        control = self.rules.reads.emission_control
        if control is not None:
            return control(self.state)
        prices = {n: self.spot_price(n) for n in self.netuids}
        out: dict[str, int] = {}
        for coldkey, _, netuid, amount in self.positions():
            if netuid in prices and amount > 0:
                out[coldkey] = out.get(coldkey, 0) + floor(amount * prices[netuid])
        return {k: v for k, v in out.items() if v > 0}

    def hotkey_owner(self, hotkey: str) -> str | None:
        """The coldkey that owns a hotkey, or None if the hotkey was never created."""
        ops.check_name(hotkey, "hotkey")
        return self.state.hotkey_owner.get(hotkey)

    def take(self, hotkey: str) -> int:
        """Validator take of a hotkey (u16 / 65535; the default take if never set)."""
        ops.check_name(hotkey, "hotkey")
        return self.state.takes.get(hotkey, self.params.default_take_u16)

    def subnet(self, netuid: int) -> SubnetView:
        """Read-only view of a subnet; ``SubnetNotExists`` if absent. Under ``root-vote`` (no
        pools) reserves and prices are 0 and ``pending_emission`` is the subnet's pending TAO."""
        ops.check_netuid(netuid)
        subnet = X.get_subnet(self.state, netuid)
        cols = self.state.columns
        reads = self.rules.reads
        y, x = cols.get("tao_in", netuid), cols.get("alpha_in", netuid)
        return SubnetView(
            netuid=netuid,
            tao_in=y,
            alpha_in=x,
            alpha_out=cols.get("alpha_out", netuid),
            price=float(self.spot_price(netuid)) if x else 0.0,
            moving_price=cols.get("moving_price_bits", netuid) / I96F32.one,
            owner_coldkey=subnet.owner_coldkey,
            owner_hotkey=subnet.owner_hotkey,
            tempo=cols.get("tempo", netuid),
            n=subnet.neurons.n,
            burn=subnet.burn,
            registered_at=subnet.registered_at,
            pending_emission=reads.pending_emission(self.state, netuid),
            pending_alpha_swapped=cols.get("pending_alpha_swapped", netuid),
            pending_root_divs=cols.get("pending_root_divs", netuid),
            pending_owner_cut=cols.get("pending_owner_cut", netuid),
            last_epoch_block=subnet.last_epoch_block,
            emission_share=reads.emission_share(self.state, netuid),
        )

    def neurons(self, netuid: int) -> NeuronsView:
        """Per-UID arrays of a subnet after its last epoch; ``SubnetNotExists`` if absent."""
        ops.check_netuid(netuid)
        subnet = X.get_subnet(self.state, netuid)
        nr = subnet.neurons
        n = nr.n
        hotkeys = list(nr.hotkeys)
        get = self.rules.reads.hotkey_stake
        return NeuronsView(
            netuid=netuid,
            hotkeys=hotkeys,
            coldkeys=[self.state.hotkey_owner[h] for h in hotkeys],
            stake=np.array([get(self.state, h, netuid) for h in hotkeys], dtype=np.int64),
            root_stake=np.array([get(self.state, h, 0) for h in hotkeys], dtype=np.int64),
            incentive=nr.incentive[:n].copy(),
            dividends=nr.dividends[:n].copy(),
            emission=nr.emission[:n].copy(),
            consensus=nr.consensus[:n].copy(),
            validator_trust=nr.validator_trust[:n].copy(),
            validator_permit=nr.validator_permit[:n].copy(),
            active=nr.active[:n].copy(),
            last_update=nr.last_update[:n].copy(),
            registered_at=nr.registered_at[:n].copy(),
        )

    def emission_shares(self) -> dict[int, float]:
        """Share of the TAO block emission each subnet got in the last block (``root-vote``:
        its ``EmissionValues`` share from the last root epoch)."""
        share = self.rules.reads.emission_share
        return {netuid: share(self.state, netuid) for netuid in self.netuids}

    def subnet_terms(self, netuid: int) -> SubnetTerms:
        """The era-specific switches and records of a subnet; ``SubnetNotExists`` if absent."""
        ops.check_netuid(netuid)
        X.get_subnet(self.state, netuid)
        state = self.state

        def column(name: str) -> int:
            return summer_value(state, name, netuid)

        start_calls = self.rules.registration.start_call is not lifecycle.start_call_unavailable
        return SubnetTerms(
            netuid=netuid,
            subtoken_enabled=bool(column("subtoken_enabled")) if start_calls else True,
            emission_enabled=bool(column("emission_enabled")),
            miner_burned=column("miner_burned_bits") / I96F32.one,
            root_prop=column("root_prop_bits") / I96F32.one,
            tao_flow=column("tao_flow"),
            protocol_alpha=column("protocol_alpha"),
            immune=lifecycle.network_immune(state, netuid),
        )

    def registration_open(self, netuid: int) -> bool:
        """Whether a burned registration on ``netuid`` has room now (registration allowed, this
        block's and this interval's counts below their limits); ``SubnetNotExists`` if absent."""
        ops.check_netuid(netuid)
        X.get_subnet(self.state, netuid)
        return X.registration_refusal(self.state, netuid) is None

    @property
    def last_network_registration_block(self) -> int:
        """``NetworkLastLockBlock``: the block of the last subnet registration (0 = never); a
        new one is rate-limited until ``params.network_rate_limit`` blocks after it."""
        return self.state.network_last_lock_block

    def copy(self, *, neurons_read_only: bool = False) -> Network:
        """An independent network over a deep copy of the state (same digest and rules):
        writes to either never reach the other. ``neurons_read_only``: the copy's UIDs are
        read-only views of this network's (:meth:`dtao.state.Neurons.read_only`), for a copy
        that only quotes or trades stake; anything writing to its neurons (a block's epoch, a
        registration, weights) raises ``ValueError``."""
        network = Network.__new__(Network)
        memo: dict[int, Any] = {}
        if neurons_read_only:  # deepcopy takes these twins from its memo
            for subnet in self.state.subnets.values():
                memo[id(subnet.neurons)] = subnet.neurons.read_only()
        network.state = copy.deepcopy(self.state, memo)
        network._share_rule = self._share_rule
        network._rules = network._resolve(network.state.params, self._rules.fast)
        return network

    def emission_gate_bar(self) -> float | None:
        """The emission gate's bar θ (a share of demand, from U64F64) where the era gates
        emission (``current``), 0.0 before it is first computed; None for an era without one."""
        if self.rules.injection is not inject_current:
            return None
        gate = self.state.extensions.get(GateState.name)
        return 0.0 if gate is None else gate.bar_bits / ONE64  # type: ignore[attr-defined]

    def pruning_order(self) -> list[int]:
        """Subnets past their immunity, the next to be pruned first (``get_network_to_prune``'s
        order: lowest moving price, then earlier registration, then lower netuid)."""
        return lifecycle.pruning_order(self.state)

    def network_lock_cost(self) -> int:
        """What registering a subnet costs now (rao)."""
        return self.rules.registration.network_lock_cost(self.state)

    def quote_stake(self, netuid: int, amount: int) -> SwapQuote:
        """What ``add_stake(amount)`` would do now (SDK ``SwapQuote``: ``alpha`` credited,
        ``tao_fee``, slippage), by the era's pool and fee.

        Raises ``SubnetNotExists``, ``InvalidAmount``, or the pool's refusal
        (``InsufficientLiquidity``; at 14bc6f9 the swap pallet's errors).
        """
        ops.check_netuid(netuid)
        ops.check_amount(amount)
        return self._quotes.stake(self.state, self.rules, netuid, amount)

    def quote_unstake(self, netuid: int, alpha: int) -> SwapQuote:
        """What ``remove_stake(alpha)`` would do now (``tao`` paid, the fee in its unit).

        Raises ``SubnetNotExists``, ``InvalidAmount``, or the pool's refusal.
        """
        ops.check_netuid(netuid)
        ops.check_amount(alpha)
        return self._quotes.unstake(self.state, self.rules, netuid, alpha)

    def quote_move(self, origin_netuid: int, destination_netuid: int, alpha: int) -> SwapQuote:
        """What moving ``alpha`` from one subnet to another would do now (``tao`` carried
        between the legs, ``alpha`` credited on the destination).

        Raises ``SubnetNotExists``, ``InvalidAmount``, or a pool's refusal.
        """
        ops.check_netuid(origin_netuid, "origin netuid")
        ops.check_netuid(destination_netuid, "destination netuid")
        ops.check_amount(alpha)
        return self._quotes.move(self.state, self.rules, origin_netuid, destination_netuid, alpha)

    def spot_price(self, netuid: int) -> Fraction:
        """The spot price (TAO per alpha, exact) the era's pool trades at now: what quotes
        measure slippage against and a record's ``limit_price`` (× 10^9) is compared with; 1 on
        root. ``SubnetNotExists`` if absent."""
        ops.check_netuid(netuid)
        if netuid != 0:
            X.get_subnet(self.state, netuid)
        return self._quotes.price(self.state, self.rules, netuid)

    def quote_stake_alpha(self, netuid: int, amount: int) -> int:
        """Shortcut: the alpha-rao ``add_stake(amount)`` would credit now."""
        return self.quote_stake(netuid, amount).alpha

    def quote_unstake_tao(self, netuid: int, alpha: int) -> int:
        """Shortcut: the rao ``remove_stake(alpha)`` would pay now."""
        return self.quote_unstake(netuid, alpha).tao

    @property
    def _quotes(self) -> QuoteRules:
        quotes = self.rules.quotes
        if quotes is None:
            raise E.ConfigError("these rules have no quotes")
        return quotes

    def accepts(self, kind: type) -> bool:
        """Whether this era has an extrinsic for records of type ``kind`` (an operation record
        class); ``submit`` of one it lacks answers ``CallUnavailable``."""
        if kind not in RECORD_TYPES:
            raise E.InvalidAmount(f"not an operation record type: {_show(kind)}")
        return ops.available(self.rules, kind)

    # -- writes -------------------------------------------------------------------------------

    def submit(self, op: ops.Operation) -> Receipt:
        """Apply one operation record now, at the current block (as an extrinsic of this block).

        Returns its receipt; a rejection raises the chain-named ``ProtocolError`` (or
        ``ConfigError`` for a governance value) and leaves the state unchanged; anything but an
        operation record is refused with ``InvalidAmount``.
        """
        _check_record(op)
        if isinstance(op, ops.Governance):
            _governed_params(self.state.params, op)  # refused here, before any write
        return ops.apply(self.state, self.rules, op)

    def fund(self, coldkey: str, amount: int) -> None:
        """Credit ``amount`` rao of free TAO from a genesis faucet (counted in issuance).

        Raises ``InvalidAmount`` for a bad name or amount, or beyond the 21M supply.
        """
        self.submit(ops.Fund(coldkey, amount))

    def transfer(self, coldkey: str, destination: str, amount: int) -> None:
        """Move ``amount`` rao of free TAO to ``destination``.

        Raises ``NotEnoughBalanceToTransfer`` or ``InvalidAmount``.
        """
        self.submit(ops.Transfer(coldkey, destination, amount))

    def register_network(self, coldkey: str, hotkey: str) -> int | None:
        """Pay the lock cost (:meth:`network_lock_cost`, rao) and open a subnet owned by
        ``coldkey`` with ``hotkey`` as UID 0; returns the new netuid, or None when the era
        queues the registration (``current`` at ``subnet_limit``: the lock is escrowed and the
        subnet opens in a later block's idle phase, after the cleanup it waits for).

        Raises ``NetworkTxRateLimitExceeded``, ``SubnetLimitReached``,
        ``NotEnoughBalanceToStake`` or ``NonAssociatedColdKey``.
        """
        return self.submit(ops.RegisterNetwork(coldkey, hotkey)).result

    def burned_register(self, coldkey: str, hotkey: str, netuid: int) -> int:
        """Pay the subnet's burn (rao) for a UID for ``hotkey``; returns the uid.

        Raises ``SubNetworkDoesNotExist``, ``TooManyRegistrationsThisBlock`` /
        ``…ThisInterval``, ``HotKeyAlreadyRegisteredInSubNet``, ``NotEnoughBalanceToStake``,
        ``NonAssociatedColdKey`` or ``NoNeuronIdAvailable``.
        """
        return self._result(ops.BurnedRegister(coldkey, hotkey, netuid))

    def add_stake(
        self,
        coldkey: str,
        hotkey: str,
        netuid: int,
        amount: int,
        limit_price: int | None = None,
        allow_partial: bool = False,
    ) -> int:
        """Spend ``amount`` rao (fee included) on alpha of ``netuid`` staked through ``hotkey``
        (netuid 0: root stake, 1:1); returns the alpha-rao credited.

        ``limit_price``: rao per whole alpha the buy may not exceed; with ``allow_partial`` the
        amount is cut to what the limit allows. Raises ``SubnetNotExists``, ``AmountTooLow``,
        ``SlippageTooHigh``, ``NotEnoughBalanceToStake``, ``HotKeyAccountNotExists`` or
        ``InsufficientLiquidity``.
        """
        return self._result(
            ops.AddStake(coldkey, hotkey, netuid, amount, limit_price, allow_partial)
        )

    def remove_stake(
        self,
        coldkey: str,
        hotkey: str,
        netuid: int,
        amount: int,
        limit_price: int | None = None,
        allow_partial: bool = False,
    ) -> int:
        """Sell ``amount`` alpha-rao of a position; returns the rao paid (after the fee).

        ``limit_price``: rao per whole alpha the sale may not go below. Raises
        ``SubnetNotExists``, ``InsufficientLiquidity``, ``AmountTooLow``, ``SlippageTooHigh``,
        ``HotKeyAccountNotExists`` or ``NotEnoughStakeToWithdraw``.
        """
        return self._result(
            ops.RemoveStake(coldkey, hotkey, netuid, amount, limit_price, allow_partial)
        )

    def move_stake(
        self,
        coldkey: str,
        origin_hotkey: str,
        destination_hotkey: str,
        origin_netuid: int,
        destination_netuid: int,
        amount: int,
    ) -> int:
        """Move ``amount`` alpha-rao of the coldkey's stake to another hotkey and/or subnet;
        returns the rao moved, as the chain's ``StakeMoved`` event carries it (the origin
        proceeds after both legs' fees; lost when below min stake + the leg fee).

        Raises ``SubnetNotExists``, ``HotKeyAccountNotExists``, ``NotEnoughStakeToWithdraw``,
        ``InsufficientLiquidity`` or ``AmountTooLow``.
        """
        return self._result(
            ops.MoveStake(
                coldkey,
                origin_hotkey,
                destination_hotkey,
                origin_netuid,
                destination_netuid,
                amount,
            )
        )

    def transfer_stake(
        self,
        coldkey: str,
        destination_coldkey: str,
        hotkey: str,
        origin_netuid: int,
        destination_netuid: int,
        amount: int,
    ) -> int:
        """Give ``amount`` alpha-rao of stake (same hotkey) to ``destination_coldkey``, possibly
        on another subnet; returns the rao moved. Errors as :meth:`move_stake`, and
        ``TransferDisallowed`` where a subnet's TransferToggle is off."""
        return self._result(
            ops.TransferStake(
                coldkey, destination_coldkey, hotkey, origin_netuid, destination_netuid, amount
            )
        )

    def swap_stake(
        self,
        coldkey: str,
        hotkey: str,
        origin_netuid: int,
        destination_netuid: int,
        amount: int,
        limit_price: int | None = None,
        allow_partial: bool = False,
    ) -> int:
        """Move ``amount`` alpha-rao of a position to another subnet (same keys); returns the
        rao moved. ``limit_price`` (``swap_stake_limit``): rao per whole origin alpha, priced
        in destination alpha, beyond which the swap may not go (``get_max_amount_move``); with
        ``allow_partial`` the amount is cut to that maximum. Errors as :meth:`move_stake`, and
        ``SlippageTooHigh``."""
        return self._result(
            ops.SwapStake(
                coldkey,
                hotkey,
                origin_netuid,
                destination_netuid,
                amount,
                limit_price,
                allow_partial,
            )
        )

    def set_weights(
        self, hotkey: str, netuid: int, uids: Sequence[int], weights: Sequence[int]
    ) -> None:
        """Set a validator's weights (u16 each, stored max-upscaled) over ``uids``.

        Raises ``CanNotSetRootNetworkWeights``, ``WeightVecNotEqualSize``,
        ``SubNetworkDoesNotExist``, ``HotKeyNotRegisteredInSubNet``, ``SettingWeightsTooFast``,
        ``NeuronNoValidatorPermit``, ``DuplicateUids``, ``UidVecContainInvalidOne``,
        ``WeightVecLengthIsLow``, ``MaxWeightExceeded`` or ``NotEnoughStakeToSetWeights``.
        """
        self.submit(
            ops.SetWeights(
                hotkey, netuid, _u16_sequence(uids, "uids"), _u16_sequence(weights, "weights")
            )
        )

    def set_take(self, coldkey: str, hotkey: str, take: int) -> None:
        """Set the validator take of ``hotkey`` (u16 / 65535).

        Raises ``HotKeyAccountNotExists``, ``NonAssociatedColdKey``, ``DelegateTakeTooHigh``,
        ``DelegateTakeTooLow`` or ``DelegateTxRateLimitExceeded``.
        """
        self.submit(ops.SetTake(coldkey, hotkey, take))

    def increase_take(self, coldkey: str, hotkey: str, take: int) -> None:
        """``increase_take``: raise the take (u16 / 65535). Raises ``DelegateTakeTooLow`` (not
        above the current take), ``DelegateTakeTooHigh`` or ``DelegateTxRateLimitExceeded``."""
        self.submit(ops.IncreaseTake(coldkey, hotkey, take))

    def decrease_take(self, coldkey: str, hotkey: str, take: int) -> None:
        """``decrease_take``: lower the take (u16 / 65535). Raises ``DelegateTakeTooLow`` (not
        below the current take, or below MinDelegateTake)."""
        self.submit(ops.DecreaseTake(coldkey, hotkey, take))

    def govern(self, parameter: str, value: Any) -> None:
        """A governance change of one preset parameter, effective at once (``ConfigError`` for
        an unknown parameter or a value of the wrong type)."""
        self.submit(ops.Governance(parameter, value))

    def process_block(self, operations: Iterable[ops.Operation] = ()) -> BlockReceipt:
        """Run the next block: the protocol step, then ``operations`` at the new block number.

        Rejected operations are recorded in the receipt (``receipt.rejected``), not raised.
        Before the block runs, ``operations`` must be an iterable of operation records
        (``InvalidAmount`` otherwise), and a governance record whose value would name an unknown
        strategy is refused (``ConfigError``): nothing changes in either case.
        """
        if isinstance(operations, str | bytes | dict) or not isinstance(operations, Iterable):
            raise E.InvalidAmount(
                f"operations must be an iterable of operation records, got {_show(operations)}"
            )
        batch = tuple(operations)
        params = self.state.params
        for op in batch:
            _check_record(op)
            if isinstance(op, ops.Governance):
                try:
                    candidate = params.replace(**{op.parameter: op.value})
                except E.ConfigError:
                    continue  # a refused value: the block records the rejection
                rules_for(candidate)  # an unknown strategy would fail mid-block: refused now
                params = candidate
        return process_block(self.state, self.rules, batch)

    def step(self, blocks: int = 1) -> BlockReceipt | None:
        """Advance ``blocks`` blocks with no operations; the last block's receipt (None for 0).

        Raises ``InvalidAmount`` unless ``blocks`` is a non-negative int.
        """
        if isinstance(blocks, bool) or not isinstance(blocks, int) or blocks < 0:
            raise E.InvalidAmount(f"blocks must be a non-negative integer, got {blocks!r}")
        receipt = None
        for _ in range(blocks):
            receipt = process_block(self.state, self.rules)
        return receipt

    def _result(self, op: ops.Operation) -> int:
        """Submit a record whose result is a number (alpha, rao, a netuid or a uid)."""
        return cast(int, self.submit(op).result)


def _check_record(op: object) -> None:
    """``InvalidAmount`` unless ``op`` is an operation record."""
    if type(op) not in RECORD_TYPES:
        raise E.InvalidAmount(f"not an operation record: {_show(op)}")


def _governed_params(params: Params, op: ops.Governance) -> Params:
    """The parameters after a governance record, checked as far as a network needs them: the
    value in range (``Params.replace``) and every strategy name resolvable (``rules_for``)."""
    new = params.replace(**{op.parameter: op.value})
    rules_for(new)
    return new


def _u16_sequence(values: object, what: str) -> tuple[int, ...]:
    """A sequence of u16 ints as a tuple; ``InvalidAmount`` otherwise."""
    if isinstance(values, str | bytes | dict) or not isinstance(values, Iterable):
        raise E.InvalidAmount(f"{what} must be a sequence of integers, got {_show(values)}")
    items = tuple(values)
    for value in items:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= U16_MAX:
            raise E.InvalidAmount(
                f"{what} must hold integers in [0, {U16_MAX}], got {_show(value)}"
            )
    return items


def _show(value: object, limit: int = 80) -> str:
    """``repr`` of a value given, shortened for an error message."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."
