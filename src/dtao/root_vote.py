"""The Root Network era (``root-vote`` preset, runtime d4d8182 of 2025-01-07; dtao-economics.md
§12): its storage, the TAO stake ledger, the staking extrinsics and the root network.

Before dTAO there are no pools and no alpha: stake is TAO held per (hotkey, coldkey)
(``Stake``), global across subnets, with the running totals ``TotalHotkeyStake``,
``TotalColdkeyStake`` and ``TotalStake``. 64 root seats (``Uids[0]``) are filled and replaced by
total hotkey stake; root validators vote weights over subnets, and :func:`root_epoch` turns the
votes into ``EmissionValues`` (rao per block, fixed point I64F64 as the chain computes it).

Everything lives in the ``root-vote`` state extension (:mod:`dtao.root_vote_state`). The
block's coinbase is in :mod:`dtao.root_vote_coinbase`, the subnet lifecycle in
:mod:`dtao.root_vote_subnets`.
"""

from __future__ import annotations

import hashlib

from dtao import errors as E
from dtao import ledger
from dtao.epoch import blocks_until_next_epoch
from dtao.fixed import (
    FRAC32,
    FRAC64,
    exp_fixed,
    normalize_64,
    safe_div,
    saturating_mul,
    vec_u16_max_upscale_to_u16,
)
from dtao.receipts import Event
from dtao.root_vote_state import peek, root_vote
from dtao.rules import Rules
from dtao.state import State
from dtao.units import U16_MAX, U64_MAX

ROOT = 0
#: the account a ValueQuery ``Owner`` / ``SubnetOwner`` reads when nothing is stored
DEFAULT_ACCOUNT = "0"
#: take a new root hotkey is delegated at (``do_root_register`` @ d4d8182)
ROOT_DELEGATE_TAKE = 11_796
_I128 = 128


# -- the TAO stake ledger ------------------------------------------------------------------------


def get_stake(state: State, hotkey: str, coldkey: str) -> int:
    """``Stake[hotkey][coldkey]`` (rao)."""
    ext = peek(state)
    return ext.stake.get((hotkey, coldkey), 0) if ext else 0


def hotkey_stake(state: State, hotkey: str) -> int:
    """``TotalHotkeyStake[hotkey]`` (rao)."""
    ext = peek(state)
    return ext.hotkey_total.get(hotkey, 0) if ext else 0


def read_stake(state: State, coldkey: str, hotkey: str, netuid: int) -> int:
    """The public read of a position: ``Stake[hotkey][coldkey]`` (rao). Stake is global in
    this era, so ``netuid`` is not read (the same TAO backs the hotkey everywhere)."""
    return get_stake(state, hotkey, coldkey)


def read_hotkey_stake(state: State, hotkey: str, netuid: int) -> int:
    """The public read of a hotkey's stake: ``TotalHotkeyStake`` (rao), any ``netuid``."""
    return hotkey_stake(state, hotkey)


def positions(state: State, coldkey: str | None = None) -> list[tuple[str, str, int, int]]:
    """Every non-empty ``Stake`` entry as (coldkey, hotkey, 0, rao), sorted: netuid 0 stands
    for the era's one global TAO stake (as ``AddStake`` on netuid 0 and ``Genesis.stake``);
    with ``coldkey`` only that coldkey's entries."""
    ext = peek(state)
    if ext is None:
        return []
    rows = ((c, h, ROOT, v) for (h, c), v in ext.stake.items() if v)
    return sorted(rows if coldkey is None else (r for r in rows if r[0] == coldkey))


def emission_control(state: State) -> dict[str, int]:
    """The stake that votes emission (``root_epoch``'s stake vector): each root seat's
    ``TotalHotkeyStake`` (rao), seats without stake left out."""
    ext = peek(state)
    if ext is None:
        return {}
    return {h: ext.hotkey_total.get(h, 0) for h in ext.seats if ext.hotkey_total.get(h, 0)}


def pending_emission(state: State, netuid: int) -> int:
    """``PendingEmission[netuid]``: TAO (rao) accrued for the subnet's next epoch."""
    ext = peek(state)
    return ext.pending_emission.get(netuid, 0) if ext else 0


def emission_share(state: State, netuid: int) -> float:
    """The subnet's ``EmissionValues`` over their sum (root's included): the share of each
    block's TAO the last root epoch voted it; 0.0 before any root epoch."""
    ext = peek(state)
    total = sum(ext.emission_values.values()) if ext else 0
    return ext.emission_values.get(netuid, 0) / total if ext and total else 0.0


