"""Resolve a preset's strategy names into one :class:`~dtao.rules.Rules` (the only place that
looks a strategy up by name).

Each table maps the name a preset writes in :mod:`dtao.params` to the implementation of the
era it mirrors; an unknown name is a ``ConfigError`` when the network is made. Fast twins are
chosen here too: on by default, off with ``fast=False`` or the environment variable
``DTAO_NO_FAST=1`` (the test suite's ``--no-fast`` sets it), so that every vector and property
can be run on the reference path alone.
"""

from __future__ import annotations

import dataclasses
import os

from dtao import (
    baskets,
    childkeys,
    claims,
    coinbase,
    coinbase_current,
    coinbase_summer,
    coinbase_taoflow,
    conviction,
    curve,
    emission,
    epoch,
    epoch_summer,
    fast_ema,
    flows,
    ledger,
    lifecycle,
    quotes,
    registration,
    root_reborn,
    root_vote,
    root_vote_coinbase,
    root_vote_genesis,
    root_vote_subnets,
    staking_head,
)
from dtao import extrinsics as X
from dtao import operations as ops
from dtao.block_fast import decay_burns_fast, due_epochs_fast, update_fast_prices_fast
from dtao.coinbase_current_fast import fast_injection, fast_update_prices_and_root_prop
from dtao.coinbase_fast import LaunchFastInjection
from dtao.errors import ConfigError
from dtao.params import Params
from dtao.pools.strategies import (
    Balancer,
    ConstantProduct,
    FlatFeeInPool,
    Stable,
    Superellipse,
    SwapFeeToAuthor,
)
from dtao.pools.v3 import FullRangeV3
from dtao.rules import (
    AfterCoinbase,
    ChildkeySplit,
    EpochRule,
    EpochScheduler,
    FastInjectionRule,
    FeePolicy,
    InjectionRule,
    LedgerReads,
    PoolMath,
    PoolRules,
    RegistrationRules,
    RootClaimStep,
    RootDividendPolicy,
    RootDividendRoute,
    Rules,
    ShareRule,
    YumaRules,
)

#: environment switch that turns every fast twin off (reference path only)
NO_FAST_ENV = "DTAO_NO_FAST"

