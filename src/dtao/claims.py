"""Root claims: the ``claim_root`` / ``set_root_claim_type`` extrinsics, their governance, and
the automatic claims of the block step (dtao-economics.md §5c, §14a step 10).

Mirrors ``root_claim_on_subnet``, ``root_claim_all``, ``do_root_claim``,
``run_auto_claim_root_divs`` and ``block_hash_to_indices`` in
``pallets/subtensor/src/staking/claim_root.rs`` and the calls 121–124 in ``macros/dispatches.rs``
@ ``14bc6f9``. The storage and its arithmetic are in :mod:`dtao.root_claim`.

A claim pays each (hotkey, subnet) of the coldkey its owed alpha (floored) unless it is below
the subnet's threshold: *Keep* credits it as alpha stake on the subnet; *Swap* sells it into the
subnet's pool through the era's pool (fee-free, no price limit) and stakes the TAO on root
through the same hotkey. One coldkey's claim is all-or-nothing: it is planned first (every sale
simulated in order on the pools as the earlier sales leave them) and refused before any write
if a sale would be, as the chain rolls its transaction back.

Automatic claims: each block, ``NumRootClaim`` coldkeys are drawn from the staking-coldkey index
by ``block_hash_to_indices`` on the parent block's hash. dtao has no block hashes; the *parent
hash* of block b is ``blake2b(b"dtao/root-claim" ‖ seed ‖ (b − 1), 32 bytes)`` with the preset's
``root_claim_seed`` and b − 1 as 8-byte big-endian integers — deterministic, reproducible from
the state's JSON, and as uniform as a real hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from dtao import errors as E
from dtao import extrinsics, ledger, staking_head
from dtao import root_claim as rc
from dtao.fixed import FRAC32
from dtao.receipts import Event, RootClaimed
from dtao.rules import Rules
from dtao.state import State
from dtao.units import U64_MAX

ROOT = 0
#: the origin governance calls are signed with (``RawOrigin::Root``)
ROOT_ORIGIN = "root"
HASH_DOMAIN = b"dtao/root-claim"


def block_hash_to_indices(block_hash: bytes, k: int, n: int) -> list[int]:
    """``block_hash_to_indices``: up to ``k`` distinct indices in [0, n) from a 32-byte hash,
    ascending. Start at the hash's first 8 bytes (big-endian u64); step i adds bytes
    8·(i mod 4) … +8 (saturating at u64::MAX) and takes the result mod n (0 when n = 0)."""
    start = int.from_bytes(block_hash[0:8].ljust(8, b"\0"), "big")
    indices: set[int] = set()
    last = start
    for i in range(k):
        at = (i * 8) % 32
        step = int.from_bytes(block_hash[at : at + 8].ljust(8, b"\0"), "big")
        last = min(last + step, U64_MAX) % n if n else 0
        indices.add(last)
    return sorted(indices)


def parent_hash(seed: int, block: int) -> bytes:
    """The pseudo parent hash block ``block`` draws its automatic claims from (module doc)."""
    data = HASH_DOMAIN + seed.to_bytes(8, "big") + (block - 1).to_bytes(8, "big", signed=True)
    return hashlib.blake2b(data, digest_size=32).digest()


# -- the era's sale of claimed alpha ------------------------------------------------------------


def quote_claim_sale(
    state: State, rules: Rules, netuid: int, alpha: int, reserves: tuple[int, int] | None = None
) -> tuple[int, int]:
    """A Swap claim's sale of ``alpha`` on ``netuid`` (``swap_alpha_for_tao`` fee-free at the
    minimum price) through the era's pool (:func:`dtao.staking_head.plan_swap`; 1:1 on stable
    subnets), on the stored pool or on ``reserves`` (y, x) left by earlier sales of the same
    claim: (rao out, alpha into the pool), floored; the swap pallet's error when it refuses."""
    sale = staking_head.plan_swap(
        state, rules, netuid, alpha, buy=False, drop_fees=True, reserves=reserves
    )
    return sale.amount_paid_out, sale.amount_paid_in


def _sell_claimed(state: State, rules: Rules, netuid: int, alpha: int) -> int:
    """Write the sale :func:`quote_claim_sale` quotes on the stored pool; the rao out."""
    sale = staking_head.plan_swap(state, rules, netuid, alpha, buy=False, drop_fees=True)
    staking_head.write_sell(state, netuid, sale)
    return sale.amount_paid_out


# -- one coldkey's claim ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    hotkey: str
    netuid: int
    swap: bool