def increase_stake(state: State, coldkey: str, hotkey: str, amount: int) -> None:
    """``increase_stake_on_coldkey_hotkey_account``: the entry and the three totals += amount
    (u64, saturating); no balance moves, no stake delta."""
    ext = root_vote(state)
    key = (hotkey, coldkey)
    ext.stake[key] = min(ext.stake.get(key, 0) + amount, U64_MAX)
    ext.hotkey_total[hotkey] = min(ext.hotkey_total.get(hotkey, 0) + amount, U64_MAX)
    ext.coldkey_total[coldkey] = min(ext.coldkey_total.get(coldkey, 0) + amount, U64_MAX)
    state.total_stake = min(state.total_stake + amount, U64_MAX)


def decrease_stake(state: State, coldkey: str, hotkey: str, amount: int) -> None:
    """``decrease_stake_on_coldkey_hotkey_account`` (saturating at 0); the entry is kept."""
    ext = root_vote(state)
    key = (hotkey, coldkey)
    ext.stake[key] = max(ext.stake.get(key, 0) - amount, 0)
    ext.hotkey_total[hotkey] = max(ext.hotkey_total.get(hotkey, 0) - amount, 0)
    ext.coldkey_total[coldkey] = max(ext.coldkey_total.get(coldkey, 0) - amount, 0)
    state.total_stake = max(state.total_stake - amount, 0)


def owner_of(state: State, hotkey: str) -> str:
    """``Owner[hotkey]`` (the default account when none is stored)."""
    return state.hotkey_owner.get(hotkey, DEFAULT_ACCOUNT)


def create_account_if_non_existent(state: State, coldkey: str, hotkey: str) -> None:
    """A hotkey without an owner is claimed by ``coldkey`` with an empty stake entry."""
    if hotkey not in state.hotkey_owner:
        state.hotkey_owner[hotkey] = coldkey
        root_vote(state).stake.setdefault((hotkey, coldkey), 0)


def unstake_all_from_hotkey(state: State, hotkey: str) -> None:
    """``unstake_all_coldkeys_from_hotkey_account``: every stake entry of ``hotkey`` goes back
    to its coldkey's free balance; the entries and their deltas are removed."""
    ext = root_vote(state)
    for key in [k for k in ext.stake if k[0] == hotkey]:
        amount = ext.stake[key]
        decrease_stake(state, key[1], hotkey, amount)
        del ext.stake[key]
        ext.delta.pop(key, None)
        ledger.increase_balance(state, key[1], amount)


def clear_small_nomination(state: State, coldkey: str, hotkey: str) -> None:
    """``clear_small_nomination_if_required``: a nomination (not the owner's) below
    ``NominatorMinRequiredStake`` is emptied back to the coldkey's free balance."""
    ext = root_vote(state)
    key = (hotkey, coldkey)
    amount = ext.stake.get(key)
    if amount is None or owner_of(state, hotkey) == coldkey:
        return
    if amount < state.params.nominator_min_stake:
        decrease_stake(state, coldkey, hotkey, amount)
        del ext.stake[key]
        ext.delta.pop(key, None)
        ledger.increase_balance(state, coldkey, amount)


def clear_small_nominations(state: State, rules: Rules, events: list[Event]) -> None:
    """``clear_small_nominations``: :func:`clear_small_nomination` for every entry."""
    for hotkey, coldkey in sorted(root_vote(state).stake):
        clear_small_nomination(state, coldkey, hotkey)


# -- staking extrinsics -------------------------------------------------------------------------


def _withdraw(state: State, coldkey: str, amount: int) -> int:
    """Withdraw with ``Preservation::Preserve``, best effort: at most free − ED (rao)."""
    free = ledger.get_balance(state, coldkey)
    taken = max(min(amount, free - state.params.existential_deposit), 0)
    ledger.decrease_balance(state, coldkey, taken)
    return taken


def _delegate_or_owner(state: State, coldkey: str, hotkey: str) -> None:
    if hotkey not in state.hotkey_owner:
        raise E.HotKeyAccountNotExists(f"hotkey {hotkey!r} has no owner")
    if hotkey not in state.takes and state.hotkey_owner[hotkey] != coldkey:
        raise E.HotKeyNotDelegateAndSignerNotOwnHotKey(f"{hotkey!r} is not a delegate")