# name in the preset -> implementation (the era and commit each mirrors is in its docstring)
_SHARE_RULES: dict[str, ShareRule] = {"ema_price": emission.tao_in_by_ema_price}
_INJECTION_RULES: dict[str, InjectionRule] = {
    "launch": coinbase.inject_launch,
    "summer": coinbase_summer.inject_summer,
    "current": coinbase_current.inject_current,  # spec 475: gate, chain buy first, reservoirs
    "taoflow": coinbase_taoflow.inject_taoflow,  # ec2212c: net Tao Flow shares, v3 injection
    "root_vote": root_vote_coinbase.inject_root_vote,  # d4d8182: root epoch, pending TAO
}
#: injection rule name -> its per-block share step (the one a user rule replaces, dtao.rule_lab)
_BLOCK_SHARES = {
    "summer": coinbase_summer.subnet_shares,
    "current": coinbase_current.current_shares,
    "taoflow": flows.net_flow_shares,
}
#: epoch rule name -> (scheduler, drain and payout, work after the coinbase or None)
_EPOCH_RULES: dict[str, tuple[EpochScheduler, EpochRule, AfterCoinbase | None]] = {
    "launch": (epoch.blocks_until_next_epoch_due, epoch.run_epoch, None),
    "summer": (
        epoch_summer.due_epochs_stateful,
        epoch_summer.run_epoch_summer,
        coinbase_summer.update_prices_and_root_prop,
    ),
    "taoflow": (  # ec2212c: the legacy slot, the 14bc6f9 drain and payout
        coinbase_taoflow.due_epochs_legacy,
        epoch_summer.run_epoch_summer,
        coinbase_summer.update_prices_and_root_prop,
    ),
    "root_vote": (  # d4d8182: legacy schedule, TAO epochs, then hotkey drains
        epoch.blocks_until_next_epoch_due,
        root_vote_coinbase.run_epoch_root_vote,
        root_vote_subnets.after_coinbase,
    ),
}
_YUMA_BACKENDS = ("float", "exact")
_CHILDKEY_SPLITS: dict[str, ChildkeySplit] = {
    "whole_dividend": childkeys.split_whole_dividend,  # 5073ade
    "foreign_parents": childkeys.split_foreign_parents,  # 14bc6f9
}
_BOND_MASKS = ("registered_since_last_tempo", "weight_older_than_registration")
#: root claims: none (launch) or claims with automatic draws each block (claim_root.rs @ 14bc6f9)
_ROOT_CLAIM_RULES: dict[str, RootClaimStep | None] = {
    "none": None,
    "auto_claim": claims.run_root_claims,
    "basket_flush": root_reborn.block_step,  # spec 475: root burn decay, one basket flush
}
#: root dividend policy -> (route of the epoch's root dividends, the era's extra operations)
_ROOT_POLICIES: dict[str, tuple[RootDividendRoute | None, dict]] = {
    "claims": (None, {}),  # 14bc6f9: every hotkey earns; root claims
    "baskets": (  # spec 475 Root Reborn: root-seated earners, deposits queued for baskets
        RootDividendRoute(eligible=baskets.on_root, credit=baskets.enqueue_deposit),
        ops.BASKET_OPERATIONS,
    ),
}
#: epoch consensus policy -> the era's extra operations (spec 474: the per-subnet switch)
_EPOCH_CONSENSUS = {"yuma": {}, "per_subnet": ops.EPOCH_CONSENSUS_OPERATIONS}
#: pool name -> the stake operations of that pool's era that replace the launch ones
_OPERATIONS = {
    "balancer": ops.BALANCER_OPERATIONS,
    "v3": ops.BALANCER_OPERATIONS,  # ec2212c: the same extrinsics on the v3 pool
    "stable": ops.ROOT_VOTE_OPERATIONS,
}
#: pool name -> the era's quotes (d4d8182 has no pools to quote)
_QUOTES = {
    "constant_product": quotes.LAUNCH,
    "balancer": quotes.BALANCER,
    "v3": quotes.BALANCER,
    "stable": quotes.STABLE,
}
#: the dTAO stake ledger (share pools per hotkey and subnet) and the injection columns
_DTAO_READS = LedgerReads(
    stake=ledger.get_stake,
    hotkey_stake=ledger.get_hotkey_stake,
    positions=ledger.stake_positions,
    pending_emission=lambda state, netuid: state.columns.get("pending_emission", netuid),
    emission_share=lambda state, netuid: float(state.columns.emission_share[netuid]),
)
#: pool name -> the map of a dTAO genesis into the era's state (d4d8182 has no pools)
_GENESIS = {"stable": root_vote_genesis.from_dtao}
#: pool name -> how the public API reads the era's stake (d4d8182: TAO per hotkey, coldkey)
_READS = {
    "constant_product": _DTAO_READS,
    "balancer": _DTAO_READS,
    "v3": _DTAO_READS,
    "stable": LedgerReads(
        stake=root_vote.read_stake,
        hotkey_stake=root_vote.read_hotkey_stake,
        positions=root_vote.positions,
        pending_emission=root_vote.pending_emission,
        emission_share=root_vote.emission_share,
        emission_control=root_vote.emission_control,
    ),
}
_REGISTRATION_RULES: dict[str, RegistrationRules] = {
    "launch": RegistrationRules(  # 5073ade: legacy burn adjustment, MinLock pool, lock back
        adjust_burns=registration.adjust_registration_terms,
        network_lock_cost=registration.network_lock_cost,
        register_network=X.register_network,
        dissolve_network=lifecycle.dissolve_network_launch,
        burned_register=X.burned_register,
        start_call=lifecycle.start_call_unavailable,
        finalize_root_dividends=lifecycle.no_root_dividends_to_finalize,
        neuron_to_prune=lifecycle.neuron_to_prune_launch,
        lock_stake=conviction.lock_stake_unavailable,
        set_perpetual_lock=conviction.set_perpetual_lock_unavailable,
        change_owner_if_needed=conviction.no_ownership_transfer,
    ),
    "head": RegistrationRules(  # 14bc6f9: burn bump and decay, lock in the pool, pruning
        adjust_burns=lifecycle.decay_burns,
        network_lock_cost=registration.network_lock_cost,
        register_network=lifecycle.register_network,
        dissolve_network=lifecycle.dissolve_network_by_root,
        burned_register=lifecycle.burned_register,
        start_call=lifecycle.start_call,
        finalize_root_dividends=lifecycle.finalize_root_claims,
        neuron_to_prune=lifecycle.neuron_to_prune,
        lock_stake=conviction.lock_stake,
        set_perpetual_lock=conviction.set_perpetual_lock,
        # spec 432: total conviction x 10 >= SubnetAlphaOut, one year after registration
        change_owner_if_needed=conviction.change_subnet_owner_if_needed,
    ),
}
# ec2212c (taoflow): as 14bc6f9, but the conviction ownership check is not called
# (drain_pending leaves change_subnet_owner_if_needed commented out)
_REGISTRATION_RULES["taoflow"] = dataclasses.replace(
    _REGISTRATION_RULES["head"], change_owner_if_needed=conviction.no_ownership_transfer
)
_REGISTRATION_RULES["root_vote"] = RegistrationRules(  # d4d8182: lock held, lowest-emission prune
    adjust_burns=registration.adjust_registration_terms,
    network_lock_cost=root_vote_subnets.network_lock_cost,
    register_network=root_vote_subnets.register_network,
    dissolve_network=root_vote_subnets.dissolve_network,
    burned_register=root_vote_subnets.burned_register,
    start_call=lifecycle.start_call_unavailable,
    finalize_root_dividends=lifecycle.no_root_dividends_to_finalize,
    neuron_to_prune=root_vote_subnets.neuron_to_prune,
    lock_stake=conviction.lock_stake_unavailable,
    set_perpetual_lock=conviction.set_perpetual_lock_unavailable,
    change_owner_if_needed=conviction.no_ownership_transfer,
)
# spec 447+ (current): one hotkey's own conviction > 18 % of eligible alpha takes the subnet
#: where an extrinsic fee goes (dtao.tx_fees): the block author (to spec 444), recycled (445+)
_TX_FEE_DESTINATIONS = ("author", "recycle")
# spec 475 (current): registration queued and escrowed at the subnet limit, the pool seeded
# with exactly the TAO paid, the dissolve-cleanup queue, the queue settled on idle
_REGISTRATION_RULES["current"] = dataclasses.replace(
    _REGISTRATION_RULES["head"],
    change_owner_if_needed=conviction.change_subnet_owner_to_king,
    register_network=lifecycle.register_network_queued,
    dissolve_network=lifecycle.dissolve_network_by_root_queued,
    on_idle=lifecycle.on_idle_queue,
)