def _swaps(kind: rc.ClaimType, netuid: int) -> bool:
    """Whether a claim of type ``kind`` sells its alpha on ``netuid``."""
    if kind == rc.SWAP:
        return True
    if kind == rc.KEEP:
        return False
    return netuid not in kind


def _steps(
    state: State, ext: rc.RootClaims, coldkey: str, subnets: frozenset[int] | None
) -> Iterator[_Step]:
    """Every (hotkey, subnet) a claim visits, in order: the coldkey's root hotkeys (sorted),
    then each hotkey's rates by ascending netuid, restricted to ``subnets`` when given."""
    kind = rc.get_claim_type(ext, coldkey)
    for hotkey in rc.root_hotkeys_of(state, coldkey):
        for netuid in sorted(ext.claimable.get(hotkey, {})):
            if subnets is None or netuid in subnets:
                yield _Step(hotkey, netuid, _swaps(kind, netuid))


def _payable(
    state: State, ext: rc.RootClaims, rate: int, stake: int, claimed: int, netuid: int
) -> int:
    """``root_claim_on_subnet``'s gate: the owed alpha-rao (u64), or 0 when it is below the
    subnet's threshold or nothing."""
    owed = rc.owed_bits(rate, stake, claimed)
    if owed < rc.threshold_bits(ext, state.params, netuid):
        return 0
    return rc.owed_to_u64(owed)


def _check_sales(
    state: State, rules: Rules, ext: rc.RootClaims, coldkey: str, steps: list[_Step]
) -> None:
    """Plan the claim without writing: follow the owed amounts, the root stake the earlier
    sales add and the pools they leave; ``InsufficientLiquidity`` if a sale would be refused."""
    stake_added: dict[str, int] = {}
    claimed: dict[tuple[int, str, str], int] = {}
    pools: dict[int, tuple[int, int]] = {}
    for step in steps:
        hotkey, netuid = step.hotkey, step.netuid
        rates = ext.claimable[hotkey]
        key = (netuid, hotkey, coldkey)
        stake = ledger.get_stake(state, coldkey, hotkey, ROOT) + stake_added.get(hotkey, 0)
        owed = _payable(
            state, ext, rates[netuid], stake, claimed.get(key, ext.claimed.get(key, 0)), netuid
        )
        if owed == 0:
            continue
        if step.swap:
            if netuid not in pools:
                dynamic = extrinsics.is_dynamic(state, netuid)
                pools[netuid] = extrinsics.reserves(state, netuid) if dynamic else (0, 0)
            y, x = pools[netuid]
            tao, alpha_in = quote_claim_sale(state, rules, netuid, owed, (y, x))
            pools[netuid] = (y - tao, x + alpha_in)
            stake_added[hotkey] = stake_added.get(hotkey, 0) + tao
            for j, rate in rates.items():
                k = (j, hotkey, coldkey)
                moved = rc.claimed_step(rate, tao)
                claimed[k] = min(claimed.get(k, ext.claimed.get(k, 0)) + moved, rc.U128_MAX)
        claimed[key] = min(claimed.get(key, ext.claimed.get(key, 0)) + owed, rc.U128_MAX)


def _claim_on_subnet(
    state: State, rules: Rules, ext: rc.RootClaims, coldkey: str, step: _Step
) -> Event | None:
    """``root_claim_on_subnet`` for one (hotkey, subnet); its event, or None when skipped."""
    hotkey, netuid = step.hotkey, step.netuid
    key = (netuid, hotkey, coldkey)
    stake = ledger.get_stake(state, coldkey, hotkey, ROOT)
    owed = _payable(
        state, ext, ext.claimable[hotkey][netuid], stake, ext.claimed.get(key, 0), netuid
    )
    if owed == 0:
        return None
    tao = 0
    if step.swap:
        tao = _sell_claimed(state, rules, netuid, owed)
        ext.root_sell_tao[netuid] = ext.root_sell_tao.get(netuid, 0) + tao
        ledger.increase_stake(state, coldkey, hotkey, ROOT, tao)
        state.root_tao += tao
        extrinsics.add_total_stake(state, tao)
        rc.adjust_after_claim_swap(ext, hotkey, coldkey, tao)
    else:
        ledger.increase_stake(state, coldkey, hotkey, netuid, owed)
    ext.claimed[key] = min(ext.claimed.get(key, 0) + owed, rc.U128_MAX)
    rc.add_claimable_alpha(state, netuid, -owed)
    return RootClaimed(netuid, coldkey, hotkey, owed, tao, step.swap)


