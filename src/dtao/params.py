"""Frozen parameter sets: one preset per era, each constant with its unit and upstream source.

A preset is data plus the names of its strategies (``share_rule``, ``injection_rule``, ``pool``,
…), which :mod:`dtao.eras` resolves once into a :class:`~dtao.rules.Rules`; another era is
another data set.
Sources are opentensor/subtensor files at the named commit (see dtao-economics.md §14b).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from dtao.errors import ConfigError
from dtao.units import RAO_PER_TAO, U64_MAX

TAO = RAO_PER_TAO


@dataclass(frozen=True)
class Params:
    """Every protocol constant of one era. Amounts in rao, durations in blocks.

    Each field has a type, a range and a unit in :data:`RANGES`; a value outside it (or a low
    end above its high end, :data:`_ORDERED`) is a ``ConfigError`` naming the parameter, the value
    and what it expects — when a preset is made, overridden, governed or loaded from JSON.
    """

    era: str
    commit: str
    description: str

    # -- time and emission (block_emission.rs, run_coinbase.rs) --
    block_time_s: int = 12  # runtime/src/lib.rs MILLISECS_PER_BLOCK / 1000
    tempo: int = 360  # blocks; INITIAL_SUBNET_TEMPO for new subnets
    total_supply: int = 21_000_000 * TAO  # rao; TAO cap and per-subnet alpha cap
    base_block_emission: int = TAO  # rao; DefaultBlockEmission (1 TAO before halvings)
    # -- subnet shares and EMA price (stake_utils.rs update_moving_price) --
    share_rule: str = "ema_price"  # strategy name, resolved by dtao.eras
    ema_alpha: float = 3e-6  # per block; SubnetMovingAlpha
    ema_price_cap: float | None = 1.0  # TAO/alpha; observation min(p, cap), None = uncapped
    ema_warmup_blocks: int | None = None  # H of the R1.3 warm-up; None = off
    # -- injection and split (run_coinbase.rs) --
    injection_rule: str = "launch"  # strategy name, resolved by dtao.eras
    owner_cut_u16: int = 11_796  # /65535; SubnetOwnerCut
    tao_weight_u64: int = 3_320_413_933_267_719_290  # /(2^64-1) = 0.18; TaoWeight (migrate_rao)
    rescale_dividends: bool = False  # R1.4 switch (8de0d23)
    # -- validator take (Delegates) --
    default_take_u16: int = 11_796
    min_take_u16: int = 0
    max_take_u16: int = 11_796
    take_rate_limit: int = 216_000  # blocks between take increases
    # -- staking and the launch pool (stake_utils.rs, move_stake.rs) --
    pool: str = "constant_product"  # pool math of the era, resolved by dtao.eras
    min_stake: int = 500_000  # rao; DefaultMinStake
    staking_fee: int = 50_000  # rao; DefaultStakingFee, flat, kept in the pool
    min_pool_liquidity: int = 10_000_000  # rao / alpha-rao; DefaultMinimumPoolLiquidity
    nominator_min_stake: int = 0  # alpha-rao; NominatorMinRequiredStake
    existential_deposit: int = 500  # rao a chain-side debit leaves in the account (Preserve)
    # -- subnet registration (root.rs get_network_lock_cost, subnet.rs) --
    network_min_lock: int = TAO  # rao; NetworkMinLockCost (migrate_rao); also the pool seed y = x
    network_last_lock: int = 1_000 * TAO  # rao; NetworkLastLockCost storage default [state]
    lock_reduction_interval: int = 100_800  # blocks at E = 1 TAO; scaled by E/1e9
    network_rate_limit: int = 7_200  # blocks between subnet registrations
    subnet_limit: int | None = None  # None: no cap (launch)
    network_immunity_period: int = 50_400  # blocks (unused at launch)
    # -- neurons (registration.rs, block_step.rs upgraded_burn) --
    max_uids: int = 256
    max_validators: int = 64
    immunity_period: int = 5_000  # blocks
    burn_initial: int = TAO  # rao
    burn_min: int = 1  # rao (new subnet at launch)
    burn_max: int = 100 * TAO  # rao
    burn_adjustment_interval: int = 360  # blocks
    target_registrations: int = 1  # per interval
    burn_adjustment_alpha_u64: int = 17_893_341_751_498_265_066  # /(2^64-1) = 0.97
    max_registrations_per_block: int = 1
    # -- weights (weights.rs) --
    min_allowed_weights: int = 1
    max_weights_limit: int = 65_535  # u16
    weights_rate_limit: int = 100  # blocks
    stake_threshold: int = 0  # rao of α + tw·τ; gates set_weights (the epoch: see below)
    # -- Yuma (run_epoch.rs @ 5073ade) --
    kappa_u16: int = 32_767
    bonds_moving_average: int = 900_000  # parts per million kept
    bonds_penalty_u16: int = 0  # launch default: bonds from raw weights
    activity_cutoff: int = 5_000  # blocks
    liquid_alpha: bool = False
    alpha_low_u16: int = 45_875
    alpha_high_u16: int = 58_982
    alpha_sigmoid_steepness: int = 1_000
    yuma3: bool = False
    owner_self_weight_kept: bool = False  # launch: every self-weight masked
    #: launch: plain top-k, no s > 0 filter, stake_threshold not applied in the epoch
    permit_requires_stake: bool = False
    owner_always_permitted: bool = False  # launch: owner has no guaranteed permit
    bond_mask: str = "weight_older_than_registration"  # launch bond mask rule
    yuma_backend: str = "float"  # "float" (fast) or "exact" (fixed-point emulation)

    # -- summer-2026 (14bc6f9): pool, swap fee, block author (issue 9) --
    swap_fee_rate: int = 33  # FeeRate (u16, fee = input x rate / 65535); balancer pool only
    swap_min_reserve: int = 1_000_000  # SwapMinimumReserve: output reserve floor of a swap
    block_author: str = ""  # coldkey paid every swap fee ("" = none: buy fees burned, sell
    # fees' alpha burned, as the chain does without an author)

    # -- summer-2026: coinbase, pending pots, root claim (issue 9) --
    epoch_rule: str = "launch"  # scheduler + drain + payout, resolved by dtao.eras
    max_epochs_per_block: int = 2  # MaxEpochsPerBlock (stateful scheduler only)
    max_tempo: int = 50_400  # MAX_TEMPO: BlocksSinceLastStep beyond this forces an epoch
    # root claim (claim_root.rs, lib.rs @ 14bc6f9)
    root_claim_rule: str = "none"  # strategy name: "none" (launch) or "auto_claim"
    root_claim_threshold: int = 500_000  # alpha-rao; RootClaimableThreshold default
    root_claim_threshold_max: int = 10_000_000  # alpha-rao; MAX_ROOT_CLAIM_THRESHOLD
    num_root_claim: int = 5  # coldkeys per block; NumRootClaim default
    num_root_claim_max: int = 50  # MAX_NUM_ROOT_CLAIMS
    root_claim_subnets_max: int = 5  # subnets per claim_root; MAX_SUBNET_CLAIMS
    root_claim_seed: int = 0  # dtao: seed of the pseudo parent hashes (dtao.claims)

    # -- summer-2026: subnets, neuron burn, epoch scheduler (issue 9) --
    #: subnet lifecycle of the era (registration, dissolution, neuron burn), resolved by
    #: dtao.eras: "launch" (5073ade) or "head" (14bc6f9)
    registration_rule: str = "launch"
    start_call_delay: int = 0  # blocks; StartCallDelay (registration -> start_call)
    burn_half_life: int = 360  # blocks, u16; BurnHalfLife of a new subnet (0 = no decay)
    burn_increase_mult: float = 1.0  # BurnIncreaseMult of a new subnet (U64F64 from f64)
    network_registration_start_block: int = 0  # NetworkRegistrationStartBlock
    tao_in_refund_deployment_block: int = 0  # TaoInRefundDeploymentBlock
    immune_owner_uids_limit: int = 1  # ImmuneOwnerUidsLimit: owner UIDs never pruned
    min_non_immune_uids: int = 10  # MinNonImmuneUids: prune non-immune UIDs only above this
    unlock_rate: int = 934_866  # blocks; UnlockRate, time constant of a lock's mass decay
    maturity_rate: int = 934_866  # blocks; MaturityRate, time constant of conviction growth

    # -- childkeys: the launch variant and 14bc6f9 (issue 9) --
    childkey_split: str = "whole_dividend"  # dividend split strategy, resolved by dtao.eras
    childkey_take_default_u16: int = 0  # /65535; ChildkeyTake storage default
    childkey_take_min_u16: int = 0  # /65535; MinChildkeyTake
    childkey_take_max_u16: int = 11_796  # /65535; MaxChildkeyTake (18 %)
    childkey_take_rate_limit: int = 216_000  # blocks between set_childkey_take calls
    childkey_take_min_is_floor: bool = False  # 14bc6f9: the take reads as max(stored, min)
    childkey_take_decrease_free: bool = False  # 14bc6f9: only an increase is rate-limited
    set_children_rate_limit: int = 150  # blocks between set_children per hotkey and subnet
    childkey_cooldown: int = 1  # blocks before pending children apply; DefaultPendingCooldown
    max_children: int = 5  # children per parent and subnet
    childkeys_pc_relations: bool = False  # 14bc6f9 PCRelations checks (bipartite, dedup)
    childkeys_apply_before_start_call: bool = False  # 14bc6f9: no cooldown before start_call
    ck_burn_u64: int = 0  # /(2^64-1); CKBurn: recycled part of foreign parents' shares

    # -- current (spec 475): emission gate, injection order, reservoirs (issue 10) --
    # (the gate runs under injection_rule "current"; these are its storage values)
    emission_bar_rank: int = 32  # EmissionBarRank N (u16): rank-pinned bar; 0 = q-mass mode
    emission_bar_quantile: float = 0.61  # EmissionBarQuantile q (U64F64 from f64), q-mass only
    emission_gate_exponent: float = 3.0  # EmissionGateExponent h (U64F64 from f64)
    emission_bar_interval: int = 360  # blocks; EMISSION_BAR_UPDATE_INTERVAL (bar recompute)
    chain_buy_refund: bool = False  # a failed chain buy's TAO goes back to the credit (else stays)
    balancer_reservoir: bool = False  # out-of-range injections parked in per-subnet reservoirs
    #: blocks; half-life of SubnetFastMovingPrice (weight ln 2 / H per block, dtao.fast_ema);
    #: 0 = no fast EMA (launch, summer-2026)
    fast_ema_half_life: int = 0
    #: dtao-current.md §6.3: the superellipse curve replaces the balancer on every dynamic pool
    #: (dtao.curve; governance turning it on migrates every pool); off on chain to spec 475
    superellipse: bool = False

    # -- current: Root Reborn (root seats, baskets, claims) (issue 10) --
    #: root dividends policy, resolved by dtao.eras: "claims" (summer-2026 root claims) or
    #: "baskets" (Root Reborn: root-seated earners only, deposits into validator baskets)
    root_policy: str = "claims"
    root_seats: int = 64  # MaxAllowedUids[ROOT]
    root_seat_immunity: int = 7_200  # blocks; ImmunityPeriod[ROOT]
    root_burn_floor: int = 1_000_000_000  # rao; MinBurn[ROOT] (441 migration)
    root_burn_increase_mult: float = 1.26  # Burn[ROOT] multiplier per registration
    root_burn_half_life: int = 360  # blocks; Burn[ROOT] decay half-life
    root_registrations_per_block: int = 1  # MaxRegistrationsPerBlock[ROOT]
    basket_claim_fee: int = 8_300_000  # rao per claim extrinsic, recycled (§5.6, uncertain)
    basket_row_dust_cap: int = 1_000_000_000  # rao; BasketClaimRowDustCapTao
    basket_row_dust_bps: int = 10  # bps of anchored NAV; BasketClaimRowDustBps
    basket_slice_dust: int = 100_000  # rao; BasketClaimSliceDustTao
    basket_forfeit_cap: int = 10_000_000  # rao; BasketClaimForfeitCapTao (0: no skipping)
    root_stake_unlock_interval: int = 0  # blocks; RootStakeUnlockInterval (the root hold)
    basket_trading_enabled: bool = True  # BasketTradingEnabled
    basket_band_bps: int = 200  # BASKET_TRADE_MAX_SLIPPAGE_BPS: each AMM leg's price band
    basket_turnover_cap_u16: int = 6_553  # /65535 of NAV; BasketDailyTurnoverCap
    basket_turnover_refill: int = 7_200  # blocks for the turnover bucket to refill
    basket_liquidity_cap_bps: int = 1_000  # bps of the pool's alpha reserve; BasketLiquidityCap
    basket_concentration_cap_u16: int = 4_096  # /65535 of NAV; BasketConcentrationCap
    basket_min_trade: int = 500_000_000  # rao; BasketMinTradeTao (sell proceeds per leg)
    basket_max_legs: int = 64  # legs per swap_basket_many

    # -- current: fees, subnet registration queue, conviction, epoch options (issue 10) --
    tx_fee_rao: int = 0  # flat extrinsic fee per signed operation record (rao; 0 = none)
    tx_fee_destination: str = "author"  # "author" (block author) or "recycle" (spec 445+)
    epoch_consensus: str = "yuma"  # "yuma" (Yuma only) or "per_subnet" (SubnetEpochConsensus)
    cap_blocks_since_last_step: bool = False  # BlocksSinceLastStep saturates at tempo + 1
    memberless_dividends_to_owner: bool = False  # a memberless pool's dividend: owner's stake
    #: parents per child hotkey and subnet a ``set_children`` may reach (spec 475's
    #: MAX_PARENTS_PER_CHILD = 100 when on); 0 = no cap (off by default)
    max_parents_per_child: int = 0

    # -- taoflow (ec2212c): net Tao Flow shares (subnet_emissions.rs @ ec2212c, issue 12) --
    #: FlowEmaSmoothingFactor (u64): the flow EMAs' weight per block is value / (2^63 - 1)
    flow_ema_smoothing: int = 29_597_889_189_277
    tao_flow_cutoff: float = 0.0  # TaoFlowCutoff (rao per block, I64F64): floor L of offsets
    flow_norm_exponent: float = 1.0  # FlowNormExponent p (U64F64 from f64): share ∝ z^p
    net_tao_flow: bool = True  # NetTaoFlowEnabled: subtract the normalised protocol-flow EMA
    #: stakes, unstakes and moves record SubnetTaoFlow (the flow the taoflow shares read; off
    #: in the eras whose shares do not read it, so their states stay as they were)
    record_tao_flow: bool = False
    #: SubnetEmissionEnabled of a newly registered subnet (14bc6f9: off since e367ae6)
    new_subnet_emission_enabled: bool = False
    #: StakingOperationRateLimiter (f8db5d0 → 06032d5): a position staked into a block cannot
    #: be unstaked or moved from in the same block
    staking_rate_limiter: bool = False
    # -- root-vote (d4d8182): the Root Network (issue 12) --
    root_rho: int = 10  # Rho[0] (u16): steepness of root_epoch's consensus sigmoid
    root_tempo: int = 100  # Tempo[0] (blocks) set when the root network is created
    root_adjustment_interval: int = 100  # AdjustmentInterval[0]: root registration counters
    hotkey_emission_tempo: int = 7_200  # blocks between drains of a hotkey's pending emission
    target_stakes_per_interval: int = 1  # stake operations per (coldkey, hotkey) and interval
    stake_interval: int = 360  # blocks; StakeInterval of the staking rate limit
    dissolve_schedule_duration: int = 36_000  # blocks; DissolveNetworkScheduleDuration

    #: free-form provenance notes per field (field -> "path @ commit")
    sources: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def tao_weight(self) -> float:
        """TaoWeight as a ratio (u64 / (2^64 - 1))."""
        return self.tao_weight_u64 / U64_MAX

    @property
    def owner_cut(self) -> float:
        """SubnetOwnerCut as a fraction (u16 / 65535)."""
        return self.owner_cut_u16 / 65_535

    def __post_init__(self) -> None:
        """Every field within its range (:data:`RANGES`), else ``ConfigError`` naming it."""
        for name, bounds in RANGES.items():
            value = getattr(self, name)
            checked = bounds.check(name, value)
            if checked is not value:  # an int given for a float field
                object.__setattr__(self, name, checked)
        if not isinstance(self.sources, dict):
            raise ConfigError(f"parameter 'sources' expects a dict, got {_show(self.sources)}")
        if self.superellipse and (self.pool, self.injection_rule) != ("balancer", "current"):
            raise ConfigError(
                "parameter 'superellipse' needs pool 'balancer' and injection_rule 'current'"
            )
        for low, high in _ORDERED:
            if getattr(self, low) > getattr(self, high):
                raise ConfigError(
                    f"parameter {low!r} ({getattr(self, low)}) must not exceed "
                    f"{high!r} ({getattr(self, high)})"
                )

    @property
    def preset_name(self) -> str:
        """The preset's name, for labels (logs, manifests, tables); never branch on it —
        an era's behaviour comes from its ``Rules`` value (:mod:`dtao.eras`)."""
        return self.era

    def replace(self, **overrides: Any) -> Params:
        """A copy with some constants changed; ``ConfigError`` for an unknown or read-only name,
        or a value outside the parameter's range (:data:`RANGES`)."""
        for name in overrides:
            if name not in RANGES or name in READ_ONLY:
                raise ConfigError(f"unknown or read-only parameter {name!r}")
        return dataclasses.replace(self, **overrides)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready) of the constants that differ from the field defaults (and
        the era's name, commit and description); ``sources`` left out. A later era's new
        parameters therefore leave an older era's state text (and digest) unchanged.
        Every value is a scalar (:data:`RANGES`), so no copy is needed: this runs in every
        digest."""
        out: dict[str, Any] = {}
        for name in RANGES:
            value = getattr(self, name)
            default = _DEFAULTS.get(name, _NO_DEFAULT)
            if value != default or type(value) is not type(default):
                out[name] = value
        return out


# -- ranges --------------------------------------------------------------------------------------

U16_MAX = 65_535
I16_MAX = 32_767
U32_MAX = 2**32 - 1
I64_MAX = 2**63 - 1
#: largest total supply: pool and alpha columns are int64 and alpha issuance x + o may pass S by
#: two block emissions, so S ≤ 2^60 rao (55 000 × the launch supply) keeps every column in range
SUPPLY_MAX = 2**60
#: largest UIDs per subnet: u16 on the chain, but weights and bonds are dense cap × cap matrices
#: here (4096² × 5 bytes ≈ 84 MB per subnet)
MAX_UIDS_MAX = 4_096
#: largest EMA price cap (TAO per alpha): spot prices saturate at 2^62 I96F32 bits = 2^30
PRICE_CAP_MAX = float(2**30)


@dataclass(frozen=True)
class Range:
    """The values one parameter may take: its type, bounds (inclusive unless ``open_low``),
    whether ``None`` is allowed, and its unit (shown in error messages)."""

    kind: type  # int, float, bool or str
    unit: str
    low: int | float | None = None
    high: int | float | None = None
    optional: bool = False  # None allowed
    open_low: bool = False  # low itself excluded (ema_price_cap > 0)
    nonempty: bool = True  # str: must not be blank

    def expected(self) -> str:
        """What the parameter expects, in words."""
        if self.kind is bool:
            text = "True or False"
        elif self.kind is str:
            text = "a non-empty string" if self.nonempty else "a string"
        else:
            article = "an int" if self.kind is int else "a finite float"
            text = f"{article} in {'(' if self.open_low else '['}{self.low}, {self.high}]"
        if self.optional:
            text += " or None"
        return f"{text} ({self.unit})"

    def check(self, name: str, value: Any) -> Any:
        """``value`` if it is in range (an int for a float field comes back as a float), else
        ``ConfigError`` naming the parameter, the value and what is expected."""
        if value is None and self.optional:
            return value
        if not self._admits(value):
            raise ConfigError(f"parameter {name!r} expects {self.expected()}, got {_show(value)}")
        return float(value) if self.kind is float and type(value) is int else value

    def _admits(self, value: Any) -> bool:
        if self.kind is bool:
            return type(value) is bool
        if self.kind is str:
            return type(value) is str and (bool(value.strip()) or not self.nonempty)
        if type(value) is float:  # a float field only; never NaN or ±inf
            if self.kind is not float or not math.isfinite(value):
                return False
        elif type(value) is not int:  # bool, numpy scalars, strings, None …
            return False
        assert self.low is not None and self.high is not None
        above = value > self.low if self.open_low else value >= self.low
        return above and value <= self.high


def _show(value: Any, limit: int = 60) -> str:
    """``repr`` of a value given, shortened for an error message."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def _int(low: int, high: int, unit: str, optional: bool = False) -> Range:
    return Range(int, unit, low, high, optional)


_U16 = "u16 / 65535"
_BLOCKS = "blocks, u64"
_RAO = "rao, u64 on the chain, int64 columns here"
_NAME = "a strategy name, resolved by dtao.eras"
_FLAG = "switch"

#: every parameter of :class:`Params` -> its type, range and unit (one table; ``sources`` is
#: free-form provenance and has none)
RANGES: dict[str, Range] = {
    "era": Range(str, "the era's preset name"),
    "commit": Range(str, "the upstream commit mirrored"),
    "description": Range(str, "free text", nonempty=False),
    # time and emission
    "block_time_s": _int(1, U32_MAX, "seconds per block"),
    "tempo": _int(0, U16_MAX, "blocks between epochs, u16; 0 = never"),
    "total_supply": _int(1, SUPPLY_MAX, "rao; the TAO cap and each subnet's alpha cap"),
    "base_block_emission": _int(1, SUPPLY_MAX, "rao per block before halvings, ≤ total_supply"),
    # subnet shares and EMA price
    "share_rule": Range(str, _NAME),
    "ema_alpha": Range(float, "EMA weight per block, a fraction", 0, 1),
    "ema_price_cap": Range(
        float, "TAO per alpha; None = uncapped", 0, PRICE_CAP_MAX, optional=True, open_low=True
    ),
    "ema_warmup_blocks": _int(1, U32_MAX, "blocks of the R1.3 warm-up; None = off", True),
    # injection and split
    "injection_rule": Range(str, _NAME),
    "owner_cut_u16": _int(0, U16_MAX, _U16),
    "tao_weight_u64": _int(0, 2**64 - 1, "u64 / (2^64 - 1)"),
    "rescale_dividends": Range(bool, _FLAG),
    # validator take
    "default_take_u16": _int(0, U16_MAX, _U16),
    "min_take_u16": _int(0, U16_MAX, _U16 + ", ≤ max_take_u16"),
    "max_take_u16": _int(0, U16_MAX, _U16),
    "take_rate_limit": _int(0, 2**64 - 1, _BLOCKS),
    # staking and the pool
    "pool": Range(str, _NAME),
    "min_stake": _int(0, I64_MAX, _RAO),
    "staking_fee": _int(0, I64_MAX, _RAO),
    "min_pool_liquidity": _int(0, I64_MAX, _RAO),
    "nominator_min_stake": _int(0, I64_MAX, "alpha-rao, u64 on the chain"),
    "existential_deposit": _int(0, I64_MAX, _RAO),
    # subnet registration
    "network_min_lock": _int(0, I64_MAX, _RAO),
    "network_last_lock": _int(0, I64_MAX, _RAO),
    "lock_reduction_interval": _int(0, 2**64 - 1, _BLOCKS),
    "network_rate_limit": _int(0, 2**64 - 1, _BLOCKS),
    "subnet_limit": _int(0, U16_MAX, "subnets, u16; None = no cap", True),
    "network_immunity_period": _int(0, 2**64 - 1, _BLOCKS),
    # neurons
    "max_uids": _int(1, MAX_UIDS_MAX, "UIDs per subnet"),
    "max_validators": _int(0, U16_MAX, "validator permits per subnet, u16"),
    "immunity_period": _int(0, U16_MAX, "blocks, u16"),
    "burn_initial": _int(0, I64_MAX, _RAO),
    "burn_min": _int(0, I64_MAX, _RAO + ", ≤ burn_max"),
    "burn_max": _int(0, I64_MAX, _RAO),
    "burn_adjustment_interval": _int(0, U16_MAX, "blocks, u16"),
    "target_registrations": _int(0, U16_MAX, "registrations per interval, u16"),
    "burn_adjustment_alpha_u64": _int(0, 2**64 - 1, "u64 / (2^64 - 1)"),
    "max_registrations_per_block": _int(0, U16_MAX, "registrations per block, u16"),
    # weights
    "min_allowed_weights": _int(0, U16_MAX, "weights, u16"),
    "max_weights_limit": _int(0, U16_MAX, _U16),
    "weights_rate_limit": _int(0, 2**64 - 1, _BLOCKS),
    "stake_threshold": _int(0, I64_MAX, _RAO),
    # Yuma
    "kappa_u16": _int(0, U16_MAX, _U16),
    "bonds_moving_average": _int(0, 1_000_000, "parts per million kept"),
    "bonds_penalty_u16": _int(0, U16_MAX, _U16),
    "activity_cutoff": _int(0, U16_MAX, "blocks, u16"),
    "liquid_alpha": Range(bool, _FLAG),
    "alpha_low_u16": _int(0, U16_MAX, _U16 + ", ≤ alpha_high_u16"),
    "alpha_high_u16": _int(0, U16_MAX, _U16),
    "alpha_sigmoid_steepness": _int(0, I16_MAX, "sigmoid steepness, i16 (not negative)"),
    "yuma3": Range(bool, _FLAG),
    "owner_self_weight_kept": Range(bool, _FLAG),
    "permit_requires_stake": Range(bool, _FLAG),
    "owner_always_permitted": Range(bool, _FLAG),
    "bond_mask": Range(str, _NAME),
    "yuma_backend": Range(str, _NAME),
    # summer-2026: pool, swap fee, block author
    "swap_fee_rate": _int(0, U16_MAX, _U16),
    "swap_min_reserve": _int(0, I64_MAX, "rao / alpha-rao"),
    "block_author": Range(str, "a coldkey name, or empty for none", nonempty=False),
    # summer-2026: coinbase, pending pots, root claim
    "epoch_rule": Range(str, _NAME),
    "max_epochs_per_block": _int(0, 255, "epochs per block, u8"),
    "max_tempo": _int(0, U16_MAX, "blocks, u16"),
    "root_claim_rule": Range(str, _NAME),
    "root_claim_threshold": _int(0, I64_MAX, "alpha-rao, ≤ root_claim_threshold_max"),
    "root_claim_threshold_max": _int(0, I64_MAX, "alpha-rao"),
    "num_root_claim": _int(0, 2**64 - 1, "coldkeys per block, u64, ≤ num_root_claim_max"),
    "num_root_claim_max": _int(0, 2**64 - 1, "coldkeys per block, u64"),
    "root_claim_subnets_max": _int(1, U16_MAX, "subnets per claim"),
    "root_claim_seed": _int(0, 2**64 - 1, "u64 seed of the pseudo parent block hashes"),
    # summer-2026: subnets, neuron burn, epoch scheduler
    "registration_rule": Range(str, _NAME),
    "start_call_delay": _int(0, 2**64 - 1, _BLOCKS),
    "burn_half_life": _int(0, U16_MAX, "blocks, u16; 0 = no decay"),
    "burn_increase_mult": Range(float, "multiplier per registration (U64F64)", 0, float(2**32)),
    "network_registration_start_block": _int(0, 2**64 - 1, "block, u64"),
    "tao_in_refund_deployment_block": _int(0, 2**64 - 1, "block, u64"),
    "immune_owner_uids_limit": _int(0, U16_MAX, "UIDs, u16"),
    "min_non_immune_uids": _int(0, U16_MAX, "UIDs, u16"),
    "unlock_rate": _int(0, 2**63 - 1, "blocks, u64 (0: a lock's mass is gone at once)"),
    "maturity_rate": _int(0, 2**63 - 1, "blocks, u64"),
    # childkeys
    "childkey_split": Range(str, _NAME),
    "childkey_take_default_u16": _int(0, U16_MAX, _U16),
    "childkey_take_min_u16": _int(0, U16_MAX, _U16 + ", ≤ childkey_take_max_u16"),
    "childkey_take_max_u16": _int(0, U16_MAX, _U16),
    "childkey_take_rate_limit": _int(0, 2**64 - 1, _BLOCKS),
    "childkey_take_min_is_floor": Range(bool, _FLAG),
    "childkey_take_decrease_free": Range(bool, _FLAG),
    "set_children_rate_limit": _int(0, 2**64 - 1, _BLOCKS),
    "childkey_cooldown": _int(0, 2**64 - 1, _BLOCKS),
    "max_children": _int(0, U16_MAX, "children per parent and subnet"),
    "childkeys_pc_relations": Range(bool, _FLAG),
    "childkeys_apply_before_start_call": Range(bool, _FLAG),
    "ck_burn_u64": _int(0, 2**64 - 1, "u64 / (2^64 - 1)"),
    # current: emission gate, injection order, reservoirs
    "emission_bar_rank": _int(0, U16_MAX, "subnets, u16; 0 = q-mass mode"),
    "emission_bar_quantile": Range(float, "share of demand (U64F64 from f64)", 0.0, 1.0),
    "emission_gate_exponent": Range(float, "Hill exponent (U64F64 from f64)", 0.0, 64.0),
    "emission_bar_interval": _int(0, 2**64 - 1, _BLOCKS),
    "chain_buy_refund": Range(bool, _FLAG),
    "balancer_reservoir": Range(bool, _FLAG),
    "fast_ema_half_life": _int(0, U32_MAX, "blocks; 0 = no fast EMA"),
    "superellipse": Range(bool, _FLAG),
    # current: Root Reborn
    "root_policy": Range(str, _NAME),
    "root_seats": _int(1, U16_MAX, "seats, u16"),
    "root_seat_immunity": _int(0, U16_MAX, _BLOCKS),
    "root_burn_floor": _int(0, 2**64 - 1, "rao, u64"),
    "root_burn_increase_mult": Range(float, "multiplier per registration", 1.0, 2.0),
    "root_burn_half_life": _int(0, U16_MAX, "blocks, u16; 0 = no decay"),
    "root_registrations_per_block": _int(0, U16_MAX, "registrations, u16"),
    "basket_claim_fee": _int(0, 2**64 - 1, "rao, u64"),
    "basket_row_dust_cap": _int(0, 2**64 - 1, "rao, u64"),
    "basket_row_dust_bps": _int(0, 10_000, "bps"),
    "basket_slice_dust": _int(0, 2**64 - 1, "rao, u64"),
    "basket_forfeit_cap": _int(0, 2**64 - 1, "rao, u64 (0: no dust skipping)"),
    "root_stake_unlock_interval": _int(0, 2**64 - 1, _BLOCKS),
    "basket_trading_enabled": Range(bool, _FLAG),
    "basket_band_bps": _int(0, 10_000, "bps"),
    "basket_turnover_cap_u16": _int(0, U16_MAX, _U16),
    "basket_turnover_refill": _int(1, 2**32, _BLOCKS),
    "basket_liquidity_cap_bps": _int(0, 10_000, "bps"),
    "basket_concentration_cap_u16": _int(0, U16_MAX, _U16),
    "basket_min_trade": _int(0, 2**64 - 1, "rao, u64"),
    "basket_max_legs": _int(1, 1_024, "legs"),
    # current: fees, subnet registration queue, conviction, epoch options
    "tx_fee_rao": _int(0, 2**64 - 1, "rao per signed operation"),
    "tx_fee_destination": Range(str, "author or recycle (checked by dtao.eras)"),
    "epoch_consensus": Range(str, "yuma or per_subnet (checked by dtao.eras)"),
    "cap_blocks_since_last_step": Range(bool, _FLAG),
    "memberless_dividends_to_owner": Range(bool, _FLAG),
    # root-vote: the Root Network
    "root_rho": _int(0, U16_MAX, "sigmoid steepness, u16"),
    "root_tempo": _int(0, U16_MAX, "blocks between root epochs, u16; 0 = never"),
    "root_adjustment_interval": _int(0, U16_MAX, "blocks, u16"),
    "hotkey_emission_tempo": _int(0, 2**64 - 1, _BLOCKS),
    "target_stakes_per_interval": _int(0, 2**64 - 1, "stake operations per interval, u64"),
    "stake_interval": _int(0, 2**64 - 1, _BLOCKS),
    "dissolve_schedule_duration": _int(0, U32_MAX, "blocks, u32"),
    "max_parents_per_child": _int(0, U16_MAX, "parents per child and subnet; 0 = no cap"),
    # taoflow: net Tao Flow shares
    "flow_ema_smoothing": _int(0, 2**63 - 1, "u64 / (2^63 - 1), EMA weight per block"),
    # ±2^52 rao (4.5 M TAO) a block: beyond any flow, and where f64 steps are below 1 rao
    "tao_flow_cutoff": Range(float, "rao per block (I64F64 from f64)", -(2.0**52), 2.0**52),
    "flow_norm_exponent": Range(float, "exponent p of the flow normalisation", 0, 64),
    "net_tao_flow": Range(bool, _FLAG),
    "record_tao_flow": Range(bool, _FLAG),
    "new_subnet_emission_enabled": Range(bool, _FLAG),
    "staking_rate_limiter": Range(bool, _FLAG),
}
#: parameters set by the preset only (``replace`` and governance refuse them)
READ_ONLY = frozenset({"era", "commit", "sources"})
_NO_DEFAULT = object()
#: each field's dataclass default (what :meth:`Params.to_dict` leaves out)
_DEFAULTS: dict[str, Any] = {
    f.name: f.default for f in dataclasses.fields(Params) if f.default is not dataclasses.MISSING
}
#: (low, high) pairs that must satisfy low ≤ high
_ORDERED = (
    ("base_block_emission", "total_supply"),
    ("min_take_u16", "max_take_u16"),
    ("burn_min", "burn_max"),
    ("alpha_low_u16", "alpha_high_u16"),
    ("root_claim_threshold", "root_claim_threshold_max"),
    ("num_root_claim", "num_root_claim_max"),
    ("childkey_take_min_u16", "childkey_take_max_u16"),
)


_LAUNCH_SOURCES = {
    "block_time_s": "runtime/src/lib.rs MILLISECS_PER_BLOCK @ 5073ade",
    "tempo": "runtime/src/lib.rs INITIAL_SUBNET_TEMPO @ 5073ade",
    "total_supply": "pallets/subtensor/src/lib.rs TotalSupply @ 5073ade",
    "base_block_emission": "pallets/subtensor/src/lib.rs DefaultBlockEmission @ 5073ade",
    "ema_alpha": "pallets/subtensor/src/lib.rs DefaultMovingAlpha @ 5073ade",
    "ema_price_cap": "pallets/subtensor/src/staking/stake_utils.rs update_moving_price @ 5073ade",
    "owner_cut_u16": "runtime/src/lib.rs SubtensorInitialSubnetOwnerCut @ 5073ade",
    "tao_weight_u64": "pallets/subtensor/src/migrations/migrate_rao.rs @ e2b8367",
    "default_take_u16": "runtime/src/lib.rs SubtensorInitialDefaultTake @ 5073ade",
    "max_take_u16": "pallets/subtensor/src/lib.rs MaxDelegateTake @ 5073ade",
    "take_rate_limit": "runtime/src/lib.rs SubtensorInitialTxDelegateTakeRateLimit @ 5073ade",
    "min_stake": "pallets/subtensor/src/lib.rs DefaultMinStake @ 5073ade",
    "staking_fee": "pallets/subtensor/src/lib.rs DefaultStakingFee @ 5073ade",
    "existential_deposit": "runtime/src/lib.rs EXISTENTIAL_DEPOSIT (500 rao) @ 5073ade; "
    "debits withdraw with Preservation::Preserve (staking/helpers.rs)",
    "min_pool_liquidity": "pallets/subtensor/src/lib.rs DefaultMinimumPoolLiquidity @ 5073ade",
    "network_min_lock": "pallets/subtensor/src/migrations/migrate_rao.rs @ e2b8367",
    "network_last_lock": "pallets/subtensor/src/lib.rs NetworkLastLockCost default @ 5073ade",
    "lock_reduction_interval": "runtime/src/lib.rs "
    "SubtensorInitialNetworkLockReductionInterval @ 5073ade",
    "network_rate_limit": "runtime/src/lib.rs SubtensorInitialNetworkRateLimit @ 5073ade",
    "network_immunity_period": "runtime/src/lib.rs SubtensorInitialNetworkImmunity @ 5073ade",
    "max_uids": "pallets/subtensor/src/subnets/subnet.rs init_new_network @ 5073ade",
    "max_validators": "pallets/subtensor/src/subnets/subnet.rs init_new_network @ 5073ade",
    "immunity_period": "pallets/subtensor/src/subnets/subnet.rs init_new_network @ 5073ade",
    "burn_initial": "runtime/src/lib.rs SubtensorInitialBurn @ 5073ade",
    "burn_min": "pallets/subtensor/src/subnets/subnet.rs init_new_network @ 5073ade",
    "burn_max": "runtime/src/lib.rs SubtensorInitialMaxBurn @ 5073ade",
    "burn_adjustment_interval": "pallets/subtensor/src/subnets/subnet.rs init_new_network",
    "target_registrations": "pallets/subtensor/src/subnets/subnet.rs init_new_network",
    "burn_adjustment_alpha_u64": "pallets/subtensor/src/coinbase/block_step.rs upgraded_burn",
    "max_registrations_per_block": "runtime/src/lib.rs "
    "SubtensorInitialMaxRegistrationsPerBlock @ 5073ade",
    "weights_rate_limit": "pallets/subtensor/src/lib.rs DefaultWeightsSetRateLimit @ 5073ade",
    "kappa_u16": "runtime/src/lib.rs SubtensorInitialKappa @ 5073ade",
    "bonds_moving_average": "runtime/src/lib.rs SubtensorInitialBondsMovingAverage @ 5073ade",
    "bonds_penalty_u16": "runtime/src/lib.rs SubtensorInitialBondsPenalty @ 5073ade",
    "activity_cutoff": "runtime/src/lib.rs SubtensorInitialActivityCutoff @ 5073ade",
    "liquid_alpha": "pallets/subtensor/src/lib.rs DefaultLiquidAlpha @ 5073ade",
    "yuma3": "absent at 5073ade (added 2025-05-28, 1b0c63a)",
    # childkeys (dtao-economics.md §5d)
    "childkey_split": "pallets/subtensor/src/coinbase/run_coinbase.rs "
    "get_dividends_distribution @ 5073ade (take off the whole dividend)",
    "childkey_take_default_u16": "pallets/subtensor/src/lib.rs ChildkeyTake (ValueQuery, u16 "
    "default 0) @ 5073ade",
    "childkey_take_min_u16": "runtime/src/lib.rs SubtensorInitialMinChildKeyTake @ 5073ade",
    "childkey_take_max_u16": "runtime/src/lib.rs SubtensorInitialMaxChildKeyTake @ 5073ade",
    "childkey_take_rate_limit": "runtime/src/lib.rs INITIAL_CHILDKEY_TAKE_RATELIMIT @ 5073ade",
    "set_children_rate_limit": "pallets/subtensor/src/utils/rate_limiting.rs get_rate_limit "
    "@ 5073ade",
    "childkey_cooldown": "pallets/subtensor/src/lib.rs DefaultPendingCooldown @ 5073ade (1 block)",
    "max_children": "pallets/subtensor/src/staking/set_children.rs do_schedule_children @ 5073ade",
}

LAUNCH = Params(
    era="launch",
    commit="5073ade",
    description="dTAO launch runtime of 2025-02-24 (R1.2): constant-product pools, EMA-price "
    "shares, root alpha sold every block, classic Yuma.",
    sources=_LAUNCH_SOURCES,
)

# -- summer-2026: the 14bc6f9 runtime (spec 432, July 2026; dtao-economics.md §14a and the
# switch table of dtao-current.md §10.2). Built in parts (issue 9): each part's constants and
# strategy names, with their sources, go in its own table; until a part lands the preset runs the
# launch strategy of that part.

#: pool, swap fee and block author
_SUMMER_POOL: dict[str, Any] = {
    "pool": "balancer",
    "min_stake": 2_000_000,
    "swap_fee_rate": 33,
    "swap_min_reserve": 1_000_000,
    "block_author": "block-author",
}

#: coinbase, pending pots, root claim
_SUMMER_COINBASE: dict[str, Any] = {
    "injection_rule": "summer",
    "epoch_rule": "summer",
    "ema_warmup_blocks": 201_600,
    "max_epochs_per_block": 2,
    "max_tempo": 50_400,
    "owner_self_weight_kept": True,
    "permit_requires_stake": True,
    "owner_always_permitted": True,
    "bond_mask": "registered_since_last_tempo",
    "bonds_penalty_u16": 65_535,
    # root claim
    "root_claim_rule": "auto_claim",
    "root_claim_threshold": 500_000,
    "root_claim_threshold_max": 10_000_000,
    "num_root_claim": 5,
    "num_root_claim_max": 50,
    "root_claim_subnets_max": 5,
}

#: subnets, neuron burn, epoch scheduler
_SUMMER_SUBNETS: dict[str, Any] = {
    "registration_rule": "head",
    "network_min_lock": TAO,
    "network_last_lock": 1_250 * TAO,
    "lock_reduction_interval": 57_600,
    "network_rate_limit": 28_800,
    "subnet_limit": 128,
    "network_immunity_period": 864_000,
    "start_call_delay": 0,
    "burn_initial": TAO,
    "burn_min": 500_000,
    "burn_max": 100 * TAO,
    "burn_half_life": 360,
    "burn_increase_mult": 1.26,
    "yuma3": True,
}

#: childkeys
_SUMMER_CHILDKEYS: dict[str, Any] = {
    "childkey_split": "foreign_parents",
    "childkey_take_min_is_floor": True,
    "childkey_take_decrease_free": True,
    "childkey_cooldown": 7_200,
    "childkeys_pc_relations": True,
    "childkeys_apply_before_start_call": True,
}

_SUMMER_SOURCES: dict[str, str] = {
    # -- coinbase, pending pots, epoch (issue 9) --
    "injection_rule": "pallets/subtensor/src/coinbase/run_coinbase.rs get_subnet_terms, "
    "inject_and_maybe_swap, emit_to_subnets; subnet_emissions.rs get_shares @ 14bc6f9",
    "epoch_rule": "pallets/subtensor/src/coinbase/run_coinbase.rs drain_pending, "
    "distribute_emission, distribute_dividends_and_incentives @ 14bc6f9",
    "ema_warmup_blocks": "pallets/subtensor/src/lib.rs DefaultEMAPriceMovingBlocks "
    "(EMAPriceHalvingBlocks 201 600); staking/stake_utils.rs update_moving_price @ 14bc6f9",
    "max_epochs_per_block": "runtime/src/lib.rs SubtensorMaxEpochsPerBlock = 2 (prod) @ 14bc6f9",
    "max_tempo": "pallets/subtensor/src/lib.rs MAX_TEMPO @ 14bc6f9",
    "bonds_penalty_u16": "runtime/src/lib.rs SubtensorInitialBondsPenalty (65 535) @ 14bc6f9",
    "bond_mask": "epoch/run_epoch.rs: bonds masked for miners registered since the last "
    "tempo (8de0d23 on) @ 14bc6f9",
    "permit_requires_stake": "epoch/run_epoch.rs epoch_mechanism: stake below "
    "get_stake_threshold() zeroed (owner UID exempt), then is_topk_nonzero permits; one chain "
    "change, 2ecebb194 (2025-05-13) @ 14bc6f9",
    # root claim
    "root_claim_rule": "pallets/subtensor/src/staking/claim_root.rs, coinbase/block_step.rs "
    "@ 14bc6f9",
    "root_claim_threshold": "pallets/subtensor/src/lib.rs DefaultMinRootClaimAmount @ 14bc6f9",
    "root_claim_threshold_max": "pallets/subtensor/src/lib.rs MAX_ROOT_CLAIM_THRESHOLD @ 14bc6f9",
    "num_root_claim": "pallets/subtensor/src/lib.rs DefaultNumRootClaim @ 14bc6f9",
    "num_root_claim_max": "pallets/subtensor/src/lib.rs MAX_NUM_ROOT_CLAIMS @ 14bc6f9",
    "root_claim_subnets_max": "pallets/subtensor/src/lib.rs MAX_SUBNET_CLAIMS @ 14bc6f9",
    "root_claim_seed": "dtao: the chain draws from the parent block hash (block_step.rs)",
    # -- pool, swap fee, block author --
    "pool": "pallets/swap/src/pallet/balancer.rs, swap_step.rs, impls.rs @ 14bc6f9",
    "min_stake": "pallets/subtensor/src/lib.rs DefaultMinStake (InitialMinStake 2_000_000) "
    "@ 14bc6f9",
    "swap_fee_rate": "pallets/swap/src/pallet/mod.rs FeeRate default 33 (/u16::MAX) @ 14bc6f9",
    "swap_min_reserve": "runtime/src/lib.rs SwapMinimumReserve 1_000_000 @ 14bc6f9",
    "block_author": "pallets/subtensor/src/staking/stake_utils.rs stake_into_subnet / "
    "unstake_from_subnet: every swap fee to T::AuthorshipProvider::author() @ 14bc6f9",
}
# childkeys @ 14bc6f9 (dtao-economics.md §5d)
_SUMMER_SOURCES |= {
    "childkey_split": "pallets/subtensor/src/coinbase/run_coinbase.rs "
    "get_parent_child_dividends_distribution @ 14bc6f9 (take and CKBurn on foreign parents)",
    "childkey_take_min_is_floor": "pallets/subtensor/src/staking/set_children.rs "
    "get_childkey_take @ 14bc6f9 (max with get_effective_min_childkey_take)",
    "childkey_take_decrease_free": "pallets/subtensor/src/staking/set_children.rs "
    "do_set_childkey_take @ 14bc6f9",
    "childkey_cooldown": "pallets/subtensor/src/lib.rs DefaultPendingCooldown "
    "prod_or_fast!(7_200, 15) @ 14bc6f9 (PendingChildKeyCooldown default)",
    "childkeys_pc_relations": "pallets/subtensor/src/staking/set_children.rs PCRelations @ 14bc6f9",
    "childkeys_apply_before_start_call": "pallets/subtensor/src/staking/set_children.rs "
    "schedule_or_apply_ck, do_set_pending_children @ 14bc6f9",
    "ck_burn_u64": "pallets/subtensor/src/lib.rs DefaultCKBurn (0) @ 14bc6f9",
    "childkey_take_max_u16": "runtime/src/lib.rs SubtensorInitialMaxChildKeyTake @ 14bc6f9",
    "set_children_rate_limit": "pallets/subtensor/src/utils/rate_limiting.rs @ 14bc6f9",
    "max_children": "pallets/subtensor/src/staking/set_children.rs ensure_childkey_count @ 14bc6f9",
    # -- subnets, neuron burn (issue 9) --
    "registration_rule": "subnets/subnet.rs do_register_network, coinbase/root.rs "
    "do_dissolve_network, subnets/registration.rs do_register @ 14bc6f9",
    "network_min_lock": "migrations/migrate_rao.rs (1 TAO) @ e2b8367 [gov]",
    "network_last_lock": "migrations/migrate_network_lock_cost_2500.rs (1 250 TAO) @ 14bc6f9 "
    "[state]",
    "lock_reduction_interval": "migrations/migrate_network_lock_reduction_interval.rs "
    "EIGHT_DAYS @ 14bc6f9 [gov]",
    "network_rate_limit": "migrations/migrate_network_lock_reduction_interval.rs FOUR_DAYS "
    "@ 14bc6f9 [gov]",
    "subnet_limit": "pallets/subtensor/src/lib.rs DefaultSubnetLimit @ 14bc6f9 [gov]",
    "network_immunity_period": "migrations/migrate_network_immunity_period.rs @ 14bc6f9 [gov]",
    "start_call_delay": "runtime/src/lib.rs InitialStartCallDelay @ 14bc6f9 [gov]",
    "burn_initial": "pallets/subtensor/src/lib.rs DefaultNeuronBurnCost (init_new_network) "
    "@ 14bc6f9",
    "burn_min": "runtime/src/lib.rs SubtensorInitialMinBurn @ 14bc6f9 [owner]",
    "burn_max": "runtime/src/lib.rs SubtensorInitialMaxBurn @ 14bc6f9 [owner]",
    "burn_half_life": "pallets/subtensor/src/lib.rs DefaultBurnHalfLife @ 14bc6f9 [owner]",
    "burn_increase_mult": "pallets/subtensor/src/lib.rs DefaultBurnIncreaseMult @ 14bc6f9",
    "network_registration_start_block": "storage default 0; mainnet's value (set by "
    "migrate_network_lock_reduction_interval) lies before any simulated block",
    "tao_in_refund_deployment_block": "storage default 0; mainnet's value (migrate_tao_in_"
    "refund_deployment_block) lies before any simulated block",
    "yuma3": "subnets/subnet.rs init_new_network set_yuma3_enabled(true) @ 14bc6f9",
    "immune_owner_uids_limit": "pallets/subtensor/src/lib.rs ImmuneOwnerUidsLimit default "
    "@ 14bc6f9",
    "min_non_immune_uids": "pallets/subtensor/src/lib.rs MinNonImmuneUids default @ 14bc6f9",
    "unlock_rate": "pallets/subtensor/src/lib.rs DefaultUnlockRate @ 14bc6f9 [gov]",
    "maturity_rate": "pallets/subtensor/src/lib.rs DefaultMaturityRate @ 14bc6f9 [gov]",
}

SUMMER_2026 = dataclasses.replace(
    LAUNCH,
    era="summer-2026",
    commit="14bc6f9",
    description="The 14bc6f9 runtime (spec 432, July 2026, R5.3): balancer pools with the fee to "
    "the block author, shares from EMA price x (1 - MinerBurned), injection capped by root "
    "proportion with chain buys, root claims, pruning, childkeys. In progress (issue 9).",
    sources={**_LAUNCH_SOURCES, **_SUMMER_SOURCES},
    **_SUMMER_POOL,
    **_SUMMER_COINBASE,
    **_SUMMER_SUBNETS,
    **_SUMMER_CHILDKEYS,
)

# -- current: mainnet as of October 2026 (spec 475, 2026-10-08; dtao-current.md §10.1), built on
# summer-2026 (issue 10). Each part's constants, strategy names and sources go in its own
# table; until a part lands the preset runs the summer-2026 rule of that part.

#: emission gate, injection order, reservoirs (dtao-current.md §2, §3)
_CURRENT_GATE: dict[str, Any] = {
    "injection_rule": "current",
    "emission_bar_rank": 32,
    "emission_bar_quantile": 0.75,
    "emission_gate_exponent": 3.0,
    "emission_bar_interval": 360,
    "chain_buy_refund": True,
    "balancer_reservoir": True,
    "fast_ema_half_life": 600,
    # the superellipse curve of §6.3: code present, live date unknown (§13.1): off
    "superellipse": False,
}

#: Root Reborn: root seats, baskets, root claims (dtao-current.md §5)
_CURRENT_ROOT: dict[str, Any] = {"root_policy": "baskets", "root_claim_rule": "basket_flush"}

#: fees, subnet registration queue, conviction, epoch options (dtao-current.md §7-§9)
_CURRENT_SUBNETS: dict[str, Any] = {
    # spec 447: the single-hotkey 18 % conviction takeover (registration rules "current")
    "registration_rule": "current",
    # spec 445: extrinsic fees leave TotalIssuance (the swap fee still goes to the author)
    "tx_fee_destination": "recycle",
    # spec 474: SubnetEpochConsensus per subnet (Yuma default, Null selectable by sudo)
    "epoch_consensus": "per_subnet",
    # the scheduler's counter saturates at tempo + 1 (still > tempo: the subnet stays due)
    "cap_blocks_since_last_step": True,
    # the alpha dividend of a hotkey whose share pool has no members opens it for the owner
    "memberless_dividends_to_owner": True,
    # spec 475: the childkey fan-in cap (100 parents per child and subnet), an option, off
    "max_parents_per_child": 0,
}

_CURRENT_SOURCES: dict[str, str] = {
    # -- current: fees, subnet registration queue, conviction --
    "registration_rule": "RaoFoundation/subtensor staking/lock.rs change_subnet_owner_if_needed "
    "(spec 447), tests/locks.rs @ 072666e0; dtao-current.md §9.1",
    "tx_fee_destination": "taostats runtime-445.md; PR #3058 (names the #3053 fee recycling); "
    "dtao-current.md §7",
    "epoch_consensus": "RaoFoundation/subtensor tests/null_consensus.rs (spec 474, "
    "id:70888915236); dtao-current.md §9.2",
    "cap_blocks_since_last_step": "RaoFoundation/subtensor tests/coinbase.rs "
    "test_coinbase_drain_pending_caps_blockssincelaststep_* @ 0249a4a4 (id:71380680567); "
    "which spec shipped it was not read",
    "memberless_dividends_to_owner": "RaoFoundation/subtensor tests/coinbase.rs "
    "test_nominator_dividends_to_memberless_pool_go_to_owner @ 0249a4a4 (id:71380680567)",
    "max_parents_per_child": "RaoFoundation/subtensor staking/set_children.rs "
    "MAX_PARENTS_PER_CHILD = 100, persist_child_parent_relations (id:71444908410; spec 475, "
    "atlas 475 provenance); an option here, 0 (off) by default",
    # -- gate, injection order, reservoirs --
    "injection_rule": "RaoFoundation/subtensor coinbase/run_coinbase.rs (id:70951396623) "
    "inject_and_maybe_swap; coinbase/subnet_emissions.rs @ f8ff769a get_shares",
    "emission_bar_rank": "lib.rs DefaultEmissionBarRank (id:68884137211): 32, unset on chain",
    "emission_bar_quantile": "EmissionBarQuantile: code default 0.61, root set 0.75 (atlas "
    "decisions.md); inert while emission_bar_rank > 0",
    "emission_gate_exponent": "lib.rs DefaultEmissionGateExponent: 3, unset on chain",
    "emission_bar_interval": "subnet_emissions.rs @ f8ff769a EMISSION_BAR_UPDATE_INTERVAL",
    "chain_buy_refund": "run_coinbase.rs (id:70951396623): a failed chain buy is withdrawn back",
    "balancer_reservoir": "swap impls.rs @ 63369449 (id:61396881567) adjust_protocol_liquidity "
    "with BalancerTaoReservoir / BalancerAlphaReservoir (PR #2758; dtao-current.md §13.2)",
    "fast_ema_half_life": "staking/stake_utils.rs update_fast_moving_price (id:69155006798), "
    "BASKET_FAST_EMA_HALF_LIFE_BLOCKS; dtao-current.md §9.3",
    "superellipse": "pallets/swap/src/pallet/superellipse.rs @ 0249a4a4 (id:71297815211), "
    "migrate_balancer_to_superellipse.rs @ 29005cb7 (id:71156911229); live date unknown, "
    "off (dtao-current.md §6.3, §13.1)",
}
# Root Reborn (RaoFoundation/subtensor; dtao-current.md §5, §10.1)
_CURRENT_SOURCES |= {
    "root_policy": "coinbase/run_coinbase.rs calculate_dividend_distribution (#3035, "
    "id:70951396623), staking/claim_root.rs (id:68851360157)",
    "root_claim_rule": "staking/basket_flush.rs flush one hotkey per block (id:61908491633)",
    "root_seats": "coinbase/root.rs root seats (id:61465281520)",
    "root_seat_immunity": "coinbase/root.rs (id:61465281520), dtao-current.md §10.1",
    "root_burn_floor": "441 migration, dtao-current.md §5.8",
    "root_burn_increase_mult": "coinbase/root.rs burn bump (id:61465281520)",
    "root_burn_half_life": "coinbase/root.rs burn decay (id:61465281520)",
    "root_registrations_per_block": "coinbase/root.rs (id:61465281520)",
    "basket_claim_fee": "PR #3183 weight table under 467 (0.008251 TAO), dtao-current.md §5.6 [M]",
    "basket_row_dust_cap": "lib.rs BasketClaimRowDustCapTao default (id:68884137211)",
    "basket_row_dust_bps": "lib.rs BasketClaimRowDustBps default (id:68884137211)",
    "basket_slice_dust": "lib.rs BasketClaimSliceDustTao default (id:68884137211)",
    "basket_forfeit_cap": "lib.rs BasketClaimForfeitCapTao default (id:68884137211)",
    "root_stake_unlock_interval": "lib.rs RootStakeUnlockInterval default 0 (live not read) [L]",
    "basket_trading_enabled": "lib.rs BasketTradingEnabled default (id:68884137211)",
    "basket_band_bps": "staking/basket_trade.rs BASKET_TRADE_MAX_SLIPPAGE_BPS (id:71557293251)",
    "basket_turnover_cap_u16": "lib.rs BasketDailyTurnoverCap default (id:68884137211)",
    "basket_turnover_refill": "staking/basket_trade.rs refill window (id:71557293251)",
    "basket_liquidity_cap_bps": "lib.rs BasketLiquidityCap default (id:68884137211)",
    "basket_concentration_cap_u16": "lib.rs BasketConcentrationCap default (id:68884137211)",
    "basket_min_trade": "lib.rs BasketMinTradeTao default (id:68884137211)",
    "basket_max_legs": "staking/basket_trade.rs swap_basket_many bound (id:71557293251)",
}

CURRENT = dataclasses.replace(
    SUMMER_2026,
    era="current",
    commit="spec-475",
    description="Mainnet as of October 2026 (spec 475, RaoFoundation/subtensor): the emission "
    "gate over EMA-price demand, chain buy first and balancer reservoirs, Root Reborn baskets, "
    "recycled fees, the subnet registration queue. In progress (issue 10).",
    sources={**SUMMER_2026.sources, **_CURRENT_SOURCES},
    **_CURRENT_GATE,
    **_CURRENT_ROOT,
    **_CURRENT_SUBNETS,
)

# -- root-vote: the Root Network runtime of 2025-01-07 (d4d8182, R0; dtao-economics.md §12),
# before dTAO (issue 12). Built on the launch table: the constants below are the ones that
# differ, with their sources at d4d8182 (runtime/src/lib.rs, pallets/subtensor/src/lib.rs).

#: strategies: no pools, root_epoch shares, TAO pending emission, hotkey drains
_ROOT_VOTE_RULES: dict[str, Any] = {
    "pool": "stable",
    "injection_rule": "root_vote",
    "epoch_rule": "root_vote",
    "registration_rule": "root_vote",
}

#: constants of the d4d8182 runtime that differ from the launch table
_ROOT_VOTE_CONSTANTS: dict[str, Any] = {
    "min_stake": 0,
    "staking_fee": 0,
    "min_pool_liquidity": 0,
    "network_min_lock": 1_000 * TAO,
    "network_last_lock": 1_000 * TAO,
    "subnet_limit": 64,
    "root_rho": 10,
    "root_tempo": 100,
    "hotkey_emission_tempo": 7_200,
    "target_stakes_per_interval": 1,
    "stake_interval": 360,
    "dissolve_schedule_duration": 36_000,
}

_ROOT_VOTE_SOURCES: dict[str, str] = {
    "pool": "no pools at d4d8182: stake is TAO held per (hotkey, coldkey), 1:1",
    "injection_rule": "pallets/subtensor/src/coinbase/run_coinbase.rs run_coinbase, "
    "coinbase/root.rs root_epoch @ d4d8182",
    "epoch_rule": "coinbase/run_coinbase.rs run_coinbase (owner cut in free TAO, epoch, "
    "accumulate_hotkey_emission, drain_hotkey_emission) @ d4d8182",
    "registration_rule": "coinbase/root.rs user_add_network, get_network_lock_cost, "
    "get_subnet_to_prune, remove_network; subnets/registration.rs @ d4d8182",
    "min_stake": "no DefaultMinStake at d4d8182",
    "staking_fee": "no staking fee at d4d8182",
    "min_pool_liquidity": "no pools at d4d8182",
    "network_min_lock": "runtime/src/lib.rs SubtensorInitialMinLockCost (1 000 TAO) @ d4d8182",
    "network_last_lock": "pallets/subtensor/src/lib.rs NetworkLastLockCost default "
    "(InitialNetworkMinLockCost) @ d4d8182",
    "lock_reduction_interval": "runtime/src/lib.rs SubtensorInitialNetworkLockReductionInterval "
    "(14 x 7 200, not scaled by E) @ d4d8182",
    "subnet_limit": "SubnetLimit [gov]: runtime default 12 (SubtensorInitialSubnetLimit "
    "@ d4d8182); mainnet ran netuids 1-64 in January 2025 (value set by sudo, not read)",
    "tempo": "coinbase/root.rs user_add_network init_new_network(netuid, 360) @ d4d8182",
    "kappa_u16": "runtime/src/lib.rs SubtensorInitialKappa (Kappa[0] too) @ d4d8182",
    "root_rho": "runtime/src/lib.rs SubtensorInitialRho @ d4d8182",
    "root_tempo": "migrations/migrate_create_root_network.rs Tempo[0] = 100 @ d4d8182",
    "root_seats": "migrations/migrate_create_root_network.rs MaxAllowedUids[0] = 64 @ d4d8182",
    "root_adjustment_interval": "runtime/src/lib.rs SubtensorInitialAdjustmentInterval "
    "(AdjustmentInterval[0], not set by the root migration) @ d4d8182",
    "hotkey_emission_tempo": "runtime/src/lib.rs SubtensorInitialHotkeyEmissionTempo @ d4d8182",
    "target_stakes_per_interval": "runtime/src/lib.rs SubtensorInitialTargetStakesPerInterval "
    "@ d4d8182",
    "stake_interval": "pallets/subtensor/src/lib.rs DefaultStakeInterval @ d4d8182",
    "dissolve_schedule_duration": "runtime/src/lib.rs InitialDissolveNetworkScheduleDuration "
    "(5 days) @ d4d8182",
    "min_take_u16": "runtime/src/lib.rs SubtensorInitialMinDelegateTake (0) @ d4d8182",
    "owner_cut_u16": "runtime/src/lib.rs SubtensorInitialSubnetOwnerCut @ d4d8182",
    "default_take_u16": "runtime/src/lib.rs SubtensorInitialDefaultTake; do_root_register "
    "delegates a new root hotkey at 11 796 @ d4d8182",
    "existential_deposit": "runtime/src/lib.rs EXISTENTIAL_DEPOSIT (500 rao) @ d4d8182",
    "burn_initial": "runtime/src/lib.rs SubtensorInitialBurn @ d4d8182",
    "burn_max": "runtime/src/lib.rs SubtensorInitialMaxBurn @ d4d8182",
    "burn_min": "coinbase/root.rs init_new_network MinBurn 1 rao @ d4d8182",
    "immunity_period": "coinbase/root.rs init_new_network ImmunityPeriod 5 000 @ d4d8182",
    "max_uids": "coinbase/root.rs init_new_network MaxAllowedUids 256 @ d4d8182",
    "network_rate_limit": "runtime/src/lib.rs SubtensorInitialNetworkRateLimit @ d4d8182",
    "network_immunity_period": "runtime/src/lib.rs SubtensorInitialNetworkImmunity @ d4d8182",
    "take_rate_limit": "runtime/src/lib.rs SubtensorInitialTxDelegateTakeRateLimit @ d4d8182",
    "block_time_s": "runtime/src/lib.rs MILLISECS_PER_BLOCK (12 000) @ d4d8182",
    "total_supply": "pallets/subtensor/src/lib.rs TotalSupply @ d4d8182",
    "base_block_emission": "pallets/subtensor/src/lib.rs DefaultBlockEmission @ d4d8182",
    "max_validators": "coinbase/root.rs init_new_network MaxAllowedValidators 64 @ d4d8182",
    "min_allowed_weights": "coinbase/root.rs init_new_network MinAllowedWeights 1 @ d4d8182",
    "max_weights_limit": "coinbase/root.rs init_new_network MaxWeightsLimit u16::MAX @ d4d8182",
    "burn_adjustment_interval": "coinbase/root.rs init_new_network AdjustmentInterval 360 "
    "@ d4d8182",
    "target_registrations": "coinbase/root.rs init_new_network TargetRegistrationsPerInterval "
    "1 @ d4d8182",
    "burn_adjustment_alpha_u64": "coinbase/root.rs init_new_network AdjustmentAlpha (0.97) "
    "@ d4d8182",
    "max_registrations_per_block": "runtime/src/lib.rs "
    "SubtensorInitialMaxRegistrationsPerBlock @ d4d8182",
    "weights_rate_limit": "pallets/subtensor/src/lib.rs DefaultWeightsSetRateLimit @ d4d8182",
    "stake_threshold": "pallets/subtensor/src/lib.rs DefaultStakeThreshold @ d4d8182",
    "activity_cutoff": "runtime/src/lib.rs SubtensorInitialActivityCutoff @ d4d8182",
    "bonds_moving_average": "runtime/src/lib.rs SubtensorInitialBondsMovingAverage @ d4d8182",
    "nominator_min_stake": "pallets/subtensor/src/lib.rs DefaultNominatorMinRequiredStake "
    "@ d4d8182",
    "bonds_penalty_u16": "no BondsPenalty at d4d8182 (added 8de0d23): bonds from raw weights",
    "yuma3": "absent at d4d8182 (added 1b0c63a)",
    "bond_mask": "epoch/run_epoch.rs @ d4d8182: bonds masked when the weight is not newer "
    "than the miner's registration (changed 8de0d23)",
    "liquid_alpha": "pallets/subtensor/src/lib.rs LiquidAlphaOn default false @ d4d8182",
    "max_take_u16": "pallets/subtensor/src/lib.rs MaxDelegateTake (default DefaultDelegateTake "
    "= SubtensorInitialDefaultTake) @ d4d8182",
    "root_registrations_per_block": "MaxRegistrationsPerBlock[0]: the pallet default "
    "(SubtensorInitialMaxRegistrationsPerBlock 1) @ d4d8182",
}

ROOT_VOTE = dataclasses.replace(
    LAUNCH,
    era="root-vote",
    commit="d4d8182",
    description="The Root Network runtime of 2025-01-07 (R0, before dTAO): 64 root validators "
    "vote subnet weights, root_epoch turns them into EmissionValues in TAO, no pools; "
    "stake is TAO, delegates pay nominators every HotkeyEmissionTempo.",
    sources={**_LAUNCH_SOURCES, **_ROOT_VOTE_SOURCES},
    **_ROOT_VOTE_RULES,
    **_ROOT_VOTE_CONSTANTS,
)

# -- taoflow: the ec2212c runtime (2026-06-01, R4.7; dtao-economics.md §3b, §4a, §14c), one
# month before summer-2026 and built on it (issue 12): the same staking, root claims, childkeys
# and subnet lifecycle; shares from the net Tao Flow EMA, the v3 full-range pool, the alpha_in
# cap min(Eα, E), the legacy epoch scheduler, new subnets emitting from registration.

#: what differs from summer-2026, with its source at ec2212c
_TAOFLOW: dict[str, Any] = {
    "injection_rule": "taoflow",
    "registration_rule": "taoflow",
    "epoch_rule": "taoflow",
    "pool": "v3",
    "record_tao_flow": True,
    "new_subnet_emission_enabled": True,
    "staking_rate_limiter": True,
}

_TAOFLOW_SOURCES: dict[str, str] = {
    "injection_rule": "pallets/subtensor/src/coinbase/run_coinbase.rs get_subnet_terms (cap "
    "min(alpha_emission, block emission)), inject_and_maybe_swap (record_protocol_inflow); "
    "subnet_emissions.rs get_shares -> get_shares_flow (the net Tao Flow shares) @ ec2212c",
    "registration_rule": "as 14bc6f9 (subnets/subnet.rs, registration.rs, root.rs) but "
    "drain_pending leaves change_subnet_owner_if_needed commented out @ ec2212c",
    "epoch_rule": "pallets/subtensor/src/coinbase/run_coinbase.rs drain_pending "
    "(should_run_epoch = blocks_until_next_epoch == 0, BlocksSinceLastStep) @ ec2212c",
    "pool": "pallets/swap/src/pallet/impls.rs do_swap, maybe_initialize_v3 (one full-range "
    "protocol position: x·y = k), adjust_protocol_liquidity @ ec2212c",
    "record_tao_flow": "pallets/subtensor/src/staking/stake_utils.rs stake_into_subnet "
    "(record_tao_inflow), unstake_from_subnet (record_tao_outflow incl. the fee) @ ec2212c",
    "new_subnet_emission_enabled": "pallets/subtensor/src/subnets/subnet.rs init_new_network "
    "(SubnetEmissionEnabled default true; e367ae6 later turned new subnets off) @ ec2212c",
    "flow_ema_smoothing": "pallets/subtensor/src/lib.rs DefaultFlowEmaSmoothingFactor "
    "(29 597 889 189 277: a half-life of 216 000 blocks) @ ec2212c",
    "tao_flow_cutoff": "pallets/subtensor/src/lib.rs DefaultTaoFlowCutoff (0) @ ec2212c",
    "flow_norm_exponent": "pallets/subtensor/src/lib.rs DefaultFlowNormExponent (1) @ ec2212c",
    "net_tao_flow": "pallets/subtensor/src/lib.rs DefaultNetTaoFlowEnabled (true, 486037b) "
    "@ ec2212c",
    "staking_rate_limiter": "pallets/subtensor/src/staking/stake_utils.rs "
    "set_stake_operation_limit, ensure_stake_operation_limit_not_exceeded; macros/hooks.rs "
    "on_finalize @ ec2212c (removed by 06032d5)",
    "swap_min_reserve": "runtime/src/lib.rs SwapMinimumReserve 1_000_000 @ ec2212c",
    "swap_fee_rate": "pallets/swap/src/pallet/mod.rs FeeRate default 33 (/u16::MAX) @ ec2212c",
    "min_stake": "runtime/src/lib.rs SubtensorInitialMinStake 2_000_000 @ ec2212c",
}

TAOFLOW = dataclasses.replace(
    SUMMER_2026,
    era="taoflow",
    commit="ec2212c",
    description="The ec2212c runtime (2026-06-01, R4.7): shares from the EMA of net TAO flow "
    "(user flow minus the normalised protocol flow), the v3 full-range pool (x·y = k) with the "
    "33/65 535 fee to the block author, alpha_in capped at min(Eα, E) with chain-bought alpha "
    "kept, root claims, the x1.26 neuron burn and median-price seeding, the legacy epoch "
    "scheduler.",
    sources={**SUMMER_2026.sources, **_TAOFLOW_SOURCES},
    **_TAOFLOW,
)

PRESETS: dict[str, Params] = {
    "root-vote": ROOT_VOTE,
    "launch": LAUNCH,
    "taoflow": TAOFLOW,
    "summer-2026": SUMMER_2026,
    "current": CURRENT,
}
#: the preset ``Network()``, ``Genesis()`` and ``dtao demo`` use when none is named: mainnet as
#: it is now (issue 10); ``launch`` and ``summer-2026`` stay available by name
DEFAULT_PRESET = "current"


def get_preset(name: str, **overrides: Any) -> Params:
    """The named preset, with overrides applied (``ConfigError`` on an unknown name or a value
    out of range)."""
    if not isinstance(name, str):
        raise ConfigError(f"preset must be a preset name, got {name!r}")
    base = PRESETS.get(name)
    if base is None:
        raise ConfigError(f"unknown preset {name!r}; known: {', '.join(sorted(PRESETS))}")
    return base.replace(**overrides) if overrides else base


def params_from_dict(data: Any) -> Params:
    """Rebuild a ``Params`` from :meth:`Params.to_dict` (sources come back from the preset of
    the same era); ``ConfigError`` naming an unknown, missing or out-of-range parameter."""
    if not isinstance(data, dict):
        raise ConfigError(f"parameters must be an object, got {type(data).__name__}")
    stored = set(RANGES)
    unknown = set(data) - stored
    if unknown:
        raise ConfigError(f"unknown parameters in state: {sorted(map(str, unknown))}")
    missing = {"era", "commit", "description"} - set(data)  # the rest default (to_dict)
    if missing:
        raise ConfigError(f"missing parameters in state: {sorted(missing)}")
    era = data["era"]
    base = PRESETS.get(era) if isinstance(era, str) else None
    sources = base.sources if base else {}
    return Params(**data, sources=sources)


#: the fields naming an era rather than setting a constant (left out of :func:`describe`)
_IDENTITY = frozenset({"era", "commit", "description"})


def describe(params: Params) -> list[dict[str, Any]]:
    """Every constant of a parameter set in :data:`RANGES` order (not the era's name, commit
    and description): its ``name``, ``value``, ``unit`` (from :data:`RANGES`) and ``source``
    (from :attr:`Params.sources`, ``""`` when none is recorded)."""
    return [
        {
            "name": name,
            "value": getattr(params, name),
            "unit": bounds.unit,
            "source": params.sources.get(name, ""),
        }
        for name, bounds in RANGES.items()
        if name not in _IDENTITY
    ]


def differences(a: Params, b: Params) -> list[dict[str, Any]]:
    """The constants whose values differ between two parameter sets (:data:`RANGES` order):
    ``name``, ``unit``, the values ``a`` and ``b``, and each side's source (the era's name,
    commit and description left out)."""
    return [
        {
            "name": name,
            "unit": bounds.unit,
            "a": getattr(a, name),
            "b": getattr(b, name),
            "source_a": a.sources.get(name, ""),
            "source_b": b.sources.get(name, ""),
        }
        for name, bounds in RANGES.items()
        if name not in _IDENTITY
        and (
            getattr(a, name) != getattr(b, name)
            or type(getattr(a, name)) is not type(getattr(b, name))
        )
    ]