def _pool(params: Params) -> PoolRules:
    """Launch pools: constant product on subnets, 1:1 root, the flat fee kept in the pool."""
    balancer = Balancer(fee_rate=params.swap_fee_rate, min_reserve=params.swap_min_reserve)
    builders: dict[str, tuple[PoolMath, PoolMath, FeePolicy]] = {
        "constant_product": (
            ConstantProduct(min_liquidity=params.min_pool_liquidity),
            Stable(),
            FlatFeeInPool(amount=params.staking_fee),
        ),
        # 14bc6f9: the weighted pool at each subnet's quote weight, the fee to the author
        "balancer": (balancer, Stable(), SwapFeeToAuthor(fee_rate=params.swap_fee_rate)),
        # ec2212c: the v3 pool with only the full-range protocol position (x·y = k)
        "v3": (
            FullRangeV3(fee_rate=params.swap_fee_rate, min_reserve=params.swap_min_reserve),
            Stable(),
            SwapFeeToAuthor(fee_rate=params.swap_fee_rate),
        ),
        # d4d8182: no pools; stake is TAO 1:1 to a hotkey, no fee
        "stable": (Stable(), Stable(), FlatFeeInPool(amount=0)),
    }
    chosen = builders.get(params.pool)
    if chosen is None:
        raise _unknown("pool", params.pool, builders)
    subnet, root, fee = chosen
    if params.superellipse:  # §6.3 (Params checks it goes with the balancer and "current")
        ellipse = Superellipse(fee_rate=params.swap_fee_rate, min_reserve=params.swap_min_reserve)
        bind_ellipse = staking_head.bind_superellipse(ellipse)
        return PoolRules(ellipse, root, fee, bind=bind_ellipse, inject=curve.inject)
    bind = staking_head.bind_balancer(balancer) if subnet is balancer else None
    return PoolRules(subnet=subnet, root=root, fee=fee, bind=bind)


def _unknown(what: str, value: object, known: object) -> ConfigError:
    names = ", ".join(sorted(str(k) for k in known))  # type: ignore[attr-defined]
    return ConfigError(f"{what}={value!r} is not one of: {names}")


def fast_enabled() -> bool:
    """Whether fast twins are on by default (not when ``DTAO_NO_FAST`` is set to 1/true)."""
    return os.environ.get(NO_FAST_ENV, "").strip().lower() not in ("1", "true", "yes")


