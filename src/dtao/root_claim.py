"""Root claims' storage and accounting (dtao-economics.md §5c): the summer-2026 extension.

Since 2025-11-04 root stakers are paid by *claiming*: the epoch payout turns each validator's
root alpha (after its take) into a per-unit-of-root-stake rate, and each coldkey staked on the
hotkey claims rate × its root stake minus what it already claimed. Mirrors opentensor/subtensor
``pallets/subtensor/src/staking/claim_root.rs`` and the callers in ``staking/stake_utils.rs`` @
``14bc6f9``; storage names from ``lib.rs`` @ ``14bc6f9``.

Units: rates and thresholds are raw I96F32 bits (value · 2^32, alpha-rao per rao of root stake
for a rate, alpha-rao for a threshold); ``RootClaimed`` is an integer (u128) of alpha-rao. Every
product floors and every quotient truncates, as ``substrate-fixed`` does; sums saturate.

This module holds the state and the arithmetic only; the claims themselves (which sell alpha
through the era's pool) are in :mod:`dtao.claims`. The extension is created on first use, so a
launch state never has it; the alpha still claimable per subnet is the summer column
``root_claimable_alpha`` (:mod:`dtao.summer`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from dtao import ledger
from dtao.fixed import FRAC32, I96F32_MAX, I96F32_MIN
from dtao.params import Params
from dtao.state import EXTENSION_DECODERS, State
from dtao.summer import summer_columns
from dtao.units import U64_MAX

ROOT = 0
U128_MAX = 2**128 - 1
#: the chain's ``AccountId::default()`` (U256 zero), owner of a hotkey that has none
DEFAULT_ACCOUNT = "0"
SWAP, KEEP = "Swap", "Keep"
#: ``RootClaimTypeEnum``: "Swap" (the default), "Keep", or the netuids of ``KeepSubnets``
ClaimType = str | tuple[int, ...]


def _sat96(raw: int) -> int:
    """Clamp a raw value into I96F32."""
    return I96F32_MIN if raw < I96F32_MIN else I96F32_MAX if raw > I96F32_MAX else raw


@dataclass
class RootClaims:
    """The root-claim storage of one network (``name`` = its JSON section)."""

    name: ClassVar[str] = "root-claims"

    #: RootClaimable: hotkey -> netuid -> rate (raw I96F32, alpha-rao per rao of root stake)
    claimable: dict[str, dict[int, int]] = field(default_factory=dict)
    #: RootClaimed: (netuid, hotkey, coldkey) -> alpha-rao already claimed (u128)
    claimed: dict[tuple[int, str, str], int] = field(default_factory=dict)
    #: RootClaimType: coldkey -> its type (absent = "Swap")
    claim_type: dict[str, ClaimType] = field(default_factory=dict)
    #: RootClaimableThreshold: netuid -> raw I96F32 alpha-rao (absent = the preset's default)
    threshold: dict[int, int] = field(default_factory=dict)
    #: NumRootClaim once governance set it (None = the preset's ``num_root_claim``)
    num_root_claim: int | None = None
    #: StakingColdkeysByIndex, dense in [0, NumStakingColdkeys)
    coldkeys: list[str] = field(default_factory=list)
    #: StakingColdkeys: coldkey -> its index in ``coldkeys``
    coldkey_index: dict[str, int] = field(default_factory=dict)
    #: SubnetRootSellTao: rao the Swap claims took out of each subnet's pool
    root_sell_tao: dict[int, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Canonical plain data (amounts and raw fixed-point values as decimal strings)."""
        return {
            "claimable": {
                h: {str(n): str(r) for n, r in sorted(rates.items())}
                for h, rates in sorted(self.claimable.items())
            },
            "claimed": [[str(n), h, c, str(v)] for (n, h, c), v in sorted(self.claimed.items())],
            "claim_type": {
                c: (t if isinstance(t, str) else {"KeepSubnets": list(t)})
                for c, t in sorted(self.claim_type.items())
            },
            "threshold": {str(n): str(v) for n, v in sorted(self.threshold.items())},
            "num_root_claim": self.num_root_claim,
            "coldkeys": list(self.coldkeys),
            "root_sell_tao": {str(n): str(v) for n, v in sorted(self.root_sell_tao.items())},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RootClaims:
        """The inverse of :meth:`to_dict`; ``KeyError`` / ``ValueError`` / ``TypeError`` on a
        bad section."""
        known = {
            "claimable",
            "claimed",
            "claim_type",
            "threshold",
            "num_root_claim",
            "coldkeys",
            "root_sell_tao",
        }
        if set(data) != known:
            raise KeyError(f"root-claim section keys {sorted(data)}, expected {sorted(known)}")
        ext = cls()
        for hotkey, rates in data["claimable"].items():
            ext.claimable[str(hotkey)] = {int(n): int(r) for n, r in rates.items()}
        for netuid, hotkey, coldkey, value in data["claimed"]:
            ext.claimed[(int(netuid), str(hotkey), str(coldkey))] = int(value)
        for coldkey, kind in data["claim_type"].items():
            ext.claim_type[str(coldkey)] = check_claim_type(
                tuple(kind["KeepSubnets"]) if isinstance(kind, dict) else kind
            )
        ext.threshold = {int(n): int(v) for n, v in data["threshold"].items()}
        num = data["num_root_claim"]
        ext.num_root_claim = None if num is None else int(num)
        for coldkey in data["coldkeys"]:
            ext.coldkey_index[str(coldkey)] = len(ext.coldkeys)
            ext.coldkeys.append(str(coldkey))
        if len(ext.coldkey_index) != len(ext.coldkeys):
            raise ValueError("a coldkey appears twice in the staking-coldkey index")
        ext.root_sell_tao = {int(n): int(v) for n, v in data["root_sell_tao"].items()}
        return ext


EXTENSION_DECODERS[RootClaims.name] = RootClaims.from_dict


def check_claim_type(kind: object) -> ClaimType:
    """``kind`` as a stored claim type ("Swap", "Keep" or a sorted tuple of distinct netuids);
    ``ValueError`` otherwise (the empty ``KeepSubnets`` is the extrinsic's to refuse)."""
    if kind in (SWAP, KEEP):
        return kind
    if isinstance(kind, tuple) and all(
        isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 65_535 for n in kind
    ):
        return tuple(sorted(set(kind)))
    raise ValueError(f"not a root claim type: {kind!r}")


def peek(state: State) -> RootClaims | None:
    """The state's root-claim storage, or None if it was never used."""
    return state.extensions.get(RootClaims.name)  # type: ignore[return-value]


def root_claims(state: State) -> RootClaims:
    """The state's root-claim storage, created (empty) on first use."""
    ext = state.extensions.get(RootClaims.name)
    if ext is None:
        ext = state.extensions[RootClaims.name] = RootClaims()
    return ext  # type: ignore[return-value]


# -- reads ------------------------------------------------------------------------------------


def get_claim_type(ext: RootClaims, coldkey: str) -> ClaimType:
    """``RootClaimType[coldkey]`` ("Swap" unless set)."""
    return ext.claim_type.get(coldkey, SWAP)


def threshold_bits(ext: RootClaims, params: Params, netuid: int) -> int:
    """``RootClaimableThreshold[netuid]`` as raw I96F32 alpha-rao."""
    return ext.threshold.get(netuid, params.root_claim_threshold << FRAC32)


def get_num_root_claim(ext: RootClaims | None, params: Params) -> int:
    """``NumRootClaim``: coldkeys claimed automatically per block."""
    if ext is None or ext.num_root_claim is None:
        return params.num_root_claim
    return ext.num_root_claim


def owed_bits(rate: int, root_stake: int, claimed: int) -> int:
    """``get_root_owed_for_hotkey_coldkey_float``: rate · root stake − claimed as raw I96F32
    (may be negative); the product is exact and saturates, the difference saturates."""
    claimable = _sat96(rate * root_stake)  # I96F32 × I96F32::from(u64): raw·int, exact
    return _sat96(claimable - _sat96(claimed << FRAC32))


def owed_to_u64(raw: int) -> int:
    """Owed alpha-rao as u64: floor, negative → 0, saturating."""
    return 0 if raw < 0 else min(raw >> FRAC32, U64_MAX)


def get_owed(state: State, hotkey: str, coldkey: str, netuid: int) -> int:
    """``get_root_owed_for_hotkey_coldkey``: alpha-rao ``coldkey`` could claim from ``hotkey``
    on ``netuid`` now (floored, ≥ 0)."""
    ext = peek(state)
    if ext is None:
        return 0
    rate = ext.claimable.get(hotkey, {}).get(netuid, 0)
    stake = ledger.get_stake(state, coldkey, hotkey, ROOT)
    return owed_to_u64(owed_bits(rate, stake, ext.claimed.get((netuid, hotkey, coldkey), 0)))


def coldkey_has_root_stake(state: State, coldkey: str) -> bool:
    """``coldkey_has_root_stake``: whether the coldkey holds root stake through any hotkey."""
    return any(
        ledger.value_of_shares(pool, pool.shares[coldkey]) > 0
        for (_, netuid), pool in state.stakes.items()
        if netuid == ROOT and coldkey in pool.shares
    )


def root_hotkeys_of(state: State, coldkey: str) -> list[str]:
    """Hotkeys through which ``coldkey`` holds root shares, sorted (the order claims visit
    them; the chain walks ``StakingHotkeys[coldkey]``, the order of first stake, which dtao
    does not keep — hotkeys without the coldkey's root stake owe it nothing)."""
    return sorted(
        hotkey
        for (hotkey, netuid), pool in state.stakes.items()
        if netuid == ROOT and coldkey in pool.shares
    )


# -- writes -----------------------------------------------------------------------------------


def increase_root_claimable(state: State, hotkey: str, netuid: int, alpha: int) -> None:
    """``increase_root_claimable_for_hotkey_and_subnet``: ``alpha`` alpha-rao of root dividends
    (after the take) become claimable by ``hotkey``'s root stakers on ``netuid``.

    rate += alpha / (hotkey's root stake), an I96F32 quotient (truncated; 0 when the stake is
    0). If ``alpha`` exceeds the root stake (as an integer) the alpha is credited instead as
    stake of (hotkey, its owner) on ``netuid`` — the chain's not-enough-root-stake fallback.
    """
    if alpha < 0:
        raise ValueError(f"negative root dividend {alpha}")
    total = ledger.get_hotkey_stake(state, hotkey, ROOT)
    increment = (alpha << FRAC32) // total if total else 0
    if alpha > total:
        owner = state.hotkey_owner.get(hotkey, DEFAULT_ACCOUNT)
        ledger.increase_stake(state, owner, hotkey, netuid, alpha)
        return
    rates = root_claims(state).claimable.setdefault(hotkey, {})
    rates[netuid] = _sat96(rates.get(netuid, 0) + increment)
    add_claimable_alpha(state, netuid, alpha)


def add_claimable_alpha(state: State, netuid: int, delta: int) -> None:
    """The summer column ``root_claimable_alpha`` (dtao's ledger, from causes: root alpha
    accrued to rates minus alpha claims paid out; counted in the subnet's ``SubnetAlphaOut``)
    += ``delta`` alpha-rao."""
    columns = summer_columns(state)
    columns.set("root_claimable_alpha", netuid, columns.get("root_claimable_alpha", netuid) + delta)


def claimed_step(rate: int, amount: int) -> int:
    """floor(rate · amount) as u128: what ``amount`` rao of root stake moves a watermark by
    (the I96F32 product saturates, the conversion floors)."""
    return max(_sat96(rate * amount) >> FRAC32, 0)


def _adjust_claimed(ext: RootClaims, hotkey: str, coldkey: str, amount: int, sign: int) -> None:
    """RootClaimed(·, hotkey, coldkey) ± floor(rate · amount) for every subnet of the hotkey's
    rates (``add_``/``remove_stake_adjust_root_claimed_for_hotkey_and_coldkey``; the removal
    skips netuid 0 and saturates at 0, the addition at u128::MAX)."""
    for netuid, rate in ext.claimable.get(hotkey, {}).items():
        if sign < 0 and netuid == ROOT:
            continue
        step = claimed_step(rate, amount)
        key = (netuid, hotkey, coldkey)
        ext.claimed[key] = min(max(ext.claimed.get(key, 0) + sign * step, 0), U128_MAX)


def add_coldkey_index(ext: RootClaims, coldkey: str) -> None:
    """``maybe_add_coldkey_index``: append ``coldkey`` to the staking-coldkey index."""
    if coldkey not in ext.coldkey_index:
        ext.coldkey_index[coldkey] = len(ext.coldkeys)
        ext.coldkeys.append(coldkey)


def remove_coldkey_index(ext: RootClaims, coldkey: str) -> None:
    """``maybe_remove_coldkey_index``: drop ``coldkey``, moving the last entry into its slot."""
    index = ext.coldkey_index.pop(coldkey, None)
    if index is None:
        return
    last = ext.coldkeys.pop()
    if last != coldkey:
        ext.coldkeys[index] = last
        ext.coldkey_index[last] = index


def root_stake_added(state: State, coldkey: str, hotkey: str, amount: int) -> None:
    """Root stake bought by an extrinsic (``stake_into_subnet`` on netuid 0): RootClaimed rises
    by rate × ``amount`` (no retroactive earnings) and the coldkey joins the index.

    Like the other hooks it does nothing in a state without root-claim storage (an era without
    root claims never creates it; in one with them the block step's index catch-up creates it
    as soon as anyone holds root stake, before any rate exists)."""
    ext = peek(state)
    if ext is None:
        return
    _adjust_claimed(ext, hotkey, coldkey, amount, +1)
    add_coldkey_index(ext, coldkey)


def root_stake_removed(state: State, coldkey: str, hotkey: str, amount: int) -> None:
    """Root stake sold by an extrinsic (``unstake_from_subnet`` on netuid 0, ``amount`` as
    asked): RootClaimed falls by rate × ``amount``; a coldkey left with no root stake leaves
    the index."""
    ext = peek(state)
    if ext is None:
        return
    _adjust_claimed(ext, hotkey, coldkey, amount, -1)
    if not coldkey_has_root_stake(state, coldkey):
        remove_coldkey_index(ext, coldkey)


def root_stake_moved(
    state: State,
    origin_coldkey: str,
    origin_hotkey: str,
    destination_coldkey: str,
    destination_hotkey: str,
    amount: int,
) -> None:
    """Root stake moved without a swap (``transfer_stake_within_subnet`` on netuid 0): the
    claimed watermark moves with it (origin − rate × amount, destination + rate × amount);
    the index is not touched."""
    ext = peek(state)
    if ext is None:
        return
    _adjust_claimed(ext, origin_hotkey, origin_coldkey, amount, -1)
    _adjust_claimed(ext, destination_hotkey, destination_coldkey, amount, +1)


def adjust_after_claim_swap(ext: RootClaims, hotkey: str, coldkey: str, tao: int) -> None:
    """A Swap claim's TAO became root stake: RootClaimed rises by rate × ``tao``."""
    _adjust_claimed(ext, hotkey, coldkey, tao, +1)


def index_root_stakers(state: State) -> None:
    """``populate_root_coldkey_staking_maps``: every coldkey holding root stake is in the index.

    The chain sweeps 30 stake entries per block in storage-hash order; dtao indexes every root
    holder not yet indexed each block, in (hotkey, coldkey) order — the set the chain's sweep
    reaches after one pass, at once.
    """
    ext = peek(state)
    index = ext.coldkey_index if ext is not None else {}
    missing = sorted(
        (hotkey, coldkey)
        for (hotkey, netuid), pool in state.stakes.items()
        if netuid == ROOT
        for coldkey in pool.shares
        if coldkey not in index
    )
    if missing:  # the storage is created by its first use
        ext = root_claims(state)
        for _, coldkey in missing:
            add_coldkey_index(ext, coldkey)


def finalize_subnet_root_dividends(state: State, netuid: int) -> int:
    """``finalize_all_subnet_root_dividends`` (dissolution, before the subnet's stakes go):
    every hotkey's rate on ``netuid`` and every RootClaimed of ``netuid`` is deleted — nothing
    is paid. Returns the alpha-rao accrued on the subnet and never claimed (counted in its
    ``SubnetAlphaOut``), which leaves dtao's ledger with them."""
    ext = peek(state)
    if ext is None:
        return 0
    for hotkey in list(ext.claimable):
        rates = ext.claimable[hotkey]
        rates.pop(netuid, None)
        if not rates:
            del ext.claimable[hotkey]
    for key in [k for k in ext.claimed if k[0] == netuid]:
        del ext.claimed[key]
    columns = summer_columns(state)
    dropped = columns.get("root_claimable_alpha", netuid)
    columns.set("root_claimable_alpha", netuid, 0)
    return dropped
