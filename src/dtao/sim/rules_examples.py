"""Two example share rules for the rule lab (:mod:`dtao.rule_lab`; ``docs/compare.md``).

Each takes the emitting subnets (``dtao.rule_lab.SubnetInfo``, ascending netuid) and returns
weights summing to one. Demand is the summer/current demand: EMA price × (1 − MinerBurned),
over the subnets whose emission switch is on.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from dtao.rule_lab import SubnetInfo

TOP = 64  # subnets kept by :func:`top64`
FLOOR = Fraction(1, 2)  # the part of emission :func:`flat_floor` splits evenly


def _demand(subnets: Sequence[SubnetInfo]) -> dict[int, Fraction]:
    return {
        s.netuid: Fraction(s.ema_price) * (1 - min(Fraction(s.miner_burned), Fraction(1)))
        if s.emission_enabled
        else Fraction(0)
        for s in subnets
    }


def _normalised(weights: dict[int, Fraction], subnets: Sequence[SubnetInfo]) -> dict[int, Fraction]:
    total = sum(weights.values(), Fraction(0))
    if total > 0:
        return {n: w / total for n, w in weights.items()}
    return {s.netuid: Fraction(1, len(subnets)) for s in subnets}  # nothing to go by: even


def top64(subnets: Sequence[SubnetInfo]) -> dict[int, Fraction]:
    """A top-64 allocation: the :data:`TOP` subnets of largest demand (ties: lower netuid)
    share emission in proportion to their demand; the others get nothing."""
    demand = _demand(subnets)
    kept = sorted(demand, key=lambda n: (-demand[n], n))[:TOP]
    return _normalised({n: demand[n] if n in kept else Fraction(0) for n in demand}, subnets)


def flat_floor(subnets: Sequence[SubnetInfo]) -> dict[int, Fraction]:
    """A flat floor: :data:`FLOOR` of emission split evenly over the enabled subnets, the rest
    in proportion to demand (all of it by demand when none is enabled)."""
    demand = _normalised(_demand(subnets), subnets)
    enabled = [s.netuid for s in subnets if s.emission_enabled]
    if not enabled:
        return demand
    even = FLOOR / len(enabled)
    return {n: (even if n in enabled else 0) + (1 - FLOOR) * w for n, w in demand.items()}
