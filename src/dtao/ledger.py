"""The only writers of free balances and stake.

Stake is held in a share pool per (hotkey, netuid) (dtao-economics.md §7b), emulating the 2025
chain's ``primitives/share-pool/src/lib.rs`` @ 5073ade in exact integers: the pool value is a u64
amount, shares are U64F64 raw integers (value · 2^64). Value per share and shares per update are
U64F64/I64F64 quotients truncated toward zero; a holder's value is floored. A removal that would
leave less than 0.001 % of a holder's shares removes all of them (the chain's dust rule).
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType

from dtao.errors import InvariantViolation
from dtao.fixed import FRAC32, FRAC64, ONE64, U64F64, U64F64_MAX, trunc_div
from dtao.state import SharePool, State
from dtao.units import U64_MAX

DUST_RATIO_RAW = U64F64.from_f64(0.00001)  # U64F64::from_num(0.00001)
DUST_HEADROOM = 2_628_000_000_000_000  # the chain's overflow-probe constant (rao)


# -- free balances ----------------------------------------------------------------------------


def get_balance(state: State, coldkey: str) -> int:
    """Free TAO of a coldkey (rao)."""
    return state.balances.get(coldkey, 0)


def increase_balance(state: State, coldkey: str, amount: int) -> None:
    """Credit free TAO (rao)."""
    if amount < 0:
        raise InvariantViolation(f"negative credit {amount}")
    state.balances[coldkey] = state.balances.get(coldkey, 0) + amount


def decrease_balance(state: State, coldkey: str, amount: int) -> None:
    """Debit free TAO (rao); the caller has checked it is there."""
    balance = state.balances.get(coldkey, 0)
    if amount < 0 or amount > balance:
        raise InvariantViolation(f"cannot debit {amount} from {coldkey!r} holding {balance}")
    state.balances[coldkey] = balance - amount


def withdrawable(state: State, coldkey: str, amount: int) -> int:
    """What a chain-side debit of ``amount`` takes (``remove_balance_from_coldkey_account``:
    ``withdraw(BestEffort, Preserve)``): as much as the balance allows while keeping the
    existential deposit, up to ``amount`` (rao)."""
    keep = state.params.existential_deposit
    return max(min(amount, state.balances.get(coldkey, 0) - keep), 0)


# -- share-pool arithmetic (pure) -------------------------------------------------------------


def _value_per_share(pool: SharePool) -> int | None:
    """V/D as U64F64 raw (truncated), or None when D = 0 or the quotient overflows."""
    if pool.total_shares == 0:
        return None
    vps = ((pool.value << FRAC64) << FRAC64) // pool.total_shares
    return vps if vps <= U64F64_MAX else None


def value_of_shares(pool: SharePool, shares: int) -> int:
    """Value (floored) of a number of U64F64 shares in this pool."""
    vps = _value_per_share(pool)
    if vps is not None:
        raw = min(vps * shares >> FRAC64, U64F64_MAX)
    elif pool.total_shares:
        raw = (
            min((pool.value << FRAC64) * shares >> FRAC64, U64F64_MAX) * ONE64 // pool.total_shares
        )
    else:
        raw = 0
    return min(raw >> FRAC64, U64_MAX)


def _shares_per_update(pool: SharePool, update: int) -> int:
    """I64F64 raw shares that an update of ``update`` rao buys (truncated toward zero)."""
    vps = _value_per_share(pool)
    if vps is not None:
        return trunc_div((update << FRAC64) << FRAC64, vps) if vps else 0
    if pool.value == 0:
        return 0
    per_value = trunc_div((update << FRAC64) << FRAC64, pool.value << FRAC64)
    return per_value * pool.total_shares >> FRAC64


def can_add_for_one(pool: SharePool, amount: int) -> bool:
    """Whether the pool can represent ``amount`` as a non-zero number of shares."""
    return pool.total_shares == 0 or _shares_per_update(pool, amount) != 0


def add_for_one(pool: SharePool, coldkey: str, amount: int) -> int:
    """Add ``amount`` to one holder; returns the amount actually added (all of it)."""
    total = pool.total_shares
    if total == 0:
        pool.total_shares = amount << FRAC64
        pool.shares = {coldkey: amount << FRAC64}
    else:
        if total == pool.value << FRAC64 and amount >= 0:  # V/D is exactly 1: no division
            delta = amount << FRAC64
        else:
            vps = (pool.value << (2 * FRAC64)) // total  # hot path of _shares_per_update
            if 0 < vps <= U64F64_MAX and amount >= 0:
                delta = (amount << (2 * FRAC64)) // vps
            else:
                delta = _shares_per_update(pool, amount)
        total += delta  # both saturate at U64F64::MAX (as min(·, MAX), without the call)
        pool.total_shares = total if total < U64F64_MAX else U64F64_MAX
        shares = pool.shares
        held = shares.get(coldkey, 0) + delta
        shares[coldkey] = held if held < U64F64_MAX else U64F64_MAX
    pool.value += amount
    return amount


def remove_for_one(pool: SharePool, coldkey: str, amount: int) -> int:
    """Remove ``amount`` (≤ the holder's value) from one holder; returns what was removed.

    If fewer than 0.001 % of the holder's shares would remain, all of them go and the whole
    value is removed instead (so the result may exceed ``amount`` slightly).
    """
    current = pool.shares.get(coldkey, 0)
    initial_value = value_of_shares(pool, current)
    if amount > initial_value:
        raise InvariantViolation(f"remove {amount} > value {initial_value}")
    delta = -_shares_per_update(pool, -amount)
    new_share = max(current - delta, 0)
    new_total = max(pool.total_shares - delta, 0)
    ratio = (new_share << FRAC64) // current if current else 0
    probe_overflows = new_total == 0 or (
        ((pool.value + DUST_HEADROOM) << FRAC64 << FRAC64) // new_total > U64F64_MAX
    )
    removed = amount
    if ratio < DUST_RATIO_RAW or probe_overflows:
        new_share = 0
        new_total = max(pool.total_shares - current, 0)
        removed = initial_value
    if new_share:
        pool.shares[coldkey] = new_share
    else:
        pool.shares.pop(coldkey, None)
    pool.total_shares = new_total
    pool.value -= removed
    return removed


def stake_weight_bits(alpha: int, root: int, tao_weight_u64: int) -> int:
    """S = α + τ·tw as the chain's raw I64F64 (``get_stake_weights_for_hotkey_on_subnet`` @
    5073ade): tw is the I96F32 quotient TaoWeight / u64::MAX (floored to 2^-32), widened
    exactly to I64F64; τ·tw is exact in I64F64 (τ an integer), so
    S·2^64 = α·2^64 + τ·tw32·2^32."""
    tw32 = (tao_weight_u64 << FRAC32) // U64_MAX
    return (alpha << FRAC64) + ((root * tw32) << (FRAC64 - FRAC32))


# -- stake positions ----------------------------------------------------------------------------


def get_pool(state: State, hotkey: str, netuid: int) -> SharePool:
    """The share pool of a hotkey on a subnet (an empty one if none)."""
    return state.stakes.get((hotkey, netuid)) or SharePool()


def get_stake(state: State, coldkey: str, hotkey: str, netuid: int) -> int:
    """Stake of (coldkey, hotkey) on a subnet: alpha-rao (TAO rao on root), floored."""
    pool = state.stakes.get((hotkey, netuid))
    if pool is None:
        return 0
    return value_of_shares(pool, pool.shares.get(coldkey, 0))


def get_hotkey_stake(state: State, hotkey: str, netuid: int) -> int:
    """Total stake held through a hotkey on a subnet (``TotalHotkeyAlpha``)."""
    pool = state.stakes.get((hotkey, netuid))
    return pool.value if pool else 0


def _pool_for_write(state: State, hotkey: str, netuid: int) -> SharePool:
    pool = state.stakes.get((hotkey, netuid))
    if pool is None:
        pool = state.stakes[(hotkey, netuid)] = SharePool()
    return pool


def _drop_if_empty(state: State, hotkey: str, netuid: int) -> None:
    pool = state.stakes.get((hotkey, netuid))
    if pool is not None and pool.value == 0 and not pool.shares:
        del state.stakes[(hotkey, netuid)]


def increase_stake(state: State, coldkey: str, hotkey: str, netuid: int, amount: int) -> None:
    """Credit ``amount`` to one position (share-pool add-for-one)."""
    if amount <= 0:
        if amount < 0:
            raise InvariantViolation(f"negative stake credit {amount}")
        return
    pool = state.stakes.get((hotkey, netuid))
    if pool is None:
        pool = state.stakes[(hotkey, netuid)] = SharePool()
    add_for_one(pool, coldkey, amount)


def credit_stakes(state: State, credits: Iterable[tuple[str, str, int, int, int]]) -> None:
    """Apply stake credits in order; each is ``(coldkey, hotkey, netuid, own, shared)``.

    ``own`` rao (alpha-rao; TAO rao on root) goes to the coldkey's position (share-pool
    add-for-one, as :func:`increase_stake`) and then ``shared`` rao to the hotkey's pool for all
    holders (add-for-all: the pool value grows, the shares do not, so every holder gains pro
    rata), for the epoch's hundreds of credits in one call. A credit of zero touches nothing.
    """
    _credit_indexed(state, credits, None, {}, {})  # no kept references: every pool looked up


def credit_stakes_indexed(
    state: State,
    credits: list[tuple[str, str, int, int, int]],
    netuid: int,
    pools: dict[str, SharePool],
    root_pools: dict[str, SharePool],
    kernel: ModuleType | None = None,
) -> None:
    """:func:`credit_stakes` (the same credits in the same order, the same arithmetic) with the
    pools of ``netuid`` and of root found first in ``pools`` / ``root_pools`` (hotkey -> the
    pool ``state.stakes`` holds for it: the epoch's kept references, :mod:`dtao.stake_index`);
    a hotkey in neither is looked up (and its pool made) as :func:`credit_stakes` does.

    With ``kernel`` (:func:`dtao.exact_compiled.kernels`), its ``credit_pools`` applies the
    credits it decides (found pools, amounts within u64, add-for-one's two usual branches, in
    exact 128-bit integers) and hands each other one, in turn, to the loop here."""
    if kernel is None:
        _credit_indexed(state, credits, netuid, pools, root_pools)
        return
    done, count = 0, len(credits)
    while done < count:
        done = kernel.credit_pools(credits, done, netuid, pools, root_pools)
        if done < count:
            _credit_indexed(state, credits[done : done + 1], netuid, pools, root_pools)
            done += 1


def _credit_indexed(
    state: State,
    credits: Iterable[tuple[str, str, int, int, int]],
    netuid: int | None,
    pools: dict[str, SharePool],
    root_pools: dict[str, SharePool],
) -> None:
    """The credit loop of :func:`credit_stakes` and :func:`credit_stakes_indexed`."""
    stakes = state.stakes
    for coldkey, hotkey, credit_netuid, own, shared in credits:
        if own < 0 or shared < 0:
            raise InvariantViolation(f"negative stake credit {own}, {shared}")
        if not (own or shared):
            continue
        found = pools if credit_netuid == netuid else root_pools if credit_netuid == 0 else {}
        pool = found.get(hotkey)
        if pool is None:
            pool = stakes.get((hotkey, credit_netuid))
            if pool is None:
                pool = stakes[(hotkey, credit_netuid)] = SharePool()
        if own:
            add_for_one(pool, coldkey, own)
        pool.value += shared


def decrease_stake(state: State, coldkey: str, hotkey: str, netuid: int, amount: int) -> int:
    """Debit up to the position's value; returns the amount actually removed (dust rule)."""
    pool = _pool_for_write(state, hotkey, netuid)
    removed = remove_for_one(pool, coldkey, amount)
    _drop_if_empty(state, hotkey, netuid)
    return removed


def stake_positions(state: State, coldkey: str | None = None) -> list[tuple[str, str, int, int]]:
    """Every position as (coldkey, hotkey, netuid, stake), sorted; with ``coldkey`` only that
    coldkey's, in the same order (one share lookup per pool: only its positions are valued)."""
    rows = []
    if coldkey is None:
        for (hotkey, netuid), pool in state.stakes.items():
            for holder, shares in pool.shares.items():
                rows.append((holder, hotkey, netuid, value_of_shares(pool, shares)))
    else:
        for (hotkey, netuid), pool in state.stakes.items():
            held = pool.shares.get(coldkey)
            if held is not None:
                rows.append((coldkey, hotkey, netuid, value_of_shares(pool, held)))
    return sorted(rows)
