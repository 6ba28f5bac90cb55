"""Mechanisms ("sub-subnets"): emission split, storage index and aggregation of epoch outputs.

Source: opentensor/subtensor ``pallets/subtensor/src/subnets/mechanism.rs`` @ 14bc6f9
(``split_emissions``, ``get_mechanism_storage_index``, ``get_netuid_and_subid``,
``epoch_with_mechanisms``); spec ``yuma.md`` §7.
All amounts are integer alpha rao; every division floors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dtao.fixed import FRAC64, U64F64
from dtao.units import U16_MAX, U64_MAX
from dtao.yuma import YumaResult

#: ``GLOBAL_MAX_SUBNET_COUNT``: storage index = mecid * 4096 + netuid.
GLOBAL_MAX_SUBNET_COUNT = 4096


def get_mechanism_storage_index(netuid: int, mecid: int) -> int:
    """Storage index of mechanism ``mecid`` of subnet ``netuid`` (mechanism 0 = ``netuid``).

    u16 arithmetic as on the chain: ``mecid * 4096`` and the addition of ``netuid`` both
    saturate at 65535 (only reached for ``mecid >= 16``, above the hard cap of mechanisms).
    ``netuid`` must be a u16 and ``mecid`` a u8.
    """
    net, mec = int(netuid), int(mecid)
    if not 0 <= net <= U16_MAX:
        raise ValueError(f"netuid {net} is not a u16")
    if not 0 <= mec <= 0xFF:
        raise ValueError(f"mechanism id {mec} is not a u8")
    return min(mec * GLOBAL_MAX_SUBNET_COUNT + net, U16_MAX)  # both steps saturate: same


def get_netuid_and_subid(storage_index: int) -> tuple[int, int]:
    """``(netuid, mecid)`` of a storage index (pure arithmetic; no existence check)."""
    index = int(storage_index)
    if not 0 <= index <= U16_MAX:
        raise ValueError(f"storage index {index} is not a u16")
    return index % GLOBAL_MAX_SUBNET_COUNT, index // GLOBAL_MAX_SUBNET_COUNT


def split_emissions(
    alpha: int, mechanism_count: int, split: Sequence[int] | None = None
) -> list[int]:
    """Split ``alpha`` rao between ``mechanism_count`` mechanisms.

    Without a split each gets ``floor(alpha / count)``; with a u16 split (summing to 65535)
    mechanism ``m`` gets ``floor(alpha * split[m] / 65535)`` (missing entries 0, extra entries
    dropped). The rounding remainder goes to mechanism 0 (saturating: never negative).
    """
    count = int(mechanism_count)
    if count <= 0:
        return []
    alpha = int(alpha)
    if split is None:
        result = [alpha // count] * count
    else:
        result = [alpha * int(s) // U16_MAX for s in split]
    result = (result + [0] * count)[:count]
    result[0] += max(alpha - sum(result), 0)
    return result


@dataclass
class MechanismAggregate:
    """Per-UID aggregate of the mechanisms' epochs (what ``epoch_with_mechanisms`` persists).

    Server/validator emission are summed; dividends, consensus, validator trust, stake weight,
    incentive and combined emission are weighted sums with weight ``share_m / total`` (U64F64,
    floored to u16/u64 after each accumulation); ``active`` and ``new_validator_permit`` are
    OR-ed. (The chain stores ``Incentive`` per mechanism; the weighted ``incentive`` here is
    only the aggregate map's value.)
    """

    server_emission: npt.NDArray[np.int64]
    validator_emission: npt.NDArray[np.int64]
    emission: npt.NDArray[np.int64]
    dividends: npt.NDArray[np.uint16]
    incentive: npt.NDArray[np.uint16]
    consensus: npt.NDArray[np.uint16]
    validator_trust: npt.NDArray[np.uint16]
    stake_weight: npt.NDArray[np.uint16]
    active: npt.NDArray[np.bool_]
    new_validator_permit: npt.NDArray[np.bool_]


def _weight_u64f64(share: int, total: int, first: bool) -> int:
    """``U64F64(share).safe_div_or(U64F64(total), first ? 1 : 0)`` as raw U64F64 bits: the
    quotient floored; the default when ``total`` is 0 (the quotient of two u64 always fits)."""
    if total == 0:
        return U64F64.one if first else 0
    return (int(share) << FRAC64) // int(total)


def _weighted_acc(existing: int, added: int, weight_raw: int, cap: int) -> int:
    """``existing + added * weight`` in U64F64 (product floored), floored to an integer and
    capped at ``cap`` (``saturating_to_num`` of the u16/u64 target)."""
    value = (int(existing) << FRAC64) + ((int(added) << FRAC64) * weight_raw >> FRAC64)
    return min(value >> FRAC64, cap)


def aggregate_epochs(
    results: Sequence[YumaResult], shares: Sequence[int], total: int
) -> MechanismAggregate:
    """Aggregate per-mechanism epoch results like ``epoch_with_mechanisms`` (mechanism order)."""
    if not results:
        raise ValueError("no mechanism results to aggregate")
    n = results[0].incentive.shape[0]
    acc: dict[str, list[int]] = {
        key: [0] * n
        for key in (
            "emission",
            "dividends",
            "incentive",
            "consensus",
            "validator_trust",
            "stake_weight",
        )
    }
    server = np.zeros(n, dtype=np.int64)
    validator = np.zeros(n, dtype=np.int64)
    active = np.zeros(n, dtype=bool)
    permit = np.zeros(n, dtype=bool)
    for m, (res, share) in enumerate(zip(results, shares, strict=True)):
        weight = _weight_u64f64(share, total, m == 0)
        server += res.server_emission
        validator += res.validator_emission
        active |= res.active
        permit |= res.new_validator_permit
        for key in acc:
            cap = U64_MAX if key == "emission" else U16_MAX
            values = getattr(res, key).tolist()
            acc[key] = [
                _weighted_acc(e, a, weight, cap) for e, a in zip(acc[key], values, strict=True)
            ]
    return MechanismAggregate(
        server_emission=server,
        validator_emission=validator,
        emission=np.array(acc["emission"], dtype=np.int64),
        dividends=np.array(acc["dividends"], dtype=np.uint16),
        incentive=np.array(acc["incentive"], dtype=np.uint16),
        consensus=np.array(acc["consensus"], dtype=np.uint16),
        validator_trust=np.array(acc["validator_trust"], dtype=np.uint16),
        stake_weight=np.array(acc["stake_weight"], dtype=np.uint16),
        active=active,
        new_validator_permit=permit,
    )