def count_stake_operation(state: State, coldkey: str, hotkey: str) -> None:
    """``try_increase_staking_counter``: a new window when the count is 0 or the window has
    passed; else the count must be below ``TargetStakesPerInterval``."""
    ext = root_vote(state)
    params = state.params
    count, start = ext.stake_counter.get((coldkey, hotkey), (0, 0))
    if count == 0 or start + params.stake_interval <= state.block:
        ext.stake_counter[(coldkey, hotkey)] = (1, state.block)
        return
    if count >= params.target_stakes_per_interval:
        raise E.StakingRateLimitExceeded(f"{count} stake operations since block {start}")
    ext.stake_counter[(coldkey, hotkey)] = (count + 1, start)


def add_stake(
    state: State, rules: Rules, events: list[Event], coldkey: str, hotkey: str, amount: int
) -> int:
    """``add_stake`` (staking/add_stake.rs @ d4d8182): free TAO → stake 1:1; result rao staked.

    Preserve keeps the existential deposit, so staking the whole balance stakes all but ED;
    the stake delta records the amount asked.
    """
    if ledger.get_balance(state, coldkey) < amount:
        raise E.NotEnoughBalanceToStake(f"{coldkey} holds {ledger.get_balance(state, coldkey)}")
    _delegate_or_owner(state, coldkey, hotkey)
    minimum = state.params.nominator_min_stake
    nominated = get_stake(state, hotkey, coldkey) + amount
    if state.hotkey_owner[hotkey] != coldkey and nominated < minimum:
        raise E.NomStakeBelowMinimumThreshold(f"below {minimum}")
    count_stake_operation(state, coldkey, hotkey)
    staked = _withdraw(state, coldkey, amount)
    increase_stake(state, coldkey, hotkey, staked)
    ext = root_vote(state)
    ext.delta[(hotkey, coldkey)] = ext.delta.get((hotkey, coldkey), 0) + amount
    return staked


def remove_stake(
    state: State, rules: Rules, events: list[Event], coldkey: str, hotkey: str, amount: int
) -> int:
    """``remove_stake`` (staking/remove_stake.rs @ d4d8182): stake → free TAO 1:1; result rao."""
    _delegate_or_owner(state, coldkey, hotkey)
    if amount <= 0:
        raise E.StakeToWithdrawIsZero("amount is 0")
    if get_stake(state, hotkey, coldkey) < amount:
        raise E.NotEnoughStakeToWithdraw(f"{coldkey} holds {get_stake(state, hotkey, coldkey)}")
    count_stake_operation(state, coldkey, hotkey)
    decrease_stake(state, coldkey, hotkey, amount)
    ext = root_vote(state)
    ext.delta[(hotkey, coldkey)] = ext.delta.get((hotkey, coldkey), 0) - amount
    ledger.increase_balance(state, coldkey, amount)
    clear_small_nomination(state, coldkey, hotkey)
    return amount


def become_delegate(
    state: State, rules: Rules, events: list[Event], coldkey: str, hotkey: str, take: int | None
) -> None:
    """``become_delegate`` (take None: MaxDelegateTake) / ``do_become_delegate``."""
    params = state.params
    take = params.max_take_u16 if take is None else take
    if hotkey not in state.hotkey_owner:
        raise E.HotKeyAccountNotExists(f"hotkey {hotkey!r} has no owner")
    if state.hotkey_owner[hotkey] != coldkey:
        raise E.NonAssociatedColdKey(f"{coldkey} does not own {hotkey!r}")
    if hotkey in state.takes:
        raise E.HotKeyAlreadyDelegate(hotkey)
    if take < params.min_take_u16:
        raise E.DelegateTakeTooLow(f"take {take} < {params.min_take_u16}")
    if take > params.max_take_u16:
        raise E.DelegateTakeTooHigh(f"take {take} > {params.max_take_u16}")
    state.takes[hotkey] = take
    state.take_changed_at[hotkey] = state.block


def _owned(state: State, coldkey: str, hotkey: str) -> None:
    if hotkey not in state.hotkey_owner:
        raise E.HotKeyAccountNotExists(f"hotkey {hotkey!r} has no owner")
    if state.hotkey_owner[hotkey] != coldkey:
        raise E.NonAssociatedColdKey(f"{coldkey} does not own {hotkey!r}")