def do_root_claim(
    state: State,
    rules: Rules,
    events: list[Event],
    coldkey: str,
    subnets: frozenset[int] | None,
    index: bool = False,
) -> None:
    """``do_root_claim``: claim every (hotkey, subnet) of ``coldkey`` (only ``subnets`` when
    given), all or nothing; ``index`` also adds the coldkey to the staking-coldkey index (the
    extrinsic's ``maybe_add_coldkey_index``) once the claim is known to go through."""
    ext = rc.peek(state)
    if ext is None:  # nothing was ever made claimable
        if index:
            rc.add_coldkey_index(rc.root_claims(state), coldkey)
        return
    steps = list(_steps(state, ext, coldkey, subnets))
    _check_sales(state, rules, ext, coldkey, steps)
    if index:
        rc.add_coldkey_index(ext, coldkey)
    for step in steps:
        event = _claim_on_subnet(state, rules, ext, coldkey, step)
        if event is not None:
            events.append(event)


# -- extrinsics and governance ------------------------------------------------------------------


def claim_root(
    state: State, rules: Rules, events: list[Event], coldkey: str, subnets: tuple[int, ...]
) -> None:
    """``claim_root(subnets)``: 1 … MAX_SUBNET_CLAIMS distinct subnets, else
    ``InvalidSubnetNumber``; then :func:`do_root_claim` on them (refused as a whole with the
    pool's error if one of its sales would be)."""
    chosen = frozenset(subnets)
    if not chosen or len(chosen) > state.params.root_claim_subnets_max:
        raise E.InvalidSubnetNumber(
            f"claim 1 to {state.params.root_claim_subnets_max} subnets, got {len(chosen)}"
        )
    do_root_claim(state, rules, events, coldkey, chosen, index=True)


def set_root_claim_type(state: State, coldkey: str, kind: rc.ClaimType) -> None:
    """``set_root_claim_type``: store the coldkey's type (an empty ``KeepSubnets`` is
    ``InvalidSubnetNumber``) and add it to the staking-coldkey index."""
    if kind == ():
        raise E.InvalidSubnetNumber("KeepSubnets needs at least one subnet")
    ext = rc.root_claims(state)
    rc.add_coldkey_index(ext, coldkey)
    if kind == rc.SWAP:
        ext.claim_type.pop(coldkey, None)  # the default: stored as absent
    else:
        ext.claim_type[coldkey] = kind


def sudo_set_num_root_claims(state: State, origin: str, value: int) -> None:
    """``sudo_set_num_root_claims``: root only (``BadOrigin``), at most
    ``num_root_claim_max`` (``InvalidNumRootClaim``); 0 turns automatic claims off."""
    if origin != ROOT_ORIGIN:
        raise E.BadOrigin(f"{origin!r} is not the root origin")
    if value > state.params.num_root_claim_max:
        raise E.InvalidNumRootClaim(f"{value} > {state.params.num_root_claim_max}")
    rc.root_claims(state).num_root_claim = value


def sudo_set_root_claim_threshold(state: State, origin: str, netuid: int, value: int) -> None:
    """``sudo_set_root_claim_threshold``: root or the subnet's owner (``BadOrigin``), at most
    ``root_claim_threshold_max`` alpha-rao (``InvalidRootClaimThreshold``); stored as I96F32."""
    subnet = state.subnets.get(netuid)
    owner = subnet.owner_coldkey if subnet is not None else rc.DEFAULT_ACCOUNT
    if origin != ROOT_ORIGIN and origin != owner:
        raise E.BadOrigin(f"{origin!r} is neither root nor the owner of subnet {netuid}")
    if value > state.params.root_claim_threshold_max:
        raise E.InvalidRootClaimThreshold(f"{value} > {state.params.root_claim_threshold_max}")
    rc.root_claims(state).threshold[netuid] = value << FRAC32


# -- the block step ---------------------------------------------------------------------------


def run_root_claims(state: State, rules: Rules, events: list[Event]) -> None:
    """§14a step 10 and ``block_step`` steps 8–9 @ 14bc6f9: the automatic claims of this block
    (``run_auto_claim_root_divs``; a refused claim is skipped, as the chain logs it), then the
    staking-coldkey index catches up with every root staker
    (``populate_root_coldkey_staking_maps``)."""
    ext = rc.peek(state)
    if ext is not None:
        k = rc.get_num_root_claim(ext, state.params)
        drawn = block_hash_to_indices(
            parent_hash(state.params.root_claim_seed, state.block), k, len(ext.coldkeys)
        )
        for i in drawn:
            if i < len(ext.coldkeys):
                try:
                    do_root_claim(state, rules, events, ext.coldkeys[i], None)
                except E.ProtocolError:
                    continue
    rc.index_root_stakers(state)
