"""The rule lab: a user's share rule in place of a preset's per-block share step
(``docs/compare.md``, "Rule lab").

A share rule is a plain Python function ``rule(subnets) -> weights``: ``subnets`` is a tuple of
read-only :class:`SubnetInfo` (the emitting subnets, ascending netuid), ``weights`` a mapping
netuid -> weight (or a sequence in the order of ``subnets``), each a float, int or
``Fraction``. Every block the weights are checked — every emitting subnet present, each finite
and ≥ 0, the sum within :data:`SUM_TOLERANCE` of 1 — and converted to the chain's U64F64 shares
deterministically: ⌊w · 2⁶⁴⌋ of the exact value (a float is exact as a ``Fraction``), no
renormalisation. The era's own emission-enabled renormalisation and injection follow unchanged.
A failure raises :class:`ShareRuleError` naming the rule, the block and the bad value.

:func:`plug` returns a copy of a preset's :class:`~dtao.rules.Rules` with the rule in
``block_shares`` and the fused fast injection off (it computes the era's own shares). Eras
without a replaceable share step (``block_shares`` None: launch, root-vote) refuse a rule.
"""

from __future__ import annotations

import dataclasses
import importlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from dtao import coinbase_summer as S
from dtao import extrinsics as X
from dtao.errors import ConfigError
from dtao.fixed import I96F32
from dtao.rules import BlockShares, Rules
from dtao.staking_head import summer_value
from dtao.state import State

#: |Σ weights − 1| allowed (the weights are then used as given, not renormalised)
SUM_TOLERANCE = 1e-9
ONE64 = 1 << 64


class ShareRuleError(ConfigError):
    """A user share rule that cannot be loaded or returned bad weights (a usage error)."""


@dataclass(frozen=True)
class SubnetInfo:
    """What a share rule sees of one emitting subnet (read-only; prices TAO per alpha)."""

    netuid: int
    ema_price: float  # the moving (EMA) price the era's shares start from
    spot_price: float  # the pool's current price
    tao_flow: int  # SubnetTaoFlow, rao (0 where the era does not record it)
    miner_burned: float  # MinerBurned, the share of the last epoch's incentive withheld
    age: int  # blocks since the subnet's registration
    emission_enabled: bool  # the TAO-side emission switch
    preset_share: Fraction  # the share the preset's own step gives it this block (exact)


def load(spec: str) -> Callable[..., Any]:
    """The function named ``"module:func"`` (``ShareRuleError`` if it cannot be imported)."""
    module, sep, name = spec.partition(":")
    if not sep or not module or not name:
        raise ShareRuleError(f"share rule {spec!r}: expected 'module:function'")
    try:
        func = getattr(importlib.import_module(module), name)
    except ImportError as exc:
        raise ShareRuleError(f"share rule {spec!r}: cannot import {module!r} ({exc})") from None
    except AttributeError:
        raise ShareRuleError(f"share rule {spec!r}: {module!r} has no {name!r}") from None
    if not callable(func):
        raise ShareRuleError(f"share rule {spec!r}: {name!r} is not a function")
    return func


def plug(rules: Rules, rule: Callable[..., Any], name: str) -> Rules:
    """A copy of ``rules`` whose share step is ``rule`` (module docstring)."""
    own = rules.block_shares
    if own is None:
        raise ShareRuleError(
            f"share rule {name}: preset {rules.params.preset_name!r} has no per-block share "
            "step a rule can replace"
        )
    return dataclasses.replace(
        rules, block_shares=_step(own, rule, name), injection_fast=None, fast=False
    )


def _step(own: BlockShares, rule: Callable[..., Any], name: str) -> BlockShares:
    def step(state: State, emitting: list[int]) -> dict[int, int]:
        preset = own(state, emitting)  # the era's step runs too (its state updates: θ, EMAs)
        subnets = tuple(_info(state, n, preset.get(n, 0)) for n in emitting)
        where = f"share rule {name} at block {state.block}"
        try:
            weights = rule(subnets)
        except Exception as exc:  # a user function: any failure is the rule's
            raise ShareRuleError(f"{where}: raised {type(exc).__name__}: {exc}") from None
        return to_shares(weights, emitting, where)

    return step


def _info(state: State, netuid: int, preset_bits: int) -> SubnetInfo:
    subnet = X.get_subnet(state, netuid)
    return SubnetInfo(
        netuid=netuid,
        ema_price=S.moving_price_bits(state, netuid) / ONE64,
        spot_price=S.alpha_price_bits(state, netuid) / ONE64,
        tao_flow=summer_value(state, "tao_flow", netuid),
        miner_burned=summer_value(state, "miner_burned_bits", netuid) / I96F32.one,
        age=state.block - subnet.registered_at,
        emission_enabled=bool(summer_value(state, "emission_enabled", netuid)),
        preset_share=Fraction(preset_bits, ONE64),
    )


def to_shares(weights: Any, emitting: list[int], where: str) -> dict[int, int]:
    """Checked weights -> U64F64 shares ⌊w · 2⁶⁴⌋ (module docstring)."""
    if isinstance(weights, Mapping):
        extra = sorted(set(weights) - set(emitting), key=str)
        if extra:
            raise ShareRuleError(f"{where}: weight for {extra[0]!r}, not an emitting subnet")
        missing = [n for n in emitting if n not in weights]
        if missing:
            raise ShareRuleError(f"{where}: no weight for subnet {missing[0]}")
        values = [weights[n] for n in emitting]
    else:
        try:
            values = list(weights)
        except TypeError:
            raise ShareRuleError(f"{where}: returned {weights!r}, not weights") from None
        if len(values) != len(emitting):
            raise ShareRuleError(
                f"{where}: {len(values)} weights for {len(emitting)} emitting subnets"
            )
    exact = []
    for netuid, value in zip(emitting, values, strict=True):
        if isinstance(value, bool) or not isinstance(value, int | float | Fraction):
            raise ShareRuleError(f"{where}: subnet {netuid}: weight {value!r} is not a number")
        if isinstance(value, float) and not math.isfinite(value):
            raise ShareRuleError(f"{where}: subnet {netuid}: weight {value} is not finite")
        if value < 0:
            raise ShareRuleError(f"{where}: subnet {netuid}: weight {value} is negative")
        exact.append(Fraction(value))
    total = sum(exact, Fraction(0))
    if emitting and abs(total - 1) > SUM_TOLERANCE:
        raise ShareRuleError(f"{where}: weights sum to {float(total)!r}, not 1")
    return {n: math.floor(w * ONE64) for n, w in zip(emitting, exact, strict=True)}
