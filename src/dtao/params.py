"""Frozen parameter sets: one preset per era, each constant with its unit and upstream source.

A preset is data plus the names of its strategies (``share_rule``, ``injection_rule``, ``pool``,
…), which :mod:`dtao.eras` resolves once into a :class:`~dtao.rules.Rules`; another era is
another data set.
Sources are opentensor/subtensor files at the named commit (see dtao-economics.md §14b).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from dtao.errors import ConfigError
from dtao.units import RAO_PER_TAO, U64_MAX

TAO = RAO_PER_TAO


@dataclass(frozen=True)
class Params:
    """Every protocol constant of one era. Amounts in rao, durations in blocks."""

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
    stake_threshold: int = 0  # rao of α + tw·τ; gates set_weights only at launch
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
    permit_requires_stake: bool = False  # launch: plain top-k, no s > 0 filter
    owner_always_permitted: bool = False  # launch: owner has no guaranteed permit
    bond_mask: str = "weight_older_than_registration"  # launch bond mask rule
    yuma_backend: str = "float"  # "float" (fast) or "exact" (fixed-point emulation)
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

    def replace(self, **overrides: Any) -> Params:
        """A copy with some constants changed; unknown names raise ``ConfigError``."""
        known = {f.name: f for f in dataclasses.fields(self)}
        for name, value in overrides.items():
            if name not in known or name in ("era", "commit", "sources"):
                raise ConfigError(f"unknown or read-only parameter {name!r}")
            current = getattr(self, name)
            if current is not None and value is not None and type(value) is not type(current):
                if not (isinstance(current, float) and isinstance(value, int)):
                    raise ConfigError(
                        f"parameter {name!r} expects {type(current).__name__}, "
                        f"got {type(value).__name__}"
                    )
                value = float(value)
            if isinstance(value, int) and not isinstance(value, bool) and value < 0:
                raise ConfigError(f"parameter {name!r} must not be negative")
        return dataclasses.replace(self, **overrides)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready) of every constant."""
        data = dataclasses.asdict(self)
        data.pop("sources")
        return data


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
}

LAUNCH = Params(
    era="launch",
    commit="5073ade",
    description="dTAO launch runtime of 2025-02-24 (R1.2): constant-product pools, EMA-price "
    "shares, root alpha sold every block, classic Yuma.",
    sources=_LAUNCH_SOURCES,
)

PRESETS: dict[str, Params] = {"launch": LAUNCH}


def get_preset(name: str, **overrides: Any) -> Params:
    """The named preset, with overrides applied (``ConfigError`` on unknown names)."""
    try:
        base = PRESETS[name]
    except KeyError:
        raise ConfigError(f"unknown preset {name!r}; known: {', '.join(sorted(PRESETS))}") from None
    return base.replace(**overrides) if overrides else base


def params_from_dict(data: dict[str, Any]) -> Params:
    """Rebuild a ``Params`` from :meth:`Params.to_dict` (sources come back from the preset of
    the same era); ``ConfigError`` on unknown names."""
    known = {f.name for f in dataclasses.fields(Params)}
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"unknown parameters in state: {sorted(unknown)}")
    base = PRESETS.get(data.get("era", ""))
    sources = base.sources if base else {}
    return Params(**data, sources=sources)