def increase_take(
    state: State, rules: Rules, events: list[Event], coldkey: str, hotkey: str, take: int
) -> None:
    """``increase_take`` @ d4d8182: above the current take, at most MaxDelegateTake, rate
    limited by ``TxDelegateTakeRateLimit`` from the last change."""
    _owned(state, coldkey, hotkey)
    params = state.params
    if take <= state.takes.get(hotkey, params.default_take_u16):
        raise E.DelegateTakeTooLow(f"take {take} is not above the current take")
    if take > params.max_take_u16:
        raise E.DelegateTakeTooHigh(f"take {take} > {params.max_take_u16}")
    last = state.take_changed_at.get(hotkey, 0)
    if last and state.block - last <= params.take_rate_limit:
        raise E.DelegateTxRateLimitExceeded(f"take changed at block {last}")
    state.takes[hotkey] = take
    state.take_changed_at[hotkey] = state.block


def decrease_take(
    state: State, rules: Rules, events: list[Event], coldkey: str, hotkey: str, take: int
) -> None:
    """``decrease_take`` @ d4d8182: below the current take, at least MinDelegateTake."""
    _owned(state, coldkey, hotkey)
    params = state.params
    if take >= state.takes.get(hotkey, params.default_take_u16):
        raise E.DelegateTakeTooLow(f"take {take} is not below the current take")
    if take < params.min_take_u16:
        raise E.DelegateTakeTooLow(f"take {take} < {params.min_take_u16}")
    state.takes[hotkey] = take
    state.take_changed_at[hotkey] = state.block


# -- the root network ---------------------------------------------------------------------------


def root_tempo(state: State) -> int:
    """``Tempo[0]`` (0 while the root network does not exist: it never runs)."""
    ext = root_vote(state)
    if not ext.root_added:
        return 0
    return state.params.root_tempo if ext.root_tempo is None else ext.root_tempo


def root_max_uids(state: State) -> int:
    ext = root_vote(state)
    return state.params.root_seats if ext.root_max_uids is None else ext.root_max_uids


def registered_anywhere(state: State, hotkey: str) -> bool:
    """Whether ``hotkey`` holds a UID on root or any subnet."""
    if hotkey in root_vote(state).seats:
        return True
    return any(s.neurons.uid_of(hotkey) is not None for s in state.subnets.values())


def root_register(
    state: State, rules: Rules, events: list[Event], coldkey: str, hotkey: str
) -> int:
    """``root_register`` (``do_root_register`` @ d4d8182); returns the root uid. No TAO moves.

    When all seats are taken, the member with the lowest total hotkey stake (first in uid order
    on ties) is replaced if the newcomer's stake is strictly higher; a replaced hotkey with no
    UID left anywhere has its stake returned to its coldkeys.
    """
    ext = root_vote(state)
    if not ext.root_added:
        raise E.RootNetworkDoesNotExist("netuid 0 does not exist")
    params = state.params
    block, this_block, interval = ext.root_registrations
    this_block = this_block if block == state.block else 0
    per_block = (
        params.root_registrations_per_block
        if ext.root_max_registrations_per_block is None
        else ext.root_max_registrations_per_block
    )
    if this_block >= per_block:
        raise E.TooManyRegistrationsThisBlock("root network")
    if interval >= 3 * ext.root_target_registrations:
        raise E.TooManyRegistrationsThisInterval("root network")
    if hotkey in ext.seats:
        raise E.HotKeyAlreadyRegisteredInSubNet(f"{hotkey!r} holds a root seat")
    create_account_if_non_existent(state, coldkey, hotkey)
    if len(ext.seats) < root_max_uids(state):
        uid = len(ext.seats)
        ext.seats.append(hotkey)
        ext.seat_block.append(state.block)
    else:
        uid, lowest = 0, U64_MAX
        for i, member in enumerate(ext.seats):
            stake = hotkey_stake(state, member)
            if stake < lowest:
                uid, lowest = i, stake
        if not lowest < hotkey_stake(state, hotkey):
            raise E.StakeTooLowForRoot(f"the lowest root member holds {lowest} rao")
        replaced = ext.seats[uid]
        ext.seats[uid] = hotkey
        ext.seat_block[uid] = state.block
        ext.root_weights.pop(uid, None)
        ext.root_last_update[uid] = state.block
        if not registered_anywhere(state, replaced):
            unstake_all_from_hotkey(state, replaced)
    ext.root_last_update.setdefault(uid, state.block)
    ext.root_last_update[uid] = state.block
    if hotkey not in state.takes:
        state.takes[hotkey] = ROOT_DELEGATE_TAKE
    ext.root_registrations = (state.block, this_block + 1, interval + 1)
    return uid