def rules_for(params: Params, fast: bool | None = None) -> Rules:
    """The :class:`Rules` of ``params``; ``ConfigError`` for an unknown strategy name.

    ``fast``: use the fast twins where eligible (default: :func:`fast_enabled`).
    """
    if fast is None:
        fast = fast_enabled()
    shares = _SHARE_RULES.get(params.share_rule)
    if shares is None:
        raise _unknown("share_rule", params.share_rule, _SHARE_RULES)
    injection = _INJECTION_RULES.get(params.injection_rule)
    if injection is None:
        raise _unknown("injection_rule", params.injection_rule, _INJECTION_RULES)
    epoch_rules = _EPOCH_RULES.get(params.epoch_rule)
    if epoch_rules is None:
        raise _unknown("epoch_rule", params.epoch_rule, _EPOCH_RULES)
    epoch_schedule, epoch_rule, after_coinbase = epoch_rules
    if params.yuma_backend not in _YUMA_BACKENDS:
        raise _unknown("yuma_backend", params.yuma_backend, _YUMA_BACKENDS)
    if params.bond_mask not in _BOND_MASKS:
        raise _unknown("bond_mask", params.bond_mask, _BOND_MASKS)
    if params.root_claim_rule not in _ROOT_CLAIM_RULES:
        raise _unknown("root_claim_rule", params.root_claim_rule, _ROOT_CLAIM_RULES)
    childkey_split = _CHILDKEY_SPLITS.get(params.childkey_split)
    if childkey_split is None:
        raise _unknown("childkey_split", params.childkey_split, _CHILDKEY_SPLITS)
    if params.tx_fee_destination not in _TX_FEE_DESTINATIONS:
        raise _unknown("tx_fee_destination", params.tx_fee_destination, _TX_FEE_DESTINATIONS)
    if params.epoch_consensus not in _EPOCH_CONSENSUS:
        raise _unknown("epoch_consensus", params.epoch_consensus, _EPOCH_CONSENSUS)
    registration_rules = _REGISTRATION_RULES.get(params.registration_rule)
    if registration_rules is None:
        raise _unknown("registration_rule", params.registration_rule, _REGISTRATION_RULES)
    if params.root_policy not in _ROOT_POLICIES:
        raise _unknown("root_policy", params.root_policy, _ROOT_POLICIES)
    root_route, root_operations = _ROOT_POLICIES[params.root_policy]
    pool = _pool(params)
    root_dividends: RootDividendPolicy = (
        epoch.dividends_rescaled if params.rescale_dividends else epoch.dividends_by_stake_mix
    )
    injection_fast: FastInjectionRule | None = None
    if (
        fast
        and injection is coinbase.inject_launch
        and shares is emission.tao_in_by_ema_price
        and isinstance(pool.subnet, ConstantProduct)
    ):
        injection_fast = LaunchFastInjection.for_params(params, pool.subnet)
    if (
        fast
        and injection in (coinbase_summer.inject_summer, coinbase_current.inject_current)
        and isinstance(pool.subnet, Balancer)
        and pool.inject is None
    ):  # summer-2026 / current on the balancer: the fused twin (it declines what it lacks)
        injection_fast = fast_injection
    if fast and after_coinbase is coinbase_summer.update_prices_and_root_prop:
        after_coinbase = fast_update_prices_and_root_prop
    fast_prices = fast_ema.update_fast_prices if params.fast_ema_half_life else None
    if fast:  # the summer-2026 / current bookkeeping twins (dtao.block_fast)
        if epoch_schedule is epoch_summer.due_epochs_stateful:
            epoch_schedule = due_epochs_fast
        if registration_rules.adjust_burns is lifecycle.decay_burns:
            registration_rules = dataclasses.replace(
                registration_rules, adjust_burns=decay_burns_fast
            )
        if fast_prices is not None:
            fast_prices = update_fast_prices_fast
    return Rules(
        params=params,
        pool=pool,
        operations={
            **_OPERATIONS.get(params.pool, {}),
            **root_operations,
            **_EPOCH_CONSENSUS[params.epoch_consensus],
        },
        quotes=_QUOTES[params.pool],
        shares=shares,
        block_shares=_BLOCK_SHARES.get(params.injection_rule),
        injection=injection,
        fast=fast,
        injection_fast=injection_fast,
        epoch_schedule=epoch_schedule,
        epoch=epoch_rule,
        after_coinbase=after_coinbase,
        fast_prices=fast_prices,
        root_claims=_ROOT_CLAIM_RULES[params.root_claim_rule],
        root_dividends=root_dividends,
        registration=registration_rules,
        reads=_READS[params.pool],
        yuma=YumaRules(
            backend="exact" if params.yuma_backend == "exact" else "float",
            # 2ecebb194 brought both: stake below StakeThreshold zeroed, permits need s > 0
            threshold_in_epoch=params.permit_requires_stake,
        ),
        childkey_split=childkey_split,
        root_route=root_route,
        genesis=_GENESIS.get(params.pool),
    )