def network_netuids(state: State) -> list[int]:
    """``get_all_subnet_netuids``: root (if added) and every subnet, ascending."""
    return ([ROOT] if root_vote(state).root_added else []) + sorted(state.subnets)


def set_root_weights(
    state: State,
    rules: Rules,
    events: list[Event],
    coldkey: str,
    hotkey: str,
    netuid: int,
    netuids: tuple[int, ...],
    weights: tuple[int, ...],
) -> None:
    """``set_root_weights`` (``do_set_root_weights`` @ d4d8182): a root member's vote over
    subnets, stored max-upscaled to u16 (largest 65 535)."""
    ext = root_vote(state)
    params = state.params
    if hotkey not in state.hotkey_owner:
        raise E.HotKeyAccountNotExists(f"hotkey {hotkey!r} has no owner")
    if state.hotkey_owner[hotkey] != coldkey:
        raise E.NonAssociatedColdKey(f"{coldkey} does not own {hotkey!r}")
    if netuid not in network_netuids(state):
        raise E.SubNetworkDoesNotExist(f"subnet {netuid} does not exist")
    if netuid != ROOT:
        raise E.NotRootSubnet(f"netuid {netuid}")
    if len(netuids) != len(weights):
        raise E.WeightVecNotEqualSize(f"{len(netuids)} netuids but {len(weights)} weights")
    existing = set(network_netuids(state))
    if any(n not in existing for n in netuids):
        raise E.UidVecContainInvalidOne("a netuid does not exist")
    if hotkey not in ext.seats:
        raise E.HotKeyNotRegisteredInSubNet(f"{hotkey!r} holds no root seat")
    if hotkey_stake(state, hotkey) < params.stake_threshold:
        raise E.NotEnoughStakeToSetWeights(f"stake below {params.stake_threshold}")
    uid = ext.seats.index(hotkey)
    last = ext.root_last_update.get(uid, 0)
    if last != 0 and state.block - last < params.weights_rate_limit:
        raise E.SettingWeightsTooFast(f"root uid {uid} set weights at block {last}")
    if len(set(netuids)) != len(netuids):
        raise E.DuplicateUids("a netuid appears twice")
    upscaled = vec_u16_max_upscale_to_u16(weights)
    ext.root_weights[uid] = list(zip(netuids, upscaled, strict=True))
    ext.root_last_update[uid] = state.block


def root_weight_matrix(state: State) -> tuple[list[int], list[list[int]]]:
    """``get_root_weights``: (columns, n × k weights as raw I64F64): k = the netuids of
    :func:`network_netuids`, one row per root seat."""
    ext = root_vote(state)
    columns = network_netuids(state)
    index = {n: j for j, n in enumerate(columns)}
    rows = [[0] * len(columns) for _ in ext.seats]
    for uid, row in ext.root_weights.items():
        if uid < len(rows):
            for netuid, weight in row:
                if netuid in index:
                    rows[uid][index[netuid]] = weight << FRAC64
    return columns, rows


def root_epoch(state: State, emission: int, block: int | None = None) -> dict[int, int] | None:
    """``root_epoch`` (coinbase/root.rs @ d4d8182) in the chain's I64F64 arithmetic: the new
    ``EmissionValues`` (rao per block, every netuid incl. 0), or None when the chain's epoch
    returns an error (not the root tempo's block, no seats, no networks, no stake).

    s = normalised total stake per seat; W row-normalised; rank = Wᵀs;
    trust_j = Σ_{v: W_vj>0} s_v / Σ s; consensus = 1/(1 + exp(−ρ·(trust − κ)));
    e = normalise(consensus ⊙ rank); EmissionValues_j = ⌊e_j·E⌋. ``block``: the block the
    epoch is asked for (default: the current one).
    """
    ext = root_vote(state)
    block = state.block if block is None else block
    if blocks_until_next_epoch(ROOT, root_tempo(state), block) != 0:
        return None
    if not ext.seats:
        return None
    columns, weights = root_weight_matrix(state)
    if not columns:
        return None
    stake = normalize_64([hotkey_stake(state, h) << FRAC64 for h in ext.seats])
    weights = [normalize_64(row) for row in weights]  # inplace_row_normalize_64
    k = len(columns)
    rank = [0] * k
    trust = [0] * k
    for row, s in zip(weights, stake, strict=True):
        for j, w in enumerate(row):
            rank[j] += saturating_mul(w, s, FRAC64, _I128)
            if w > 0:
                trust[j] += s
    total = sum(stake)
    if total == 0:
        return None
    trust = [safe_div(t, total, FRAC64, _I128) for t in trust]
    one = 1 << FRAC64
    kappa32 = safe_div(state.params.kappa_u16 << FRAC32, U16_MAX << FRAC32)  # get_float_kappa
    kappa = kappa32 << (FRAC64 - FRAC32)
    rho = state.params.root_rho
    weighted = []
    for t, r in zip(trust, rank, strict=True):
        exponent = -((t - kappa) * rho)
        exp = exp_fixed(exponent, FRAC64, _I128)
        assert exp is not None  # |ρ·(trust − κ)| ≤ ρ: always in range
        consensus = safe_div(one, one + exp, FRAC64, _I128)
        weighted.append(saturating_mul(consensus, r, FRAC64, _I128))
    shares = normalize_64(weighted)
    values = [(e * emission) >> FRAC64 for e in shares]
    return dict(zip(columns, values, strict=True))


# -- hotkey hashing (should_drain_hotkey) --------------------------------------------------------


def account_bytes(name: str) -> bytes:
    """The 32-byte encoding of an account: a decimal name is a U256 id (little endian, as the
    test mock's accounts); any other name stands in for an SS58 key by its BLAKE2b-256."""
    if name.isdigit() and int(name) < 2**256:
        return int(name).to_bytes(32, "little")
    return hashlib.blake2b(name.encode(), digest_size=32).digest()


def hash_hotkey_to_u64(hotkey: str) -> int:
    """``hash_hotkey_to_u64``: the first 8 bytes (LE) of keccak-256(account ‖ 32 zero bytes)."""
    return int.from_bytes(_keccak256(account_bytes(hotkey) + bytes(32))[:8], "little")


def should_drain_hotkey(hotkey: str, block: int, emission_tempo: int) -> bool:
    """``should_drain_hotkey``: block ≡ hash(hotkey) mod (HotkeyEmissionTempo + 1)."""
    period = emission_tempo + 1
    return block % period == hash_hotkey_to_u64(hotkey) % period


_KECCAK_ROUNDS = [
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
]  # fmt: skip
_KECCAK_ROT = [
    [0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61],
    [28, 55, 25, 21, 56], [27, 20, 39, 8, 14],
]  # fmt: skip
_M64 = (1 << 64) - 1


def _keccak_f(a: list[list[int]]) -> None:
    """The Keccak-f[1600] permutation on lanes ``a[x][y]`` (in place)."""
    for rc in _KECCAK_ROUNDS:
        c = [a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4] for x in range(5)]
        d = [
            c[(x - 1) % 5] ^ (((c[(x + 1) % 5] << 1) | (c[(x + 1) % 5] >> 63)) & _M64)
            for x in range(5)
        ]
        for x in range(5):
            for y in range(5):
                a[x][y] ^= d[x]
        b = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                r = _KECCAK_ROT[x][y]
                b[y][(2 * x + 3 * y) % 5] = ((a[x][y] << r) | (a[x][y] >> (64 - r))) & _M64
        for x in range(5):
            for y in range(5):
                a[x][y] = b[x][y] ^ ((~b[(x + 1) % 5][y]) & b[(x + 2) % 5][y])
        a[0][0] ^= rc


def _keccak256(data: bytes) -> bytes:
    """Keccak-256 (the original padding 0x01, as ``sp_io::hashing::keccak_256``)."""
    rate = 136
    if len(data) % rate == rate - 1:  # one byte of room: 0x01 and 0x80 share it
        padded = bytearray(data) + b"\x81"
    else:
        padded = bytearray(data) + b"\x01" + bytes((-len(data) - 2) % rate) + b"\x80"
    state = [[0] * 5 for _ in range(5)]
    for offset in range(0, len(padded), rate):
        block = padded[offset : offset + rate]
        for i in range(rate // 8):
            state[i % 5][i // 5] ^= int.from_bytes(block[8 * i : 8 * i + 8], "little")
        _keccak_f(state)
    out = b"".join(state[i % 5][i // 5].to_bytes(8, "little") for i in range(4))
    return out
